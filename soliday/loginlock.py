"""The admin login's lockout (django-axes), keeping no client address or user agent.

axes counts failed logins per account and client in its database tables, shared by every
web process. Here both are pseudonyms, salted hashes: the client's network (an IPv6 client
is its /64), seen through `TRUSTED_PROXY_COUNT` proxies as the submission rate limit sees
it, and the username typed (a password typed into the username field is never kept).
axes keeps the client in an IP address column, so its hash is written as an address from
the private range fd00::/8 that no client has; the user agent and Accept header are
never kept. The settings that wire this in are beside `AXES_HANDLER` in settings.py.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from soliday.ratelimit import client_network

# fd00::/8, the locally assigned unique local addresses: never a client on the internet.
PSEUDONYM_PREFIX = 0xFD


def username_pseudonym(request, credentials=None):
    """What axes stores for the account: a salted hash of the username, whatever its case."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not username:
        return None
    return salted_hmac(
        "soliday.loginlock.username", username.casefold(), algorithm="sha256"
    ).hexdigest()


def client_pseudonym(request):
    """What axes stores for the client: a salted hash of its network, shaped as an address."""
    digest = bytearray(
        salted_hmac("soliday.loginlock", client_network(request), algorithm="sha256").digest()[:16]
    )
    digest[0] = PSEUDONYM_PREFIX
    return str(ipaddress.IPv6Address(bytes(digest)))


class PseudonymousDatabaseHandler(AxesDatabaseHandler):
    """axes' database handler, except that the user agent and Accept header are not kept."""

    @staticmethod
    def forget_the_browser(request):
        if request is not None:
            request.axes_user_agent = ""
            request.axes_http_accept = ""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        self.forget_the_browser(request)
        return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        self.forget_the_browser(request)
        return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        self.forget_the_browser(request)
        return super().user_logged_out(sender, request, user, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """The page a locked-out login gets, in the language the browser asks for."""
    context = {
        **admin.site.each_context(request),
        "title": "",
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/locked_out.html", context, status=429)
