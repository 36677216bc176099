"""A campaign's results, ways to take part and materials, as public pages show them.

Every number comes from the campaign's Tally rows (kept in step by
actions.stats on each approval and unpublication), never from counting the
actions, so the page reads a bounded number of rows at 1k or 1M actions.

A city is named, and counted among the cities, only once it has K approved
actions (stats.min_city_count()); its actions count under their country until
then, so that no page singles out a lonely participant.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _
from taggit.models import Tag

from actions import charts, public, stats
from actions.models import ActionType, Campaign, Tally
from soliday import countries, localise

D = Tally.Dimension
TOP_COUNTRIES = 10
TOP_CITIES = 10
TOP_HASHTAGS = 12
# Results by day show the most recent days that have actions (a year and more); the
# chart draws days up to CHART_DAYS of them, weeks beyond (a column stays visible).
MAX_DAYS = 400
CHART_DAYS = 62
FEATURED = 8
HOME_PHOTOS = 6


@dataclass
class Row:
    label: str
    count: int
    key: str = ""
    # A hashtag row: its page's slug, "" when it has none.
    slug: str = ""


@dataclass
class Breakdown:
    """The top rows of one dimension, and how many more there are."""

    rows: list
    more: int = 0
    more_count: int = 0
    chart: str = ""

    @property
    def total_rows(self):
        return len(self.rows) + self.more


@dataclass
class Results:
    total: int = 0
    countries: int = 0
    cities: int = 0
    by_country: Breakdown = field(default_factory=lambda: Breakdown([]))
    by_city: Breakdown = field(default_factory=lambda: Breakdown([]))
    by_type: Breakdown = field(default_factory=lambda: Breakdown([]))
    by_day: Breakdown = field(default_factory=lambda: Breakdown([]))
    hashtags: list = field(default_factory=list)


def counters(campaign):
    """(total, countries, cities) of approved actions: one query over the Tally rows.

    Cities with fewer than K actions are not counted (their countries are).
    """
    return counters_of([campaign])[campaign.pk]


def _top(rows, limit):
    rows = sorted(rows, key=lambda row: (-row.count, row.label))
    rest = rows[limit:]
    return Breakdown(rows[:limit], more=len(rest), more_count=sum(row.count for row in rest))


def results(campaign):
    """The campaign's results from its tallies, in six bounded queries."""
    tallies = Tally.objects.filter(campaign=campaign, count__gt=0).order_by("-count", "key")
    found = Results()
    # 1. Total, countries and types: at most 1 + ~250 + 9 rows.
    small = tallies.filter(dimension__in=[D.TOTAL, D.COUNTRY, D.TYPE]).values_list(
        "dimension", "key", "count"
    )
    by_country, by_type = [], []
    for dimension, key, count in small:
        if dimension == D.TOTAL:
            found.total = count
        elif dimension == D.COUNTRY:
            by_country.append(Row(countries.name(key), count, key))
        elif key in ActionType.values:
            by_type.append(Row(str(ActionType(key).label), count, key))
    found.countries = len(by_country)
    found.by_country = _top(by_country, TOP_COUNTRIES)
    found.by_type = _top(by_type, len(by_type))
    # 2. The largest cities, and 3. how many cities there are with how many actions; only
    # cities with at least K actions (an index range on actions_tally_top_idx).
    shown = tallies.filter(dimension=D.CITY, count__gte=stats.min_city_count())
    city_rows = shown.values_list("key", "count")[:TOP_CITIES]
    named = shown.aggregate(cities=Count("id"), actions=Sum("count", default=0))
    found.cities = named["cities"]
    cities = []
    for key, count in city_rows:
        country, city = stats.split_city_key(key)
        label = f"{localise.city_name(city, country)}, {countries.name(country)}"
        cities.append(Row(label, count, key))
    found.by_city = Breakdown(
        cities,
        more=max(0, found.cities - len(cities)),
        more_count=max(0, named["actions"] - sum(row.count for row in cities)),
    )
    # 4. The most recent of the campaign's days with actions, shown oldest first (ISO
    # dates compare as strings).
    days = (
        tallies.filter(campaign_days(campaign))
        .order_by("-key")
        .values_list("key", "count")[:MAX_DAYS]
    )
    by_day = []
    for key, count in reversed(days):
        try:
            day = datetime.date.fromisoformat(key)
        except ValueError:
            continue
        by_day.append(Row(formats.date_format(day, "SHORT_DATE_FORMAT"), count, key))
    found.by_day = Breakdown(by_day)
    # 5. The top hashtags, and 6. the addresses of their pages.
    found.hashtags = [
        Row(f"#{key}", count, key)
        for key, count in tallies.filter(dimension=D.HASHTAG).values_list("key", "count")[
            :TOP_HASHTAGS
        ]
    ]
    _link_hashtags(found.hashtags)
    _draw(found)
    return found


