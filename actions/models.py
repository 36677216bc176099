import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from actions import materials
from news.markup import render_body


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
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
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

    def _localised(self, field):
        language = translation.get_language() or "en"
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_en")

    @property
    def name(self):
        return self._localised("name")

    @property
    def description(self):
        return self._localised("description")


def receipt_hash(token):
    """What is stored of a receipt token: its SHA-256, so a copy of the database
    opens no receipt."""
    return hashlib.sha256(token.encode()).hexdigest()


class ActionQuerySet(models.QuerySet):
    def approved(self):
        """The only way an action reaches a public page."""
        return self.filter(status=Action.Status.APPROVED)

    def pending(self):
        return self.filter(status=Action.Status.PENDING)

    def with_receipt(self, token):
        """The action a participant's receipt token opens (none once withdrawn: the hash
        is cleared then)."""
        return self.filter(receipt_hash=receipt_hash(token))


class TaggedAction(TaggedItemBase):
    content_object = models.ForeignKey("Action", on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("action hashtag")
        verbose_name_plural = _("action hashtags")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="actions_taggedaction_unique"
            ),
        ]


class TakedownQuerySet(models.QuerySet):
    def active(self):
        return self.filter(lifted_at__isnull=True)

    def matching(self, action):
        """Active takedowns whose every criterion matches `action` (one query)."""
        tags = [tag.name for tag in action.hashtags.all()]
        return self.active().filter(
            Q(campaign__isnull=True) | Q(campaign=action.campaign_id),
            Q(country="") | Q(country=action.country),
            Q(city="") | Q(city__iexact=action.city) if action.city else Q(city=""),
            Q(hashtag="") | Q(hashtag__in=tags),
        )


class Takedown(models.Model):
    """An emergency takedown: approved actions matching it are hidden until it is lifted.

    Every criterion given must match (a campaign, a country, a city, a hashtag); an
    active takedown also holds back matching actions approved or due later.
    """

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    hashtag = models.CharField(_("hashtag"), max_length=100, blank=True)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("taken down"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken down by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    hidden_count = models.PositiveIntegerField(_("actions hidden"), default=0)

    objects = TakedownQuerySet.as_manager()

    class Meta:
        verbose_name = _("takedown")
        verbose_name_plural = _("takedowns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(campaign__isnull=True, country="", city="", hashtag=""),
                name="actions_takedown_has_criterion",
            ),
        ]

    def __str__(self):
        parts = [str(value) for value in (self.campaign, self.country, self.city) if value]
        if self.hashtag:
            parts.append(f"#{self.hashtag}")
        return " · ".join(parts)

    @property
    def is_active(self):
        return self.lifted_at is None


class ChecklistItem(models.TextChoices):
    """What a moderator checks in a photo before deciding; the ticks are recorded."""

    FACES = "faces", _("Every face is blurred, or no one can be recognised")
    CHILDREN = "children", _("No child can be recognised")
    PLATES = "plates", _("No licence plate can be read")
    SIGNS = "signs", _("No identifying sign: house number, shop name, tattoo, name badge")


class LocationPrecision(models.TextChoices):
    """How much of the place the participant lets the portal keep (and show)."""

    EXACT = "exact", _("The exact point")
    KM = "km", _("About 1 km around it")
    CITY = "city", _("The city only")
    COUNTRY = "country", _("The country only")
    NONE = "none", _("No location")


