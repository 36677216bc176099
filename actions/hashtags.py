"""Hashtags as actions, campaigns and takedowns store them: one rule for every way in.

The submission form, the admin (actions, campaigns, its search), takedowns (admin and
`manage.py takedown`) and the public filters all go through `normalise()`, so that
"#4Августа", "４августа-" and " 4августа " are one hashtag, `4августа`, wherever it
was typed: a takedown by hashtag finds every action that carries it.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 50
# "#a #b", "a, b", "#a#b": what separates hashtags in what people type.
SEPARATORS = re.compile(r"[\s,;#]+")
# Letters and digits of any script, "_" and "-".
ALLOWED = re.compile(r"[\w-]+")


def normalise(text):
    """One hashtag as stored: compatibility characters folded (NFKC: full-width ＃４ is
    #4), without '#', spaces or '-' at its ends, lowercase. "" for nothing."""
    text = unicodedata.normalize("NFKC", text or "").strip().lstrip("#")
    return text.strip().strip("-").lower()


def parse(text):
    """The hashtags in what a person typed, normalised, each once, in their order."""
    return unique(SEPARATORS.split(unicodedata.normalize("NFKC", text or "")))


def unique(names):
    """`names` normalised, empty ones dropped, each once, in their order."""
    result = []
    for name in names:
        name = normalise(name)
        if name and name not in result:
            result.append(name)
    return result


def shorten(text, length=20):
    return text if len(text) <= length else f"{text[:length]}…"


def check(names):
    """Refuse a hashtag that is too long or holds other characters than letters,
    digits, _ and -: ValidationError naming the first one."""
    too_long = [name for name in names if len(name) > MAX_LENGTH]
    if too_long:
        raise ValidationError(
            _("A hashtag can be at most %(limit)d characters long: #%(tag)s is longer.")
            % {"limit": MAX_LENGTH, "tag": shorten(too_long[0])},
            code="too_long",
        )
    invalid = [name for name in names if not ALLOWED.fullmatch(name)]
    if invalid:
        raise ValidationError(
            _("Hashtags are made of letters, digits, _ and -: #%(tag)s is not.")
            % {"tag": shorten(invalid[0])},
            code="invalid",
        )
    return names
