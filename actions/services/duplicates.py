"""Likely duplicates: a perceptual hash of each processed photo (ImageHash's pHash, 64
bits), and the earliest action of the same campaign whose hash is within
settings.ACTIONS_DUPLICATE_DISTANCE bits of it."""

import imagehash
from django.conf import settings

from actions.models import Action


def photo_hash(image):
    """The pHash of a PIL image as 16 hex digits; resizing, re-encoding and small edits
    change a few bits, a different photo about half of them."""
    return str(imagehash.phash(image))


def distance(first, second):
    """The number of bits two hashes differ by."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


def find_original(action, hash_):
    """The earliest other action of `action`'s campaign with a photo within the distance,
    or None. One query over the campaign's hashes (16 characters a row), in the task."""
    limit = settings.ACTIONS_DUPLICATE_DISTANCE
    candidates = (
        Action.objects.filter(campaign_id=action.campaign_id)
        .exclude(photo_hash="")
        .exclude(pk=action.pk)
        .exclude(status=Action.Status.WITHDRAWN)
        .order_by("submitted_at", "id")
        .values_list("pk", "photo_hash")
    )
    for pk, other in candidates.iterator(chunk_size=2000):
        if distance(hash_, other) <= limit:
            return pk
    return None
