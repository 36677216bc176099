from django.urls import path, register_converter
from django.urls.converters import get_converters

from actions import feeds, gallery, maps, views
from soliday.converters import UnicodeSlugConverter

if "uslug" not in get_converters():  # news.urls may have registered it already
    register_converter(UnicodeSlugConverter, "uslug")

app_name = "actions"

urlpatterns = [
    path("submit/", views.submit, name="submit"),
    path("submit/thanks/", views.thanks, name="thanks"),
    path("cities/", views.cities, name="cities"),
    path("", gallery.gallery, name="gallery"),
    path("tag/<uslug:slug>/", gallery.tag, name="tag"),
    path("feed/campaign/<uslug:slug>/", feeds.CampaignFeed(), name="feed-campaign"),
    path("feed/tag/<uslug:slug>/", feeds.TagFeed(), name="feed-tag"),
    path("<int:pk>/", gallery.detail, name="detail"),
    path("map/", maps.map_page, name="map"),
    path("map/clusters/", maps.clusters, name="map-clusters"),
]
