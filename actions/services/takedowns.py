"""Emergency takedowns: hide every public action matching a campaign, a country, a city
or a hashtag at once (a city became dangerous), and bring them back later.

Three ways in, one behaviour: the Takedown admin, the actions list's
`emergency_takedown`, and `manage.py takedown`.
"""

import logging
from dataclasses import dataclass

from django.contrib.admin.models import ADDITION
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from actions import hashtags, stats
from actions.models import Action, Campaign, TaggedAction, Takedown
from actions.services import history, queue
from actions.services.storage import (
    STORAGE_ERRORS,
    consistent_files,
    move_renditions,
    private_storage,
)
from actions.services.visibility import lock_campaigns, release
from soliday import publiccache

logger = logging.getLogger(__name__)

# Rows written per statement when thousands of actions are hidden.
TAKEDOWN_CHUNK = 500


class TakedownError(ValueError):
    """A takedown that cannot be made or lifted as asked; the message says why."""


def takedown_criteria(*, campaign=None, country="", city="", hashtag=""):
    """The criteria as a Takedown stores them and as actions store those values."""
    hashtag = hashtags.normalise(hashtag)
    return {
        "campaign": campaign,
        "country": (country or "").strip().upper(),
        "city": " ".join((city or "").split()),
        "hashtag": hashtag,
    }


def matching_actions(*, campaign=None, country="", city="", hashtag=""):
    """Actions of any status that a takedown with these criteria matches: every criterion
    given must match, as in TakedownQuerySet.matching()."""
    queryset = Action.objects.all()
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    if country:
        queryset = queryset.filter(country=country)
    if city:
        queryset = queryset.filter(city__iexact=city)
    if hashtag:
        tagged = TaggedAction.objects.filter(tag__name=hashtag).values("content_object_id")
        queryset = queryset.filter(pk__in=tagged)
    return queryset


def take_down(*, campaign=None, country="", city="", hashtag="", reason, user):
    """Hide at once every approved (or scheduled) action matching the criteria.

    One transaction flips them to HIDDEN, takes them out of the counts and records
    the Takedown (who, when, why, how many); once committed, no public page, feed,
    count or cached answer shows them. While the takedown is active, release()
    holds back matching actions approved or due later. Raises TakedownError without
    a criterion or a reason. `user` may be None (the command run without --user).
    """
    criteria = takedown_criteria(campaign=campaign, country=country, city=city, hashtag=hashtag)
    reason = (reason or "").strip()
    if not any(criteria.values()):
        raise TakedownError(
            gettext("Give at least one criterion: a campaign, a country, a city or a hashtag.")
        )
    if not reason:
        raise TakedownError(gettext("Give the reason for the takedown."))
    with transaction.atomic():
        # The campaigns' row locks, also taken by release(): an action approved at this
        # moment is either flipped below or held back by this takedown.
        campaigns = Campaign.objects.all()
        if criteria["campaign"] is not None:
            campaigns = campaigns.filter(pk=criteria["campaign"].pk)
        lock_campaigns(campaigns)
        takedown = Takedown.objects.create(**criteria, reason=reason, created_by=user)
        matching = matching_actions(**criteria).order_by("pk")
        fields = ("pk", "renditions_public")
        rows = list(
            matching.filter(status=Action.Status.APPROVED).select_for_update().values_list(*fields)
        )
        # A scheduled action locked right now is being released (publish_due, the
        # participant's receipt): release() waits for the campaign lock, then sees
        # this takedown and holds it back itself. Skipping it avoids a deadlock.
        rows += (
            matching.filter(status=Action.Status.SCHEDULED)
            .select_for_update(skip_locked=True)
            .values_list(*fields)
        )
        pks = [pk for pk, _public in rows]
        for start in range(0, len(pks), TAKEDOWN_CHUNK):
            chunk = pks[start : start + TAKEDOWN_CHUNK]
            Action.objects.filter(pk__in=chunk).update(
                status=Action.Status.HIDDEN, takedown=takedown, published_at=None
            )
        stats.unpublish_many(pks)
        takedown.hidden_count = len(pks)
        takedown.save(update_fields=["hidden_count"])
        if user is not None:
            taken_down = gettext("Taken down: %(reason)s") % {"reason": reason}
            history.log(user, takedown, taken_down, ADDITION)
            history.log_many(
                user,
                pks,
                gettext("Taken down (%(takedown)s): %(reason)s")
                % {"takedown": takedown, "reason": reason},
            )
        # The database flip above hides the actions from every page; their files leave
        # public storage right after the commit, before the caller (the admin's request,
        # the command) returns, whether or not a worker runs: one action per transaction,
        # so thousands of copies do not hold the takedown's transaction open. The task
        # that moves them is queued before, in case this request dies on the way.
        public = [pk for pk, is_public in rows if is_public]
        hide_renditions_now(public)
        publiccache.bump_on_commit()
    return takedown


