"""The actions admin as a moderator uses it: an action's change page, its form as the
browser sends it back, approving there, and the messages the admin shows."""

from django.urls import reverse

from actions.models import ChecklistItem

EVERY_TICK = list(ChecklistItem.values)


def change_url(action):
    return reverse("admin:actions_action_change", args=[action.pk])


def change_form_data(action, **changes):
    """The change form as it comes back from the browser, with the action's values."""
    data = {
        "campaign": action.campaign_id,
        "action_type": action.action_type,
        "city": action.city,
        "country": action.country,
        "latitude": "" if action.latitude is None else action.latitude,
        "longitude": "" if action.longitude is None else action.longitude,
        "hashtags": ", ".join(t.name for t in action.hashtags.all()),
        "caption": action.caption,
        "alt_text": action.alt_text,
        "display_name": action.display_name,
        "_status_seen": action.status,
    }
    data.update(changes)
    return data


def approve_on_page(client, action, **changes):
    """What a moderator does for a photo: its page, the checklist ticked, "Save and approve"."""
    data = change_form_data(action, checklist=EVERY_TICK, _approve="1", **changes)
    return client.post(change_url(action), data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]
