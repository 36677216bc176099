"""Files written inside a failing block go away with it; nested blocks hand theirs outwards."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from soliday import files


def write(name):
    path = default_storage.save(name, ContentFile(b"x"))
    files.track(default_storage, path)
    return path


def test_an_error_deletes_the_files_written_in_the_block():
    with pytest.raises(RuntimeError), files.delete_files_on_error():
        path = write("a.txt")
        raise RuntimeError

    assert not default_storage.exists(path)


def test_success_keeps_the_files():
    with files.delete_files_on_error():
        path = write("a.txt")

    assert default_storage.exists(path)


def test_an_outer_error_deletes_what_a_finished_inner_block_wrote():
    with pytest.raises(RuntimeError), files.delete_files_on_error():
        with files.delete_files_on_error():
            inner = write("inner.txt")
        outer = write("outer.txt")
        raise RuntimeError

    assert not default_storage.exists(inner)
    assert not default_storage.exists(outer)


def test_tracking_outside_a_block_changes_nothing():
    path = write("loose.txt")

    assert default_storage.exists(path)
