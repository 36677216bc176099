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

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_etags, parse_http_date_safe

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

    The body is cached by language, origin and full path with the generation it was
    made in (one cache round trip reads both); the ETag is derived from the four, so
    If-None-Match gets a 304 without running the view. Only 200 answers are cached.
    Shared caches may store the answer but must revalidate it each time, unless
    `max_age` (seconds) lets them keep it that long: for answers shown on other sites
    (the embeddable counter), where a minute's delay is worth fewer requests.
    """
    if view is None:
        return lambda view: public_cache(view, max_age=max_age)
    return _cached(view, pages=False, max_age=max_age)


def public_page(view):
    """@public_cache for a whole HTML page, for anonymous visitors only.

    A request carrying a session or messages cookie (a logged-in moderator, a
    participant just back from the form) always runs the view and is never stored:
    nothing personal, no CSRF token, is ever served to someone else. Nor is an answer
    that touched the session or the CSRF token (it says `Vary: Cookie`) or set a
    cookie. Pages also carry Last-Modified (when this generation's copy was made), so
    If-Modified-Since gets a 304 too. PUBLIC_PAGE_CACHE = False turns the store off.
    """
    return _cached(view, pages=True)


# Cookies that make a request personal: its page is neither served from nor put in the cache.
def _personal(request):
    return any(
        name in request.COOKIES
        for name in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    )


def _cached(view, *, pages, max_age=0):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if pages and (not settings.PUBLIC_PAGE_CACHE or _personal(request)):
            return view(request, *args, **kwargs)
        language = translation.get_language() or ""
        path = request.get_full_path()
        # One round trip for the generation and the stored copy: the copy is kept under
        # the language and path, with the generation it was made in.
        # The origin too: absolute links in the answer start with the host asked for.
        origin = links.origin()
        body_key = BODY_KEY + _digest(language, origin, path)
        found = cache.get_many([GENERATION_KEY, body_key])
        current = found.get(GENERATION_KEY)
        if current is None:
            current = generation()
        # The ETag moves on every BODY_SECONDS too: a page that changes with the clock (a
        # campaign opening at midnight, an article due now) is never confirmed by a 304 for
        # longer than that.
        window = int(time.time()) // BODY_SECONDS
        digest = _digest(current, language, origin, path, window)
        etag = f'"{digest[:32]}"'
        # Weak comparison, as for If-None-Match: a compressing proxy may weaken the tag.
        sent = [
            tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))
        ]
        if etag in sent:
            return _revalidated(HttpResponseNotModified(), etag, max_age=max_age)
        cached = found.get(body_key)
        if cached is not None and cached[0] == current:
            _made_in, headers, content = cached
            if pages and not sent and _not_modified_since(request, headers):
                return _revalidated(HttpResponseNotModified(), etag, headers, max_age=max_age)
            response = HttpResponse(content, headers=headers)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            if pages and ("cookie" in response.get("Vary", "").lower() or _tokened(request)):
                return response
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in ("cache-control", "etag", "set-cookie", "last-modified")
            }
            if pages:
                headers["Last-Modified"] = http_date()
            cache.set(body_key, (current, headers, response.content), BODY_SECONDS)
            if pages:
                response["Last-Modified"] = headers["Last-Modified"]
        return _revalidated(response, etag, max_age=max_age)

    return wrapped


def _tokened(request):
    """Whether the view asked for a CSRF token: its page is this visitor's alone. (The
    middleware adds its cookie and `Vary: Cookie` only after this wrapper returns.)"""
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def _not_modified_since(request, headers):
    """Whether If-Modified-Since is at or after the stored copy's Last-Modified."""
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    made = parse_http_date_safe(headers.get("Last-Modified", ""))
    return since is not None and made is not None and made <= since


def _revalidated(response, etag, headers=None, *, max_age=0):
    response["ETag"] = etag
    if headers and "Last-Modified" in headers:
        response["Last-Modified"] = headers["Last-Modified"]
    # Replaces the view's own max-age: stored, but checked with us every time (or after
    # max_age seconds).
    if "Cache-Control" in response:
        del response["Cache-Control"]
    if max_age:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, public=True, no_cache=True)
    return response
