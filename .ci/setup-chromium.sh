#!/usr/bin/env bash
# Headless Chromium for the calendar's HTML page test (tests/calendar/test_html_browser.py).
# Idempotent and quiet: does nothing when chromium is already on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
apt_install chromium fonts-dejavu-core
command -v chromium >/dev/null
