"""Workflows with side effects for actions: submitting, processing photos, moderating.

Views, admin actions, the background task and management commands all call
these functions; nothing here depends on a request.

Where files live:
- `incoming/…` in private storage: the participant's upload, waiting for the task.
  Deleted as soon as the clean copy exists; its bytes are never kept.
- `actions/…` in private storage: the clean master (always private) and the
  renditions while the action is pending or rejected.
- `actions/…` in the default (public) storage: the renditions of an approved
  action, copied there under new random names on approval.
"""

import logging
import secrets
import unicodedata
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage, storages
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext
from PIL import Image

from actions import faces, location, photos, stats, uploads
from actions.models import (
    Action,
    Campaign,
    ChecklistItem,
    LocationPrecision,
    TaggedAction,
    Takedown,
    receipt_hash,
)
from soliday import files, images, publiccache

logger = logging.getLogger(__name__)

INCOMING = "incoming"
PREFIX = "actions"
# The task tries a photo this many times before it is marked as failed.
MAX_PROCESSING_ATTEMPTS = 4


def private_storage():
    return storages["private"]


@contextmanager
def consistent_files():
    """A transaction whose files go with it: written files are deleted if it fails.

    An enclosing `files.delete_files_on_error()` receives the files too, so that a
    rollback of the caller's transaction removes them as well.
    """
    with files.delete_files_on_error(), transaction.atomic():
        yield


# Submitting


def submit_action(
    *,
    campaign,
    action_type,
    city,
    country,
    latitude,
    longitude,
    hashtags,
    caption,
    alt_text,
    display_name,
    email,
    consent,
    upload,
    language,
    blur_faces=True,
    location_precision=LocationPrecision.CITY,
):
    """Store a participant's action, pending moderation, and queue its photo.

    `upload` has been validated by the form (or is None). What goes to private
    storage, under a random name until the task has made a clean copy, is a copy
    without metadata (uploads.without_metadata: no EXIF GPS). The place is kept
    only as precisely as `location_precision` allows (location.coarsen). Nothing
    about the request (address, user agent) is stored. A storage failure raises
    and leaves neither a row nor a file.

    The returned action carries `receipt_token`, the participant's secret link
    (only its hash is saved): give it to them once, never store or log it.
    """
    token = secrets.token_urlsafe(32)
    place = location.coarsen(
        location_precision, latitude=latitude, longitude=longitude, city=city, country=country
    )
    if upload is not None:
        upload = uploads.without_metadata(upload)
    with consistent_files():
        incoming = ""
        if upload is not None:
            storage = private_storage()
            incoming = storage.save(f"{INCOMING}/{uuid.uuid4().hex}.upload", upload)
            files.track(storage, incoming)
        action = Action.objects.create(
            campaign=campaign,
            action_type=action_type,
            location_precision=location_precision,
            city=place.city,
            country=place.country,
            latitude=place.latitude,
            longitude=place.longitude,
            caption=caption,
            alt_text=alt_text,
            display_name=display_name,
            email=email,
            consent=consent,
            language=language,
            status=Action.Status.PENDING,
            photo_status=Action.PhotoStatus.QUEUED if incoming else Action.PhotoStatus.NONE,
            upload=incoming,
            blur_faces=blur_faces,
            receipt_hash=receipt_hash(token),
        )
        if hashtags:
            action.hashtags.set(list(hashtags))
        if incoming:
            _enqueue_on_commit(action.pk)
    action.receipt_token = token
    return action


def _enqueue_on_commit(action_id):
    from actions.tasks import enqueue_processing

    # robust: a queue that is down must not fail the participant's request; the
    # action then shows as "waiting" in the admin and can be retried from there.
    transaction.on_commit(lambda: enqueue_processing(action_id), robust=True)


# Processing the photo (called by the background task)


