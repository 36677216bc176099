"""A campaign's page: its results, ways to take part and materials (queries: actions.results)."""

from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_GET

from actions import results, stats
from actions.models import Campaign, CampaignIdea, CampaignMaterial
from soliday.publiccache import public_page


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
        "section": "campaigns",
    }
    return render(request, "actions/campaign.html", context)
