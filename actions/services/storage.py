"""Where an action's files live, and moving them between the two storages.

- `incoming/…` in private storage: the participant's upload, waiting for the task.
  Deleted as soon as the clean copy exists; its bytes are never kept.
- `actions/…` in private storage: the clean master (always private) and the
  renditions while the action is pending, rejected or held back.
- `actions/…` in the default (public) storage: the renditions of a public action,
  copied there under new random names when it is released.

Every write is tracked (`soliday.files`) so that a failed transaction leaves no file
without its row, and every retired file is deleted on commit, so no row is left
without its file.
"""

from contextlib import contextmanager
from pathlib import PurePosixPath

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.storage import default_storage, storages
from django.db import transaction

from soliday import files, images

INCOMING = "incoming"
PREFIX = "actions"

# What a storage raises when a file cannot be read, written or deleted: the local disk
# raises OSError; S3 (django-storages) raises botocore's errors, only a missing key
# becoming FileNotFoundError. Code that carries on past one file catches these.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


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


def save_renditions(storage, encoded):
    """Store encoded renditions (photos.Encoded) under random names; their records."""
    return [
        {
            "name": item.name,
            "path": images.save_bytes(storage, PREFIX, item.data, item.extension),
            "width": item.width,
            "height": item.height,
        }
        for item in encoded
    ]


def move_renditions(action, source, target, *, public):
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


def delete_files_on_commit(action):
    """Delete every file of the action (upload, master, renditions) once committed."""
    renditions = [r["path"] for r in action.renditions]
    private = [action.upload, action.photo]
    if action.renditions_public:
        files.delete_on_commit(private_storage(), private)
        files.delete_on_commit(default_storage, renditions)
    else:
        files.delete_on_commit(private_storage(), private + renditions)


def forget_master(action):
    """Take the unblurred master off the action; returns its path to delete on commit.

    Once an action is decided no unblurred pixels are kept: the blurred renditions
    are all that remains.
    """
    path, action.photo = action.photo, ""
    return [path] if path else []
