#!/usr/bin/env bash
# Microsoft's SARIF multitool (npm: @microsoft/sarif-multitool, pinned in
# tests/sarif/package.json) for tests/test_sarif.py: it validates lint's SARIF against the
# official 2.1.0 schema and its GitHub code-scanning rules. Installed outside the
# repository in ${SOCIALOPS_SARIF_HOME:-$HOME/.cache/socialops-sarif}. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."

SARIF_HOME="${SOCIALOPS_SARIF_HOME:-$HOME/.cache/socialops-sarif}"
WANT="$(sha256sum tests/sarif/package.json | cut -d' ' -f1)"
STAMP="$SARIF_HOME/installed"
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
mkdir -p "$SARIF_HOME"
cp tests/sarif/package.json "$SARIF_HOME/package.json"
(cd "$SARIF_HOME" && npm install --silent --no-audit --no-fund >/dev/null)
test -x "$SARIF_HOME/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
echo "$WANT" > "$STAMP"
