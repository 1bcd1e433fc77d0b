#!/usr/bin/env bash
# Make sure the Debian libraries WeasyPrint (PDF) needs are installed: Pango, HarfBuzz and a
# font with the glyphs our PDFs use. Idempotent and quick when they are present; installs the
# missing ones with apt-get (as root or with password-less sudo) otherwise.
set -u
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
else
  exit 0  # not Debian: the operator installs Pango (see WeasyPrint's documentation)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "ensure-system-libs: installing ${missing[*]} for WeasyPrint."
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "ensure-system-libs: not root and no password-less sudo; install: ${missing[*]}" >&2
  exit 1
fi
# shellcheck disable=SC2086  # $sudo is empty or "sudo -n"
DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
