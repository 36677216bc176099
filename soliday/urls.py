from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from actions.views import api as actions_api
from news.sitemaps import ArticleSitemap, NewsPagesSitemap
from soliday import views

sitemaps = {"pages": NewsPagesSitemap, "news": ArticleSitemap}

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("admin/", admin.site.urls),
    path("api/actions.geojson", actions_api.actions_geojson, name="api-actions-geojson"),
    # str, not slug: campaign slugs may be Cyrillic (allow_unicode).
    path(
        "api/campaigns/<str:slug>/results.json",
        actions_api.campaign_results_json,
        name="api-campaign-results-json",
    ),
    path(
        "api/campaigns/<str:slug>/results.csv",
        actions_api.campaign_results_csv,
        name="api-campaign-results-csv",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("news/", include("news.urls")),
    path("actions/", include("actions.urls")),
    path("campaigns/", include("actions.campaign_urls")),
    path("privacy/", views.privacy, name="privacy"),
    path("about/", views.about, name="about"),
)

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.media),
    ]
