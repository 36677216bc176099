"""The K threshold on every public surface: a city with fewer than K approved actions in a
campaign (settings.ACTIONS_MIN_CITY_COUNT, 3 by default) is never named, and its actions
stand at their country's centre: on the map, the campaign page, the GeoJSON, the feeds,
the gallery and action pages, the city filter and the export alike.

Two actions in Warsaw (below K: counted under Poland) against three in Vilnius (named).
"""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actions import geo, services, stats
from actions.models import Action, Campaign, MapCell, Tally
from actions.stats import bulk as stats_bulk
from soliday import countries
from tests.helpers.actions import submit

K = 3
WARSAW = {"city": "Warsaw", "country": "PL", "latitude": 52.2297, "longitude": 21.0122}
VILNIUS = {"city": "Vilnius", "country": "LT", "latitude": 54.6872, "longitude": 25.2797}
KRAKOW = {"city": "Kraków", "country": "PL", "latitude": 50.0647, "longitude": 19.9450}
RIGA = {"city": "Riga", "country": "LV", "latitude": 56.9496, "longitude": 24.1052}
WORLD = "-180,-85,180,85"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def k_is_three(settings, in_english):
    settings.ACTIONS_MIN_CITY_COUNT = K


@pytest.fixture
def scene(approved):
    """Two actions in Warsaw (below K) and three in Vilnius (named), all with photos."""
    warsaw = [approved(WARSAW) for _ in range(2)]
    vilnius = [approved(VILNIUS) for _ in range(3)]
    return warsaw, vilnius


def get(client, url, **params):
    cache.clear()  # soliday.publiccache: a test's own changes are not bumped by a commit
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response


def centre(code):
    return list(countries.centre(code))


def own_point(action):
    return [action.latitude, action.longitude]


def public_point(action):
    action.refresh_from_db()
    return [action.public_latitude, action.public_longitude]


# What actions.stats keeps


def test_a_city_below_k_stands_at_its_country_centre(scene):
    warsaw, vilnius = scene

    for action in warsaw:
        action.refresh_from_db()
        assert action.city_shown is False
        assert public_point(action) == centre("PL")
        assert action.counted["point"] == centre("PL") and action.counted["shown"] is False
    for action in vilnius:
        action.refresh_from_db()
        assert action.city_shown is True
        assert public_point(action) == own_point(action)
    # The CITY tally counts every action: it is how the threshold is known.
    tallies = dict(Tally.objects.filter(dimension=Tally.Dimension.CITY).values_list("key", "count"))
    assert tallies == {stats.city_key("PL", "Warsaw"): 2, stats.city_key("LT", "Vilnius"): 3}


def test_country_and_no_place_precisions_never_name_a_city(approved, visitor):
    for _ in range(K):
        country_only = approved(WARSAW, photo=False, location_precision="country")
    nowhere = approved(WARSAW, photo=False, location_precision="none", action_type="letter")

    country_only.refresh_from_db()
    assert (country_only.city, country_only.city_shown) == ("", False)
    assert public_point(country_only) == centre("PL")
    assert public_point(nowhere) == [None, None]  # no country: not on the map
    keys = set(Tally.objects.values_list("dimension", "key"))
    assert not {key for dimension, key in keys if dimension == Tally.Dimension.CITY}
    assert (Tally.Dimension.COUNTRY, "") not in keys
    assert Tally.objects.get(dimension=Tally.Dimension.TOTAL).count == K + 1
    # The map page lists Poland; the action with no place counts in the total only.
    for params in ({}, {"type": "letter"}):
        html = get(visitor, reverse("actions:map"), **params).content.decode()
        rows = re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a></th>', html)
        assert rows == ([] if params else ["Poland"])
        total = 1 if params else K + 1
        assert f"{total} approved action{'s' if total > 1 else ''} in total" in html


def test_a_city_unknown_to_the_gazetteer_is_named_at_its_country_centre(approved):
    town = {"city": "Testowo", "country": "PL", "latitude": None, "longitude": None}
    actions = [approved(town, photo=False) for _ in range(K)]

    for action in actions:
        action.refresh_from_db()
        assert action.city_shown is True
        assert public_point(action) == centre("PL")


def test_the_threshold_counts_each_campaign_apart(approved, campaign, visitor):
    other = Campaign.objects.create(slug="letters", name_en="Letters", starts_on=campaign.starts_on)
    named = [approved(WARSAW, photo=False) for _ in range(K)]
    lonely = approved(WARSAW, photo=False, campaign=other)

    lonely.refresh_from_db()
    assert lonely.city_shown is False
    assert public_point(lonely) == centre("PL")
    assert all(Action.objects.get(pk=a.pk).city_shown for a in named)
    # The city filter finds the named campaign's actions, never the lonely one.
    data = get(visitor, reverse("api-actions-geojson"), city="warsaw").json()
    assert sorted(f["id"] for f in data["features"]) == [a.pk for a in named]
    data = get(visitor, reverse("api-actions-geojson"), city="warsaw", campaign="letters").json()
    assert data["features"] == []


