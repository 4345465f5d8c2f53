#!/usr/bin/env bash
# The blog example's OpenAPI document, checked from outside: it validates as OpenAPI 3.1
# (openapi-spec-validator), Schemathesis finds no failure against the live server, and the
# docs page renders in headless Chromium. Called by .ci/run; needs PyPI and Debian's apt.
set -euo pipefail
cd "$(dirname "$0")/.."

# Wherever cargo builds (CARGO_TARGET_DIR, a config file, or ./target).
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
VENV="$TARGET/openapi-venv"
if [ ! -x "$VENV/bin/st" ] || [ ! -x "$VENV/bin/openapi-spec-validator" ]; then
  echo "== installing schemathesis and openapi-spec-validator"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "schemathesis==4.32.5" "openapi-spec-validator==0.9.0"
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

echo "== without the feature: the generated code's wrapper emits nothing"
cargo test -p routekit --lib --locked --quiet openapi::

# shellcheck source=.ci/start-blog.sh
source .ci/start-blog.sh

echo "== openapi-spec-validator $BASE/openapi.json"
curl -sf "$BASE/openapi.json" -o "$WORK/openapi.json"
"$VENV/bin/openapi-spec-validator" "$WORK/openapi.json"

# Bounded: 25 examples per operation and phase, a fixed seed so a failure reproduces.
echo "== schemathesis (all checks, 25 examples per operation)"
started=$(date +%s)
"$VENV/bin/st" --config-file .ci/schemathesis.toml run "$BASE/openapi.json" \
  --max-examples 25 --seed 20261121 --no-color --request-timeout 10 >"$WORK/st.log" 2>&1 || {
  grep -v "^$" "$WORK/st.log" | tail -60
  echo "schemathesis found failures (above); the server's log:" >&2
  tail -20 "$WORK/blog.log" >&2
  exit 1
}
tail -15 "$WORK/st.log"
echo "schemathesis took $(( $(date +%s) - started )) s"

echo "== docs page in headless chromium"
chrome() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$(mktemp -d -p "$WORK")" \
    --virtual-time-budget=5000 "$@" 2>/dev/null
}
chrome --dump-dom "$BASE/reference" >"$WORK/page.html"
for expected in 'id="posts.collection.post"' 'routekit blog' '/api/posts/{id}' 'requires auth' 'NewPost'; do
  if ! grep -qF "$expected" "$WORK/page.html"; then
    echo "the rendered docs page lacks: $expected" >&2
    exit 1
  fi
done
chrome --screenshot="$WORK/page.png" --window-size=1280,900 "$BASE/reference#posts.collection.post" >/dev/null
test -s "$WORK/page.png"
echo "docs page rendered: every operation, the security scheme and the schemas"
