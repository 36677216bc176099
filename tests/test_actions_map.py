"""The map: the cluster endpoint, the page, its list of countries, and the base layer setting."""

import datetime
import json
import os
import re
import runpy
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actions import clusters, geo
from actions.filters import ActionFilters
from actions.models import Action
from tests.helpers.actions import SECRET_EMAIL, make_hidden

# These tests are about what the pages show, not the K threshold (test_k_threshold.py).
pytestmark = pytest.mark.usefixtures("every_city_named")

CITIES = {
    "Vilnius": ("LT", 54.6872, 25.2797),
    "Kaunas": ("LT", 54.8985, 23.9036),
    "Warsaw": ("PL", 52.2297, 21.0122),
    "Kraków": ("PL", 50.0647, 19.9450),
    "Riga": ("LV", 56.9496, 24.1052),
    "Berlin": ("DE", 52.5200, 13.4050),
    "Suva": ("FJ", -18.1416, 178.4419),
    "Apia": ("WS", -13.8333, -171.7667),
}
WORLD = "-180,-85,180,85"
PUBLIC_POINT_FIELDS = {
    "id", "lat", "lon", "city", "country", "country_name", "type", "url",
    "thumbnail", "thumbnail_width", "thumbnail_height", "alt",
}  # fmt: skip


@pytest.fixture(autouse=True)
def english():
    """URLs reversed here are English ones, whatever page a test fetched before."""
    with translation.override("en"):
        yield


def place(city):
    country, latitude, longitude = CITIES[city]
    return {"city": city, "country": country, "latitude": latitude, "longitude": longitude}


@pytest.fixture
def hidden_in_berlin_and_krakow(campaign, moderator, django_capture_on_commit_callbacks):
    """A pending and a rejected action, each alone in its own city."""
    capture = django_capture_on_commit_callbacks
    return make_hidden(
        campaign, moderator, capture, photo=False, pending=place("Berlin"), rejected=place("Kraków")
    )


def get_clusters(client, query):
    return client.get(reverse("actions:map-clusters") + "?" + query)


def clusters_json(client, query):
    response = get_clusters(client, query)
    assert response.status_code == 200, response.content
    return response.json()


def total(data):
    return sum(c["count"] for c in data["clusters"]) + len(data["points"])


# Parameters


