"""Issue 11's page figures: home, gallery and campaign page requests per second under
gunicorn with production settings, each against /healthz in the same server, uncached
and cached; and a conditional GET (If-None-Match, 304) against the full 200.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soliday_bench \\
    CACHE_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/pages.py [--actions 20000]

First bench/synthetic.py (demo content plus N approved actions, reused when there),
collectstatic, then for each mode a gunicorn (gunicorn.conf.py, DEBUG off, two workers:
one per core) on 127.0.0.1: "uncached" with PUBLIC_PAGE_CACHE=false (every view runs),
"cached" with the whole-page cache on. locust (bench/locustfile.py, headless, in its
own process) loads each URL for a few seconds with four users, the cases taking turns,
three rounds; medians of the rounds' requests/s. Any answer but the expected status
stops the run. The load client runs on the same two cores. JSON in
var/bench/pages.json.
"""

import argparse
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(Path(__file__).resolve().parent))

import sample  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
USERS = 4
# soliday/publiccache.py's BODY_SECONDS: a page's ETag moves on with each such window of
# the clock, so a conditional GET's tag must be taken in the window its run falls in.
ETAG_WINDOW = 60


def production_env(page_cache):
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": BASE,
            "SECURE_SSL_REDIRECT": "false",
            "PUBLIC_PAGE_CACHE": "true" if page_cache else "false",
            "WEB_CONCURRENCY": str(os.cpu_count() or 2),
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def run(argv, env):
    subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, check=True)


def start_gunicorn(env):
    log = open(sample.OUT / "gunicorn.log", "ab")  # noqa: SIM115 - closed with the server
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py",
         "soliday.wsgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{BASE}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not answer; see var/bench/gunicorn.log")


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def get(path, headers=None):
    request = urllib.request.Request(BASE + path, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.headers, response.read().decode()


def load(path, *, seconds, headers=None, expect=200):
    """locust's GETs of `path` from USERS users for `seconds`: {"per_second", "requests",
    "failures", "median_ms", "client_cpu", "errors"}; any answer but `expect` stops the
    benchmark."""
    with tempfile.TemporaryDirectory(prefix="soliday-locust-") as work:
        result_file = Path(work) / "result.json"
        env = {
            **os.environ,
            "BENCH_PATH": path,
            "BENCH_EXPECT": str(expect),
            "BENCH_HEADERS": json.dumps(headers or {}),
            "BENCH_RESULT": str(result_file),
        }
        completed = subprocess.run(
            [str(Path(sys.executable).parent / "locust"), "-f", "bench/locustfile.py",
             "--headless", "--users", str(USERS), "--spawn-rate", "100",
             "--run-time", f"{seconds}s", "--reset-stats", "--host", BASE,
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        if not result_file.exists():
            raise RuntimeError(f"locust on {path} gave no result:\n{completed.stderr[-2000:]}")
        result = json.loads(result_file.read_text())
    if completed.returncode or result["failures"] or not result["requests"]:
        raise RuntimeError(
            f"{path}: {result['requests']} requests, {result['failures']} failed,"
            f" expected only {expect}: {result['errors']} (locust exit {completed.returncode})"
        )
    return result


def fresh_etag(path, seconds):
    """If-None-Match with `path`'s current ETag, taken in a window of the clock that
    outlasts a run of `seconds` (and locust's start)."""
    left = ETAG_WINDOW - time.time() % ETAG_WINDOW
    if left < seconds + 3:
        time.sleep(left + 0.2)
    headers, _body = get(path)
    return {"If-None-Match": headers["ETag"]}


def measure(cases, rounds, seconds):
    """{name: {"median", "min", "max" requests/s over rounds, "client_cpu"}}, the cases
    taking turns in each round.

    A case's headers may be a function of the run's seconds, called just before each run."""

    def run_case(case, run_seconds):
        path, headers, expect = case
        if callable(headers):
            headers = headers(run_seconds)
        return load(path, seconds=run_seconds, headers=headers, expect=expect)

    for case in cases.values():
        run_case(case, 1)  # warm-up
    runs = {name: [] for name in cases}
    for _ in range(rounds):
        for name, case in cases.items():
            runs[name].append(run_case(case, seconds))
    return {
        name: {
            "median": statistics.median(run["per_second"] for run in results),
            "min": min(run["per_second"] for run in results),
            "max": max(run["per_second"] for run in results),
            # The share of one core locust used: the load client's part of the two cores.
            "client_cpu": statistics.median(run["client_cpu"] for run in results),
        }
        for name, results in runs.items()
    }


def report(label, result, baseline):
    print(f"\n{label} (requests/s, median of rounds; ratio to {baseline})")
    base = result[baseline]["median"]
    for name, figures in result.items():
        figures["ratio"] = figures["median"] / base
        print(
            f"  {name:<28} {figures['median']:8.1f}  (min {figures['min']:.1f},"
            f" max {figures['max']:.1f})  ratio {figures['ratio']:.2f}"
            f"  locust {figures['client_cpu']:.0%} of a core"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to PostgreSQL and CACHE_URL to Redis (see the docstring).")
    sample.OUT.mkdir(parents=True, exist_ok=True)
    run(["bench/synthetic.py", "--actions", str(args.actions)], {**os.environ, "DEBUG": "true"})
    run(["manage.py", "collectstatic", "--noinput", "-v", "0"], production_env(True))

    result = {"actions": args.actions, "rounds": args.rounds, "seconds": args.seconds}
    print(f"\nload averages {sample.load()}")
    for mode, page_cache in (("uncached", False), ("cached", True)):
        server = start_gunicorn(production_env(page_cache))
        try:
            # The campaign with the N actions: its results are the largest to read.
            campaign = "/en/campaigns/bench-big/"
            cases = {
                "healthz": ("/healthz", None, 200),
                "home /en/": ("/en/", None, 200),
                "gallery /en/actions/": ("/en/actions/", None, 200),
                f"campaign {campaign}": (campaign, None, 200),
            }
            if page_cache:
                cases["gallery, If-None-Match (304)"] = (
                    "/en/actions/",
                    lambda seconds: fresh_etag("/en/actions/", seconds),
                    304,
                )
            result[mode] = measure(cases, args.rounds, args.seconds)
        finally:
            stop(server)
        report(mode, result[mode], "healthz")
        if page_cache:
            full = result[mode]["gallery /en/actions/"]["median"]
            conditional = result[mode]["gallery, If-None-Match (304)"]["median"]
            result["conditional_to_full"] = conditional / full
            print(f"  304 / full 200 of the gallery: {conditional / full:.2f}x")
    sample.write("pages.json", result)


if __name__ == "__main__":
    main()
