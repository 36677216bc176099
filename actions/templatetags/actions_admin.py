"""Template tags for the admin: the moderation queue at a glance."""

from django import template

from actions.models import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_actions_count(context):
    """The number of actions waiting for a decision, or None for staff who cannot see them."""
    if not context["request"].user.has_perm("actions.view_action"):
        return None
    return Action.objects.pending().count()
