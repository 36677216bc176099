"""Fragments of pages (cards of actions and articles) rendered once for what they show.

A fragment's cache key is a digest of everything it shows, as the caller lists it,
with the language, the template's own source and the translations: when anything on
it changes it has a new key, so a fragment is never stale and nothing needs to
invalidate it. Pages render again whenever public content changes (every approval
moves the generation of soliday.publiccache); the cards on them mostly have not
changed. With the cache down, cards are rendered every time: slower, not broken.
"""

import functools
import hashlib
import logging
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

KEY_PREFIX = "fragment:"
# Fragments are immutable under their key: the timeout only frees the memory of those
# no page shows any more.
FRAGMENT_SECONDS = 24 * 3600


def render(template_name, entries):
    """[(shown, context)] → the template rendered with each context, as safe HTML.

    `shown`: everything the fragment shows that can change (columns, related names,
    URLs' parts), as values whose repr() is stable. One cache read for all, one write
    for those rendered.
    """
    entries = list(entries)
    if not entries:
        return []
    base = (_deploy_version(template_name), get_language())
    keys = [_key(base, shown) for shown, _context in entries]
    readable = True
    try:
        found = cache.get_many(keys)
    except Exception:  # the cache is down: the page is slower, not broken
        logger.warning("fragments: the cache could not be read", exc_info=True)
        found, readable = {}, False
    rendered = {}
    template = get_template(template_name)
    for key, (_shown, context) in zip(keys, entries, strict=True):
        if key not in found and key not in rendered:
            rendered[key] = template.render(context)
    if rendered and readable:
        try:
            cache.set_many(rendered, FRAGMENT_SECONDS)
        except Exception:
            logger.warning("fragments: the cache could not be written", exc_info=True)
    return [mark_safe(found[key] if key in found else rendered[key]) for key in keys]  # noqa: S308


def _key(base, shown):
    digest = hashlib.blake2b(repr((base, shown)).encode(), digest_size=16)
    return KEY_PREFIX + digest.hexdigest()


@functools.cache
def _deploy_version(template_name):
    """What a fragment shows besides its own data and that only a deploy changes: the
    template's source, the translations (ours compiled, the country and city names of
    pycountry and Babel), where media are and the time zone."""
    parts = [get_template(template_name).template.source, settings.MEDIA_URL, settings.TIME_ZONE]
    for folder in settings.LOCALE_PATHS:
        parts.extend(path.read_bytes() for path in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")))
    parts.extend(metadata.version(package) for package in ("Django", "pycountry", "babel"))
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()
