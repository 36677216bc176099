"""Filters for showing public actions in templates (includes/action_card.html, the action
page). Each asks `actions.public`, where the rules live."""

from django import template

from actions import cards, public
from soliday import countries
from soliday.templatetags.soliday import srcset

register = template.Library()


@register.simple_tag
def action_cards(actions, sizes=""):
    """The cards of `actions` as HTML, rendered once for what they show (actions.cards)."""
    return cards.render(actions, sizes)


@register.filter
def rendition(action, name):
    """The action's rendition called `name` ("thumb", "medium", "display", "share") while public,
    or None."""
    return public.rendition(action, name)


@register.filter
def photo_srcset(action, names="thumb,medium,display"):
    """`srcset` of the named renditions (same proportions; not "share", which is cropped)."""
    if not action.renditions_public:
        return ""
    wanted = names.split(",")
    return srcset(
        sorted((r for r in action.renditions if r["name"] in wanted), key=lambda r: r["width"])
    )


@register.filter
def country_name(code):
    """The country's name in the active language."""
    return countries.name(code)


@register.filter
def public_place(action):
    """The action's place as public pages may name it (see actions.public.place)."""
    return public.place(action)
