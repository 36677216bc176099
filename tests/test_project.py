"""The project as a whole: migrations that match the models, and tests that stand alone."""

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command

TESTS = Path(__file__).parent


def test_every_model_change_has_its_migration(db):
    """What CI checks with `makemigrations --check`, caught by `make test` already."""
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as stopped:
        pytest.fail(f"makemigrations --check exited with {stopped.code}:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()


def imported_names(path):
    """Every module or name a file imports, dotted: `from a import b` gives "a.b"."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_test_module_imports_another_or_conftest():
    """Shared helpers live in tests/helpers/, fixtures in conftest.py (pytest finds them)."""
    offenders = [
        f"{path.name} imports {name}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for name in imported_names(path)
        if any(part.startswith("test_") or part == "conftest" for part in name.split("."))
    ]
    assert offenders == []
