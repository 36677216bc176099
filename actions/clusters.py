"""The map's answers: clusters and points of public actions for a zoom and a view.

The browser never receives every point at low zoom. It asks
`actions:map-clusters` (actions.views.maps) for one zoom and bounding box and gets back at most a
few hundred clusters (count and centre) and single points, whatever the number
of actions:

- zoom <= geo.MAX_CELL_ZOOM with no filter or only a campaign: the
  pre-counted MapCell rows of that zoom inside the view, summed over campaigns
  (GROUP BY x, y). The cost depends on the view, not on the data.
- the same zooms with other filters (country, city, tag, type, year): one
  GROUP BY over the filtered approved actions inside the view, on the grid
  cell computed in SQL (see `_live_cells`).
- closer in than geo.MAX_CELL_ZOOM: the points inside the view, at most
  POINT_LIMIT of them.

Everything reads approved actions only: MapCell holds nothing else, and every
direct query starts from `actions.public`. Everything reads the public
point (`public_latitude/public_longitude`, kept by actions.stats), never the stored
one: an action whose city has fewer than K actions stands at its country's centre,
with no city named.
"""

from dataclasses import dataclass

from django.db.models import Count, Min, Q, Sum
from django.utils.translation import ngettext

from actions import geo, public
from actions.models import Action, MapCell, Tally
from soliday import countries as country_names

# Single points in one answer; beyond that, cells of one action stay clusters of 1.
POINT_LIMIT = 500
# Centre of a one-action cell versus the action's own position: the sums are kept by
# adding and subtracting floats, so they may differ in the last bits.
CENTRE_TOLERANCE = 1e-6


@dataclass
class Cell:
    x: int
    y: int
    count: int
    latitude_sum: float
    longitude_sum: float
    single_id: int | None = None  # known on the live path

    @property
    def lat(self):
        return self.latitude_sum / self.count

    @property
    def lon(self):
        return self.longitude_sum / self.count


def _precounted_cells(cells, filters):
    """MapCell rows in view, summed over campaigns unless one is chosen.

    One query on actions_mapcell_view_idx (zoom, x, y); grouping makes one row per cell.
    """
    rows = MapCell.objects.filter(cells.q())
    if filters.campaign is not None:
        rows = rows.filter(campaign=filters.campaign)
    rows = (
        rows.values("zoom", "x", "y")
        .annotate(n=Sum("count"), lat=Sum("latitude_sum"), lon=Sum("longitude_sum"))
        .filter(n__gt=0)  # a cell whose actions were all unpublished keeps a row at 0
        .order_by()
    )
    return [Cell(r["x"], r["y"], r["n"], r["lat"], r["lon"]) for r in rows]


def _live_cells(cells, filters):
    """Filtered approved actions in view, grouped by grid cell in SQL.

    In SQL rather than in Python: the database sends one row per cell (at most
    geo.MAX_CELLS_IN_VIEW), not one per action, so a world view of a country with
    100k actions still ships a few hundred rows. The rows are read through the
    filters' own indexes (country, campaign) and the bounding box; Min(id) names
    the action of a one-action cell, so single points cost one lookup by key.
    """
    x, y = geo.cell_expressions(cells.zoom)
    rows = (
        filters.apply(public.points())
        .filter(cells.bbox().q())
        .annotate(cx=x, cy=y)
        .values("cx", "cy")
        .annotate(
            n=Count("id"), lat=Sum("public_latitude"), lon=Sum("public_longitude"), first=Min("id")
        )
        .order_by()
    )
    result = []
    for r in rows:
        cx, cy = int(r["cx"]), int(r["cy"])
        if cells.contains(cx, cy):  # a point exactly on the box's far edge
            single = r["first"] if r["n"] == 1 else None
            result.append(Cell(cx, cy, r["n"], r["lat"], r["lon"], single))
    return result


