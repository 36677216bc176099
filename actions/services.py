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
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.files.storage import default_storage, storages
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from actions import faces, photos, stats
from actions.models import Action, ChecklistItem, Takedown
from soliday import files, images

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
):
    """Store a participant's action, pending moderation, and queue its photo.

    `upload` has been validated by the form (or is None). Its bytes go to private
    storage under a random name until the task has made a clean copy. Nothing
    about the request (address, user agent) is stored. A storage failure raises
    and leaves neither a row nor a file.
    """
    with consistent_files():
        incoming = ""
        if upload is not None:
            storage = private_storage()
            incoming = storage.save(f"{INCOMING}/{uuid.uuid4().hex}.upload", upload)
            files.track(storage, incoming)
        action = Action.objects.create(
            campaign=campaign,
            action_type=action_type,
            city=city,
            country=country,
            latitude=latitude,
            longitude=longitude,
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
        )
        if hashtags:
            action.hashtags.set(list(hashtags))
        if incoming:
            _enqueue_on_commit(action.pk)
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
        _log(moderator, action, gettext("Approved.") + _checklist_note(checklist))
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


def _checklist_note(checklist):
    if not checklist:
        return ""
    labels = [str(ChecklistItem(item).label) for item in checklist]
    return " " + gettext("Checked: %(items)s.") % {"items": "; ".join(labels)}


# Going public and back. Every change of what the public sees goes through release()
# and conceal(), inside the caller's transaction with the row locked.


def release(action):
    """Make an approved action public now, or hold it back and save it.

    Held back while an active takedown matches it (HIDDEN), or until the
    participant's "not before" time (SCHEDULED; publish_due() releases it then).
    """
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
    _save(action)


def conceal(action, status):
    """Take `action` off every public page and count, and give it `status` (not saved)."""
    if action.renditions_public:
        _move_renditions(action, default_storage, private_storage(), public=False)
    action.status = status
    action.published_at = None
    stats.unpublish(action)


def remove_photo(action):
    """Delete every file of the photo once committed (rejected or withdrawn: none is kept)."""
    for storage, paths in _files_of(action):
        files.delete_on_commit(storage, [path for path in paths if path])
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
    for storage, paths in _files_of(action):
        files.delete_on_commit(storage, paths)
    action.delete()


def _files_of(action):
    renditions = [r["path"] for r in action.renditions]
    private = [action.upload, action.photo]
    if action.renditions_public:
        return [(private_storage(), private), (default_storage, renditions)]
    return [(private_storage(), private + renditions)]


def _forget_master(action):
    """Take the unblurred master off the action; returns its path to delete on commit.

    Once an action is decided no unblurred pixels are kept: the blurred renditions
    are all that remains.
    """
    path, action.photo = action.photo, ""
    return [path] if path else []


def _move_renditions(action, source, target, *, public, retire=()):
    """Copy the renditions under new random names; the old copies (and the paths in
    `retire`, also in source) go on commit."""
    old_paths = [r["path"] for r in action.renditions] + list(retire)
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


def _log(moderator, action, message):
    if moderator is not None:
        LogEntry.objects.log_actions(
            moderator.pk, [action], CHANGE, change_message=message, single_object=True
        )


def _pks(actions):
    if isinstance(actions, QuerySet):
        return sorted(actions.values_list("pk", flat=True))
    return sorted(getattr(action, "pk", action) for action in actions)


# Telling the participant


def _mail_on_commit(action):
    if action.email:
        transaction.on_commit(lambda: send_decision_mail(action))


def send_decision_mail(action):
    """Tell the participant the decision, in their language. Never raises.

    The address is never logged: a failure is logged with the action's id only.
    """
    try:
        approved = action.status == Action.Status.APPROVED
        template = "approved" if approved else "rejected"
        with translation.override(action.language):
            context = {
                "action": action,
                "campaign": action.campaign.name,
                "url": settings.SITE_URL + action.get_absolute_url() if approved else "",
                "reason": action.rejection_reason,
            }
            subject = render_to_string(f"emails/actions/{template}_subject.txt", context)
            body = render_to_string(f"emails/actions/{template}.txt", context)
        send_mail(" ".join(subject.split()), body, None, [action.email])
    except Exception as exc:
        logger.warning(
            "Could not send the decision mail for action %s (%s)", action.pk, type(exc).__name__
        )
        return False
    return True
