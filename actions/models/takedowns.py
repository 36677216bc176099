"""Emergency takedowns: approved actions matching one are hidden until it is lifted."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actions.models.campaigns import Campaign


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
