"""Counting actions in and out of the campaign results, one or thousands at a time.

The K threshold: a city is public only once it has K approved actions in the
campaign (`settings.ACTIONS_MIN_CITY_COUNT`), so that a lone participant is never
singled out. Until then its actions are counted under their country: they keep
`city_shown=False` and their public point (`public_latitude/public_longitude`,
which the map cells count) is the centre of their country. The CITY tally counts
every action with a city, since it is how the threshold is known; public pages
show only CITY rows with `count >= min_city_count()`. When a city reaches K, its
K-1 earlier actions get their own points; when it falls below K, the rest go back
to the country's centre: fewer than K rows each time, found on
actions_approved_city_idx.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from actions import geo
from actions.models import Action, LocationPrecision, MapCell, TaggedAction, Tally
from actions.stats.bulk import CHUNK, chunks, upsert, write_rows
from soliday import countries

CITY_SEPARATOR = "\t"
# Precisions that keep no city: such an action is never counted in a city.
WITHOUT_CITY = (LocationPrecision.COUNTRY, LocationPrecision.NONE)


def min_city_count():
    """K: the approved actions a city needs in a campaign before public pages name it."""
    return max(1, settings.ACTIONS_MIN_CITY_COUNT)


def city_key(country, city):
    return f"{country}{CITY_SEPARATOR}{city}"


def split_city_key(key):
    country, _sep, city = key.partition(CITY_SEPARATOR)
    return country, city


# What an action counts as


@dataclass(slots=True)
class Row:
    """The columns of an action that its counts depend on."""

    pk: int
    campaign_id: int
    country: str
    city: str
    action_type: str
    day: object  # happened_on, else the date of submitted_at in the portal's time zone
    latitude: float | None
    longitude: float | None
    location_precision: str
    tags: list


ROW_FIELDS = (
    "pk", "campaign_id", "country", "city", "action_type", "day",
    "latitude", "longitude", "location_precision",
)  # fmt: skip


def row_values(queryset):
    """ROW_FIELDS of each action; the day is found by the database (as fast as reading it)."""
    day = Coalesce("happened_on", TruncDate("submitted_at"))
    return queryset.annotate(day=day).values_list(*ROW_FIELDS)


def _row(action):
    day = action.happened_on
    if day is None and action.submitted_at:
        day = timezone.localdate(action.submitted_at)
    values = [day if name == "day" else getattr(action, name) for name in ROW_FIELDS]
    return Row(*values, [tag.name for tag in action.hashtags.all()])


def _rows(pks):
    """The Rows of the actions `pks`, with their hashtags: two queries per CHUNK actions."""
    rows = []
    for chunk in chunks(sorted(pks)):
        tags = tags_of(chunk)
        found = row_values(Action.objects.filter(pk__in=chunk).order_by("pk"))
        rows += [Row(*values, tags[values[0]]) for values in found]
    return rows


def tags_of(pks):
    """{pk: [hashtag names]} of the actions `pks`, in one query."""
    tags = defaultdict(list)
    for pk, name in TaggedAction.objects.filter(content_object_id__in=pks).values_list(
        "content_object_id", "tag__name"
    ):
        tags[pk].append(name)
    return tags


def city_key_of(row):
    """The CITY tally key of an action, or None when it has no city (or no country)."""
    city = (row.city or "").strip()
    if not city or not row.country or row.location_precision in WITHOUT_CITY:
        return None
    return city_key(row.country, city)[:200]


def tallies_of(row):
    tallies = [[Tally.Dimension.TOTAL, ""]]
    if row.country:
        tallies.append([Tally.Dimension.COUNTRY, row.country])
    if (key := city_key_of(row)) is not None:
        tallies.append([Tally.Dimension.CITY, key])
    tallies.append([Tally.Dimension.TYPE, row.action_type])
    if row.day:
        tallies.append([Tally.Dimension.DAY, row.day.isoformat()])
    tallies += [[Tally.Dimension.HASHTAG, name[:200]] for name in sorted(row.tags)]
    return tallies


def public_point(shown, latitude, longitude, country):
    """[latitude, longitude] that public pages show: the action's own point once its city
    is shown, else its country's centre; None without a country (not on the map)."""
    if shown and latitude is not None and longitude is not None:
        return [latitude, longitude]
    centre = countries.centre(country) if country else None
    return list(centre) if centre else None


