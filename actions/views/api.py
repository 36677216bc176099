"""The public API. `/api/actions.geojson`: public actions with a public point, as
GeoJSON, public fields only; `/api/campaigns/<slug>/results.json` and `.csv`: a
campaign's results.

Each feature is `actions.public.feature()`: the geometry is the public point kept by
actions.stats, and `city` is null while the city has fewer than K approved actions
(the point is then its country's centre).

Parameters: the gallery's filters (actions.filters), `bbox=minLon,minLat,maxLon,maxLat`
(actions.geo: a view across the antimeridian is fine), `limit` (1 to MAX_LIMIT,
default DEFAULT_LIMIT) and `after` (the cursor in the previous response's `next`).
Newest first by (published_at, id); see README.md, "Data out".
"""

import csv

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from actions import geo, public, results_data
from actions.filters import ActionFilters
from actions.models import Campaign
from actions.pagination import paginate
from soliday.links import absolute
from soliday.middleware import open_data
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


# A campaign's results as data (actions.results_data): for partners' sites and
# spreadsheets. Labels in `?lang=` (en, be or ru; English by default).


def _campaign_results(request, slug):
    """(campaign, data) or (None, the 400/404 answer). Queries: the campaign, its tallies."""
    language = request.GET.get("lang", "en")
    if language not in dict(settings.LANGUAGES):
        codes = ", ".join(code for code, _name in settings.LANGUAGES)
        return None, JsonResponse(
            {"error": _("The language must be one of: %(codes)s.") % {"codes": codes}},
            status=400,
        )
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        return None, JsonResponse({"error": _("There is no such campaign.")}, status=404)
    with translation.override(language):
        return campaign, results_data.data(campaign)


@require_GET
@open_data
@public_cache
def campaign_results_json(request, slug):
    campaign, found = _campaign_results(request, slug)
    if campaign is None:
        return found
    return JsonResponse(found, json_dumps_params={"ensure_ascii": False})


@require_GET
@open_data
@public_cache
def campaign_results_csv(request, slug):
    campaign, found = _campaign_results(request, slug)
    if campaign is None:
        return found
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        False, f"results-{campaign.slug}.csv"
    )
    csv.writer(response).writerows(results_data.csv_rows(found))
    return response
