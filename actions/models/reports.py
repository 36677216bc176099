"""Reports from the public: a bystander asks for a public photo to be taken down."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Report(models.Model):
    """A visitor's request about a public action's photo. Filing one hides nothing (so that
    nobody can take a photo down by reporting it); a moderator hides it with one click."""

    class Reason(models.TextChoices):
        IN_PHOTO = "in_photo", _("I am in this photo and I want it removed")
        DANGER = "danger", _("It puts someone in danger")
        PRIVATE = "private", _("It shows private information (a face, a name, a licence plate)")
        OFFENSIVE = "offensive", _("It is offensive or has nothing to do with the campaign")
        OTHER = "other", _("Something else")

    action = models.ForeignKey(
        "actions.Action",
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    # Optional, never public; emptied with `details` when the report is closed
    # (services.reports.close). No address or user agent is stored.
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("Given by the reporter to hear back; never public."),
    )
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at", "id"]
        indexes = [
            # The top of the moderators' queue: open reports, oldest first.
            models.Index(
                fields=["created_at", "id"],
                name="actions_report_open_idx",
                condition=Q(resolved_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} (#{self.action_id})"
