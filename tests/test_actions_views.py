"""Public pages around the form: thanks, the city suggestions, and an approved action's page."""

import pytest

from actions import services
from actions.models import Action

# These tests are about what the pages show, not the K threshold (test_k_threshold.py).
pytestmark = pytest.mark.usefixtures("every_city_named")


# Thanks


def test_the_thanks_page_explains_moderation_and_links_to_no_photo(
    participant, campaign, media_dirs
):
    response = participant.send(campaign, follow=True)
    assert response.redirect_chain == [("/en/actions/submit/thanks/", 302)]
    html = response.content.decode()
    assert "A moderator looks at it" in html
    assert "It is not public yet." in html
    action = Action.objects.get()
    assert action.upload
    assert action.upload not in html
    assert "/media/" not in html
    assert "incoming" not in html
    assert f"/actions/{action.pk}/" not in html
    # The only picture on the page is the site's logo.
    assert html.count("<img") == 1
    assert 'content="noindex"' in html


# City suggestions


def cities(client, q, language="en"):
    response = client.get(f"/{language}/actions/cities/", {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


def test_cities_by_prefix_with_country_and_centre(visitor, db):
    results = cities(visitor, "War")
    assert results[0]["name"] == "Warsaw"
    assert results[0]["country"] == "PL"
    assert results[0]["country_name"] == "Poland"
    assert results[0]["latitude"] == pytest.approx(52.23, abs=0.05)
    assert results[0]["longitude"] == pytest.approx(21.01, abs=0.05)
    assert len(results) <= 10


def test_cities_ignore_case_and_accents(visitor, db):
    assert cities(visitor, "warsz")[0]["name"] == "Warsaw"
    assert cities(visitor, "KRAKOW")[0]["name"] == "Kraków"


def test_cities_in_cyrillic(visitor, db):
    results = cities(visitor, "Мінс", language="be")
    assert results[0]["name"] == "Мінск"
    assert results[0]["country"] == "BY"
    assert results[0]["country_name"] == "Беларусь"
    assert cities(visitor, "гродн")[0]["name"] == "Гродна"


@pytest.mark.parametrize("q", ["", "W", " ", "x" * 500, "'; DROP TABLE", "%00", "\u0000\u0001"])
def test_cities_answer_odd_queries_with_an_empty_list(visitor, db, q):
    assert cities(visitor, q) == []


def test_cities_without_q(visitor, db):
    response = visitor.get("/en/actions/cities/")
    assert response.status_code == 200
    assert response.json() == {"results": []}


# The action's page


def test_an_approved_action_has_a_public_page(visitor, submitted, moderator):
    action = submitted(
        caption="<script>alert('x')</script> for the prisoners",
        city="<i>Vilnius</i>",
        alt_text='People "with" <lanterns>',
        display_name="Alesia",
    )
    services.approve([action], moderator)
    action.refresh_from_db()
    response = visitor.get(f"/en/actions/{action.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    display = action.rendition("display")
    assert f'src="/media/{display["path"]}"' in html
    assert f'width="{display["width"]}" height="{display["height"]}"' in html
    assert 'alt="People &quot;with&quot; &lt;lanterns&gt;"' in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; for the prisoners" in html
    assert "<script>alert" not in html
    assert "&lt;i&gt;Vilnius&lt;/i&gt;, Lithuania" in html
    assert "Day of Solidarity with Belarus" in html
    assert "#4august" in html and "#4августа" in html
    assert "Sent by Alesia" in html


def test_the_page_is_in_the_visitors_language(visitor, submitted, moderator):
    action = submitted()
    services.approve([action], moderator)
    html = visitor.get(f"/be/actions/{action.pk}/").content.decode()
    assert "Літва" in html
    assert "Дзень салідарнасці з Беларуссю" in html


def test_a_pending_action_has_no_page(visitor, submitted):
    action = submitted()
    assert visitor.get(f"/en/actions/{action.pk}/").status_code == 404


def test_a_rejected_action_has_no_page(visitor, submitted, moderator):
    action = submitted()
    services.reject([action], moderator, "Not an action.")
    assert visitor.get(f"/en/actions/{action.pk}/").status_code == 404


def test_an_unknown_action_has_no_page(visitor, db):
    assert visitor.get("/en/actions/999999/").status_code == 404


def test_a_moderator_gets_the_same_404_for_a_pending_action(moderator_client, submitted):
    action = submitted()
    assert moderator_client.get(f"/en/actions/{action.pk}/").status_code == 404


def test_the_navigation_leads_to_the_form(visitor, db):
    html = visitor.get("/en/news/").content.decode()
    assert 'href="/en/actions/submit/"' in html
    assert "Send your action" in html
