#!/usr/bin/env python3
"""A steady, bounded read/write load on the example blog, for the CI scripts that restart
things under it (.ci/rolling-restart.sh, .ci/db-outage.sh). Standard library only.

Each worker thread keeps one HTTP/1.1 connection (reconnecting after an error) and repeats
a cycle of ten requests with the demo token: create a post (201), read it twice (200),
list the posts (200), delete it (204), read post 1 (200) three times, and GET /api/hello
(200) twice. Every request is recorded with its time, status and latency; one that gets
another status, or no answer, is a failure unless the mode allows it.

The load stops when the stop file exists and at least --min-requests were sent, or at
--max-requests, or after --max-seconds; all on loopback.
"""

import argparse
import http.client
import json
import os
import sys
import threading
import time

TOKEN = os.environ.get("TOKEN", "ada-token")
AUTH = {"Authorization": "Bearer " + TOKEN}


class Load:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.sent = 0
        self.records = []  # (time, kind, expected, status, latency, detail)
        self.started = time.monotonic()

    def take_turn(self):
        """Whether a worker may send one more request (and counts it)."""
        with self.lock:
            elapsed = time.monotonic() - self.started
            stopping = os.path.exists(self.args.stop_file) and self.sent >= self.args.min_requests
            if stopping or self.sent >= self.args.max_requests or elapsed > self.args.max_seconds:
                return False
            self.sent += 1
            return True

    def record(self, *row):
        with self.lock:
            self.records.append(row)


def connect(args):
    return http.client.HTTPConnection(args.host, args.port, timeout=args.timeout)


def worker(load, index):
    args = load.args
    conn = connect(args)
    post = None  # the id of the post this worker created and has not deleted
    step = 0
    while load.take_turn():
        slot = step % 10
        step += 1
        headers = dict(AUTH)
        body = None
        if slot == 0 and post is None:
            kind, method, path, expected = "create", "POST", "/api/posts", 201
            headers["Content-Type"] = "application/json"
            body = json.dumps({"title": "load %d/%d" % (index, step), "body": "under restart"})
        elif slot in (1, 2) and post is not None:
            kind, method, path, expected = "read", "GET", "/api/posts/%d" % post, 200
        elif slot == 3:
            kind, method, path, expected = "list", "GET", "/api/posts", 200
        elif slot == 4 and post is not None:
            kind, method, path, expected = "delete", "DELETE", "/api/posts/%d" % post, 204
        elif slot in (8, 9):
            kind, method, path, expected = "hello", "GET", "/api/hello", 200
        else:
            kind, method, path, expected = "read", "GET", "/api/posts/1", 200
        began = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            res = conn.getresponse()
            data = res.read()
            status = res.status
            detail = data[:200].decode("utf-8", "replace")
            if res.getheader("connection", "").lower() == "close":
                conn.close()
        except Exception as error:  # no answer: refused, reset, timed out
            status, detail = None, "%s: %s" % (type(error).__name__, error)
            conn.close()
            conn = connect(args)
        latency = time.monotonic() - began
        load.record(began - load.started, kind, expected, status, latency, detail)
        if status == 201 and kind == "create":
            try:
                post = json.loads(data)["id"]
            except (ValueError, KeyError):
                pass
        elif status == 204 and kind == "delete":
            post = None


