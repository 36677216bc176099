"""A visitor reports a public photo ("Report this photo / I am in this photo")."""

import logging

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from actions import public, services
from actions.forms import ReportForm
from actions.views.submission import rate_limited
from soliday import ratelimit

logger = logging.getLogger(__name__)

RATE_SCOPE = "actions-report"


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, pk):
    """The report form of a public action: GET shows it, POST files the report."""
    action = get_object_or_404(public.actions(), pk=pk)
    if request.method == "POST":
        decision = ratelimit.hit(
            request,
            RATE_SCOPE,
            limit=settings.ACTIONS_REPORT_RATE_LIMIT,
            window=settings.ACTIONS_RATE_WINDOW,
        )
        if not decision.allowed:
            return rate_limited(request, decision.retry_after)
        form = ReportForm(request.POST)
        if form.honeypot_filled:
            logger.info("Dropped a report that filled the honeypot field.")
            return redirect("actions:report-sent", pk=action.pk)
        if form.is_valid():
            services.file_report(
                action,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                contact=form.cleaned_data["contact"],
            )
            return redirect("actions:report-sent", pk=action.pk)
    else:
        form = ReportForm()
    context = {"form": form, "action": action, "title": public.title(action), "section": "gallery"}
    return render(request, "actions/report.html", context)


@never_cache
def report_sent(request, pk):
    """What happens next. The same page whatever was sent, for any public action."""
    action = get_object_or_404(public.actions(), pk=pk)
    return render(request, "actions/report_sent.html", {"action": action, "section": "gallery"})
