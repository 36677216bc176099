"""Writing many tallies, map cells and action rows at once, as fast as the database allows.

PostgreSQL gets COPY into temporary tables and one joined statement; SQLite (the
embedded default) plain multi-row statements. Everything runs inside the caller's
transaction.
"""

import json
from contextlib import contextmanager

from django.db import connection

from actions.models import Action

# Rows per statement when reading or writing many actions, tallies or cells.
CHUNK = 2000


def chunks(items, size=CHUNK):
    items = list(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


# Fewer rows than this go in one plain statement; more go through COPY on PostgreSQL.
MANY_ROWS = 100


def upsert(model, key_columns, sum_columns, rows):
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
        with temporary_table(model, (*key_columns, *sum_columns), rows) as (cursor, temporary):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {temporary} "  # noqa: S608
                f"ORDER BY {', '.join(quote(c) for c in key_columns)} {conflict}"
            )
        return
    placeholder = "(" + ", ".join(["%s"] * (len(key_columns) + len(sum_columns))) + ")"
    with connection.cursor() as cursor:
        for chunk in chunks(rows, CHUNK // 4):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608 (only placeholders)
                f"VALUES {', '.join([placeholder] * len(chunk))} {conflict}",
                [value for row in chunk for value in row],
            )


@contextmanager
def temporary_table(model, columns, rows=()):
    """A temporary table with `columns` of `model`, filled with `rows` by COPY (PostgreSQL).

    Yields (cursor, table name); `rows` may be given later through copy_into(). A
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
        copy_into(cursor, name, columns, rows)
        yield cursor, name
        cursor.execute(f"DROP TABLE {name}")


def copy_into(cursor, name, columns, rows):
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with cursor.cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


ROW_COLUMNS = ("id", "counted", "city_shown", "public_latitude", "public_longitude")


def write_rows(rows):
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
        with bulk_writer() as write:
            write(rows)
    else:
        fields = ROW_COLUMNS[1:]
        actions = [Action(pk=pk, **dict(zip(fields, values, strict=True))) for pk, *values in rows]
        Action.objects.bulk_update(actions, fields, batch_size=CHUNK // 4)


@contextmanager
def bulk_writer():
    """A function that stores rows of write_rows() for many actions, as fast as it can.

    PostgreSQL: COPY into a temporary table as often as called, then one UPDATE joined
    to it at the end. Elsewhere, write_rows() itself.
    """
    if connection.vendor != "postgresql":
        yield write_rows
        return
    with temporary_table(Action, ROW_COLUMNS) as (cursor, temporary):

        def write(rows):
            copy_into(
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


def insert(model, columns, rows):
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
