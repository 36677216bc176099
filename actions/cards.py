"""Action cards (templates/includes/action_card.html), each rendered once for what it shows.

A card's cache key is a digest of everything the card shows: the action's public
columns, its renditions, its hashtags, the language, the `sizes` attribute, the
template's own source and the media URL. A card can therefore never be stale: when
anything on it changes, it has a new key. An approval moves the public generation, so
whole pages (soliday.publiccache) are rendered again; their cards are not (the 24 cards
of a gallery page were two thirds of its time). The hashtags come from one query of
names and slugs for the whole list, which replaces the prefetch of Tag objects.
"""

import functools
import hashlib
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from actions.models import TaggedAction

TEMPLATE = "includes/action_card.html"
KEY_PREFIX = "card:"
# Cards are immutable under their key: the timeout only frees the memory of cards no
# page lists any more.
CARD_SECONDS = 24 * 3600
# The columns a card shows (actions.public loads them all).
SHOWN = (
    "pk",
    "alt_text",
    "city",
    "city_shown",
    "country",
    "action_type",
    "happened_on",
    "submitted_at",
    "renditions",
    "renditions_public",
)


class Hashtag(NamedTuple):
    name: str
    slug: str


def render(actions, sizes=""):
    """The cards of `actions` (public ones, e.g. from actions.public.cards()), as HTML.

    Queries: one for the hashtags of all of them; none from the cards. Cache: one read
    of every card, one write of those rendered.
    """
    actions = list(actions)
    if not actions:
        return []
    hashtags = _hashtags(actions)
    language = get_language()
    keys = [_key(action, hashtags[action.pk], language, sizes) for action in actions]
    found = cache.get_many(keys)
    rendered = {}
    template = get_template(TEMPLATE)
    for action, key in zip(actions, keys, strict=True):
        if key not in found:
            context = {"action": action, "hashtags": hashtags[action.pk], "sizes": sizes}
            rendered[key] = template.render(context)
    if rendered:
        cache.set_many(rendered, CARD_SECONDS)
    return [mark_safe(found.get(key) or rendered[key]) for key in keys]  # noqa: S308


def _hashtags(actions):
    """{action pk: [Hashtag]} in name order, from one query (or the prefetched tags)."""
    result = {action.pk: [] for action in actions}
    prefetched = [a for a in actions if "hashtags" in getattr(a, "_prefetched_objects_cache", {})]
    if len(prefetched) == len(actions):
        for action in actions:
            tags = sorted(action.hashtags.all(), key=lambda tag: tag.name)
            result[action.pk] = [Hashtag(tag.name, tag.slug) for tag in tags]
        return result
    rows = (
        TaggedAction.objects.filter(content_object__in=list(result))
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name", "tag__slug")
    )
    for pk, name, slug in rows:
        result[pk].append(Hashtag(name, slug))
    return result


def _key(action, hashtags, language, sizes):
    shown = tuple(getattr(action, name) for name in SHOWN)
    digest = hashlib.blake2b(
        repr((_template_version(), language, sizes, shown, hashtags)).encode(), digest_size=16
    )
    return KEY_PREFIX + digest.hexdigest()


@functools.cache
def _template_version():
    """The card template's source and what its URLs depend on: a deploy that changes
    either gives every card a new key."""
    source = get_template(TEMPLATE).template.source
    return hashlib.blake2b(
        repr((source, settings.MEDIA_URL, settings.TIME_ZONE)).encode(), digest_size=8
    ).hexdigest()
