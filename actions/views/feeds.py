"""Atom feeds of newly approved actions with a photo, per campaign and per hashtag.

Items are the newest FEED_SIZE approved actions by publication, from
actions.public.photos(), so exactly what the gallery shows. Times are
dates (midnight, in the portal's time zone): a feed never tells when an action
was approved to the minute. A title names the city only once it has K approved
actions (actions.stats), like every public page.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from taggit.models import Tag

from actions import public
from actions.models import Campaign
from actions.services.storage import STORAGE_ERRORS
from soliday.links import absolute

FEED_SIZE = 30
MIME_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def _day(moment):
    """Midnight of the day of `moment`, in the portal's time zone."""
    day = timezone.localdate(moment)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class ActionsFeed(Feed):
    feed_type = Atom1Feed

    def actions(self, obj):
        raise NotImplementedError

    def items(self, obj):
        # Queries: the actions with their campaigns, and their hashtags.
        return self.actions(obj).order_by("-published_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return public.title(item)

    def item_description(self, item):
        display = public.rendition(item, "display")
        image = (
            format_html(
                '<p><img src="{}" width="{}" height="{}" alt="{}"></p>',
                absolute(default_storage.url(display["path"])),
                display["width"],
                display["height"],
                item.alt_text,
            )
            if display
            else ""
        )
        return image + format_html("<p>{}</p>", item.caption) if item.caption else image

    def item_pubdate(self, item):
        return _day(item.published_at)

    def item_updateddate(self, item):
        return _day(item.published_at)

    def item_author_name(self, item):
        return item.display_name or None

    def item_categories(self, item):
        return [tag.name for tag in item.hashtags.all()]

    def item_enclosures(self, item):
        display = public.rendition(item, "display")
        if not display:
            return []
        path = display["path"]
        try:
            length = str(default_storage.size(path))
        except STORAGE_ERRORS:
            length = "0"
        extension = path.rsplit(".", 1)[-1].lower()
        return [
            Enclosure(
                absolute(default_storage.url(path)),
                length,
                MIME_TYPES.get(extension, "application/octet-stream"),
            )
        ]


class CampaignFeed(ActionsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Campaign, slug=slug)

    def title(self, obj):
        return _("Soliday: new actions, %(campaign)s") % {"campaign": obj.name}

    def subtitle(self, obj):
        return _("Photos of solidarity actions, as moderators approve them.")

    def link(self, obj):
        return reverse("actions:gallery") + "?" + urlencode({"campaign": obj.slug})

    def actions(self, obj):
        return public.photos().filter(campaign=obj)


class TagFeed(ActionsFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        # Like the hashtag page: a hashtag of pending or rejected actions only is unknown.
        if not public.photos().filter(hashtags=tag).exists():
            raise Http404
        return tag

    def title(self, obj):
        return _("Soliday: new actions with #%(tag)s") % {"tag": obj.name}

    def subtitle(self, obj):
        return _("Photos of solidarity actions, as moderators approve them.")

    def link(self, obj):
        return reverse("actions:tag", kwargs={"slug": obj.slug})

    def actions(self, obj):
        return public.photos().filter(hashtags=obj)
