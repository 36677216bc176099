"""The map page and the cluster endpoint it draws from (the clustering: actions.clusters)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from actions import clusters as clustering
from actions import geo, places
from actions.filters import ActionFilters
from soliday.publiccache import public_cache


@require_safe
@public_cache
def clusters(request):
    """JSON: {zoom, clusters: [{count, lat, lon}], points: [{id, lat, lon, city, …}], truncated}.

    Parameters: zoom (0..20), bbox=minLon,minLat,maxLon,maxLat, and the gallery's filters.
    A bad or missing zoom or bbox is a 400 with {"error": …}.
    """
    try:
        zoom = geo.parse_zoom(request.GET.get("zoom"))
        bbox = geo.parse_bbox(request.GET.get("bbox"))
    except geo.BadRequest as error:
        return JsonResponse({"error": str(error)}, status=400)
    filters = ActionFilters.from_query(request.GET)
    # Cache-Control comes from @public_cache: public, revalidated every time.
    return JsonResponse(clustering.clusters_for(zoom, bbox, filters))


@require_safe
@cache_control(public=True, max_age=86400)
def map_places(request):
    """JSON: {places: [{name, lat, lon}]}: the largest cities in view, named in the page's
    language (actions.places). Parameters: zoom and bbox, as for clusters. No query."""
    try:
        zoom = geo.parse_zoom(request.GET.get("zoom"))
        bbox = geo.parse_bbox(request.GET.get("bbox"))
    except geo.BadRequest as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"places": places.places(zoom, bbox)})


@require_safe
def map_page(request):
    filters = ActionFilters.from_query(request.GET)
    return render(
        request,
        "actions/map.html",
        {"filters": filters, "section": "map"},
    )
