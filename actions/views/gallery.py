"""Public pages of actions: the gallery, hashtag pages and the action page.

Everything reads through `actions.public`; the gallery and hashtag pages show only
actions with a public photo (actions without a photo count in a campaign's results
but never appear here).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET
from taggit.models import Tag

from actions import public
from actions.filters import ActionFilters
from actions.pagination import COUNT_CAP, bounded_count, paginate
from soliday.links import absolute, share_links
from soliday.publiccache import public_page


def _page(request, queryset):
    return paginate(queryset, after=request.GET.get("after"), before=request.GET.get("before"))


@require_GET
@public_page
def gallery(request):
    """Approved photos, newest first, filtered by the query string, a cursor page at a time.

    Queries without filters or cursor: the page of actions with their campaigns, their
    hashtags' names (actions.cards), how many photos (bounded), the campaigns and the
    countries for the filter form. A
    `campaign` or `tag` filter adds one lookup each; a cursor adds one.
    """
    filters = ActionFilters.from_query(request.GET)
    photos = filters.apply(public.cards())
    page = _page(request, photos)
    count = bounded_count(photos, COUNT_CAP)  # one query: COUNT over LIMIT COUNT_CAP + 1
    context = {
        "filters": filters,
        "page": page,
        "count": count,
        "count_cap": COUNT_CAP,
        # Not "query": base.html fills the news search box with that.
        "filter_query": filters.as_query(),
        "removals": [(item, filters.as_query(without=item.name)) for item in filters.active],
        "section": "gallery",
        **filters.choices(),
    }
    return render(request, "actions/gallery.html", context)


@require_GET
@public_page
def tag(request, slug):
    """Approved photos with one hashtag; a tag no approved photo has is a 404."""
    # Query: the tag.
    found = Tag.objects.filter(slug=slug).first()
    if found is None:
        # /tag/4Августа/ or /tag/%234августа/: lead to the tag's own address.
        normal = slugify(slug, allow_unicode=True)
        # Only to a page that exists: a redirect must not tell that a pending action's
        # hashtag exists.
        if normal and normal != slug and public.photos().filter(hashtags__slug=normal).exists():
            return redirect("actions:tag", slug=normal, permanent=True)
        raise Http404
    after, before = request.GET.get("after"), request.GET.get("before")
    page = _page(request, public.cards().filter(hashtags=found))
    if not page.items and not (after or before):
        raise Http404
    context = {
        "tag": found,
        "page": page,
        "gallery_query": urlencode({"tag": found.name}),
        "section": "gallery",
    }
    return render(request, "actions/tag.html", context)


@require_GET
@public_page
def detail(request, pk):
    """One approved action; pending, rejected and unknown ones are the same 404.

    Queries: the action with its campaign, its hashtags, the newer and older neighbours.
    """
    action = get_object_or_404(public.actions(), pk=pk)
    newer, older = public.neighbours(action)
    place = public.place(action)
    title = public.title(action)
    url = absolute(action.get_absolute_url())
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
