"""Several web processes behind a proxy: nginx in front (deploy/nginx), a cache the processes
share (Redis), and a warning when a production set-up would give each process its own."""

import http.server
import json
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
import redis
import yaml
from django.conf import settings
from django.core.checks import run_checks

from soliday.middleware import PERMISSIONS_POLICY
from tests.helpers.servers import free_port, manage, project_env, start_gunicorn, wait_for

ROOT = settings.BASE_DIR
CHECK = ROOT / "deploy" / "nginx" / "check"
REDIS_URL = "redis://127.0.0.1:6379/15"
TOKEN = "SeCrEtReCeIpTtOkEn0123456789abcdefXYZ"
FORWARDED = "198.51.100.77"
USER_AGENT = "Mozilla/5.0 (NginxProbePhone 3)"
REFERER = "https://referer.example/secret-page"

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
}

needs_nginx = pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("envsubst")),
    reason="nginx (nginx-light) and envsubst (gettext-base) are not installed",
)


def deploy_warnings():
    return [message.id for message in run_checks(include_deployment_checks=True)]


@pytest.mark.parametrize(
    ("debug", "caches", "warned"),
    [(False, LOCAL, True), (False, REDIS, False), (True, LOCAL, False)],
)
def test_production_without_a_shared_cache_is_warned_about(settings, debug, caches, warned):
    settings.DEBUG = debug
    settings.CACHES = caches
    assert ("soliday.W002" in deploy_warnings()) is warned
    # Only `check --deploy` says it: development and tests keep their local cache in peace.
    assert "soliday.W002" not in [message.id for message in run_checks()]


# nginx in front: deploy/nginx/templates/default.conf.template, rendered by deploy/nginx/check


def check_nginx(output=None, **values):
    return subprocess.run(  # noqa: S603 (our own script)
        [str(CHECK), *([str(output)] if output else [])],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", **values},
        capture_output=True,
        text=True,
        check=False,
    )


def compose_nginx_values():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"]["nginx"]["environment"]


@needs_nginx
def test_the_nginx_configuration_passes_nginx_t_with_the_compose_values():
    values = {k: v for k, v in compose_nginx_values().items() if k.startswith("NGINX_")}
    # Upstream names resolve only inside the stack: loopback stands in for them.
    values.update(NGINX_UPSTREAM="127.0.0.1:8000", NGINX_MEDIA_UPSTREAM="127.0.0.1:9000")
    values.pop("NGINX_STATIC_ROOT")
    values.pop("NGINX_ENVSUBST_FILTER")
    checked = check_nginx(**values)
    assert checked.returncode == 0, checked.stderr
    assert "the configuration is valid" in checked.stdout


@needs_nginx
def test_a_broken_nginx_value_fails_the_check():
    checked = check_nginx(NGINX_MAX_BODY_SIZE="a lot")
    assert checked.returncode != 0
    assert "client_max_body_size" in checked.stderr


def test_nginx_takes_a_whole_photo_form_and_not_much_more():
    size = compose_nginx_values()["NGINX_MAX_BODY_SIZE"]
    megabytes = int(re.fullmatch(r"(\d+)m", size).group(1))
    # The photo at its largest, and up to a megabyte for the form's other fields.
    assert (
        settings.ACTIONS_PHOTO_MAX_BYTES
        < megabytes * 2**20
        <= settings.ACTIONS_PHOTO_MAX_BYTES + 2**20
    )


def test_nginx_sends_the_portals_own_headers_on_what_it_serves_itself():
    template = (ROOT / "deploy/nginx/templates/default.conf.template").read_text()
    [csp] = re.findall(r'set \$soliday_csp "([^"]+)";', template)
    [permissions] = re.findall(r'set \$soliday_permissions "([^"]+)";', template)
    assert permissions == PERMISSIONS_POLICY
    assert csp == settings.CONTENT_SECURITY_POLICY


