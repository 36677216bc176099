"""Campaign pages, under /<lang>/campaigns/ (namespace "campaigns")."""

from django.urls import path

from actions.views import campaigns

app_name = "campaigns"

urlpatterns = [
    path("", campaigns.index, name="list"),
    # str, not slug: campaign slugs may be Cyrillic (allow_unicode).
    path("<str:slug>/", campaigns.detail, name="detail"),
    path("<str:slug>/embed/", campaigns.embed, name="embed"),
]
