"""Scale out: one gunicorn process against two, on one PostgreSQL, one Redis and S3 storage.

    flock /tmp/soliday-bench.lock .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --duration 10 --rounds 5 --connections 4 --load-cpu 1

Starts an S3 API server on loopback (moto's), migrates the PostgreSQL database of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/soliday_scale_bench, created if
needed), creates the buckets, loads --actions approved actions with photos once (reused
by later runs), then for one and for two gunicorn processes (one sync worker each, the
way several web containers run behind nginx) drives the gallery, the home page and the
GeoJSON API in turn, each for --duration seconds (after --warmup) from --connections
keep-alive connections spread over the processes; --rounds alternate one and two
processes and the median of each is printed. The load generator is a separate process pinned
to --load-cpu with taskset; the servers, PostgreSQL and Redis share whatever cores they
find. It prints requests per second for each, the ratio two / one (goal >= 1.8), and how
long a takedown takes until the public object is gone from the S3 server.

Inside: `--load` runs the load generator, `--seed` and `--takedown` run in a Django
process with the benchmark's environment.
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import benchdb

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = "bench-scale"
CASES = {"gallery": "/en/actions/", "home": "/en/", "geojson": "/api/actions.geojson"}
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/soliday_scale_bench"
DEFAULT_CACHE = "redis://127.0.0.1:6379/15"
KEYS = {"S3_ACCESS_KEY_ID": "bench-access-key", "S3_SECRET_ACCESS_KEY": "bench-secret-key"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per case")
    parser.add_argument("--warmup", type=float, default=3.0, help="untimed seconds per case")
    parser.add_argument("--connections", type=int, default=4, help="load connections")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of one, then two processes")
    parser.add_argument("--actions", type=int, default=200, help="approved actions to load")
    parser.add_argument("--load-cpu", default="1", help="CPU list for the load generator")
    parser.add_argument("--load", nargs="+", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--takedown", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


# The load generator (its own process, pinned): keep-alive GETs as fast as answers come.


def load(urls, duration, warmup, connections):
    """Drive the (host, port, path) URLs; print {"requests", "errors", "seconds", "p50_ms"}."""
    targets = [url.split("/", 3) for url in urls]  # http:, "", host:port, path
    stop_at = [0.0]
    counted = []
    lock = threading.Lock()

    def run(index):
        _scheme, _empty, netloc, path = targets[index % len(targets)]
        host, port = netloc.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        times, errors = [], 0
        while True:
            start = time.perf_counter()
            if start >= stop_at[0]:
                break
            try:
                conn.request("GET", "/" + path, headers={"Accept-Encoding": "identity"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            end = time.perf_counter()
            if start >= stop_at[1]:
                if ok:
                    times.append(end - start)
                else:
                    errors += 1
        with lock:
            counted.append((times, errors))

    now = time.perf_counter()
    stop_at[:] = [now + warmup + duration, now + warmup]
    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    times = [t for part, _errors in counted for t in part]
    print(
        json.dumps(
            {
                "requests": len(times),
                "errors": sum(errors for _times, errors in counted),
                "seconds": duration,
                "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
            }
        )
    )


# Django processes with the benchmark's environment


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soliday.settings")
    import django

    django.setup()


def approved_action(campaign, moderator, *, colour, place, hashtag, caption, alt_text):
    """Submit one action with a 640 × 480 photo, as the form does, and approve it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from actions import services
    from actions.models import ActionType

    city, country, latitude, longitude = place
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(picture, "JPEG")
    action = services.submit_action(
        campaign=campaign,
        action_type=ActionType.PICKET,
        city=city,
        country=country,
        latitude=latitude,
        longitude=longitude,
        hashtags=[hashtag],
        caption=caption,
        alt_text=alt_text,
        display_name="",
        email="",
        consent=True,
        upload=SimpleUploadedFile("photo.jpg", picture.getvalue(), "image/jpeg"),
        language="en",
        blur_faces=False,
        location_precision="exact",
    )
    action.refresh_from_db()
    services.approve([action], moderator)
    action.refresh_from_db()
    return action


