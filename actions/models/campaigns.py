"""Campaigns: a day of solidarity with its hashtags, ways to take part and materials."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from actions import materials
from soliday.markup import render_body


class ActionType(models.TextChoices):
    PICKET = "picket", _("Picket")
    LETTER = "letter", _("Letter")
    PETITION = "petition", _("Petition")
    ART = "art", _("Art action")
    PHOTO = "photo", _("Photo action")
    CONCERT = "concert", _("Concert")
    STREET_RENAMING = "street_renaming", _("Street renaming")
    RALLY = "rally", _("Rally")
    OTHER = "other", _("Other")


class CampaignQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class CampaignHashtag(TaggedItemBase):
    content_object = models.ForeignKey("Campaign", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("campaign hashtag")
        verbose_name_plural = _("campaign hashtags")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="actions_campaignhashtag_unique"
            ),
        ]


class Campaign(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_be = models.CharField(_("name (Belarusian)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_be = models.TextField(_("description (Belarusian)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    hashtags = TaggableManager(
        _("hashtags"),
        through=CampaignHashtag,
        blank=True,
        help_text=_("Offered on the submission form, e.g. 4august, 4августа, bysoliday."),
    )
    action_types = models.JSONField(
        _("expected action types"),
        default=list,
        blank=True,
        help_text=_("The types the form offers first for this campaign; empty means all."),
    )
    starts_on = models.DateField(
        _("starts on"), help_text=_("The form accepts actions from this day on.")
    )
    ends_on = models.DateField(
        _("ends on"),
        null=True,
        blank=True,
        help_text=_(
            "The last day the form accepts actions with a photo; actions without a photo "
            "that happened by then can still be sent. Empty: no closing date."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Active campaigns are offered on the form.")
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "slug"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    def accepts(self, day):
        """Whether an action on `day` belongs to the campaign: from its opening date to
        its closing date, both included (no closing date: open from the opening on)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def phase(self, today):
        """ "upcoming" before the opening date, "open" on the campaign's days, "past" after."""
        if today < self.starts_on:
            return "upcoming"
        return "open" if self.accepts(today) else "past"

    def _localised(self, field):
        language = translation.get_language() or "en"
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_en")

    @property
    def name(self):
        return self._localised("name")

    @property
    def description(self):
        return self._localised("description")


class CampaignIdea(models.Model):
    """A way to take part, written by the editors: a picket, a letter, a street renaming…"""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="ideas"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Markdown. For a letter: the address and a sample text."),
    )
    body_html = models.TextField(editable=False, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("way to take part")
        verbose_name_plural = _("ways to take part")
        ordering = ["order", "id"]
        indexes = [
            # The campaign page: the ideas of one campaign in its language and English.
            models.Index(fields=["campaign", "language", "order"], name="actions_idea_page_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Derived data, not a side effect: keeps body_html in step with body.
        self.body_html = render_body(self.body, "markdown")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.campaign.get_absolute_url()


class CampaignMaterial(models.Model):
    """A downloadable file for a campaign (poster, banner, letter template), per language."""

    class Kind(models.TextChoices):
        POSTER = "poster", _("Poster")
        BANNER = "banner", _("Banner")
        LETTER = "letter_template", _("Letter template")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="materials"
    )
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.POSTER)
    file = models.FileField(
        _("file"),
        upload_to=materials.material_path,
        max_length=255,
        validators=[materials.validate_material],
        help_text=_("PDF, PNG, JPEG, SVG, ZIP, DOCX or ODT, up to 20 MB. Public once saved."),
    )
    # Computed from the file by actions.materials.describe() when it is saved.
    file_format = models.CharField(_("format"), max_length=10, editable=False, blank=True)
    file_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["order", "id"]
        indexes = [
            # The campaign page: the materials of one campaign in its language and English.
            models.Index(
                fields=["campaign", "language", "order"], name="actions_material_page_idx"
            ),
        ]

    def __str__(self):
        return self.title
