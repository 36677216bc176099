"""Emergency takedowns in the admin: made through the service, lifted on their own page,
never edited or deleted."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from actions import services
from actions.admin.filters import TakedownStateFilter
from actions.admin.forms import LiftForm, TakedownForm
from actions.admin.pages import confirmation_page, report_lift, report_takedown
from actions.models import Takedown
from soliday import admintitles
from soliday.admintitles import TranslatedTitles


@admin.register(Takedown)
class TakedownAdmin(TranslatedTitles, admin.ModelAdmin):
    """Made through services.take_down() (here, from the actions list, or by the command),
    never edited or deleted: the record of who hid what, when and why, until lifted."""

    titles = admintitles.TAKEDOWN

    form = TakedownForm
    list_display = [
        "criteria", "short_reason", "created_at", "created_by", "state", "lifted_at",
        "lifted_by", "hidden_actions",
    ]  # fmt: skip
    list_select_related = ["campaign", "created_by", "lifted_by"]
    list_filter = [TakedownStateFilter, "created_at"]
    search_fields = ["city", "hashtag", "reason", "lift_reason"]
    actions = ["lift_selected"]
    readonly_fields = [
        "campaign", "country", "city", "hashtag", "reason", "created_at", "created_by",
        "hidden_actions", "state", "lifted_at", "lifted_by", "lift_reason",
    ]  # fmt: skip
    fieldsets = [
        (
            _("Hidden: every approved action matching"),
            {"fields": ["campaign", "country", "city", "hashtag"]},
        ),
        (None, {"fields": ["reason", "created_at", "created_by", "hidden_actions"]}),
        (_("Lifting"), {"fields": ["state", "lifted_at", "lifted_by", "lift_reason"]}),
    ]
    add_fieldsets = [(None, {"fields": ["campaign", "country", "city", "hashtag", "reason"]})]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # Nothing of a takedown is edited: its page is a record (lifting has its own page).
        return False if obj is not None else super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_lift_permission(self, request, obj=None):
        return request.user.has_perm("actions.change_takedown")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/lift/",
                self.admin_site.admin_view(self.lift_view),
                name="actions_takedown_lift",
            ),
            *super().get_urls(),
        ]

    # Columns

    @admin.display(description=_("criteria"))
    def criteria(self, obj):
        return str(obj)

    @admin.display(description=_("reason"))
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)

    @admin.display(description=_("state"), boolean=False, ordering="lifted_at")
    def state(self, obj):
        return _("Active") if obj.is_active else _("Lifted")

    @admin.display(description=_("actions hidden"), ordering="hidden_count")
    def hidden_actions(self, obj):
        url = (
            reverse("admin:actions_action_changelist")
            + "?"
            + urlencode({"status": "all", "takedown__id__exact": obj.pk})
        )
        return format_html('<a href="{}">{}</a>', url, obj.hidden_count)

    # Making one: through the service, never a plain save.

    def save_form(self, request, form, change):
        if change:
            raise PermissionDenied
        return form.take_down(request.user)

    def save_model(self, request, obj, form, change):
        """services.take_down() saved it (and logged it) in save_form()."""

    def save_related(self, request, form, formsets, change):
        """A takedown has no related objects to save."""

    def log_addition(self, request, obj, message):
        """services.take_down() writes the history entry, with the reason."""

    def response_add(self, request, obj, post_url_continue=None):
        report_takedown(self, request, obj)
        return HttpResponseRedirect(reverse("admin:actions_takedown_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_lift": self.has_lift_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # Lifting

    def lift_view(self, request, object_id):
        takedown = self.get_object(request, unquote(object_id))
        if takedown is None:
            raise Http404
        if not self.has_lift_permission(request, takedown):
            raise PermissionDenied
        form = LiftForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            self.lift(request, [takedown], form.cleaned_data["reason"])
            return HttpResponseRedirect(
                reverse("admin:actions_takedown_change", args=[takedown.pk])
            )
        return self.render_lift_page(request, [takedown], form)

    @admin.action(description=_("Lift selected takedowns…"), permissions=["lift"])
    def lift_selected(self, request, queryset):
        form = LiftForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self.lift(request, list(queryset), form.cleaned_data["reason"])
            return None
        return self.render_lift_page(request, list(queryset), form, bulk=True)

    def render_lift_page(self, request, takedowns, form, **extra):
        return confirmation_page(
            self,
            request,
            "admin/actions/takedown/lift.html",
            form,
            title=_("Lift takedowns"),
            takedowns=takedowns,
            **extra,
        )

    def lift(self, request, takedowns, reason):
        """Lift each takedown and tell the moderator what came back and what stays hidden."""
        lifted = [
            services.lift_takedown(takedown, user=request.user, reason=reason)
            for takedown in takedowns
        ]
        report_lift(self, request, lifted)
