"""What is in storage: the files under a folder."""

from pathlib import Path


def stored_files(root):
    """Every file under `root`, as paths relative to it."""
    root = Path(root)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def refuse_to_open(monkeypatch, storage, paths, error=None):
    """Make `storage` fail to open `paths` as S3 does (a botocore ClientError, which is
    no OSError); other files open as usual. Returns the paths refused so far."""
    from botocore.exceptions import ClientError

    error = error or ClientError({"Error": {"Code": "SlowDown"}}, "GetObject")
    refused = []
    real_open = storage.open

    def open_or_fail(name, *args, **kwargs):
        if name in paths:
            refused.append(name)
            raise error
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(storage, "open", open_or_fail)
    return refused
