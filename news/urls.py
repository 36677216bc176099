from django.urls import path, register_converter

from news import feeds, views
from soliday.converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "news"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("search/", views.search, name="search"),
    path("archive/<int:year>/", views.YearArchive.as_view(), name="year"),
    path("feed/atom/", feeds.LatestAtomFeed(), name="feed-atom"),
    path("feed/rss/", feeds.LatestRssFeed(), name="feed-rss"),
    path("tag/<uslug:slug>/", views.tag_detail, name="tag"),
    path("tag/<uslug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("tag/<uslug:slug>/feed/rss/", feeds.TagRssFeed(), name="tag-feed-rss"),
    path("<uslug:slug>/", views.article_detail, name="article"),
]
