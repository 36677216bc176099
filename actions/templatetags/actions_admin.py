"""Template tags for the admin: the moderation queue at a glance, and the public's reports
at the top of it."""

import datetime
import statistics

from django import template
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext

from actions.models import Action, Report

register = template.Library()


def _may_moderate(context):
    return context["request"].user.has_perm("actions.view_action")


@register.simple_tag(takes_context=True)
def moderation_queue(context):
    """The queue at a glance for the admin index, or None for staff who cannot see it:
    its length, the oldest wait, today's decisions and their median time, open reports.
    Three queries, whatever the queue's length (today's decisions are two dates each)."""
    if not _may_moderate(context):
        return None
    now = timezone.now()
    queue = Action.objects.pending().aggregate(length=Count("pk"), oldest=Min("submitted_at"))
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    decided = (
        Action.objects.filter(moderated_at__gte=start)
        .exclude(status=Action.Status.PENDING)
        .values_list("submitted_at", "moderated_at")
    )
    waits = [(moderated - submitted).total_seconds() for submitted, moderated in decided]
    median = datetime.timedelta(seconds=round(statistics.median(waits))) if waits else None
    return {
        "pending": queue["length"],
        "oldest": queue["oldest"],
        "decided_today": len(waits),
        "median_wait": median,
        "open_reports": Report.objects.open().count(),
    }


@register.simple_tag(takes_context=True)
def open_reports(context, limit=20):
    """The open reports for the top of the queue, oldest first, with their actions
    (one query), or None for staff who cannot act on them."""
    if not context["request"].user.has_perm("actions.change_report"):
        return None
    return list(
        Report.objects.open()
        .select_related("action")
        .only(
            "pk",
            "reason",
            "details",
            "created_at",
            "action__id",
            "action__status",
            "action__action_type",
            "action__city",
        )  # fmt: skip
        .order_by("created_at", "id")[:limit]
    )


@register.filter
def duration(value):
    """A timedelta as "1 h 05 min" or "4 min 10 s", for the queue's figures."""
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return gettext("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return gettext("%(minutes)d min %(seconds)02d s") % {
            "minutes": minutes,
            "seconds": seconds,
        }
    return gettext("%(seconds)d s") % {"seconds": seconds}
