#!/usr/bin/env bash
# Installs the TypeScript tools of the client tests into <cargo target dir>/ts-tools, from
# npm: `typescript` (tsc) and `@types/node` (the Node test's `node:test` and `node:assert`).
# tests/tests/ts_client.rs and .ci/ts-client.sh run the compiler from there; nothing is
# installed globally. Prints the directory.
#
#   bash scripts/ts-tools.sh
set -euo pipefail
cd "$(dirname "$0")/.."

TYPESCRIPT=7.0.2
TYPES_NODE=20.19.43

if ! command -v npm >/dev/null 2>&1; then
  echo "== installing nodejs and npm" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq nodejs npm >/dev/null
fi

# Wherever cargo builds (CARGO_TARGET_DIR, a config file, or ./target).
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
TOOLS="$TARGET/ts-tools"
installed() {
  [ -x "$TOOLS/node_modules/.bin/tsc" ] &&
    [ "$("$TOOLS/node_modules/.bin/tsc" --version)" = "Version $TYPESCRIPT" ] &&
    grep -qF "\"version\": \"$TYPES_NODE\"" "$TOOLS/node_modules/@types/node/package.json" 2>/dev/null
}
if ! installed; then
  echo "== installing typescript@$TYPESCRIPT and @types/node@$TYPES_NODE into $TOOLS" >&2
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent --save-exact \
    "typescript@$TYPESCRIPT" "@types/node@$TYPES_NODE" >&2
  installed || { echo "ts-tools: tsc $TYPESCRIPT did not install in $TOOLS" >&2; exit 1; }
fi
echo "$TOOLS"