def _link_hashtags(rows):
    """Give each hashtag row the slug of its page ("" makes no link). One query."""
    tags = Tag.objects.filter(name__in=[row.key for row in rows]).only("name", "slug")
    slugs = {tag.name: tag.slug for tag in tags}
    for row in rows:
        row.slug = slugs.get(row.key, "")


def _draw(found):
    pairs = lambda rows: [(row.label, row.count) for row in rows]  # noqa: E731
    found.by_country.chart = charts.bars(
        pairs(found.by_country.rows), title=_("Approved actions by country")
    )
    found.by_city.chart = charts.bars(
        pairs(found.by_city.rows), title=_("Approved actions by city")
    )
    found.by_type.chart = charts.bars(
        pairs(found.by_type.rows), title=_("Approved actions by type of action")
    )
    found.by_day.chart = _day_chart(found.by_day.rows)


def _day_chart(rows):
    """Columns per day with short labels ("4 Aug", "4 жні"); per week (Monday to Sunday,
    labelled by its Monday) when there are more than CHART_DAYS days."""
    days = [(datetime.date.fromisoformat(row.key), row.count) for row in rows]
    if len(days) <= CHART_DAYS:
        columns = [(localise.short_date(day), count) for day, count in days]
        return charts.columns(columns, title=_("Approved actions per day"))
    weeks = {}
    for day, count in days:
        monday = day - datetime.timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    columns = [(localise.short_date(monday), count) for monday, count in sorted(weeks.items())]
    return charts.columns(columns, title=_("Approved actions per week"))


def campaign_days(campaign):
    """The day tallies within the campaign's dates (ISO dates compare as strings)."""
    days = Q(dimension=D.DAY, key__gte=campaign.starts_on.isoformat())
    if campaign.ends_on:
        days &= Q(key__lte=campaign.ends_on.isoformat())
    return days


def counters_of(campaigns):
    """{campaign id: (total, countries, cities)} for the campaigns index: one query.

    Cities with fewer than K actions are not counted (their countries are)."""
    # Uses actions_tally_top_idx: three dimensions, rows with actions.
    rows = (
        Tally.objects.filter(
            campaign__in=campaigns, dimension__in=[D.TOTAL, D.COUNTRY, D.CITY], count__gt=0
        )
        .values("campaign")
        .annotate(
            total=Sum("count", filter=Q(dimension=D.TOTAL), default=0),
            countries=Count("id", filter=Q(dimension=D.COUNTRY)),
            cities=Count("id", filter=Q(dimension=D.CITY, count__gte=stats.min_city_count())),
        )
        .order_by()
    )
    found = {campaign.pk: (0, 0, 0) for campaign in campaigns}
    found.update({row["campaign"]: (row["total"], row["countries"], row["cities"]) for row in rows})
    return found


def in_language(queryset, language):
    """Rows in `language`, or in English when there are none: one query for both."""
    rows = list(queryset.filter(language__in={language, "en"}))
    own = [row for row in rows if row.language == language]
    return own or [row for row in rows if row.language == "en"]


def latest_photos(campaign, limit, *, featured=False):
    """Approved actions of `campaign` with a public photo, newest first, ready for cards."""
    queryset = public.cards().filter(campaign=campaign)
    if featured:
        # Uses actions_featured_idx.
        queryset = queryset.filter(featured=True)
    return list(queryset.order_by("-published_at", "-id")[:limit])


def active_campaign():
    """The most recent active campaign, which the home page leads with."""
    return Campaign.objects.active().order_by("-starts_on", "-id").first()