class Upstream(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn and the object storage: answers 200 and records each request."""

    protocol_version = "HTTP/1.1"
    seen = []

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.seen.append((self.command, self.path, dict(self.headers), len(body)))
        data = b"upstream"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx(tmp_path):
    """nginx with the template, in front of a stand-in upstream; (base URL, logs, seen)."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    Upstream.seen = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{upstream.server_address[1]}"
    port = free_port()
    prefix = tmp_path / "nginx"
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.0123abcd.css").write_text("body { color: black; }\n" * 100)
    checked = check_nginx(
        prefix,
        NGINX_PORT=str(port),
        NGINX_UPSTREAM=address,
        NGINX_MEDIA_UPSTREAM=address,
        NGINX_STATIC_ROOT=str(static),
        NGINX_ACCESS_LOG=str(tmp_path / "access.log"),
        NGINX_ERROR_LOG=str(tmp_path / "error.log"),
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(  # noqa: S603
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(port, process)
        yield f"http://127.0.0.1:{port}", tmp_path, Upstream.seen
    finally:
        process.terminate()
        process.communicate(timeout=10)
        upstream.shutdown()


def request(url, *, method="GET", data=None, headers=None):
    """(status, headers, body)."""
    sent = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(sent, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def log_lines(path, count, seconds=5):
    """The log's lines once it has `count` (nginx writes a line after the answer is sent)."""
    deadline = time.monotonic() + seconds
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


@needs_nginx
def test_nginx_logs_no_query_string_address_user_agent_or_referer(nginx):
    base, logs, seen = nginx
    headers = {"X-Forwarded-For": FORWARDED, "User-Agent": USER_AGENT, "Referer": REFERER}
    assert request(f"{base}/en/actions/receipt/?token={TOKEN}", headers=headers)[0] == 200
    assert request(f"{base}/static/css/site.0123abcd.css?v={TOKEN}", headers=headers)[0] == 200
    assert request(f"{base}/static/missing.css?token={TOKEN}", headers=headers)[0] == 404

    lines = log_lines(logs / "access.log", 3)
    assert len(lines) == 3, lines
    assert '"GET /en/actions/receipt/" 200 ' in lines[0]
    assert '"GET /static/css/site.0123abcd.css" 200 ' in lines[1]
    assert '"GET /static/missing.css" 404 ' in lines[2]
    assert all(re.search(r" \d+\.\d{3}s$", line) for line in lines), lines
    everything = "\n".join(lines) + (logs / "error.log").read_text()
    for secret in (TOKEN, FORWARDED, "127.0.0.1", "NginxProbePhone", "referer.example", "token="):
        assert secret not in everything, secret
    # The app sees the address nginx saw, never the one the client claimed.
    [(_method, path, upstream_headers, _size)] = seen
    assert path == f"/en/actions/receipt/?token={TOKEN}"
    assert upstream_headers["X-Forwarded-For"] == "127.0.0.1"


@needs_nginx
def test_nginx_serves_static_files_for_a_year_compressed_with_the_portals_headers(nginx):
    base, _logs, seen = nginx
    status, headers, _body = request(
        f"{base}/static/css/site.0123abcd.css", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert seen == []  # gunicorn was not asked


@needs_nginx
def test_nginx_refuses_a_body_over_the_forms_limit_before_gunicorn_sees_it(nginx):
    base, _logs, seen = nginx
    photo = b"x" * (25 * 2**20)
    assert request(f"{base}/en/actions/submit/", method="POST", data=photo)[0] == 200
    assert (
        request(f"{base}/en/actions/submit/", method="POST", data=photo + b"x" * (2**20 + 1))[0]
        == 413
    )
    assert [(method, path, size) for method, path, _headers, size in seen] == [
        ("POST", "/en/actions/submit/", len(photo))
    ]


@needs_nginx
def test_nginx_reads_public_media_from_the_public_bucket_only(nginx):
    base, _logs, seen = nginx
    cookie = {"Cookie": "sessionid=moderator-session", "Authorization": "Bearer x"}
    assert request(f"{base}/media/actions/0123abcd.jpg", headers=cookie)[0] == 200
    assert request(f"{base}/media/")[0] == 404  # no listing
    assert request(f"{base}/media/actions/planted.jpg", method="PUT", data=b"x")[0] in (403, 404)
    [(method, path, headers, _size)] = seen
    assert (method, path) == ("GET", "/soliday-public/actions/0123abcd.jpg")
    assert "Cookie" not in headers and "Authorization" not in headers


# Two gunicorn processes sharing Redis, as two web containers behind nginx


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


SEED = """
import datetime
from django.contrib.auth.models import User
from actions import services
from actions.models import ActionType, Campaign
campaign = Campaign.objects.create(
    slug="4august", name_en="Day of Solidarity", starts_on=datetime.date(2026, 8, 4),
    action_types=[ActionType.PICKET], is_active=True,
)
moderator = User.objects.create_user("moderator", is_staff=True)
action = services.submit_action(
    campaign=campaign, action_type=ActionType.PICKET, city="Warsaw", country="PL",
    latitude=52.23, longitude=21.01, hashtags=["4august"], caption="Lanterns", alt_text="",
    display_name="", email="", consent=True, upload=None, language="en",
    location_precision="exact",
)
services.approve([action], moderator)
"""


@pytest.fixture
def two_web_processes(tmp_path, shared_redis):
    """Two gunicorn processes (one worker each) on one database and one Redis cache."""
    env = project_env(
        tmp_path,
        CACHE_URL=REDIS_URL,
        ACTIONS_RATE_LIMIT="3",
        ACTIONS_MIN_CITY_COUNT="1",
        TRUSTED_PROXY_COUNT="1",
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-c", SEED)
    ports = [free_port(), free_port()]
    processes = []
    try:
        for port in ports:
            processes.append(start_gunicorn(env, port))
        yield env, [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.communicate(timeout=30)


def csrf_form(base):
    """A fresh browser's CSRF cookie and the form's token, from the submission page."""
    status, headers, body = request(f"{base}/en/actions/submit/")
    assert status == 200
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    return cookie, token


def test_two_web_processes_share_the_rate_limit(two_web_processes):
    _env, (first, second) = two_web_processes
    cookie, token = csrf_form(first)
    headers = {
        "Cookie": f"csrftoken={cookie}",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": FORWARDED,
    }
    data = f"csrfmiddlewaretoken={token}&caption=nothing+else".encode()
    statuses = [
        request(f"{base}/en/actions/submit/", method="POST", data=data, headers=headers)[0]
        for base in (first, second, first, second)
    ]
    # The form comes back with its errors three times, then the limit of 3 holds, whichever
    # process answers.
    assert statuses == [200, 200, 200, 429]
    # Another client is counted on its own.
    other = {**headers, "X-Forwarded-For": "203.0.113.9"}
    assert (
        request(f"{second}/en/actions/submit/", method="POST", data=data, headers=other)[0] == 200
    )


def geojson_cities(base):
    status, _headers, body = request(f"{base}/api/actions.geojson")
    assert status == 200
    return [feature["properties"]["city"] for feature in json.loads(body)["features"]]


def test_a_takedown_is_seen_by_both_web_processes_at_once(two_web_processes):
    env, (first, second) = two_web_processes
    # Both have answered (and cached the answer under the current generation).
    assert geojson_cities(first) == geojson_cities(second) == ["Warsaw"]
    assert geojson_cities(first) == geojson_cities(second) == ["Warsaw"]

    manage(env, "takedown", "--city", "Warsaw", "--country", "PL", "--reason", "Police raid")

    assert geojson_cities(first) == []
    assert geojson_cities(second) == []


def test_a_redis_cache_url_uses_djangos_own_redis_backend(tmp_path):
    env = project_env(tmp_path, CACHE_URL=REDIS_URL)
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    backend = manage(env, "shell", "--no-imports", "-c", code).stdout.strip()
    assert backend == "django.core.cache.backends.redis.RedisCache"


@pytest.mark.parametrize(
    ("cache_url", "stored"), [(None, "False"), (REDIS_URL, "True"), ("locmemcache://x", "False")]
)
def test_whole_pages_are_stored_by_default_only_where_every_process_shares_the_cache(
    tmp_path, cache_url, stored
):
    # With a per-process cache, a takedown in one web process would not reach the pages
    # another process keeps: the page cache waits for a shared cache.
    env = project_env(tmp_path, **({"CACHE_URL": cache_url} if cache_url else {}))
    code = "from django.conf import settings; print(settings.PUBLIC_PAGE_CACHE)"
    assert manage(env, "shell", "--no-imports", "-c", code).stdout.strip() == stored
