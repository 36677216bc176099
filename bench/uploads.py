"""Issue 11's upload figures: the submission POST with a 12 MP JPEG and with a 12 MP HEIC,
each against the same POST without a photo ("no_photo" ticked), in the same run.

    .venv/bin/python bench/uploads.py [--runs 9]

In process, through Django's test client, on a SQLite database under var/bench/ (made
and migrated on the first run); the photo task is queued to the dummy backend, so only
the request is timed: the form, the structure check, the copy without metadata, the
private file and the row. Each case's multipart body is encoded once, before the timing
(the test client would otherwise encode the 5 to 9 MB on every POST, work of the browser,
not the server). Cases take turns; JSON in var/bench/uploads.json.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.mkdtemp(prefix="soliday-bench-uploads-"))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "soliday.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'bench' / 'uploads.sqlite3'}",
        "CACHE_URL": "locmemcache://bench",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "ACTIONS_RATE_LIMIT": "1000000",
        "MEDIA_ROOT": str(WORK / "media"),
        "PRIVATE_MEDIA_ROOT": str(WORK / "private"),
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "testserver",
    }
)
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))  # sample (after the apps)

import django  # noqa: E402

django.setup()

import datetime  # noqa: E402

import sample  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart  # noqa: E402

from actions.models import Action, ActionType, Campaign  # noqa: E402


def form(campaign, photo=None):
    data = {
        "campaign": campaign.pk,
        "action_type": ActionType.PICKET,
        "location_precision": "city",
        "city": "Hrodna",
        "country": "BY",
        "hashtags": "#4august",
        "caption": "Lanterns by the Neman.",
        "alt_text": "Twelve people holding lanterns.",
        "consent": "on",
        "website": "",
    }
    if photo is None:
        data["no_photo"] = "on"
    else:
        data["photo"] = photo
    return data


def body(campaign, name=None, data=None, content_type=None):
    """The submission's multipart body, as the browser sends it (boundary BOUNDARY)."""
    photo = None if data is None else SimpleUploadedFile(name, data, content_type)
    return encode_multipart(BOUNDARY, form(campaign, photo))


def post(client, prepared):
    response = client.generic(
        "POST", "/en/actions/submit/", prepared, content_type=MULTIPART_CONTENT
    )
    if response.status_code != 302:
        raise RuntimeError(f"the form was refused: {response.status_code}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    campaign, _ = Campaign.objects.get_or_create(
        slug="bench-uploads",
        defaults={
            "name_en": "Bench",
            "starts_on": datetime.date(2026, 8, 4),
            "action_types": [ActionType.PICKET],
            "is_active": True,
        },
    )
    Campaign.objects.exclude(pk=campaign.pk).update(is_active=False)
    jpeg = sample.cached("12mp.jpg", lambda: sample.jpeg((4000, 3000)))
    heic = sample.cached("12mp.heic", lambda: sample.heic((4000, 3000)))
    client = Client()
    bodies = {
        "without a photo": body(campaign),
        "12 MP JPEG": body(campaign, "photo.jpg", jpeg, "image/jpeg"),
        "12 MP HEIC": body(campaign, "photo.heic", heic, "image/heic"),
    }
    cases = {
        name: (lambda prepared=prepared: post(client, prepared))
        for name, prepared in bodies.items()
    }
    print(f"load averages {sample.load()}; {args.runs} runs per case after one warm-up")
    print(f"JPEG {len(jpeg) / 1e6:.1f} MB, HEIC {len(heic) / 1e6:.1f} MB")
    for case in cases.values():
        case()
    times = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, case in cases.items():
            times[name].append(sample.timed(case))
    result = {name: sample.summary(seconds) for name, seconds in times.items()}
    baseline = result["without a photo"]["median"]
    for name, figures in result.items():
        figures["ratio"] = figures["median"] / baseline
        print(
            f"  {name:<16} median {figures['median'] * 1000:7.1f} ms"
            f" (min {figures['min'] * 1000:.1f}, max {figures['max'] * 1000:.1f})"
            f"  ratio to the POST without a photo {figures['ratio']:.2f}"
        )
    Action.objects.filter(campaign=campaign).delete()
    shutil.rmtree(WORK, ignore_errors=True)
    sample.write("uploads.json", {"runs": args.runs, **result})


if __name__ == "__main__":
    main()
