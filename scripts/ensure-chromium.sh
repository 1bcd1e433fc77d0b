#!/usr/bin/env bash
# Make sure Debian's chromium is installed for the Playwright browser tests.
# Playwright cannot download its own browser here, so the tests hand it this executable
# (CHROMIUM_PATH, default /usr/bin/chromium). Idempotent: does nothing when it is present.
set -u
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
  exit 0
fi
echo "ensure-chromium: $chromium is missing; installing Debian's chromium package with apt-get."
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "ensure-chromium: cannot install chromium: not root and no password-less sudo." >&2
  echo "  Install it yourself (apt-get install chromium) or set CHROMIUM_PATH." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: cannot install chromium: apt-get not found (not a Debian system?)." >&2
  echo "  Install a Chromium yourself and set CHROMIUM_PATH to its executable." >&2
  exit 1
fi
echo "ensure-chromium: running: ${sudo:+$sudo }apt-get update -qq"
# shellcheck disable=SC2086  # $sudo is empty or "sudo -n"
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq; then
  echo "ensure-chromium: apt-get update failed; cannot install chromium." >&2
  exit 1
fi
echo "ensure-chromium: running: ${sudo:+$sudo }apt-get install -y -qq chromium"
# shellcheck disable=SC2086
if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; then
  echo "ensure-chromium: apt-get install chromium failed." >&2
  exit 1
fi
if [ ! -x "$chromium" ]; then
  echo "ensure-chromium: chromium was installed but $chromium is not there; set CHROMIUM_PATH." >&2
  exit 1
fi
echo "ensure-chromium: installed $("$chromium" --version 2>/dev/null || echo "$chromium")."
