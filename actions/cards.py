"""Action cards (templates/includes/action_card.html), each rendered once for what it shows.

soliday.fragments keys a card by everything on it: the action's public columns, its
renditions, its hashtags, the `sizes` attribute (and the language and template). An
approval moves the public generation, so whole pages render again; their cards do not
(the 24 cards of a gallery page were two thirds of its time). The hashtags come from one
query of names and slugs for the whole list, which replaces the prefetch of Tag objects.
"""

from typing import NamedTuple

from actions.models import TaggedAction
from soliday import fragments

TEMPLATE = "includes/action_card.html"
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

    Queries: one for the hashtags of all of them; none from the cards.
    """
    actions = list(actions)
    if not actions:
        return []
    hashtags = _hashtags(actions)
    return fragments.render(
        TEMPLATE,
        (
            (
                (sizes, tuple(getattr(action, name) for name in SHOWN), hashtags[action.pk]),
                {"action": action, "hashtags": hashtags[action.pk], "sizes": sizes},
            )
            for action in actions
        ),
    )


def _hashtags(actions):
    """{action pk: [Hashtag]} in name order, from one query."""
    result = {action.pk: [] for action in actions}
    rows = (
        TaggedAction.objects.filter(content_object__in=list(result))
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name", "tag__slug")
    )
    for pk, name, slug in rows:
        result[pk].append(Hashtag(name, slug))
    return result
