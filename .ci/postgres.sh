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

# The cluster: PG_URL, and the trap that deletes it.
source .ci/pg-cluster.sh

export BLOG_TEST_POSTGRES_URL="$PG_URL"
echo "== the example's tests on PostgreSQL"
# `--workspace` with the example's test targets rather than `-p blog`: the same feature
# set as the main `cargo test --workspace`, so nothing is rebuilt.
cargo test --workspace --locked \
  --test app --test server --test fail_closed --test scale_out --test hostile
