"""Campaign results kept up to date as actions become public or stop being public.

`publish(action)` counts an approved action in its campaign's tallies (total,
country, city, type, day, hashtags) and in the map cells of every zoom, and
records on the action what it counted. `unpublish(action)` takes back exactly
that, whatever was edited meanwhile. `publish_many(pks)` and
`unpublish_many(pks)` do the same for thousands of actions at once (a takedown
and its lifting) in a few statements. All run inside the caller's transaction,
so a count never disagrees with the rows. `rebuild()` recomputes everything
from the rows (`manage.py rebuild_stats`).

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

import json
import math
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from actions.models import Action, LocationPrecision, MapCell, TaggedAction, Tally
from soliday import countries

# Zoom levels with pre-counted cells; closer in, the map endpoint reads actions directly.
MAX_CELL_ZOOM = 14
CELLS_PER_TILE = 4
# Web Mercator stops short of the poles.
MAX_LATITUDE = 85.05112878

CITY_SEPARATOR = "\t"
# Precisions that keep no city: such an action is never counted in a city.
WITHOUT_CITY = (LocationPrecision.COUNTRY, LocationPrecision.NONE)
# Rows per statement when reading or writing many actions, tallies or cells.
CHUNK = 2000


def min_city_count():
    """K: the approved actions a city needs in a campaign before public pages name it."""
    return max(1, settings.ACTIONS_MIN_CITY_COUNT)


def city_key(country, city):
    return f"{country}{CITY_SEPARATOR}{city}"


def split_city_key(key):
    country, _sep, city = key.partition(CITY_SEPARATOR)
    return country, city


def grid_size(zoom):
    """Cells across (and down) the world at `zoom`."""
    return 2**zoom * CELLS_PER_TILE


def cell(latitude, longitude, zoom):
    """The (x, y) of the grid cell holding a point at `zoom`."""
    return _cell(*_fractions(latitude, longitude), grid_size(zoom))


def cells_of(latitude, longitude):
    """[[zoom, x, y], ...] of the cells holding a point at every pre-counted zoom.

    cell() for each zoom, with the projection computed once: rebuild() makes 15 million.
    """
    x, y = _fractions(latitude, longitude)
    return [[zoom, *_cell(x, y, size)] for zoom, size in _GRID_SIZES]


_GRID_SIZES = tuple((zoom, grid_size(zoom)) for zoom in range(MAX_CELL_ZOOM + 1))


def _cell(x, y, size):
    return min(size - 1, max(0, int(x * size))), min(size - 1, max(0, int(y * size)))


def _fractions(latitude, longitude):
    """Where a point is in the Web Mercator square, from 0 to 1 across and down."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, latitude))
    sin = math.sin(math.radians(lat))
    return (longitude + 180.0) / 360.0, 0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)


# What an action counts as


@dataclass(slots=True)
class Row:
    """The columns of an action that its counts depend on."""

    pk: int
    campaign_id: int
    country: str
    city: str
    action_type: str
    day: object  # the date of submitted_at in the portal's time zone, or None
    latitude: float | None
    longitude: float | None
    location_precision: str
    tags: list


ROW_FIELDS = (
    "pk", "campaign_id", "country", "city", "action_type", "day",
    "latitude", "longitude", "location_precision",
)  # fmt: skip


def _row_values(queryset):
    """ROW_FIELDS of each action; the day is found by the database (as fast as reading it)."""
    return queryset.annotate(day=TruncDate("submitted_at")).values_list(*ROW_FIELDS)


def _row(action):
    day = timezone.localdate(action.submitted_at) if action.submitted_at else None
    values = [day if name == "day" else getattr(action, name) for name in ROW_FIELDS]
    return Row(*values, [tag.name for tag in action.hashtags.all()])


def _rows(pks):
    """The Rows of the actions `pks`, with their hashtags: two queries per CHUNK actions."""
    rows = []
    for chunk in _chunks(sorted(pks)):
        tags = _tags(chunk)
        found = _row_values(Action.objects.filter(pk__in=chunk).order_by("pk"))
        rows += [Row(*values, tags[values[0]]) for values in found]
    return rows


def _tags(pks):
    """{pk: [hashtag names]} of the actions `pks`, in one query."""
    tags = defaultdict(list)
    for pk, name in TaggedAction.objects.filter(content_object_id__in=pks).values_list(
        "content_object_id", "tag__name"
    ):
        tags[pk].append(name)
    return tags


def _city_key_of(row):
    """The CITY tally key of an action, or None when it has no city (or no country)."""
    city = (row.city or "").strip()
    if not city or not row.country or row.location_precision in WITHOUT_CITY:
        return None
    return city_key(row.country, city)[:200]


def _tallies(row):
    tallies = [[Tally.Dimension.TOTAL, ""]]
    if row.country:
        tallies.append([Tally.Dimension.COUNTRY, row.country])
    if (key := _city_key_of(row)) is not None:
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


