"""Keep stored files and database rows consistent.

Code that writes files calls `track()`; a caller that owns the transaction wraps
its work in `delete_files_on_error()`, so an exception anywhere inside (and the
rollback it causes) deletes the files written so far: no file without its row.
Files to retire after a change are deleted with `delete_on_commit()`: no row
without its file.
"""

import posixpath
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_written = ContextVar("soliday_written_files", default=None)


def track(storage, path):
    written = _written.get()
    if written is not None:
        written.append((storage, path))


@contextmanager
def delete_files_on_error():
    """Delete the files tracked inside the block if it raises.

    Nested blocks hand their files to the enclosing one when they succeed, so an
    error in the outer transaction still removes them.
    """
    outer = _written.get()
    written = []
    token = _written.set(written)
    try:
        yield written
    except BaseException:
        for storage, path in written:
            storage.delete(path)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(written)


def delete_on_commit(storage, paths):
    paths = [p for p in paths if p]
    if paths:
        transaction.on_commit(lambda: [storage.delete(p) for p in paths])


def walk(storage, folder=""):
    """Every file name under `folder` of a storage, local disk or bucket alike (nothing if
    the folder does not exist)."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(names):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from walk(storage, posixpath.join(folder, name) if folder else name)
