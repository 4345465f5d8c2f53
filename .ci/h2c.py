#!/usr/bin/env python3
"""Debian's `nghttp` (nghttp2-client) talks HTTP/2 with prior knowledge (h2c) to a running
`blog`, one request per kind of route and answer: text, JSON, HEAD, the automatic OPTIONS
and 405, a stream, compression, a redirect, the trailing-slash 308, 400/401/404/413
errors, a created post. Each must end with the expected `:status` and nghttp exiting 0
(no protocol error on either side).

Ends with `N passed, N failed`.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

AUTH = "authorization: Bearer ada-token"
JSON = "content-type: application/json"


def cases():
    """(label, method, path, headers, body, status)."""
    return [
        ("text", "GET", "/api/hello", [], None, 200),
        ("HEAD", "HEAD", "/api/hello", [], None, 200),
        ("automatic OPTIONS", "OPTIONS", "/api/hello", [], None, 204),
        ("405", "DELETE", "/api/hello", [], None, 405),
        ("404", "GET", "/nowhere", [], None, 404),
        ("308 trailing slash", "GET", "/api/hello/", [], None, 308),
        ("401", "GET", "/api/posts", [], None, 401),
        ("JSON list", "GET", "/api/posts", [AUTH], None, 200),
        ("gzip", "GET", "/api/posts", [AUTH, "accept-encoding: gzip"], None, 200),
        ("201", "POST", "/api/posts", [AUTH, JSON], json.dumps({"title": "h2c", "body": "over nghttp"}), 201),
        ("item", "GET", "/api/posts/1", [], None, 200),
        ("400 parameter", "GET", "/api/posts/abc", [], None, 400),
        ("400 validation", "POST", "/api/users", [JSON], '{"name":"","email":"x"}', 400),
        ("413", "POST", "/api/echo", [JSON], "[" + "1," * 1_200_000 + "1]", 413),
        ("stream", "GET", "/api/stream", [], None, 200),
        ("redirect", "GET", "/api/redirect", [], None, 307),
        ("revalidate", "GET", "/feed.xml", [], None, 200),
        ("docs page", "GET", "/reference", [], None, 200),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    passed = failed = 0
    with tempfile.TemporaryDirectory() as work:
        for label, method, path, headers, body, expected in cases():
            command = ["nghttp", "-v", "-t", "20", "-H", ":method: " + method]
            for header in headers:
                command += ["-H", header]
            if body is not None:
                data = os.path.join(work, "body")
                with open(data, "w") as f:
                    f.write(body)
                command += ["-d", data]
            command.append("http://%s:%d%s" % (args.host, args.port, path))
            run = subprocess.run(command, capture_output=True, timeout=60)
            out = run.stdout.decode("utf-8", "replace")
            statuses = re.findall(r"recv \(stream_id=\d+\) :status: (\d+)", out)
            status = int(statuses[-1]) if statuses else None
            if run.returncode == 0 and status == expected:
                passed += 1
                print("ok   %-20s %-7s %-18s %d" % (label, method, path, status))
            else:
                failed += 1
                errors = [line for line in out.splitlines() if "GOAWAY" in line or "RST_STREAM" in line or "error" in line.lower()]
                print("FAIL %s %s %s: expected %d, got %s, nghttp exit %d %s" % (
                    label, method, path, expected, status, run.returncode, " | ".join(errors[:3])))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
