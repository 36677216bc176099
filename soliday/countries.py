"""ISO 3166 countries with names in the interface languages (from pycountry's catalogues)."""

import gettext
from functools import cache

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
