"""Actions made the way people make them: the submission form as a participant fills it
in, actions submitted as the form submits them (through services.submit_action), approved
and rejected as moderators decide; and what must never reach a public page, API or feed."""

import importlib

from django.apps import apps
from django.test import Client

from actions import services
from actions.models import ActionType, LocationPrecision
from tests.helpers.images import encode, make_image_bytes, two_colour, upload

# What must never reach a public page, API or feed.
SECRET_EMAIL = "participant-secret@example.org"
PENDING_CAPTION = "Pending caption that nobody may see"
REJECTED_CAPTION = "Rejected caption that nobody may see"
REJECTION_REASON = "Rejected because of visible faces"


def submit_form_data(campaign, /, **fields):
    """What a participant types into the submission form: a photo of a picket in Hrodna,
    with a caption, hashtags, a name and an address, and consent.

    `fields` replace those; None leaves a field out, as a browser leaves out a box not
    ticked. `campaign` is the campaign chosen (a `campaign` field overrides it).
    """
    data = {
        "photo": fields.pop("photo") if "photo" in fields else upload(make_image_bytes()),
        "campaign": campaign.pk,
        "action_type": ActionType.PICKET,
        "location_precision": "city",
        "city": "Hrodna",
        "country": "BY",
        "latitude": "",
        "longitude": "",
        "hashtags": "#4august #FreeBelarus",
        "caption": "Lanterns by the Neman for the political prisoners.",
        "alt_text": "Twelve people holding lanterns.",
        "name": "Alesia",
        "email": "alesia@example.org",
        "consent": "on",
        "website": "",
        **fields,
    }
    return {key: value for key, value in data.items() if value is not None}


class Participant(Client):
    """Someone who sends the submission form, not logged in."""

    def send(self, campaign, /, *, language="en", follow=False, **fields):
        """Fill in the form (submit_form_data(campaign, **fields)) and send it."""
        data = submit_form_data(campaign, **fields)
        return self.post(f"/{language}/actions/submit/", data, follow=follow)


def submit(campaign, data=None, **overrides):
    """An action as the form submits it; `data` is the photo's bytes (None: no photo).

    The participant lets us keep the exact point, unless `location_precision` says less.
    """
    fields = {
        "campaign": campaign,
        "action_type": ActionType.PICKET,
        "location_precision": LocationPrecision.EXACT,
        "city": "Vilnius",
        "country": "LT",
        "latitude": 54.6872,
        "longitude": 25.2797,
        "hashtags": ["4august", "4августа"],
        "caption": "Lanterns by the river.",
        "alt_text": "Three people holding lanterns.",
        "display_name": "",
        "email": "",
        "consent": True,
        "upload": upload(data) if data is not None else None,
        "language": "en",
        **overrides,
    }
    return services.submit_action(**fields)


def make_submitted(campaign, capture, *, photo=True, **fields):
    """A pending action as the form submits it, after what runs on commit (the photo's
    processing by the task, the receipt mail). `photo`: True for a 640 × 480 picture,
    the bytes of another, False for none.

    `capture` is pytest-django's django_capture_on_commit_callbacks.
    """
    if photo is True:
        photo = encode(two_colour((640, 480)), "JPEG")
    with capture(execute=True):
        action = submit(campaign, photo or None, **fields)
    action.refresh_from_db()
    return action


def make_approved(campaign, moderator, capture, *, photo=True, **overrides):
    """An approved action; with `photo`, its renditions exist in public storage."""
    overrides.setdefault("email", SECRET_EMAIL)
    data = encode(two_colour(), "JPEG") if photo else False
    action = make_submitted(campaign, capture, photo=data, **overrides)
    with capture(execute=True):
        services.approve([action], moderator)
    action.refresh_from_db()
    return action


def make_hidden(campaign, moderator, capture, *, photo=True, pending=None, rejected=None):
    """One pending and one rejected action, with photos unless `photo` is False, that must
    stay out of sight. `pending` and `rejected`: their places (by default Pendingtown and
    Rejectedville, at the point submit() gives)."""
    data = encode(two_colour(), "JPEG") if photo else None
    with capture(execute=True):
        pending = submit(
            campaign,
            data,
            caption=PENDING_CAPTION,
            email=SECRET_EMAIL,
            **(pending or {"city": "Pendingtown"}),
        )
        rejected = submit(
            campaign,
            data,
            caption=REJECTED_CAPTION,
            email=SECRET_EMAIL,
            **(rejected or {"city": "Rejectedville"}),
        )
    with capture(execute=True):
        services.reject([rejected], moderator, REJECTION_REASON)
    pending.refresh_from_db()
    rejected.refresh_from_db()
    return pending, rejected


def assert_nothing_private(text, *hidden):
    """No private field of any action, and nothing of a hidden action, is in `text`."""
    for secret in (SECRET_EMAIL, PENDING_CAPTION, REJECTED_CAPTION, REJECTION_REASON):
        assert secret not in text, secret
    for needle in ("Pendingtown", "Rejectedville", "rejection", "processing_"):
        assert needle not in text, needle
    for action in hidden:
        for rendition in action.renditions:
            assert rendition["path"] not in text


def default_rejection_reasons():
    """The canned reasons the data migration gives, again: a live-server test's flush
    empties every table, migration data included, before the next such test."""
    migration = importlib.import_module("actions.migrations.0010_default_rejection_reasons")
    migration.add_reasons(apps, None)