@dataclass
class Lifted:
    """What lifting a takedown did: the moderator's message and the command's line."""

    # The takedown was active until now (False: it had been lifted before).
    was_active: bool
    # Public again, or waiting for their "not before" time.
    released: int = 0
    # Still hidden: another active takedown matches them.
    elsewhere: int = 0
    # Still hidden under this takedown: a storage error; lifting again retries them.
    failed: int = 0


def lift_takedown(takedown, *, user, reason):
    """Lift `takedown` and release its hidden actions; returns what happened (Lifted).

    An action that another active takedown matches stays hidden under that one; the
    others become public again (or wait as SCHEDULED for their "not before" time),
    counted again exactly as before. Idempotent: lifting again releases only what a
    failure left behind. Raises TakedownError without a reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise TakedownError(gettext("Give the reason for lifting the takedown."))
    with transaction.atomic():
        locked = Takedown.objects.select_for_update().get(pk=takedown.pk)
        lifted = Lifted(was_active=locked.lifted_at is None)
        if lifted.was_active:
            locked.lifted_at = timezone.now()
            locked.lifted_by = user
            locked.lift_reason = reason
            locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
            history.log(user, locked, gettext("Lifted: %(reason)s") % {"reason": reason})
            publiccache.bump_on_commit()
    takedown.lifted_at, takedown.lifted_by, takedown.lift_reason = (
        locked.lifted_at,
        locked.lifted_by,
        locked.lift_reason,
    )
    hidden = Action.objects.filter(takedown=locked, status=Action.Status.HIDDEN)
    # One transaction each, like publish_due(): a storage error spoils only that one
    # action, which stays hidden under the lifted takedown until it is lifted again.
    for pk in hidden.order_by("pk").values_list("pk", flat=True):
        try:
            with consistent_files():
                action = hidden.select_for_update().filter(pk=pk).first()
                if action is None:
                    continue
                release(action)
                if action.status == Action.Status.HIDDEN:
                    lifted.elsewhere += 1
                else:
                    lifted.released += 1
                    history.log(
                        user,
                        action,
                        gettext("Takedown lifted (%(takedown)s): %(reason)s")
                        % {"takedown": locked, "reason": reason},
                    )
        except STORAGE_ERRORS:
            lifted.failed += 1
            logger.exception("Could not release action %s after lifting a takedown", pk)
    return lifted


def hide_renditions_now(action_ids):
    """Once the caller's transaction commits, queue the task that moves these hidden
    actions' renditions out of public storage, then move them now.

    The task is queued first: if this pass is cut short (a storage error, or the web
    worker killed at its timeout amid hundreds of copies to S3), the task still moves
    every file left. Both are idempotent: what one moved, the other skips.
    """
    if not action_ids:
        return
    queue.hide_renditions_on_commit(action_ids)
    transaction.on_commit(lambda: hide_renditions(action_ids))


def hide_renditions(action_ids):
    """Move the renditions of actions no longer public out of public storage.

    Called by take_down() once committed, and by the task that tries again what a
    storage error left. Idempotent: an action made public again
    meanwhile, or already moved, is left alone. Returns the ids moved.
    """
    moved = []
    for pk in action_ids:
        try:
            with consistent_files():
                action = (
                    Action.objects.select_for_update()
                    .filter(pk=pk, renditions_public=True)
                    .exclude(status=Action.Status.APPROVED)
                    .first()
                )
                if action is None:
                    continue
                move_renditions(action, default_storage, private_storage(), public=False)
                action.save(update_fields=["renditions", "renditions_public"])
                moved.append(pk)
        except STORAGE_ERRORS:
            logger.exception("Could not move the photo of hidden action %s to private storage", pk)
    return moved