@pytest.mark.parametrize(
    "query",
    [
        "",
        f"bbox={WORLD}",
        "zoom=2",
        f"zoom=&bbox={WORLD}",
        f"zoom=abc&bbox={WORLD}",
        f"zoom=2.5&bbox={WORLD}",
        f"zoom=-1&bbox={WORLD}",
        f"zoom=21&bbox={WORLD}",
        f"zoom=99999999999999999999999&bbox={WORLD}",
        "zoom=2&bbox=",
        "zoom=2&bbox=1,2,3",
        "zoom=2&bbox=1,2,3,4,5",
        "zoom=2&bbox=a,b,c,d",
        "zoom=2&bbox=nan,0,10,10",
        "zoom=2&bbox=0,0,inf,10",
        "zoom=2&bbox=0,10,10,0",  # south above north
        "zoom=2&bbox=10,0,0,10",  # west east of east
        "zoom=2&bbox=0,-91,10,10",
        "zoom=2&bbox=0,0,10,91",
        "zoom=2&bbox=-1e9,0,1e9,10",
        "zoom=2&bbox=0%00,0,10,10",
    ],
)
def test_bad_or_missing_parameters_are_a_400_with_a_reason(client, db, query):
    response = get_clusters(client, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


def test_shared_caches_must_revalidate_the_answer(client, approved):
    approved(place("Vilnius"), photo=False)

    response = get_clusters(client, f"zoom=2&bbox={WORLD}")

    # soliday.publiccache: stored, but revalidated by ETag each time (see test_takedown.py).
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"]


# Clusters


def test_clusters_at_world_zoom_count_every_approved_located_action(
    client, approved, hidden_in_berlin_and_krakow
):
    for city in ["Vilnius"] * 3 + ["Warsaw"] * 2 + ["Riga", "Suva"]:
        approved(place(city), photo=False)
    approved(place("Riga"), photo=False, location_precision="none")  # no place kept: not on the map

    for zoom in (0, 1, 2, 5):
        data = clusters_json(client, f"zoom={zoom}&bbox={WORLD}")
        assert total(data) == 7, zoom

    # At world zoom the three Baltic-Polish cities are one cluster with its mean centre.
    data = clusters_json(client, f"zoom=0&bbox={WORLD}")
    assert [c["count"] for c in data["clusters"]] == [6]
    [europe] = data["clusters"]
    assert europe["label"] == "6 actions"
    latitudes = [CITIES[c][1] for c in ["Vilnius"] * 3 + ["Warsaw"] * 2 + ["Riga"]]
    assert europe["lat"] == pytest.approx(sum(latitudes) / 6, abs=1e-4)
    assert [p["city"] for p in data["points"]] == ["Suva"]


def test_pending_and_rejected_actions_never_appear(client, approved, hidden_in_berlin_and_krakow):
    shown = approved(place("Vilnius"), photo=False)
    hidden_ids = {action.pk for action in hidden_in_berlin_and_krakow}

    # Pre-counted cells, the live path (a filter), and the points close in; Berlin and
    # Kraków hold only the hidden actions.
    for query, expected in (
        (f"zoom=3&bbox={WORLD}", 1),
        (f"zoom=3&bbox={WORLD}&campaign=4august", 1),
        (f"zoom=3&bbox={WORLD}&type=picket", 1),
        (f"zoom=3&bbox={WORLD}&tag=4august", 1),
        (f"zoom=16&bbox={WORLD}", 1),
        ("zoom=10&bbox=13,50,20,53", 0),
        ("zoom=10&bbox=13,50,20,53&country=DE", 0),
        ("zoom=16&bbox=13.3,52.4,13.5,52.6&type=picket", 0),
    ):
        data = clusters_json(client, query)
        assert total(data) == expected, query
        assert {p["id"] for p in data["points"]} <= {shown.pk}, query
        assert not {p["id"] for p in data["points"]} & hidden_ids
        assert "Berlin" not in json.dumps(data) and "Krak" not in json.dumps(data)


def test_a_single_action_comes_with_public_fields_only(
    client, approved, hidden_in_berlin_and_krakow
):
    action = approved(place("Vilnius"), alt_text="Lanterns by the cathedral.")

    for query in (
        f"zoom=2&bbox={WORLD}",
        f"zoom=2&bbox={WORLD}&country=LT",
        "zoom=17&bbox=" + WORLD,
    ):
        data = clusters_json(client, query)
        [point] = data["points"]
        assert set(point) == PUBLIC_POINT_FIELDS
        assert point["id"] == action.pk
        assert point["url"] == action.get_absolute_url()
        assert (point["city"], point["country"], point["country_name"]) == (
            "Vilnius",
            "LT",
            "Lithuania",
        )
        assert (point["lat"], point["lon"]) == (54.6872, 25.2797)
        assert point["alt"] == "Lanterns by the cathedral."
        assert point["type"] == "Picket"
        thumb = action.rendition("thumb")
        assert point["thumbnail"] == django_settings.MEDIA_URL + thumb["path"]
        assert (point["thumbnail_width"], point["thumbnail_height"]) == (
            thumb["width"],
            thumb["height"],
        )
        text = json.dumps(data, ensure_ascii=False)
        for secret in (SECRET_EMAIL, "Lanterns by the river", "submitted", "published", "moderat"):
            assert secret not in text  # no contact, caption, exact time or moderation


def test_the_answer_does_not_grow_with_the_number_of_actions(client, approved):
    def world():
        return clusters_json(client, f"zoom=5&bbox={WORLD}")

    for city in ("Vilnius", "Warsaw", "Riga", "Vilnius", "Warsaw"):
        approved(place(city), photo=False)
    few = world()
    for i in range(55):
        approved(place(("Vilnius", "Warsaw", "Riga")[i % 3]), photo=False)
    many = world()

    assert total(few) == 5 and total(many) == 60
    # One marker per city in both cases: a single point (Riga) in the first becomes a cluster.
    assert len(few["clusters"]) + len(few["points"]) == 3
    assert len(many["clusters"]) + len(many["points"]) == 3


def test_a_huge_view_at_a_close_zoom_is_counted_on_a_coarser_grid(client, approved, monkeypatch):
    monkeypatch.setattr(geo, "MAX_CELLS_IN_VIEW", 100)
    for city in ("Vilnius", "Warsaw", "Suva"):
        approved(place(city), photo=False)

    data = clusters_json(client, f"zoom=14&bbox={WORLD}")

    assert total(data) == 3
    assert geo.cell_range(geo.parse_bbox(WORLD), 14).size <= 100


def test_a_view_across_the_antimeridian(client, approved):
    suva, apia = approved(place("Suva"), photo=False), approved(place("Apia"), photo=False)
    approved(place("Vilnius"), photo=False)

    for bbox in ("170,-30,190,-5", "-190,-30,-170,-5", "530,-30,550,-5"):
        data = clusters_json(client, f"zoom=3&bbox={bbox}")
        assert {p["id"] for p in data["points"]} == {suva.pk, apia.pk}, bbox
        data = clusters_json(client, f"zoom=16&bbox={bbox}")
        assert {p["id"] for p in data["points"]} == {suva.pk, apia.pk}, bbox
    # Wider than the world: the whole world.
    assert total(clusters_json(client, "zoom=1&bbox=-540,-85,540,85")) == 3


def test_close_in_the_points_in_view_are_limited(client, approved, monkeypatch):
    monkeypatch.setattr(clusters, "POINT_LIMIT", 2)
    actions = [approved(place("Vilnius"), photo=False) for _ in range(3)]
    approved(place("Kaunas"), photo=False)

    data = clusters_json(client, "zoom=16&bbox=25.2,54.6,25.4,54.8")

    assert data["clusters"] == []
    # The newest first, and the answer says some were left out.
    assert [p["id"] for p in data["points"]] == [actions[2].pk, actions[1].pk]
    assert data["truncated"] is True


# Filters


def sqls(queries):
    return [q["sql"] for q in queries]


def test_the_campaign_filter_reads_the_precounted_cells(client, approved, other_campaign):
    approved(place("Vilnius"), photo=False)
    approved(place("Vilnius"), photo=False)
    approved(place("Warsaw"), photo=False)
    approved(place("Riga"), photo=False, campaign=other_campaign)

    with CaptureQueriesContext(connection) as queries:
        data = clusters_json(client, f"zoom=2&bbox={WORLD}&campaign=4august")

    assert total(data) == 3
    sql = sqls(queries.captured_queries)
    assert "actions_campaign" in sql[0]  # the filter's campaign, by slug
    assert "actions_mapcell" in sql[1] and "GROUP BY" in sql[1]
    assert all("actions_mapcell" not in q for q in sql[2:])
    assert not any("actions_action" in q and "GROUP BY" in q for q in sql)
    # Both campaigns together: the cells are summed across campaigns.
    assert total(clusters_json(client, f"zoom=2&bbox={WORLD}")) == 4
    assert total(clusters_json(client, f"zoom=2&bbox={WORLD}&campaign=letters")) == 1
    assert total(clusters_json(client, f"zoom=2&bbox={WORLD}&campaign=nope")) == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=PL", 2),
        ("country=LT", 3),
        ("tag=bysoliday", 1),
        ("type=letter", 1),
        ("city=vilnius", 2),
        ("year=2026", 0),
        ("country=XX", 0),
        ("campaign=4august&country=LV", 0),
        ("campaign=letters&country=LV", 1),
    ],
)
def test_other_filters_group_the_filtered_actions(
    client, approved, other_campaign, query, expected, monkeypatch
):
    approved(place("Vilnius"), photo=False)
    approved(place("Vilnius"), photo=False, hashtags=["bysoliday"])
    approved(place("Kaunas"), photo=False, action_type="letter")
    approved(place("Warsaw"), photo=False)
    approved(place("Kraków"), photo=False)
    approved(place("Riga"), photo=False, campaign=other_campaign)
    Action.objects.update(submitted_at=datetime.datetime(2025, 8, 4, tzinfo=datetime.UTC))

    with CaptureQueriesContext(connection) as queries:
        data = clusters_json(client, f"zoom=4&bbox={WORLD}&{query}")

    assert total(data) == expected
    assert not any("actions_mapcell" in q for q in sqls(queries.captured_queries))


