"""Every interface string exists in Belarusian and Russian, and the catalogues are current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
SOURCES = ["manage.py", "soliday", "news", "actions", "templates", "locale"]


def catalogue(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def active_entries(po):
    return [entry for entry in po if not entry.obsolete]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    po = polib.pofile(str(catalogue(language)))
    untranslated = [e.msgid for e in active_entries(po) if not e.translated()]
    fuzzy = [e.msgid for e in active_entries(po) if "fuzzy" in e.flags]
    assert untranslated == [], f"untranslated in {language}: {untranslated}"
    assert fuzzy == [], f"fuzzy (unchecked) in {language}: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    po = polib.pofile(str(catalogue(language)))
    mo = polib.mofile(str(catalogue(language).with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in active_entries(po):
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{entry.msgid!r} is not compiled: run make messages"
        msgstr, plural = compiled[key]
        if entry.msgid_plural:
            assert {int(k): v for k, v in plural.items()} == {
                int(k): v for k, v in entry.msgstr_plural.items()
            }, entry.msgid
        else:
            assert msgstr == entry.msgstr, (
                f"{entry.msgid!r} differs from the .mo: run make messages"
            )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_catalogues_hold_every_string_in_the_code(tmp_path):
    """Run makemessages on a copy of the sources: it must find no string missing from the .po."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, tmp_path / name)
    args = [f"-l{language}" for language in LANGUAGES]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-location", *args],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={
            "DEBUG": "true",
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "soliday.settings",
        },
    )
    for language in LANGUAGES:
        committed = {
            (e.msgctxt, e.msgid) for e in active_entries(polib.pofile(str(catalogue(language))))
        }
        fresh = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
        missing = sorted(
            e.msgid for e in active_entries(fresh) if (e.msgctxt, e.msgid) not in committed
        )
        assert missing == [], f"not in locale/{language}: {missing[:20]}: run make messages"
