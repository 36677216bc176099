"""The review flow of the moderators' desk, mixed into ActionAdmin: claims, "next pending",
likely duplicates, a canned reason on the action's own page, keyboard-ready buttons, and
the bulk approval's confirmation with the blurred photos and the checklist.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from actions import services
from actions.admin.forms import BulkApproveForm, QuickRejectForm, checklist_of
from actions.admin.pages import confirmation_page, report_decision
from actions.models import Action, RejectionReason


class ReviewMixin:
    """What ActionAdmin adds for a moderator working through the queue."""

    def review_urls(self):
        site = self.admin_site
        return [
            path("next/", site.admin_view(self.next_view), name="actions_action_next"),
            path(
                "<path:object_id>/claim/",
                site.admin_view(require_POST(self.claim_view)),
                name="actions_action_claim",
            ),
        ]

    # Claims and "next pending"

    def next_view(self, request):
        """The oldest pending action nobody else is reviewing, claimed for this moderator.
        `?after=<pk>` skips the one just left (undecided)."""
        if not self.has_change_permission(request):
            raise Http404
        after = request.GET.get("after", "")
        exclude = [int(after)] if after.isdigit() else []
        if exclude:
            services.unclaim(Action(pk=exclude[0]), request.user)
        action = services.next_pending(request.user, exclude=exclude)
        if action is None:
            return self.queue_empty(request)
        return HttpResponseRedirect(reverse("admin:actions_action_change", args=[action.pk]))

    def queue_empty(self, request):
        """Nothing left to review: say so, on the pending list."""
        self.message_user(
            request,
            _("No pending action is waiting: all are decided or being reviewed by others."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:actions_action_changelist") + f"?status={Action.Status.PENDING}"
        )

    def claim_view(self, request, object_id):
        """Renew the claim while the page stays open (review.js calls it every minute)."""
        action = self.get_object(request, unquote(object_id))
        if action is None or not self.has_change_permission(request, action):
            raise Http404
        claimed = services.claim(action, request.user)
        until = action.claimed_until.isoformat() if claimed else None
        return JsonResponse({"claimed": claimed, "until": until})

    def review_context(self, request, action):
        """What the change page of a pending action shows besides the form: who else holds
        it, the reasons to pick, and the next action's photo to load ahead."""
        if action.status != Action.Status.PENDING or not self.has_change_permission(
            request, action
        ):
            return {}
        claimed = services.claim(action, request.user)
        holder = None
        if not claimed:
            holder = Action.objects.filter(pk=action.pk).values_list(
                "claimed_by__username", "claimed_until"
            )
            holder = holder.first()
        upcoming = services.peek_next(request.user, exclude=[action.pk])
        preload = self.photo_url(upcoming, "display") if upcoming is not None else ""
        return {
            "review": True,
            "claim_holder": holder,
            "reasons": list(RejectionReason.objects.offered()),
            "next_url": reverse("admin:actions_action_next") + f"?after={action.pk}",
            "next_change_url": (
                reverse("admin:actions_action_change", args=[upcoming.pk]) if upcoming else ""
            ),
            "preload_photo": preload,
            "claim_url": reverse("admin:actions_action_claim", args=[action.pk]),
        }

    # Decisions from the action's page

    def review_response(self, request, obj):
        """The review buttons; None when the request pressed none of them."""
        post = request.POST
        if "_approve_next" in post:
            outcome = services.approve(
                [obj], request.user, checklist=checklist_of(post), reconsider=False
            )
            report_decision(self, request, outcome, approved=True)
            return self.after_decision(request, obj, outcome)
        if "_reject_duplicate" in post:
            canned = RejectionReason.objects.filter(code=RejectionReason.DUPLICATE).first()
            outcome = services.reject(
                [obj],
                request.user,
                "" if canned else str(_("A duplicate of another action.")),
                canned=canned,
                checklist=checklist_of(post),
            )
            report_decision(self, request, outcome, approved=False)
            return self.after_decision(request, obj, outcome)
        if "_reject" in post:
            form = QuickRejectForm(post)
            if form.has_reason() and form.is_valid():
                outcome = services.reject(
                    [obj],
                    request.user,
                    form.cleaned_data["_reason"],
                    canned=form.cleaned_data["_canned"],
                    reconsider=post.get("_status_seen") in services.DECIDED_VISIBLE,
                    checklist=checklist_of(post),
                )
                report_decision(self, request, outcome, approved=False)
                return self.after_decision(request, obj, outcome)
            # No reason yet: the edits are saved; the reason is asked on the next page.
            url = reverse("admin:actions_action_reject", args=[obj.pk])
            ticks = checklist_of(post)
            if ticks:
                url += "?" + urlencode({"checklist": ticks}, doseq=True)
            return HttpResponseRedirect(url)
        return None

    def after_decision(self, request, obj, outcome):
        """Decided: straight to the next pending action nobody else holds, claimed (one
        request less than through "next"). Not decided: back to this one."""
        if not outcome.decided:
            return HttpResponseRedirect(request.path)
        upcoming = services.next_pending(request.user)
        if upcoming is None:
            return self.queue_empty(request)
        return HttpResponseRedirect(reverse("admin:actions_action_change", args=[upcoming.pk]))

    # Likely duplicates

    @staticmethod
    def duplicates_of(action):
        """The action this one likely duplicates, then those that likely duplicate it."""
        found = []
        if action.duplicate_of_id:
            found.append(action.duplicate_of)
        found += list(action.duplicates.select_related("campaign").order_by("submitted_at")[:10])
        return found

    @admin.display(description=_("likely duplicates"))
    def duplicate_list(self, obj):
        found = self.duplicates_of(obj)
        if not found:
            return _("None found.")
        rows = [
            (
                reverse("admin:actions_action_change", args=[other.pk]),
                self.photo_url(other, "thumb") or "",
                other,
                other.get_status_display(),
            )
            for other in found
        ]
        return format_html(
            '<ul class="duplicate-list">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}"><img src="{}" alt="" width="80"> {}</a> ({})</li>',
                rows,
            ),
        )

    @admin.display(description=_("reports from the public"))
    def open_reports(self, obj):
        """The public's open reports about this action, with their reasons."""
        reports = list(obj.reports.open().order_by("created_at", "id")[:10])
        if not reports:
            return _("None.")
        rows = [(report.get_reason_display(), report.details) for report in reports]
        return format_html(
            '<ul class="report-list">{}</ul>',
            format_html_join("", "<li>{}<br><small>{}</small></li>", rows),
        )

    # The bulk approval

    def approve_selected_page(self, request, queryset):
        """Approve at once what needs no look (no photo); for photos, the blurred images
        and the checklist first, every item ticked, then approve them all."""
        photos = list(
            queryset.filter(status=Action.Status.PENDING, photo_status=Action.PhotoStatus.READY)
            .select_related("campaign")
            .order_by("submitted_at", "id")
        )
        applying = "apply" in request.POST
        if not photos and not applying:
            report_decision(self, request, services.approve(queryset, request.user), approved=True)
            return None
        form = BulkApproveForm(request.POST if applying else None)
        if form.is_valid():
            self.apply_bulk_approval(request, queryset, form.cleaned_data["checklist"])
            return None
        previews = [
            {
                "action": action,
                "photo": self.photo_url(action, "display"),
                "faces": len(action.face_boxes),
                "blur_faces": action.blur_faces,
                "duplicate": action.duplicate_of_id,
            }
            for action in photos
        ]
        return confirmation_page(
            self,
            request,
            "admin/actions/action/approve.html",
            form,
            title=_("Approve actions"),
            bulk=True,
            previews=previews,
            others_count=queryset.count() - len(photos),
        )

    def apply_bulk_approval(self, request, queryset, ticks):
        """The checklist covers only the photos the confirmation page showed (their ids
        come back with it); without a look, only actions with no photo at all. Any
        other photo (still processing when the page was shown, ready since) stays
        pending for a look."""
        previewed = [int(pk) for pk in request.POST.getlist("previewed") if pk.isdigit()]
        outcome = services.approve(queryset.filter(pk__in=previewed), request.user, checklist=ticks)
        unseen = queryset.exclude(pk__in=previewed)
        rest = services.approve(unseen.filter(photo_status=Action.PhotoStatus.NONE), request.user)
        for name in ("decided", "already_decided", "photo_not_ready", "failed"):
            getattr(outcome, name).extend(getattr(rest, name))
        left = list(unseen.exclude(photo_status=Action.PhotoStatus.NONE))
        outcome.already_decided.extend(a for a in left if a.status != Action.Status.PENDING)
        report_decision(self, request, outcome, approved=True)
        if count := sum(a.status == Action.Status.PENDING for a in left):
            message = ngettext(
                "%(count)d action was left pending for a look: its photo was not on the "
                "confirmation page. Open it to check it.",
                "%(count)d actions were left pending for a look: their photos were not on "
                "the confirmation page. Open them to check them.",
                count,
            )
            self.message_user(request, message % {"count": count}, messages.WARNING)