def process_photo(action_id):
    """Make the clean master and renditions of a queued photo; True when done.

    Idempotent: an action that is not waiting (already processed, deleted) is
    left alone. Storage errors raise (the task retries); a file that is not a
    picture raises photos.UnreadablePhoto.
    """
    action = (
        Action.objects.filter(pk=action_id, photo_status=Action.PhotoStatus.QUEUED)
        .exclude(upload="")
        .only("pk", "upload", "blur_faces")
        .first()
    )
    if action is None:
        return False
    Action.objects.filter(pk=action.pk).update(processing_attempts=F("processing_attempts") + 1)
    storage = private_storage()
    with storage.open(action.upload, "rb") as fileobj:
        data = fileobj.read()
    # The slow part runs outside any transaction: no row is locked meanwhile.
    image = photos.decode(data, max_pixels=settings.ACTIONS_PHOTO_MAX_PIXELS)
    master = photos.clean(image)
    del data, image
    boxes, detected = [], None
    if action.blur_faces and faces.faces_available():
        boxes = faces.detect_faces(master)
        detected = bool(boxes)
    encoded = photos.render(master, boxes)
    del master

    with consistent_files():
        locked = Action.objects.select_for_update().filter(pk=action.pk).first()
        if (
            locked is None
            or locked.photo_status != Action.PhotoStatus.QUEUED
            or locked.upload != action.upload
        ):
            return False
        master, *renditions = encoded
        # The unblurred master is kept for the moderator only while the action is
        # pending (it may have been rejected while its photo waited).
        locked.photo = ""
        if locked.status == Action.Status.PENDING:
            locked.photo = images.save_bytes(storage, PREFIX, master.data, master.extension)
        locked.photo_width, locked.photo_height = master.width, master.height
        locked.face_boxes = [box.as_dict() for box in boxes]
        locked.faces_detected = detected
        locked.renditions = _save_renditions(storage, renditions)
        locked.renditions_public = False
        locked.photo_status = Action.PhotoStatus.READY
        locked.processing_error = ""
        locked.upload = ""
        locked.save(
            update_fields=[
                "photo",
                "photo_width",
                "photo_height",
                "face_boxes",
                "faces_detected",
                "renditions",
                "renditions_public",
                "photo_status",
                "processing_error",
                "upload",
            ]
        )
        # The participant's original bytes go as soon as the clean copy is committed.
        files.delete_on_commit(storage, [action.upload])
    return True


def face_boxes_editable(action):
    """Whether a moderator can change the blurred boxes: only while the unblurred master
    exists, that is while the action is pending with a processed photo."""
    return bool(
        action.pk
        and action.photo
        and action.status == Action.Status.PENDING
        and action.photo_status == Action.PhotoStatus.READY
        and not action.renditions_public
    )


def set_face_boxes(action, boxes):
    """Make the renditions again from the unblurred master with `boxes` blurred.

    `boxes` are faces.Box (or their dicts) in pixels of the master: the moderator's
    corrections to the detector. Returns False, changing nothing, when the master is
    gone (the action was decided) or changed meanwhile. The old renditions go on commit.
    """
    boxes = [box if isinstance(box, faces.Box) else faces.Box.from_dict(box) for box in boxes]
    if not face_boxes_editable(action):
        return False
    path = action.photo
    storage = private_storage()
    # The slow part runs outside any transaction, as in process_photo().
    with storage.open(path, "rb") as fileobj, Image.open(fileobj, formats=["JPEG"]) as image:
        master = image.convert("RGB")
    encoded = photos.render_renditions(master, boxes)
    del master

    with consistent_files():
        locked = Action.objects.select_for_update().filter(pk=action.pk).first()
        if locked is None or locked.photo != path or not face_boxes_editable(locked):
            return False
        old_paths = [r["path"] for r in locked.renditions]
        locked.renditions = _save_renditions(storage, encoded)
        locked.face_boxes = [box.as_dict() for box in boxes]
        locked.save(update_fields=["renditions", "face_boxes"])
        files.delete_on_commit(storage, old_paths)
    action.renditions, action.face_boxes = locked.renditions, locked.face_boxes
    return True


def _save_renditions(storage, encoded):
    return [
        {
            "name": item.name,
            "path": images.save_bytes(storage, PREFIX, item.data, item.extension),
            "width": item.width,
            "height": item.height,
        }
        for item in encoded
    ]


def record_processing_failure(action_id, error, *, final=False):
    """Note a failed attempt; after the last one (or a `final` error) the photo is FAILED.

    Returns the number of attempts so far, or None if the action no longer waits.
    """
    with transaction.atomic():
        action = Action.objects.select_for_update().filter(pk=action_id).first()
        if action is None or action.photo_status != Action.PhotoStatus.QUEUED:
            return None
        action.processing_error = str(error)[:1000]
        if final or action.processing_attempts >= MAX_PROCESSING_ATTEMPTS:
            action.photo_status = Action.PhotoStatus.FAILED
        action.save(update_fields=["processing_error", "photo_status"])
    logger.warning(
        "Photo of action %s: attempt %s failed: %s", action_id, action.processing_attempts, error
    )
    return action.processing_attempts


