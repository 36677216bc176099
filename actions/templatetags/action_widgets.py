"""Widgets several pages show, each getting its own data: a campaign's counters, its
latest photos, and the map of actions."""

import hashlib

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from actions import clusters, results, stats
from actions.filters import ActionFilters

register = template.Library()


@register.inclusion_tag("includes/campaign_counters.html")
def campaign_counters(campaign, numbers=None):
    """A campaign's headline numbers: one query, or none when the page has its results
    already (`numbers`, an actions.results.Results)."""
    if numbers is None:
        total, countries, cities = results.counters(campaign)
    else:
        total, countries, cities = numbers.total, numbers.countries, numbers.cities
    return {
        "counters": {"total": total, "countries": countries, "cities": cities},
        "min_city_count": stats.min_city_count(),
    }


@register.inclusion_tag("includes/latest_photos.html")
def latest_photos(campaign, limit=results.HOME_PHOTOS, sizes=""):
    """A campaign's latest public photos as cards: two queries (actions, hashtags)."""
    return {"photos": results.latest_photos(campaign, limit), "sizes": sizes}


@register.inclusion_tag("includes/action_map.html")
def action_map(filters=None, *, campaign=None, countries=True, label="", heading=2):
    """The map of public actions under `filters` (or of one `campaign`), with the list of
    countries unless `countries` is False (a page that shows its own)."""
    if filters is None:
        filters = ActionFilters(campaign=campaign, given={"campaign": campaign.slug})
    query = filters.as_query()
    gallery = reverse("actions:gallery")
    context = {
        "id": hashlib.blake2s(query.encode(), digest_size=4).hexdigest(),
        "clusters_url": reverse("actions:map-clusters") + (f"?{query}" if query else ""),
        "gallery_url": gallery + (f"?{query}" if query else ""),
        "countries": None,
        "total": None,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    if countries:
        others = filters.as_query(without="country")
        by_country, total = clusters.country_counts(filters)
        for row in by_country:
            row["gallery_url"] = f"{gallery}?{urlencode({'country': row['code']})}" + (
                f"&{others}" if others else ""
            )
        context["countries"] = by_country
        context["total"] = total
    return {"action_map": context, "map_label": label, "map_heading": heading}
