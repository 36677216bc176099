"""The moderators' product: the pending queue, decisions, and campaigns.

Every decision goes through `actions.services` (approve, reject), which stamps
the moderator, writes the history entry and tells the participant.
"""

import mimetypes
import re
import unicodedata

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from actions import export, faces, location, materials, services, stats
from actions.models import (
    Action,
    ActionType,
    Campaign,
    CampaignIdea,
    CampaignMaterial,
    ChecklistItem,
    LocationPrecision,
    Takedown,
)
from soliday import countries, files, publiccache
from soliday.templatetags.soliday import media_url

HASHTAG_MAX_LENGTH = 100
# Between the numbers of a face box: "10, 20, 30, 40", "10 20 30 40".
BOX_SEPARATORS = re.compile(r"[\s,;]+")


def normalise_hashtags(names):
    """Lowercase, without '#', each once, in the order given."""
    result = []
    for name in names:
        name = unicodedata.normalize("NFKC", name).strip().lstrip("#").strip().lower()
        if len(name) > HASHTAG_MAX_LENGTH:
            raise forms.ValidationError(
                _("A hashtag has at most %(limit)d characters.") % {"limit": HASHTAG_MAX_LENGTH}
            )
        if name and name not in result:
            result.append(name)
    return result


class HashtagField(TagField):
    def clean(self, value):
        return normalise_hashtags(super().clean(value))


# Filters


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


# Forms


def checklist_field(help_text):
    """The moderator's ticks (ChecklistItem values), recorded with the decision."""
    return forms.MultipleChoiceField(
        label=_("Checklist"),
        choices=ChecklistItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=help_text,
    )


class FaceBoxesWidget(forms.Textarea):
    """The boxes as text (the source of truth, and all there is without JavaScript),
    which face_boxes.js turns into a drawing tool over the unblurred photo."""

    class Media:
        js = ["js/face_boxes.js"]
        css = {"all": ["css/admin_faces.css"]}

    def __init__(self, *, photo_url, size):
        super().__init__(attrs={"rows": 5, "cols": 30, "spellcheck": "false"})
        self.photo_url, self.size = photo_url, size

    def get_context(self, name, value, attrs):
        width, height = self.size
        strings = {
            "tool": gettext("Face boxes on the unblurred photo"),
            "hint": gettext(
                "Drag on the photo to add a box. Select a box to remove it (Delete key) or "
                "to move it with the arrow keys (with Shift: resize it)."
            ),
            "canvas": gettext("The unblurred photo with the boxes that will be blurred."),
            "add": gettext("Add a box"),
            "remove": gettext("Remove the selected box"),
            "box": gettext("Box %(number)s: x %(x)s, y %(y)s, %(width)s × %(height)s"),
            "added": gettext("Box added."),
            "removed": gettext("Box removed."),
            "none": gettext("No box: nothing will be blurred."),
            "failed": gettext("The photo could not be loaded: edit the boxes as numbers."),
        }
        attrs = {
            **(attrs or {}),
            "data-face-boxes": "",
            "data-photo-url": self.photo_url,
            "data-photo-width": width,
            "data-photo-height": height,
            **{f"data-text-{key}": text for key, text in strings.items()},
        }
        return super().get_context(name, value, attrs)


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


def boxes_as_text(boxes):
    """Stored boxes as the moderator edits them: one "x, y, width, height" a line."""
    return "\n".join(f"{b['x']}, {b['y']}, {b['width']}, {b['height']}" for b in boxes)


def parse_boxes(text, size):
    """The moderator's lines as faces.Box, each inside a photo of size (width, height)."""
    width, height = size
    boxes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            x, y, box_width, box_height = (int(part) for part in BOX_SEPARATORS.split(line.strip()))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(line)d: write four whole numbers: x, y, width, height.")
                % {"line": number}
            ) from None
        if (
            x < 0
            or y < 0
            or box_width < 1
            or box_height < 1
            or x + box_width > width
            or y + box_height > height
        ):
            raise forms.ValidationError(
                _(
                    "Line %(line)d: the box must lie inside the photo, "
                    "which is %(width)d × %(height)d pixels."
                )
                % {"line": number, "width": width, "height": height}
            )
        boxes.append(faces.Box(x, y, box_width, box_height))
    return boxes


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Sent to the participant if they left an email address."),
    )
    checklist = checklist_field(
        _("What you have checked in the photo, recorded with the decision.")
    )


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
        max_length=HASHTAG_MAX_LENGTH + 1,  # and a "#"
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


