"""Admin page titles as whole translated sentences.

The admin builds "Select %s to change", "Change %s" and "Add %s" from a model's name in
the nominative, which Russian and Belarusian need in the accusative ("Выберите акцию",
not "Выберите акция"). A model admin with this mixin names its titles in full instead."""

from django.utils.translation import gettext_lazy as _


class TranslatedTitles:
    """`titles`: {"list", "list_view", "add", "change", "view"} -> a translated title;
    a title not given stays the admin's own."""

    titles = {}

    def changelist_view(self, request, extra_context=None):
        key = "list" if self.has_change_permission(request) else "list_view"
        named = {"title": self.titles.get(key), "add_title": self.titles.get("add")}
        extra_context = {
            **{name: title for name, title in named.items() if title},
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can_change = add or self.has_change_permission(request, obj)
        key = "add" if add else ("change" if can_change else "view")
        if key in self.titles:
            context["title"] = self.titles[key]
        return super().render_change_form(request, context, add, change, form_url, obj)


def titles(list_, list_view, add, change, view):
    return {"list": list_, "list_view": list_view, "add": add, "change": change, "view": view}


ACTION = titles(
    _("Select action to change"), _("Select action to view"), _("Add action"),
    _("Change action"), _("View action"),
)  # fmt: skip
CAMPAIGN = titles(
    _("Select campaign to change"), _("Select campaign to view"), _("Add campaign"),
    _("Change campaign"), _("View campaign"),
)  # fmt: skip
TAKEDOWN = titles(
    _("Select takedown to change"), _("Select takedown to view"), _("Add takedown"),
    _("Change takedown"), _("View takedown"),
)  # fmt: skip
REPORT = titles(
    _("Select report to change"), _("Select report to view"), _("Add report"),
    _("Change report"), _("View report"),
)  # fmt: skip
REJECTION_REASON = titles(
    _("Select rejection reason to change"), _("Select rejection reason to view"),
    _("Add rejection reason"), _("Change rejection reason"), _("View rejection reason"),
)  # fmt: skip
ARTICLE = titles(
    _("Select article to change"), _("Select article to view"), _("Add article"),
    _("Change article"), _("View article"),
)  # fmt: skip
PAGE = titles(
    _("Select page to change"), _("Select page to view"), _("Add page"),
    _("Change page"), _("View page"),
)  # fmt: skip
