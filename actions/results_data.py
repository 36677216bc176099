"""A campaign's results as data, for partners: `/api/campaigns/<slug>/results.json` and
`.csv`, and the numbers of the embeddable counter.

The same numbers as the campaign page, from the same Tally rows, in one query whatever
the number of actions: cities only from K approved actions (their actions count under
their country until then), days only within the campaign's dates.
"""

from django.db.models import Q

from actions import public, results, stats
from actions.models import ActionType, Tally
from soliday import countries
from soliday.links import absolute

D = Tally.Dimension
CSV_COLUMNS = ["dimension", "key", "label", "count"]


def _rows(campaign):
    """(dimension, key, count) of every public tally of `campaign`; one query."""
    wanted = (
        Q(dimension__in=[D.TOTAL, D.COUNTRY, D.TYPE, D.HASHTAG])
        | Q(dimension=D.CITY, count__gte=stats.min_city_count())
        | results.campaign_days(campaign)
    )
    return (
        Tally.objects.filter(wanted, campaign=campaign, count__gt=0)
        .order_by("dimension", "-count", "key")
        .values_list("dimension", "key", "count")
    )


def data(campaign):
    """The campaign's results as a plain dict (labels in the active language)."""
    found = {
        "campaign": {
            "slug": campaign.slug,
            "name": campaign.name,
            "url": absolute(campaign.get_absolute_url()),
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else None,
        },
        "min_city_count": stats.min_city_count(),
        "total": 0,
        "countries": 0,
        "cities": 0,
        "by_country": [],
        "by_city": [],
        "by_type": [],
        "by_day": [],
        "hashtags": [],
    }
    for dimension, key, count in _rows(campaign):
        if dimension == D.TOTAL:
            found["total"] = count
        elif dimension == D.COUNTRY:
            found["by_country"].append(
                {"country": key, "name": countries.name(key), "count": count}
            )
        elif dimension == D.CITY:
            country, city = stats.split_city_key(key)
            found["by_city"].append({"city": city, "country": country, "count": count})
        elif dimension == D.TYPE and key in ActionType.values:
            found["by_type"].append(
                {"type": key, "name": str(ActionType(key).label), "count": count}
            )
        elif dimension == D.DAY:
            found["by_day"].append({"day": key, "count": count})
        elif dimension == D.HASHTAG:
            found["hashtags"].append({"hashtag": key, "count": count})
    found["by_day"].sort(key=lambda row: row["day"])
    found["countries"] = len(found["by_country"])
    found["cities"] = len(found["by_city"])
    return found


def csv_rows(found):
    """`data()` as rows of CSV_COLUMNS, the header first: one table for a spreadsheet."""
    yield CSV_COLUMNS
    yield ["total", "", "", found["total"]]
    for row in found["by_country"]:
        yield ["country", row["country"], row["name"], row["count"]]
    for row in found["by_city"]:
        city = public.safe_cell(row["city"])  # free text: never a formula
        yield ["city", public.safe_cell(f"{row['country']}/{row['city']}"), city, row["count"]]
    for row in found["by_type"]:
        yield ["type", row["type"], row["name"], row["count"]]
    for row in found["by_day"]:
        yield ["day", row["day"], row["day"], row["count"]]
    for row in found["hashtags"]:
        yield ["hashtag", row["hashtag"], f"#{row['hashtag']}", row["count"]]
