"""Public pages of approved actions: the gallery, hashtag pages and the action page.

Everything reads through `Action.objects.approved()`; the gallery and hashtag pages
show only actions with a public photo (actions without a photo count in a
campaign's results but never appear here).
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from taggit.models import Tag

from actions.filters import ActionFilters
from actions.models import Action, ActionType, Campaign, Tally
from actions.pagination import newer_than, older_than, paginate
from soliday import countries

# The columns a card or the action page shows: private fields (email, language,
# moderation) are never loaded, so no template can show them by mistake.
PUBLIC_FIELDS = (
    "id",
    "campaign",
    "action_type",
    "city",
    "city_shown",
    "country",
    "caption",
    "alt_text",
    "display_name",
    "submitted_at",
    "published_at",
    "renditions",
    "renditions_public",
    "photo_status",
    "campaign__slug",
    "campaign__name_en",
    "campaign__name_be",
    "campaign__name_ru",
)


def _with_public_photo(queryset):
    return queryset.filter(photo_status=Action.PhotoStatus.READY, renditions_public=True)


def public_actions():
    """Approved actions with only the columns public pages show, campaigns and hashtags."""
    return (
        Action.objects.approved()
        .select_related("campaign")
        .only(*PUBLIC_FIELDS)
        .prefetch_related("hashtags")
    )


def public_photos():
    """Approved actions whose photo is public: what the gallery, feeds and tag pages show."""
    return _with_public_photo(public_actions())


def public_rendition(action, name):
    """The action's rendition called `name` while its photo is public, else None."""
    return action.rendition(name) if action.renditions_public else None


def public_place(action):
    """Where an action was, as public pages say it: "City, Country", or the country alone
    while the city has fewer than K approved actions (actions.stats); "" without a place.
    """
    city = action.city if action.city_shown else ""
    return ", ".join(name for name in (city, countries.name(action.country)) if name)


def public_title(action):
    """ "Type, place" as public pages title an action; the type alone without a place."""
    place = public_place(action)
    kind = action.get_action_type_display()
    return f"{kind}, {place}" if place else kind


def _page(request, queryset):
    return paginate(queryset, after=request.GET.get("after"), before=request.GET.get("before"))


def _filter_choices(filters):
    """Options of the filter form: campaigns, and countries that have approved actions."""
    # Query: the campaigns, for the campaign select.
    campaigns = list(Campaign.objects.only("slug", "name_en", "name_be", "name_ru"))
    # Query: the countries counted in any campaign's results (a few hundred tally rows).
    codes = set(
        Tally.objects.filter(dimension=Tally.Dimension.COUNTRY, count__gt=0)
        .values_list("key", flat=True)
        .distinct()
    )
    if filters.country:
        codes.add(filters.country)
    country_choices = sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])
    return {
        "campaigns": campaigns,
        "country_choices": country_choices,
        "type_choices": ActionType.choices,
    }


@require_GET
def gallery(request):
    """Approved photos, newest first, filtered by the query string, a cursor page at a time.

    Queries without filters or cursor: the page of actions with their campaigns, their
    hashtags (prefetched), the campaigns and the countries for the filter form. A
    `campaign` or `tag` filter adds one lookup each; a cursor adds one.
    """
    filters = ActionFilters.from_query(request.GET)
    page = _page(request, filters.apply(public_photos()))
    context = {
        "filters": filters,
        "page": page,
        # Not "query": base.html fills the news search box with that.
        "filter_query": filters.as_query(),
        "removals": [(item, filters.as_query(without=item.name)) for item in filters.active],
        "section": "gallery",
        **_filter_choices(filters),
    }
    return render(request, "actions/gallery.html", context)


@require_GET
def tag(request, slug):
    """Approved photos with one hashtag; a tag no approved photo has is a 404."""
    # Query: the tag.
    found = Tag.objects.filter(slug=slug).first()
    if found is None:
        # /tag/4Августа/ or /tag/%234августа/: lead to the tag's own address.
        normal = slugify(slug, allow_unicode=True)
        # Only to a page that exists: a redirect must not tell that a pending action's
        # hashtag exists.
        if normal and normal != slug and public_photos().filter(hashtags__slug=normal).exists():
            return redirect("actions:tag", slug=normal, permanent=True)
        raise Http404
    after, before = request.GET.get("after"), request.GET.get("before")
    page = _page(request, public_photos().filter(hashtags=found))
    if not page.items and not (after or before):
        raise Http404
    context = {
        "tag": found,
        "page": page,
        "gallery_query": urlencode({"tag": found.name}),
        "section": "gallery",
    }
    return render(request, "actions/tag.html", context)


def neighbours(action):
    """The next newer and next older approved photo, in the gallery's order. Two queries."""
    if action.published_at is None:
        return None, None
    at, pk = action.published_at, action.pk
    base = _with_public_photo(Action.objects.approved()).only("id")
    # Each walks actions_approved_pub_idx from this action, one row.
    newer = base.filter(newer_than(at, pk)).order_by("published_at", "pk").first()
    older = base.filter(older_than(at, pk)).order_by("-published_at", "-pk").first()
    return newer, older


def share_links(url, title):
    """Plain links to share a page: no third-party script, nothing loaded until clicked."""
    return [
        (_("Email"), "mailto:?" + urlencode({"subject": title, "body": url}).replace("+", "%20")),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://x.com/intent/post?" + urlencode({"url": url, "text": title})),
        ("VK", "https://vk.com/share.php?" + urlencode({"url": url, "title": title})),
    ]


@require_GET
def detail(request, pk):
    """One approved action; pending, rejected and unknown ones are the same 404.

    Queries: the action with its campaign, its hashtags, the newer and older neighbours.
    """
    action = get_object_or_404(public_actions(), pk=pk)
    newer, older = neighbours(action)
    place = public_place(action)
    title = public_title(action)
    url = settings.SITE_URL + action.get_absolute_url()
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "title": title,
            "place": place,
            "newer": newer,
            "older": older,
            "share_links": share_links(url, title),
            "section": "gallery",
        },
    )
