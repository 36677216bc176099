"""A campaign's page: its results, ways to take part and materials (queries: actions.results)."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from actions import results, stats
from actions.models import Campaign, CampaignIdea, CampaignMaterial
from soliday.middleware import embeddable
from soliday.publiccache import public_cache, public_page

# How long partners' visitors' browsers and proxies may keep the embedded counter.
EMBED_MAX_AGE = 60


@require_GET
def index(request):
    """Every campaign, newest first, with its dates, whether it is upcoming, on now or past,
    and its counters. Queries: the campaigns, their counters (actions.results.counters_of)."""
    campaigns = list(Campaign.objects.order_by("-starts_on", "-id"))
    numbers = results.counters_of(campaigns)
    today = timezone.localdate()
    names = ("total", "countries", "cities")
    rows = [
        {
            "campaign": campaign,
            "phase": campaign.phase(today),
            "counters": dict(zip(names, numbers[campaign.pk], strict=True)),
        }
        for campaign in campaigns
    ]
    context = {"rows": rows, "min_city_count": stats.min_city_count(), "section": "campaigns"}
    return render(request, "actions/campaign_list.html", context)


@require_GET
@public_page
def detail(request, slug):
    """Queries: the campaign and its hashtags, its results (actions.results.results), its
    ways to take part and materials, the featured photos with their hashtags."""
    campaign = get_object_or_404(Campaign.objects.prefetch_related("hashtags"), slug=slug)
    language = translation.get_language()
    context = {
        "campaign": campaign,
        "results": results.results(campaign),
        "ideas": results.in_language(CampaignIdea.objects.filter(campaign=campaign), language),
        "materials": results.in_language(
            CampaignMaterial.objects.filter(campaign=campaign), language
        ),
        "featured": results.latest_photos(campaign, results.FEATURED, featured=True),
        "min_city_count": stats.min_city_count(),
        "phase": campaign.phase(timezone.localdate()),
        "section": "campaigns",
    }
    return render(request, "actions/campaign.html", context)


@require_GET
@embeddable
@public_cache(max_age=EMBED_MAX_AGE)
def embed(request, slug):
    """The campaign's counter for an iframe on partners' sites. Queries: the campaign, its
    counters (actions.results.counters)."""
    campaign = get_object_or_404(Campaign, slug=slug)
    total, countries, cities = results.counters(campaign)
    context = {
        "campaign": campaign,
        "counters": {"total": total, "countries": countries, "cities": cities},
        "min_city_count": stats.min_city_count(),
        "open": campaign.is_active and campaign.accepts(timezone.localdate()),
    }
    return render(request, "actions/embed.html", context)
