"""What is in storage: the files under a folder."""

from pathlib import Path


def stored_files(root):
    """Every file under `root`, as paths relative to it."""
    root = Path(root)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
