#!/usr/bin/env bash
# A rolling restart behind nginx loses nothing: a throw-away PostgreSQL, two `blog`
# instances sharing it, and Debian's nginx in front of both with the README's configuration
# (examples/blog/deploy/nginx.conf). A steady mixed load (.ci/load.py: reads, creates and
# deletes with the demo token; at least 20,000 requests, bounded in count and time, all on
# loopback) runs through nginx the whole time, while instance A is restarted (SIGTERM, wait
# for its exit, start again, wait for its health and for nginx to send it requests again)
# and then B. Ends with the load's `N passed, N failed`; failed is every request that did
# not get its expected status, and the script fails on any.
#
# Runs as root on a fresh Debian machine (CI) and installs nginx (and PostgreSQL, through
# pg-cluster.sh) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "rolling-restart.sh: nginx is not installed and this is not root: apt-get install nginx" >&2
    exit 1
  fi
  echo "== installing nginx (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends nginx >/dev/null 2>&1 ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

source .ci/pg-cluster.sh
echo "== building the blog example"
cargo build -p blog --locked --quiet

WORK=$(mktemp -d)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT_A=$(free_port)
PORT_B=$(free_port)
PORT_NGINX=$(free_port)
declare -A PID PORT=([a]=$PORT_A [b]=$PORT_B)
LOAD=""
cleanup() {
  [ -n "$LOAD" ] && kill "$LOAD" 2>/dev/null || true
  for name in a b; do
    [ -n "${PID[$name]:-}" ] && kill "${PID[$name]}" 2>/dev/null || true
  done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
  pg_cleanup
}
trap cleanup EXIT

# Starts instance $1 and waits (up to 30 s) until its health check answers 200.
start_instance() {
  local name=$1
  HOST=127.0.0.1 PORT=${PORT[$name]} DATABASE_URL="$PG_URL" BLOG_DEMO=1 \
    "$TARGET/debug/blog" >>"$WORK/$name.log" 2>&1 &
  PID[$name]=$!
  for _ in $(seq 1 300); do
    curl -sf "http://127.0.0.1:${PORT[$name]}/api/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "instance $name did not become healthy; its log:" >&2
  tail -50 "$WORK/$name.log" >&2
  exit 1
}

# The requests instance $1 has logged (one `routekit::request` line each).
served() { grep -c 'routekit::request' "$WORK/$1.log" || true; }

# SIGTERM, wait for the exit (it drains first), start again, wait for health, then wait
# (up to 30 s) until nginx sends it requests again: only then may the other one go.
restart() {
  local name=$1 began status
  began=$(date +%s.%N)
  kill -TERM "${PID[$name]}"
  wait "${PID[$name]}" && status=0 || status=$?
  echo "instance $name: exited with status $status $(echo "$(date +%s.%N) - $began" | bc | cut -c1-5) s after SIGTERM"
  [ "$status" = 0 ] || { echo "instance $name did not shut down cleanly" >&2; exit 1; }
  start_instance "$name"
  local before
  before=$(served "$name")
  for _ in $(seq 1 300); do
    [ "$(served "$name")" -gt $((before + 20)) ] && break
    sleep 0.1
  done
  echo "instance $name: back, healthy and taking requests from nginx $(echo "$(date +%s.%N) - $began" | bc | cut -c1-5) s after SIGTERM"
}

echo "== PostgreSQL, instances A (:$PORT_A) and B (:$PORT_B), nginx (:$PORT_NGINX)"
start_instance a
start_instance b
mkdir -p "$WORK/nginx"
chmod 755 "$WORK"
chmod 1777 "$WORK/nginx"
sed -e "s/127.0.0.1:3001/127.0.0.1:$PORT_A/" -e "s/127.0.0.1:3002/127.0.0.1:$PORT_B/" \
  -e "s/127.0.0.1:8080/127.0.0.1:$PORT_NGINX/" examples/blog/deploy/nginx.conf >"$WORK/site.conf"
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/site.conf;
}
EOF
"$NGINX" -t -q -p "$WORK" -c "$WORK/nginx.conf"
"$NGINX" -p "$WORK" -c "$WORK/nginx.conf"
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT_NGINX/api/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf "http://127.0.0.1:$PORT_NGINX/api/health" >/dev/null
# Post 1, which the load reads.
curl -sf -o /dev/null -X POST "http://127.0.0.1:$PORT_NGINX/api/posts" -H 'Authorization: Bearer ada-token' \
  -H 'Content-Type: application/json' -d '{"title":"first","body":"read under load"}'

echo "== load through nginx, restarting A and then B"
python3 .ci/load.py --port "$PORT_NGINX" --min-requests 20000 --max-seconds 600 \
  --stop-file "$WORK/stop" --started-file "$WORK/started" >"$WORK/load.txt" 2>&1 &
LOAD=$!
for _ in $(seq 1 100); do [ -f "$WORK/started" ] && break; sleep 0.1; done
sleep 3
restart a
sleep 2
restart b
sleep 2
touch "$WORK/stop"
wait "$LOAD" && load_status=0 || load_status=$?
LOAD=""
echo "instance a served $(served a) requests, b $(served b)"
grep -h 'panicked' "$WORK/a.log" "$WORK/b.log" && { echo "an instance panicked" >&2; exit 1; } || true
cat "$WORK/load.txt"
[ -s "$WORK/nginx-error.log" ] && { echo "nginx's error log:"; tail -20 "$WORK/nginx-error.log"; } || true
exit "$load_status"