def retry_processing(actions):
    """Queue failed (or stuck) photos again with a fresh count of attempts."""
    pks = list(
        Action.objects.filter(
            pk__in=_pks(actions),
            photo_status__in=[Action.PhotoStatus.FAILED, Action.PhotoStatus.QUEUED],
        )
        .exclude(upload="")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        Action.objects.filter(pk__in=pks).update(
            photo_status=Action.PhotoStatus.QUEUED, processing_attempts=0, processing_error=""
        )
        for pk in pks:
            _enqueue_on_commit(pk)
    return pks


# Moderating


@dataclass
class Outcome:
    """What a moderation call did, for the moderator's message."""

    decided: list = field(default_factory=list)
    already_decided: list = field(default_factory=list)
    photo_not_ready: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def approve(actions, moderator, *, reconsider=False, checklist=()):
    """Approve pending actions: each is made public, or held (see release()).

    Only pending actions are decided (with `reconsider`, rejected ones too), each
    under a row lock, so two moderators approving at once record one decision.
    An action whose photo is not ready (waiting, failed or deleted) is refused.
    `checklist` is the moderator's ticks (ChecklistItem values), recorded with it.
    """
    allowed = {Action.Status.PENDING} | ({Action.Status.REJECTED} if reconsider else set())

    def decide(action, outcome):
        if action.photo_status in NOT_PUBLISHABLE:
            outcome.photo_not_ready.append(action)
            return False
        files.delete_on_commit(private_storage(), _forget_master(action))
        action.rejection_reason = ""
        action.checklist = list(checklist)
        _stamp(action, moderator)
        release(action)
        _log(moderator, action, gettext("Approved.") + _checklist_note(checklist, approving=True))
        return True

    return _decide(actions, allowed, decide, failure="Could not publish the photo of action %s")


def reject(actions, moderator, reason, *, reconsider=False, checklist=()):
    """Reject pending actions: nothing of theirs stays public, and the photo is deleted.

    With `reconsider`, approved (or scheduled, or hidden) actions are rejected too.
    Safe under concurrency like approve().
    """
    allowed = {Action.Status.PENDING} | (DECIDED_VISIBLE if reconsider else set())

    def decide(action, outcome):
        remove_photo(action)  # first: public renditions are deleted, not moved back
        conceal(action, Action.Status.REJECTED)
        action.rejection_reason = reason
        action.featured = False
        action.checklist = list(checklist)
        _stamp(action, moderator)
        _save(action)
        _log(
            moderator,
            action,
            gettext("Rejected: %(reason)s") % {"reason": reason} + _checklist_note(checklist),
        )
        return True

    return _decide(actions, allowed, decide, failure="Could not unpublish the photo of action %s")


# Photos that cannot be published: still being processed, failed, or deleted.
NOT_PUBLISHABLE = (
    Action.PhotoStatus.QUEUED,
    Action.PhotoStatus.FAILED,
    Action.PhotoStatus.REMOVED,
)
# Approved by a moderator, whether public now or held back.
DECIDED_VISIBLE = {Action.Status.APPROVED, Action.Status.SCHEDULED, Action.Status.HIDDEN}


def _checklist_note(checklist, *, approving=False):
    if not checklist:
        return " " + gettext("Checklist not filled in.") if approving else ""
    labels = [str(ChecklistItem(item).label) for item in checklist]
    return " " + gettext("Checked: %(items)s.") % {"items": "; ".join(labels)}


# Going public and back. Every change of what the public sees goes through release()
# and conceal(), inside the caller's transaction with the row locked.


def release(action):
    """Make an approved action public now, or hold it back and save it.

    Held back while an active takedown matches it (HIDDEN), or until the
    participant's "not before" time (SCHEDULED; publish_due() releases it then).
    """
    # The campaign's row lock, also taken by take_down(): a takedown made meanwhile
    # either is seen here or sees this action approved.
    _lock_campaigns(Campaign.objects.filter(pk=action.campaign_id))
    takedown = Takedown.objects.matching(action).first()
    if takedown is not None:
        action.takedown = takedown
        conceal(action, Action.Status.HIDDEN)
    elif action.not_before is not None and action.not_before > timezone.now():
        conceal(action, Action.Status.SCHEDULED)
        _schedule_on_commit(action)
    else:
        if action.renditions and not action.renditions_public:
            _move_renditions(action, private_storage(), default_storage, public=True)
        action.status = Action.Status.APPROVED
        action.takedown = None
        action.published_at = timezone.now()
        stats.publish(action)
        publiccache.bump_on_commit()
    _save(action)


def conceal(action, status):
    """Take `action` off every public page and count, and give it `status` (not saved)."""
    if action.status == Action.Status.APPROVED:
        publiccache.bump_on_commit()
    if action.renditions_public:
        _move_renditions(action, default_storage, private_storage(), public=False)
    action.status = status
    action.published_at = None
    stats.unpublish(action)


def remove_photo(action):
    """Delete every file of the photo once committed (rejected or withdrawn: none is kept)."""
    _delete_files_on_commit(action)
    if action.photo_status != Action.PhotoStatus.NONE:
        action.photo_status = Action.PhotoStatus.REMOVED
    action.upload = action.photo = ""
    action.renditions = []
    action.renditions_public = False
    action.face_boxes = []


def publish_due(now=None):
    """Release the scheduled actions whose time has come; returns their ids. Idempotent."""
    now = now or timezone.now()
    due = Action.objects.filter(status=Action.Status.SCHEDULED, not_before__lte=now)
    released = []
    for pk in due.order_by("not_before", "pk").values_list("pk", flat=True):
        with consistent_files():
            action = Action.objects.select_for_update().filter(pk=pk).first()
            if action is None or action.status != Action.Status.SCHEDULED:
                continue
            if action.not_before is not None and action.not_before > now:
                continue  # moved later meanwhile
            release(action)
            released.append(pk)
    return released


def _schedule_on_commit(action):
    from actions.tasks import enqueue_publication

    at = action.not_before
    transaction.on_commit(lambda: enqueue_publication(at), robust=True)


def _decide(actions, allowed, decide, *, failure):
    """Lock each action, skip those decided meanwhile, apply `decide`, and report.

    `decide(action, outcome)` returns True when it recorded a decision. Each action
    is its own transaction with its files, so a storage error spoils only that one.
    """
    outcome = Outcome()
    for pk in _pks(actions):
        try:
            with consistent_files():
                action = Action.objects.select_for_update().filter(pk=pk).first()
                if action is None:
                    continue
                if action.status not in allowed:
                    outcome.already_decided.append(action)
                    continue
                if decide(action, outcome):
                    _mail_on_commit(action)
                    outcome.decided.append(action)
        except OSError:
            logger.exception(failure, pk)
            outcome.failed.append(pk)
    return outcome


def delete_action(action):
    """Delete an action with every file it has, once the deletion is committed."""
    stats.unpublish(action)
    _delete_files_on_commit(action)
    action.delete()


def _delete_files_on_commit(action):
    """Delete every file of the action (upload, master, renditions) once committed."""
    renditions = [r["path"] for r in action.renditions]
    private = [action.upload, action.photo]
    if action.renditions_public:
        files.delete_on_commit(private_storage(), private)
        files.delete_on_commit(default_storage, renditions)
    else:
        files.delete_on_commit(private_storage(), private + renditions)


def _forget_master(action):
    """Take the unblurred master off the action; returns its path to delete on commit.

    Once an action is decided no unblurred pixels are kept: the blurred renditions
    are all that remains.
    """
    path, action.photo = action.photo, ""
    return [path] if path else []


def _move_renditions(action, source, target, *, public):
    """Copy the renditions under new random names; the old copies go on commit."""
    old_paths = [r["path"] for r in action.renditions]
    moved = []
    for rendition in action.renditions:
        with source.open(rendition["path"], "rb") as fileobj:
            data = fileobj.read()
        extension = PurePosixPath(rendition["path"]).suffix.lstrip(".") or "jpg"
        moved.append({**rendition, "path": images.save_bytes(target, PREFIX, data, extension)})
    action.renditions = moved
    action.renditions_public = public
    files.delete_on_commit(source, old_paths)


def _stamp(action, moderator):
    action.moderated_at = timezone.now()
    action.moderated_by = moderator


# What a decision, release() or conceal() may change. stats writes its own fields.
DECISION_FIELDS = [
    "status", "rejection_reason", "featured", "moderated_at", "moderated_by", "published_at",
    "renditions", "renditions_public", "photo", "upload", "photo_status", "face_boxes",
    "checklist", "takedown",
]  # fmt: skip


def _save(action):
    action.save(update_fields=DECISION_FIELDS)


def _log(user, obj, message, flag=CHANGE):
    if user is not None:
        LogEntry.objects.log_actions(
            user.pk, [obj], flag, change_message=message, single_object=True
        )


def _pks(actions):
    if isinstance(actions, QuerySet):
        return sorted(actions.values_list("pk", flat=True))
    return sorted(getattr(action, "pk", action) for action in actions)


# Receipts: what the participant does with the secret link of the thanks page.
# The views find the action by its token's hash (Action.objects.with_receipt).

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
            _schedule_on_commit(locked)
            _save(locked)
        elif locked.status == Action.Status.SCHEDULED:
            if later:
                _schedule_on_commit(locked)
            else:
                release(locked)
    action.not_before, action.status = locked.not_before, locked.status
    return True


def withdraw(action):
    """The participant takes their action back, at once and for good.

    It leaves every public page and count, its files are deleted on commit, its
    personal data and hashtags are erased now, and the receipt stops opening it
    (the hash is cleared: the link gets the same 404 as an unknown one). purge()
    deletes the rest later. Returns False when it was already withdrawn.
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
        # The admin's history names the action by its str(), which held the city.
        _log_entries(locked.pk).update(object_repr=f"#{locked.pk}")
    action.status, action.receipt_hash = locked.status, None
    return True


def _log_entries(pk):
    content_type = ContentType.objects.get_for_model(Action)
    return LogEntry.objects.filter(content_type=content_type, object_id=str(pk))


def receipt_url(token):
    """The participant's secret link, absolute, in the active language.

    The token is in the query string, which the access log does not record.
    """
    return settings.SITE_URL + receipt_path(token)


def receipt_path(token):
    """The receipt page's path with `token` in its query string."""
    return f"{reverse('actions:receipt')}?{urlencode({'token': token})}"


# Purging


def purge(days, *, now=None):
    """Delete the rejected and withdrawn actions decided more than `days` days ago.

    Each goes with its remaining files, its hashtags and its admin history.
    Idempotent; returns how many were deleted, by status.
    """
    cutoff = (now or timezone.now()) - timedelta(days=days)
    rejected, withdrawn = Action.Status.REJECTED, Action.Status.WITHDRAWN
    stale = (
        Q(status=rejected, moderated_at__lt=cutoff)
        | Q(status=rejected, moderated_at__isnull=True, submitted_at__lt=cutoff)
        | Q(status=withdrawn, withdrawn_at__lt=cutoff)
        | Q(status=withdrawn, withdrawn_at__isnull=True, submitted_at__lt=cutoff)
    )
    deleted = {rejected: 0, withdrawn: 0}
    for pk in list(Action.objects.filter(stale).order_by("pk").values_list("pk", flat=True)):
        with consistent_files():
            # Locked and checked again: a moderator may have reconsidered it meanwhile.
            action = Action.objects.select_for_update().filter(stale, pk=pk).first()
            if action is None:
                continue
            _log_entries(pk).delete()
            delete_action(action)
        deleted[action.status] += 1
    return deleted


# Emergency takedown: hide every approved action matching a campaign, a country, a
# city or a hashtag at once (a city became dangerous), and bring them back later.

# Actions moved out of public storage per background task after a takedown.
HIDE_BATCH = 200
# Rows written per statement when thousands of actions are hidden.
TAKEDOWN_CHUNK = 500


class TakedownError(ValueError):
    """A takedown that cannot be made or lifted as asked; the message says why."""


def takedown_criteria(*, campaign=None, country="", city="", hashtag=""):
    """The criteria as a Takedown stores them and as actions store those values."""
    hashtag = unicodedata.normalize("NFKC", hashtag or "").strip().lstrip("#").strip().lower()
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
        _lock_campaigns(campaigns)
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
        for chunk in _chunks(pks, TAKEDOWN_CHUNK):
            Action.objects.filter(pk__in=chunk).update(
                status=Action.Status.HIDDEN, takedown=takedown, published_at=None
            )
        stats.unpublish_many(pks)
        takedown.hidden_count = len(pks)
        takedown.save(update_fields=["hidden_count"])
        if user is not None:
            _log(user, takedown, gettext("Taken down: %(reason)s") % {"reason": reason}, ADDITION)
            _log_many(
                user,
                pks,
                gettext("Taken down (%(takedown)s): %(reason)s")
                % {"takedown": takedown, "reason": reason},
            )
        # The database flip above is what hides the actions from every page. Their
        # files have random, unlisted names in public storage and are moved to private
        # storage within seconds, in batches, after the commit: thousands of copies
        # must not hold the takedown's transaction open.
        public = [pk for pk, is_public in rows if is_public]
        transaction.on_commit(lambda: _enqueue_hiding(public), robust=True)
        publiccache.bump_on_commit()
    return takedown


def lift_takedown(takedown, *, user, reason):
    """Lift `takedown` and release its hidden actions; returns how many left HIDDEN.

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
        if locked.lifted_at is None:
            locked.lifted_at = timezone.now()
            locked.lifted_by = user
            locked.lift_reason = reason
            locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
            _log(user, locked, gettext("Lifted: %(reason)s") % {"reason": reason})
            publiccache.bump_on_commit()
    takedown.lifted_at, takedown.lifted_by, takedown.lift_reason = (
        locked.lifted_at,
        locked.lifted_by,
        locked.lift_reason,
    )
    hidden = Action.objects.filter(takedown=locked, status=Action.Status.HIDDEN)
    released = 0
    # One transaction each, like publish_due(): a storage error spoils only that one
    # action, which stays hidden under the lifted takedown until it is lifted again.
    for pk in hidden.order_by("pk").values_list("pk", flat=True):
        try:
            with consistent_files():
                action = hidden.select_for_update().filter(pk=pk).first()
                if action is None:
                    continue
                release(action)
                if action.status != Action.Status.HIDDEN:
                    released += 1
                    _log(
                        user,
                        action,
                        gettext("Takedown lifted (%(takedown)s): %(reason)s")
                        % {"takedown": locked, "reason": reason},
                    )
        except OSError:
            logger.exception("Could not release action %s after lifting a takedown", pk)
    return released


def hide_renditions(action_ids):
    """Move the renditions of actions no longer public out of public storage.

    Called by the task take_down() queues. Idempotent: an action made public again
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
                _move_renditions(action, default_storage, private_storage(), public=False)
                action.save(update_fields=["renditions", "renditions_public"])
                moved.append(pk)
        except OSError:
            logger.exception("Could not move the photo of hidden action %s to private storage", pk)
    return moved


def _enqueue_hiding(action_ids):
    from actions.tasks import enqueue_hiding

    for chunk in _chunks(action_ids, HIDE_BATCH):
        enqueue_hiding(chunk)


def _lock_campaigns(campaigns):
    # NO KEY UPDATE: participants' inserts of actions, which take a KEY SHARE lock on
    # their campaign, are not blocked meanwhile.
    list(campaigns.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))


