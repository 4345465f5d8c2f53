#!/usr/bin/env bash
# The database fails and comes back: one `blog` instance on a throw-away PostgreSQL, under
# the steady mixed load of .ci/load.py plus a probe of /api/health every 100 ms. After 3 s
# PostgreSQL is stopped (`pg_ctl stop -m fast`, as an administrator's restart) for 10 s and
# started again, and the load runs on for 10 s more. The load checks that:
#
# - every request answers its usual status or a JSON 503 (`{"error": "Service
#   unavailable"}`; the health check's `unhealthy`), never a 500, and none waits past the
#   example's 3 s pool acquire timeout plus a 2 s margin;
# - /api/health answers 503 within 5 s of the stop;
# - from 5 s after PostgreSQL is back every request answers normally, without restarting
#   `blog` (the same process serves the whole run, and nothing panics).
#
# Ends with `N passed, N failed` (a check per request, and three for the outage as a whole).
# Runs as root on a fresh Debian machine (CI) and installs PostgreSQL when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

source .ci/pg-cluster.sh
echo "== building the blog example"
cargo build -p blog --locked --quiet

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BLOG=""
LOAD=""
cleanup() {
  [ -n "$LOAD" ] && kill "$LOAD" 2>/dev/null || true
  [ -n "$BLOG" ] && kill "$BLOG" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
  pg_cleanup
}
trap cleanup EXIT

HOST=127.0.0.1 PORT=$PORT DATABASE_URL="$PG_URL" BLOG_DEMO=1 "$TARGET/debug/blog" >"$WORK/blog.log" 2>&1 &
BLOG=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null || { tail -50 "$WORK/blog.log" >&2; exit 1; }
curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT/api/posts" -H 'Authorization: Bearer ada-token' \
  -H 'Content-Type: application/json' -d '{"title":"first","body":"read under load"}'

echo "== load on blog (:$PORT); PostgreSQL stopped for 10 s"
python3 .ci/load.py --port "$PORT" --workers 8 --min-requests 1 --max-seconds 120 \
  --stop-file "$WORK/stop" --started-file "$WORK/started" \
  --outage "$WORK/db-stopped" "$WORK/db-started" >"$WORK/load.txt" 2>&1 &
LOAD=$!
for _ in $(seq 1 100); do [ -f "$WORK/started" ] && break; sleep 0.1; done
sleep 3
date +%s.%N >"$WORK/db-stopped"
pg_stop
echo "PostgreSQL stopped"
sleep 10
pg_start
date +%s.%N >"$WORK/db-started"
echo "PostgreSQL started again"
sleep 10
touch "$WORK/stop"
wait "$LOAD" && load_status=0 || load_status=$?
LOAD=""
cat "$WORK/load.txt"
if ! kill -0 "$BLOG" 2>/dev/null; then
  echo "blog is no longer running; its log:" >&2
  tail -50 "$WORK/blog.log" >&2
  exit 1
fi
if grep -q 'panicked' "$WORK/blog.log"; then
  grep 'panicked' "$WORK/blog.log" | head -5 >&2
  exit 1
fi
echo "blog served the whole run as one process (pid $BLOG), without a panic"
exit "$load_status"