def counted_for(campaign_id, tallies, point, shown):
    """What is recorded on a public action: what it counts in, so that it can be taken back."""
    return {
        "campaign": campaign_id,
        "tallies": tallies,
        "cells": geo.cells_of(*point) if point else [],
        "point": point,
        "shown": shown,
    }


def _moved(counted, point, shown):
    """`counted` with the public point moved (the tallies stay)."""
    return counted_for(counted["campaign"], counted["tallies"], point, shown)


# Changes of many counts at once


class Changes:
    """Deltas of tallies and map cells, and the actions' new public fields, each applied
    in one statement per CHUNK rows."""

    def __init__(self):
        self.tallies = Counter()
        self.cells = defaultdict(lambda: [0, 0.0, 0.0])
        # pk -> (counted, city_shown, public_latitude, public_longitude)
        self.rows = {}

    def count(self, counted, sign):
        campaign_id = counted["campaign"]
        for dimension, key in counted["tallies"]:
            self.tallies[(campaign_id, dimension, key)] += sign
        self.count_cells(counted, sign)

    def count_cells(self, counted, sign):
        if not counted.get("cells") or not counted.get("point"):
            return
        campaign_id = counted["campaign"]
        latitude, longitude = counted["point"]
        for zoom, x, y in counted["cells"]:
            delta = self.cells[(campaign_id, zoom, x, y)]
            delta[0] += sign
            delta[1] += sign * latitude
            delta[2] += sign * longitude

    def record(self, pk, counted):
        point = (counted or {}).get("point") or [None, None]
        self.rows[pk] = (counted, bool(counted and counted.get("shown")), *point)

    def apply_tallies(self):
        rows = [(*key, n) for key, n in sorted(self.tallies.items()) if n]
        upsert(Tally, ("campaign_id", "dimension", "key"), ("count",), rows)
        self.tallies.clear()

    def apply_cells(self):
        rows = [(*key, *delta) for key, delta in sorted(self.cells.items()) if any(delta)]
        upsert(
            MapCell,
            ("campaign_id", "zoom", "x", "y"),
            ("count", "latitude_sum", "longitude_sum"),
            rows,
        )
        self.cells.clear()

    def write_rows(self):
        write_rows([(pk, *values) for pk, values in sorted(self.rows.items())])
        self.rows.clear()


