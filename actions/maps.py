"""The map of approved actions: the page, its partial, and the cluster endpoint.

The browser never receives every point at low zoom. It asks
`actions:map-clusters` for one zoom and bounding box and gets back at most a
few hundred clusters (count and centre) and single points, whatever the number
of actions:

- zoom <= stats.MAX_CELL_ZOOM with no filter or only a campaign: the
  pre-counted MapCell rows of that zoom inside the view, summed over campaigns
  (GROUP BY x, y). The cost depends on the view, not on the data.
- the same zooms with other filters (country, city, tag, type, year): one
  GROUP BY over the filtered approved actions inside the view, on the grid
  cell computed in SQL (see `_live_cells`).
- closer in than MAX_CELL_ZOOM: the points inside the view, at most
  POINT_LIMIT of them.

Everything reads approved actions only: MapCell holds nothing else, and every
direct query starts from `Action.objects.approved()`. Everything reads the public
point (`public_latitude/public_longitude`, kept by actions.stats), never the stored
one: an action whose city has fewer than K actions stands at its country's centre,
with no city named.
"""

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Count, F, Min, Q, Sum, Value
from django.db.models.functions import Floor, Greatest, Least, Ln, Radians, Sin
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from actions import stats
from actions.filters import ActionFilters
from actions.gallery import public_rendition
from actions.models import Action, MapCell, Tally
from soliday import countries as country_names
from soliday.publiccache import public_cache

MAX_ZOOM = 20
# A view holds at most this many cells; a larger one (a huge screen, or a client asking
# for the whole world at zoom 14) is counted on a coarser grid, so the answer stays small.
# A 4K screen shows about 60 x 34 cells.
MAX_CELLS_IN_VIEW = 2500
# Single points in one answer; beyond that, cells of one action stay clusters of 1.
POINT_LIMIT = 500
# Centre of a one-action cell versus the action's own position: the sums are kept by
# adding and subtracting floats, so they may differ in the last bits.
CENTRE_TOLERANCE = 1e-6
# Leaflet reports longitudes beyond ±180 when the map is panned across the antimeridian.
MAX_ABS_LONGITUDE = 1080.0


class BadRequest(ValueError):
    """A parameter of the cluster endpoint that cannot be used; the message is public."""


@dataclass(frozen=True)
class BBox:
    """A view: latitudes south..north, one or two longitude ranges within -180..180."""

    south: float
    north: float
    lon_ranges: tuple

    def q(self):
        """Actions whose public point is inside this box (a Q for Action querysets)."""
        lons = Q()
        for low, high in self.lon_ranges:
            lons |= Q(public_longitude__gte=low, public_longitude__lte=high)
        return Q(public_latitude__gte=self.south, public_latitude__lte=self.north) & lons


def parse_zoom(value):
    if value is None or value == "":
        raise BadRequest(_("The zoom parameter is required."))
    try:
        zoom = int(value)
    except ValueError:
        raise BadRequest(_("The zoom must be a whole number.")) from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise BadRequest(_("The zoom must be between 0 and %(max)d.") % {"max": MAX_ZOOM})
    return zoom


def parse_bbox(value):
    """`minLon,minLat,maxLon,maxLat` as Leaflet's getBounds().toBBoxString() gives it.

    A view across the antimeridian (170,-10,190,10 or wider than the world) is split
    into two longitude ranges or taken as the whole world.
    """
    if not value:
        raise BadRequest(_("The bbox parameter is required."))
    parts = value.split(",")
    if len(parts) != 4:
        raise BadRequest(_("The bbox must be four numbers: minLon,minLat,maxLon,maxLat."))
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise BadRequest(_("The bbox must be four numbers: minLon,minLat,maxLon,maxLat.")) from None
    if not all(math.isfinite(n) for n in (west, south, east, north)):
        raise BadRequest(_("The bbox must be four finite numbers."))
    if not (-90 <= south <= north <= 90):
        raise BadRequest(_("The bbox latitudes must be within -90..90, south first."))
    if west > east or max(abs(west), abs(east)) > MAX_ABS_LONGITUDE:
        raise BadRequest(_("The bbox longitudes must be in order, west first."))
    if east - west >= 360:
        return BBox(south, north, ((-180.0, 180.0),))
    shift = math.floor((west + 180) / 360) * 360
    west, east = west - shift, east - shift  # now -180 <= west < 180
    if east <= 180:
        return BBox(south, north, ((west, east),))
    return BBox(south, north, ((west, 180.0), (-180.0, east - 360)))


