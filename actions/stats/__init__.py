"""Campaign results kept up to date as actions become public or stop being public.

`publish(action)` counts a public action in its campaign's tallies (total, country,
city, type, day, hashtags) and in the map cells of every zoom (`actions.geo`), and
records on the action what it counted. `unpublish(action)` takes back exactly that,
whatever was edited meanwhile. `publish_many(pks)` and `unpublish_many(pks)` do the
same for thousands of actions at once (a takedown and its lifting) in a few
statements. All run inside the caller's transaction, so a count never disagrees
with the rows. `rebuild()` recomputes everything from the rows
(`manage.py rebuild_stats`).

The K threshold lives here: a city is public only once it has K approved actions in
the campaign (`min_city_count()`); until then its actions keep `city_shown=False`
and their public point is their country's centre (see `counting`).

Modules: `counting` (what an action counts as, and the K crossing), `bulk` (the SQL
that writes many rows at once), `rebuild`.
"""

from actions.stats.counting import (
    city_key,
    min_city_count,
    public_point,
    publish,
    publish_many,
    recount,
    split_city_key,
    unpublish,
    unpublish_many,
)
from actions.stats.rebuild import rebuild

__all__ = [
    "city_key",
    "min_city_count",
    "public_point",
    "publish",
    "publish_many",
    "rebuild",
    "recount",
    "split_city_key",
    "unpublish",
    "unpublish_many",
]
