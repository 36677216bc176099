"""Fragments of pages (cards of actions and articles) rendered once for what they show.

A fragment's cache key is a digest of everything it shows, as the caller lists it,
with the language and the template's own source: when anything on it changes it has a
new key, so a fragment is never stale and nothing needs to invalidate it. Pages render
again whenever public content changes (every approval moves the generation of
soliday.publiccache); the cards on them mostly have not changed.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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
    base = (_template_version(template_name), get_language())
    keys = [_key(base, shown) for shown, _context in entries]
    found = cache.get_many(keys)
    rendered = {}
    template = get_template(template_name)
    for key, (_shown, context) in zip(keys, entries, strict=True):
        if key not in found and key not in rendered:
            rendered[key] = template.render(context)
    if rendered:
        cache.set_many(rendered, FRAGMENT_SECONDS)
    return [mark_safe(found[key] if key in found else rendered[key]) for key in keys]  # noqa: S308


def _key(base, shown):
    digest = hashlib.blake2b(repr((base, shown)).encode(), digest_size=16)
    return KEY_PREFIX + digest.hexdigest()


@functools.cache
def _template_version(template_name):
    """The template's source and what its URLs and dates depend on: a deploy that changes
    any of them gives every fragment a new key."""
    source = get_template(template_name).template.source
    return hashlib.blake2b(
        repr((source, settings.MEDIA_URL, settings.TIME_ZONE)).encode(), digest_size=8
    ).hexdigest()
