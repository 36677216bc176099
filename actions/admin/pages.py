"""Pages and messages the moderators' admin shares: confirmations asking for a reason,
and what a decision, a takedown or a lifting did."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

from actions.models import Action


def confirmation_page(model_admin, request, template, form, *, title, bulk=False, **extra):
    """A page that asks for a reason before going on (admin/actions/confirmation.html).
    For an admin action (`bulk`), it sends the selection back with the reason."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "form": form,
        **extra,
    }
    if bulk:
        context.update(
            bulk=True,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            select_across=request.POST.get("select_across", "0"),
        )
    return TemplateResponse(request, template, context)


def report_takedown(model_admin, request, takedown):
    message = ngettext(
        "Takedown made: %(count)d action is hidden.",
        "Takedown made: %(count)d actions are hidden.",
        takedown.hidden_count,
    )
    model_admin.message_user(request, message % {"count": takedown.hidden_count}, messages.SUCCESS)


def report_decision(model_admin, request, outcome, *, approved):
    """Tell the moderator what a decision did, one message per kind of result."""
    count = len(outcome.decided)
    if approved:
        done = ngettext("%(count)d action approved.", "%(count)d actions approved.", count)
    else:
        done = ngettext("%(count)d action rejected.", "%(count)d actions rejected.", count)
    level = messages.SUCCESS if count else messages.WARNING
    model_admin.message_user(request, done % {"count": count}, level)
    if count := len(outcome.already_decided):
        message = ngettext(
            "%(count)d action was skipped: another decision was made first.",
            "%(count)d actions were skipped: another decision was made first.",
            count,
        )
        model_admin.message_user(request, message % {"count": count}, messages.WARNING)
    deleted = [a for a in outcome.photo_not_ready if a.photo_status == Action.PhotoStatus.REMOVED]
    if count := len(outcome.photo_not_ready) - len(deleted):
        message = ngettext(
            "%(count)d action was not approved: its photo is still being processed "
            "or processing failed.",
            "%(count)d actions were not approved: their photos are still being "
            "processed or processing failed.",
            count,
        )
        model_admin.message_user(request, message % {"count": count}, messages.WARNING)
    if count := len(deleted):
        message = ngettext(
            "%(count)d action was not approved: its photo was deleted when it was rejected.",
            "%(count)d actions were not approved: their photos were deleted when they "
            "were rejected.",
            count,
        )
        model_admin.message_user(request, message % {"count": count}, messages.WARNING)
    if count := len(outcome.failed):
        message = ngettext(
            "%(count)d action could not be changed because of a storage error; try again.",
            "%(count)d actions could not be changed because of a storage error; try again.",
            count,
        )
        model_admin.message_user(request, message % {"count": count}, messages.ERROR)


def report_lift(model_admin, request, lifted):
    """Tell the moderator what lifting takedowns did (services.takedowns.Lifted each)."""
    count = sum(1 for result in lifted if result.was_active)
    already = len(lifted) - count
    released = sum(result.released for result in lifted)
    elsewhere = sum(result.elsewhere for result in lifted)
    failed = sum(result.failed for result in lifted)
    summary = ngettext("%(count)d takedown lifted.", "%(count)d takedowns lifted.", count) % {
        "count": count
    }
    summary += " " + ngettext(
        "%(count)d action is public again (or waits for its publication time).",
        "%(count)d actions are public again (or wait for their publication time).",
        released,
    ) % {"count": released}
    model_admin.message_user(request, summary, messages.SUCCESS if count else messages.WARNING)
    if already:
        message = ngettext(
            "%(count)d takedown had already been lifted.",
            "%(count)d takedowns had already been lifted.",
            already,
        )
        model_admin.message_user(request, message % {"count": already}, messages.WARNING)
    if elsewhere:
        message = ngettext(
            "%(count)d action stays hidden: another active takedown matches it.",
            "%(count)d actions stay hidden: another active takedown matches them.",
            elsewhere,
        )
        model_admin.message_user(request, message % {"count": elsewhere}, messages.WARNING)
    if failed:
        message = ngettext(
            "%(count)d action could not be released because of a storage error; lift again.",
            "%(count)d actions could not be released because of a storage error; lift again.",
            failed,
        )
        model_admin.message_user(request, message % {"count": failed}, messages.ERROR)
