"""What Django's formats do not say in Belarusian and Russian, from CLDR (Babel): short
dates for charts ("4 жні", "4 авг."), the place a time zone is named after ("Вільнюс"
rather than "Europe/Vilnius"), and the names of the cities CLDR knows ("Варшава" for
Warsaw, in the official Belarusian orthography, as the portal's catalogue is written).
"""

import functools

from babel.core import Locale, UnknownLocaleError, get_global
from babel.dates import format_date, get_timezone_location
from django.utils import translation

# The portal's languages as CLDR locales: British English, as the site writes.
LOCALES = {"en": "en_GB", "be": "be", "ru": "ru"}


def _locale():
    language = translation.get_language() or "en"
    try:
        return Locale.parse(LOCALES.get(language, language))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_GB")


def short_date(day):
    """`day` as day and abbreviated month in the active language: "4 Aug", "4 жні"."""
    return format_date(day, "d MMM", locale=_locale())


def time_zone_place(name):
    """The city a time zone is named after, in the active language ("Вільнюс" for
    Europe/Vilnius); the identifier itself when CLDR does not know it."""
    try:
        return get_timezone_location(name, locale=_locale(), return_city=True)
    except (LookupError, ValueError):
        return name


@functools.cache
def _city_names(locale_name):
    """{(country, English name): name in `locale_name`} for the ~420 cities CLDR names
    time zones after (capitals and large cities), where the name differs."""
    locale = Locale.parse(locale_name)
    english = Locale.parse("en")
    names = {}
    for zone, country in get_global("zone_territories").items():
        local = locale.time_zones.get(zone, {}).get("city")
        if not local:
            continue
        # English CLDR names only cities whose name is not the zone's last part.
        name = english.time_zones.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1]
        name = name.replace("_", " ")
        if local != name:
            names[(country, name.casefold())] = local
    return names


def city_name(city, country):
    """`city` (as the gazetteer and participants write it, in Latin script) in the active
    language where CLDR knows it, else as it is."""
    if not city:
        return city
    language = translation.get_language() or "en"
    if language == "en":
        return city
    return _city_names(LOCALES.get(language, language)).get((country, city.casefold()), city)
