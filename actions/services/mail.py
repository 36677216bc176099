"""Telling the participant: the decision and the receipt link, in their language.

Mail goes out once the decision is committed and never raises: a failure is logged
with the action's id only, never the address or the receipt token.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from actions.models import Action
from actions.services.receipts import receipt_url
from actions.services.visibility import DECIDED_VISIBLE
from soliday import localise
from soliday.links import absolute

logger = logging.getLogger(__name__)


def decision_on_commit(action):
    """Send the decision mail once committed, if the participant gave an email."""
    if action.email:
        transaction.on_commit(lambda: send_decision_mail(action))


def send_decision_mail(action):
    """Tell the participant the decision, in their language. Never raises."""
    # Approved, whether public now or held back (the participant's "not before"
    # time, or a takedown): the page's address is where it will be.
    approved = action.status in DECIDED_VISIBLE

    def context():
        return {
            "action": action,
            "campaign": action.campaign.name,
            "url": absolute(action.get_absolute_url()) if approved else "",
            "reason": rejection_text(action),
            "public": action.status == Action.Status.APPROVED,
            "scheduled": action.status == Action.Status.SCHEDULED,
            "time_zone": localise.time_zone_place(settings.TIME_ZONE),
        }

    return _mail(action, "approved" if approved else "rejected", context, "decision")


def rejection_text(action):
    """The canned reason in the participant's language, then the moderator's own words."""
    canned = action.canned_reason.text(action.language) if action.canned_reason_id else ""
    return "\n".join(part for part in (canned, action.rejection_reason) if part)


def receipt_on_commit(action):
    """Send the participant their receipt link, if they gave an email, once committed."""
    token = getattr(action, "receipt_token", "")
    if action.email and token:
        transaction.on_commit(lambda: send_receipt_mail(action, token))


def send_receipt_mail(action, token):
    """The secret link of the thanks page, by email, in the participant's language."""

    def context():
        return {"campaign": action.campaign.name, "url": receipt_url(token)}

    return _mail(action, "receipt", context, "receipt")


def _mail(action, template, context, kind):
    """Send emails/actions/<template> to the participant, with `context()` made in their
    language. Never raises: a failure is logged with the action's id and `kind` only."""
    try:
        with translation.override(action.language):
            values = context()
            subject = render_to_string(f"emails/actions/{template}_subject.txt", values)
            body = render_to_string(f"emails/actions/{template}.txt", values)
        send_mail(" ".join(subject.split()), body, None, [action.email])
    except Exception as exc:
        logger.warning(
            "Could not send the %s mail for action %s (%s)", kind, action.pk, type(exc).__name__
        )
        return False
    return True
