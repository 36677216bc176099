"""The participant's receipt: the secret link given on the thanks page (and by email).

With it the participant sees what happened to their action, asks that it is not
public before a time of their choosing, or withdraws it.

The token travels in the query string (GET) or the form body (POST), never in a
path, so the access log, which records the path only, never holds it; only its
SHA-256 is stored. Every token that opens nothing (wrong, withdrawn, purged,
missing) costs the same single query and gets the same 404 page.
"""

import functools
import mimetypes
import secrets
import time

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from actions import services
from actions.forms.receipts import NotBeforeForm, WithdrawForm
from actions.models import Action
from soliday import countries, localise

# The thanks page learns the token from a short-lived signed cookie set on the
# redirect after the form: the token is never kept on the server. One cookie per
# language (COOKIE_<code>), each sent only to that language's thanks page, so that the
# link survives a reload and a language switch, in this browser, for COOKIE_MAX_AGE.
COOKIE = "soliday_receipt"
COOKIE_SALT = "actions.receipt"
COOKIE_MAX_AGE = 30 * 60


def private(view):
    """The headers of every page that holds or takes a token, the 404 included."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _find(token):
    """The action `token` opens, or None; one indexed query whatever the token."""
    return (
        Action.objects.with_receipt(token)
        .exclude(status=Action.Status.WITHDRAWN)
        .select_related("campaign")
        .first()
    )


def _not_found(request):
    """The site's own 404 page, rendered here so that it carries the headers above.

    Its language links leave out the query string: the page is the same, byte for
    byte, whatever token was tried.
    """
    urls = {code: translate_url(request.path, code) for code, _name in settings.LANGUAGES}
    return render(request, "404.html", {"translation_urls": urls}, status=404)


# The thanks page's cookies


def cookie_name(language):
    return f"{COOKIE}_{language}"


def _thanks_pages():
    """(language, path of its thanks page) for every language."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yield code, reverse("actions:thanks")


def give(response, token):
    """Hand `token` to the thanks page that `response` redirects to, in every language,
    with the time it stops being shown."""
    expires = int(time.time()) + COOKIE_MAX_AGE
    for code, path in _thanks_pages():
        response.set_signed_cookie(
            cookie_name(code),
            f"{expires}:{token}",
            salt=COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            path=path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Strict",
        )
    return response


def give_decoy(response):
    """A token that opens nothing, for a robot caught by the honeypot: it sees the
    same thanks page as a person."""
    return give(response, secrets.token_urlsafe(32))


def take(request):
    """(token, seconds it is still shown) waiting for this language's thanks page, or
    (None, 0)."""
    value = request.get_signed_cookie(
        cookie_name(translation.get_language()),
        default=None,
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
    )
    expires, _colon, token = (value or "").partition(":")
    try:
        left = int(expires) - int(time.time())
    except ValueError:
        return None, 0
    if not token or left <= 0:
        return None, 0
    return token, min(left, COOKIE_MAX_AGE)


def forget(response):
    """Delete the cookies of every language: the link is not shown again."""
    for code, path in _thanks_pages():
        response.delete_cookie(cookie_name(code), path=path, samesite="Strict")
    return response


# Views


def _render(request, action, token, *, delay_form=None, withdraw_form=None):
    delayable = action.status in services.DELAYABLE
    context = {
        "action": action,
        "token": token,
        "country_name": countries.name(action.country) if action.country else "",
        "thumbnail": action.rendition("thumb"),
        "delayable": delayable,
        "delay_form": delay_form or NotBeforeForm(initial={"not_before": action.not_before}),
        "withdraw_form": withdraw_form or WithdrawForm(),
        # "Vilnius", "Вільнюс": a place, not the identifier Europe/Vilnius.
        "time_zone": localise.time_zone_place(settings.TIME_ZONE),
        "purge_days": settings.ACTIONS_PURGE_DAYS,
        "Status": Action.Status,
    }
    return render(request, "actions/receipt.html", context)


@require_GET
@private
def receipt(request):
    token = request.GET.get("token", "")
    action = _find(token)
    if action is None:
        return _not_found(request)
    return _render(request, action, token)


@require_POST
@private
def delay(request):
    token = request.POST.get("token", "")
    action = _find(token)
    if action is None:
        return _not_found(request)
    form = NotBeforeForm(request.POST)
    if action.status in services.DELAYABLE and not form.is_valid():
        return _render(request, action, token, delay_form=form)
    if action.status in services.DELAYABLE and services.set_not_before(
        action, form.cleaned_data["not_before"]
    ):
        messages.success(request, gettext("Your choice is saved."))
    else:
        # Rejected meanwhile: the page now says so.
        messages.error(request, gettext("This action can no longer be delayed."))
    return redirect(services.receipt_path(token))


@require_POST
@private
def withdraw(request):
    token = request.POST.get("token", "")
    action = _find(token)
    if action is None:
        return _not_found(request)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _render(request, action, token, withdraw_form=form)
    services.withdraw(action)
    return redirect("actions:receipt-withdrawn")


@require_GET
@private
def withdrawn(request):
    return render(request, "actions/receipt_withdrawn.html")


@require_GET
@private
def photo(request):
    """The participant's own photo as it is (or will be) published: the blurred thumbnail."""
    action = _find(request.GET.get("token", ""))
    rendition = action.rendition("thumb") if action is not None else None
    if rendition is None:
        return _not_found(request)
    storage = default_storage if action.renditions_public else services.private_storage()
    if not storage.exists(rendition["path"]):
        return _not_found(request)
    content_type = mimetypes.guess_type(rendition["path"])[0] or "application/octet-stream"
    return FileResponse(storage.open(rendition["path"], "rb"), content_type=content_type)