def health_probe(load, stop):
    """--health: GET /api/health every 100 ms, recorded as kind `health`."""
    args = load.args
    while not stop.is_set():
        began = time.monotonic()
        conn = connect(args)
        try:
            conn.request("GET", "/api/health")
            res = conn.getresponse()
            status, detail = res.status, res.read()[:200].decode("utf-8", "replace")
        except Exception as error:
            status, detail = None, "%s: %s" % (type(error).__name__, error)
        finally:
            conn.close()
        load.record(began - load.started, "health", 200, status, time.monotonic() - began, detail)
        stop.wait(0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--min-requests", type=int, default=20000)
    parser.add_argument("--max-requests", type=int, default=200000)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--started-file", help="written (wall-clock time) once the load runs")
    parser.add_argument("--outage", nargs=2, metavar=("STOPPED_FILE", "STARTED_FILE"),
                        help="the database was stopped and started at the times in these files: "
                        "check the answers around the outage instead of expecting every status")
    args = parser.parse_args()

    load = Load(args)
    started_wall = time.time()
    stop_probe = threading.Event()
    threads = [threading.Thread(target=worker, args=(load, i)) for i in range(args.workers)]
    if args.outage:
        threads.append(threading.Thread(target=health_probe, args=(load, stop_probe)))
    for thread in threads:
        thread.start()
    if args.started_file:
        with open(args.started_file, "w") as f:
            f.write("%f\n" % started_wall)
    for thread in threads[: args.workers]:
        thread.join()
    stop_probe.set()
    for thread in threads[args.workers:]:
        thread.join()

    records = sorted(load.records)
    elapsed = time.monotonic() - load.started
    kinds = {}
    for _, kind, _, status, _, _ in records:
        kinds.setdefault(kind, {}).setdefault(str(status), 0)
        kinds[kind][str(status)] += 1
    print("load: %d requests in %.1f s (%.0f/s), %d workers" % (
        len(records), elapsed, len(records) / max(elapsed, 1e-9), args.workers))
    for kind in sorted(kinds):
        print("  %-7s %s" % (kind, " ".join("%s×%d" % (s, n) for s, n in sorted(kinds[kind].items()))))

    if args.outage:
        checks, failures = check_outage(records, args, started_wall)
    else:
        checks, failures = len(records), []
        for at, kind, expected, status, latency, detail in records:
            if status != expected:
                failures.append("%.3fs %s: expected %d, got %s (%s)" % (at, kind, expected, status, detail))
    for failure in failures[:20]:
        print("FAIL " + failure)
    if len(failures) > 20:
        print("… and %d more" % (len(failures) - 20))
    print("%d passed, %d failed" % (checks - len(failures), len(failures)))
    sys.exit(1 if failures or len(records) < args.min_requests else 0)


def says_unavailable(kind, detail):
    """Whether a 503's body is the example's: the health check's `unhealthy`, routekit's
    `{"error": "Service unavailable"}` for every other route."""
    try:
        body = json.loads(detail)
    except ValueError:
        return False
    if kind == "health":
        return body.get("status") == "unhealthy"
    return body == {"error": "Service unavailable"}


def check_outage(records, args, started_wall):
    """Each request answers its status or a JSON 503, none waits past the acquire timeout
    and a margin, /api/health says 503 within 5 s of the stop, and from 5 s after the start
    every request answers its status again. Returns the number of checks (one per request,
    three for the outage as a whole) and the failures, at most one per check."""
    stopped_file, started_file = args.outage
    with open(stopped_file) as f:
        stopped = float(f.read()) - started_wall
    with open(started_file) as f:
        restarted = float(f.read()) - started_wall
    failures = []
    latency_bound = 3.0 + 2.0  # the example's acquire timeout, and a margin for the machine
    for at, kind, expected, status, latency, detail in records:
        if status not in (expected, 503) or (status == 503 and not says_unavailable(kind, detail)):
            failures.append("%.3fs %s: expected %d or a JSON 503, got %s (%s)" % (at, kind, expected, status, detail))
        elif status == 503 and at >= restarted + 5:
            failures.append("%.3fs %s: 503 %.1f s after the database was back" % (at, kind, at - restarted))
        elif latency > latency_bound:
            failures.append("%.3fs %s: answered after %.1f s (bound %.1f s)" % (at, kind, latency, latency_bound))
    health_down = [at + latency for at, kind, _, status, latency, _ in records
                   if kind == "health" and status == 503 and at >= stopped]
    if not health_down or health_down[0] - stopped > 5:
        failures.append("/api/health did not answer 503 within 5 s of the stop (first at %s)" % (
            "%.1f s" % (health_down[0] - stopped) if health_down else "never"))
    else:
        print("outage: /api/health answered 503 %.2f s after the stop" % (health_down[0] - stopped))
    unavailable = [r for r in records if r[3] == 503 and r[1] != "health"]
    if not unavailable:
        failures.append("no request answered 503 while the database was down: was it stopped?")
    else:
        print("outage: %d requests answered a JSON 503 while the database was down" % len(unavailable))
    last_bad = max((at for at, kind, expected, status, _, _ in records if status != expected), default=None)
    if last_bad is None or last_bad < restarted:
        recovered = 0.0 if last_bad is None else max(0.0, last_bad - restarted)
        print("outage: every request answered normally %.2f s after the database was back" % recovered)
    else:
        print("outage: the last non-normal answer came %.2f s after the database was back" % (last_bad - restarted))
    after = [r for r in records if r[0] >= restarted + 5]
    if not after:
        failures.append("the load ended before 5 s after the database was back: nothing shows recovery")
    return len(records) + 3, failures


if __name__ == "__main__":
    main()
