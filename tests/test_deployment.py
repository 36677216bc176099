"""How the portal is run: one gunicorn configuration whose logs name no client and keep no
receipt token, a compose file that will not start on a key printed in the repository, and
README commands that work as written."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from tests.helpers.servers import CONFIG, free_port, project_env, wait_for

ROOT = Path(settings.BASE_DIR)
TOKEN = "SeCrEtReCeIpTtOkEn0123456789abcdefXYZ"
FORWARDED = "198.51.100.77"
USER_AGENT = "Mozilla/5.0 (GunicornProbePhone 3; Soliday-Access-UA)"
REFERER = "https://referer.example/secret-page?who=alesia"
SECRETS = (TOKEN, FORWARDED, USER_AGENT, "GunicornProbePhone", "referer.example", "alesia")


def get(url, headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_gunicorn_logs_no_token_address_user_agent_or_referer(tmp_path):
    env = project_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            *(sys.executable, "-m", "gunicorn", "--config", CONFIG),
            *("--bind", f"127.0.0.1:{port}", "--workers", "1", "soliday.wsgi:application"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(port, process)
        headers = {"X-Forwarded-For": FORWARDED, "User-Agent": USER_AGENT, "Referer": REFERER}
        base = f"http://127.0.0.1:{port}"
        assert get(f"{base}/en/actions/receipt/?token={TOKEN}", headers) == 404
        assert get(f"{base}/healthz?token={TOKEN}", headers) == 200
        # A malformed request line: gunicorn itself answers, and would log the address.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(f"GET /en/actions/receipt/?token={TOKEN} HTTP/9.9\r\n\r\n".encode())
            sock.recv(1024)
        time.sleep(0.5)
    finally:
        process.terminate()
        access_log, error_log = process.communicate(timeout=30)

    access = [line for line in access_log.splitlines() if line.strip()]
    # One line per request, with what operators need: method, path, status, size, duration.
    assert any('"GET /en/actions/receipt/" 404 ' in line for line in access), access_log
    assert any('"GET /healthz" 200 ' in line for line in access), access_log
    assert all(re.search(r"\d+ms$", line) for line in access), access_log
    for secret in (*SECRETS, "127.0.0.1", "token="):
        assert secret not in access_log, secret
    assert "Invalid request" in error_log  # the malformed request was logged, blind
    for secret in (*SECRETS, "ip="):
        assert secret not in error_log, secret


def test_the_config_logs_no_query_string_client_or_headers():
    namespace = {}
    exec((ROOT / CONFIG).read_text(), namespace)  # noqa: S102 (our own config file)
    log_format = namespace["access_log_format"]
    assert "%(U)s" in log_format  # the path, without the query string
    for forbidden in ("%(h)s", "%(a)s", "%(r)s", "%(q)s", "%(f)s", "%(u)s", "%({"):
        assert forbidden not in log_format, forbidden
    assert namespace["accesslog"] == "-"
    assert namespace["logger_class"] == "soliday.gunicorn_log.PrivateLogger"


def gunicorn_commands():
    """Every gunicorn command line in the files that run the portal, by file."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE)
    commands = {"Dockerfile": [" ".join(json.loads(cmd))]}
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    commands["docker-compose.yml"] = [
        service["command"]
        for service in compose["services"].values()
        if "gunicorn" in str(service.get("command", ""))
    ]
    for name in ("Makefile", ".ci/run"):
        commands[name] = [
            line for line in (ROOT / name).read_text().splitlines() if "gunicorn " in line
        ]
    return commands


def test_the_dockerfile_and_compose_run_gunicorn_with_the_one_config():
    commands = gunicorn_commands()
    assert commands["Dockerfile"] and commands["docker-compose.yml"]
    for name, lines in commands.items():
        for line in lines:
            assert f"gunicorn --config {CONFIG} " in line, (name, line)
            assert "--access-log" not in line, (name, line)
            assert "--log-config" not in line, (name, line)
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "access-log" not in compose


# docker-compose: no key printed in the repository


def compose_config(tmp_path, **env):
    """`docker-compose config` as an operator runs it, with no .env file and only `env`."""
    return subprocess.run(
        ["docker-compose", "--env-file", str(tmp_path / "no.env"), "config", "-q"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_compose_takes_the_secret_key_from_the_environment_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    value = compose["x-app"]["environment"]["SECRET_KEY"]
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*Set SECRET_KEY[^}]*\}", value), value


def test_compose_takes_the_object_storage_password_from_the_environment_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for value in (
        compose["x-app"]["environment"]["S3_SECRET_ACCESS_KEY"],
        compose["services"]["objects"]["environment"]["MINIO_ROOT_PASSWORD"],
    ):
        pattern = r"\$\{S3_SECRET_ACCESS_KEY:\?[^}]*Set S3_SECRET_ACCESS_KEY[^}]*\}"
        assert re.fullmatch(pattern, value), value