def _counted(campaign_id, tallies, point, shown):
    """What is recorded on a public action: what it counts in, so that it can be taken back."""
    return {
        "campaign": campaign_id,
        "tallies": tallies,
        "cells": cells_of(*point) if point else [],
        "point": point,
        "shown": shown,
    }


def _moved(counted, point, shown):
    """`counted` with the public point moved (the tallies stay)."""
    return _counted(counted["campaign"], counted["tallies"], point, shown)


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
        _upsert(Tally, ("campaign_id", "dimension", "key"), ("count",), rows)
        self.tallies.clear()

    def apply_cells(self):
        rows = [(*key, *delta) for key, delta in sorted(self.cells.items()) if any(delta)]
        _upsert(
            MapCell,
            ("campaign_id", "zoom", "x", "y"),
            ("count", "latitude_sum", "longitude_sum"),
            rows,
        )
        self.cells.clear()

    def write_rows(self):
        _write_rows([(pk, *values) for pk, values in sorted(self.rows.items())])
        self.rows.clear()


# Fewer rows than this go in one plain statement; more go through COPY on PostgreSQL.
MANY_ROWS = 100


def _upsert(model, key_columns, sum_columns, rows):
    """Add each row's sums to the row with its key, or insert it.

    Rows come sorted by key, so concurrent transactions lock tally and cell rows in
    the same order. PostgreSQL and SQLite share the INSERT … ON CONFLICT syntax.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in (*key_columns, *sum_columns))
    conflict = (
        f"ON CONFLICT ({', '.join(quote(c) for c in key_columns)}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = {table}.{quote(c)} + EXCLUDED.{quote(c)}" for c in sum_columns)
    )
    if connection.vendor == "postgresql" and len(rows) > MANY_ROWS:
        with _temporary(model, (*key_columns, *sum_columns), rows) as (cursor, temporary):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temporary} "  # noqa: S608
                f"ORDER BY {', '.join(quote(c) for c in key_columns)} {conflict}"
            )
        return
    placeholder = "(" + ", ".join(["%s"] * (len(key_columns) + len(sum_columns))) + ")"
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, CHUNK // 4):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (only placeholders)
                f"VALUES {', '.join([placeholder] * len(chunk))} {conflict}",
                [value for row in chunk for value in row],
            )


@contextmanager
def _temporary(model, columns, rows=()):
    """A temporary table with `columns` of `model`, filled with `rows` by COPY (PostgreSQL).

    Yields (cursor, table name); `rows` may be given later through _copy_into(). A
    statement with thousands of parameters costs more to parse than to run: COPY
    sends them as data.
    """
    quote = connection.ops.quote_name
    name = quote(f"stats_{model._meta.model_name}")
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        # Left over when an error in Python ended the last use in this transaction.
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {name} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {names} FROM {quote(model._meta.db_table)} WITH NO DATA"
        )
        _copy_into(cursor, name, columns, rows)
        yield cursor, name
        cursor.execute(f"DROP TABLE {name}")


def _copy_into(cursor, name, columns, rows):
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with cursor.cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


ROW_COLUMNS = ("id", "counted", "city_shown", "public_latitude", "public_longitude")


def _write_rows(rows):
    """Store (pk, counted, city_shown, public_latitude, public_longitude) of each action."""
    if not rows:
        return
    if len(rows) == 1:
        pk, counted, shown, latitude, longitude = rows[0]
        Action.objects.filter(pk=pk).update(
            counted=counted,
            city_shown=shown,
            public_latitude=latitude,
            public_longitude=longitude,
        )
    elif connection.vendor == "postgresql" and len(rows) > MANY_ROWS:
        with _bulk_writer() as write:
            write(rows)
    else:
        fields = ROW_COLUMNS[1:]
        actions = [Action(pk=pk, **dict(zip(fields, values, strict=True))) for pk, *values in rows]
        Action.objects.bulk_update(actions, fields, batch_size=CHUNK // 4)


@contextmanager
def _bulk_writer():
    """A function that stores rows of _write_rows() for many actions, as fast as it can.

    PostgreSQL: COPY into a temporary table as often as called, then one UPDATE joined
    to it at the end. Elsewhere, _write_rows() itself.
    """
    if connection.vendor != "postgresql":
        yield _write_rows
        return
    with _temporary(Action, ROW_COLUMNS) as (cursor, temporary):

        def write(rows):
            _copy_into(
                cursor,
                temporary,
                ROW_COLUMNS,
                ((pk, json.dumps(counted), *values) for pk, counted, *values in rows),
            )

        yield write
        table = connection.ops.quote_name(Action._meta.db_table)
        cursor.execute(
            f"UPDATE {table} AS a SET counted = v.counted, city_shown = v.city_shown, "  # noqa: S608
            "public_latitude = v.public_latitude, public_longitude = v.public_longitude "
            f"FROM {temporary} AS v WHERE a.id = v.id AND ("
            # A row already right is not written again: a second rebuild writes nothing.
            "a.counted IS DISTINCT FROM v.counted OR a.city_shown IS DISTINCT FROM v.city_shown "
            "OR a.public_latitude IS DISTINCT FROM v.public_latitude "
            "OR a.public_longitude IS DISTINCT FROM v.public_longitude)"
        )


def _city_counts(keys):
    """{(campaign_id, key): count} of the CITY tallies `keys` (pairs of campaign and key)."""
    keys = sorted(keys)
    found = {}
    for chunk in _chunks(keys, CHUNK // 4):
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
        for chunk in _chunks(keys, CHUNK // 4):
            _move_city(changes, chunk, shown, exclude)


def _move_city(changes, keys, shown, exclude):
    place = Q()
    for campaign_id, key in keys:
        country, city = split_city_key(key)
        place |= Q(campaign_id=campaign_id, country=country, city=city)
    others = (
        Action.objects.approved()
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
    for chunk in _chunks(sorted(set(pks))):
        rows += Action.objects.filter(pk__in=chunk).exclude(counted={}).values_list("pk", "counted")
    _unpublish_rows(rows)


def _set(action, values):
    action.counted, action.city_shown, action.public_latitude, action.public_longitude = values


def _publish_rows(rows):
    """Count `rows` (not counted now); returns {pk: (counted, city_shown, lat, lon)}."""
    k = min_city_count()
    changes = Changes()
    tallies = {row.pk: _tallies(row) for row in rows}
    for row in rows:
        changes.count({"campaign": row.campaign_id, "tallies": tallies[row.pk]}, +1)
    changes.apply_tallies()
    city_keys = {row.pk: _city_key_of(row) for row in rows}
    deltas = Counter((row.campaign_id, key) for row in rows if (key := city_keys[row.pk]))
    counts = _city_counts(deltas)
    for row in rows:
        key = city_keys[row.pk]
        shown = key is not None and counts[(row.campaign_id, key)] >= k
        point = public_point(shown, row.latitude, row.longitude, row.country)
        counted = _counted(row.campaign_id, tallies[row.pk], point, shown)
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


def _chunks(items, size=CHUNK):
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


# Counting everything again


def rebuild():
    """Recount every campaign from the rows; returns the number of approved actions counted.

    Reads the approved actions once in batches and writes the tallies and cells in
    bulk, so it takes minutes, not hours, at a million actions. The cities' counts
    come first (one GROUP BY), so each action knows at once whether its city is shown.
    """
    k = min_city_count()
    changes = Changes()  # only its tallies and cells: the rows go through _bulk_writer()
    count = 0
    with transaction.atomic():
        Tally.objects.all().delete()
        MapCell.objects.all().delete()
        Action.objects.exclude(status=Action.Status.APPROVED).exclude(
            counted={}, city_shown=False, public_latitude=None, public_longitude=None
        ).update(counted={}, city_shown=False, public_latitude=None, public_longitude=None)
        approved = Action.objects.approved()
        cities = Counter()
        # A few thousand groups at most: one per campaign, city and precision.
        groups = approved.values_list("campaign_id", "country", "city", "location_precision")
        for campaign_id, country, city, precision, n in groups.annotate(n=Count("id")).order_by():
            row = Row(0, campaign_id, country, city, "", None, None, None, precision, [])
            if (key := _city_key_of(row)) is not None:
                cities[(campaign_id, key)] += n
        with _bulk_writer() as write:
            batch = []
            rows = _row_values(approved.order_by("pk"))
            for values in rows.iterator(chunk_size=CHUNK):
                batch.append(values)
                if len(batch) == CHUNK:
                    write(_rebuild_batch(batch, cities, k, changes))
                    count += len(batch)
                    batch = []
            write(_rebuild_batch(batch, cities, k, changes))
            count += len(batch)
        _insert(
            Tally,
            ("campaign_id", "dimension", "key", "count"),
            ((*key, n) for key, n in changes.tallies.items()),
        )
        _insert(
            MapCell,
            ("campaign_id", "zoom", "x", "y", "count", "latitude_sum", "longitude_sum"),
            ((*key, *sums) for key, sums in changes.cells.items()),
        )
    return count


def _rebuild_batch(batch, cities, k, changes):
    """Count a batch of approved actions in `changes`; returns the rows to write (see
    _write_rows)."""
    if not batch:
        return []
    tags = _tags([values[0] for values in batch])
    written = []
    for values in batch:
        row = Row(*values, tags[values[0]])
        key = _city_key_of(row)
        shown = key is not None and cities[(row.campaign_id, key)] >= k
        point = public_point(shown, row.latitude, row.longitude, row.country)
        counted = _counted(row.campaign_id, _tallies(row), point, shown)
        changes.count(counted, +1)
        written.append((row.pk, counted, shown, *(point or (None, None))))
    return written


def _insert(model, columns, rows):
    """Insert many new rows: COPY on PostgreSQL, bulk_create() elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=CHUNK
        )
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
