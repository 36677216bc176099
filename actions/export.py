"""CSV export of campaigns' approved actions, for moderators (an admin action).

Public fields only, as public pages show them: the city only once it has K
approved actions in the campaign and the public point (actions.stats), the date
without time of day. No personal data: never the display name, email, language,
consent, moderation or processing fields, nor the stored point; a spreadsheet
outlives a participant's withdrawal. Streamed row by row, so a campaign of a
million actions never sits in memory. Text cells that a spreadsheet would read as
a formula are prefixed with a quote.
"""

import csv

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from actions.models import Action

COLUMNS = [
    "id", "url", "campaign", "type", "city", "country", "latitude", "longitude", "date",
    "caption", "alt_text", "hashtags",
]  # fmt: skip
# The columns loaded: nothing private is read, so nothing private can be written.
FIELDS = [
    "id", "campaign", "campaign__slug", "action_type", "city", "city_shown", "country",
    "public_latitude", "public_longitude", "submitted_at", "caption", "alt_text",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def safe(text):
    """A text cell that no spreadsheet runs as a formula."""
    text = str(text or "")
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def row(action):
    return [
        action.pk,
        settings.SITE_URL + action.get_absolute_url(),
        safe(action.campaign.slug),
        action.action_type,
        safe(action.city) if action.city_shown else "",
        action.country,
        "" if action.public_latitude is None else action.public_latitude,
        "" if action.public_longitude is None else action.public_longitude,
        timezone.localdate(action.submitted_at).isoformat(),
        safe(action.caption),
        safe(action.alt_text),
        safe(" ".join(f"#{tag.name}" for tag in action.hashtags.all())),
    ]


def rows(campaigns):
    """The header, then every approved action of `campaigns`, oldest first."""
    yield COLUMNS
    actions = (
        Action.objects.approved()
        .filter(campaign__in=campaigns)
        .select_related("campaign")
        .only(*FIELDS)
        .prefetch_related("hashtags")
        .order_by("campaign_id", "id")
    )
    for action in actions.iterator(chunk_size=CHUNK):
        yield row(action)


class _Echo:
    def write(self, value):
        return value


def csv_response(campaigns):
    writer = csv.writer(_Echo())
    name = campaigns[0].slug if len(campaigns) == 1 else "campaigns"
    filename = f"actions-{name}-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(
        (writer.writerow(line) for line in rows(campaigns)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
