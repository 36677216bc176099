"""Absolute addresses and share links, for feeds, mails, the API and sharing tags."""

from django.conf import settings
from django.utils.http import urlencode
from django.utils.translation import gettext as _


def absolute(url):
    """`url` as an absolute address on the portal; an absolute URL stays as it is."""
    if not url or "://" in url:
        return url
    return settings.SITE_URL + url


def share_links(url, title):
    """Plain links to share a page: no third-party script, nothing loaded until clicked."""
    return [
        (_("Email"), "mailto:?" + urlencode({"subject": title, "body": url}).replace("+", "%20")),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        ("VK", "https://vk.com/share.php?" + urlencode({"url": url, "title": title})),
    ]
