"""`manage.py backup` and `manage.py restore`, run as an operator runs them: a backup of a
portal in use, restored into a throwaway database and empty media folders, on SQLite and on
PostgreSQL; a restore never overwrites what is there."""

import json
import shutil
import subprocess
import uuid

import pytest

from tests.helpers.servers import manage, project_env

SEED = """
import datetime
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from actions import services
from actions.models import ActionType, Campaign
campaign = Campaign.objects.create(
    slug="4august", name_en="Day of Solidarity", starts_on=datetime.date(2026, 8, 4),
    action_types=[ActionType.PICKET], is_active=True,
)
moderator = User.objects.create_user("moderator", is_staff=True)
for city in ("Warsaw", "Vilnius"):
    action = services.submit_action(
        campaign=campaign, action_type=ActionType.PICKET, city=city, country="PL",
        latitude=52.23, longitude=21.01, hashtags=["4august"], caption="Lanterns",
        alt_text="", display_name="", email="", consent=True, upload=None, language="en",
        location_precision="exact",
    )
    services.approve([action], moderator)
storages["default"].save("actions/public-rendition.jpg", ContentFile(b"public bytes"))
storages["private"].save("actions/pending-master.jpg", ContentFile(b"private bytes"))
"""

REPORT = """
import json
from django.core.files.storage import storages
from actions.models import Action
print(json.dumps({
    "actions": sorted(Action.objects.values_list("city", flat=True)),
    "public": storages["default"].open("actions/public-rendition.jpg").read().decode(),
    "private": storages["private"].open("actions/pending-master.jpg").read().decode(),
}))
"""


def report(env):
    return json.loads(manage(env, "shell", "--no-imports", "-c", REPORT).stdout)


def media_env(tmp_path, name, **extra):
    return project_env(
        tmp_path,
        MEDIA_ROOT=str(tmp_path / name / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / name / "private"),
        **extra,
    )


def backup_and_restore(tmp_path, source, target):
    """Seed `source`, back it up, restore into `target`; the backup folder."""
    manage(source, "migrate", "--noinput", "-v0")
    manage(source, "shell", "-c", SEED)
    folder = tmp_path / "backup"
    made = manage(source, "backup", str(folder))
    assert "1 public and 1 private media files" in made.stdout

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["migrations"]["actions"].startswith("00")
    assert [e["name"] for e in manifest["media"]["default"]] == ["actions/public-rendition.jpg"]
    assert [e["name"] for e in manifest["media"]["private"]] == ["actions/pending-master.jpg"]

    restored = manage(target, "restore", str(folder))
    assert "Restored the backup" in restored.stdout
    assert report(target) == {
        "actions": ["Vilnius", "Warsaw"],
        "public": "public bytes",
        "private": "private bytes",
    }
    # The restored schema is the code's: nothing left to migrate.
    manage(target, "migrate", "--check", "-v0")
    return folder


def refused(env, folder):
    with pytest.raises(subprocess.CalledProcessError) as error:
        manage(env, "restore", str(folder))
    return error.value.stderr


def test_a_sqlite_backup_restores_into_a_throwaway_database(tmp_path):
    source = media_env(tmp_path, "source")
    target = media_env(
        tmp_path, "target", DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    )
    folder = backup_and_restore(tmp_path, source, target)

    # Again, into the database now in use: refused, and nothing is touched.
    message = refused(target, folder)
    assert "The database is not empty" in message
    assert "restore only into a new, empty database" in message
    assert report(target)["actions"] == ["Vilnius", "Warsaw"]


def test_a_restore_refuses_media_storage_that_holds_the_backups_files(tmp_path):
    source = media_env(tmp_path, "source")
    manage(source, "migrate", "--noinput", "-v0")
    manage(source, "shell", "-c", SEED)
    manage(source, "backup", str(tmp_path / "backup"))
    # An empty database, but the source's media folders.
    target = {**source, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    message = refused(target, tmp_path / "backup")
    assert "media storage already holds 1 file(s) of the backup" in message


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path):
    source = media_env(tmp_path, "source")
    manage(source, "migrate", "--noinput", "-v0")
    manage(source, "shell", "-c", SEED)
    folder = tmp_path / "backup"
    manage(source, "backup", str(folder))
    (folder / "media" / "private" / "actions" / "pending-master.jpg").write_bytes(b"changed")
    target = media_env(tmp_path, "target", DATABASE_URL=f"sqlite:///{tmp_path / 't.sqlite3'}")
    message = refused(target, folder)
    assert "does not match the manifest" in message
    assert not (tmp_path / "target" / "media").exists()
    database = tmp_path / "t.sqlite3"
    assert not database.exists() or database.stat().st_size == 0


def test_backup_and_restore_name_what_is_wrong(tmp_path):
    env = media_env(tmp_path, "source")
    manage(env, "migrate", "--noinput", "-v0")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "something").write_text("x")
    with pytest.raises(subprocess.CalledProcessError) as error:
        manage(env, "backup", str(tmp_path / "full"))
    assert "is not empty: give a new folder" in error.value.stderr
    with pytest.raises(subprocess.CalledProcessError) as error:
        manage(env, "restore", str(tmp_path / "full"))
    assert "has no manifest.json: it is not a backup" in error.value.stderr


# PostgreSQL: pg_dump and pg_restore into a database made for the test and dropped after it.

PG = "postgres://postgres@127.0.0.1:5432"


@pytest.fixture
def throwaway_databases():
    if not (shutil.which("createdb") and shutil.which("pg_dump")):
        pytest.skip("the PostgreSQL client tools are not installed")
    names = [f"soliday_backup_{uuid.uuid4().hex[:10]}_{side}" for side in ("src", "dst")]
    made = []
    try:
        for name in names:
            created = subprocess.run(  # noqa: S603
                ["createdb", "-h", "127.0.0.1", "-U", "postgres", name],
                capture_output=True,
                text=True,
                check=False,
            )
            if created.returncode != 0:
                pytest.skip(f"no PostgreSQL to make a throwaway database: {created.stderr}")
            made.append(name)
        yield [f"{PG}/{name}" for name in names]
    finally:
        for name in made:
            subprocess.run(  # noqa: S603
                ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name],
                capture_output=True,
                check=False,
            )


def test_a_postgresql_backup_restores_into_a_throwaway_database(tmp_path, throwaway_databases):
    source_url, target_url = throwaway_databases
    source = media_env(tmp_path, "source", DATABASE_URL=source_url)
    target = media_env(tmp_path, "target", DATABASE_URL=target_url)
    folder = backup_and_restore(tmp_path, source, target)
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"

    message = refused(target, folder)
    assert "The database is not empty" in message
    # A PostgreSQL backup does not go into SQLite.
    sqlite = media_env(tmp_path, "other", DATABASE_URL=f"sqlite:///{tmp_path / 'o.sqlite3'}")
    assert "restore into the same kind of database" in refused(sqlite, folder)


@pytest.mark.django_db
def test_a_file_gone_between_listing_and_copying_is_left_out(tmp_path, monkeypatch):
    # On a live site a rendition may move (approval, takedown, purge) while the backup
    # walks the storage: the backup goes on without it instead of failing.
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    from soliday import backup

    storage = storages["default"]
    kept = storage.save("actions/kept.webp", ContentFile(b"kept"))
    monkeypatch.setattr(backup, "walk", lambda storage: iter([kept, "actions/gone.webp"]))

    entries = backup.copy_out("default", tmp_path)

    assert [entry["name"] for entry in entries] == [kept]
    assert (tmp_path / kept).read_bytes() == b"kept"