def seed(count):
    """Load `count` approved actions with photos in campaign bench-scale, unless there."""
    django_setup()
    import datetime

    from django.contrib.auth.models import User

    from actions.models import Action, ActionType, Campaign

    campaign, _created = Campaign.objects.get_or_create(
        slug=CAMPAIGN,
        defaults={
            "name_en": "Scale-out benchmark",
            "starts_on": datetime.date(2026, 8, 4),
            "action_types": [ActionType.PICKET],
            "is_active": True,
        },
    )
    moderator, _created = User.objects.get_or_create(username="bench-moderator", is_staff=True)
    have = Action.objects.filter(campaign=campaign, status=Action.Status.APPROVED).count()
    cities = [("Warsaw", "PL", 52.23, 21.01), ("Vilnius", "LT", 54.69, 25.28)]
    cities += [("Berlin", "DE", 52.52, 13.40), ("Riga", "LV", 56.95, 24.11)]
    for number in range(have, count):
        city, country, lat, lon = cities[number % len(cities)]
        approved_action(
            campaign,
            moderator,
            colour=(number % 255, 90, 160),
            place=(city, country, lat + number / 10000, lon),
            hashtag="4august",
            caption=f"Benchmark action {number}",
            alt_text="Lanterns",
        )
    print(f"{max(count, have)} approved actions in {CAMPAIGN} ({max(0, count - have)} loaded now)")


def takedown():
    """Approve one action, take it down, and time until its public object is gone."""
    django_setup()
    import io
    import urllib.error
    import urllib.request
    import uuid

    from django.contrib.auth.models import User
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    from actions.models import Campaign

    tag = f"gone{uuid.uuid4().hex[:8]}"
    action = approved_action(
        Campaign.objects.get(slug=CAMPAIGN),
        User.objects.get(username="bench-moderator"),
        colour=(10, 200, 30),
        place=("Gdansk", "PL", 54.35, 18.65),
        hashtag=tag,
        caption="To be taken down",
        alt_text="",
    )
    url = default_storage.url(action.rendition("display")["path"])

    def status():
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert status() == 200, url
    gone_at = []

    def poll():
        while not gone_at:
            if status() in (403, 404):
                gone_at.append(time.perf_counter())
            time.sleep(0.001)

    poller = threading.Thread(target=poll, daemon=True)
    started = time.perf_counter()
    poller.start()
    call_command("takedown", hashtag=tag, reason="benchmark", stdout=io.StringIO())
    returned = time.perf_counter()
    gone_on_return = status() in (403, 404)
    poller.join(timeout=30)
    print(
        json.dumps(
            {
                "command_ms": round((returned - started) * 1000, 1),
                "gone_after_ms": round((gone_at[0] - started) * 1000, 1) if gone_at else None,
                "gone_on_return": gone_on_return,
            }
        )
    )


# The driver


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(s3_url, static_root):
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        "CACHE_URL": os.environ.get("CACHE_URL", DEFAULT_CACHE),
        "MEDIA_STORAGE": "s3",
        "S3_ENDPOINT_URL": s3_url,
        "S3_PUBLIC_BUCKET": "bench-public",
        "S3_PRIVATE_BUCKET": "bench-private",
        **KEYS,
        "STATIC_ROOT": str(static_root),
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "ACTIONS_MIN_CITY_COUNT": "1",
        "LOG_LEVEL": "WARNING",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }


