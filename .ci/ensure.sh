#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: `chromium` (driven through
# playwright-core; Playwright's own browser download is not used), `postgresql` (throw-away
# clusters for the database-session tests) or `qemu` (qemu-user-static and Debian's arm64 cross
# glibc and libstdc++, to run arm64 Node).   bash .ci/ensure.sh chromium|postgresql|qemu
set -euo pipefail
case "${1:?usage: ensure.sh chromium|postgresql|qemu}" in
  chromium) packages=(chromium); present() { [ -x /usr/bin/chromium ]; } ;;
  postgresql) packages=(postgresql); present() { compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; } ;;
  qemu)
    packages=(qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross)
    present() { [ -x /usr/bin/qemu-aarch64-static ] && [ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]; }
    ;;
  *) echo "unknown package: $1" >&2; exit 2 ;;
esac
if present; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$1 is missing: run 'apt-get install ${packages[*]}' as root (or run the tests as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${packages[@]}" > /dev/null
