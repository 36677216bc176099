"""The moderators' queue: actions, their photos and faces, and the decisions on them.

Every decision goes through `actions.services` (approve, reject, take_down), which
stamps the moderator, writes the history entry and tells the participant.
"""

import mimetypes

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actions import hashtags, services
from actions.admin.filters import CountryFilter, DuplicateFilter, StatusFilter
from actions.admin.forms import (
    ActionAdminForm,
    RejectForm,
    TakedownForm,
    checklist_of,
    common_criteria,
)
from actions.admin.pages import confirmation_page, report_decision, report_takedown
from actions.admin.review import ReviewMixin
from actions.models import Action, ChecklistItem
from soliday import admintitles, countries, files
from soliday.admintitles import TranslatedTitles
from soliday.templatetags.soliday import media_url


@admin.register(Action)
class ActionAdmin(TranslatedTitles, ReviewMixin, admin.ModelAdmin):
    titles = admintitles.ACTION
    form = ActionAdminForm
    # Narrow enough for 1440 px beside the navigation and the filters: the country goes
    # under the action, hashtags under the caption, the reviewer under the status and the
    # wait under the date.
    list_display = [
        "thumbnail", "summary", "campaign", "short_caption", "status_column", "photo_status",
        "submitted",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "summary"]
    list_select_related = ["campaign", "claimed_by"]
    list_filter = [
        StatusFilter, "campaign", CountryFilter, "action_type", "submitted_at", "photo_status",
        DuplicateFilter, ("takedown", admin.RelatedOnlyFieldListFilter),
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
        "recorded_checklist", "duplicate_list", "canned_reason", "open_reports",
    ]  # fmt: skip
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "photo_preview",
                    "status",
                    "open_reports",
                    "photo_status",
                    "processing",
                    "duplicate_list",
                ]
            },  # fmt: skip
        ),
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
                    "canned_reason",
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
        """A search for "#4Августа" also finds the hashtag 4августа, as it is stored."""
        words = [word.lstrip("#") for word in search_term.split()]
        results, may_have_duplicates = super().get_search_results(
            request, queryset, " ".join(word for word in words if word)
        )
        tags = hashtags.unique(words)
        if tags:
            results |= queryset.filter(hashtags__name__in=tags)
            may_have_duplicates = True
        return results, may_have_duplicates

    def has_add_permission(self, request):
        # Actions come from participants through the submission form only.
        return False

    def get_urls(self):
        return [
            *self.review_urls(),
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
        country = countries.name(obj.country) if obj.country else ""
        if not country:
            return str(obj)
        return format_html("{}<br><small>{}</small>", str(obj), country)

    @admin.display(description=_("caption"))
    def short_caption(self, obj):
        tags = " ".join(f"#{tag.name}" for tag in obj.hashtags.all())
        caption = Truncator(obj.caption).chars(60)
        if not tags:
            return caption
        return format_html('{}<br><small class="hashtags">{}</small>', caption, tags)

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj):
        status = obj.get_status_display()
        if obj.claimed_by_id and obj.claimed_until and obj.claimed_until > timezone.now():
            reviewer = _("%(name)s is reviewing it") % {"name": obj.claimed_by.get_username()}
            return format_html('{}<br><small class="reviewer">{}</small>', status, reviewer)
        return status

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, obj):
        when = date_format(timezone.localtime(obj.submitted_at), "SHORT_DATETIME_FORMAT")
        if obj.status != Action.Status.PENDING:
            return when
        waiting = _("waiting %(age)s") % {"age": timesince(obj.submitted_at, depth=1)}
        return format_html('{}<br><small class="waiting">{}</small>', when, waiting)

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

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and request.method == "GET":
            context.update(self.review_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

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
        # The unblurred master is never kept; a blurred rendition of a pending photo may
        # stay a few minutes in the moderator's own browser, so the next action's photo,
        # loaded ahead by the review page, is there when it opens.
        if name == "master" or action.status != Action.Status.PENDING:
            response["Cache-Control"] = "private, no-store"
        else:
            response["Cache-Control"] = "private, max-age=300"
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
                    canned=form.cleaned_data["canned"],
                    # Unpublish only what the moderator saw decided (not a pending one
                    # approved meanwhile by someone else).
                    reconsider=seen in services.DECIDED_VISIBLE,
                    checklist=checklist_of(request.POST),
                )
            report_decision(self, request, outcome, approved=False)
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
        response = self.review_response(request, obj)
        if response is not None:
            return response
        if "_approve" in request.POST:
            seen = request.POST.get("_status_seen")
            outcome = services.approve(
                [obj],
                request.user,
                reconsider=seen == Action.Status.REJECTED,
                checklist=checklist_of(request.POST),
            )
            report_decision(self, request, outcome, approved=True)
            if outcome.decided:
                return self.response_post_save_change(request, obj)
            return HttpResponseRedirect(request.path)
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
        services.refresh_public(form.instance)

    def delete_model(self, request, obj):
        services.delete_action(obj)

    def delete_queryset(self, request, queryset):
        for action in queryset:
            services.delete_action(action)

    # Bulk actions

    @admin.action(description=_("Approve selected actions…"), permissions=["change"])
    def approve_selected(self, request, queryset):
        # Photos are shown blurred, with the checklist to confirm for all of them
        # (ReviewMixin.approve_selected_page); actions without a photo go at once.
        return self.approve_selected_page(request, queryset)

    @admin.action(description=_("Reject selected actions…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            outcome = services.reject(
                queryset,
                request.user,
                form.cleaned_data["reason"],
                canned=form.cleaned_data["canned"],
                checklist=form.cleaned_data["checklist"],
            )
            report_decision(self, request, outcome, approved=False)
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
