"""A visitor's report about a public photo: a reason from a short list, free text, and
an optional contact. No account, and nothing about the visitor is kept but what they type."""

from django import forms
from django.utils.translation import gettext_lazy as _

from actions.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this photo?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong with the photo.")},
    )
    details = forms.CharField(
        label=_("Tell us more"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For instance, which person in the photo you are. Only moderators read it."),
    )
    contact = forms.CharField(
        label=_("How can we reach you?"),
        max_length=200,
        required=False,
        help_text=_(
            "An email address or another way, if you want an answer. Only moderators see it, "
            "and it is deleted once the report is dealt with."
        ),
    )
    # A trap for robots, as on the submission form.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def honeypot_filled(self):
        return bool(self.data.get("website", "").strip())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == Report.Reason.OTHER and not cleaned.get("details", "").strip():
            self.add_error("details", _("Tell us what is wrong, so that a moderator can act."))
        return cleaned