def test_the_live_path_agrees_with_the_precounted_cells(approved, campaign, other_campaign):
    for city in ["Vilnius"] * 3 + ["Kaunas", "Warsaw", "Warsaw", "Kraków", "Riga", "Suva", "Apia"]:
        approved(place(city), photo=False)
    approved(place("Berlin"), photo=False, campaign=other_campaign)

    def cells(path, query, bbox, zoom):
        filters = ActionFilters.from_query(QueryDict(query))
        found = path(geo.cell_range(geo.parse_bbox(bbox), zoom), filters)
        return sorted((c.x, c.y, c.count, round(c.lat, 6), round(c.lon, 6)) for c in found)

    for query in ("", "campaign=4august", "campaign=letters"):
        for zoom, bbox in [(0, WORLD), (3, WORLD), (6, "10,45,30,60"), (9, "20,50,27,57")]:
            precounted = cells(clusters._precounted_cells, query, bbox, zoom)
            live = cells(clusters._live_cells, query, bbox, zoom)
            assert precounted == live, (query, zoom)
            assert precounted or (query, zoom) == ("campaign=letters", 9)  # not vacuous
    # A filter that keeps every action gives the same answer as no filter.
    assert cells(clusters._live_cells, "type=picket", WORLD, 5) == cells(
        clusters._precounted_cells, "", WORLD, 5
    )


