"""Campaign results counted as actions become public: tallies and map cells (actions.stats)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from actions.models.campaigns import Campaign


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