# The grid of actions.stats, in both directions.


def _cell_lon(x, zoom):
    """Western edge of column x."""
    return x / stats.grid_size(zoom) * 360.0 - 180.0


def _cell_lat(y, zoom):
    """Northern edge of row y."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / stats.grid_size(zoom)))))


@dataclass(frozen=True)
class CellRange:
    zoom: int
    x_ranges: tuple  # ((x0, x1), ...), inclusive
    y0: int
    y1: int

    @classmethod
    def of(cls, bbox, zoom):
        y0 = stats.cell(bbox.north, 0, zoom)[1]
        y1 = stats.cell(bbox.south, 0, zoom)[1]
        xs = tuple(
            (stats.cell(0, w, zoom)[0], stats.cell(0, e, zoom)[0]) for w, e in bbox.lon_ranges
        )
        return cls(zoom, xs, y0, y1)

    @property
    def size(self):
        return sum(x1 - x0 + 1 for x0, x1 in self.x_ranges) * (self.y1 - self.y0 + 1)

    def contains(self, x, y):
        return self.y0 <= y <= self.y1 and any(x0 <= x <= x1 for x0, x1 in self.x_ranges)

    def q(self):
        """MapCell rows in this range."""
        xs = Q()
        for x0, x1 in self.x_ranges:
            xs |= Q(x__gte=x0, x__lte=x1)
        return Q(zoom=self.zoom, y__gte=self.y0, y__lte=self.y1) & xs

    def bbox(self):
        """The box covered by whole cells: the live path counts the same cells as MapCell."""
        size = stats.grid_size(self.zoom)
        north = 90.0 if self.y0 == 0 else _cell_lat(self.y0, self.zoom)
        south = -90.0 if self.y1 == size - 1 else _cell_lat(self.y1 + 1, self.zoom)
        lons = tuple(
            (
                -180.0 if x0 == 0 else _cell_lon(x0, self.zoom),
                180.0 if x1 == size - 1 else _cell_lon(x1 + 1, self.zoom),
            )
            for x0, x1 in self.x_ranges
        )
        return BBox(south, north, lons)


def cell_range(bbox, zoom):
    """The cells in view at `zoom`, or at a coarser zoom when there would be too many."""
    cells = CellRange.of(bbox, zoom)
    while cells.size > MAX_CELLS_IN_VIEW and cells.zoom > 0:
        cells = CellRange.of(bbox, cells.zoom - 1)
    return cells


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


def _cell_expressions(zoom):
    """stats.cell() in SQL: the column and row of an action's public point at `zoom`."""
    size = stats.grid_size(zoom)
    latitude = Greatest(
        Least(F("public_latitude"), Value(stats.MAX_LATITUDE)), Value(-stats.MAX_LATITUDE)
    )
    sin = Sin(Radians(latitude))
    x = Floor((F("public_longitude") + Value(180.0)) / Value(360.0) * Value(float(size)))
    y = Floor(
        (Value(0.5) - Ln((Value(1.0) + sin) / (Value(1.0) - sin)) / Value(4 * math.pi))
        * Value(float(size))
    )

    def clamp(expression):
        return Least(Greatest(expression, Value(0.0)), Value(float(size - 1)))

    return clamp(x), clamp(y)


