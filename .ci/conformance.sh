#!/usr/bin/env bash
# HTTP conformance of `routekit::serve`, checked from outside against the running example:
#
# - httplint (PyPI) on every kind of answer the example gives (.ci/httplint.py);
# - the request-smuggling corpora the `http_desync_guardian` crate ships (its tests/*.yaml,
#   from crates.io, checksum pinned), replayed over raw HTTP/1.1 sockets: each ambiguous
#   request is refused or answered once, never read as two (.ci/desync.py);
# - Debian's `nghttp` (nghttp2-client) talking h2c to every kind of route (.ci/h2c.py).
#
# Each part ends with `N passed, N failed`; the script fails if any part has a failure.
# Installs what it needs when missing (a virtual environment under the target directory,
# nghttp2-client with apt as root).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

VENV="$TARGET/conformance-venv"
if [ ! -x "$VENV/bin/httplint" ] || ! "$VENV/bin/python" -c 'import yaml' 2>/dev/null; then
  echo "== installing httplint and PyYAML"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "httplint==2026.10.4" "PyYAML==6.0.3"
fi
if ! command -v nghttp >/dev/null 2>&1; then
  echo "== installing nghttp2-client"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends nghttp2-client >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends nghttp2-client >/dev/null; }
fi
CORPUS="$TARGET/http_desync_guardian-0.1.3"
if [ ! -d "$CORPUS/tests" ]; then
  echo "== fetching the http_desync_guardian 0.1.3 crate (its test corpora)"
  crate="$TARGET/http_desync_guardian-0.1.3.crate"
  curl -sfL https://static.crates.io/crates/http_desync_guardian/http_desync_guardian-0.1.3.crate -o "$crate"
  echo "ad6e2c57ee440735bff81df73424914248782406defb1c301042baae2cf4ae74  $crate" | sha256sum -c --quiet
  tar xzf "$crate" -C "$TARGET"
fi

# shellcheck source=.ci/start-blog.sh
source .ci/start-blog.sh

status=0
echo "== httplint on the example's answers"
"$VENV/bin/python" .ci/httplint.py --port "$PORT" --httplint "$VENV/bin/httplint" || status=1
echo "== http_desync_guardian's corpora over raw HTTP/1.1"
"$VENV/bin/python" .ci/desync.py --port "$PORT" --corpus "$CORPUS/tests" || status=1
echo "== nghttp over h2c"
python3 .ci/h2c.py --port "$PORT" || status=1
if [ "$status" != 0 ]; then
  echo "the server's log:" >&2
  tail -30 "$WORK/blog.log" >&2
fi
exit "$status"
