"""`/api/actions.geojson`: public actions with a public point, as GeoJSON, public fields only.

Each feature is `actions.public.feature()`: the geometry is the public point kept by
actions.stats, and `city` is null while the city has fewer than K approved actions
(the point is then its country's centre).

Parameters: the gallery's filters (actions.filters), `bbox=minLon,minLat,maxLon,maxLat`
(actions.geo: a view across the antimeridian is fine), `limit` (1 to MAX_LIMIT,
default DEFAULT_LIMIT) and `after` (the cursor in the previous response's `next`).
Newest first by (published_at, id); see README.md, "Data out".
"""

from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from actions import geo, public
from actions.filters import ActionFilters
from actions.pagination import paginate
from soliday.links import absolute
from soliday.publiccache import public_cache

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def parse_limit(text):
    if text is None or text == "":
        return DEFAULT_LIMIT
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise geo.BadRequest(
            _("The limit must be a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}
        )
    return limit


@require_GET
@public_cache  # revalidated every time: a takedown shows at once
def actions_geojson(request):
    """Queries: one per `campaign`/`tag` filter, one for an `after` cursor, the page of
    actions with their campaigns, and their hashtags."""
    try:
        limit = parse_limit(request.GET.get("limit"))
        bbox = geo.parse_bbox(request.GET["bbox"]) if request.GET.get("bbox") else None
    except geo.BadRequest as error:
        return JsonResponse({"error": str(error)}, status=400)
    queryset = ActionFilters.from_query(request.GET).apply(public.on_map())
    if bbox is not None:
        queryset = queryset.filter(bbox.q())
    page = paginate(queryset, after=request.GET.get("after"), size=limit)
    features = [public.feature(action) for action in page.items]
    next_url = None
    if page.older:
        query = request.GET.copy()
        query["after"] = page.older
        query.pop("before", None)
        next_url = absolute(reverse("api-actions-geojson") + "?" + query.urlencode())
    return JsonResponse(
        {"type": "FeatureCollection", "features": features, "next": next_url},
        json_dumps_params={"ensure_ascii": False},
        content_type="application/geo+json",
    )
