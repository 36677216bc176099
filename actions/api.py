"""`/api/actions.geojson`: approved actions with a public point, as GeoJSON, public fields only.

The geometry is the public point kept by actions.stats, and `city` is null while the
city has fewer than K approved actions (the point is then its country's centre).

Parameters: the gallery's filters (actions.filters), `bbox=minLon,minLat,maxLon,maxLat`,
`limit` (1 to MAX_LIMIT, default DEFAULT_LIMIT) and `after` (the cursor in the previous
response's `next`). Newest first by (published_at, id); see README.md, "Data out".
"""

import math

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from actions.filters import ActionFilters
from actions.gallery import public_rendition
from actions.models import Action
from actions.pagination import paginate
from soliday.publiccache import public_cache

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

# Loaded columns: private fields (email, language, moderation, processing) never are.
FIELDS = (
    "id",
    "campaign",
    "action_type",
    "city",
    "city_shown",
    "country",
    "public_latitude",
    "public_longitude",
    "caption",
    "alt_text",
    "display_name",
    "submitted_at",
    "published_at",
    "renditions",
    "renditions_public",
    "campaign__slug",
)


class BadRequest(ValueError):
    pass


def parse_bbox(text):
    """(min_lon, min_lat, max_lon, max_lat) from "minLon,minLat,maxLon,maxLat"."""
    parts = text.split(",")
    if len(parts) != 4:
        raise BadRequest("bbox must be minLon,minLat,maxLon,maxLat")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(part) for part in parts)
    except ValueError:
        raise BadRequest("bbox must be four numbers") from None
    if not all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat)):
        raise BadRequest("bbox must be four numbers")
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise BadRequest(
            "bbox needs -180 <= minLon <= maxLon <= 180 and -90 <= minLat <= maxLat <= 90"
        )
    return min_lon, min_lat, max_lon, max_lat


def parse_limit(text):
    if text is None or text == "":
        return DEFAULT_LIMIT
    try:
        limit = int(text)
    except ValueError:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return limit


def _absolute(url):
    return url if "://" in url else settings.SITE_URL + url


def feature(action):
    """One action as a GeoJSON Feature: public fields, the date without time of day."""
    images = {}
    for name in ("thumb", "display"):
        if rendition := public_rendition(action, name):
            images[name] = {
                "url": _absolute(default_storage.url(rendition["path"])),
                "width": rendition["width"],
                "height": rendition["height"],
            }
    return {
        "type": "Feature",
        "id": action.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [action.public_longitude, action.public_latitude],
        },
        "properties": {
            "id": action.pk,
            "url": _absolute(action.get_absolute_url()),
            "campaign": action.campaign.slug,
            "type": action.action_type,
            "city": (action.city or None) if action.city_shown else None,
            "country": action.country,
            "date": timezone.localdate(action.submitted_at).isoformat(),
            "caption": action.caption,
            "alt_text": action.alt_text,
            "hashtags": sorted(tag.name for tag in action.hashtags.all()),
            "display_name": action.display_name or None,
            "thumb": images.get("thumb"),
            "display": images.get("display"),
        },
    }


def _error(message):
    return JsonResponse({"error": message}, status=400)


@require_GET
@public_cache  # revalidated every time: a takedown shows at once
def actions_geojson(request):
    """Queries: one per `campaign`/`tag` filter, one for an `after` cursor, the page of
    actions with their campaigns, and their hashtags."""
    try:
        limit = parse_limit(request.GET.get("limit"))
        bbox = parse_bbox(request.GET["bbox"]) if request.GET.get("bbox") else None
    except BadRequest as error:
        return _error(str(error))
    filters = ActionFilters.from_query(request.GET)
    queryset = (
        Action.objects.approved()
        .filter(public_latitude__isnull=False, public_longitude__isnull=False)
        .select_related("campaign")
        .only(*FIELDS)
        .prefetch_related("hashtags")
    )
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        queryset = queryset.filter(
            public_longitude__gte=min_lon,
            public_longitude__lte=max_lon,
            public_latitude__gte=min_lat,
            public_latitude__lte=max_lat,
        )
    queryset = filters.apply(queryset)
    page = paginate(queryset, after=request.GET.get("after"), size=limit)
    # Addresses of pages in the default language: the answer does not vary with the
    # visitor's language, so that caches can share it.
    with translation.override(settings.LANGUAGE_CODE):
        features = [feature(action) for action in page.items]
    next_url = None
    if page.older:
        query = request.GET.copy()
        query["after"] = page.older
        query.pop("before", None)
        next_url = _absolute(reverse("api-actions-geojson") + "?" + query.urlencode())
    return JsonResponse(
        {"type": "FeatureCollection", "features": features, "next": next_url},
        json_dumps_params={"ensure_ascii": False},
        content_type="application/geo+json",
    )
