"""A campaign's results for partners: the embeddable counter (an iframe on their sites)
and the results as JSON and CSV, read by a visitor of the portal or of a partner's site."""

import csv
import io

import pytest

from tests.helpers.pages import assert_csp_clean

JSON = "/api/campaigns/4august/results.json"
CSV = "/api/campaigns/4august/results.csv"
EMBED = "/en/campaigns/4august/embed/"

WARSAW = {"city": "Warsaw", "country": "PL", "latitude": 52.23, "longitude": 21.01}
RIGA = {"city": "Riga", "country": "LV", "latitude": 56.95, "longitude": 24.1}


@pytest.fixture
def k_is_2(settings):
    settings.ACTIONS_MIN_CITY_COUNT = 2


@pytest.fixture
def counted(approved, hidden, k_is_2):
    """Two actions in Warsaw (named: K = 2), one in Riga (not named), one letter; a
    pending and a rejected action that count nowhere."""
    approved(WARSAW, photo=False, action_type="picket")
    approved(WARSAW, photo=False, action_type="picket", hashtags=["4august"])
    approved(RIGA, photo=False, action_type="letter")


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


# JSON


def test_a_partner_reads_the_results_as_json(visitor, campaign, counted):
    response = visitor.get(JSON)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"  # any site may read it
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["Cache-Control"] == "public, no-cache"  # revalidated: counts move
    data = response.json()
    assert data["campaign"]["slug"] == "4august"
    assert data["campaign"]["url"] == "http://testserver/en/campaigns/4august/"
    assert data["campaign"]["starts_on"] == campaign.starts_on.isoformat()
    assert (data["total"], data["countries"], data["cities"]) == (3, 2, 1)
    assert data["min_city_count"] == 2
    assert data["by_country"] == [
        {"country": "PL", "name": "Poland", "count": 2},
        {"country": "LV", "name": "Latvia", "count": 1},
    ]
    assert data["by_city"] == [{"city": "Warsaw", "country": "PL", "count": 2}]  # not Riga
    assert {row["type"]: row["count"] for row in data["by_type"]} == {"picket": 2, "letter": 1}
    assert sum(row["count"] for row in data["by_day"]) == 3
    assert {"hashtag": "4august", "count": 3} in data["hashtags"]
    assert "Pending" not in response.content.decode()


def test_the_labels_follow_lang(visitor, counted):
    data = visitor.get(JSON, {"lang": "be"}).json()

    assert data["by_country"][0]["name"] == "Польшча"
    assert data["campaign"]["name"] == "Дзень салідарнасці з Беларуссю"
    assert "Польшча" in visitor.get(JSON, {"lang": "be"}).content.decode()  # not \\u escapes


def test_an_unknown_language_is_a_400_that_says_which_are_known(visitor, campaign):
    response = visitor.get(JSON, {"lang": "fr"})

    assert response.status_code == 400
    assert response.json() == {"error": "The language must be one of: en, be, ru."}


def test_an_unknown_campaign_is_a_404_in_json(visitor, db):
    response = visitor.get("/api/campaigns/nothing/results.json")

    assert response.status_code == 404
    assert response.json() == {"error": "There is no such campaign."}


def test_an_empty_campaign_has_zeros(visitor, campaign):
    data = visitor.get(JSON).json()

    assert (data["total"], data["countries"], data["cities"]) == (0, 0, 0)
    assert data["by_country"] == data["by_day"] == []


def test_the_answer_moves_on_once_an_action_is_approved(visitor, approved, campaign):
    assert visitor.get(JSON).json()["total"] == 0

    approved(RIGA, photo=False)

    assert visitor.get(JSON).json()["total"] == 1


@pytest.mark.parametrize("url", [JSON, CSV])
def test_the_queries_do_not_grow_with_the_actions(
    visitor, campaign, approved, url, django_assert_num_queries
):
    for n in range(2):
        approved({"city": f"City {n}", "country": "PL"}, photo=False)
    # The campaign, and its tallies (every dimension in one query).
    with django_assert_num_queries(2):
        visitor.get(url)
    for n in range(18):
        approved({"city": f"City {n}", "country": "LT"}, photo=False)
    with django_assert_num_queries(2):
        assert visitor.get(url).status_code == 200