class Action(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # Approved, waiting for the participant's "not before" time.
        SCHEDULED = "scheduled", _("Approved, published later")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        # Approved, then hidden by an emergency takedown (reversible).
        HIDDEN = "hidden", _("Taken down")
        WITHDRAWN = "withdrawn", _("Withdrawn by the participant")

    class PhotoStatus(models.TextChoices):
        NONE = "none", _("No photo")
        QUEUED = "queued", _("Waiting to be processed")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Processing failed")
        # Rejected or withdrawn: the files were deleted.
        REMOVED = "removed", _("Deleted")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="actions"
    )
    action_type = models.CharField(
        _("type of action"), max_length=20, choices=ActionType, default=ActionType.PICKET
    )
    caption = models.TextField(_("caption"), max_length=2000, blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    # What the participant chose to give; city, country and the coordinates never hold
    # more than this (actions.location.coarsen runs before anything is saved).
    location_precision = models.CharField(
        _("location precision"),
        max_length=10,
        choices=LocationPrecision,
        default=LocationPrecision.CITY,
        editable=False,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("ISO 3166 code.")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # What public pages show of the place, kept by actions.stats while the action is
    # public: the city only once it has K approved actions in the campaign
    # (settings.ACTIONS_MIN_CITY_COUNT), the point at the country's centre until then.
    city_shown = models.BooleanField(default=False, editable=False)
    public_latitude = models.FloatField(null=True, blank=True, editable=False)
    public_longitude = models.FloatField(null=True, blank=True, editable=False)
    hashtags = TaggableManager(_("hashtags"), through=TaggedAction, blank=True)
    display_name = models.CharField(
        _("display name"), max_length=80, blank=True, help_text=_("Empty means anonymous.")
    )
    email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Never public; used only to tell the result.")
    )
    consent = models.BooleanField(_("consent to publication"), default=False)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(
        _("published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the action became public; public pages order by it."),
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    # The moderator's checklist ticks (CHECKLIST keys), recorded with the decision.
    checklist = models.JSONField(_("checklist"), default=list, blank=True, editable=False)
    featured = models.BooleanField(_("featured"), default=False)

    # The participant's receipt: only the SHA-256 of the secret token is stored.
    receipt_hash = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    not_before = models.DateTimeField(
        _("publish not before"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The participant asked that the action stays hidden until then."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    takedown = models.ForeignKey(
        Takedown,
        verbose_name=_("takedown"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="actions",
    )

    # The photo. `upload` is the participant's file waiting in private storage for
    # the background task; it is deleted as soon as the clean copy exists.
    # `photo` is the clean, re-encoded copy (private storage, never public), unblurred:
    # it is deleted once the action is approved or rejected.
    # `renditions` are made once by the task:
    # [{"name": "thumb"|"display"|"share", "path", "width", "height"}, ...]
    # They live in private storage while pending and in public storage once approved.
    photo_status = models.CharField(
        _("photo"), max_length=10, choices=PhotoStatus, default=PhotoStatus.NONE
    )
    upload = models.CharField(max_length=255, blank=True, editable=False)
    photo = models.CharField(max_length=255, blank=True, editable=False)
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(default=list, blank=True, editable=False)
    renditions_public = models.BooleanField(default=False, editable=False)
    processing_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    processing_error = models.TextField(_("processing error"), blank=True, editable=False)
    # Faces. `photo` (the clean master) is never blurred and exists only while the action
    # is pending; every rendition is made from a copy of it with `face_boxes` blurred.
    blur_faces = models.BooleanField(
        _("blur faces"),
        default=True,
        editable=False,
        help_text=_("The participant's choice on the form."),
    )
    # [{"x", "y", "width", "height", "score"}, ...] in pixels of the master (faces.Box),
    # found by the detector or drawn by a moderator.
    face_boxes = models.JSONField(_("face boxes"), default=list, blank=True, editable=False)
    # Whether the detector found faces; None when it did not run (not asked for, or
    # the faces extra is not installed).
    faces_detected = models.BooleanField(_("faces detected"), null=True, blank=True, editable=False)
    # What actions.stats counted for this action while it is public (campaign, country,
    # city, type, day, hashtags, map cells), so that unpublishing takes back exactly that.
    counted = models.JSONField(default=dict, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            # The moderation queue: pending actions, oldest first.
            models.Index(
                fields=["submitted_at", "id"],
                name="actions_pending_queue_idx",
                condition=Q(status="pending"),
            ),
            # Public pages: approved actions of a campaign, newest first.
            models.Index(
                fields=["campaign", "-submitted_at", "-id"],
                name="actions_approved_campaign_idx",
                condition=Q(status="approved"),
            ),
            # The gallery, feeds and GeoJSON: approved actions newest first, paginated
            # by the (published_at, id) cursor.
            models.Index(
                fields=["-published_at", "-id"],
                name="actions_approved_pub_idx",
                condition=Q(status="approved"),
            ),
            # The same, filtered by campaign or by country.
            models.Index(
                fields=["campaign", "-published_at", "-id"],
                name="actions_approved_camp_pub_idx",
                condition=Q(status="approved"),
            ),
            models.Index(
                fields=["country", "-published_at", "-id"],
                name="actions_approved_country_idx",
                condition=Q(status="approved"),
            ),
            # The map and the GeoJSON: approved actions inside a bounding box, and the
            # actions of the map's one-action cells (actions.maps._points_for_cells).
            models.Index(
                fields=["public_latitude", "public_longitude"],
                name="actions_approved_point_idx",
                condition=Q(status="approved", public_latitude__isnull=False),
            ),
            # The K threshold (actions.stats) and the city filter: one campaign's city.
            models.Index(
                fields=["campaign", "country", "city"],
                name="actions_approved_city_idx",
                condition=Q(status="approved"),
            ),
            # Publishing scheduled actions when their time comes.
            models.Index(
                fields=["not_before"],
                name="actions_scheduled_idx",
                condition=Q(status="scheduled"),
            ),
            # The campaign page's featured photos, newest first (few among many).
            models.Index(
                fields=["campaign", "-published_at", "-id"],
                name="actions_featured_idx",
                condition=Q(status="approved", featured=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="actions_action_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="actions_action_longitude_range",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_action_type_display()}, {self.city}"

    def get_absolute_url(self):
        return reverse("actions:detail", kwargs={"pk": self.pk})

    def rendition(self, name):
        for rendition in self.renditions:
            if rendition["name"] == name:
                return rendition
        return None


class Tally(models.Model):
    """Approved actions of a campaign counted along one dimension.

    Kept in step by actions.stats whenever an action becomes public or stops
    being public, so that campaign pages read a few hundred rows instead of
    counting a million.
    """

    class Dimension(models.TextChoices):
        TOTAL = "total", _("total")
        COUNTRY = "country", _("country")
        CITY = "city", _("city")
        TYPE = "type", _("type of action")
        DAY = "day", _("day")
        HASHTAG = "hashtag", _("hashtag")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tallies")
    dimension = models.CharField(max_length=10, choices=Dimension)
    # "" for the total; "PL"; "PL\tWarsaw"; "letter"; "2026-08-04"; "4august".
    key = models.CharField(max_length=200, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dimension", "key"], name="actions_tally_unique"
            ),
        ]
        indexes = [
            # The campaign page: one dimension, largest counts first.
            models.Index(fields=["campaign", "dimension", "-count"], name="actions_tally_top_idx"),
        ]

    def __str__(self):
        return f"{self.campaign_id} {self.dimension} {self.key}: {self.count}"


class MapCell(models.Model):
    """Approved actions with a location, counted per campaign in a grid cell of each zoom.

    At zoom z the Web Mercator world is 2**z tiles wide, each split into
    CELLS_PER_TILE**2 cells. The map endpoint reads the cells in view instead of
    grouping every action, so the world view costs the same at 1k and 1M actions.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    zoom = models.PositiveSmallIntegerField()
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    count = models.IntegerField(default=0)
    latitude_sum = models.FloatField(default=0)
    longitude_sum = models.FloatField(default=0)

    class Meta:
        verbose_name = _("map cell")
        verbose_name_plural = _("map cells")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "zoom", "x", "y"], name="actions_mapcell_unique"
            ),
        ]
        indexes = [
            # The map endpoint: the cells of one zoom inside the view.
            models.Index(fields=["zoom", "x", "y"], name="actions_mapcell_view_idx"),
        ]

    def __str__(self):
        return f"z{self.zoom} {self.x},{self.y}: {self.count}"


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
