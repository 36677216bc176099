"""The participant's form, its thanks page and the city suggestions."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import gazetteer, services
from actions.forms import SubmitForm
from actions.uploads import PhotoUploadHandler
from actions.views import receipts
from soliday import countries, ratelimit

logger = logging.getLogger(__name__)

RATE_SCOPE = "actions-submit"
# Seconds a participant is asked to wait when the database failed.
UNAVAILABLE_RETRY_AFTER = 60


@csrf_exempt  # checked by _submit(), once the upload handler below is in place
@require_http_methods(["GET", "POST"])
def submit(request):
    """The participant's form: GET shows it, POST validates and hands it to services."""
    handler = None
    if request.method == "POST":
        decision = ratelimit.hit(
            request,
            RATE_SCOPE,
            limit=settings.ACTIONS_RATE_LIMIT,
            window=settings.ACTIONS_RATE_WINDOW,
        )
        if not decision.allowed:
            return rate_limited(request, decision.retry_after)
        # Before the body is read: the one handler of this form's uploads keeps the
        # first photo (not beyond the limit) and drops any other file.
        handler = PhotoUploadHandler(
            request, field_name="photo", max_bytes=settings.ACTIONS_PHOTO_MAX_BYTES
        )
        request.upload_handlers = [handler]
    return _submit(request, handler)


@csrf_protect
def _submit(request, handler):
    try:
        return _form_page(request, handler)
    except DatabaseError:
        if request.method != "POST":
            raise
        # The transaction was rolled back and the files written in it deleted
        # (services.submit_action): nothing of this submission is stored.
        logger.warning("The database failed during a submission; nothing was stored.")
        return database_unavailable(request)


def _form_page(request, handler):
    if request.method == "POST":
        form = SubmitForm(
            request.POST, request.FILES, oversized=handler.oversized, repeated=handler.repeated
        )
        if form.honeypot_filled:
            # A robot: it sees the same thanks page as a person, and nothing is stored.
            logger.info("Dropped a submission that filled the honeypot field.")
            return receipts.give_decoy(redirect("actions:thanks"))
        if form.is_valid():
            data = form.cleaned_data
            place = form.place()
            action = services.submit_action(
                campaign=data["campaign"],
                action_type=data["action_type"],
                location_precision=data["location_precision"],
                city=place.city,
                country=place.country,
                latitude=place.latitude,
                longitude=place.longitude,
                hashtags=data["hashtags"],
                caption=data["caption"],
                alt_text=data["alt_text"],
                display_name=data["name"],
                email=data["email"],
                consent=data["consent"],
                upload=data["photo"],
                language=translation.get_language(),
                blur_faces=data["blur_faces"],
                happened_on=data["happened_on"],
            )
            services.mail_receipt_on_commit(action)
            return receipts.give(redirect("actions:thanks"), action.receipt_token)
    else:
        form = SubmitForm(preselect=request.GET.get("campaign"))
    return render(request, "actions/submit.html", {"form": form, "section": "submit"})


def database_unavailable(request):
    """503: nothing was stored; the form comes back with what was typed, but the photo."""
    context = {"form": SubmitForm.refilled(request.POST), "section": "submit", "unavailable": True}
    response = render(request, "actions/submit.html", context, status=503)
    response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER)
    return response


def rate_limited(request, retry_after):
    minutes = max(1, -(-retry_after // 60))
    message = ngettext(
        "You have sent many forms in a short time. Please try again in %(minutes)d minute.",
        "You have sent many forms in a short time. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = render(
        request,
        "actions/rate_limited.html",
        {"message": message},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


@require_GET
@receipts.private
def thanks(request):
    """Thanks, with the receipt link, shown in this browser for a short, stated time
    (see actions.views.receipts): a reload or a language switch keeps it."""
    token, seconds = receipts.take(request)
    minutes = -(-seconds // 60)
    context = {
        "receipt_url": services.receipt_url(token) if token else "",
        "receipt_notice": ngettext(
            "This page shows it in this browser for %(minutes)d more minute, even if you "
            "reload it or change the language. After that it is never shown again.",
            "This page shows it in this browser for %(minutes)d more minutes, even if you "
            "reload it or change the language. After that it is never shown again.",
            minutes,
        )
        % {"minutes": minutes},
    }
    return render(request, "actions/thanks.html", context)


@require_POST
@receipts.private
def thanks_forget(request):
    """The participant has saved the link (or is at a shared computer): stop showing it."""
    return receipts.forget(redirect("actions:thanks"))


@require_GET
@cache_control(max_age=3600)
def cities(request):
    """City suggestions for the form: {"results": [{name, country, country_name, lat, lon}]}."""
    query = request.GET.get("q", "")
    results = []
    for match in gazetteer.suggest(query):
        item = match.as_dict()
        item["country_name"] = countries.name(item["country"])
        results.append(item)
    return JsonResponse({"results": results})
