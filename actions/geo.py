"""The map's geometry: views (bounding boxes) and the grid that counts actions.

The grid is Web Mercator's: at zoom z the world is 2**z tiles across, each cut into
CELLS_PER_TILE**2 cells. `actions.stats` counts public actions in the cell of every
zoom up to MAX_CELL_ZOOM (MapCell), the map endpoint reads the cells in view, and
the GeoJSON API filters by the same bounding boxes. `parse_bbox()` is the one parser
of `minLon,minLat,maxLon,maxLat`: a view across the antimeridian is split in two,
and its messages are the visitor's language.
"""

import math
from dataclasses import dataclass

from django.db.models import F, Q, Value
from django.db.models.functions import Floor, Greatest, Least, Ln, Radians, Sin
from django.utils.translation import gettext as _

MAX_ZOOM = 20
# Zoom levels with pre-counted cells; closer in, the map endpoint reads actions directly.
MAX_CELL_ZOOM = 14
CELLS_PER_TILE = 4
# Web Mercator stops short of the poles.
MAX_LATITUDE = 85.05112878
# A view holds at most this many cells; a larger one (a huge screen, or a client asking
# for the whole world at zoom 14) is counted on a coarser grid, so the answer stays small.
# A 4K screen shows about 60 x 34 cells.
MAX_CELLS_IN_VIEW = 2500
# Leaflet reports longitudes beyond ±180 when the map is panned across the antimeridian.
MAX_ABS_LONGITUDE = 1080.0


# The grid


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


def cell_expressions(zoom):
    """cell() in SQL: the column and row of an action's public point at `zoom`."""
    size = grid_size(zoom)
    latitude = Greatest(Least(F("public_latitude"), Value(MAX_LATITUDE)), Value(-MAX_LATITUDE))
    sin = Sin(Radians(latitude))
    x = Floor((F("public_longitude") + Value(180.0)) / Value(360.0) * Value(float(size)))
    y = Floor(
        (Value(0.5) - Ln((Value(1.0) + sin) / (Value(1.0) - sin)) / Value(4 * math.pi))
        * Value(float(size))
    )

    def clamp(expression):
        return Least(Greatest(expression, Value(0.0)), Value(float(size - 1)))

    return clamp(x), clamp(y)


# Views


class BadRequest(ValueError):
    """A parameter that cannot be used; the message is public, in the visitor's language."""


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
    """The map's zoom, 0 to MAX_ZOOM."""
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


def _cell_lon(x, zoom):
    """Western edge of column x."""
    return x / grid_size(zoom) * 360.0 - 180.0


def _cell_lat(y, zoom):
    """Northern edge of row y."""
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / grid_size(zoom)))))


@dataclass(frozen=True)
class CellRange:
    zoom: int
    x_ranges: tuple  # ((x0, x1), ...), inclusive
    y0: int
    y1: int

    @classmethod
    def of(cls, bbox, zoom):
        y0 = cell(bbox.north, 0, zoom)[1]
        y1 = cell(bbox.south, 0, zoom)[1]
        xs = tuple((cell(0, w, zoom)[0], cell(0, e, zoom)[0]) for w, e in bbox.lon_ranges)
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
        size = grid_size(self.zoom)
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
