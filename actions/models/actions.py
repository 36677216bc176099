"""A participant's action: what they sent, what moderators decided, what is public."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from actions.models.campaigns import ActionType, Campaign
from actions.models.desk import RejectionReason
from actions.models.takedowns import Takedown


def receipt_hash(token):
    """What is stored of a receipt token: its SHA-256, so a copy of the database
    opens no receipt."""
    return hashlib.sha256(token.encode()).hexdigest()


class ActionQuerySet(models.QuerySet):
    def public(self):
        """The only way an action reaches a public page, feed, map, count or export.

        Approved and not held back: scheduled and taken-down actions have their own
        statuses. What of a public action may be shown is `actions.public`'s business.
        """
        return self.filter(status=Action.Status.APPROVED)

    def with_public_photo(self):
        """Public actions whose photo is public (processed, in public storage)."""
        return self.public().filter(photo_status=Action.PhotoStatus.READY, renditions_public=True)

    def approved(self):
        """The moderators' word for public(): the same rows."""
        return self.public()

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
    # The day the action happened when the participant gave it (an action without a
    # photo sent after the campaign closed); else the day it was sent counts.
    happened_on = models.DateField(_("day of the action"), null=True, blank=True, editable=False)
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
    # The canned reason picked (RejectionReason), mailed in the participant's language;
    # `rejection_reason` holds the moderator's free text, if any.
    canned_reason = models.ForeignKey(
        RejectionReason,
        verbose_name=_("canned reason"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
    # The photo's perceptual hash (64-bit pHash, 16 hex digits), made with the renditions;
    # `duplicate_of` is the earliest action of the same campaign whose hash differs by at
    # most settings.ACTIONS_DUPLICATE_DISTANCE bits (services.duplicates).
    photo_hash = models.CharField(_("photo hash"), max_length=16, blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("likely duplicate of"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    # Who is looking at this pending action now, until when (services.claims): a short,
    # renewable claim, so that two moderators do not review the same photo.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("being reviewed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
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
            # actions of the map's one-action cells (actions.clusters._points_for_cells).
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