# CSV


def test_a_partner_opens_the_results_in_a_spreadsheet(visitor, counted):
    response = visitor.get(CSV)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="results-4august.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    rows = read_csv(response)
    assert rows[0] == ["dimension", "key", "label", "count"]
    assert ["total", "", "", "3"] in rows
    assert ["country", "PL", "Poland", "2"] in rows
    assert ["city", "PL/Warsaw", "Warsaw", "2"] in rows
    assert not [row for row in rows if "Riga" in row[2]]
    assert ["type", "letter", "Letter", "1"] in rows


def test_a_city_that_looks_like_a_formula_is_not_run(visitor, approved, every_city_named):
    approved({"city": "=HYPERLINK(1)", "country": "PL"}, photo=False)

    rows = read_csv(visitor.get(CSV))

    [city] = [row for row in rows if row[0] == "city"]
    assert city[2] == "'=HYPERLINK(1)"


# The embeddable counter


def test_a_partner_embeds_the_live_counter(visitor, campaign, counted):
    response = visitor.get(EMBED)

    assert response.status_code == 200
    html = response.content.decode()
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert "frame-ancestors 'none'" not in policy
    assert "script-src 'self'" in policy  # the rest of the policy is the site's
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Day of Solidarity with Belarus" in html
    assert "cities with at least 2 actions" in html
    assert 'target="_blank" rel="noopener"' in html
    assert "<nav" not in html and "<script" not in html
    assert_csp_clean(html)


def test_only_the_counter_may_be_framed(visitor, campaign):
    page = visitor.get("/en/campaigns/4august/")

    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["Cross-Origin-Resource-Policy"] == "same-origin"


def test_embed_frame_ancestors_names_the_partners(visitor, campaign, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://partner.example", "https://*.media.example"]

    policy = visitor.get(EMBED)["Content-Security-Policy"]

    assert "frame-ancestors https://partner.example https://*.media.example" in policy
    assert policy.count("frame-ancestors") == 1


def test_no_embed_frame_ancestors_means_no_site_may_frame_it(visitor, campaign, settings):
    settings.EMBED_FRAME_ANCESTORS = []

    assert "frame-ancestors 'none'" in visitor.get(EMBED)["Content-Security-Policy"]


@pytest.mark.parametrize("language", ["be", "ru"])
def test_the_counter_speaks_the_partners_language(visitor, campaign, counted, language):
    html = visitor.get(f"/{language}/campaigns/4august/embed/").content.decode()

    assert f'<html lang="{language}">' in html
    assert "cities with at least" not in html
    assert ("не менш за 2 акцыі" if language == "be" else "не меньше 2 акций") in html
    assert campaign.name_be in html if language == "be" else campaign.name_ru in html


def test_the_counter_of_an_unknown_campaign_is_a_404(visitor, db):
    assert visitor.get("/en/campaigns/nothing/embed/").status_code == 404


def test_the_counters_queries_do_not_grow(visitor, campaign, approved, django_assert_num_queries):
    approved(RIGA, photo=False)
    with django_assert_num_queries(2):  # the campaign, its counters
        visitor.get(EMBED)
    for _n in range(10):
        approved(WARSAW, photo=False)
    with django_assert_num_queries(2):
        visitor.get(EMBED)


def test_the_campaign_page_gives_the_code_and_the_data(visitor, campaign):
    html = visitor.get("/ru/campaigns/4august/").content.decode()

    assert '&lt;iframe src="http://testserver/ru/campaigns/4august/embed/"' in html
    assert 'href="/api/campaigns/4august/results.json?lang=ru"' in html
    assert 'href="/api/campaigns/4august/results.csv?lang=ru"' in html
