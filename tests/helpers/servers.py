"""The portal as operators run it, in processes of its own: a production-like environment
(DEBUG off) on files in a test's tmp_path, gunicorn on a free loopback port, and waiting for
a server to answer."""

import os
import socket
import subprocess
import sys
import time

from django.conf import settings

CONFIG = "gunicorn.conf.py"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_env(tmp_path, **extra):
    """A production-like environment (DEBUG off) on a SQLite file and folders in tmp_path."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-test-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        **extra,
    }


def manage(env, *arguments):
    """`python manage.py ARGUMENTS` in `env`; its completed process (raises if it fails)."""
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def wait_for(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("the server stopped: " + process.stderr.read())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def start_gunicorn(env, port, workers=1):
    """gunicorn with the one configuration on 127.0.0.1:port; the caller stops it."""
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [
            *(sys.executable, "-m", "gunicorn", "--config", CONFIG),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
            "soliday.wsgi:application",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(port, process)
    return process
