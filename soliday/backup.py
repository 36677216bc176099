"""Backups of everything the portal keeps: the database and both media storages.

A backup is a folder:

    manifest.json        what is inside: when, the database engine, the last migration of each
                         app, and every media file with its size and SHA-256
    database.dump        PostgreSQL: `pg_dump --format=custom` (restored by pg_restore)
    database.sqlite3     SQLite: a consistent copy made with SQLite's backup API
    media/default/...    public media (renditions of public actions, news images, materials)
    media/private/...    private media (pending uploads, masters, held-back renditions)

Media are read and written through Django's storages, so the same commands work on the local
disk and on S3 buckets. `restore` refuses a database that has any table (restore into a new,
empty one, then point DATABASE_URL at it) and a storage that already holds a file of the
backup; it checks every file against the manifest before writing anything.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from soliday.files import walk

FORMAT = 1
# Media are copied and hashed a megabyte at a time.
BLOCK = 1 << 20
MANIFEST = "manifest.json"
MEDIA = "media"
# The storages a backup holds: public and private media. Static files are rebuilt from the code.
STORAGES = ("default", "private")
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def backup(destination):
    """Write a backup into `destination` (a new or empty folder); returns the manifest."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: give a new folder for the backup.")
    destination.mkdir(parents=True, exist_ok=True)
    vendor = engine()
    dump = destination / DUMPS[vendor]
    if vendor == "postgresql":
        run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)])
    else:
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    manifest = {
        "format": FORMAT,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {"engine": vendor, "file": dump.name, "sha256": sha256_file(dump)},
        "migrations": last_migrations(),
        "media": {alias: copy_out(alias, destination / MEDIA / alias) for alias in STORAGES},
    }
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def restore(source):
    """Restore a backup from `source` into the empty database and storages; the manifest."""
    source = Path(source)
    manifest = read_manifest(source)
    vendor = engine()
    if manifest["database"]["engine"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']['engine']} database and DATABASE_URL "
            f"names a {vendor} one: restore into the same kind of database."
        )
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            f"The database is not empty ({len(tables)} tables): restore only into a new, empty "
            "database (e.g. createdb), then point DATABASE_URL at it."
        )
    dump = source / manifest["database"]["file"]
    if sha256_file(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} does not match the manifest: the backup is damaged.")
    for alias, entries in manifest["media"].items():
        check_media(source / MEDIA / alias, entries)
        storage = storages[alias]
        present = [entry["name"] for entry in entries if storage.exists(entry["name"])]
        if present:
            raise BackupError(
                f"The {alias} media storage already holds {len(present)} file(s) of the backup "
                f"(e.g. {present[0]}): restore into empty storage."
            )
    if vendor == "postgresql":
        run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname"], dump)
    else:
        connection.ensure_connection()
        backup_copy = sqlite3.connect(dump)
        try:
            backup_copy.backup(connection.connection)
        finally:
            backup_copy.close()
    for alias, entries in manifest["media"].items():
        copy_in(alias, source / MEDIA / alias, entries)
    return manifest


def engine():
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups know PostgreSQL and SQLite, not {vendor}.")
    return vendor


def run(command, dump=None):
    """pg_dump or pg_restore on the database of DATABASE_URL (the password through PGPASSWORD)."""
    database = connection.settings_dict
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    options = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            options += [flag, str(database[key])]
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    if dump is None:
        arguments = [*command, *options, database["NAME"]]
    else:
        arguments = [*command, database["NAME"], *options, str(dump)]
    finished = subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()}")


def last_migrations():
    applied = MigrationRecorder(connection).applied_migrations()
    last = {}
    for app, name in sorted(applied):
        last[app] = max(last.get(app, name), name)
    return last


def copy_out(alias, target):
    storage = storages[alias]
    entries = []
    for name in walk(storage):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            stored = storage.open(name, "rb")
        except FileNotFoundError:
            # Moved or deleted since the listing (an approval, a takedown, a purge on a
            # live site): the database dumped before it says where that file is now.
            continue
        # Hashed as it is copied: each file is read once.
        digest, size = hashlib.sha256(), 0
        with stored, path.open("wb") as copy:
            while block := stored.read(BLOCK):
                digest.update(block)
                copy.write(block)
                size += len(block)
        entries.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    return entries


def check_media(folder, entries):
    for entry in entries:
        path = folder / entry["name"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            raise BackupError(f"{path} is missing or does not match the manifest.")


def copy_in(alias, folder, entries):
    storage = storages[alias]
    for entry in entries:
        with (folder / entry["name"]).open("rb") as copy:
            saved = storage.save(entry["name"], File(copy))
        if saved != entry["name"]:
            raise BackupError(f"The {alias} storage stored {entry['name']} as {saved}.")


def read_manifest(source):
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} has no {MANIFEST}: it is not a backup.") from None
    except ValueError:
        raise BackupError(
            f"{source / MANIFEST} is not valid JSON: the backup is damaged."
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup of format {manifest.get('format')}, not {FORMAT}.")
    return manifest


def sha256_file(path):
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()
