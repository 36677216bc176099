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
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.forms import TagField

from actions import export, faces, materials, services, stats
from actions.models import Action, ActionType, Campaign, CampaignIdea, CampaignMaterial
from soliday import countries, files
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


class ActionAdminForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("country"), choices=countries.choices)
    latitude = forms.FloatField(label=_("latitude"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(
        label=_("longitude"), min_value=-180, max_value=180, required=False
    )
    hashtags = HashtagField(label=_("hashtags"), required=False)
    # Present only while the unblurred master exists (services.face_boxes_editable).
    blur_boxes = forms.CharField(
        label=_("Faces to blur"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 30, "spellcheck": "false"}),
    )

    class Meta:
        model = Action
        fields = [
            "campaign", "action_type", "city", "country", "latitude", "longitude", "hashtags",
            "caption", "alt_text", "display_name", "featured",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not services.face_boxes_editable(self.instance):
            del self.fields["blur_boxes"]
            return
        field = self.fields["blur_boxes"]
        field.initial = boxes_as_text(self.instance.face_boxes)
        field.help_text = _(
            "One box a line: x, y, width, height, in pixels of the unblurred photo "
            "(%(width)d × %(height)d; open it from the preview). Add a line to blur a face "
            "that was missed; remove one to leave it sharp. Saving makes the images again."
        ) % {"width": self.instance.photo_width, "height": self.instance.photo_height}

    def clean_blur_boxes(self):
        size = (self.instance.photo_width, self.instance.photo_height)
        return parse_boxes(self.cleaned_data["blur_boxes"], size)

    def face_boxes_changed(self):
        """Whether the moderator's boxes differ from the stored ones (scores aside)."""
        if "blur_boxes" not in self.fields or "blur_boxes" not in self.cleaned_data:
            return False
        if self.add_prefix("blur_boxes") not in self.data:
            return False  # a form sent without the field (not a browser) removes no box
        edges = [(b.x, b.y, b.width, b.height) for b in self.cleaned_data["blur_boxes"]]
        stored = [(b["x"], b["y"], b["width"], b["height"]) for b in self.instance.face_boxes]
        return edges != stored


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
    ]  # fmt: skip
    search_fields = ["city", "caption", "hashtags__name"]
    search_help_text = _("City, caption or hashtag.")
    # The moderation queue: oldest first.
    ordering = ["submitted_at", "id"]
    list_per_page = 50
    actions = ["approve_selected", "reject_selected", "retry_processing"]

    def view_on_site(self, obj):
        # Only an approved action has a public page; for the others the link would 404.
        return obj.get_absolute_url() if obj.status == Action.Status.APPROVED else None

    readonly_fields = [
        "photo_preview", "status", "photo_status", "processing", "email", "language",
        "consent", "submitted_at", "moderated_at", "moderated_by", "rejection_reason",
        "face_summary",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["photo_preview", "status", "photo_status", "processing"]}),
        (
            _("What and where"),
            {
                "fields": [
                    "campaign",
                    "action_type",
                    "city",
                    "country",
                    "latitude",
                    "longitude",
                    "hashtags",
                ],
            },
        ),
        (_("Text"), {"fields": ["caption", "alt_text", "display_name", "featured"]}),
        (
            _("Participant (never public)"),
            {"fields": ["email", "language", "consent", "submitted_at"]},
        ),
        (_("Decision"), {"fields": ["moderated_at", "moderated_by", "rejection_reason"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.photo_status == Action.PhotoStatus.NONE:
            return fieldsets
        fields = ["face_summary"]
        # The same condition as ActionAdminForm's, on the same object.
        if services.face_boxes_editable(obj) and self.has_change_permission(request, obj):
            fields.append("blur_boxes")
        return [fieldsets[0], (_("Faces"), {"fields": fields}), *fieldsets[1:]]

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
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="{}" height="{}" class="admin-preview"></a>',
            master or display,
            display,
            obj.alt_text,
            min(rendition["width"], 480),
            round(rendition["height"] * min(rendition["width"], 480) / rendition["width"]),
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
        form = RejectForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            seen = request.POST.get("status_seen")
            with files.delete_files_on_error():
                outcome = services.reject(
                    [action],
                    request.user,
                    form.cleaned_data["reason"],
                    reconsider=seen == Action.Status.APPROVED,
                )
            self.report(request, outcome, approved=False)
            return HttpResponseRedirect(reverse("admin:actions_action_changelist"))
        return self.render_reject_page(request, [action], form, status_seen=action.status)

    def render_reject_page(self, request, actions, form, **extra):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject actions"),
            "opts": self.opts,
            "actions_to_reject": actions,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "form": form,
            **extra,
        }
        return TemplateResponse(request, "admin/actions/action/reject.html", context)

    def response_change(self, request, obj):
        if "_approve" in request.POST:
            seen = request.POST.get("_status_seen")
            outcome = services.approve(
                [obj], request.user, reconsider=seen == Action.Status.REJECTED
            )
            self.report(request, outcome, approved=True)
            if outcome.decided:
                return self.response_post_save_change(request, obj)
            return HttpResponseRedirect(request.path)
        if "_reject" in request.POST:
            # The edits are saved; the reason is asked on the next page.
            return HttpResponseRedirect(reverse("admin:actions_action_reject", args=[obj.pk]))
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

    def delete_model(self, request, obj):
        services.delete_action(obj)

    def delete_queryset(self, request, queryset):
        for action in queryset:
            services.delete_action(action)

    # Bulk actions

    @admin.action(description=_("Approve selected actions"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self.report(request, services.approve(queryset, request.user), approved=True)

    @admin.action(description=_("Reject selected actions…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            outcome = services.reject(queryset, request.user, form.cleaned_data["reason"])
            self.report(request, outcome, approved=False)
            return None
        return self.render_reject_page(
            request,
            list(queryset),
            form,
            bulk=True,
            selected=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            select_across=request.POST.get("select_across", "0"),
        )

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
        if count := len(outcome.photo_not_ready):
            message = ngettext(
                "%(count)d action was not approved: its photo is still being processed "
                "or processing failed.",
                "%(count)d actions were not approved: their photos are still being "
                "processed or processing failed.",
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