# Every public surface


def test_the_map_clusters_and_points(visitor, scene):
    warsaw, vilnius = scene
    clusters = reverse("actions:map-clusters")
    pl_lat, pl_lon = centre("PL")

    # Pre-counted cells (no filter), the live path (a filter), at a zoom where Warsaw's
    # own point and Poland's centre are far apart: two Polish actions at the centre.
    for params in ({}, {"type": "picket"}, {"campaign": "4august"}):
        data = get(visitor, clusters, zoom=8, bbox=WORLD, **params).json()
        text = json.dumps(data)
        assert "Warsaw" not in text, params
        markers = [(c["lat"], c["lon"], c["count"]) for c in data["clusters"]]
        assert (round(pl_lat, 5), round(pl_lon, 5), 2) in markers, params
        vilnius_marker = (VILNIUS["latitude"], VILNIUS["longitude"], 3)
        assert vilnius_marker in markers, params
        assert (WARSAW["latitude"], WARSAW["longitude"]) not in [m[:2] for m in markers]

    # Close in, the points themselves: Warsaw's are at the centre, with no city named.
    around = f"{pl_lon - 0.01},{pl_lat - 0.01},{pl_lon + 0.01},{pl_lat + 0.01}"
    data = get(visitor, clusters, zoom=16, bbox=around).json()
    assert sorted(p["id"] for p in data["points"]) == sorted(a.pk for a in warsaw)
    for point in data["points"]:
        assert point["city"] is None
        assert (point["country"], point["country_name"]) == ("PL", "Poland")
        assert (point["lat"], point["lon"]) == (round(pl_lat, 5), round(pl_lon, 5))
    in_warsaw = f"{WARSAW['longitude'] - 0.1},{WARSAW['latitude'] - 0.1},"
    in_warsaw += f"{WARSAW['longitude'] + 0.1},{WARSAW['latitude'] + 0.1}"
    for zoom in (10, 16):
        data = get(visitor, clusters, zoom=zoom, bbox=in_warsaw).json()
        assert data["clusters"] == data["points"] == []
    in_vilnius = f"{VILNIUS['longitude'] - 0.1},{VILNIUS['latitude'] - 0.1},"
    in_vilnius += f"{VILNIUS['longitude'] + 0.1},{VILNIUS['latitude'] + 0.1}"
    data = get(visitor, clusters, zoom=16, bbox=in_vilnius).json()
    assert {p["city"] for p in data["points"]} == {"Vilnius"}


def test_the_campaign_page_names_only_cities_with_k_actions(visitor, scene, campaign):
    html = get(visitor, campaign.get_absolute_url()).content.decode()

    assert "Warsaw" not in html
    assert "Vilnius, Lithuania" in html
    counters = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)
    assert counters == [
        ("approved actions", "5"),
        ("countries", "2"),
        ("cities with at least 3 actions", "1"),
    ]
    # Poland's two actions are counted under Poland, in the table by country.
    assert re.search(r'<th scope="row">Poland</th><td class="number">2</td>', html)
    assert "A city is named once it has 3 approved actions." in html
    # The home page's counters too.
    home = get(visitor, reverse("home")).content.decode()
    cities = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", home)[2]
    assert cities == ("cities with at least 3 actions", "1")


def test_the_campaign_page_says_when_no_city_is_named_yet(visitor, approved, campaign):
    approved(WARSAW, photo=False)

    html = get(visitor, campaign.get_absolute_url()).content.decode()

    assert "Warsaw" not in html
    assert "No city has enough approved actions yet to be named." in html
    counters = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)
    assert counters == [
        ("approved actions", "1"),
        ("countries", "1"),
        ("cities with at least 3 actions", "0"),
    ]


