#!/usr/bin/env bash
# axe-core (npm, pinned in tests/axe/package.json) for the calendar page's accessibility
# test in headless Chromium (tests/calendar/test_html_browser.py). Installed outside the
# repository in ${SOCIALOPS_AXE_HOME:-$HOME/.cache/socialops-axe}. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

AXE_HOME="${SOCIALOPS_AXE_HOME:-$HOME/.cache/socialops-axe}"
npm_from_manifest "$AXE_HOME" tests/axe/package.json
test -f "$AXE_HOME/node_modules/axe-core/axe.min.js"
