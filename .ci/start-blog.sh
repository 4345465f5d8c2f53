# Sourced by the CI scripts that drive the example over HTTP: builds `blog`, starts it on a
# free loopback port with a throw-away SQLite file, and waits until it answers. Sets WORK (a
# scratch directory, removed on exit), PORT, BASE and BLOG (its pid); needs TARGET (the
# cargo target directory). The caller's EXIT trap is replaced: it stops the blog.
echo "== building the blog example"
cargo build -p blog --locked --quiet

WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
HOST=127.0.0.1 PORT=$PORT DATABASE_URL="sqlite:$WORK/blog.db" "$TARGET/debug/blog" >"$WORK/blog.log" 2>&1 &
BLOG=$!
cleanup() {
  kill "$BLOG" 2>/dev/null || true
  wait "$BLOG" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  curl -sf "$BASE/api/hello" >/dev/null 2>&1 && break
  sleep 0.1
done