def run_django(env, *arguments):
    finished = subprocess.run(  # noqa: S603
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if finished.returncode != 0:
        sys.exit(f"{' '.join(arguments)} failed:\n{finished.stderr}")
    return finished.stdout


def start_servers(env, count):
    processes, ports = [], []
    log = (ROOT / "var" / "bench-scale-gunicorn.log").open("w")
    for _ in range(count):
        port = free_port()
        process = subprocess.Popen(  # noqa: S603
            [
                *(sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", os.devnull),
                "soliday.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        processes.append(process)
        ports.append(port)
    for process, port in zip(processes, ports, strict=True):
        for _ in range(200):
            if process.poll() is not None:
                sys.exit(f"gunicorn did not start: see {log.name}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
    return processes, ports


def cpu_seconds(masters):
    """CPU time used so far by the gunicorn masters and their workers (Linux /proc)."""
    total = 0
    for master in masters:
        pids = [master.pid]
        try:
            children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text()
            pids += [int(pid) for pid in children.split()]
            for pid in pids:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError):
            return None
    return total / os.sysconf("SC_CLK_TCK")


def drive(args, processes, ports, path):
    """Run the load generator on `path`; its figures, with the cores the web processes used."""
    urls = [f"http://127.0.0.1:{port}{path}" for port in ports]
    pin = ["taskset", "-c", args.load_cpu] if shutil.which("taskset") and args.load_cpu else []
    command = [*pin, sys.executable, __file__, "--load", *urls]
    command += ["--duration", str(args.duration), "--warmup", str(args.warmup)]
    command += ["--connections", str(args.connections)]
    before, started = cpu_seconds(processes), time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    after, seconds = cpu_seconds(processes), time.monotonic() - started
    figures = json.loads(out.stdout)
    figures["web_cores"] = (after - before) / seconds if None not in (before, after) else None
    return figures


def main(args):
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    benchdb.create_database(os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    static_root = ROOT / "var" / "bench-static"
    env = bench_env(f"http://{host}:{port}", static_root)
    import redis

    redis.Redis.from_url(env["CACHE_URL"]).flushdb()
    run_django(env, "manage.py", "migrate", "--noinput", "-v0")
    run_django(env, "manage.py", "collectstatic", "--noinput", "-v0")
    run_django(env, "manage.py", "setup_storage")
    print(run_django(env, __file__, "--seed", str(args.actions)).strip())
    cores = os.cpu_count()
    print(
        f"{cores} cores, load average {os.getloadavg()[0]:.2f}; load generator pinned to CPU "
        f"{args.load_cpu} ({args.connections} connections); gunicorn (1 sync worker per "
        "process), PostgreSQL, Redis and the S3 server unpinned"
    )
    # Rounds alternate one and two processes, so that a change in the machine's load falls on
    # both; each case's figure is the median of its rounds.
    results = {}
    for _round in range(args.rounds):
        for count in (1, 2):
            processes, ports = start_servers(env, count)
            try:
                for name, path in CASES.items():
                    results.setdefault((count, name), []).append(
                        drive(args, processes, ports, path)
                    )
            finally:
                for process in processes:
                    process.terminate()
                    process.wait(timeout=30)
    print()
    print(f"requests per second, median of {args.rounds} rounds of {args.duration:g} s (min-max)")
    print(
        f"{'case':<8} {'1 process':>20} {'2 processes':>20} {'ratio':>6}  p50 ms (1 / 2)"
        "  cores used by web (1 / 2)"
    )
    for name in CASES:
        cells, medians, p50s, cores = [], [], [], []
        for count in (1, 2):
            runs = results[(count, name)]
            rates = [run["requests"] / run["seconds"] for run in runs]
            errors = sum(run["errors"] for run in runs)
            median = statistics.median(rates)
            medians.append(median)
            p50s.append(statistics.median(run["p50_ms"] or 0 for run in runs))
            used = [run["web_cores"] for run in runs if run["web_cores"] is not None]
            cores.append(f"{statistics.median(used):.2f}" if used else "?")
            cell = f"{median:.1f} ({min(rates):.0f}-{max(rates):.0f})"
            cells.append(cell + (f" {errors} errors" if errors else ""))
        print(
            f"{name:<8} {cells[0]:>20} {cells[1]:>20} {medians[1] / medians[0]:>6.2f}  "
            f"{f'{p50s[0]:.1f} / {p50s[1]:.1f}':<15}  {cores[0]} / {cores[1]}"
        )
    print(
        "cores used by web: CPU seconds of the gunicorn processes per second of load; two "
        "processes can only scale as far as the machine lets them have a second core."
    )
    print("goal: ratio >= 1.8")
    timing = json.loads(run_django(env, __file__, "--takedown").strip().splitlines()[-1])
    print(
        f"\ntakedown: the command returned after {timing['command_ms']} ms; gone from the S3 "
        f"server when it returned: {'yes' if timing['gone_on_return'] else 'NO'} (goal: yes); "
        f"a poller asking every millisecond first saw it gone {timing['gone_after_ms']} ms "
        "after the start"
    )
    server.stop()


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.load:
        load(arguments.load, arguments.duration, arguments.warmup, arguments.connections)
    elif arguments.seed is not None:
        seed(arguments.seed)
    elif arguments.takedown:
        takedown()
    else:
        main(arguments)
