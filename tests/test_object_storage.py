"""Media on S3-compatible object storage (MEDIA_STORAGE=s3), against a real S3 API server on
loopback (moto's, started by this module; no network): public renditions readable by anyone,
pending photos by nobody without keys, and every workflow leaves no object behind."""

import io
import json
import logging
import urllib.error
import urllib.request
import uuid
from types import SimpleNamespace

import boto3
import environ
import pytest
from botocore.exceptions import ClientError
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from actions import services
from actions.models import Action
from soliday import storage_settings
from tests.helpers.images import jpeg_with_everything
from tests.helpers.servers import manage, project_env

pytestmark = pytest.mark.usefixtures("in_english", "every_city_named")

KEYS = {"S3_ACCESS_KEY_ID": "test-access-key", "S3_SECRET_ACCESS_KEY": "test-secret-key"}


@pytest.fixture(scope="module")
def s3_server():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line for every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def storage_env(monkeypatch, **values):
    for name in ("MEDIA_STORAGE", "S3_ENDPOINT_URL", "S3_PUBLIC_URL", *KEYS):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


def object_storage(monkeypatch, tmp_path, **values):
    return storage_settings.object_storage(
        storage_env(monkeypatch, **values),
        private_media_root=tmp_path / "private",
        media_url="/media/",
    )


@pytest.fixture
def buckets(s3_server, settings, monkeypatch, tmp_path):
    """The site on two fresh buckets of the loopback server, set up by `setup_storage`."""
    suffix = uuid.uuid4().hex[:12]
    public, private = f"public-{suffix}", f"private-{suffix}"
    values = {
        "MEDIA_STORAGE": "s3",
        "S3_ENDPOINT_URL": s3_server,
        "S3_PUBLIC_BUCKET": public,
        "S3_PRIVATE_BUCKET": private,
        **KEYS,
    }
    stores, _media_url, _origin = object_storage(monkeypatch, tmp_path, **values)
    settings.STORAGES = {**settings.STORAGES, **stores}
    settings.MEDIA_STORAGE = "s3"
    out = io.StringIO()
    call_command("setup_storage", stdout=out)
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id=KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["S3_SECRET_ACCESS_KEY"],
    )
    return SimpleNamespace(
        url=s3_server, public=public, private=private, client=client, output=out.getvalue()
    )


def keys(buckets, bucket):
    answer = buckets.client.list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in answer.get("Contents", []))