def _points_for_cells(singles, cells, filters):
    """The actions of one-action cells, in one query.

    Live path: by primary key. Pre-counted path: each cell's centre is its only
    action's position, so a tiny box around each centre finds it; the grid cell is
    checked again in Python.
    """
    approved = public.points()
    if all(c.single_id is not None for c in singles):
        found = approved.filter(pk__in=[c.single_id for c in singles])
        by_cell = {(c.x, c.y): None for c in singles}
        for action in found:
            by_cell[geo.cell(action.public_latitude, action.public_longitude, cells.zoom)] = action
        return by_cell
    if filters.campaign is not None:
        approved = approved.filter(campaign=filters.campaign)
    near = Q()
    for c in singles:
        near |= Q(
            public_latitude__gte=c.lat - CENTRE_TOLERANCE,
            public_latitude__lte=c.lat + CENTRE_TOLERANCE,
            public_longitude__gte=c.lon - CENTRE_TOLERANCE,
            public_longitude__lte=c.lon + CENTRE_TOLERANCE,
        )
    wanted = {(c.x, c.y) for c in singles}
    by_cell, seen = {}, set()
    for action in approved.filter(near):
        key = geo.cell(action.public_latitude, action.public_longitude, cells.zoom)
        if key in wanted:
            # Two actions for one single cell means the cells are out of step: keep the cluster.
            by_cell[key] = None if key in seen else action
            seen.add(key)
    return by_cell


def cluster(cell):
    label = ngettext("%(count)d action", "%(count)d actions", cell.count) % {"count": cell.count}
    return {
        "count": cell.count,
        "lat": round(cell.lat, 5),
        "lon": round(cell.lon, 5),
        "label": label,  # for the marker's accessible name: plurals differ by language
    }


def clusters_for(zoom, bbox, filters):
    """The answer of the cluster endpoint, as a dict ready for JSON."""
    if zoom > geo.MAX_CELL_ZOOM:
        actions = list(
            filters.apply(public.points())
            .filter(bbox.q())
            .order_by("-published_at", "-id")[: POINT_LIMIT + 1]
        )
        return {
            "zoom": zoom,
            "clusters": [],
            "points": [public.map_point(a) for a in actions[:POINT_LIMIT]],
            "truncated": len(actions) > POINT_LIMIT,
        }

    cells = geo.cell_range(bbox, zoom)
    if filters.only_campaign:
        found = _precounted_cells(cells, filters)
    else:
        found = _live_cells(cells, filters)
    singles = [c for c in found if c.count == 1][:POINT_LIMIT]
    actions = _points_for_cells(singles, cells, filters) if singles else {}
    clusters, points = [], []
    for c in found:
        action = actions.get((c.x, c.y))
        if action is not None:
            points.append(public.map_point(action))
        else:
            clusters.append(cluster(c))
    return {"zoom": zoom, "clusters": clusters, "points": points, "truncated": False}


def country_counts(filters):
    """([{code, name, count}], total) of approved actions: the countries largest first, names
    in the current language, and the total, which counts actions with no place too.

    No filter or only a campaign: the pre-counted Tally rows (one query, a few hundred
    rows at most). Other filters: one GROUP BY country over the filtered actions.
    """
    if filters.only_campaign:
        rows = Tally.objects.filter(
            dimension__in=[Tally.Dimension.COUNTRY, Tally.Dimension.TOTAL], count__gt=0
        )
        if filters.campaign is not None:
            rows = rows.filter(campaign=filters.campaign)
        rows = rows.values_list("dimension", "key").annotate(n=Sum("count")).order_by()
        total = sum(n for dimension, _key, n in rows if dimension == Tally.Dimension.TOTAL)
        rows = [(key, n) for dimension, key, n in rows if dimension == Tally.Dimension.COUNTRY]
    else:
        rows = list(
            filters.apply(Action.objects.public())
            .values_list("country")
            .annotate(n=Count("id"))
            .order_by()
        )
        total = sum(n for _code, n in rows)
    result = [
        {"code": code, "name": country_names.name(code), "count": n} for code, n in rows if code
    ]
    result.sort(key=lambda row: (-row["count"], row["name"]))
    return result, total