def _live_cells(cells, filters):
    """Filtered approved actions in view, grouped by grid cell in SQL.

    In SQL rather than in Python: the database sends one row per cell (at most
    MAX_CELLS_IN_VIEW), not one per action, so a world view of a country with
    100k actions still ships a few hundred rows. The rows are read through the
    filters' own indexes (country, campaign) and the bounding box; Min(id) names
    the action of a one-action cell, so single points cost one lookup by key.
    """
    x, y = _cell_expressions(cells.zoom)
    rows = (
        filters.apply(Action.objects.approved())
        .filter(cells.bbox().q(), public_latitude__isnull=False, public_longitude__isnull=False)
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


# The fields of an action that a visitor may see on the map; nothing else is read
# (not the stored point: only the public one).
POINT_FIELDS = (
    "id",
    "public_latitude",
    "public_longitude",
    "city",
    "city_shown",
    "country",
    "action_type",
    "alt_text",
    "renditions",
    "renditions_public",
)


def _points_for_cells(singles, cells, filters):
    """The actions of one-action cells, in one query.

    Live path: by primary key. Pre-counted path: each cell's centre is its only
    action's position, so a tiny box around each centre finds it; the grid cell is
    checked again in Python.
    """
    approved = Action.objects.approved().only(*POINT_FIELDS)
    if all(c.single_id is not None for c in singles):
        found = approved.filter(pk__in=[c.single_id for c in singles])
        by_cell = {(c.x, c.y): None for c in singles}
        for action in found:
            by_cell[stats.cell(action.public_latitude, action.public_longitude, cells.zoom)] = (
                action
            )
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
        key = stats.cell(action.public_latitude, action.public_longitude, cells.zoom)
        if key in wanted:
            # Two actions for one single cell means the cells are out of step: keep the cluster.
            by_cell[key] = None if key in seen else action
            seen.add(key)
    return by_cell


def point(action):
    """An action as the map shows it: public fields only, no time, no contact, no moderation.

    The city is null until it has K actions; the point is then the country's centre.
    """
    thumb = public_rendition(action, "thumb")
    return {
        "id": action.pk,
        "lat": round(action.public_latitude, 5),
        "lon": round(action.public_longitude, 5),
        "city": (action.city or None) if action.city_shown else None,
        "country": action.country,
        "country_name": country_names.name(action.country),
        "type": str(action.get_action_type_display()),
        "url": action.get_absolute_url(),
        "thumbnail": default_storage.url(thumb["path"]) if thumb else None,
        "thumbnail_width": thumb["width"] if thumb else None,
        "thumbnail_height": thumb["height"] if thumb else None,
        "alt": action.alt_text,
    }


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
    if zoom > stats.MAX_CELL_ZOOM:
        actions = list(
            filters.apply(Action.objects.approved())
            .filter(bbox.q(), public_latitude__isnull=False)
            .only(*POINT_FIELDS)
            .order_by("-published_at", "-id")[: POINT_LIMIT + 1]
        )
        return {
            "zoom": zoom,
            "clusters": [],
            "points": [point(a) for a in actions[:POINT_LIMIT]],
            "truncated": len(actions) > POINT_LIMIT,
        }

    cells = cell_range(bbox, zoom)
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
            points.append(point(action))
        else:
            clusters.append(cluster(c))
    return {"zoom": zoom, "clusters": clusters, "points": points, "truncated": False}


@require_safe
@public_cache
def clusters(request):
    """JSON: {zoom, clusters: [{count, lat, lon}], points: [{id, lat, lon, city, …}], truncated}.

    Parameters: zoom (0..20), bbox=minLon,minLat,maxLon,maxLat, and the gallery's filters.
    A bad or missing zoom or bbox is a 400 with {"error": …}.
    """
    try:
        zoom = parse_zoom(request.GET.get("zoom"))
        bbox = parse_bbox(request.GET.get("bbox"))
    except BadRequest as error:
        return JsonResponse({"error": str(error)}, status=400)
    filters = ActionFilters.from_query(request.GET)
    # Cache-Control comes from @public_cache: public, revalidated every time.
    return JsonResponse(clusters_for(zoom, bbox, filters))


# The page and the partial.


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
            filters.apply(Action.objects.approved())
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


def map_context(filters, *, countries=True):
    """The context of templates/includes/action_map.html for approved actions under `filters`.

    `countries=False` leaves out the list of countries (a page that shows its own).
    """
    query = filters.as_query()
    gallery = reverse("actions:gallery")
    context = {
        "id": hashlib.blake2s(query.encode(), digest_size=4).hexdigest(),
        "clusters_url": reverse("actions:map-clusters") + (f"?{query}" if query else ""),
        "gallery_url": gallery + (f"?{query}" if query else ""),
        "countries": None,
        "total": None,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    if countries:
        others = filters.as_query(without="country")
        by_country, total = country_counts(filters)
        for row in by_country:
            row["gallery_url"] = f"{gallery}?{urlencode({'country': row['code']})}" + (
                f"&{others}" if others else ""
            )
        context["countries"] = by_country
        context["total"] = total
    return context


@require_safe
def map_page(request):
    filters = ActionFilters.from_query(request.GET)
    return render(
        request,
        "actions/map.html",
        {"filters": filters, "action_map": map_context(filters), "section": "map"},
    )