def test_the_geojson(visitor, scene):
    warsaw, vilnius = scene
    url = reverse("api-actions-geojson")

    response = get(visitor, url)

    assert "Warsaw" not in response.content.decode()
    features = {f["id"]: f for f in response.json()["features"]}
    pl_lat, pl_lon = centre("PL")
    for action in warsaw:
        feature = features[action.pk]
        assert feature["geometry"]["coordinates"] == [pl_lon, pl_lat]
        assert feature["properties"]["city"] is None
        assert feature["properties"]["country"] == "PL"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", feature["properties"]["date"])  # a date only
    for action in vilnius:
        assert features[action.pk]["properties"]["city"] == "Vilnius"
        assert features[action.pk]["geometry"]["coordinates"] == [
            VILNIUS["longitude"],
            VILNIUS["latitude"],
        ]
    # A box around Warsaw finds nothing; one around Poland's centre finds its two actions.
    box = f"{WARSAW['longitude'] - 0.1},{WARSAW['latitude'] - 0.1},"
    box += f"{WARSAW['longitude'] + 0.1},{WARSAW['latitude'] + 0.1}"
    assert get(visitor, url, bbox=box).json()["features"] == []
    box = f"{pl_lon - 0.1},{pl_lat - 0.1},{pl_lon + 0.1},{pl_lat + 0.1}"
    found = [f["id"] for f in get(visitor, url, bbox=box).json()["features"]]
    assert sorted(found) == sorted(a.pk for a in warsaw)


def test_the_feeds(visitor, scene, campaign):
    warsaw, vilnius = scene

    for url in (
        reverse("actions:feed-campaign", kwargs={"slug": campaign.slug}),
        reverse("actions:feed-tag", kwargs={"slug": "4august"}),
    ):
        response = get(visitor, url)
        assert b"Warsaw" not in response.content
        root = ET.fromstring(response.content)  # noqa: S314 (our own feed)
        titles = {
            int(entry.find(f"{ATOM}link[@rel='alternate']").get("href").split("/")[-2]): entry.find(
                f"{ATOM}title"
            ).text
            for entry in root.findall(f"{ATOM}entry")
        }
        assert {titles[a.pk] for a in warsaw} == {"Picket, Poland"}
        assert {titles[a.pk] for a in vilnius} == {"Picket, Vilnius, Lithuania"}
        # Dates, not times of day.
        for updated in root.iter(f"{ATOM}updated"):
            assert "T00:00:00" in updated.text


def test_the_gallery_cards_and_the_action_page(visitor, scene):
    warsaw, vilnius = scene

    gallery = get(visitor, reverse("actions:gallery")).content.decode()
    tag = get(visitor, reverse("actions:tag", kwargs={"slug": "4august"})).content.decode()
    for html in (gallery, tag):
        assert "Warsaw" not in html
        places = re.findall(r'<span class="action-card__place">([^<]*)</span>', html)
        assert sorted(places) == ["Poland"] * 2 + ["Vilnius, Lithuania"] * 3

    page = get(visitor, warsaw[0].get_absolute_url()).content.decode()
    assert "Warsaw" not in page  # nor in the title, the share links or the OG tags
    assert "<title>Picket, Poland" in page
    assert '<meta property="og:title" content="Picket, Poland">' in page
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', page)
    assert "published_time" not in page
    page = get(visitor, vilnius[0].get_absolute_url()).content.decode()
    assert "<title>Picket, Vilnius, Lithuania" in page


def test_the_city_filter_finds_only_named_cities(visitor, scene):
    warsaw, vilnius = scene

    for city in ("Warsaw", "warsaw"):
        gallery = get(visitor, reverse("actions:gallery"), city=city).content.decode()
        assert "action-card__place" not in gallery
        data = get(visitor, reverse("api-actions-geojson"), city=city).json()
        assert data["features"] == []
        data = get(visitor, reverse("actions:map-clusters"), zoom=3, bbox=WORLD, city=city)
        assert data.json()["clusters"] == data.json()["points"] == []
        data = get(visitor, reverse("actions:map-clusters"), zoom=16, bbox=WORLD, city=city)
        assert data.json()["points"] == []
        page = get(visitor, reverse("actions:map"), city=city).content.decode()
        assert "action-map__table" not in page  # no country row for a lonely city either
    gallery = get(visitor, reverse("actions:gallery"), city="vilnius").content.decode()
    assert gallery.count("action-card__place") == 3
    data = get(visitor, reverse("api-actions-geojson"), city="VILNIUS").json()
    assert sorted(f["id"] for f in data["features"]) == sorted(a.pk for a in vilnius)


def test_the_export(moderator_client, scene, campaign):
    warsaw, vilnius = scene

    response = moderator_client.post(
        "/admin/actions/campaign/",
        {"action": "export_csv", "_selected_action": [campaign.pk], "index": 0},
    )

    text = b"".join(response.streaming_content).decode()
    assert "Warsaw" not in text
    rows = {int(row[0]): row for row in list(csv.reader(io.StringIO(text)))[1:]}
    pl_lat, pl_lon = centre("PL")
    for action in warsaw:
        assert rows[action.pk][4:8] == ["", "PL", str(pl_lat), str(pl_lon)]
    for action in vilnius:
        assert rows[action.pk][4:8] == [
            "Vilnius",
            "LT",
            str(VILNIUS["latitude"]),
            str(VILNIUS["longitude"]),
        ]