def _city_counts(keys):
    """{(campaign_id, key): count} of the CITY tallies `keys` (pairs of campaign and key)."""
    keys = sorted(keys)
    found = {}
    for chunk in chunks(keys, CHUNK // 4):
        rows = Tally.objects.filter(
            dimension=Tally.Dimension.CITY,
            campaign_id__in={c for c, _key in chunk},
            key__in={key for _c, key in chunk},
        ).values_list("campaign_id", "key", "count")
        found.update({(c, key): n for c, key, n in rows})
    return {key: found.get(key, 0) for key in keys}


def _cross(changes, deltas, counts, exclude):
    """Move the public points of the other actions of each city whose count just crossed K.

    `deltas` is {(campaign_id, city key): change of its CITY tally}, already applied,
    `counts` the tallies' counts now. A city that reached K shows its earlier actions
    at their own points; one that fell below K takes the rest back to the country's
    centre. Fewer than K rows per city.
    """
    k = min_city_count()
    reached, fell = [], []
    for key, delta in deltas.items():
        after = counts[key]
        before = after - delta
        if before < k <= after:
            reached.append(key)
        elif after < k <= before:
            fell.append(key)
    for keys, shown in ((reached, True), (fell, False)):
        for chunk in chunks(keys, CHUNK // 4):
            _move_city(changes, chunk, shown, exclude)


def _move_city(changes, keys, shown, exclude):
    place = Q()
    for campaign_id, key in keys:
        country, city = split_city_key(key)
        place |= Q(campaign_id=campaign_id, country=country, city=city)
    others = (
        Action.objects.public()
        .filter(place, city_shown=not shown)
        .exclude(counted={})
        .values_list("pk", "country", "latitude", "longitude", "counted")
    )
    for pk, country, latitude, longitude, counted in others:
        if pk in exclude:
            continue
        moved = _moved(counted, public_point(shown, latitude, longitude, country), shown)
        changes.count_cells(counted, -1)
        changes.count_cells(moved, +1)
        changes.record(pk, moved)


def _city_deltas(counteds, sign):
    deltas = Counter()
    for counted in counteds:
        for dimension, key in counted["tallies"]:
            if dimension == Tally.Dimension.CITY:
                deltas[(counted["campaign"], key)] += sign
    return deltas


# Publishing and unpublishing


def publish(action):
    """Count `action` (approved, in the caller's transaction) and remember what was counted.

    Sets the action's counted, city_shown and public point, saved already.
    """
    if action.counted:
        unpublish(action)
    changes = _publish_rows([_row(action)])
    _set(action, changes[action.pk])


def unpublish(action):
    """Take back what was counted for `action`, if anything."""
    if not action.counted:
        return
    _unpublish_rows([(action.pk, action.counted)])
    _set(action, ({}, False, None, None))


def recount(action):
    """After an edit of an approved action: count it again as it now is."""
    if action.status == Action.Status.APPROVED:
        publish(action)


def publish_many(pks):
    """publish() for many actions at once, in a few statements per thousand actions.

    The caller makes them approved, before or after the call, in the same transaction.
    Actions already counted are counted again.
    """
    pks = set(pks)
    unpublish_many(pks)
    if pks:
        _publish_rows(_rows(pks))


def unpublish_many(pks):
    """unpublish() for many actions at once (a takedown): whatever their status now."""
    rows = []
    for chunk in chunks(sorted(set(pks))):
        rows += Action.objects.filter(pk__in=chunk).exclude(counted={}).values_list("pk", "counted")
    _unpublish_rows(rows)


def _set(action, values):
    action.counted, action.city_shown, action.public_latitude, action.public_longitude = values


def _publish_rows(rows):
    """Count `rows` (not counted now); returns {pk: (counted, city_shown, lat, lon)}."""
    k = min_city_count()
    changes = Changes()
    tallies = {row.pk: tallies_of(row) for row in rows}
    for row in rows:
        changes.count({"campaign": row.campaign_id, "tallies": tallies[row.pk]}, +1)
    changes.apply_tallies()
    city_keys = {row.pk: city_key_of(row) for row in rows}
    deltas = Counter((row.campaign_id, key) for row in rows if (key := city_keys[row.pk]))
    counts = _city_counts(deltas)
    for row in rows:
        key = city_keys[row.pk]
        shown = key is not None and counts[(row.campaign_id, key)] >= k
        point = public_point(shown, row.latitude, row.longitude, row.country)
        counted = counted_for(row.campaign_id, tallies[row.pk], point, shown)
        changes.count_cells(counted, +1)
        changes.record(row.pk, counted)
    published = dict(changes.rows)
    _cross(changes, deltas, counts, exclude=published)
    changes.apply_cells()
    changes.write_rows()
    return published


def _unpublish_rows(rows):
    """Take back what was counted for `rows` of (pk, counted)."""
    if not rows:
        return
    changes = Changes()
    for pk, counted in rows:
        changes.count(counted, -1)
        changes.record(pk, {})
    changes.apply_tallies()
    # Written first, so that the crossing below finds only the city's other actions.
    changes.write_rows()
    deltas = _city_deltas([counted for _pk, counted in rows], -1)
    _cross(changes, deltas, _city_counts(deltas), exclude={pk for pk, _c in rows})
    changes.apply_cells()
    changes.write_rows()
