"""What the moderators' desk keeps besides the actions: the canned rejection reasons."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class RejectionReasonQuerySet(models.QuerySet):
    def offered(self):
        """The reasons a moderator picks from, in the administrators' order."""
        return self.filter(active=True).order_by("position", "id")


class RejectionReason(models.Model):
    """A canned reason for a rejection, in the three languages of the site.

    The participant's mail gives it in their language (`text()`); administrators edit
    the list in the admin. `code` names the few the code itself uses ("duplicate").
    """

    DUPLICATE = "duplicate"

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short name that does not change; the duplicate button uses 'duplicate'."),
    )
    text_en = models.CharField(_("reason in English"), max_length=300)
    text_be = models.CharField(_("reason in Belarusian"), max_length=300, blank=True)
    text_ru = models.CharField(_("reason in Russian"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(
        _("offered"), default=True, help_text=_("Untick to stop offering it.")
    )

    objects = RejectionReasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text()

    def text(self, language=None):
        """The reason in `language` (the active one by default), English when missing."""
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"text_{language}", "") or self.text_en
