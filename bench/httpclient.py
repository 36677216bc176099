"""A small HTTP load client for the page benchmarks (bench/pages.py): requests per second
of one URL for a few seconds from several connections at once.

    .venv/bin/python bench/httpclient.py http://127.0.0.1:8000/en/ --seconds 5 --connections 4

Each connection is a thread sending GET after GET (a new TCP connection whenever the
server closes one, as gunicorn's sync workers do); statuses are counted, and a run with
anything but the expected status says so.
"""

import argparse
import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def load(url, *, seconds=5.0, connections=4, headers=None, expect=200):
    """{"per_second", "requests", "statuses", "median_ms"} of GETs of `url`."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Host": parts.netloc, **(headers or {})}
    deadline = time.perf_counter() + seconds
    statuses, latencies, lock = {}, [], threading.Lock()

    def worker():
        connection, mine, counts = None, [], {}
        while time.perf_counter() < deadline:
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = None
                continue
            mine.append(time.perf_counter() - started)
            counts[response.status] = counts.get(response.status, 0) + 1
            if response.will_close:
                connection.close()
                connection = None
        with lock:
            latencies.extend(mine)
            for status, count in counts.items():
                statuses[status] = statuses.get(status, 0) + count

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if set(statuses) != {expect}:
        raise RuntimeError(f"{url}: statuses {statuses}, expected only {expect}")
    return {
        "per_second": len(latencies) / elapsed,
        "requests": len(latencies),
        "statuses": statuses,
        "median_ms": statistics.median(latencies) * 1000 if latencies else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--header", action="append", default=[], help="Name: value")
    parser.add_argument("--expect", type=int, default=200)
    args = parser.parse_args()
    headers = dict(header.split(": ", 1) for header in args.header)
    result = load(
        args.url,
        seconds=args.seconds,
        connections=args.connections,
        headers=headers,
        expect=args.expect,
    )
    print(
        f"{result['per_second']:.1f} requests/s, {result['requests']} requests,"
        f" median {result['median_ms']:.1f} ms, statuses {result['statuses']}"
    )


if __name__ == "__main__":
    main()
