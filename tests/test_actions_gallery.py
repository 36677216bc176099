"""The gallery, hashtag pages and the action page, and the filters they share."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from actions import pagination, services
from actions.filters import ActionFilters
from actions.models import Action, ActionType
from actions.views import gallery as gallery_views
from tests.helpers.actions import assert_nothing_private, submit
from tests.helpers.pages import assert_csp_clean, browse_from

# These tests are about what the pages show, not the K threshold (test_k_threshold.py).
pytestmark = pytest.mark.usefixtures("in_english", "every_city_named")


def filtered(query):
    filters = ActionFilters.from_query(QueryDict(query))
    return filters, sorted(filters.apply(Action.objects.approved()).values_list("city", flat=True))


# Filters


@pytest.fixture
def spread(campaign, other_campaign, approved):
    """Four approved actions without photos (filters do not care), and a pending one."""
    approved(photo=False, city="Warsaw", country="PL", hashtags=["4августа"], action_type="picket")
    approved(photo=False, city="Kraków", country="PL", hashtags=["4august"], action_type="rally")
    approved(
        photo=False,
        campaign=other_campaign,
        city="Vilnius",
        country="LT",
        hashtags=["letters"],
        action_type="letter",
    )
    old = approved(photo=False, city="Riga", country="LV", hashtags=["4august", "4августа"])
    Action.objects.filter(pk=old.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2024, 8, 4, 12))
    )
    submit(campaign, None, city="Pendingtown", country="PL", hashtags=["4августа"])


@pytest.mark.parametrize(
    ("query", "cities"),
    [
        ("", ["Kraków", "Riga", "Vilnius", "Warsaw"]),
        ("campaign=4august", ["Kraków", "Riga", "Warsaw"]),
        ("campaign=letters", ["Vilnius"]),
        ("country=PL", ["Kraków", "Warsaw"]),
        ("country=pl", ["Kraków", "Warsaw"]),
        ("city=warsaw", ["Warsaw"]),
        ("city=  Warsaw ", ["Warsaw"]),
        ("tag=4августа", ["Riga", "Warsaw"]),
        ("tag=%234АВГУСТА", ["Riga", "Warsaw"]),
        ("tag=4August", ["Kraków", "Riga"]),
        ("type=rally", ["Kraków"]),
        ("type=LETTER", ["Vilnius"]),
        ("year=2024", ["Riga"]),
        ("campaign=4august&country=PL&tag=4августа", ["Warsaw"]),
        ("campaign=letters&country=PL", []),
        ("country=PL&type=rally&year=2024", []),
        # Values that name nothing give nothing.
        ("campaign=nope", []),
        ("country=XX", []),
        ("country=Poland", []),
        ("tag=nosuchtag", []),
        ("type=bonfire", []),
        ("city=Atlantis", []),
        # Malformed or empty values are ignored.
        ("year=abc", ["Kraków", "Riga", "Vilnius", "Warsaw"]),
        ("year=99999999999999999999", ["Kraków", "Riga", "Vilnius", "Warsaw"]),
        ("year=&city=&tag=%23", ["Kraków", "Riga", "Vilnius", "Warsaw"]),
        ("city=War%00saw", ["Warsaw"]),
        ("unknown=1", ["Kraków", "Riga", "Vilnius", "Warsaw"]),
    ],
)
def test_filters_combine_and_tolerate_anything(spread, query, cities):
    assert filtered(query)[1] == cities


def test_a_pending_action_matches_no_filter(spread):
    assert "Pendingtown" not in filtered("country=PL&tag=4августа")[1]


def test_filter_state_for_the_map_and_links(spread, campaign):
    filters, _cities = filtered("")
    assert filters.is_empty and filters.only_campaign
    assert filters.as_query() == "" and filters.active == []

    filters, _cities = filtered("campaign=4august")
    assert not filters.is_empty and filters.only_campaign
    assert filters.campaign == campaign

    filters, _cities = filtered("campaign=nope")
    assert filters.campaign is None and not filters.only_campaign

    filters, _cities = filtered("year=2026&tag=%234Августа&country=pl&campaign=4august&year2=x")
    assert not filters.only_campaign
    assert filters.as_query() == (
        "campaign=4august&country=PL&tag=4%D0%90%D0%B2%D0%B3%D1%83%D1%81%D1%82%D0%B0&year=2026"
    )
    assert filters.as_query(without="tag") == "campaign=4august&country=PL&year=2026"
    assert [(name, label) for name, _value, label in filters.active] == [
        ("campaign", "Campaign: Day of Solidarity with Belarus"),
        ("country", "Country: Poland"),
        ("tag", "#4августа"),
        ("year", "Year: 2026"),
    ]

    filters, _cities = filtered("year=abc&type=rally")
    assert filters.as_query() == "type=rally"
    assert filters.active[0].label == f"Type: {ActionType.RALLY.label}"


# The gallery


def cards(response):
    """Ids of the actions shown as cards, in order."""
    return [
        int(pk)
        for pk in re.findall(
            r'class="action-card__link" href="/en/actions/(\d+)/"', response.content.decode()
        )
    ]


def test_the_gallery_shows_approved_photos_newest_first(visitor, approved, hidden):
    first = approved(city="Warsaw", country="PL")
    second = approved(city="Vilnius", country="LT", alt_text="Lanterns on the bridge.")
    approved(photo=False, city="Letterville")

    response = visitor.get(reverse("actions:gallery"))

    assert response.status_code == 200
    assert cards(response) == [second.pk, first.pk]
    html = response.content.decode()
    thumb, display = second.rendition("thumb"), second.rendition("display")
    medium = second.rendition("medium")
    srcset = (
        f"/media/{thumb['path']} {thumb['width']}w, /media/{medium['path']} {medium['width']}w, "
        f"/media/{display['path']} {display['width']}w"
    )
    assert f'srcset="{srcset}"' in html
    assert f'width="{thumb["width"]}" height="{thumb["height"]}" loading="lazy"' in html
    assert 'sizes="' in html
    assert 'alt="Lanterns on the bridge."' in html
    assert "Vilnius, Lithuania" in html and "Warsaw, Poland" in html
    date = timezone.localdate(second.submitted_at)
    assert f'<time datetime="{date.isoformat()}">' in html
    assert reverse("actions:tag", kwargs={"slug": "4августа"}) in html
    # An action without a photo counts in results but is not a card.
    assert "Letterville" not in html
    assert_nothing_private(html, *hidden)
    # No time of day anywhere: only the date.
    assert second.submitted_at.astimezone().strftime("%H:%M") not in html


def test_gallery_filters_from_the_query_string(visitor, approved, campaign):
    warsaw = approved(city="Warsaw", country="PL", action_type="rally")
    approved(city="Vilnius", country="LT")

    response = visitor.get(reverse("actions:gallery"), {"country": "pl", "type": "rally"})

    assert cards(response) == [warsaw.pk]
    html = response.content.decode()
    # The form shows the filters; each chip removes its own.
    assert '<option value="PL" selected>Poland</option>' in html
    assert '<option value="rally" selected>' in html
    assert 'href="?type=rally">Country: Poland' in html
    assert 'href="?country=PL">Type: Rally' in html
    assert '<meta name="robots" content="noindex, follow">' in html
    # The filters stay out of the header's news search box.
    assert 'name="q" maxlength="200" placeholder="Search news" value=""' in html


@pytest.mark.parametrize(
    "query",
    [
        {"campaign": "nope"},
        {"country": "ZZ"},
        {"tag": "nosuch"},
        {"type": "bonfire"},
        {"country": "x" * 10_000},
        {"tag": "\\x00%"},
    ],
)
def test_unknown_filters_give_an_empty_gallery(visitor, approved, query):
    approved()

    response = visitor.get(reverse("actions:gallery"), query)

    assert response.status_code == 200
    assert cards(response) == []
    assert "No actions match these filters." in response.content.decode()


@pytest.mark.parametrize("query", [{"year": "abc"}, {"year": "-1"}, {"city": ""}, {"zzz": "1"}])
def test_malformed_filters_are_ignored(visitor, approved, query):
    action = approved()

    response = visitor.get(reverse("actions:gallery"), query)

    assert cards(response) == [action.pk]


@pytest.fixture
def five(approved, settings, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    return [approved(city=f"City {n}").pk for n in range(5)][::-1]  # newest first


def cursor_of(response, rel):
    match = re.search(
        rf'rel="{rel}" href="\?(?:[^"]*&amp;)?(after|before)=([0-9a-z]+)"',
        response.content.decode(),
    )
    return {match.group(1): match.group(2)} if match else None


def test_cursor_pagination_forward_and_back(visitor, five):
    url = reverse("actions:gallery")
    with CaptureQueriesContext(connection) as queries:
        first = visitor.get(url)
        second = visitor.get(url, cursor_of(first, "next"))
        third = visitor.get(url, cursor_of(second, "next"))
        back = visitor.get(url, cursor_of(third, "prev"))
        front = visitor.get(url, cursor_of(back, "prev"))

    assert cards(first) == five[:2] and cursor_of(first, "prev") is None
    assert cards(second) == five[2:4]
    assert cards(third) == five[4:] and cursor_of(third, "next") is None
    assert cards(back) == five[2:4]
    assert cards(front) == five[:2] and cursor_of(front, "prev") is None
    # The only COUNT is the page's "N photos", over at most COUNT_CAP + 1 rows.
    for query in queries.captured_queries:
        sql = query["sql"].upper()
        assert "COUNT(" not in sql or f"LIMIT {pagination.COUNT_CAP + 1}" in sql, sql
    assert "OFFSET" not in sql


def test_pagination_keeps_the_filters(visitor, five):
    response = visitor.get(reverse("actions:gallery"), {"campaign": "4august"})

    assert 'href="?campaign=4august&amp;after=' in response.content.decode()


def test_a_cursor_at_equal_publication_times_breaks_ties_by_id(visitor, five):
    Action.objects.update(published_at=timezone.now())
    url = reverse("actions:gallery")

    second = visitor.get(url, cursor_of(visitor.get(url), "next"))

    assert cards(second) == sorted(five, reverse=True)[2:4]


@pytest.mark.parametrize(
    "query",
    [
        {"after": "!!"},
        {"after": "zzzzzzzzzzzzzzzzzzzzzzzzz"},
        {"after": "-1"},
        {"after": "0"},
        {"before": "ab cd"},
        {"after": "zzzzzzzzzzzz"},
        {"before": "%00"},
    ],
)
def test_a_malformed_cursor_gives_the_first_page(visitor, five, query):
    response = visitor.get(reverse("actions:gallery"), query)

    assert response.status_code == 200
    assert cards(response) == five[:2]


def test_a_cursor_of_a_hidden_action_gives_the_first_page(visitor, five, hidden):
    for action in hidden:
        response = visitor.get(
            reverse("actions:gallery"), {"after": pagination.encode_cursor(action.pk)}
        )
        assert cards(response) == five[:2]


def test_cursors_round_trip():
    for pk in (1, 35, 36, 10**6, 2**63 - 1):
        assert pagination.decode_cursor(pagination.encode_cursor(pk)) == pk


def make_many(approved, n):
    tags = [["4august", "4августа"], ["bysoliday"], []]
    return [
        approved(city=f"City {i}", country=["PL", "LT", "DE"][i % 3], hashtags=tags[i % 3])
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [2, 20])
def test_the_gallery_costs_the_same_queries_for_2_and_20_actions(
    visitor, approved, django_assert_num_queries, n
):
    make_many(approved, n)
    url = reverse("actions:gallery")
    cursor = {"after": pagination.encode_cursor(Action.objects.order_by("-pk")[0].pk)}
    visitor.get(url)  # warm the caches of countries and content types

    # 1. the actions of the page with their campaigns, 2. their hashtags, 3. how many
    # photos (bounded), 4. the campaigns and 5. the countries for the filter form.
    with django_assert_num_queries(5):
        assert len(cards(visitor.get(url))) == n
    # With a cursor: 0. the cursor's action. With filters: the campaign, the tag.
    with django_assert_num_queries(8):
        visitor.get(url, {"campaign": "4august", "tag": "4august", "country": "PL", **cursor})


# Hashtag pages


def test_a_cyrillic_hashtag_page_resolves_both_ways(visitor, approved):
    action = approved(hashtags=["4августа"])
    approved(hashtags=["bysoliday"])

    url = reverse("actions:tag", kwargs={"slug": "4августа"})

    assert url == "/en/actions/tag/4%D0%B0%D0%B2%D0%B3%D1%83%D1%81%D1%82%D0%B0/"
    assert resolve(unquote(url)).kwargs == {"slug": "4августа"}
    response = visitor.get(url)
    assert response.status_code == 200
    assert cards(response) == [action.pk]
    html = response.content.decode()
    assert "<h1>#4августа</h1>" in html
    feed = reverse("actions:feed-tag", kwargs={"slug": "4августа"})
    assert 'title="New actions with #4августа (Atom)"' in html
    assert (
        f'type="application/atom+xml" title="New actions with #4августа (Atom)" href="{feed}"'
        in html
    )
    # The address as a person types it leads to the tag's own.
    typed = visitor.get("/en/actions/tag/4Августа/")
    assert typed.status_code == 301 and typed["Location"] == url


def test_unknown_and_hidden_hashtags_are_404(visitor, approved, hidden, campaign):
    approved(hashtags=["4august"])
    submit(campaign, None, hashtags=["onlypending"])

    assert visitor.get(reverse("actions:tag", kwargs={"slug": "nosuch"})).status_code == 404
    assert visitor.get(reverse("actions:tag", kwargs={"slug": "onlypending"})).status_code == 404
    assert visitor.get("/en/actions/tag/%D0%B0%20b/").status_code == 404


def test_the_hashtag_page_hides_pending_and_rejected_actions(visitor, approved, hidden):
    approved()

    response = visitor.get(reverse("actions:tag", kwargs={"slug": "4august"}))

    assert len(cards(response)) == 1
    assert_nothing_private(response.content.decode(), *hidden)


@pytest.mark.parametrize("n", [2, 20])
def test_the_tag_page_costs_the_same_queries_for_2_and_20_actions(
    visitor, approved, django_assert_num_queries, n
):
    make_many(approved, n * 3)
    url = reverse("actions:tag", kwargs={"slug": "bysoliday"})
    visitor.get(url)

    # 1. the tag, 2. the page of actions with their campaigns, 3. their hashtags.
    with django_assert_num_queries(3):
        assert len(cards(visitor.get(url))) == n


# The action page


def test_the_action_page(visitor, approved, hidden, settings):
    browse_from(visitor, settings)  # absolute links start with the host asked for
    older = approved(city="Riga", country="LV")
    action = approved(
        city="Warsaw",
        country="PL",
        caption="Lanterns by the Vistula.",
        alt_text="Five people hold lanterns.",
        display_name="Ala",
        hashtags=["4августа"],
    )
    newer = approved(city="Kraków", country="PL")

    response = visitor.get(action.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    display, share = action.rendition("display"), action.rendition("share")
    assert f'src="/media/{display["path"]}"' in html
    assert (
        f'width="{display["width"]}" height="{display["height"]}" alt="Five people hold lanterns."'
        in html
    )
    assert "srcset=" in html
    assert "Lanterns by the Vistula." in html
    assert "Warsaw, Poland" in html and "Sent by Ala" in html
    assert f'<time datetime="{timezone.localdate(action.submitted_at).isoformat()}">' in html
    assert f'href="{reverse("campaigns:detail", kwargs={"slug": "4august"})}"' in html
    assert f'href="{reverse("actions:tag", kwargs={"slug": "4августа"})}">#4августа' in html
    assert f'rel="prev" href="{newer.get_absolute_url()}"' in html
    assert f'rel="next" href="{older.get_absolute_url()}"' in html
    # Sharing: the share rendition as an absolute address, and plain links.
    assert (
        f'<meta property="og:image" content="https://soliday.example/media/{share["path"]}">'
        in html
    )
    assert f'<meta property="og:image:width" content="{share["width"]}">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    page_url = f"https://soliday.example{action.get_absolute_url()}"
    assert f'<meta property="og:url" content="{page_url}">' in html
    assert "https://t.me/share/url?url=https%3A%2F%2Fsoliday.example%2Fen%2Factions%2F" in html
    assert 'href="mailto:?subject=' in html
    assert_nothing_private(html, *hidden)


def test_the_action_page_loads_nothing_from_elsewhere(visitor, approved):
    html = visitor.get(approved().get_absolute_url()).content.decode()

    for attribute in re.findall(r'\b(?:src|srcset)="([^"]*)"', html):
        assert attribute.startswith("/"), attribute
    for tag in re.findall(r"<(?:link|script)\b[^>]*>", html):
        assert "://" not in tag or 'rel="canonical"' in tag, tag
    assert "<script" not in html or '<script src="/static/' in html
    assert " style=" not in html and " onclick=" not in html
    assert_csp_clean(html)  # no inline script, style or handler of any kind


def test_the_action_page_in_russian(visitor, approved):
    action = approved()

    with_ru = visitor.get(f"/ru/actions/{action.pk}/")

    assert '<meta property="og:locale" content="ru_RU">' in with_ru.content.decode()


def test_first_and_last_actions_have_one_neighbour(visitor, approved):
    first, last = approved(), approved()

    assert 'rel="next"' not in visitor.get(first.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in visitor.get(last.get_absolute_url()).content.decode()


def test_pending_rejected_and_unknown_actions_are_the_same_404(visitor, hidden):
    missing = visitor.get(reverse("actions:detail", kwargs={"pk": 999_999}))

    assert missing.status_code == 404
    for action in hidden:
        response = visitor.get(action.get_absolute_url())
        assert response.status_code == 404
        # The same page; only the links of the language switcher name the address.
        same = missing.content.replace(b"/999999/", f"/{action.pk}/".encode())
        assert response.content == same


def test_an_unpublished_action_is_404_again(visitor, approved, moderator):
    action = approved()

    services.reject([action], moderator, "Faces", reconsider=True)

    assert visitor.get(action.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("n", [2, 20])
def test_the_action_page_costs_the_same_queries_for_2_and_20_actions(
    visitor, approved, django_assert_num_queries, n
):
    actions = make_many(approved, n)
    url = actions[n // 2].get_absolute_url()
    visitor.get(url)

    # 1. the action with its campaign, 2. its hashtags, 3. the newer and 4. the older one.
    with django_assert_num_queries(4):
        assert visitor.get(url).status_code == 200


def test_a_pending_hashtag_is_not_told_by_a_redirect_or_a_filter(visitor, approved, campaign):
    approved(hashtags=["4august"])
    submit(campaign, None, hashtags=["secretplan"])

    # The typed spelling of a hidden hashtag is a 404 at once, like an unknown one.
    assert visitor.get("/en/actions/tag/SecretPlan/").status_code == 404
    assert visitor.get("/en/actions/tag/NoSuch/").status_code == 404
    # A filter by it reads as a filter by an unknown hashtag: as typed, matching nothing.
    for url in ("/en/actions/?tag=SECRETPLAN", "/en/actions/map/?tag=SECRETPLAN"):
        html = visitor.get(url).content.decode()
        assert "#SECRETPLAN" in html
        assert "secretplan" not in html
    assert ActionFilters.from_query({"tag": "secretplan"}).matches_nothing


def test_the_gallery_says_how_many_photos(visitor, approved, settings, monkeypatch):
    make_many(approved, 3)

    html = visitor.get(reverse("actions:gallery")).content.decode()
    filtered = visitor.get(reverse("actions:gallery"), {"country": "ZZ"}).content.decode()
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(gallery_views, "COUNT_CAP", 2)
    many = visitor.get(reverse("actions:gallery"), {"campaign": "4august"}).content.decode()

    assert '<p class="gallery-count">3 photos</p>' in html
    assert "0 photos · with the filters below" in filtered
    assert "More than 2 photos" in many


def test_the_photo_count_is_in_belarusian(visitor, approved):
    make_many(approved, 2)

    html = visitor.get("/be/actions/").content.decode()

    assert "2 фота" in html
