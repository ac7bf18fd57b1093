#!/usr/bin/env bash
# Installs a Debian package the tests need when it is missing: `chromium` (driven through
# playwright-core; Playwright's own browser download is not used) or `postgresql` (throw-away
# clusters for the database-session tests).   bash .ci/ensure.sh chromium|postgresql
set -euo pipefail
case "${1:?usage: ensure.sh chromium|postgresql}" in
  chromium) present() { [ -x /usr/bin/chromium ]; } ;;
  postgresql) present() { compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; } ;;
  *) echo "unknown package: $1" >&2; exit 2 ;;
esac
if present; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$1 is missing: run 'apt-get install $1' as root (or run the tests as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "$1" > /dev/null
