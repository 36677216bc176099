"""Keyset (cursor) pagination of approved actions, newest first by (published_at, id).

A page is found by where it starts, not by its number: `?after=<cursor>` gives the
actions older than the cursor's action, `?before=<cursor>` the newer ones. The
database walks the `actions_approved_pub_idx` index from that point, so the
10,000th page costs what the first does: no COUNT(*), no OFFSET.

The cursor is an opaque token that names an approved action (its id in base 36).
Its publication time is looked up again on the server (one query by primary key)
instead of being written into the link, so that a link never tells when an action
was approved to the second. A malformed cursor, or one whose action is no longer
public, gives the first page.
"""

import re
from dataclasses import dataclass

from django.db.models import Q

from actions.models import Action

PAGE_SIZE = 24
_CURSOR = re.compile(r"[0-9a-z]{1,13}")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def encode_cursor(pk):
    pk = int(pk)
    text = ""
    while True:
        pk, digit = divmod(pk, 36)
        text = _DIGITS[digit] + text
        if not pk:
            return text


def decode_cursor(text):
    """The action id in a cursor, or None when it is not one."""
    if not text or not _CURSOR.fullmatch(text):
        return None
    pk = int(text, 36)
    return pk if 0 < pk < 2**63 else None


@dataclass
class Page:
    items: list
    # Cursors of the neighbouring pages; None when there is none.
    older: str | None
    newer: str | None

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def newer_than(published_at, pk):
    """Actions after (published_at, pk) in publication order. The first condition bounds
    the index scan; the second breaks ties."""
    return Q(published_at__gte=published_at) & (Q(published_at__gt=published_at) | Q(pk__gt=pk))


def older_than(published_at, pk):
    """Actions before (published_at, pk) in publication order."""
    return Q(published_at__lte=published_at) & (Q(published_at__lt=published_at) | Q(pk__lt=pk))


def anchor(token):
    """(published_at, id) of the approved action a cursor names, or None. One query."""
    pk = decode_cursor(token)
    if pk is None:
        return None
    return (
        Action.objects.approved()
        .filter(pk=pk, published_at__isnull=False)
        .values_list("published_at", "pk")
        .first()
    )


def paginate(queryset, *, after=None, before=None, size=None):
    """One page of `queryset` (approved actions, filtered, unordered).

    Queries: one for the cursor's action when a cursor is given, one for the page
    (size + 1 rows: the extra row tells whether there is a further page), plus
    whatever the queryset prefetches.
    """
    size = size or PAGE_SIZE
    queryset = queryset.filter(published_at__isnull=False)
    point = anchor(after) if after else None
    if point is None and before:
        point = anchor(before)
        if point is not None:
            rows = list(
                queryset.filter(newer_than(*point)).order_by("published_at", "pk")[: size + 1]
            )
            more = len(rows) > size
            items = rows[:size][::-1]
            return Page(
                items=items,
                older=encode_cursor(items[-1].pk) if items else None,
                newer=encode_cursor(items[0].pk) if more else None,
            )
    if point is not None:
        queryset = queryset.filter(older_than(*point))
    rows = list(queryset.order_by("-published_at", "-pk")[: size + 1])
    items = rows[:size]
    return Page(
        items=items,
        older=encode_cursor(items[-1].pk) if len(rows) > size else None,
        # After a cursor there are newer actions: at least the cursor's own.
        newer=(encode_cursor(items[0].pk) if items else after) if point is not None else None,
    )


# A page may say how many items there are up to this many, "more than" beyond.
COUNT_CAP = 1000


def bounded_count(queryset, cap=COUNT_CAP):
    """How many rows `queryset` has, counting at most cap + 1 of them (COUNT over a LIMIT
    subquery): as cheap at a million rows as at a thousand. A result over `cap` means
    "more than cap"."""
    return queryset.order_by()[: cap + 1].count()