def _log_many(user, pks, message):
    for chunk in _chunks(pks, TAKEDOWN_CHUNK):
        actions = Action.objects.filter(pk__in=chunk).only("pk", "action_type", "city")
        LogEntry.objects.log_actions(user.pk, list(actions), CHANGE, change_message=message)


def _chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


# Telling the participant


def _mail_on_commit(action):
    if action.email:
        transaction.on_commit(lambda: send_decision_mail(action))


def send_decision_mail(action):
    """Tell the participant the decision, in their language. Never raises.

    The address is never logged: a failure is logged with the action's id only.
    """
    # Approved, whether public now or held back (the participant's "not before"
    # time, or a takedown): the page's address is where it will be.
    approved = action.status in DECIDED_VISIBLE

    def context():
        return {
            "action": action,
            "campaign": action.campaign.name,
            "url": settings.SITE_URL + action.get_absolute_url() if approved else "",
            "reason": action.rejection_reason,
            "public": action.status == Action.Status.APPROVED,
            "scheduled": action.status == Action.Status.SCHEDULED,
            "time_zone": settings.TIME_ZONE,
        }

    return _mail(action, "approved" if approved else "rejected", context, "decision")


def mail_receipt_on_commit(action):
    """Send the participant their receipt link, if they gave an email, once committed."""
    token = getattr(action, "receipt_token", "")
    if action.email and token:
        transaction.on_commit(lambda: send_receipt_mail(action, token))


def send_receipt_mail(action, token):
    """The secret link of the thanks page, by email, in the participant's language.

    Never raises; neither the address nor the token is ever logged.
    """

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
