"""Submissions under load: gunicorn, the database task backend and one worker, on loopback.

Run from the repository root, with PostgreSQL (a database of its own: the script migrates
it and deletes the actions of its campaign) and, under the shared lock, like this:

    flock /tmp/soliday-bench.lock env \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/soliday_load \\
        .venv/bin/python bench/load.py [--submissions 200] [--clients 10] [--max-seconds 600]

It starts gunicorn (gunicorn.conf.py, bound to 127.0.0.1 on a free port, DEBUG off) and
`manage.py worker`, sends `--baseline` submissions from one client (the baseline),
after a warm-up of two per gunicorn worker (not counted), then `--submissions` from
`--clients` concurrent clients, each a real participant: GET
the form (CSRF cookie and token), POST it with a 1600×1200 JPEG and a caption unique to
the submission. Then it waits until every stored photo has its renditions (or failed).
It prints, for the concurrent run: stored once / refused / lost / duplicated (by the
unique captions in the database), submissions per second, median and p95 of a POST,
the ratio of its throughput to the single client's, and how long until every photo was
processed. Goal: 0 lost, 0 duplicated, every photo processed.

With `--kill-worker SECONDS` the worker is killed with SIGKILL that long after the
concurrent clients start and another is started at once (`manage.py worker` queues again
what the dead one was running, once `--lease` seconds, TASKS_LEASE, have passed): the
same goal holds.

Bounded: at most --submissions requests (plus the baseline), --max-seconds overall;
every request goes to 127.0.0.1. The rate limit is raised for the run (every client is
127.0.0.1); media go to a temporary folder.
"""

import argparse
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.servers import free_port  # noqa: E402

HOST = "127.0.0.1"
CAMPAIGN = "bench-load"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment(args, media):
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}",
        "DATABASE_URL": args.database_url,
        "CACHE_URL": args.cache_url,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(media / "media"),
        "PRIVATE_MEDIA_ROOT": str(media / "private"),
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "ACTIONS_RATE_LIMIT": "1000000",
        "WEB_CONCURRENCY": str(args.web_workers),
        "TASKS_LEASE": str(args.lease),
    }


