"""The filters of the moderators' lists."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from soliday import countries


class StatusFilter(admin.SimpleListFilter):
    """Status, with an explicit "All" (a bare changelist opens on the pending queue)."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return Action.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Action.Status.values:
            return queryset.filter(status=self.value())
        return queryset

    def choices(self, changelist):
        choices = super().choices(changelist)
        everything = next(choices)
        yield {
            **everything,
            "selected": self.value() in (None, self.ALL),
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
        }
        yield from choices


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = Action.objects.order_by().values_list("country", flat=True).distinct()
        return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset


class DuplicateFilter(admin.SimpleListFilter):
    """Actions whose photo is likely the same as another's of the campaign (either way)."""

    title = _("duplicates")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("Likely duplicates"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            copied = Action.objects.filter(duplicate_of=OuterRef("pk"))
            return queryset.filter(Q(duplicate_of__isnull=False) | Q(Exists(copied)))
        return queryset


class TakedownStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("lifted", _("Lifted"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "lifted":
            return queryset.filter(lifted_at__isnull=False)
        return queryset
