#!/usr/bin/env bash
# The end-to-end test drives Debian's Chromium through playwright-core (Playwright's own browser
# download is not used). Install it when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: run 'apt-get install chromium' as root (or run the e2e test as root)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium > /dev/null
