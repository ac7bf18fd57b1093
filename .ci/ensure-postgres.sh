#!/usr/bin/env bash
# The database-session tests run a throw-away cluster of Debian's PostgreSQL (see
# __test__/postgres.mjs). Install the server when it is missing.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL is missing: run 'apt-get install postgresql' as root (or run the tests as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq postgresql > /dev/null
