"""Configuration mistakes: private files made public (refuse to start), and a production
set-up whose web processes would not share their cache (warn under `check --deploy`)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

# Cache backends that live inside one process: each web process would count its own rate
# limits and keep its own public-content generation.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


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


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The cache is per-process: each web process counts its own rate limits and may "
            "serve public answers that another process already invalidated.",
            hint="Set CACHE_URL to a shared cache, e.g. redis://127.0.0.1:6379/1.",
            id="soliday.W002",
        )
    ]
