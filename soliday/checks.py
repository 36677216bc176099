"""Configuration mistakes that would make private files public: refuse to start."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def private_media_is_not_public(app_configs, **kwargs):
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
