"""Campaign results kept up to date as actions become public or stop being public.

`publish(action)` counts an approved action in its campaign's tallies (total,
country, city, type, day, hashtags) and in the map cells of every zoom, and
records on the action what it counted. `unpublish(action)` takes back exactly
that, whatever was edited meanwhile. Both run inside the caller's transaction,
so a count never disagrees with the rows. `rebuild()` recomputes everything
from the rows (`manage.py rebuild_stats`).
"""

import json
import math
from collections import Counter

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from actions.models import Action, MapCell, TaggedAction, Tally

# Zoom levels with pre-counted cells; closer in, the map endpoint reads actions directly.
MAX_CELL_ZOOM = 14
CELLS_PER_TILE = 4
# Web Mercator stops short of the poles.
MAX_LATITUDE = 85.05112878

CITY_SEPARATOR = "\t"


def city_key(country, city):
    return f"{country}{CITY_SEPARATOR}{city}"


def split_city_key(key):
    country, _sep, city = key.partition(CITY_SEPARATOR)
    return country, city


def cell(latitude, longitude, zoom):
    """The (x, y) of the grid cell holding a point at `zoom`."""
    size = 2**zoom * CELLS_PER_TILE
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    x = (longitude + 180.0) / 360.0 * size
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size
    return min(size - 1, max(0, int(x))), min(size - 1, max(0, int(y)))


def keys_of(action):
    """What an approved action counts as: tallies and map cells."""
    return _keys(
        action.campaign_id,
        action.country,
        action.city,
        action.action_type,
        action.submitted_at,
        action.latitude,
        action.longitude,
        [tag.name for tag in action.hashtags.all()],
    )


def _keys(campaign_id, country, city, action_type, submitted_at, latitude, longitude, tags):
    tallies = [
        (Tally.Dimension.TOTAL, ""),
        (Tally.Dimension.COUNTRY, country),
        (Tally.Dimension.CITY, city_key(country, city.strip())),
        (Tally.Dimension.TYPE, action_type),
    ]
    if submitted_at:
        tallies.append((Tally.Dimension.DAY, timezone.localdate(submitted_at).isoformat()))
    tallies += [(Tally.Dimension.HASHTAG, name) for name in sorted(tags)]
    located = latitude is not None and longitude is not None
    return {
        "campaign": campaign_id,
        "tallies": [[dimension, key[:200]] for dimension, key in tallies],
        "cells": [[z, *cell(latitude, longitude, z)] for z in range(MAX_CELL_ZOOM + 1)]
        if located
        else [],
        "point": [latitude, longitude] if located else None,
    }


def publish(action):
    """Count `action` (approved, in the caller's transaction) and remember what was counted."""
    if action.counted:
        unpublish(action)
    counted = keys_of(action)
    _apply(counted, +1)
    action.counted = counted
    Action.objects.filter(pk=action.pk).update(counted=counted)


def unpublish(action):
    """Take back what was counted for `action`, if anything."""
    if not action.counted:
        return
    _apply(action.counted, -1)
    action.counted = {}
    Action.objects.filter(pk=action.pk).update(counted={})


def recount(action):
    """After an edit of an approved action: count it again as it now is."""
    if action.status == Action.Status.APPROVED:
        publish(action)


def _apply(counted, sign):
    campaign_id = counted["campaign"]
    for dimension, key in counted["tallies"]:
        _bump(Tally, {"campaign_id": campaign_id, "dimension": dimension, "key": key}, sign)
    if counted["cells"]:
        latitude, longitude = counted["point"]
        for zoom, x, y in counted["cells"]:
            _bump(
                MapCell,
                {"campaign_id": campaign_id, "zoom": zoom, "x": x, "y": y},
                sign,
                latitude_sum=sign * latitude,
                longitude_sum=sign * longitude,
            )


def _bump(model, lookup, sign, **sums):
    changes = {"count": F("count") + sign, **{k: F(k) + v for k, v in sums.items()}}
    if model.objects.filter(**lookup).update(**changes):
        return
    try:
        # A savepoint: a concurrent insert of the same row must not spoil the transaction.
        with transaction.atomic():
            model.objects.create(**lookup, count=sign, **sums)
    except IntegrityError:
        model.objects.filter(**lookup).update(**changes)


REBUILD_BATCH = 2000


def rebuild():
    """Recount every campaign from the rows; returns the number of approved actions counted.

    Reads the approved actions once in batches and writes the tallies and cells in
    bulk, so it takes minutes, not hours, at a million actions.
    """
    tallies, cells = Counter(), {}
    count = 0
    with transaction.atomic():
        Tally.objects.all().delete()
        MapCell.objects.all().delete()
        Action.objects.exclude(counted={}).update(counted={})
        approved = Action.objects.approved().order_by("pk")
        fields = [
            "pk", "campaign_id", "country", "city", "action_type", "submitted_at",
            "latitude", "longitude",
        ]  # fmt: skip
        batch = []
        for row in approved.values_list(*fields).iterator(chunk_size=REBUILD_BATCH):
            batch.append(row)
            if len(batch) == REBUILD_BATCH:
                count += _rebuild_batch(batch, tallies, cells)
                batch = []
        count += _rebuild_batch(batch, tallies, cells)
        Tally.objects.bulk_create(
            [Tally(campaign_id=c, dimension=d, key=k, count=n) for (c, d, k), n in tallies.items()],
            batch_size=REBUILD_BATCH,
        )
        MapCell.objects.bulk_create(
            [
                MapCell(
                    campaign_id=c, zoom=z, x=x, y=y, count=n, latitude_sum=lat, longitude_sum=lon
                )
                for (c, z, x, y), (n, lat, lon) in cells.items()
            ],
            batch_size=REBUILD_BATCH,
        )
    return count


def _rebuild_batch(rows, tallies, cells):
    if not rows:
        return 0
    tags = {}
    for action_id, name in TaggedAction.objects.filter(
        content_object_id__in=[row[0] for row in rows]
    ).values_list("content_object_id", "tag__name"):
        tags.setdefault(action_id, []).append(name)
    updated = []
    for pk, *values in rows:
        counted = _keys(*values, tags.get(pk, []))
        campaign_id = counted["campaign"]
        for dimension, key in counted["tallies"]:
            tallies[(campaign_id, dimension, key)] += 1
        if counted["point"]:
            latitude, longitude = counted["point"]
            for zoom, x, y in counted["cells"]:
                n, lat, lon = cells.get((campaign_id, zoom, x, y), (0, 0.0, 0.0))
                cells[(campaign_id, zoom, x, y)] = (n + 1, lat + latitude, lon + longitude)
        updated.append((pk, counted))
    _write_counted(updated)
    return len(rows)


def _write_counted(updated):
    """Store each action's `counted` in one statement per batch."""
    if connection.vendor != "postgresql":
        Action.objects.bulk_update(
            [Action(pk=pk, counted=counted) for pk, counted in updated], ["counted"]
        )
        return
    # bulk_update() writes a CASE with one branch per row, which PostgreSQL plans
    # slowly for JSON; joining a VALUES list is several times faster at a million.
    values = ", ".join(["(%s, %s::jsonb)"] * len(updated))
    params = [item for pk, counted in updated for item in (pk, json.dumps(counted))]
    table = connection.ops.quote_name(Action._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS a SET counted = v.counted "  # noqa: S608 (only placeholders)
            f"FROM (VALUES {values}) AS v(id, counted) WHERE a.id = v.id",
            params,
        )
