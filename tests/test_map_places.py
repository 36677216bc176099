"""The maps' populated places: the largest cities in view, in the page's language, from
the offline gazetteer; no query, no request leaving the portal."""

import pytest

from actions import places

URL = "/{language}/actions/map/places/"
WORLD = "-180,-85,180,85"
BELARUS = "23,51,33,56.5"


def get(visitor, language="en", **params):
    return visitor.get(URL.format(language=language), params)


def test_a_world_view_shows_only_the_largest_cities(visitor, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = get(visitor, zoom=2, bbox=WORLD)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=86400"
    found = response.json()["places"]
    assert len(found) == places.MAX_PLACES
    assert {"name", "lat", "lon"} == set(found[0])
    assert "Hrodna" not in {place["name"] for place in found}


def test_closer_in_smaller_places_appear_in_the_pages_language(visitor):
    names = {p["name"] for p in get(visitor, "be", zoom=7, bbox=BELARUS).json()["places"]}

    assert {"Мінск", "Вільнюс", "Hrodna"} <= names  # Hrodna: no Belarusian name in CLDR
    assert "Minsk" not in names


def test_the_places_in_russian(visitor):
    names = {p["name"] for p in get(visitor, "ru", zoom=5, bbox=BELARUS).json()["places"]}

    assert "Минск" in names


def test_places_are_inside_the_view(visitor):
    for place in get(visitor, zoom=8, bbox=BELARUS).json()["places"]:
        assert 51 <= place["lat"] <= 56.5 and 23 <= place["lon"] <= 33


def test_a_view_across_the_antimeridian(visitor):
    names = {p["name"] for p in get(visitor, zoom=4, bbox="170,-50,190,-30").json()["places"]}

    assert "Auckland" in names


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": WORLD}, "The zoom parameter is required."),
        ({"zoom": "x", "bbox": WORLD}, "The zoom must be a whole number."),
        ({"zoom": 3}, "The bbox parameter is required."),
        ({"zoom": 3, "bbox": "1,2,3"}, "The bbox must be four numbers"),
    ],
)
def test_bad_parameters_are_a_400_that_says_why(visitor, params, message):
    response = get(visitor, **params)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_the_maps_ask_for_places_only_without_a_tile_server(visitor, campaign, settings):
    assert (
        'data-places-url="/en/actions/map/places/"'
        in visitor.get("/en/actions/map/").content.decode()
    )
    assert (
        'data-places-url="/en/actions/map/places/"'
        in visitor.get("/en/actions/submit/").content.decode()
    )
