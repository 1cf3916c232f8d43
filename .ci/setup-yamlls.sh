#!/usr/bin/env bash
# yaml-language-server (npm) for the editor test (tests/test_editor.py): the language server
# VS Code's YAML extension, Neovim and Helix run. Installed into a cache folder outside the
# repository; idempotent, quiet, and fast when already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

DIR="${SOCIALOPS_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/socialops-ci}/yamlls"
npm_pinned "$DIR" yaml-language-server 1.25.0
test -f "$DIR/node_modules/yaml-language-server/bin/yaml-language-server"
