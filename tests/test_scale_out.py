"""Several web processes behind a proxy: a cache they share (Redis), and a warning when a
production set-up would give each process its own."""

import pytest
from django.core.checks import run_checks

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/15",
    }
}


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
