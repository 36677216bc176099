from django.urls import path, register_converter
from django.urls.converters import get_converters

from actions.views import feeds, gallery, maps, receipts, reports, submission
from soliday.converters import UnicodeSlugConverter
from soliday.publiccache import public_cache

if "uslug" not in get_converters():  # news.urls may have registered it already
    register_converter(UnicodeSlugConverter, "uslug")

app_name = "actions"

urlpatterns = [
    path("submit/", submission.submit, name="submit"),
    path("submit/thanks/", submission.thanks, name="thanks"),
    path("submit/thanks/forget/", submission.thanks_forget, name="thanks-forget"),
    path("cities/", submission.cities, name="cities"),
    # The participant's receipt: the token is in the query string or the form, never
    # in the path, so the access log does not record it.
    path("receipt/", receipts.receipt, name="receipt"),
    path("receipt/delay/", receipts.delay, name="receipt-delay"),
    path("receipt/withdraw/", receipts.withdraw, name="receipt-withdraw"),
    path("receipt/withdrawn/", receipts.withdrawn, name="receipt-withdrawn"),
    path("receipt/photo/", receipts.photo, name="receipt-photo"),
    path("", gallery.gallery, name="gallery"),
    path("tag/<uslug:slug>/", gallery.tag, name="tag"),
    # Feed readers poll: kept until public content changes (each item's size is a storage call).
    path("feed/campaign/<uslug:slug>/", public_cache(feeds.CampaignFeed()), name="feed-campaign"),
    path("feed/tag/<uslug:slug>/", public_cache(feeds.TagFeed()), name="feed-tag"),
    path("<int:pk>/", gallery.detail, name="detail"),
    # "Report this photo / I am in this photo": no account, goes to the moderators.
    path("<int:pk>/report/", reports.report, name="report"),
    path("<int:pk>/report/sent/", reports.report_sent, name="report-sent"),
    path("map/", maps.map_page, name="map"),
    path("map/clusters/", maps.clusters, name="map-clusters"),
    path("map/places/", maps.map_places, name="map-places"),
]
