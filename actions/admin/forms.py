"""The moderators' forms: an action's page, rejection, campaigns and takedowns."""

from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from actions import hashtags, location, services
from actions.admin.widgets import FaceBoxesWidget, boxes_as_text, parse_boxes
from actions.models import (
    Action,
    ActionType,
    Campaign,
    ChecklistItem,
    LocationPrecision,
    RejectionReason,
    Takedown,
)
from soliday import countries


class HashtagField(TagField):
    """Hashtags typed as taggit reads them, stored as the form stores them (actions.hashtags)."""

    def clean(self, value):
        return hashtags.check(hashtags.unique(super().clean(value)))


def checklist_field(help_text):
    """The moderator's ticks (ChecklistItem values), recorded with the decision."""
    return forms.MultipleChoiceField(
        label=_("Checklist"),
        choices=ChecklistItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=help_text,
    )


class ActionAdminForm(forms.ModelForm):
    country = forms.ChoiceField(label=capfirst(_("country")), choices=countries.choices)
    latitude = forms.FloatField(
        label=capfirst(_("latitude")), min_value=-90, max_value=90, required=False
    )
    longitude = forms.FloatField(
        label=capfirst(_("longitude")), min_value=-180, max_value=180, required=False
    )
    hashtags = HashtagField(label=capfirst(_("hashtags")), required=False)
    # Present only while the unblurred master exists (services.face_boxes_editable).
    blur_boxes = forms.CharField(label=_("Faces to blur"), required=False, strip=False)
    # Present only while the action waits for a decision.
    checklist = checklist_field(
        _(
            "Tick what you have checked in the photo before approving it; the ticks, and the "
            "items left unticked, are recorded with the decision."
        )
    )

    class Meta:
        model = Action
        fields = [
            "campaign", "action_type", "city", "country", "latitude", "longitude", "hashtags",
            "caption", "alt_text", "display_name", "featured",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.status != Action.Status.PENDING:
            del self.fields["checklist"]
        self._limit_location_to_precision()
        if not services.face_boxes_editable(self.instance):
            del self.fields["blur_boxes"]
            return
        field = self.fields["blur_boxes"]
        size = (self.instance.photo_width, self.instance.photo_height)
        field.widget = FaceBoxesWidget(
            photo_url=reverse("admin:actions_action_photo", args=[self.instance.pk, "master"]),
            size=size,
        )
        field.initial = boxes_as_text(self.instance.face_boxes)
        field.help_text = _(
            "One box a line: x, y, width, height, in pixels of the unblurred photo "
            "(%(width)d × %(height)d; open it from the preview). Add a line to blur a face "
            "that was missed; remove one to leave it sharp. Saving makes the images again."
        ) % {"width": size[0], "height": size[1]}

    def _limit_location_to_precision(self):
        """A moderator cannot add precision the participant did not give: the fields
        beyond their choice are shown but not editable (location.coarsen empties them)."""
        precision = self.instance.location_precision
        editable = {"latitude", "longitude", "city", "country"}
        if precision not in location.WITH_POINT:
            editable -= {"latitude", "longitude"}
        if precision not in location.WITH_CITY:
            editable -= {"city"}
        if precision not in location.WITH_COUNTRY:
            editable -= {"country"}
            self.fields["country"].required = False
        for name in {"latitude", "longitude", "city", "country"} - editable:
            self.fields[name].disabled = True
            self.fields[name].help_text = _("The participant chose to give: %(precision)s") % {
                "precision": LocationPrecision(precision).label
            }

    def clean_blur_boxes(self):
        size = (self.instance.photo_width, self.instance.photo_height)
        return parse_boxes(self.cleaned_data["blur_boxes"], size)

    def clean(self):
        cleaned = super().clean()
        place_fields = ("latitude", "longitude", "city", "country")
        if any(name in self.changed_data for name in place_fields) and not any(
            name in self.errors for name in place_fields
        ):
            try:
                place = location.coarsen(
                    self.instance.location_precision,
                    **{name: cleaned.get(name) for name in place_fields},
                )
            except ValueError:
                self.add_error(
                    "longitude", _("Give both the latitude and the longitude, or neither.")
                )
            else:
                # Never more precise than the participant's choice, as on the form.
                cleaned.update(
                    latitude=place.latitude,
                    longitude=place.longitude,
                    city=place.city,
                    country=place.country,
                )
        return cleaned

    def face_boxes_changed(self):
        """Whether the moderator's boxes differ from the stored ones (scores aside)."""
        if "blur_boxes" not in self.cleaned_data:
            return False
        if self.add_prefix("blur_boxes") not in self.data:
            return False  # a form sent without the field (not a browser) removes no box
        edges = [(b.x, b.y, b.width, b.height) for b in self.cleaned_data["blur_boxes"]]
        stored = [(b["x"], b["y"], b["width"], b["height"]) for b in self.instance.face_boxes]
        return edges != stored


def checklist_of(data):
    """The ticks sent (ChecklistItem values), in the checklist's order, each once."""
    sent = set(data.getlist("checklist"))
    return [value for value in ChecklistItem.values if value in sent]


def canned_field(**kwargs):
    return forms.ModelChoiceField(
        label=_("Reason"),
        queryset=RejectionReason.objects.offered(),
        required=False,
        empty_label=_("(write one below)"),
        help_text=_("Mailed in the participant's language, with your words below if any."),
        **kwargs,
    )


NO_REASON = _("Pick a reason or write one.")


class RejectForm(forms.Form):
    canned = canned_field()
    reason = forms.CharField(
        label=_("In your words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent to the participant if they left an email address."),
    )
    checklist = checklist_field(
        _("What you have checked in the photo, recorded with the decision.")
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("canned") and not cleaned.get("reason"):
            self.add_error("canned", NO_REASON)
        return cleaned


class QuickRejectForm(forms.Form):
    """The reason picked on the action's own page (the names start with "_", as the
    admin's own buttons do, beside the action's fields)."""

    _canned = canned_field()
    _reason = forms.CharField(max_length=2000, required=False)

    def has_reason(self):
        return bool(self.data.get("_canned") or self.data.get("_reason", "").strip())


class BulkApproveForm(forms.Form):
    """Approving photos together: the moderator confirms every item for every photo."""

    checklist = forms.MultipleChoiceField(
        label=_("Checklist"),
        choices=ChecklistItem.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every item: it is recorded for each of these photos."),
        error_messages={"required": _("Tick every item to approve these photos together.")},
    )

    def clean_checklist(self):
        ticks = self.cleaned_data["checklist"]
        if set(ticks) != set(ChecklistItem.values):
            raise forms.ValidationError(
                _(
                    "Tick every item to approve these photos together, or open the photos "
                    "that need another look one by one."
                )
            )
        return [value for value in ChecklistItem.values if value in ticks]


class CampaignAdminForm(forms.ModelForm):
    action_types = forms.MultipleChoiceField(
        label=_("expected action types"),
        choices=ActionType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The types the form offers first for this campaign; empty means all."),
    )
    hashtags = HashtagField(
        label=_("hashtags"),
        required=False,
        help_text=_("Offered on the submission form, e.g. 4august, 4августа, bysoliday."),
    )

    class Meta:
        model = Campaign
        fields = [
            "name_en", "name_be", "name_ru", "slug", "description_en", "description_be",
            "description_ru", "hashtags", "action_types", "starts_on", "ends_on", "is_active",
        ]  # fmt: skip


def _countries_or_any():
    return [("", _("Any country")), *countries.choices()]


class TakedownForm(forms.ModelForm):
    """A takedown's criteria (each one given must match) and its reason."""

    country = forms.ChoiceField(
        label=capfirst(_("country")), choices=_countries_or_any, required=False
    )
    hashtag = forms.CharField(
        label=capfirst(_("hashtag")),
        max_length=hashtags.MAX_LENGTH + 1,  # and a "#"
        required=False,
        help_text=_("With or without #. Empty: any hashtag."),
    )

    class Meta:
        model = Takedown
        fields = ["campaign", "country", "city", "hashtag", "reason"]
        help_texts = {
            "campaign": _("Empty: every campaign."),
            "city": _("Empty: every city. Upper and lower case are the same."),
            "reason": _(
                "Why, for the record: for instance, arrests after the picket in this city."
            ),
        }
        widgets = {"reason": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    CRITERIA = ("campaign", "country", "city", "hashtag")

    def clean(self):
        cleaned = super().clean()
        criteria = services.takedown_criteria(**{name: cleaned.get(name) for name in self.CRITERIA})
        cleaned.update(criteria)
        if not any(criteria.values()) and not self.errors:
            # Beside the first criterion (which also skips the model's own constraint check,
            # whose message says the same less clearly).
            self.add_error(
                "campaign",
                _("Give at least one criterion: a campaign, a country, a city or a hashtag."),
            )
        return cleaned

    def take_down(self, user):
        """Make the takedown, through the service (which also hides the actions)."""
        return services.take_down(
            **{name: self.cleaned_data[name] for name in self.CRITERIA},
            reason=self.cleaned_data["reason"],
            user=user,
        )


def common_criteria(queryset):
    """The campaign, country and city that all the selected actions share, if any."""
    queryset = queryset.order_by()  # DISTINCT over the values only
    initial = {}
    campaigns = list(queryset.values_list("campaign", flat=True).distinct()[:2])
    if len(campaigns) == 1:
        initial["campaign"] = campaigns[0]
    codes = list(queryset.values_list("country", flat=True).distinct()[:2])
    if len(codes) == 1 and codes[0]:
        initial["country"] = codes[0]
        cities = list(queryset.values_list("city", flat=True).distinct()[:10])
        # A takedown's city matches whatever the case: "Minsk" and "minsk" are one city.
        if cities[0] and len({city.casefold() for city in cities}) == 1:
            initial["city"] = cities[0]
    return initial


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("For the record: for instance, the danger is over."),
    )
