"""The admin site: Django's, with the lockout's and two-factor login's rules (soliday.twofactor)."""

from functools import update_wrapper

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from soliday import twofactor


class SolidayAdminSite(admin.AdminSite):
    site_header = "Soliday"
    site_title = "Soliday"
    login_form = twofactor.AdminLoginForm
    login_template = "admin/soliday_login.html"

    def has_permission(self, request):
        return super().has_permission(request) and twofactor.state(request) == twofactor.OK

    def admin_view(self, view, cacheable=False):
        """Staff who must set up two-factor login first are sent to do it; log out always works."""
        guarded = super().admin_view(view, cacheable)
        unguarded = csrf_protect(never_cache(view))
        is_logout = view == self.logout

        def inner(request, *args, **kwargs):
            user = request.user
            if user.is_active and user.is_staff and twofactor.state(request) != twofactor.OK:
                if is_logout:
                    return unguarded(request, *args, **kwargs)
                if twofactor.state(request) == twofactor.ENROL:
                    return redirect(f"{self.name}:two_factor")
            return guarded(request, *args, **kwargs)

        return update_wrapper(inner, guarded)

    def login(self, request, extra_context=None):
        user = request.user
        if (
            request.method == "GET"
            and user.is_active
            and user.is_staff
            and twofactor.state(request) == twofactor.ENROL
        ):
            return redirect(f"{self.name}:two_factor")
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path(
                "two-factor/",
                csrf_protect(never_cache(self.two_factor_view)),
                name="two_factor",
            ),
            *super().get_urls(),
        ]

    # Models of other packages whose names are in English only, by "app_label.ObjectName".
    MODEL_NAMES = {"django_tasks_database.DBTaskResult": _("Task results")}

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                name = self.MODEL_NAMES.get(f"{app['app_label']}.{model['object_name']}")
                if name is not None:
                    model["name"] = name
        return app_list

    def two_factor_view(self, request):
        return twofactor.enrol(request, self)
