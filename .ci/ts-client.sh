#!/usr/bin/env bash
# The TypeScript client, checked with the real compiler and the real Node runtime: the
# generated clients type-check under `tsc --strict` and wrong calls do not
# (tests/tests/ts_client.rs, with tsc required), the example's shipped client is fresh and
# strict-clean, and a Node test (`node --test`, after tsc) drives the live example through
# it. Installs npm's `typescript` itself (scripts/ts-tools.sh). Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=$(bash scripts/ts-tools.sh)
TSC="$TOOLS/node_modules/.bin/tsc"
# Wherever cargo builds (CARGO_TARGET_DIR, a config file, or ./target).
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
echo "== $("$TSC" --version), node $(node --version)"

passed=0
failed=0
step() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "ok: $name"
  else
    failed=$((failed + 1))
    echo "FAILED: $name" >&2
  fi
}

# `--workspace` resolves features as `cargo test --workspace` does, so nothing rebuilds.
echo "== the generated clients under tsc, and the shipped one fresh"
step "cargo tests (tsc on generated clients, wrong calls rejected, shipped client fresh)" \
  env ROUTEKIT_REQUIRE_TSC=1 TSC="$TSC" cargo test --workspace --locked --quiet --test ts_client --test client

STRICT=(--strict --pretty false --target es2022 --lib es2022,dom --module nodenext)
echo "== tsc --strict --noEmit examples/blog/client/blog-client.ts"
step "the shipped client type-checks under --strict" \
  "$TSC" "${STRICT[@]}" --noEmit examples/blog/client/blog-client.ts

# shellcheck source=.ci/start-blog.sh
source .ci/start-blog.sh

echo "== tsc: the client and its Node test, to JavaScript"
step "the client and its Node test compile" \
  "$TSC" "${STRICT[@]}" --types node --typeRoots "$TOOLS/node_modules/@types" --outDir "$WORK/out" \
  examples/blog/client/blog-client.ts examples/blog/client/blog-client.test.ts

echo "== node --test against $BASE"
if [ -f "$WORK/out/blog-client.test.js" ]; then
  set +e
  BLOG_URL="$BASE" node --test "$WORK/out/blog-client.test.js" >"$WORK/node.log" 2>&1
  node_status=$?
  set -e
  cat "$WORK/node.log"
  node_passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$WORK/node.log")
  node_failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$WORK/node.log")
  passed=$((passed + ${node_passed:-0}))
  failed=$((failed + ${node_failed:-0}))
  if [ "$node_status" -ne 0 ] && [ "${node_failed:-0}" -eq 0 ]; then
    failed=$((failed + 1))
  fi
  if [ "${node_passed:-0}" -eq 0 ]; then
    echo "node ran no test" >&2
    failed=$((failed + 1))
  fi
  if [ "$node_status" -ne 0 ]; then
    echo "the server's log:" >&2
    tail -20 "$WORK/blog.log" >&2
  fi
fi

echo "ts-client: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
