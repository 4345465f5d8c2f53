#!/usr/bin/env python3
"""Every kind of answer the example gives, checked by httplint (PyPI): the requests its
tests send (tests/app.rs, tests/server.rs, the TypeScript client's Node test), one per
route and per answer routekit gives by itself, each sent over its own HTTP/1.1 connection
to a running `blog` and read to the end, then linted as `httplint -n` reads a response.

A `[BAD]` note is a failure. Prints the notes of each failing answer and ends with
`N passed, N failed`.
"""

import argparse
import json
import os
import socket
import subprocess
import sys

TOKEN = "Bearer ada-token"
JSON = "application/json"


def requests():
    """(label, method, path, headers, body) of each request checked."""
    auth = {"Authorization": TOKEN}
    post = json.dumps({"title": "Linted", "body": "by httplint"})
    return [
        ("text", "GET", "/api/hello", {}, None),
        ("automatic OPTIONS", "OPTIONS", "/api/hello", {}, None),
        ("405", "DELETE", "/api/hello", {}, None),
        ("health", "GET", "/api/health", {}, None),
        ("401", "GET", "/api/posts", {}, None),
        ("list", "GET", "/api/posts", auth, None),
        ("list, gzip", "GET", "/api/posts", dict(auth, **{"Accept-Encoding": "gzip"}), None),
        ("list, br", "GET", "/api/posts", dict(auth, **{"Accept-Encoding": "br"}), None),
        ("201", "POST", "/api/posts", dict(auth, **{"Content-Type": JSON}), post),
        ("415", "POST", "/api/posts", dict(auth, **{"Content-Type": "text/plain"}), post),
        ("item", "GET", "/api/posts/1", {}, None),
        ("400 parameter", "GET", "/api/posts/abc", {}, None),
        ("404 item", "GET", "/api/posts/999999", {}, None),
        ("401 edit", "PATCH", "/api/posts/1", {"Content-Type": JSON}, "{}"),
        ("module OPTIONS", "OPTIONS", "/api/posts/1", {}, None),
        ("users page", "GET", "/api/users?page=1&limit=10", {}, None),
        ("400 query", "GET", "/api/users?page=x", {}, None),
        ("201 user", "POST", "/api/users", {"Content-Type": JSON}, '{"name":"Lin","email":"lin-%d@example.com"}' % os.getpid()),
        ("400 validation", "POST", "/api/users", {"Content-Type": JSON}, '{"name":"","email":"x"}'),
        ("400 malformed JSON", "POST", "/api/users", {"Content-Type": JSON}, '{"name":'),
        ("413", "POST", "/api/echo", {"Content-Type": JSON}, "[" + "1," * 1_200_000 + "1]"),
        ("echo", "POST", "/api/echo", {"Content-Type": JSON}, '{"a":1}'),
        ("form", "POST", "/api/form", {"Content-Type": "application/x-www-form-urlencoded"}, "name=ada&email=a%40b.c"),
        ("404", "GET", "/nowhere", {}, None),
        ("308 trailing slash", "GET", "/api/hello/", {}, None),
        ("redirect", "GET", "/api/redirect", {}, None),
        ("cookies", "GET", "/api/cookies", {"Cookie": "token=abc"}, None),
        ("headers", "GET", "/api/headers", {"Referer": "http://example.com/"}, None),
        ("search", "GET", "/api/search?query=rust", {}, None),
        ("team", "GET", "/api/teams/rust", {}, None),
        ("optional catch-all", "GET", "/docs/a/b", {}, None),
        ("CORS preflight", "OPTIONS", "/api/cors", {"Origin": "http://example.com", "Access-Control-Request-Method": "GET"}, None),
        ("CORS GET", "GET", "/api/cors", {"Origin": "http://example.com"}, None),
        ("stream", "GET", "/api/stream", {}, None),
        ("revalidate", "GET", "/feed.xml", {}, None),
        ("webhook 400", "POST", "/api/webhooks/stripe", {"Content-Type": JSON}, "{}"),
        ("OpenAPI document", "GET", "/openapi.json", {}, None),
        ("docs page", "GET", "/reference", {}, None),
    ]


# Notes that are not bugs, by request label: (the note's text, why it stays).
KNOWN = {
    "201 user": ("created without its location",
                 "the seed's /api/users has no route per user to point at; RFC 9110 §15.3.2 then "
                 "takes the target URI as the created resource's"),
    "CORS GET": ("CORS headers are only allowed in preflight responses",
                 "the Next.js seed's CORS example sends Allow-Methods and Allow-Headers on every "
                 "answer, and the example ports it as written; browsers read them only in preflights"),
    "CORS preflight": ("CORS headers are only allowed in preflight responses",
                       "this is the preflight: httplint reads the response alone and cannot know "
                       "the request was one"),
}


def fetch(host, port, method, path, headers, body, timeout):
    raw = "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n" % (method, path, host, port)
    data = body.encode() if body is not None else b""
    for name, value in headers.items():
        raw += "%s: %s\r\n" % (name, value)
    if body is not None:
        raw += "Content-Length: %d\r\n" % len(data)
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.sendall(raw.encode() + b"\r\n" + data)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return received
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--httplint", default="httplint")
    parser.add_argument("--timeout", type=float, default=10)
    args = parser.parse_args()

    passed = failed = 0
    for label, method, path, headers, body in requests():
        response = fetch(args.host, args.port, method, path, headers, body, args.timeout)
        status = response.split(b"\r\n", 1)[0].decode("latin-1")
        lint = subprocess.run([args.httplint, "-n"], input=response, capture_output=True)
        notes = lint.stdout.decode("utf-8", "replace")
        bad = [line for line in notes.splitlines() if "[BAD]" in line]
        known = KNOWN.get(label)
        if known and bad and all(known[0] in line for line in bad):
            passed += 1
            print("ok   %-20s %-7s %-28s %s  (known: %s; %s)" % (label, method, path, status[9:], bad[0].strip(), known[1]))
            continue
        if lint.returncode != 0 or bad or not status.startswith("HTTP/1.1 "):
            failed += 1
            print("FAIL %s %s %s (%s): %s" % (label, method, path, status, " ".join(bad) or lint.stderr.decode()[:300]))
        else:
            passed += 1
            warnings = [line.strip() for line in notes.splitlines() if "[WARN]" in line]
            print("ok   %-20s %-7s %-28s %s%s" % (label, method, path, status[9:],
                  ("  (" + "; ".join(warnings) + ")") if warnings else ""))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
