"""Public answers cached until public content changes, and never a second longer.

A "public generation" number lives in the shared cache. Everything that changes
what the public sees (an action released or concealed, a takedown and its
lifting, a moderator's edit of a public action) calls `bump_on_commit()`, which
moves the number on once the change is committed. `@public_cache` keys the
cached body and the ETag by the generation, so the first request after a bump
misses, and a shared proxy, told `Cache-Control: public, no-cache`, revalidates
every time: it gets a cheap 304 while nothing changed, and the new answer the
moment anything did.

Should the cache lose the number (eviction, restart), it starts again from the
clock, never from a value an older answer may still be keyed by.
"""

import hashlib
import time
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from soliday import links

GENERATION_KEY = "publiccache:generation"
BODY_KEY = "publiccache:body:"
# How long a body is kept: a bump makes it unreachable at once, the timeout only
# frees the memory (and bounds anything changed outside bump_on_commit()).
BODY_SECONDS = 60


def generation():
    """The current public generation (started from the clock when missing)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def bump():
    """Every cached public answer is stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # missing: start again from the clock, past every older value
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def bump_on_commit():
    """bump() once the caller's transaction is committed (at once outside one)."""
    transaction.on_commit(bump)


def _digest(*parts):
    return hashlib.sha256("\n".join(str(part) for part in parts).encode()).hexdigest()


def public_cache(view=None, *, max_age=0):
    """Serve a public GET from the shared cache while the public generation is unchanged.

    The body is cached by (generation, language, origin, full path); the ETag is derived from
    the same, so If-None-Match gets a 304 without running the view. Only 200 answers
    are cached. Shared caches may store the answer but must revalidate it each time,
    unless `max_age` (seconds) lets them keep it that long: for answers shown on other
    sites (the embeddable counter), where a minute's delay is worth fewer requests.
    """
    if view is None:
        return lambda view: public_cache(view, max_age=max_age)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        current = generation()
        language = translation.get_language() or ""
        path = request.get_full_path()
        # The origin too: absolute links in the answer start with the host asked for.
        digest = _digest(current, language, links.origin(), path)
        etag = f'"{digest[:32]}"'
        # Weak comparison, as for If-None-Match: a compressing proxy may weaken the tag.
        sent = [
            tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))
        ]
        if etag in sent:
            return _revalidated(HttpResponseNotModified(), etag, max_age)
        cached = cache.get(BODY_KEY + digest)
        if cached is not None:
            headers, content = cached
            response = HttpResponse(content, headers=headers)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in ("cache-control", "etag", "set-cookie")
            }
            cache.set(BODY_KEY + digest, (headers, response.content), BODY_SECONDS)
        return _revalidated(response, etag, max_age)

    return wrapped


def _revalidated(response, etag, max_age=0):
    response["ETag"] = etag
    # Replaces the view's own max-age: stored, but checked with us every time (or after
    # max_age seconds).
    if "Cache-Control" in response:
        del response["Cache-Control"]
    if max_age:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, public=True, no_cache=True)
    return response
