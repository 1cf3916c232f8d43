#!/bin/sh
# Installs the peers that bench/peers.py compares socialops with, into bench/.peers/
# (git ignores it): textlint with the rules the comparison configures, from npm, and
# proselint, from pip, in a virtual environment of its own. The registries are the ones
# npm and pip are configured to use on this machine. Versions are pinned so that runs
# stay comparable; remove bench/.peers/ to start over.
#
#     sh bench/peers_setup.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/.peers"
mkdir -p "$dest/node"
cd "$dest/node"
[ -f package.json ] || printf '{"name": "socialops-bench-peers", "private": true}\n' > package.json
npm install --no-audit --no-fund --loglevel=error \
    textlint@15.8.0 \
    textlint-rule-ng-word@1.0.0 \
    textlint-rule-terminology@5.2.16 \
    textlint-rule-en-max-word-count@1.0.2 \
    textlint-rule-write-good@2.0.0
python3 -m venv "$dest/venv"
"$dest/venv/bin/pip" install --quiet proselint==0.16.0
echo "textlint: $("$dest/node/node_modules/.bin/textlint" --version)"
echo "proselint: $("$dest/venv/bin/proselint" --version 2>&1 | head -1)"
