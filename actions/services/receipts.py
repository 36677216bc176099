"""What the participant does with the secret link of the thanks page: choose when the
action goes public, or withdraw it. The views find the action by its token's hash
(Action.objects.with_receipt)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from actions.models import Action, LocationPrecision
from actions.services import history, queue, reports
from actions.services.storage import consistent_files
from actions.services.visibility import (
    DECIDED_VISIBLE,
    DECISION_FIELDS,
    conceal,
    release,
    remove_photo,
    save,
)
from soliday.links import absolute

# While the participant may still choose when the action goes public.
DELAYABLE = {Action.Status.PENDING} | DECIDED_VISIBLE

# What a withdrawal erases at once: everything the participant wrote or that could
# point to them. The row keeps its campaign, type, status and dates until purge().
WITHDRAWN_BLANK = {
    "email": "",
    "display_name": "",
    "caption": "",
    "alt_text": "",
    "city": "",
    "country": "",
    "latitude": None,
    "longitude": None,
    "public_latitude": None,
    "public_longitude": None,
    "city_shown": False,
    "location_precision": LocationPrecision.NONE,
    "not_before": None,
    "receipt_hash": None,
    "rejection_reason": "",
    "featured": False,
    "takedown": None,
    "processing_error": "",
    "photo_width": None,
    "photo_height": None,
    "faces_detected": None,
}


def receipt_url(token):
    """The participant's secret link, absolute, in the active language.

    The token is in the query string, which the access log does not record.
    """
    return absolute(receipt_path(token))


def receipt_path(token):
    """The receipt page's path with `token` in its query string."""
    return f"{reverse('actions:receipt')}?{urlencode({'token': token})}"


def set_not_before(action, when):
    """Keep `action` off public pages until `when` (an aware datetime; None: no delay).

    A public action given a future time leaves every public page and count and waits
    as SCHEDULED; a scheduled one whose time is cleared or past is released at once.
    Pending and hidden actions keep the time for their approval or the lifting of
    the takedown. Returns False, changing nothing, once the action is rejected or
    withdrawn.
    """
    with consistent_files():
        locked = Action.objects.select_for_update().filter(pk=action.pk).first()
        if locked is None or locked.status not in DELAYABLE:
            return False
        locked.not_before = when
        locked.save(update_fields=["not_before"])
        later = when is not None and when > timezone.now()
        if locked.status == Action.Status.APPROVED and later:
            conceal(locked, Action.Status.SCHEDULED)
            queue.publish_due_on_commit(when)
            save(locked)
        elif locked.status == Action.Status.SCHEDULED:
            if later:
                queue.publish_due_on_commit(when)
            else:
                release(locked)
    action.not_before, action.status = locked.not_before, locked.status
    return True


def withdraw(action):
    """The participant takes their action back, at once and for good.

    It leaves every public page and count, its files are deleted on commit, its
    personal data and hashtags are erased now, its open reports are closed (what the
    reporters wrote and their contacts erased, as reports.close does), and the receipt
    stops opening it (the hash is cleared: the link gets the same 404 as an unknown
    one). purge() deletes the rest later. Returns False when it was already withdrawn.
    """
    with consistent_files():
        locked = Action.objects.select_for_update().filter(pk=action.pk).first()
        if locked is None or locked.status == Action.Status.WITHDRAWN:
            return False
        remove_photo(locked)  # first: public renditions are deleted, not moved back
        conceal(locked, Action.Status.WITHDRAWN)
        for name, value in WITHDRAWN_BLANK.items():
            setattr(locked, name, value)
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=sorted({*DECISION_FIELDS, *WITHDRAWN_BLANK, "withdrawn_at"}))
        locked.hashtags.clear()
        reports.close(locked, None, str(Action.Status.WITHDRAWN.label))
        # The admin's history names the action by its str(), which held the city.
        history.entries(locked.pk).update(object_repr=f"#{locked.pk}")
    action.status, action.receipt_hash = locked.status, None
    return True
