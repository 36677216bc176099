"""What Django's formats do not say in Belarusian and Russian, from CLDR (Babel): short
dates for charts ("4 жні", "4 авг."), and the place a time zone is named after
("Вільнюс" rather than "Europe/Vilnius")."""

from babel.core import Locale, UnknownLocaleError
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
