"""The participant's submission form: what may be sent, and what of it is kept."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from actions import faces, hashtags, location, uploads
from actions.models import Action, ActionType, Campaign, LocationPrecision
from soliday import countries, images

MAX_HASHTAGS = 10
PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif"
# The participant's own point, used only by the precisions that keep one; their empty values.
POINT_FIELDS = {"use_photo_location": False, "latitude": None, "longitude": None}
TEXT_TOO_LONG = {
    "max_length": _(
        "The text can be at most %(limit_value)d characters long (it has %(show_value)d)."
    ),
}


class CampaignSelect(forms.Select):
    """Each campaign carries its hashtags, so the page can show them as the default."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        campaign = getattr(value, "instance", None)
        if campaign is not None:
            tags = " ".join(f"#{tag.name}" for tag in campaign.hashtags.all())
            option["attrs"]["data-hashtags"] = tags
        return option


class NoRequiredAttribute:
    """A widget mixin: no `required` attribute, for a field that other choices in the
    form can make optional (the form checks it on the server)."""

    def use_required_attribute(self, initial):
        return False


class PhotoInput(NoRequiredAttribute, forms.FileInput):
    """No `required` attribute: "I have no photo" must let the browser send the form."""


class PlaceInput(NoRequiredAttribute, forms.TextInput):
    """No `required` attribute: "the country only" must let the browser send no city."""


class CountrySelect(NoRequiredAttribute, forms.Select):
    """No `required` attribute: "no location" must let the browser send no country."""


class PrecisionSelect(forms.RadioSelect):
    """Radio buttons that each carry a sentence saying what is kept (`option.description`)."""

    descriptions = {
        LocationPrecision.EXACT: _(
            "We keep the point from the map pin or your photo, to about a metre. "
            "Public pages may show it."
        ),
        LocationPrecision.KM: _(
            "We keep the point moved to the middle of a square of about 1 km. "
            "Your exact point is never stored."
        ),
        LocationPrecision.CITY: _(
            "We keep the city; the map uses its centre. Your own point is never stored."
        ),
        LocationPrecision.COUNTRY: _("We keep only the country. No city, no point."),
        LocationPrecision.NONE: _(
            "We keep no place at all. Your action still counts in the results."
        ),
    }

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["description"] = self.descriptions.get(value, "")
        if option["attrs"].get("id"):
            # templates/actions/includes/precision_field.html gives the sentence this id.
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_description"
        return option