# Crossing the threshold


def snapshot():
    """Everything actions.stats keeps: tallies, map cells, and each action's public fields."""
    tallies = {(t.campaign_id, t.dimension, t.key): t.count for t in Tally.objects.exclude(count=0)}
    cells = {
        (c.campaign_id, c.zoom, c.x, c.y): (
            c.count,
            round(c.latitude_sum, 6),
            round(c.longitude_sum, 6),
        )
        for c in MapCell.objects.exclude(count=0)
    }
    actions = {
        pk: (counted, shown, lat, lon)
        for pk, counted, shown, lat, lon in Action.objects.values_list(
            "pk", "counted", "city_shown", "public_latitude", "public_longitude"
        )
    }
    return tallies, cells, actions


def cell_count(latitude, longitude, zoom=10):
    x, y = geo.cell(latitude, longitude, zoom)
    return sum(MapCell.objects.filter(zoom=zoom, x=x, y=y).values_list("count", flat=True))


def test_the_kth_action_names_its_city_and_moves_the_earlier_ones(approved, scene, visitor):
    warsaw, _vilnius = scene
    pl_lat, pl_lon = centre("PL")
    assert cell_count(pl_lat, pl_lon) == 2
    assert cell_count(WARSAW["latitude"], WARSAW["longitude"]) == 0

    third = approved(WARSAW)

    for action in [*warsaw, third]:
        action.refresh_from_db()
        assert action.city_shown is True
        assert public_point(action) == own_point(action)
        assert action.counted["point"] == own_point(action)
    assert cell_count(pl_lat, pl_lon) == 0
    assert cell_count(WARSAW["latitude"], WARSAW["longitude"]) == 3
    html = get(visitor, reverse("actions:gallery")).content.decode()
    assert html.count("Warsaw, Poland") == 3
    expected = snapshot()
    stats.rebuild()
    assert snapshot() == expected


def test_falling_below_k_takes_the_rest_back_to_the_country(scene, moderator, visitor):
    _warsaw, vilnius = scene
    lt_lat, lt_lon = centre("LT")

    services.reject([vilnius[0]], moderator, "Faces", reconsider=True)

    for action in vilnius[1:]:
        action.refresh_from_db()
        assert action.city_shown is False
        assert public_point(action) == centre("LT")
    assert cell_count(VILNIUS["latitude"], VILNIUS["longitude"]) == 0
    assert cell_count(lt_lat, lt_lon) == 2
    assert "Vilnius" not in get(visitor, reverse("actions:gallery")).content.decode()
    assert "Vilnius" not in get(visitor, reverse("api-actions-geojson")).content.decode()
    expected = snapshot()
    stats.rebuild()
    assert snapshot() == expected

    # Deleting another one keeps the last one at the centre.
    services.delete_action(Action.objects.get(pk=vilnius[1].pk))
    assert public_point(vilnius[2]) == centre("LT")
    assert cell_count(lt_lat, lt_lon) == 1


def test_an_edit_that_moves_an_action_to_another_city_crosses_both_ways(scene):
    warsaw, vilnius = scene
    moved = Action.objects.get(pk=vilnius[0].pk)
    for field, value in WARSAW.items():
        setattr(moved, field, value)
    moved.save()

    stats.recount(moved)

    assert not Action.objects.filter(pk__in=[a.pk for a in vilnius[1:]], city_shown=True).exists()
    assert Action.objects.filter(city="Warsaw", city_shown=True).count() == 3
    expected = snapshot()
    stats.rebuild()
    assert snapshot() == expected


def test_rebuild_gives_what_the_decisions_counted(approved, scene, moderator, campaign):
    warsaw, vilnius = scene
    other = Campaign.objects.create(slug="letters", name_en="Letters", starts_on=campaign.starts_on)
    approved(KRAKOW, photo=False, campaign=other)
    approved(RIGA, photo=False, location_precision="country")
    approved(WARSAW, photo=False, location_precision="none")
    services.reject([warsaw[0]], moderator, "Faces", reconsider=True)
    expected = snapshot()
    # Everything forgotten or wrong: rebuild() does not trust what it finds.
    Action.objects.update(counted={}, city_shown=True, public_latitude=0, public_longitude=0)
    Tally.objects.update(count=99)

    assert stats.rebuild() == 7

    assert snapshot() == expected