SECRET_KEY = "a-long-random-string-" + "y" * 40
S3_SECRET = "object-storage-password"


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not installed")
def test_compose_refuses_to_start_without_a_secret_key_or_storage_password(tmp_path):
    (tmp_path / "no.env").write_text("")

    refused = compose_config(tmp_path, S3_SECRET_ACCESS_KEY=S3_SECRET)
    assert refused.returncode != 0
    assert "Set SECRET_KEY" in refused.stderr

    refused = compose_config(tmp_path, SECRET_KEY=SECRET_KEY)
    assert refused.returncode != 0
    assert "Set S3_SECRET_ACCESS_KEY" in refused.stderr

    accepted = compose_config(tmp_path, SECRET_KEY=SECRET_KEY, S3_SECRET_ACCESS_KEY=S3_SECRET)
    assert accepted.returncode == 0, accepted.stderr


def test_compose_runs_the_whole_stack_with_nginx_the_only_way_in():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"nginx", "web", "worker", "scheduler", "db", "redis", "objects"}
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
    assert services["nginx"]["image"].startswith("nginx:1.27")
    app = compose["x-app"]["environment"]
    assert app["CACHE_URL"].startswith("redis://redis:")
    assert app["MEDIA_STORAGE"] == "s3"
    assert app["S3_PUBLIC_BUCKET"] != app["S3_PRIVATE_BUCKET"]
    assert app["TRUSTED_PROXY_COUNT"] == "1"
    assert "SERVE_MEDIA" not in app  # media come from the object storage, through nginx
    nginx = services["nginx"]["environment"]
    assert nginx["NGINX_PUBLIC_BUCKET"] == app["S3_PUBLIC_BUCKET"]
    assert nginx["NGINX_STATIC_ROOT"] == app["STATIC_ROOT"] == "/srv/static"
    # Each start: migrations before gunicorn, then static files and buckets, all idempotent.
    command = services["web"]["command"]
    steps = [step.strip(' "\n') for step in command.split('"', 1)[1].split("&&")]
    assert [step.split()[2] for step in steps[:-1]] == [
        "migrate",
        "setup_roles",
        "collectstatic",
        "setup_storage",
    ]
    assert steps[-1].startswith("exec gunicorn --config gunicorn.conf.py")
    assert services["worker"]["command"] == "python manage.py worker"
    # A cache, not a store: nothing on disk, the least recently used keys make room.
    redis = services["redis"]["command"]
    assert redis[redis.index("--save") + 1] == ""
    assert redis[redis.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert not services["redis"].get("volumes")
    assert "STATIC_ROOT=/srv/static" in (ROOT / "Dockerfile").read_text()


# The README's commands, pasted into a shell


def project_copy(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    """The project as a newcomer's checkout: soliday/ copied (settings find .env beside
    it), the rest linked."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copytree(ROOT / "soliday", checkout / "soliday", ignore=shutil.ignore_patterns("__py*"))
    for name in ("manage.py", "Makefile"):
        shutil.copy(ROOT / name, checkout / name)
    for name in ("news", "actions", "templates", "locale", "static"):
        (checkout / name).symlink_to(ROOT / name)
    return checkout


def manage_check(checkout):
    """`.venv/bin/python manage.py check`, run by hand: no DEBUG or SECRET_KEY from make."""
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=checkout,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_writes_a_local_env_so_manage_py_works_by_hand(tmp_path):
    checkout = project_copy(tmp_path)
    refused = manage_check(checkout)
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr

    subprocess.run(["make", ".env"], cwd=checkout, check=True, capture_output=True)

    written = (checkout / ".env").read_text()
    assert re.search(r"^DEBUG=true$", written, re.MULTILINE)
    [key] = re.findall(r"^SECRET_KEY=(\S+)$", written, re.MULTILINE)
    assert len(key) >= 50
    # docker compose reads the object storage's password from it too.
    [password] = re.findall(r"^S3_SECRET_ACCESS_KEY=(\S+)$", written, re.MULTILINE)
    assert len(password) >= 30 and password != key
    checked = manage_check(checkout)
    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout

    # Run again, make keeps the file (and so the key: sessions and hashes depend on it).
    subprocess.run(["make", ".env"], cwd=checkout, check=True, capture_output=True)
    assert (checkout / ".env").read_text() == written
    # Another checkout gets another key.
    other = project_copy(tmp_path / "other")
    subprocess.run(["make", ".env"], cwd=other, check=True, capture_output=True)
    assert key not in (other / ".env").read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_names_a_superuser_target_and_install_writes_the_env():
    dry = subprocess.run(
        ["make", "-n", "superuser"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert dry.returncode == 0, dry.stderr
    assert "manage.py createsuperuser" in dry.stdout
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^install: .*\.env", makefile, re.MULTILINE)
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
