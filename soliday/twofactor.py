"""Two-factor login for staff: after the password, a code from a TOTP app (django-otp).

Anyone on the staff may set up an app at /admin/two-factor/; members of the groups named in
ADMIN_2FA_REQUIRED_GROUPS must, before the admin shows them anything else. Once an account
has a confirmed device the password alone no longer logs in, and a session that has not
given a code (one from before the device, say) loses the admin until it logs in again.
"""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# What the admin makes of a request: serve it, send the user to set up an app first, or
# (a device but no code given in this session) send them to log in again.
OK, ENROL, VERIFY = "ok", "enrol", "verify"

CODE_MESSAGES = {
    "code_required": _(
        "Enter the code from your authenticator app: two-factor login is on for this account."
    ),
    "code_wrong": _(
        "That code is not right. Type the code the app shows now; each one is good for "
        "30 seconds, once."
    ),
    "throttled": _("Too many wrong codes in a row: wait a minute, then type a new code."),
}


def required(user):
    groups = settings.ADMIN_2FA_REQUIRED_GROUPS
    return bool(groups) and user.groups.filter(name__in=groups).exists()


def state(request):
    """OK, ENROL or VERIFY for this request's user; worked out once per request."""
    if not hasattr(request, "_two_factor_state"):
        user = request.user
        if not user.is_authenticated or getattr(user, "otp_device", None) is not None:
            request._two_factor_state = OK
        elif TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            request._two_factor_state = VERIFY
        elif required(user):
            request._two_factor_state = ENROL
        else:
            request._two_factor_state = OK
    return request._two_factor_state


def check_code(device, token):
    """(the device, None) when `token` is its current code, else (None, the reason)."""
    token = (token or "").replace(" ", "")
    if not token:
        return None, "code_required"
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_is_allowed()[0]:
            return None, "throttled"
        if device.verify_token(token):
            return device, None
    return None, "code_wrong"


def code_field(required):
    return forms.CharField(
        label=_("Code from the authenticator app"),
        required=required,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin login, with the app's code for accounts that have set one up.

    A wrong or missing code counts as a failed login for the lockout (soliday.loginlock).
    """

    otp_token = code_field(required=False)
    otp_token.help_text = _("Only if you have set up two-factor login.")

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            return cleaned_data
        verified, reason = check_code(device, cleaned_data.get("otp_token"))
        if verified is None:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise forms.ValidationError(CODE_MESSAGES[reason], code=reason)
        user.otp_device = verified  # django_otp marks the session verified on login
        return cleaned_data


class EnrolForm(forms.Form):
    otp_token = code_field(required=True)


def enrol(request, site):
    """Set up (or replace) the account's authenticator app: a secret, then its first code."""
    user = request.user
    if not (user.is_active and user.is_staff) or state(request) == VERIFY:
        return redirect_to_login(request.get_full_path(), reverse(f"{site.name}:login"))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="app", confirmed=False)
    form = EnrolForm(request.POST or None)
    if form.is_valid():
        verified, reason = check_code(device, form.cleaned_data["otp_token"])
        if verified is not None:
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                verified.confirmed = True
                verified.save(update_fields=["confirmed"])
            request.session.cycle_key()
            otp_login(request, verified)
            messages.success(
                request,
                _(
                    "Two-factor login is on: from now on the admin asks for a code from "
                    "your app after the password."
                ),
            )
            return redirect(f"{site.name}:index")
        form.add_error("otp_token", CODE_MESSAGES[reason])
    qr = segno.make(device.config_url, error="m")
    secret = b32encode(device.bin_key).decode()
    context = {
        **site.each_context(request),
        "title": _("Two-factor login"),
        "form": form,
        "required": required(user),
        "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "config_url": device.config_url,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": qr.svg_data_uri(scale=5, dark="#000", light="#fff"),
        "qr_size": qr.symbol_size(scale=5)[0],
    }
    return TemplateResponse(request, "admin/two_factor.html", context)
