"""Rows without files and files without rows, in both storages (`manage.py check_files`).

Each app that stores files says which folders it owns in which storage, which files
its rows point to, and how to repair a row whose file is gone: its AppConfig has a
`stored_files()` method returning such a source (actions.filecheck, news.filecheck).

- A file in an owned folder that no row points to is an orphan (a worker killed
  between writing a file and committing its row, a failed delete). Repairing deletes
  it, unless it is younger than ACTIONS_ORPHAN_GRACE seconds: it may belong to a
  transaction that is still open (a participant's upload, a photo being processed).
- A row pointing to a file that is not there is repaired by its app (the reference
  is dropped and the row says what is missing), after checking again under its lock:
  the file may have been moved meanwhile.

The rows are read first, then the folders listed, so that a file written meanwhile is
young, never mistaken for an old orphan.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.utils import timezone

from soliday.files import walk


@dataclass(frozen=True)
class Reference:
    """A row's pointer to a file: `storage` is the alias ("default", "private")."""

    storage: str
    path: str
    owner: str  # for the report: "action 12: thumb"
    key: object  # what the source's repair_missing() receives


@dataclass
class Report:
    missing: list = field(default_factory=list)  # References whose file is not there
    orphans: list = field(default_factory=list)  # (storage alias, path), old enough
    young: list = field(default_factory=list)  # orphans within the grace period
    repaired_rows: int = 0
    deleted_files: int = 0


def sources():
    return [
        config.stored_files()
        for config in apps.get_app_configs()
        if hasattr(config, "stored_files")
    ]


def check(*, repair=False, now=None):
    """Compare rows and files; with `repair`, drop missing references and delete old orphans."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.ACTIONS_ORPHAN_GRACE)
    report = Report()
    for source in sources():
        references = list(source.references())
        present = {}
        for alias, folders in source.folders.items():
            storage = storages[alias]
            present[alias] = {path for folder in folders for path in walk(storage, folder)}
        pointed = {(ref.storage, ref.path) for ref in references}
        missing = [
            ref
            for ref in references
            if ref.path not in present.get(ref.storage, ())
            and not storages[ref.storage].exists(ref.path)  # outside the owned folders
        ]
        report.missing += missing
        for alias, paths in present.items():
            storage = storages[alias]
            for path in sorted(paths):
                if (alias, path) in pointed:
                    continue
                if storage.get_modified_time(path) > now - grace:
                    report.young.append((alias, path))
                    continue
                report.orphans.append((alias, path))
                if repair:
                    storage.delete(path)
                    report.deleted_files += 1
        if repair and missing:
            report.repaired_rows += source.repair_missing(missing)
    return report