def anonymous_get(url):
    """(status, headers, body) of a GET without any credentials."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def object_url(buckets, bucket, key):
    return f"{buckets.url}/{bucket}/{key}"


def test_a_pending_photo_is_private_and_an_approved_one_public_without_metadata(
    buckets, submitted, moderator, django_capture_on_commit_callbacks, visitor
):
    pending = submitted(photo=jpeg_with_everything())
    stored = [r["path"] for r in pending.renditions] + [pending.photo]
    assert keys(buckets, buckets.private) == sorted(stored)
    assert keys(buckets, buckets.public) == []
    for key in stored:
        status, _headers, _body = anonymous_get(object_url(buckets, buckets.private, key))
        assert status == 403, key

    with django_capture_on_commit_callbacks(execute=True):
        services.approve([pending], moderator)
    action = Action.objects.get(pk=pending.pk)
    public_keys = sorted(r["path"] for r in action.renditions)
    assert keys(buckets, buckets.public) == public_keys
    # The master and the private copies went with the decision.
    assert keys(buckets, buckets.private) == []
    for key in public_keys:
        status, headers, body = anonymous_get(object_url(buckets, buckets.public, key))
        assert status == 200, key
        assert headers["Cache-Control"] == storage_settings.PUBLIC_CACHE_CONTROL
        for secret in (b"PhoneMaker", b"Participant Name", b"Exif\x00\x00", b"ICC_PROFILE"):
            assert secret not in body, (key, secret)
        with Image.open(io.BytesIO(body)) as image:
            assert not image.getexif()
    # Pages point browsers at the public bucket.
    page = visitor.get(reverse("actions:detail", args=[action.pk])).content.decode()
    display = action.rendition("display")["path"]
    assert object_url(buckets, buckets.public, display) in page


def test_a_moderator_sees_a_pending_photo_through_the_admin_and_a_visitor_does_not(
    buckets, submitted, moderator_client, visitor
):
    action = submitted()
    url = reverse("admin:actions_action_photo", args=[action.pk, "master"])
    response = moderator_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (640, 480)
    assert visitor.get(url).status_code == 404


def test_a_takedown_removes_the_public_objects_before_the_command_returns(
    buckets, approved, django_capture_on_commit_callbacks
):
    action = approved(city="Warsaw", country="PL", latitude=52.23, longitude=21.01)
    public_keys = [r["path"] for r in action.renditions]
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "takedown", city="Warsaw", country="PL", reason="Police raid", stdout=io.StringIO()
        )
    assert keys(buckets, buckets.public) == []
    for key in public_keys:
        assert anonymous_get(object_url(buckets, buckets.public, key))[0] in (403, 404)
    action.refresh_from_db()
    # Held back privately, under new names, until the takedown is lifted.
    assert keys(buckets, buckets.private) == sorted(r["path"] for r in action.renditions)


def test_a_withdrawal_removes_the_public_objects_at_once(
    buckets, approved, django_capture_on_commit_callbacks
):
    action = approved()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(action)
    assert keys(buckets, buckets.public) == []
    assert keys(buckets, buckets.private) == []


def test_nothing_is_left_behind_after_rejection_and_purge(
    buckets, submitted, moderator, django_capture_on_commit_callbacks
):
    action = submitted()
    assert keys(buckets, buckets.private)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject([action], moderator, "Faces are visible")
    assert keys(buckets, buckets.private) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.purge(0)
    assert not Action.objects.filter(pk=action.pk).exists()
    assert keys(buckets, buckets.public) == keys(buckets, buckets.private) == []


def test_setup_storage_lets_anyone_read_the_public_bucket_only_and_is_idempotent(buckets):
    assert f"Created bucket {buckets.public}: anyone may read its objects." in buckets.output
    assert f"Created bucket {buckets.private}: private." in buckets.output
    policy = json.loads(buckets.client.get_bucket_policy(Bucket=buckets.public)["Policy"])
    [statement] = policy["Statement"]
    assert statement["Action"] == ["s3:GetObject"]
    assert statement["Resource"] == [f"arn:aws:s3:::{buckets.public}/*"]
    with pytest.raises(ClientError):
        buckets.client.get_bucket_policy(Bucket=buckets.private)
    again = io.StringIO()
    call_command("setup_storage", stdout=again)
    assert f"Checked bucket {buckets.public}" in again.getvalue()
    assert f"Checked bucket {buckets.private}: private." in again.getvalue()


def test_setup_storage_takes_minio_not_implementing_public_access_blocks(buckets, monkeypatch):
    from django.core.files.storage import storages

    client = storages["private"].connection.meta.client
    refusal = ClientError({"Error": {"Code": "NotImplemented"}}, "PutPublicAccessBlock")

    def not_implemented(**kwargs):
        raise refusal

    monkeypatch.setattr(client, "put_public_access_block", not_implemented)
    out = io.StringIO()
    call_command("setup_storage", stdout=out)
    assert f"Checked bucket {buckets.private}: private." in out.getvalue()


def test_setup_storage_reports_a_refusal(buckets, monkeypatch):
    from django.core.files.storage import storages

    client = storages["default"].connection.meta.client

    def refused(**kwargs):
        raise ClientError({"Error": {"Code": "AccessDenied"}}, "PutBucketPolicy")

    monkeypatch.setattr(client, "put_bucket_policy", refused)
    with pytest.raises(CommandError, match="refused"):
        call_command("setup_storage", stdout=io.StringIO())


def test_setup_storage_on_the_local_disk_does_nothing(settings):
    out = io.StringIO()
    call_command("setup_storage", stdout=out)
    assert "nothing to do" in out.getvalue()


# The settings: environment values choose the storage, and mistakes are refused.


def test_the_local_disk_stays_the_default(monkeypatch, tmp_path):
    stores, media_url, origin = object_storage(monkeypatch, tmp_path)
    assert stores["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert stores["private"]["OPTIONS"] == {"location": tmp_path / "private", "base_url": None}
    assert (media_url, origin) == ("/media/", "")


def test_public_media_on_their_own_origin_join_the_content_security_policy(monkeypatch, tmp_path):
    stores, media_url, origin = object_storage(
        monkeypatch,
        tmp_path,
        MEDIA_STORAGE="s3",
        S3_ENDPOINT_URL="http://objects:9000",
        S3_PUBLIC_URL="https://media.example.org/soliday",
        **KEYS,
    )
    public = stores["default"]["OPTIONS"]
    assert (public["url_protocol"], public["custom_domain"]) == (
        "https:",
        "media.example.org/soliday",
    )
    assert public["querystring_auth"] is False
    assert stores["private"]["OPTIONS"]["querystring_auth"] is True
    assert media_url == "https://media.example.org/soliday/"
    policy = storage_settings.with_img_source("default-src 'none'; img-src 'self' data:", origin)
    assert policy == "default-src 'none'; img-src 'self' data: https://media.example.org"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be one of local, s3"),
        (
            {"MEDIA_STORAGE": "s3", "S3_PUBLIC_BUCKET": "one", "S3_PRIVATE_BUCKET": "one", **KEYS},
            "pending photos would be public",
        ),
        ({"MEDIA_STORAGE": "s3"}, "needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"),
        (
            {"MEDIA_STORAGE": "s3", "S3_ENDPOINT_URL": "objects:9000", **KEYS},
            "S3_ENDPOINT_URL must be an http",
        ),
    ],
)
def test_a_wrong_storage_setting_is_refused_with_the_reason(monkeypatch, tmp_path, values, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        object_storage(monkeypatch, tmp_path, **values)


def test_the_site_on_object_storage_shows_media_from_their_origin(tmp_path):
    env = project_env(
        tmp_path,
        MEDIA_STORAGE="s3",
        S3_ENDPOINT_URL="http://objects:9000",
        S3_PUBLIC_URL="https://media.example.org",
        **KEYS,
    )
    code = (
        "from django.conf import settings; "
        "print(settings.MEDIA_URL, settings.SERVE_MEDIA, settings.CONTENT_SECURITY_POLICY, sep='|')"
    )
    media_url, serve_media, policy = (
        manage(env, "shell", "--no-imports", "-c", code).stdout.strip().split("|")
    )
    assert (media_url, serve_media) == ("https://media.example.org/", "False")
    img_src = next(d.strip() for d in policy.split(";") if d.strip().startswith("img-src"))
    assert img_src == "img-src 'self' data: https://media.example.org"
