#!/usr/bin/env bash
# axe-core (npm, pinned in tests/axe/package.json) for the calendar page's accessibility
# test in headless Chromium (tests/calendar/test_html_browser.py). Installed outside the
# repository in ${SOCIALOPS_AXE_HOME:-$HOME/.cache/socialops-axe}. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

AXE_HOME="${SOCIALOPS_AXE_HOME:-$HOME/.cache/socialops-axe}"
WANT="$(sha256sum tests/axe/package.json | cut -d' ' -f1)"
STAMP="$AXE_HOME/installed"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
mkdir -p "$AXE_HOME"
cp tests/axe/package.json "$AXE_HOME/package.json"
(cd "$AXE_HOME" && npm install --silent --no-audit --no-fund >/dev/null)
test -f "$AXE_HOME/node_modules/axe-core/axe.min.js"
echo "$WANT" > "$STAMP"
