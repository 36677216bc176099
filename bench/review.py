"""A moderator reviewing pending photos through the admin, by keyboard: requests, queries and
server time per decision, with a short queue and with a long one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soliday_review_bench DEBUG=true \\
        .venv/bin/python bench/review.py --decisions 100 --backlog 2000

Creates the database if needed and migrates it, submits 2 × N pending actions with
photos (processed by the task, as the form and the worker would), then reviews N of them
as a moderator does on each action's page (GET the page, POST "Save and approve, then
next" with the checklist ticked; every fifth "Save and reject, then next" with a canned
reason), counting requests and queries. Then it adds a backlog of pending actions and
reviews N more: the baseline is the short queue, in the same run. Media go to a
temporary folder; the database keeps the rows (a new run adds more). See bench/README.md.
"""

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import benchdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soliday.settings")
MEDIA = tempfile.mkdtemp(prefix="soliday-review-bench-")
os.environ["MEDIA_ROOT"] = os.path.join(MEDIA, "media")
os.environ["PRIVATE_MEDIA_ROOT"] = os.path.join(MEDIA, "private")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=100, help="decisions per phase")
    parser.add_argument("--backlog", type=int, default=2000, help="pending actions added")
    return parser.parse_args()


def create_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://…/soliday_review_bench"
        )
    benchdb.create_database(url)


def picture(seed):
    """A distinct 1200 × 900 JPEG of coloured blocks (not a likely duplicate of another)."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (1200, 900), tuple(rng.randrange(256) for _ in range(3)))
    for _ in range(16):
        x, y = rng.randrange(1200), rng.randrange(900)
        box = (x, y, x + rng.randrange(60, 500), y + rng.randrange(60, 400))
        image.paste(tuple(rng.randrange(256) for _ in range(3)), box)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def submit_pending(campaign, count, seed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from actions import services

    for index in range(count):
        data = picture(seed + index)
        services.submit_action(
            campaign=campaign,
            action_type="picket",
            location_precision="city",
            city="Vilnius",
            country="LT",
            latitude=None,
            longitude=None,
            hashtags=["4august"],
            caption="Bench picket.",
            alt_text="People with posters.",
            display_name="",
            email="",
            consent=True,
            upload=SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg"),
            language="en",
            blur_faces=False,  # the review is measured here, not face detection
        )


def add_backlog(campaign, count):
    """Pending actions after the reviewed ones (newer), as rows only: the queue's length."""
    from actions.models import Action

    Action.objects.bulk_create(
        Action(campaign=campaign, city="Kaunas", country="LT", caption="Backlog.")
        for _ in range(count)
    )


def review(client, user, decisions):
    """Decide `decisions` actions as the review page does; returns the per-decision rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actions.models import Action, ChecklistItem, RejectionReason

    reason = RejectionReason.objects.offered().first()
    response = client.get("/admin/actions/action/next/")
    url = response["Location"]
    rows = []
    for index in range(decisions):
        requests = 0
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
            requests += 1
            assert page.status_code == 200, page.status_code
            action = page.context["original"]
            form = page.context["adminform"].form
            data = {
                name: form[name].value() if form[name].value() is not None else ""
                for name in form.fields
                if name not in ("checklist", "blur_boxes")
            }
            data["hashtags"] = ", ".join(tag.name for tag in action.hashtags.all())
            data["_status_seen"] = action.status
            data["checklist"] = list(ChecklistItem.values)
            if index % 5 == 4:
                data.update(_canned=reason.pk, _reject="1")
            else:
                data["_approve_next"] = "1"
            response = client.post(url, data)
            requests += 1
        elapsed = time.perf_counter() - start
        assert response.status_code == 302, response.status_code
        decided = Action.objects.filter(pk=action.pk).values_list("status", flat=True).get()
        assert decided != Action.Status.PENDING, f"action {action.pk} was not decided"
        rows.append((requests, len(queries), elapsed))
        url = response["Location"]
        if "/change/" not in url:
            break
    return rows


def summary(label, rows, baseline=None):
    requests = statistics.mean(r for r, _q, _t in rows)
    queries = [q for _r, q, _t in rows]
    times = sorted(t for _r, _q, t in rows)
    median = statistics.median(times)
    per_minute = 60 / median
    line = (
        f"{label:<34} decisions {len(rows):>4}  requests/decision {requests:.1f}  "
        f"queries/decision median {statistics.median(queries):.0f} max {max(queries)}  "
        f"server s/decision median {median:.3f} p95 {times[int(len(times) * 0.95) - 1]:.3f}  "
        f"≤ {per_minute:.0f} decisions/min"
    )
    if baseline is not None:
        line += f"  queries ratio {statistics.median(queries) / baseline:.2f}"
    print(line)
    return statistics.median(queries)


def main():
    args = parse_args()
    create_database()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()  # the test client's context, for the form's values
    call_command("migrate", verbosity=0)
    call_command("setup_roles", stdout=io.StringIO())

    from actions.models import Action, Campaign

    campaign, _created = Campaign.objects.get_or_create(
        slug="bench-review",
        defaults={"name_en": "Review bench", "is_active": True, "starts_on": datetime.date.today()},
    )
    # Only this run's actions wait: earlier runs' leftovers are decided out of the way.
    Action.objects.pending().update(status=Action.Status.REJECTED)
    user, _created = get_user_model().objects.get_or_create(
        username="bench-moderator", defaults={"is_staff": True}
    )
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(user)

    start = time.perf_counter()
    submit_pending(campaign, 2 * args.decisions, seed=int(time.time()))
    made = time.perf_counter() - start
    print(f"submitted and processed {2 * args.decisions} photos in {made:.1f} s")

    short = review(client, user, args.decisions)
    pending = Action.objects.pending().count()
    base = summary(f"queue {pending + len(short)} → {pending}", short)
    add_backlog(campaign, args.backlog)
    pending = Action.objects.pending().count()
    long = review(client, user, args.decisions)
    summary(f"queue {pending} → {pending - len(long)}", long, baseline=base)
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