# Query counts: the same for 2 and for 20 actions.


@pytest.mark.parametrize("count", [2, 20])
def test_the_endpoint_costs_the_same_at_2_and_20_actions(
    client, approved, count, django_assert_num_queries
):
    approved(place("Warsaw"), photo=False)  # alone: a single point at every zoom used below
    for i in range(count - 1):
        approved(place(("Vilnius", "Kaunas")[i % 2]), photo=False)

    # Pre-counted: 1. MapCell rows in view, grouped by cell; 2. the single cells' actions.
    with django_assert_num_queries(2):
        data = clusters_json(client, f"zoom=8&bbox={WORLD}")
    assert total(data) == count

    # Campaign: 1. the campaign by slug; 2. its cells; 3. the single cells' actions.
    with django_assert_num_queries(3):
        clusters_json(client, f"zoom=8&bbox={WORLD}&campaign=4august")

    # Tag: 1. the hashtag by name; 2. the filtered actions grouped by cell; 3. the single
    # cells' actions by primary key.
    with django_assert_num_queries(3):
        data = clusters_json(client, f"zoom=8&bbox={WORLD}&tag=4august")
    assert total(data) == count

    # Close in: 1. the actions in view.
    with django_assert_num_queries(1):
        data = clusters_json(client, "zoom=15&bbox=15,45,30,60")
    assert len(data["points"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_map_page_costs_the_same_at_2_and_20_actions(
    client, approved, count, django_assert_num_queries
):
    for i in range(count):
        approved(place(("Vilnius", "Warsaw", "Riga", "Suva")[i % 4]), photo=False)

    # 1. The country tallies, summed over campaigns.
    with django_assert_num_queries(1):
        response = client.get(reverse("actions:map"))
    assert response.status_code == 200

    # 1. the campaign by slug; 2. its country tallies.
    with django_assert_num_queries(2):
        client.get(reverse("actions:map") + "?campaign=4august")

    # 1. The filtered actions grouped by country.
    with django_assert_num_queries(1):
        client.get(reverse("actions:map") + "?type=picket")


# The page


def country_rows(html):
    """(name, count) of each row of the country table."""
    table = html.split('class="action-map__table"', 1)[1].split("</table>", 1)[0]
    row = r'<tr><th scope="row"><a href="[^"]*">([^<]+)</a></th><td class="number">(\d+)</td></tr>'
    return [(name, int(count)) for name, count in re.findall(row, table)]


def test_without_javascript_the_page_lists_countries_and_links_to_the_gallery(
    client, approved, hidden_in_berlin_and_krakow, other_campaign
):
    for city in ("Vilnius", "Vilnius", "Kaunas", "Warsaw", "Riga"):
        approved(place(city), photo=False)
    approved(place("Riga"), photo=False, campaign=other_campaign, hashtags=["letters"])
    # No place, but an action in Poland.
    approved(place("Warsaw"), photo=False, latitude=None, longitude=None)

    html = client.get(reverse("actions:map")).content.decode()

    assert country_rows(html) == [("Lithuania", 3), ("Latvia", 2), ("Poland", 2)]
    assert f'href="{reverse("actions:gallery")}"' in html
    assert "7 approved actions in total" in html
    assert "Germany" not in html  # the pending and the rejected action count nowhere

    # A campaign reads its tallies, other filters group; names in the page's language.
    with_campaign = client.get("/ru/actions/map/?campaign=4august").content.decode()
    assert country_rows(with_campaign) == [("Литва", 3), ("Польша", 2), ("Латвия", 1)]
    gallery = "/ru/actions/"
    assert f'href="{gallery}?campaign=4august"' in with_campaign
    assert f'href="{gallery}?country=LT&amp;campaign=4august"' in with_campaign
    translation.activate("en")
    gallery = reverse("actions:gallery")

    tagged = client.get(reverse("actions:map") + "?tag=letters").content.decode()
    assert country_rows(tagged) == [("Latvia", 1)]
    assert f'href="{gallery}?tag=letters"' in tagged

    empty = client.get(reverse("actions:map") + "?country=XX").content.decode()
    assert "action-map__table" not in empty


def test_the_page_carries_the_filters_to_the_map_and_needs_no_inline_code(client, approved):
    approved(place("Vilnius"), photo=False)

    response = client.get(reverse("actions:map") + "?campaign=4august&type=picket&bogus=1")
    html = response.content.decode()

    clusters_url = reverse("actions:map-clusters") + "?campaign=4august&amp;type=picket"
    assert f'data-clusters-url="{clusters_url}"' in html
    assert "<script>" not in html and "style=" not in html and " onclick" not in html
    assert "Type: Picket" in html  # the active filters, in words


def test_the_offline_outlines_are_the_default_base_layer(client, approved, settings):
    approved(place("Vilnius"), photo=False)
    settings.MAP_TILE_URL = ""
    response = client.get(reverse("actions:map"))
    html = response.content.decode()

    assert "vendor/naturalearth/countries-110m.geojson" in html
    assert "data-tile-url" not in html
    assert "https://" not in html.split('class="action-map"', 1)[1].split("</div>", 1)[0]
    assert (Path(django_settings.BASE_DIR) / "static/vendor/naturalearth").is_dir()


def test_a_tile_server_setting_switches_the_base_layer(client, approved, settings):
    approved(place("Vilnius"), photo=False)
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = '&copy; <a href="https://osm.org/copyright">OSM</a>'

    html = client.get(reverse("actions:map")).content.decode()

    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="&amp;copy; &lt;a href=&quot;https://osm.org' in html


def load_settings(monkeypatch, **env):
    for name in ("MAP_TILE_URL", "MAP_TILE_ATTRIBUTION", "CONTENT_SECURITY_POLICY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DEBUG", "true")
    return runpy.run_path(os.path.join(django_settings.BASE_DIR, "soliday", "settings.py"))


def img_src(policy):
    return next(d.strip() for d in policy.split(";") if d.strip().startswith("img-src"))


def test_the_tile_host_is_allowed_by_the_policy_only_when_set(monkeypatch):
    offline = load_settings(monkeypatch)
    assert offline["MAP_TILE_URL"] == ""
    assert img_src(offline["CONTENT_SECURITY_POLICY"]) == "img-src 'self' data:"

    tiles = load_settings(
        monkeypatch,
        MAP_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png",
        MAP_TILE_ATTRIBUTION="Example tiles",
    )
    policy = tiles["CONTENT_SECURITY_POLICY"]
    assert img_src(policy) == "img-src 'self' data: https://*.tile.example.org"
    # Only img-src changes: scripts, styles and connections stay the portal's own.
    assert policy.replace(" https://*.tile.example.org", "") == offline["CONTENT_SECURITY_POLICY"]


@pytest.mark.parametrize(
    "env",
    [
        {"MAP_TILE_URL": "https://tile.example.org/{z}/{x}/{y}.png"},  # no attribution
        {"MAP_TILE_URL": "ftp://tile.example.org/{z}/{x}/{y}.png", "MAP_TILE_ATTRIBUTION": "x"},
        {"MAP_TILE_URL": "https://tile.example.org/tiles.png", "MAP_TILE_ATTRIBUTION": "x"},
    ],
)
def test_a_bad_tile_setting_stops_the_site(monkeypatch, env):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        load_settings(monkeypatch, **env)


def test_the_map_partial_documents_its_context():
    partial = (Path(django_settings.BASE_DIR) / "templates/includes/action_map.html").read_text()
    head = partial.split("{% endcomment %}", 1)[0]
    for name in ("action_map", "clusters_url", "gallery_url", "countries", "map_label"):
        assert name in head


def test_the_cells_of_a_view(db):
    bbox = geo.parse_bbox("10,40,30,60")
    cells = geo.cell_range(bbox, 6)
    vilnius = geo.cell(*CITIES["Vilnius"][1:], 6)
    assert cells.contains(*vilnius)
    assert not cells.contains(*geo.cell(*CITIES["Suva"][1:], 6))
    # Whole cells cover at least the view.
    whole = cells.bbox()
    assert whole.south <= 40 and whole.north >= 60
    assert whole.lon_ranges[0][0] <= 10 and whole.lon_ranges[0][1] >= 30
    assert geo.parse_bbox("170,0,190,10").lon_ranges == ((170.0, 180.0), (-180.0, -170.0))
    assert geo.parse_bbox("-400,0,-390,10").lon_ranges == ((-40.0, -30.0),)
