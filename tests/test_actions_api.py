"""/api/actions.geojson: approved actions with a location, public fields only."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from tests.helpers.actions import SECRET_EMAIL, assert_nothing_private
from tests.helpers.pages import browse_from

URL = "/api/actions.geojson"
PROPERTIES = {
    "id", "url", "campaign", "type", "city", "country", "date", "caption", "alt_text",
    "hashtags", "display_name", "thumb", "display",
}  # fmt: skip


# These tests are about what the pages show, not the K threshold (test_k_threshold.py).
pytestmark = pytest.mark.usefixtures("in_english", "every_city_named")


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(data):
    return [feature["id"] for feature in data["features"]]


def test_the_url():
    assert reverse("api-actions-geojson") == URL


def test_approved_actions_with_a_location_public_fields_only(client, approved, hidden, settings):
    browse_from(client, settings)  # absolute links start with the host asked for
    action = approved(
        city="Warsaw", country="PL", latitude=52.23, longitude=21.01, display_name="Ala",
        caption="Lanterns.", alt_text="People with lanterns.", hashtags=["4августа", "4august"],
    )  # fmt: skip
    letter = approved(photo=False, city="Riga", country="LV", latitude=56.95, longitude=24.1)
    approved(location_precision="none")  # no place kept: no point, not in the GeoJSON

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Cache-Control"] == "public, no-cache"  # revalidated by ETag each time
    data = response.json()
    assert data["type"] == "FeatureCollection" and data["next"] is None
    assert ids(data) == [letter.pk, action.pk]
    feature = data["features"][1]
    assert feature["geometry"] == {"type": "Point", "coordinates": [21.01, 52.23]}
    properties = feature["properties"]
    assert set(properties) == PROPERTIES
    thumb = action.rendition("thumb")
    assert properties == {
        "id": action.pk,
        "url": f"https://soliday.example/en/actions/{action.pk}/",
        "campaign": "4august",
        "type": "picket",
        "city": "Warsaw",
        "country": "PL",
        "date": timezone.localdate(action.submitted_at).isoformat(),
        "caption": "Lanterns.",
        "alt_text": "People with lanterns.",
        "hashtags": ["4august", "4августа"],
        "display_name": "Ala",
        "thumb": {
            "url": f"https://soliday.example/media/{thumb['path']}",
            "width": thumb["width"],
            "height": thumb["height"],
        },
        "display": properties["display"],
    }
    assert properties["display"]["url"].endswith(action.rendition("display")["path"])
    # Without a photo: no images, and no name when none was given.
    assert data["features"][0]["properties"]["thumb"] is None
    assert data["features"][0]["properties"]["display_name"] is None
    text = response.content.decode()
    assert_nothing_private(text, *hidden)
    for private in ("email", "language", "status", "submitted", "published", "moderat", "share"):
        assert private not in text
    assert SECRET_EMAIL not in text


def test_same_filters_as_the_gallery(client, approved):
    warsaw = approved(city="Warsaw", country="PL", hashtags=["4августа"])
    approved(city="Vilnius", country="LT", hashtags=["4august"])

    assert ids(get(client, country="pl")) == [warsaw.pk]
    assert ids(get(client, tag="#4АВГУСТА")) == [warsaw.pk]
    assert ids(get(client, campaign="nope")) == []
    assert len(ids(get(client, year="abc"))) == 2


def test_bounding_box(client, approved):
    warsaw = approved(city="Warsaw", latitude=52.23, longitude=21.01)
    approved(city="Vilnius", latitude=54.69, longitude=25.28)

    assert ids(get(client, bbox="20,52,22,53")) == [warsaw.pk]
    assert ids(get(client, bbox="-180,-90,180,90", country="LT")) != [warsaw.pk]
    assert ids(get(client, bbox="0,0,1,1")) == []


@pytest.mark.parametrize(
    "bbox",
    ["1,2,3", "a,b,c,d", "1,2,3,4,5", "22,52,20,53", "-2000,0,0,1", "0,-91,1,0", "nan,0,1,1", ","],
)
def test_a_bad_bounding_box_is_a_400_in_json(client, bbox):
    response = client.get(URL, {"bbox": bbox})

    assert response.status_code == 400
    assert "bbox" in response.json()["error"]


def test_a_view_across_the_antimeridian_is_read_as_the_map_reads_it(client, approved):
    """The API and the map share one parser (actions.geo): 170..190 is 170..180 and
    -180..-170, as Leaflet reports a view panned across the date line."""
    suva = approved(city="Suva", country="FJ", latitude=-18.14, longitude=178.44)
    approved(city="Apia", country="WS", latitude=-13.83, longitude=-171.76)
    approved(city="Warsaw", country="PL", latitude=52.23, longitude=21.01)

    across = ids(get(client, bbox="170,-20,190,0"))
    panned = ids(get(client, bbox="-190,-20,-170,0"))

    assert (
        sorted(across)
        == sorted(panned)
        == sorted(a.pk for a in Action.objects.filter(city__in=["Suva", "Apia"]))
    )
    assert suva.pk in across


def test_an_error_is_in_the_visitors_language(client):
    response = client.get(URL, {"bbox": "1,2,3"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 400
    assert response.json()["error"].startswith("Параметр bbox")


@pytest.mark.parametrize("limit", ["0", "501", "abc", "-5", "1.5"])
def test_a_bad_limit_is_a_400_in_json(client, limit):
    response = client.get(URL, {"limit": limit})

    assert response.status_code == 400
    assert "limit" in response.json()["error"]


def test_cursor_pages_follow_next(client, approved, settings):
    browse_from(client, settings)  # absolute links start with the host asked for
    made = [approved(city=f"City {n}", country="PL").pk for n in range(5)][::-1]

    seen = []
    url = f"{URL}?country=PL&limit=2"
    with CaptureQueriesContext(connection) as queries:
        while url:
            data = client.get(url.removeprefix("https://soliday.example")).json()
            seen.append(ids(data))
            url = data["next"]
            assert url is None or url.startswith("https://soliday.example/api/actions.geojson?")
            assert url is None or "country=PL" in url

    assert seen == [made[:2], made[2:4], made[4:]]
    sql = " ".join(query["sql"].upper() for query in queries.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql


def test_a_malformed_cursor_gives_the_first_page(client, approved):
    action = approved()

    assert ids(get(client, after="not a cursor!")) == [action.pk]


@pytest.mark.parametrize("n", [2, 20])
def test_the_same_queries_for_2_and_20_actions(client, approved, django_assert_num_queries, n):
    for i in range(n):
        approved(city=f"City {i}", hashtags=[["4august"], ["bysoliday", "x"], []][i % 3])
    client.get(URL)
    cache.clear()  # the view's own queries, not soliday.publiccache's stored answer

    # 1. the actions with their campaigns, 2. their hashtags.
    with django_assert_num_queries(2):
        assert len(ids(get(client))) == n
    # 0. the campaign filter, 0. the cursor's action; then the same two.
    cursor = get(client, limit=1)["next"].rsplit("after=", 1)[1]
    cache.clear()
    with django_assert_num_queries(4):
        assert len(ids(get(client, campaign="4august", after=cursor))) == n - 1


def test_json_is_valid_for_any_text(client, approved):
    approved(caption='Quotes " and <tags> and \\ backslashes', city="Łódź")

    data = json.loads(client.get(URL).content)

    assert data["features"][0]["properties"]["city"] == "Łódź"
