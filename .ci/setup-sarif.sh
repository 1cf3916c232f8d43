#!/usr/bin/env bash
# Microsoft's SARIF multitool (npm: @microsoft/sarif-multitool, pinned in
# tests/sarif/package.json) for tests/test_sarif.py: it validates lint's SARIF against the
# official 2.1.0 schema and its GitHub code-scanning rules. Installed outside the
# repository in ${SOCIALOPS_SARIF_HOME:-$HOME/.cache/socialops-sarif}. Idempotent and quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

SARIF_HOME="${SOCIALOPS_SARIF_HOME:-$HOME/.cache/socialops-sarif}"
npm_from_manifest "$SARIF_HOME" tests/sarif/package.json
test -x "$SARIF_HOME/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
