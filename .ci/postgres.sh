#!/usr/bin/env bash
# The example on PostgreSQL: starts a throw-away PostgreSQL cluster in a temporary
# directory (installing Debian's `postgresql` package when it is missing), then runs the
# example's whole test suite against it with BLOG_TEST_POSTGRES_URL set. That includes
# tests/scale_out.rs: two `blog` processes on two ports sharing the database, a post
# written through one and read through the other, one signed Stripe event delivered to
# both and recorded once.
#
# Runs as root on a fresh Debian machine (CI); with PostgreSQL already installed, as root or
# as the `postgres` user. The cluster runs as `postgres`, listens on 127.0.0.1 only, and is
# stopped and deleted on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() {
  # The newest installed server's binaries, e.g. /usr/lib/postgresql/15/bin.
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  fi
}

BIN=$(pg_bin)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "postgres.sh: PostgreSQL is not installed and this is not root: apt-get install postgresql" >&2
    exit 1
  fi
  echo "== installing postgresql (apt-get)"
  # No default cluster: this script makes its own.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/50-routekit-ci.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  BIN=$(pg_bin)
  if [ -z "$BIN" ]; then
    echo "postgres.sh: apt-get installed postgresql but no initdb under /usr/lib/postgresql/*/bin" >&2
    exit 1
  fi
fi

# initdb refuses to run as root: the cluster belongs to the `postgres` user.
if ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
fi
# Runs a command as `postgres`, from the cluster's directory (the checkout may be
# unreadable to that user).
as_postgres() {
  (
    cd "$DIR"
    if [ "$(id -un)" = postgres ]; then
      "$@"
    elif command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  )
}

DIR=$(mktemp -d /tmp/routekit-pg.XXXXXX)
chown postgres "$DIR"
chmod 700 "$DIR"
cleanup() {
  as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

# A free port on 127.0.0.1 (nothing answers a TCP connect on it).
PORT=""
for candidate in $(seq 55432 55531); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    PORT=$candidate
    break
  fi
done
if [ -z "$PORT" ]; then
  echo "postgres.sh: no free port in 55432-55531" >&2
  exit 1
fi

echo "== $("$BIN/postgres" --version) on 127.0.0.1:$PORT ($DIR)"
as_postgres "$BIN/initdb" -D "$DIR/data" -A trust -U postgres --no-sync >"$DIR/initdb.log" 2>&1 ||
  { cat "$DIR/initdb.log" >&2; exit 1; }
if ! as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null; then
  cat "$DIR/server.log" >&2
  exit 1
fi

export BLOG_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
echo "== the example's tests on PostgreSQL"
# `--workspace` with the example's test targets rather than `-p blog`: the same feature
# set as the main `cargo test --workspace`, so nothing is rebuilt.
cargo test --workspace --locked \
  --test app --test server --test fail_closed --test scale_out --test hostile
