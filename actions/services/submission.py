"""A participant's submission: stored at once, pending moderation, its photo queued."""

import secrets
import uuid

from actions import location, uploads
from actions.models import Action, LocationPrecision, receipt_hash
from actions.services import queue
from actions.services.storage import INCOMING, consistent_files, private_storage
from soliday import files


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
    happened_on=None,
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
            happened_on=happened_on,
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
            queue.process_photo_on_commit(action.pk)
    action.receipt_token = token
    return action
