"""Where media live, chosen by environment values: the local disk or S3-compatible storage.

`MEDIA_STORAGE=local` (the default, the embedded set-up): public media under MEDIA_ROOT,
private media (pending uploads, unblurred masters) under PRIVATE_MEDIA_ROOT.

`MEDIA_STORAGE=s3`: two buckets on one S3 API server (AWS, MinIO, ...):
- S3_PUBLIC_BUCKET: public renditions, news images and campaign materials. Anonymous
  reads are allowed (`manage.py setup_storage` sets the policy); names are random and
  never reused, so objects carry a year-long Cache-Control.
- S3_PRIVATE_BUCKET: pending uploads, masters and held-back renditions. No anonymous
  read: moderators see them through the permission-checked admin view.

The app reaches the server at S3_ENDPOINT_URL (empty: AWS) with S3_ACCESS_KEY_ID and
S3_SECRET_ACCESS_KEY in S3_REGION. Browsers load public media from S3_PUBLIC_URL (a proxy
in front of the bucket, or a CDN); without it, from the endpoint's path-style address of
the bucket. That origin is added to the Content Security Policy's img-src.

Kept out of settings.py so that tests and commands build the same STORAGES from other
values (tests/test_object_storage.py points it at a loopback S3 server).
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

KINDS = ("local", "s3")
# Public objects have random names that are never reused: caches may keep them a year.
PUBLIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Signed URLs of private objects, where anything asks for one, expire quickly.
PRIVATE_URL_SECONDS = 300


def object_storage(env, *, private_media_root, media_url):
    """(STORAGES without "staticfiles", MEDIA_URL, the public media origin or "")."""
    kind = env.str("MEDIA_STORAGE", default="local").strip().lower()
    if kind not in KINDS:
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE must be one of {', '.join(KINDS)}, not {kind!r}."
        )
    if kind == "local":
        storages = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": private_media_root, "base_url": None},
            },
        }
        return storages, media_url, ""

    s3 = s3_values(env)
    common = {
        "endpoint_url": s3["endpoint"] or None,
        "region_name": s3["region"],
        "access_key": s3["access_key"],
        "secret_key": s3["secret_key"],
        "addressing_style": "path" if s3["endpoint"] else None,
        "signature_version": "s3v4",
        # Every name is random (soliday.images.save_bytes) or made unique by Django.
        "file_overwrite": False,
        "default_acl": None,
    }
    public = {
        **common,
        "bucket_name": s3["public_bucket"],
        "querystring_auth": False,
        "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
    }
    if s3["public_url"]:
        parts = urlsplit(s3["public_url"])
        public["url_protocol"] = f"{parts.scheme}:"
        public["custom_domain"] = (parts.netloc + parts.path).rstrip("/")
        origin_url = s3["public_url"]
    else:
        base = s3["endpoint"] or f"https://s3.{s3['region']}.amazonaws.com"
        origin_url = f"{base}/{s3['public_bucket']}"
    private = {
        **common,
        "bucket_name": s3["private_bucket"],
        "querystring_auth": True,
        "querystring_expire": PRIVATE_URL_SECONDS,
    }
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": public},
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": private},
    }
    parts = urlsplit(origin_url)
    return storages, origin_url.rstrip("/") + "/", f"{parts.scheme}://{parts.netloc}"


def s3_values(env):
    """The S3_* environment values, checked: a mistake here would make media public or lost."""
    values = {
        "endpoint": env.str("S3_ENDPOINT_URL", default="").rstrip("/"),
        "public_bucket": env.str("S3_PUBLIC_BUCKET", default="soliday-public"),
        "private_bucket": env.str("S3_PRIVATE_BUCKET", default="soliday-private"),
        "region": env.str("S3_REGION", default="us-east-1"),
        "access_key": env.str("S3_ACCESS_KEY_ID", default=""),
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default=""),
        "public_url": env.str("S3_PUBLIC_URL", default="").rstrip("/"),
    }
    if values["public_bucket"] == values["private_bucket"]:
        raise ImproperlyConfigured(
            "S3_PUBLIC_BUCKET and S3_PRIVATE_BUCKET are the same bucket: pending photos "
            "would be public. Give the private media a bucket of their own."
        )
    if not values["access_key"] or not values["secret_key"]:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY."
        )
    for name in ("endpoint", "public_url"):
        url = values[name]
        if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
            setting = "S3_ENDPOINT_URL" if name == "endpoint" else "S3_PUBLIC_URL"
            raise ImproperlyConfigured(f"{setting} must be an http(s) URL, not {url!r}.")
    return values


def with_img_source(policy, origin):
    """The Content Security Policy with `origin` added to img-src (media on another host)."""
    if not origin:
        return policy
    return "; ".join(
        f"{directive} {origin}" if directive.split()[:1] == ["img-src"] else directive
        for directive in (d.strip() for d in policy.split(";"))
    )