def confirmation_page(model_admin, request, template, form, *, title, bulk=False, **extra):
    """A page that asks for a reason before going on (admin/actions/confirmation.html).
    For an admin action (`bulk`), it sends the selection back with the reason."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "form": form,
        **extra,
    }
    if bulk:
        context.update(
            bulk=True,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            select_across=request.POST.get("select_across", "0"),
        )
    return TemplateResponse(request, template, context)


def report_takedown(model_admin, request, takedown):
    message = ngettext(
        "Takedown made: %(count)d action is hidden.",
        "Takedown made: %(count)d actions are hidden.",
        takedown.hidden_count,
    )
    model_admin.message_user(request, message % {"count": takedown.hidden_count}, messages.SUCCESS)


# Actions


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    form = ActionAdminForm
    list_display = [
        "thumbnail", "summary", "country_name", "campaign", "short_caption", "hashtag_list",
        "status", "photo_status", "submitted_at",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "summary"]
    list_select_related = ["campaign"]
    list_filter = [
        StatusFilter, "campaign", CountryFilter, "action_type", "submitted_at", "photo_status",
        ("takedown", admin.RelatedOnlyFieldListFilter),
    ]  # fmt: skip
    search_fields = ["city", "caption", "hashtags__name"]
    search_help_text = _("City, caption or hashtag.")
    # The moderation queue: oldest first.
    ordering = ["submitted_at", "id"]
    list_per_page = 50
    actions = ["approve_selected", "reject_selected", "retry_processing", "emergency_takedown"]

    # The model's checklist is recorded by services.approve()/reject(), never saved from
    # the form: the form field of that name (ActionAdminForm) only carries the ticks.
    exclude = ["checklist"]

    class Media:
        css = {"all": ["css/admin_actions.css"]}

    def view_on_site(self, obj):
        # Only an approved action has a public page; for the others the link would 404.
        return obj.get_absolute_url() if obj.status == Action.Status.APPROVED else None

    readonly_fields = [
        "photo_preview", "status", "photo_status", "processing", "email", "language",
        "consent", "submitted_at", "moderated_at", "moderated_by", "rejection_reason",
        "face_summary", "location_precision", "not_before", "withdrawn_at", "takedown",
        "recorded_checklist",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["photo_preview", "status", "photo_status", "processing"]}),
        (
            _("What and where"),
            {
                "fields": [
                    "campaign",
                    "action_type",
                    "location_precision",
                    "city",
                    "country",
                    "latitude",
                    "longitude",
                    "hashtags",
                ],
            },
        ),  # fmt: skip
        (_("Text"), {"fields": ["caption", "alt_text", "display_name", "featured"]}),
        (
            _("Participant (never public)"),
            {"fields": ["email", "language", "consent", "submitted_at", "not_before"]},
        ),
        (
            _("Decision"),
            {
                "fields": [
                    "moderated_at",
                    "moderated_by",
                    "rejection_reason",
                    "recorded_checklist",
                    "takedown",
                    "withdrawn_at",
                ],
            },
        ),  # fmt: skip
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        extra = []
        # The same conditions as ActionAdminForm's, on the same object.
        can_change = self.has_change_permission(request, obj)
        if obj.photo_status != Action.PhotoStatus.NONE:
            fields = ["face_summary"]
            if services.face_boxes_editable(obj) and can_change:
                fields.append("blur_boxes")
            extra.append((_("Faces"), {"fields": fields}))
        if obj.status == Action.Status.PENDING and can_change:
            extra.append((_("Before deciding"), {"fields": ["checklist"]}))
        return [fieldsets[0], *extra, *fieldsets[1:]]

    def has_change_permission(self, request, obj=None):
        # A withdrawn action is the participant's decision, and its personal data is gone.
        if obj is not None and obj.status == Action.Status.WITHDRAWN:
            return False
        return super().has_change_permission(request, obj)

    def has_takedown_permission(self, request):
        return request.user.has_perm("actions.add_takedown")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hashtags")

    def get_search_results(self, request, queryset, search_term):
        """A search for "#4Августа" also finds the hashtag 4августа, stored lowercase."""
        words = [word.lstrip("#") for word in search_term.split()]
        results, may_have_duplicates = super().get_search_results(
            request, queryset, " ".join(word for word in words if word)
        )
        tags = [word.lower() for word in words if word]
        if tags:
            results |= queryset.filter(hashtags__name__in=tags)
            may_have_duplicates = True
        return results, may_have_duplicates

    def has_add_permission(self, request):
        # Actions come from participants through the submission form only.
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/photo/<slug:name>/",
                self.photo_view,
                name="actions_action_photo",
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="actions_action_reject",
            ),
            *super().get_urls(),
        ]

    # Columns and read-only fields

    @admin.display(description=_("photo"))
    def thumbnail(self, obj):
        url = self.photo_url(obj, "thumb")
        if not url:
            return obj.get_photo_status_display()
        return format_html('<img src="{}" alt="" width="80" class="admin-thumbnail">', url)

    @admin.display(description=_("action"), ordering="id")
    def summary(self, obj):
        return str(obj)

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        return countries.name(obj.country)

    @admin.display(description=_("caption"))
    def short_caption(self, obj):
        return Truncator(obj.caption).chars(80)

    @admin.display(description=_("hashtags"))
    def hashtag_list(self, obj):
        return " ".join(f"#{tag.name}" for tag in obj.hashtags.all())

    @admin.display(description=_("photo"))
    def photo_preview(self, obj):
        display, master = self.photo_url(obj, "display"), self.photo_url(obj, "master")
        if not display:
            return obj.get_photo_status_display()
        rendition = obj.rendition("display")
        width = min(rendition["width"], 480)
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="{}" height="{}" class="admin-preview"></a>',
            master or display,
            display,
            obj.alt_text or _("The photo at full size"),
            width,
            round(rendition["height"] * width / rendition["width"]),
        )

    @admin.display(description=_("faces"))
    def face_summary(self, obj):
        if not obj.blur_faces:
            choice = _("The participant chose not to blur faces.")
        elif obj.faces_detected is None:
            choice = _("Faces were not detected automatically: add the boxes by hand.")
        else:
            choice = _("Faces were detected automatically: check for any that were missed.")
        count = len(obj.face_boxes)
        blurred = ngettext(
            "%(count)d box is blurred in the images.",
            "%(count)d boxes are blurred in the images.",
            count,
        ) % {"count": count}
        return f"{choice} {blurred}"

    @admin.display(description=_("checklist"))
    def recorded_checklist(self, obj):
        if not obj.checklist:
            return "—"
        labels = [(ChecklistItem(item).label,) for item in obj.checklist if item in ChecklistItem]
        return format_html(
            '<ul class="recorded-checklist">{}</ul>', format_html_join("", "<li>{}</li>", labels)
        )

    @admin.display(description=_("processing"))
    def processing(self, obj):
        if obj.photo_status == Action.PhotoStatus.NONE:
            return "—"
        if not obj.processing_error:
            return ngettext(
                "%(count)d attempt.", "%(count)d attempts.", obj.processing_attempts
            ) % {"count": obj.processing_attempts}
        return ngettext(
            "%(count)d attempt; last error: %(error)s",
            "%(count)d attempts; last error: %(error)s",
            obj.processing_attempts,
        ) % {"count": obj.processing_attempts, "error": obj.processing_error}

    def photo_url(self, obj, name):
        """Public URL once approved; the moderators' private view otherwise."""
        if name == "master":
            path_ = obj.photo
        else:
            rendition = obj.rendition(name)
            path_ = rendition["path"] if rendition else ""
            if path_ and obj.renditions_public:
                return media_url(path_)
        if not path_:
            return ""
        return reverse("admin:actions_action_photo", args=[obj.pk, name])

    # Views

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET" and not request.GET:
            return HttpResponseRedirect(f"{request.path}?status={Action.Status.PENDING}")
        # Files written by a bulk decision go with a rollback of the whole request.
        with files.delete_files_on_error():
            return super().changelist_view(request, extra_context)

    def changeform_view(self, request, *args, **kwargs):
        with files.delete_files_on_error():
            return super().changeform_view(request, *args, **kwargs)

    def photo_view(self, request, object_id, name):
        """A stored photo for moderators; 404 for anyone else, and never cached."""
        if not (self.admin_site.has_permission(request) and self.has_view_permission(request)):
            raise Http404
        action = self.get_object(request, unquote(object_id))
        if action is None:
            raise Http404
        if name == "master":
            # The unblurred photo, for the decision only: never once it is made.
            if action.status != Action.Status.PENDING:
                raise Http404
            storage, path_ = services.private_storage(), action.photo
        else:
            rendition = action.rendition(name)
            if rendition is None:
                raise Http404
            path_ = rendition["path"]
            storage = default_storage if action.renditions_public else services.private_storage()
        if not path_ or not storage.exists(path_):
            raise Http404
        content_type = mimetypes.guess_type(path_)[0] or "application/octet-stream"
        response = FileResponse(storage.open(path_, "rb"), content_type=content_type)
        response["Cache-Control"] = "private, no-store"
        return response

    def reject_view(self, request, object_id):
        action = self.get_object(request, unquote(object_id))
        if action is None:
            raise Http404
        if not self.has_change_permission(request, action):
            raise PermissionDenied
        form = RejectForm(
            request.POST if request.method == "POST" else None,
            initial={"checklist": checklist_of(request.GET)},
        )
        if form.is_valid():
            seen = request.POST.get("status_seen")
            with files.delete_files_on_error():
                outcome = services.reject(
                    [action],
                    request.user,
                    form.cleaned_data["reason"],
                    # Unpublish only what the moderator saw decided (not a pending one
                    # approved meanwhile by someone else).
                    reconsider=seen in services.DECIDED_VISIBLE,
                    checklist=checklist_of(request.POST),
                )
            self.report(request, outcome, approved=False)
            return HttpResponseRedirect(reverse("admin:actions_action_changelist"))
        return self.render_reject_page(request, [action], form, status_seen=action.status)

    def render_reject_page(self, request, actions, form, **extra):
        return confirmation_page(
            self,
            request,
            "admin/actions/action/reject.html",
            form,
            title=_("Reject actions"),
            actions_to_reject=actions,
            **extra,
        )

    def response_change(self, request, obj):
        if "_approve" in request.POST:
            seen = request.POST.get("_status_seen")
            outcome = services.approve(
                [obj],
                request.user,
                reconsider=seen == Action.Status.REJECTED,
                checklist=checklist_of(request.POST),
            )
            self.report(request, outcome, approved=True)
            if outcome.decided:
                return self.response_post_save_change(request, obj)
            return HttpResponseRedirect(request.path)
        if "_reject" in request.POST:
            # The edits are saved; the reason is asked on the next page, with the ticks.
            url = reverse("admin:actions_action_reject", args=[obj.pk])
            ticks = checklist_of(request.POST)
            if ticks:
                url += "?" + urlencode({"checklist": ticks}, doseq=True)
            return HttpResponseRedirect(url)
        return super().response_change(request, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.face_boxes_changed():
            if services.set_face_boxes(obj, form.cleaned_data["blur_boxes"]):
                self.message_user(request, _("The images were made again with the new face boxes."))
            else:
                self.message_user(
                    request,
                    _("The face boxes were not changed: the action was decided meanwhile."),
                    messages.WARNING,
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A moderator's fix to a public action (city, hashtags, place) changes the results.
        stats.recount(form.instance)
        if form.instance.status == Action.Status.APPROVED:
            publiccache.bump_on_commit()

    def delete_model(self, request, obj):
        services.delete_action(obj)

    def delete_queryset(self, request, queryset):
        for action in queryset:
            services.delete_action(action)

    # Bulk actions

    @admin.action(description=_("Approve selected actions"), permissions=["change"])
    def approve_selected(self, request, queryset):
        # The checklist lives on each action's page; a bulk approval records none, and
        # the moderator is reminded how many photos went without it.
        with_photo = queryset.filter(
            status=Action.Status.PENDING, photo_status=Action.PhotoStatus.READY
        ).count()
        self.report(request, services.approve(queryset, request.user), approved=True)
        if with_photo:
            message = ngettext(
                "%(count)d photo was approved without the checklist: it is recorded as "
                "not checked.",
                "%(count)d photos were approved without the checklist: they are recorded as "
                "not checked.",
                with_photo,
            )
            self.message_user(request, message % {"count": with_photo}, messages.WARNING)

    @admin.action(description=_("Reject selected actions…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            outcome = services.reject(
                queryset,
                request.user,
                form.cleaned_data["reason"],
                checklist=form.cleaned_data["checklist"],
            )
            self.report(request, outcome, approved=False)
            return None
        return self.render_reject_page(request, list(queryset), form, bulk=True)

    @admin.action(description=_("Process the photos again"), permissions=["change"])
    def retry_processing(self, request, queryset):
        count = len(services.retry_processing(queryset))
        self.message_user(
            request,
            ngettext(
                "%(count)d photo queued for processing again.",
                "%(count)d photos queued for processing again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(
        description=_("Emergency takedown of actions like these…"), permissions=["takedown"]
    )
    def emergency_takedown(self, request, queryset):
        """Hide every approved action matching criteria prefilled from the selection."""
        if "apply" in request.POST:
            form = TakedownForm(request.POST)
        else:
            form = TakedownForm(initial=common_criteria(queryset))
        if form.is_valid():
            takedown = form.take_down(request.user)
            report_takedown(self, request, takedown)
            return HttpResponseRedirect(
                reverse("admin:actions_takedown_change", args=[takedown.pk])
            )
        return confirmation_page(
            self,
            request,
            "admin/actions/action/takedown.html",
            form,
            title=_("Emergency takedown"),
            bulk=True,
            selected_actions=list(queryset.select_related("campaign")[:20]),
            selected_count=queryset.count(),
        )

    def report(self, request, outcome, *, approved):
        """Tell the moderator what a decision did, one message per kind of result."""
        count = len(outcome.decided)
        if approved:
            done = ngettext("%(count)d action approved.", "%(count)d actions approved.", count)
        else:
            done = ngettext("%(count)d action rejected.", "%(count)d actions rejected.", count)
        level = messages.SUCCESS if count else messages.WARNING
        self.message_user(request, done % {"count": count}, level)
        if count := len(outcome.already_decided):
            message = ngettext(
                "%(count)d action was skipped: another decision was made first.",
                "%(count)d actions were skipped: another decision was made first.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.WARNING)
        deleted = [
            a for a in outcome.photo_not_ready if a.photo_status == Action.PhotoStatus.REMOVED
        ]
        if count := len(outcome.photo_not_ready) - len(deleted):
            message = ngettext(
                "%(count)d action was not approved: its photo is still being processed "
                "or processing failed.",
                "%(count)d actions were not approved: their photos are still being "
                "processed or processing failed.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.WARNING)
        if count := len(deleted):
            message = ngettext(
                "%(count)d action was not approved: its photo was deleted when it was rejected.",
                "%(count)d actions were not approved: their photos were deleted when they "
                "were rejected.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.WARNING)
        if count := len(outcome.failed):
            message = ngettext(
                "%(count)d action could not be changed because of a storage error; try again.",
                "%(count)d actions could not be changed because of a storage error; try again.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.ERROR)


# Campaigns


class CampaignIdeaInline(admin.StackedInline):
    model = CampaignIdea
    fields = ["language", "title", "body", "order"]
    extra = 0
    verbose_name = _("way to take part")
    verbose_name_plural = _("ways to take part (one language each; English is the fallback)")


class CampaignMaterialInline(admin.TabularInline):
    model = CampaignMaterial
    fields = ["language", "kind", "title", "file", "file_format", "size", "order"]
    readonly_fields = ["file_format", "size"]
    extra = 0
    verbose_name_plural = _("materials to download (public once saved)")

    @admin.display(description=_("size"))
    def size(self, obj):
        return filesizeformat(obj.file_size) if obj.file_size else "—"


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignAdminForm
    inlines = [CampaignIdeaInline, CampaignMaterialInline]
    actions = ["export_csv"]
    list_display = ["name_en", "slug", "starts_on", "ends_on", "is_active", "pending_count"]
    list_filter = ["is_active", "starts_on"]
    search_fields = ["name_en", "name_be", "name_ru", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    fieldsets = [
        (None, {"fields": ["name_en", "name_be", "name_ru", "slug"]}),
        (_("Description"), {"fields": ["description_en", "description_be", "description_ru"]}),
        (_("Form"), {"fields": ["hashtags", "action_types"]}),
        (_("Dates"), {"fields": ["starts_on", "ends_on", "is_active"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(pending=Count("actions", filter=Q(actions__status=Action.Status.PENDING)))
        )

    @admin.display(description=_("pending actions"), ordering="pending")
    def pending_count(self, obj):
        return obj.pending

    def save_formset(self, request, form, formset, change):
        if formset.model is not CampaignMaterial:
            return super().save_formset(request, form, formset, change)
        # Materials go through their service: format and size from the file, old files removed.
        with files.delete_files_on_error():
            for material in formset.save(commit=False):
                old_path = ""
                if material.pk:
                    old_path = (
                        CampaignMaterial.objects.filter(pk=material.pk)
                        .values_list("file", flat=True)
                        .first()
                    )
                materials.save_material(material, old_path=old_path or "")
            for material in formset.deleted_objects:
                materials.delete_material(material)
            formset.save_m2m()

    def has_export_permission(self, request):
        # The export lists actions: whoever may view them (Moderators) may export them.
        return request.user.has_perm("actions.view_action")

    @admin.action(description=_("Export approved actions as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return export.csv_response(list(queryset.order_by("slug")))


# Emergency takedowns


class LiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for lifting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("For the record: for instance, the danger is over."),
    )


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


@admin.register(Takedown)
class TakedownAdmin(admin.ModelAdmin):
    """Made through services.take_down() (here, from the actions list, or by the command),
    never edited or deleted: the record of who hid what, when and why, until lifted."""

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
        released = elsewhere = failed = already = 0
        for takedown in takedowns:
            hidden = takedown.actions.filter(status=Action.Status.HIDDEN)
            before = hidden.count()
            if not takedown.is_active:
                already += 1
            count = services.lift_takedown(takedown, user=request.user, reason=reason)
            # What another active takedown matches is held back under that one; what is
            # still under this one could not be released (a storage error).
            left = hidden.count()
            released, failed = released + count, failed + left
            elsewhere += before - count - left
        lifted = len(takedowns) - already
        summary = ngettext("%(count)d takedown lifted.", "%(count)d takedowns lifted.", lifted) % {
            "count": lifted
        }
        summary += " " + ngettext(
            "%(count)d action is public again (or waits for its publication time).",
            "%(count)d actions are public again (or wait for their publication time).",
            released,
        ) % {"count": released}
        self.message_user(request, summary, messages.SUCCESS if lifted else messages.WARNING)
        if already:
            message = ngettext(
                "%(count)d takedown had already been lifted.",
                "%(count)d takedowns had already been lifted.",
                already,
            )
            self.message_user(request, message % {"count": already}, messages.WARNING)
        if elsewhere:
            message = ngettext(
                "%(count)d action stays hidden: another active takedown matches it.",
                "%(count)d actions stay hidden: another active takedown matches them.",
                elsewhere,
            )
            self.message_user(request, message % {"count": elsewhere}, messages.WARNING)
        if failed:
            message = ngettext(
                "%(count)d action could not be released because of a storage error; lift again.",
                "%(count)d actions could not be released because of a storage error; lift again.",
                failed,
            )
            self.message_user(request, message % {"count": failed}, messages.ERROR)
