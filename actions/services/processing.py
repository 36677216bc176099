"""Processing a participant's photo (in the background task) and redoing its renditions
when a moderator corrects the face boxes."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from PIL import Image

from actions import faces, photos
from actions.models import Action
from actions.services import duplicates
from actions.services.storage import (
    PREFIX,
    consistent_files,
    private_storage,
    save_renditions,
)
from soliday import files, images

logger = logging.getLogger(__name__)

# The task tries a photo this many times before it is marked as failed.
MAX_PROCESSING_ATTEMPTS = 4


def process_photo(action_id):
    """Make the clean master and renditions of a queued photo; True when done.

    Idempotent: an action that is not waiting (already processed, deleted) is
    left alone. Storage errors raise (the task retries); a file that is not a
    picture raises photos.UnreadablePhoto.
    """
    action = (
        Action.objects.filter(pk=action_id, photo_status=Action.PhotoStatus.QUEUED)
        .exclude(upload="")
        .only("pk", "upload", "blur_faces", "campaign")
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
    # Of the unblurred photo, so that two copies match whatever was blurred in each.
    hash_ = duplicates.photo_hash(master)
    # A read over the campaign's hashes: before the row is locked, not while it is.
    duplicate_of_id = duplicates.find_original(action, hash_)
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
        locked.renditions = save_renditions(storage, renditions)
        locked.renditions_public = False
        locked.photo_status = Action.PhotoStatus.READY
        locked.processing_error = ""
        locked.upload = ""
        locked.photo_hash = hash_
        locked.duplicate_of_id = duplicate_of_id
        locked.save(
            update_fields=[
                "photo_hash",
                "duplicate_of",
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
        locked.renditions = save_renditions(storage, encoded)
        locked.face_boxes = [box.as_dict() for box in boxes]
        locked.save(update_fields=["renditions", "face_boxes"])
        files.delete_on_commit(storage, old_paths)
    action.renditions, action.face_boxes = locked.renditions, locked.face_boxes
    return True


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