class Rollback(Exception):
    pass


def outcome(change):
    """The snapshot after `change`, which is then undone."""
    try:
        with transaction.atomic():
            change()
            found = snapshot()
            raise Rollback
    except Rollback:
        pass
    return found


@pytest.mark.parametrize("many_rows", [stats_bulk.MANY_ROWS, 0])
def test_many_at_once_equals_one_by_one(approved, campaign, monkeypatch, many_rows):
    # With 0, every bulk statement takes the way of thousands of rows (COPY on PostgreSQL).
    monkeypatch.setattr(stats_bulk, "MANY_ROWS", many_rows)
    other = Campaign.objects.create(slug="letters", name_en="Letters", starts_on=campaign.starts_on)
    warsaw = [approved(WARSAW, photo=False) for _ in range(2)]
    vilnius = [approved(VILNIUS, photo=False) for _ in range(4)]
    krakow = [approved(KRAKOW, photo=False) for _ in range(3)]
    riga = [approved(RIGA, photo=False, campaign=other) for _ in range(4)]
    before = snapshot()
    # Vilnius falls from 4 to 2, Kraków from 3 to 2, Warsaw empties, Riga stays named.
    taken = [*warsaw, *vilnius[:2], krakow[0], riga[0]]
    pks = [a.pk for a in taken]

    def hide():
        Action.objects.filter(pk__in=pks).update(status=Action.Status.HIDDEN)

    def bulk():
        hide()
        stats.unpublish_many(pks)

    def one_by_one():
        hide()
        for pk in pks:
            stats.unpublish(Action.objects.get(pk=pk))

    def rebuilt():
        hide()
        stats.rebuild()

    hidden = outcome(bulk)
    assert hidden == outcome(one_by_one) == outcome(rebuilt)
    tallies, _cells, actions = hidden
    assert tallies[(campaign.pk, Tally.Dimension.TOTAL, "")] == 4
    assert actions[vilnius[2].pk][1] is False and actions[riga[1].pk][1] is True

    # And back: publish_many() counts them again exactly as before, like one by one.
    def lift(publish):
        def change():
            bulk()
            Action.objects.filter(pk__in=pks).update(status=Action.Status.APPROVED)
            publish()

        return change

    by_bulk = outcome(lift(lambda: stats.publish_many(pks)))
    by_one = outcome(
        lift(lambda: [stats.publish(Action.objects.get(pk=pk)) for pk in reversed(pks)])
    )
    assert by_bulk == by_one == before


def test_publish_many_counts_again_what_was_counted(scene):
    warsaw, vilnius = scene
    before = snapshot()

    stats.publish_many([a.pk for a in [*warsaw, *vilnius]])

    assert snapshot() == before


@pytest.mark.parametrize("earlier", [K + 1, 10 * K])
def test_publishing_costs_the_same_however_many_actions_a_city_has(approved, campaign, earlier):
    for _ in range(earlier):
        approved(VILNIUS, photo=False)
    action = submit(campaign, None, **VILNIUS)

    with CaptureQueriesContext(connection) as queries:
        stats.publish(action)

    # 1. its hashtags, 2. the tallies (one upsert), 3. its city's count, 4. the map
    # cells (one upsert), 5. the action's counted and public fields.
    assert len(queries.captured_queries) == 5, [q["sql"] for q in queries.captured_queries]


def test_crossing_reads_the_city_once(approved, campaign):
    first = [approved(VILNIUS, photo=False) for _ in range(K - 1)]
    action = submit(campaign, None, **VILNIUS)

    with CaptureQueriesContext(connection) as queries:
        stats.publish(action)

    # The five queries above, and 6. the city's earlier actions (fewer than K).
    assert len(queries.captured_queries) == 6
    assert Action.objects.filter(pk__in=[a.pk for a in first], city_shown=True).count() == K - 1


def test_the_country_centres():
    # Inside the country, not at a city: a crescent (Croatia) and a country around
    # another (South Africa) included.
    assert countries.centre("PL") == pytest.approx((52.1, 19.3), abs=0.5)
    assert countries.centre("hr") == countries.centre("HR")
    lat, lon = countries.centre("HR")
    assert 44.5 < lat < 46 and 13.5 < lon < 15.7  # west of Bosnia's border at that latitude
    lat, lon = countries.centre("ZA")
    assert not (-30.7 < lat < -28.6 and 27 < lon < 29.5)  # not in Lesotho
    assert countries.centre("MC") == (43.74, 7.42)  # too small for the outlines
    assert countries.centre("XX") is None and countries.centre("") is None
    with translation.override("en"):
        assert countries.name("PL") == "Poland"
