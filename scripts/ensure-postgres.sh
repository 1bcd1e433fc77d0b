#!/usr/bin/env bash
# Make sure the local PostgreSQL answers on 127.0.0.1:5432; start it when installed but down.
# With CI=true a missing or unstartable server is an error; otherwise a warning.
set -u
host=127.0.0.1
if pg_isready -q -h "$host" -p 5432 2>/dev/null; then
  exit 0
fi
echo "PostgreSQL is not answering on $host:5432; trying to start it."
if command -v pg_ctlcluster >/dev/null 2>&1; then
  for cluster in /etc/postgresql/*/*; do
    [ -d "$cluster" ] || continue
    version=$(basename "$(dirname "$cluster")"); name=$(basename "$cluster")
    pg_ctlcluster "$version" "$name" start 2>/dev/null || true
  done
elif command -v service >/dev/null 2>&1; then
  service postgresql start || true
fi
for _ in $(seq 1 30); do
  pg_isready -q -h "$host" -p 5432 2>/dev/null && exit 0
  sleep 1
done
echo "PostgreSQL could not be started on $host:5432." >&2
exit 1
