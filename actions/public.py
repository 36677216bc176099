"""What the public may know of an action, and the one place it is written down.

Visibility is `Action.objects.public()` (approved) and `.with_public_photo()`; this
module loads them with the public columns only and turns an action into what each
public surface shows: the gallery's cards and the action page (templates, through
`place()`, `title()` and `rendition()`), the map's points, GeoJSON features, feed
items and the moderators' CSV export.

Two rules hold everywhere:

- The K threshold: a city is named only once it has K approved actions in the
  campaign (`actions.stats` keeps `city_shown` and the public point); until then
  the action stands at its country's centre with no city.
- Times are dates: no public surface tells when an action was sent or approved to
  the minute.

Private columns (email, language, moderation, processing, the stored point) are
never loaded, so no template or serializer can show them by mistake.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone, translation

from actions.models import Action
from actions.pagination import newer_than, older_than
from soliday import countries, localise
from soliday.links import absolute

PUBLIC_FIELDS = (
    "id",
    "campaign",
    "campaign__slug",
    "campaign__name_en",
    "campaign__name_be",
    "campaign__name_ru",
    "action_type",
    "city",
    "city_shown",
    "country",
    "public_latitude",
    "public_longitude",
    "caption",
    "alt_text",
    "display_name",
    "submitted_at",
    "happened_on",
    "published_at",
    "photo_status",
    "renditions",
    "renditions_public",
)


def actions():
    """Public actions with their public columns, campaigns and hashtags."""
    return (
        Action.objects.public()
        .select_related("campaign")
        .only(*PUBLIC_FIELDS)
        .prefetch_related("hashtags")
    )


def photos():
    """Public actions whose photo is public: what the gallery, feeds and tag pages show."""
    return actions().with_public_photo()


def cards():
    """Public photos for cards: actions.cards reads their hashtags with one light query
    (and renders a card only when the cache does not hold it), so none are prefetched."""
    return photos().prefetch_related(None)


def on_map():
    """Public actions with a public point (those with no place are not on any map)."""
    return actions().filter(public_latitude__isnull=False, public_longitude__isnull=False)


# What a point of the map shows: no campaign, no text but the alt text.
POINT_FIELDS = (
    "id",
    "public_latitude",
    "public_longitude",
    "city",
    "city_shown",
    "country",
    "action_type",
    "alt_text",
    "renditions",
    "renditions_public",
)


def points():
    """Public actions with a public point, with the columns of a map point only."""
    return (
        Action.objects.public()
        .filter(public_latitude__isnull=False, public_longitude__isnull=False)
        .only(*POINT_FIELDS)
    )


# One action


def city(action):
    """The city public pages name, or None while it has fewer than K approved actions."""
    return (action.city or None) if action.city_shown else None


def place(action):
    """ "City, Country" in the active language (localise.city_name: "Варшава, Польшча"), or
    the country alone while the city is not named; "" without one."""
    named = localise.city_name(city(action), action.country)
    return ", ".join(name for name in (named, countries.name(action.country)) if name)


def title(action):
    """ "Type, place" as public pages title an action; the type alone without a place."""
    where = place(action)
    kind = action.get_action_type_display()
    return f"{kind}, {where}" if where else kind


def day(action):
    """The action's date: the day it happened if the participant gave it, else the day it
    was sent in the portal's time zone. Public times are dates."""
    return action.happened_on or timezone.localdate(action.submitted_at)


def rendition(action, name):
    """The rendition called `name` ("thumb", "display", "share") while public, else None."""
    return action.rendition(name) if action.renditions_public else None


def image(action, name):
    """{"url", "width", "height"} of a public rendition (absolute URL), or None."""
    found = rendition(action, name)
    if found is None:
        return None
    return {
        "url": absolute(default_storage.url(found["path"])),
        "width": found["width"],
        "height": found["height"],
    }


def hashtags(action):
    return sorted(tag.name for tag in action.hashtags.all())


def neighbours(action):
    """The next newer and next older public photo, in the gallery's order. Two queries."""
    if action.published_at is None:
        return None, None
    at, pk = action.published_at, action.pk
    base = Action.objects.with_public_photo().only("id")
    # Each walks actions_approved_pub_idx from this action, one row.
    newer = base.filter(newer_than(at, pk)).order_by("published_at", "pk").first()
    older = base.filter(older_than(at, pk)).order_by("-published_at", "-pk").first()
    return newer, older


# Representations


def feature(action):
    """A GeoJSON Feature of `/api/actions.geojson`. Page addresses in the default
    language: the answer does not vary with the visitor's, so caches can share it."""
    with translation.override(settings.LANGUAGE_CODE):
        url = absolute(action.get_absolute_url())
    return {
        "type": "Feature",
        "id": action.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [action.public_longitude, action.public_latitude],
        },
        "properties": {
            "id": action.pk,
            "url": url,
            "campaign": action.campaign.slug,
            "type": action.action_type,
            "city": city(action),
            "country": action.country,
            "date": day(action).isoformat(),
            "caption": action.caption,
            "alt_text": action.alt_text,
            "hashtags": hashtags(action),
            "display_name": action.display_name or None,
            "thumb": image(action, "thumb"),
            "display": image(action, "display"),
        },
    }


def map_point(action):
    """A point of the map's cluster answer, in the visitor's language."""
    thumb = rendition(action, "thumb")
    return {
        "id": action.pk,
        "lat": round(action.public_latitude, 5),
        "lon": round(action.public_longitude, 5),
        "city": city(action),
        "country": action.country,
        "country_name": countries.name(action.country),
        "type": str(action.get_action_type_display()),
        "url": action.get_absolute_url(),
        "thumbnail": default_storage.url(thumb["path"]) if thumb else None,
        "thumbnail_width": thumb["width"] if thumb else None,
        "thumbnail_height": thumb["height"] if thumb else None,
        "alt": action.alt_text,
    }


CSV_COLUMNS = [
    "id", "url", "campaign", "type", "city", "country", "latitude", "longitude", "date",
    "caption", "alt_text", "hashtags",
]  # fmt: skip
# What a spreadsheet would run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text):
    """A text cell that no spreadsheet runs as a formula."""
    text = str(text or "")
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_row(action):
    """A row of the moderators' CSV export (CSV_COLUMNS). Never the display name: a
    spreadsheet outlives a participant's withdrawal."""
    return [
        action.pk,
        absolute(action.get_absolute_url()),
        safe_cell(action.campaign.slug),
        action.action_type,
        safe_cell(city(action)),
        action.country,
        "" if action.public_latitude is None else action.public_latitude,
        "" if action.public_longitude is None else action.public_longitude,
        day(action).isoformat(),
        safe_cell(action.caption),
        safe_cell(action.alt_text),
        safe_cell(" ".join(f"#{name}" for name in hashtags(action))),
    ]