class SubmitForm(forms.Form):
    """The participant's form. Field names are part of the public interface (tests, apps)."""

    photo = forms.FileField(
        label=_("Photo"),
        widget=PhotoInput(attrs={"accept": PHOTO_TYPES}),
        error_messages={
            "required": _("Choose a photo to send."),
            "empty": _("The file is empty."),
            "invalid": _("This file could not be read. Choose the photo again."),
        },
    )
    no_photo = forms.BooleanField(
        label=_("I have no photo of this action"),
        required=False,
        help_text=_("For example a letter or a petition: it counts in the results all the same."),
    )
    blur_faces = forms.BooleanField(
        label=_("Blur faces in my photo"),
        required=False,
        initial=True,
        # The help text depends on whether faces are found automatically: see __init__.
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        widget=CampaignSelect,
        error_messages={
            "required": _("Choose the campaign of your action."),
            "invalid_choice": _("Choose a campaign from the list."),
        },
    )
    happened_on = forms.DateField(
        label=_("Day of the action"),
        required=False,
        help_text=_(
            "Only for an action without a photo sent after the campaign closed: "
            "the day it happened, so that it counts on that day."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the day as year-month-day, e.g. 2026-08-04.")},
    )
    action_type = forms.ChoiceField(
        label=_("Type of action"),
        choices=ActionType.choices,
        error_messages={"invalid_choice": _("Choose a type of action from the list.")},
    )
    location_precision = forms.ChoiceField(
        label=_("What may we keep of the place?"),
        choices=LocationPrecision.choices,
        initial=LocationPrecision.CITY,
        widget=PrecisionSelect,
        help_text=_(
            "Choose how much of the place we keep. What you leave out is never stored, "
            "not even from your photo."
        ),
        error_messages={
            "required": _("Choose what we may keep of the place."),
            "invalid_choice": _("Choose one of the options for the place."),
        },
    )
    # Needed unless the precision leaves it out (see clean()).
    city = forms.CharField(
        label=_("City or town"),
        max_length=100,
        help_text=_("Start typing to see suggestions. A place that is not suggested is fine too."),
        widget=PlaceInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the city or town of your action.")},
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", "—"), *countries.choices()],
        widget=CountrySelect,
        error_messages={
            "required": _("Choose the country of your action."),
            "invalid_choice": _("Choose a country from the list."),
        },
    )
    use_photo_location = forms.BooleanField(
        label=_("Use the location stored in my photo"),
        required=False,
        help_text=_(
            "Only if you tick this do we read the place from the photo. "
            "Many phones remove it when sending a photo; the pin or the city centre is used then."
        ),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter the latitude as a number, e.g. 53.9."),
            "min_value": _("The latitude is between -90 and 90."),
            "max_value": _("The latitude is between -90 and 90."),
        },
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter the longitude as a number, e.g. 27.56."),
            "min_value": _("The longitude is between -180 and 180."),
            "max_value": _("The longitude is between -180 and 180."),
        },
    )
    hashtags = forms.CharField(
        label=_("Hashtags"),
        required=False,
        max_length=2000,
        help_text=_("Separated by spaces or commas, with or without #. Empty: the campaign's."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    caption = forms.CharField(
        label=_("What happened?"),
        required=False,
        max_length=Action._meta.get_field("caption").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=TEXT_TOO_LONG,
    )
    alt_text = forms.CharField(
        label=_("What does the photo show?"),
        required=False,
        max_length=Action._meta.get_field("alt_text").max_length,
        help_text=_("One sentence for people who cannot see the photo."),
        error_messages=TEXT_TOO_LONG,
    )
    name = forms.CharField(
        label=_("Your name as shown with the photo"),
        required=False,
        max_length=Action._meta.get_field("display_name").max_length,
        help_text=_("Leave it empty to stay anonymous."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        # The validator accepts up to 320 characters; the column holds 254.
        max_length=Action._meta.get_field("email").max_length,
        help_text=_("Only to tell you whether your photo was published. Never shown."),
        error_messages={"invalid": _("Enter an email address such as name@example.org.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that this photo and text are published on Soliday after moderation, "
            "and the people who can be recognised in it agree too."
        ),
        error_messages={"required": _("Without your consent we cannot publish the photo.")},
    )
    # A trap for robots: hidden from people (CSS class, aria-hidden, no tab stop).
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    HONEYPOT = "website"

    def __init__(self, *args, oversized=(), repeated=0, preselect=None, offline=False, **kwargs):
        super().__init__(*args, **kwargs)
        # More than one photo in the request (the form has one file field): refused.
        self.repeated = repeated
        self.photo_checked = None  # uploads.Checked: what clean_photo() found
        self.photo_location = None
        if self.is_bound and self.fields["no_photo"].widget.value_from_datadict(
            self.data, self.files, self.add_prefix("no_photo")
        ):
            # An action without a photo: whatever file came along is ignored.
            self.fields["photo"].required = False
        self.fields["photo"].help_text = _(
            "JPEG, PNG, WebP or HEIC (iPhone), up to %(megabytes)s MB."
        ) % {"megabytes": settings.ACTIONS_PHOTO_MAX_BYTES // (1024 * 1024)}
        if faces.faces_available():
            self.fields["blur_faces"].help_text = _(
                "Faces are found and blurred before anyone but a moderator sees the photo. "
                "A moderator checks for faces that were missed."
            )
        else:
            self.fields["blur_faces"].help_text = _(
                "A moderator blurs the faces by hand before the photo is published."
            )
        if "photo" in oversized:
            # The upload handler stopped reading the file, so the field arrives empty.
            too_large = images.too_large_error(settings.ACTIONS_PHOTO_MAX_BYTES)
            self.fields["photo"].error_messages["required"] = too_large.message
        if offline:
            # The database cannot be read: the chosen campaign travels on, unseen.
            self.fields["campaign"] = forms.CharField(required=False, widget=forms.HiddenInput)
            self.campaigns = []
            return
        field = self.fields["campaign"]
        field.queryset = Campaign.objects.active().prefetch_related("hashtags")
        # Evaluated once here; rendering the select reuses these rows.
        self.campaigns = campaigns = list(field.queryset)
        if len(campaigns) == 1:
            field.empty_label = None
            self._preselect(campaigns[0])
        else:
            # A link from a campaign page: /actions/submit/?campaign=<slug>.
            chosen = [campaign for campaign in campaigns if campaign.slug == preselect]
            if chosen:
                self._preselect(chosen[0])

    def _preselect(self, campaign):
        self.fields["campaign"].initial = campaign.pk
        tags = [tag.name for tag in campaign.hashtags.all()]
        if tags:
            self.fields["hashtags"].widget.attrs["placeholder"] = " ".join(
                f"#{name}" for name in tags
            )
        self._offer_first(campaign.action_types)

    def _offer_first(self, expected):
        """The campaign's expected action types come first, and the first is preselected."""
        expected = [value for value in expected or () if value in ActionType.values]
        if not expected:
            return
        field = self.fields["action_type"]
        rest = [choice for choice in ActionType.choices if choice[0] not in expected]
        field.choices = [(value, ActionType(value).label) for value in expected] + rest
        field.initial = expected[0]

    @classmethod
    def refilled(cls, data):
        """The form showing what the participant typed, after the database failed.

        Unbound, so nothing is validated again (that would read the database); the
        photo is never refilled. The campaigns are offered when they can be read, else
        the chosen one is kept in a hidden field.
        """
        skipped = {"photo", cls.HONEYPOT, "csrfmiddlewaretoken"}
        initial = {name: data.get(name) for name in data if name not in skipped}
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.BooleanField):
                initial[name] = name in data  # a box left unticked is not sent
        try:
            return cls(initial=initial)
        except DatabaseError:
            return cls(initial=initial, offline=True)

    @property
    def honeypot_filled(self):
        return bool(self.data.get(self.HONEYPOT, "").strip())

    def clean_photo(self):
        if not self.fields["photo"].required:
            return None
        if self.repeated:
            raise ValidationError(_("Send one photo with each form."), code="repeated")
        upload = self.cleaned_data.get("photo")
        self.photo_checked = uploads.check_upload(upload)
        return upload

    def clean_city(self):
        return " ".join(self.cleaned_data["city"].split())

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_hashtags(self):
        names = hashtags.parse(self.cleaned_data.get("hashtags"))
        if len(names) > MAX_HASHTAGS:
            raise forms.ValidationError(
                ngettext_lazy(
                    "At most %(limit)d hashtags, please: you entered %(count)d.",
                    "At most %(limit)d hashtags, please: you entered %(count)d.",
                    "limit",
                )
                % {"limit": MAX_HASHTAGS, "count": len(names)},
                code="too_many",
            )
        return hashtags.check(names)

    @staticmethod
    def left_out(precision):
        """The fields that `precision` excludes: whatever they hold is ignored."""
        if precision not in LocationPrecision.values:
            return {}
        left_out = {}
        if precision not in location.WITH_POINT:
            left_out.update(POINT_FIELDS)
        if precision not in location.WITH_CITY:
            left_out["city"] = ""
        if precision not in location.WITH_COUNTRY:
            left_out["country"] = ""
        return left_out

    def clean(self):
        cleaned = super().clean()
        precision = cleaned.get("location_precision")
        for name, empty in self.left_out(precision).items():
            # Without JavaScript these fields stay on the page whatever was chosen: what
            # they hold, and any error in it, does not count.
            self.errors.pop(name, None)
            cleaned[name] = empty
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not (
            self.has_error("latitude") or self.has_error("longitude")
        ):
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, _("Give both the latitude and the longitude, or neither."))
        campaign = cleaned.get("campaign")
        if campaign is not None:
            self._check_campaign_days(campaign, cleaned)
        if campaign is not None and not cleaned.get("hashtags") and "hashtags" in cleaned:
            cleaned["hashtags"] = hashtags.unique(tag.name for tag in campaign.hashtags.all())
        if self.photo_checked is not None:
            # The photo's own location is read only when the participant asks for it.
            if cleaned.get("use_photo_location"):
                self.photo_location = uploads.read_gps(self.photo_checked.image)
            if not self.errors:
                # Only a copy without metadata is ever stored (the photo is not kept
                # when the form comes back with errors).
                try:
                    cleaned["photo"] = uploads.without_metadata(
                        cleaned["photo"], self.photo_checked
                    )
                except forms.ValidationError as error:
                    self.add_error("photo", error)
            # Let the pixels go (not close(): that would close the upload too).
            self.photo_checked = None
            if "photo" in cleaned:
                cleaned["photo"].seek(0)
        return cleaned

    def _check_campaign_days(self, campaign, cleaned):
        """An action belongs to its campaign's days: sent while it is open, or, without a
        photo, sent later with the day it happened (it counts on that day)."""
        today = timezone.localdate()
        happened_on = cleaned.get("happened_on")
        dates = {
            "campaign": campaign.name,
            "start": formats.date_format(campaign.starts_on, "DATE_FORMAT"),
            "end": formats.date_format(campaign.ends_on or today, "DATE_FORMAT"),
        }
        if happened_on is not None and happened_on > today:
            self.add_error("happened_on", _("The day of the action cannot be in the future."))
        elif happened_on is not None and not campaign.accepts(happened_on):
            self.add_error(
                "happened_on",
                _("“%(campaign)s” runs from %(start)s to %(end)s: give a day within it.") % dates,
            )
        if today < campaign.starts_on:
            self.add_error(
                "campaign",
                _("“%(campaign)s” opens on %(start)s. Please send your action from that day.")
                % dates,
            )
        elif not campaign.accepts(today) and happened_on is None:
            if cleaned.get("no_photo"):
                message = _(
                    "“%(campaign)s” closed on %(end)s. If your action happened between "
                    "%(start)s and %(end)s, give the day it happened below."
                )
                self.add_error("happened_on", message % dates)
            else:
                self.add_error(
                    "campaign",
                    _(
                        "“%(campaign)s” closed on %(end)s and takes no more photos. An "
                        "action without a photo that happened between %(start)s and "
                        "%(end)s can still be counted: tick “I have no photo of this "
                        "action” and give the day it happened."
                    )
                    % dates,
                )
        elif not campaign.accepts(today) and not cleaned.get("no_photo"):
            self.add_error(
                "campaign",
                _(
                    "“%(campaign)s” closed on %(end)s and takes no more photos; only an "
                    "action without a photo can still be counted."
                )
                % dates,
            )

    def place(self):
        """Where the action happened, as much as the chosen precision lets us keep.

        The participant's own point is the photo's GPS if they asked for it, else the
        pin; without one, the city's centre (see actions.location.coarsen).
        """
        data = self.cleaned_data
        latitude, longitude = self.photo_location or (data["latitude"], data["longitude"])
        return location.coarsen(
            data["location_precision"],
            latitude=latitude,
            longitude=longitude,
            city=data["city"],
            country=data["country"],
        )
