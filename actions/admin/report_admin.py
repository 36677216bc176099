"""Reports from the public: at the top of the moderators' queue, hidden with one click."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actions import services
from actions.models import Report
from soliday import admintitles
from soliday.admintitles import TranslatedTitles


class OpenFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("Open")), ("no", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Report)
class ReportAdmin(TranslatedTitles, admin.ModelAdmin):
    titles = admintitles.REPORT
    list_display = ["reported_action", "reason", "short_details", "age", "action_status", "outcome"]
    list_select_related = ["action"]
    list_filter = [OpenFilter, "reason"]
    ordering = ["created_at", "id"]
    actions = ["hide_now", "keep_public"]
    readonly_fields = [
        "action", "reason", "details", "contact", "created_at", "resolved_at", "resolved_by",
        "outcome",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False  # reports come from the public form only

    @admin.display(description=_("action"))
    def reported_action(self, obj):
        url = reverse("admin:actions_action_change", args=[obj.action_id])
        return format_html('<a href="{}">{}</a>', url, obj.action)

    @admin.display(description=_("details"))
    def short_details(self, obj):
        return Truncator(obj.details).chars(120)

    @admin.display(description=_("reported"), ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at, depth=1)

    @admin.display(description=_("status"))
    def action_status(self, obj):
        return obj.action.get_status_display()

    @admin.action(description=_("Hide it now"), permissions=["change"])
    def hide_now(self, request, queryset):
        """Hide the reported actions at once, as a takedown does, until a decision."""
        action_ids = list(queryset.values_list("action_id", flat=True))
        count = len(services.hide_now(action_ids, request.user))
        message = ngettext(
            "%(count)d action is hidden from every public page; reject it or keep it.",
            "%(count)d actions are hidden from every public page; reject them or keep them.",
            count,
        )
        self.message_user(
            request, message % {"count": count}, messages.SUCCESS if count else messages.WARNING
        )

    @admin.action(description=_("Keep the photo and close the reports"), permissions=["change"])
    def keep_public(self, request, queryset):
        action_ids = list(queryset.values_list("action_id", flat=True))
        count = len(services.keep(action_ids, request.user))
        message = ngettext(
            "Reports closed for %(count)d action; it stays public.",
            "Reports closed for %(count)d actions; they stay public.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
