#!/usr/bin/env python3
"""Replays the request-smuggling corpora of the `http_desync_guardian` crate (its tests/*.yaml,
as the crate ships them on crates.io) against a running `routekit::serve`, over raw
HTTP/1.1 sockets.

Each case is sent as written (its method, URI, version and headers, byte for byte), with a
body that two readings of it disagree on: a chunked terminator followed by a second,
"smuggled" request, `GET /api/hello`. A server that reads the case as two requests answers
the smuggled one too (`Hello, World!`).

- An Ambiguous or Severe case must be refused (a 4xx, or the connection closed without an
  answer) or answered once; answering the smuggled request is a failure.
- Any case must not get a 5xx, nor leave the connection hanging.

Prints one line per case that fails and ends with `N passed, N failed`. Needs PyYAML.
"""

import argparse
import glob
import os
import socket
import sys

import yaml

SMUGGLED = b"GET /api/hello HTTP/1.1\r\nHost: test\r\n\r\n"
BODY = b"0\r\n\r\n" + SMUGGLED
SMUGGLED_ANSWER = b"Hello, World!"
# Cases whose outcome is not a bug, by name: why.
KNOWN = {
    "Two Identical Fields - CL": (
        "two Content-Length fields with one value (5): hyper keeps one, as RFC 9110 §8.6 "
        "allows, so every reader that accepts the request reads the same 5-byte body, and what "
        "follows is the client's own next request, answered in turn; routekit never sees the "
        "duplicate to refuse it"),
}
# What a server answers when it will not read a request.
REFUSALS = (400, 411, 413, 414, 431, 501, 505)


def raw_request(case):
    version = case.get("version", "HTTP/1.1")
    line = "%s %s" % (case["method"], case["uri"])
    if version:
        line += " " + version
    out = line.encode("utf-8") + b"\r\n"
    names = []
    for header in case.get("headers") or []:
        name = str(header["name"])
        value = "" if header.get("value") is None else str(header["value"])
        names.append(name.strip().lower())
        out += name.encode("latin-1", "replace") + b": " + value.encode("latin-1", "replace") + b"\r\n"
    if "host" not in names:
        out += b"Host: test\r\n"
    return out + b"\r\n" + BODY


def exchange(host, port, payload, timeout):
    """Sends payload, reads until the server closes or goes quiet for `timeout`."""
    sock = socket.create_connection((host, port), timeout=timeout)
    received = b""
    try:
        sock.sendall(payload)
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                return received, False
            except ConnectionResetError:
                return received, True
            if not chunk:
                return received, True
            received += chunk
    finally:
        sock.close()


def statuses(received):
    """The status codes of the responses in `received`, in order."""
    codes = []
    for line in received.split(b"\r\n"):
        if line.startswith(b"HTTP/1.") and len(line) >= 12 and line[9:12].isdigit():
            codes.append(int(line[9:12]))
    return codes


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--corpus", required=True, help="the crate's tests/ directory")
    parser.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args()

    files = sorted(glob.glob(os.path.join(args.corpus, "*.yaml")))
    if not files:
        sys.exit("no corpus in %s" % args.corpus)
    passed = failed = 0
    tally = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            cases = yaml.safe_load(f) or []
        for case in cases:
            tier = (case.get("expected") or {}).get("tier", "?")
            received, closed = exchange(args.host, args.port, raw_request(case), args.timeout)
            codes = statuses(received)
            smuggled = SMUGGLED_ANSWER in received
            problem = None
            if smuggled and tier in ("Ambiguous", "Severe"):
                problem = "read as two requests: the smuggled GET /api/hello was answered"
            elif any(code >= 500 for code in codes):
                problem = "answered %s" % codes
            elif not codes and not closed:
                problem = "no answer and the connection left open"
            if not codes:
                outcome = "closed without an answer"
            elif codes[0] in REFUSALS:
                outcome = "refused (%d)" % codes[0]
            else:
                outcome = "answered once"
            if smuggled:
                outcome = "answered, and the smuggled request too"
            key = "%-10s %s" % (tier, outcome)
            tally[key] = tally.get(key, 0) + 1
            if problem and case.get("name") in KNOWN:
                print("known %s / %s (%s): %s: %s" % (os.path.basename(path), case.get("name"), tier, problem, KNOWN[case["name"]]))
                problem = None
            if problem:
                failed += 1
                print("FAIL %s / %s (%s): %s" % (os.path.basename(path), case.get("name"), tier, problem))
            else:
                passed += 1
    for key in sorted(tally):
        print("  %-45s %d" % (key, tally[key]))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
