# Sourced by the CI scripts that need PostgreSQL: starts a throw-away cluster in a temporary
# directory (installing Debian's `postgresql` package when it is missing), listening on a
# free port of 127.0.0.1 only. Sets PG_BIN, PG_DIR, PG_PORT and PG_URL; defines pg_stop and
# pg_start (the same cluster, port and data: a database restart) and pg_cleanup, which the
# EXIT trap set here calls (a caller with its own trap calls it too).
#
# Runs as root on a fresh Debian machine (CI); with PostgreSQL already installed, as root or
# as the `postgres` user. The cluster runs as `postgres` and is deleted on exit.

pg_bin() {
  # The newest installed server's binaries, e.g. /usr/lib/postgresql/15/bin.
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  fi
}

PG_BIN=$(pg_bin)
if [ -z "$PG_BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "pg-cluster.sh: PostgreSQL is not installed and this is not root: apt-get install postgresql" >&2
    exit 1
  fi
  echo "== installing postgresql (apt-get)"
  # No default cluster: this script makes its own.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/50-routekit-ci.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  PG_BIN=$(pg_bin)
  if [ -z "$PG_BIN" ]; then
    echo "pg-cluster.sh: apt-get installed postgresql but no initdb under /usr/lib/postgresql/*/bin" >&2
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
    cd "$PG_DIR"
    if [ "$(id -un)" = postgres ]; then
      "$@"
    elif command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    fi
  )
}

PG_DIR=$(mktemp -d /tmp/routekit-pg.XXXXXX)
chown postgres "$PG_DIR"
chmod 700 "$PG_DIR"
pg_cleanup() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap pg_cleanup EXIT

# A free port on 127.0.0.1 (nothing answers a TCP connect on it).
PG_PORT=""
for candidate in $(seq 55432 55531); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    PG_PORT=$candidate
    break
  fi
done
if [ -z "$PG_PORT" ]; then
  echo "pg-cluster.sh: no free port in 55432-55531" >&2
  exit 1
fi

# Starts the cluster (again), waiting until it accepts connections.
pg_start() {
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null; then
    cat "$PG_DIR/server.log" >&2
    exit 1
  fi
}

# Stops it as an administrator's restart does (`fast`: sessions are ended, FATAL 57P01).
pg_stop() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
}

echo "== $("$PG_BIN/postgres" --version) on 127.0.0.1:$PG_PORT ($PG_DIR)"
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres --no-sync >"$PG_DIR/initdb.log" 2>&1 ||
  { cat "$PG_DIR/initdb.log" >&2; exit 1; }
pg_start
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
