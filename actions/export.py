"""CSV export of campaigns' approved actions, for moderators (an admin action).

Each row is `actions.public.csv_row()`: public fields only, as public pages show them
(the city only once it has K approved actions, the public point, the date without
time of day) and never personal data: a spreadsheet outlives a participant's
withdrawal. Streamed row by row, so a campaign of a million actions never sits in
memory.
"""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from actions import public
from soliday import links

CHUNK = 2000


def rows(campaigns):
    """The header, then every approved action of `campaigns`, oldest first."""
    yield public.CSV_COLUMNS
    actions = public.actions().filter(campaign__in=campaigns).order_by("campaign_id", "id")
    for action in actions.iterator(chunk_size=CHUNK):
        yield public.csv_row(action)


class _Echo:
    def write(self, value):
        return value


def csv_response(campaigns):
    writer = csv.writer(_Echo())
    name = campaigns[0].slug if len(campaigns) == 1 else "campaigns"
    filename = f"actions-{name}-{timezone.localdate().isoformat()}.csv"
    response = StreamingHttpResponse(
        links.streamed(writer.writerow(line) for line in rows(campaigns)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
