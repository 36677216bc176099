"""How much of a place the portal keeps: never more than the participant chose.

The participant picks a `LocationPrecision`; `coarsen()` turns what they told us
(a city, a country, maybe a point from the map or the photo) into the `Place`
that may be stored. Everything that stores a place goes through it
(`services.submit_action`, the admin when a moderator corrects a place), so the
database never holds a finer place than the choice allows; public pages may show
less still (`actions.stats`: the K threshold), never more.

- exact: the point, rounded to 5 decimals (about 1 m); city and country.
- km: the centre of the grid cell (about 1.1 × 1.1 km) the point falls in, so
  every point in a cell is stored as the same value; city and country.
- city: the gazetteer's centre of the city, or no point for a place it does not
  know; the participant's own point is discarded. City and country.
- country: the country alone; no point, no city.
- none: nothing at all.

Without a point, exact and km fall back to the city's centre, like city: the
point stored is then coarser than allowed, never finer.
"""

import math
from dataclasses import dataclass

from actions import gazetteer
from actions.models import LocationPrecision

# Precisions that keep a point of the participant's own (from the map or the photo).
WITH_POINT = frozenset({LocationPrecision.EXACT, LocationPrecision.KM})
# Precisions that keep the city / the country.
WITH_CITY = frozenset({*WITH_POINT, LocationPrecision.CITY})
WITH_COUNTRY = frozenset({*WITH_CITY, LocationPrecision.COUNTRY})

EXACT_DECIMALS = 5
# The km grid: bands of 1/100 degree of latitude (1.11 km); each band is cut into
# as many cells as fit with a width of at least 1.11 km at the band's middle.
CELLS_PER_DEGREE = 100


@dataclass(frozen=True, slots=True)
class Place:
    """What may be stored of where an action happened."""

    city: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None

    @property
    def has_point(self):
        return self.latitude is not None


def coarsen(precision, *, latitude=None, longitude=None, city="", country=""):
    """The Place to store for `precision`: at most that precision, whatever else is given.

    `latitude`/`longitude` are read only for exact and km (both or neither, within
    the globe: anything else is a ValueError, as is an unknown precision).
    """
    precision = LocationPrecision(precision)
    city = (city or "") if precision in WITH_CITY else ""
    country = (country or "") if precision in WITH_COUNTRY else ""
    if precision not in WITH_CITY:
        return Place(city=city, country=country)
    point = _point(latitude, longitude) if precision in WITH_POINT else None
    if point is None:
        centre = gazetteer.find(city, country)
        if centre is None:
            return Place(city=city, country=country)
        point = (centre.latitude, centre.longitude)
    if precision == LocationPrecision.KM:
        point = km_cell_centre(*point)
    latitude, longitude = (round(value, EXACT_DECIMALS) for value in point)
    return Place(city=city, country=country, latitude=latitude, longitude=longitude)


def _point(latitude, longitude):
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        raise ValueError("A point needs both a latitude and a longitude.")
    latitude, longitude = float(latitude), float(longitude)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"({latitude}, {longitude}) is not a point on the globe.")
    return latitude, longitude


def km_cell_centre(latitude, longitude):
    """The centre of the ~1 km cell that holds the point (latitude, longitude)."""
    last_band = 90 * CELLS_PER_DEGREE - 1
    # round() first: 0.29 * 100 is 28.999999999999996, which is still band 29.
    band = min(math.floor(round(latitude * CELLS_PER_DEGREE, 6)), last_band)
    middle = (band + 0.5) / CELLS_PER_DEGREE
    # Cells are narrower in degrees of longitude towards the poles, the same in km.
    cells = max(1, math.floor(360 * math.cos(math.radians(middle)) * CELLS_PER_DEGREE))
    width = 360 / cells
    column = min(math.floor(round((longitude + 180) / width, 6)), cells - 1)
    return middle, -180 + (column + 0.5) * width
