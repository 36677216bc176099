from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django.views.static import serve

from actions import results
from actions.faces import faces_available
from news.models import Article, Page
from soliday.publiccache import public_page

# Articles on the home page.
HOME_ARTICLES = 6


@require_GET
@public_page
def home(request):
    """The most recent active campaign first (its counters and latest photos come from the
    action_widgets tags), then the latest news in the visitor's language."""
    campaign = results.active_campaign()
    context = {
        "campaign": campaign,
        "campaign_phase": campaign.phase(timezone.localdate()) if campaign else "",
        "articles": Article.objects.listed(get_language())[:HOME_ARTICLES],
    }
    return render(request, "news/home.html", context)


@require_GET
def healthz(request):
    """Liveness for the load balancer: 200 when the database answers, 503 when not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(f"Disallow: /{code}/news/search/" for code, _name in settings.LANGUAGES),
        *(f"Disallow: /{code}/actions/receipt/" for code, _name in settings.LANGUAGES),
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
@public_page
def privacy(request):
    """How the portal protects participants, in plain words; the numbers are the settings'."""
    tiles = urlsplit(settings.MAP_TILE_URL).hostname if settings.MAP_TILE_URL else ""
    context = {
        "faces_automatic": faces_available(),
        "min_city_count": settings.ACTIONS_MIN_CITY_COUNT,
        "purge_days": settings.ACTIONS_PURGE_DAYS,
        "tile_host": (tiles or "").replace("{s}.", ""),
        "section": "privacy",
    }
    return render(request, "pages/privacy.html", context)


@require_GET
def about(request):
    """What the portal is (the same words in every language), then who runs it and how to
    reach them, as the editors wrote it (news.Page "about"; English where a language has
    none). One query."""
    page = Page.objects.in_language(Page.Slug.ABOUT, get_language())
    return render(request, "pages/about.html", {"page": page, "section": "about"})


def media(request, path):
    """Uploaded media in the embedded set-up (SERVE_MEDIA); production serves MEDIA_URL
    from a web server or object storage."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
