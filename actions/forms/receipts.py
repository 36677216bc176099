"""The participant's receipt page: "publish not before" and withdrawal."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soliday import localise

# How far ahead a participant may put off publication.
MAX_DELAY = datetime.timedelta(days=365)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class NotBeforeForm(forms.Form):
    not_before = forms.DateTimeField(
        label=_("Publish not before"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={"required": _("Choose a date and a time.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.clearing:
            # "Publish without waiting" clears the time, whatever the field holds.
            self.data = self.data.copy()
            self.data.pop("not_before", None)
            self.fields["not_before"].required = False
        now = timezone.localtime()
        self.fields["not_before"].widget.attrs.update(
            min=now.strftime(DATETIME_LOCAL), max=(now + MAX_DELAY).strftime(DATETIME_LOCAL)
        )
        self.fields["not_before"].help_text = _(
            "Date and time in the time zone %(zone)s, e.g. after the picket has dispersed."
        ) % {"zone": localise.time_zone_place(settings.TIME_ZONE)}

    def clean_not_before(self):
        when = self.cleaned_data["not_before"]
        if self.clearing:
            return None
        now = timezone.now()
        if when <= now:
            raise forms.ValidationError(_("Choose a time in the future."), code="past")
        if when > now + MAX_DELAY:
            raise forms.ValidationError(_("Choose a time within a year from now."), code="far")
        return when

    @property
    def clearing(self):
        return self.is_bound and "clear" in self.data


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand: my photo and what I wrote are deleted now, and this cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )
