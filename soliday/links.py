"""Absolute addresses and share links, for feeds, mails, the API and sharing tags.

An absolute address starts with the origin the visitor used when there is a request
(so the portal works on any port or host it is allowed to answer on), and with
`SITE_URL` where there is none: mail sent by a worker, management commands.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.http import urlencode
from django.utils.translation import gettext as _

_request_origin = ContextVar("request_origin", default=None)


def origin():
    """The current request's scheme and host, else SITE_URL (never a trailing slash)."""
    return _request_origin.get() or settings.SITE_URL


def absolute(url):
    """`url` as an absolute address on the portal; an absolute URL stays as it is."""
    if not url or "://" in url:
        return url
    return origin() + url


def streamed(iterable):
    """`iterable` produced under the current origin: a streamed answer is made after the
    middleware has returned, when no request origin is remembered any more."""
    return _produce(iter(iterable), _request_origin.get())  # read now, not when iterated


def _produce(iterator, found):
    while True:
        token = _request_origin.set(found)
        try:
            item = next(iterator)
        except StopIteration:
            return
        finally:
            _request_origin.reset(token)
        yield item


class RequestOriginMiddleware:
    """Remember the request's origin for `absolute()` while the request is answered.

    After CommonMiddleware, which has refused a host outside ALLOWED_HOSTS already.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            found = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            found = None
        token = _request_origin.set(found)
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)


def share_links(url, title):
    """Plain links to share a page: no third-party script, nothing loaded until clicked."""
    return [
        (_("Email"), "mailto:?" + urlencode({"subject": title, "body": url}).replace("+", "%20")),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        ("VK", "https://vk.com/share.php?" + urlencode({"url": url, "title": title})),
    ]
