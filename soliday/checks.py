"""Configuration mistakes: private files made public (an error: refuse to start), links
that would point where the site does not answer (a warning), and a production set-up whose
web processes would not share their cache (a warning under `check --deploy`)."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.checks import Error, Tags, register
from django.http.request import validate_host

from soliday import cache_settings


@register()
def private_media_is_not_public(app_configs, **kwargs):
    # With MEDIA_STORAGE=s3, soliday.storage_settings refuses one bucket for both.
    if settings.MEDIA_STORAGE != "local":
        return []
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    public = Path(settings.MEDIA_ROOT).resolve()
    if private == public or public in private.parents or private in public.parents:
        return [
            Error(
                "PRIVATE_MEDIA_ROOT and MEDIA_ROOT overlap: pending photos would be public.",
                hint="Set PRIVATE_MEDIA_ROOT to a folder outside MEDIA_ROOT.",
                id="soliday.E001",
            )
        ]
    return []


@register(deploy=False)
def site_url_is_allowed(app_configs, **kwargs):
    """SITE_URL is what mails from the worker link to: a host the site does not answer on
    would make every such link fail (e.g. `PORT=8711 make run` with an old SITE_URL)."""
    site = urlsplit(settings.SITE_URL)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # what Django accepts then
    host = site.hostname or ""
    if ":" in host:  # IPv6, written as ALLOWED_HOSTS writes it
        host = f"[{host}]"
    if site.scheme in ("http", "https") and site.hostname and validate_host(host, allowed):
        return []
    return [
        checks.Warning(
            f"SITE_URL ({settings.SITE_URL}) is not an http(s) address on a host in "
            f"ALLOWED_HOSTS ({', '.join(settings.ALLOWED_HOSTS) or 'empty'}): links in mails "
            "and from commands would point where the site does not answer.",
            hint="Set SITE_URL to the address visitors use, e.g. https://soliday.example.",
            id="soliday.W001",
        )
    ]


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    if settings.DEBUG or cache_settings.is_shared(settings.CACHES):
        return []
    return [
        checks.Warning(
            "The cache is per-process: each web process counts its own rate limits and may "
            "serve public answers that another process already invalidated (whole pages "
            "are therefore not stored unless PUBLIC_PAGE_CACHE says so).",
            hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1.",
            id="soliday.W002",
        )
    ]
