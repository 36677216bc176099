"""Counting every campaign again from the rows: `manage.py rebuild_stats`."""

from collections import Counter

from django.db import transaction
from django.db.models import Count

from actions.models import Action, MapCell, Tally
from actions.stats.bulk import CHUNK, bulk_writer, insert
from actions.stats.counting import (
    Changes,
    Row,
    city_key_of,
    counted_for,
    min_city_count,
    public_point,
    row_values,
    tags_of,
    tallies_of,
)


def rebuild():
    """Recount every campaign from the rows; returns the number of approved actions counted.

    Reads the approved actions once in batches and writes the tallies and cells in
    bulk, so it takes minutes, not hours, at a million actions. The cities' counts
    come first (one GROUP BY), so each action knows at once whether its city is shown.
    """
    k = min_city_count()
    changes = Changes()  # only its tallies and cells: the rows go through bulk_writer()
    count = 0
    with transaction.atomic():
        Tally.objects.all().delete()
        MapCell.objects.all().delete()
        Action.objects.exclude(status=Action.Status.APPROVED).exclude(
            counted={}, city_shown=False, public_latitude=None, public_longitude=None
        ).update(counted={}, city_shown=False, public_latitude=None, public_longitude=None)
        approved = Action.objects.public()
        cities = Counter()
        # A few thousand groups at most: one per campaign, city and precision.
        groups = approved.values_list("campaign_id", "country", "city", "location_precision")
        for campaign_id, country, city, precision, n in groups.annotate(n=Count("id")).order_by():
            row = Row(0, campaign_id, country, city, "", None, None, None, precision, [])
            if (key := city_key_of(row)) is not None:
                cities[(campaign_id, key)] += n
        with bulk_writer() as write:
            batch = []
            rows = row_values(approved.order_by("pk"))
            for values in rows.iterator(chunk_size=CHUNK):
                batch.append(values)
                if len(batch) == CHUNK:
                    write(_rebuild_batch(batch, cities, k, changes))
                    count += len(batch)
                    batch = []
            write(_rebuild_batch(batch, cities, k, changes))
            count += len(batch)
        insert(
            Tally,
            ("campaign_id", "dimension", "key", "count"),
            ((*key, n) for key, n in changes.tallies.items()),
        )
        insert(
            MapCell,
            ("campaign_id", "zoom", "x", "y", "count", "latitude_sum", "longitude_sum"),
            ((*key, *sums) for key, sums in changes.cells.items()),
        )
    return count


def _rebuild_batch(batch, cities, k, changes):
    """Count a batch of approved actions in `changes`; returns the rows to write (see
    write_rows)."""
    if not batch:
        return []
    tags = tags_of([values[0] for values in batch])
    written = []
    for values in batch:
        row = Row(*values, tags[values[0]])
        key = city_key_of(row)
        shown = key is not None and cities[(row.campaign_id, key)] >= k
        point = public_point(shown, row.latitude, row.longitude, row.country)
        counted = counted_for(row.campaign_id, tallies_of(row), point, shown)
        changes.count(counted, +1)
        written.append((row.pk, counted, shown, *(point or (None, None))))
    return written
