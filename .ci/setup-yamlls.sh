#!/usr/bin/env bash
# yaml-language-server (npm) for the editor test (tests/test_editor.py): the language server
# VS Code's YAML extension, Neovim and Helix run. Installed into a cache folder outside the
# repository; idempotent, quiet, and fast when already installed.
set -euo pipefail

VERSION="1.25.0"
DIR="${SOCIALOPS_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/socialops-ci}/yamlls"

if [ -f "$DIR/node_modules/yaml-language-server/package.json" ] &&
   grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/yaml-language-server/package.json"; then
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
[ -f package.json ] || echo '{"name": "socialops-ci-yamlls", "private": true}' > package.json
npm install --silent --no-audit --no-fund --save-exact "yaml-language-server@$VERSION" >/dev/null
test -f "$DIR/node_modules/yaml-language-server/bin/yaml-language-server"