def photo_bytes():
    from PIL import Image

    image = Image.effect_noise((1600, 1200), 60).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def multipart(fields, photo):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    body = "".join(parts).encode()
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body += photo + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class Participant:
    """One browser: its own connection and CSRF cookie."""

    def __init__(self, port, campaign_pk, photo):
        assert HOST == "127.0.0.1"  # loopback only
        self.port, self.campaign_pk, self.photo = port, campaign_pk, photo

    def submit(self, caption):
        """Returns (status, seconds for the POST), or ("error: ...", seconds)."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        started = time.perf_counter()
        try:
            connection.request("GET", "/en/actions/submit/")
            response = connection.getresponse()
            html = response.read().decode()
            cookie = response.getheader("Set-Cookie", "").split(";")[0]
            token = TOKEN.search(html).group(1)
            fields = {
                "csrfmiddlewaretoken": token,
                "campaign": self.campaign_pk,
                "action_type": "picket",
                "location_precision": "city",
                "city": "Hrodna",
                "country": "BY",
                "hashtags": "#4august",
                "caption": caption,
                "alt_text": "People with lanterns.",
                "consent": "on",
                "blur_faces": "on",
                "website": "",
            }
            body, content_type = multipart(fields, self.photo)
            started = time.perf_counter()
            connection.request(
                "POST",
                "/en/actions/submit/",
                body,
                {"Content-Type": content_type, "Cookie": cookie},
            )
            response = connection.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        except (OSError, http.client.HTTPException, AttributeError) as exc:
            return f"error: {type(exc).__name__}", time.perf_counter() - started
        finally:
            connection.close()


def start_worker(env, logs):
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def kill_and_replace(workers, env, logs):
    """kill -9 the worker in the middle of its work, and start another at once: it queues
    again what the dead one was running once its lease (TASKS_LEASE) has run out."""
    os.killpg(workers[-1].pid, signal.SIGKILL)
    workers[-1].wait()
    print("killed the worker (SIGKILL); starting another")
    workers.append(start_worker(env, logs))


def run_clients(participant, captions, clients, deadline):
    results = {}

    def one(caption):
        if time.monotonic() > deadline:
            return caption, ("not sent: out of time", 0.0)
        return caption, participant.submit(caption)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for caption, outcome in pool.map(one, captions):
            results[caption] = outcome
    return results, time.perf_counter() - started


def wait_until_up(port, deadline):
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def tally(results, stored_counts):
    """stored once / refused / lost / duplicated, by caption."""
    counts = {"stored once": 0, "refused": 0, "lost": 0, "duplicated": 0}
    statuses = {}
    for caption, (status, _seconds) in results.items():
        statuses[status] = statuses.get(status, 0) + 1
        stored = stored_counts.get(caption, 0)
        if stored > 1:
            counts["duplicated"] += 1
        elif status == 302:
            counts["stored once" if stored == 1 else "lost"] += 1
        elif stored == 1:
            counts["stored once"] += 1  # stored although the answer was lost
        else:
            counts["refused"] += 1
    return counts, statuses


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--baseline", type=int, default=20, help="sent first, by one client")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--max-seconds", type=float, default=600)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument(
        "--kill-worker",
        type=float,
        metavar="SECONDS",
        help="kill -9 the worker this long after the concurrent clients start, start another",
    )
    parser.add_argument("--lease", type=int, default=5, help="TASKS_LEASE for the run, seconds")
    parser.add_argument("--keep", action="store_true", help="keep the media and server log")
    parser.add_argument("--cache-url", default=os.environ.get("CACHE_URL", "locmemcache://"))
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own.")
    deadline = time.monotonic() + args.max_seconds
    load_before = os.getloadavg()
    media = Path(tempfile.mkdtemp(prefix="soliday-load-"))
    env = environment(args, media)
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CACHE_URL")})
    os.environ.update({k: env[k] for k in ("TASKS_BACKEND", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "soliday.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from actions import faces
    from actions.models import Action, Campaign

    call_command("migrate", verbosity=0)
    campaign, _ = Campaign.objects.update_or_create(
        slug=CAMPAIGN,
        defaults={"name_en": "Load test", "starts_on": "2026-08-04", "is_active": True},
    )
    Action.objects.filter(campaign=campaign).delete()
    DBTaskResult.objects.all().delete()

    port = free_port()
    env["GUNICORN_BIND"] = f"{HOST}:{port}"
    logs = open(media / "server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--config", "gunicorn.conf.py",
         "soliday.wsgi:application"],
        cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    workers = [start_worker(env, logs)]
    killer = None
    if args.kill_worker is not None:
        killer = threading.Timer(args.kill_worker, kill_and_replace, (workers, env, logs))
    try:
        wait_until_up(port, deadline)
        participant = Participant(port, campaign.pk, photo_bytes())
        run_id = uuid.uuid4().hex[:8]
        baseline_captions = [f"load {run_id} baseline {n}" for n in range(args.baseline)]
        captions = [f"load {run_id} #{n}" for n in range(args.submissions)]
        # Warm-up, not counted: every gunicorn worker loads the app and templates.
        warmup = [f"load {run_id} warm-up {n}" for n in range(2 * args.web_workers)]
        run_clients(participant, warmup, args.web_workers, deadline)
        baseline, baseline_seconds = run_clients(participant, baseline_captions, 1, deadline)
        if killer is not None:
            killer.start()
        results, seconds = run_clients(participant, captions, args.clients, deadline)
        sent_at = time.perf_counter()

        stored = Action.objects.filter(campaign=campaign)
        while time.monotonic() < deadline:
            if not stored.filter(photo_status=Action.PhotoStatus.QUEUED).exists():
                break
            time.sleep(0.25)
        processed_after = time.perf_counter() - sent_at
        waiting = stored.filter(photo_status=Action.PhotoStatus.QUEUED).count()
        failed = stored.filter(photo_status=Action.PhotoStatus.FAILED).count()

        stored_counts = {}
        for caption in stored.values_list("caption", flat=True):
            stored_counts[caption] = stored_counts.get(caption, 0) + 1
        counts, statuses = tally(results, stored_counts)
        base_counts, _ = tally(baseline, stored_counts)
        posts = [s for status, s in results.values() if status == 302]
        base_posts = [s for status, s in baseline.values() if status == 302]
        rate = len(posts) / seconds
        base_rate = len(base_posts) / baseline_seconds

        print(f"load average (1, 5, 15 min) before: {load_before}, after: {os.getloadavg()}")
        print(
            f"{os.cpu_count()} cores; gunicorn workers: {args.web_workers}; task workers: 1 "
            f"(started {len(workers)} times, TASKS_LEASE {args.lease} s); "
            f"face detection: {'on' if faces.faces_available() else 'off'}"
        )
        print(f"baseline, 1 client: {args.baseline} submissions, {base_counts}")
        print(f"  {base_rate:.2f} submissions/s, median POST {statistics.median(base_posts):.3f} s")
        print(f"{args.clients} clients: {args.submissions} submissions in {seconds:.1f} s")
        print("  " + ", ".join(f"{name}: {number}" for name, number in counts.items()))
        print(f"  HTTP answers: {statuses}")
        print(
            f"  {rate:.2f} submissions/s ({rate / base_rate:.2f}× one client), POST median "
            f"{statistics.median(posts):.3f} s, p95 {percentile(posts, 0.95):.3f} s"
        )
        if args.kill_worker is not None:
            again = sum(
                len(ids) > 1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)
            )
            print(f"tasks taken again after the kill: {again}")
        print(
            f"every photo processed {processed_after:.1f} s after the last answer "
            f"({seconds + processed_after:.1f} s after the first request); "
            f"still waiting: {waiting}, failed: {failed}"
        )
    finally:
        if killer is not None:
            killer.cancel()
        processes = [*workers, server]
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        logs.close()
        if args.keep:
            print(f"media and server log kept in {media}")
        else:
            shutil.rmtree(media)


if __name__ == "__main__":
    main()
