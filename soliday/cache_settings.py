"""The cache, as settings read it: which backend CACHE_URL names, and whether every web
process shares it (what the public cache's invalidation relies on)."""

from urllib.parse import urlsplit

# Cache backends that live inside one process: each web process would count its own rate
# limits and keep its own public-content generation.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def caches(env):
    """CACHES from CACHE_URL: per-process memory by default; redis:// and rediss:// use
    Django's own Redis backend."""
    default = env.cache("CACHE_URL", default="locmemcache://soliday")
    if urlsplit(default.get("LOCATION") or "").scheme in ("redis", "rediss"):
        default["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
    return {"default": default}


def is_shared(caches):
    """Whether every process sees the same default cache."""
    return caches["default"]["BACKEND"] not in PER_PROCESS_CACHES
