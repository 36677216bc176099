"""The campaign page /<lang>/campaigns/<slug>/ and the home page's campaign block.

Every number comes from the Tally rows that actions.stats keeps in step with the
moderators' decisions; actions are made as participants make them and approved
as moderators approve them.
"""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from actions import services
from actions.models import Action, Campaign, CampaignIdea, CampaignMaterial
from actions.results import TOP_COUNTRIES
from tests.helpers.actions import submit
from tests.helpers.images import make_image_bytes
from tests.helpers.news import make_article

# These tests are about what the pages show, not the K threshold (test_k_threshold.py).
pytestmark = pytest.mark.usefixtures("every_city_named")

URL = "/en/campaigns/4august/"
SVG = "{http://www.w3.org/2000/svg}"
CHANGELIST = "/admin/actions/action/"


def feature(action):
    """What a moderator's "featured" tick does: the photo is shown on the campaign page."""
    Action.objects.filter(pk=action.pk).update(featured=True)


def section(html, heading_id):
    """The HTML of the <section> labelled by `heading_id`."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, flags=re.S
    )
    assert match, f"no section {heading_id}"
    return match.group(0)


def table_rows(fragment):
    """(label, number) of each body row of the table in `fragment`."""
    body = re.search(r"<tbody>(.*?)</tbody>", fragment, flags=re.S).group(1)
    return [
        (label.strip(), int(re.sub(r"\D", "", number)))
        for label, number in re.findall(
            r'<th scope="row">(.*?)</th><td class="number">(.*?)</td>', body
        )
    ]


def svg_of(fragment):
    """The chart in `fragment`, parsed as XML (so it must be well-formed)."""
    match = re.search(r"<svg.*?</svg>", fragment, flags=re.S)
    assert match, "no chart"
    return ElementTree.fromstring(match.group(0))  # noqa: S314 (our own page)


def bar_values(svg):
    """(label, number) of each bar: every bar has its label before it and its number after."""
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    labels, values = texts[0::2], texts[1::2]
    return list(zip(labels, [int(re.sub(r"\D", "", v)) for v in values], strict=True))


@pytest.fixture
def results(campaign, approved, moderator):
    """Five approved actions in three countries, one pending and one rejected."""
    approved(city="Warsaw", country="PL", hashtags=["4august"])
    approved(photo=False, city="Warsaw", country="PL", action_type="letter", hashtags=[])
    approved(photo=False, city="Kraków", country="PL", action_type="letter", hashtags=[])
    approved(photo=False, city="Vilnius", country="LT", hashtags=["4августа", "4august"])
    feature(approved(city="Berlin", country="DE", hashtags=[]))
    submit(campaign, None, city="Paris", country="FR")  # pending
    rejected = submit(campaign, None, city="Rome", country="IT")
    services.reject([rejected], moderator, "Not an action.")
    return campaign


# The page, section by section


def test_unknown_campaign_is_404(visitor, db):
    assert visitor.get("/en/campaigns/nothing-here/").status_code == 404


def test_header_shows_name_description_dates_hashtags_and_counters(visitor, results):
    Campaign.objects.filter(pk=results.pk).update(
        description_en="Stand with the prisoners.", ends_on=datetime.date(2026, 8, 10)
    )
    response = visitor.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Day of Solidarity with Belarus</h1>" in html
    assert "Stand with the prisoners." in html
    assert '<time datetime="2026-08-04">4 August 2026</time>' in html
    assert '<time datetime="2026-08-10">10 August 2026</time>' in html
    for tag in ("#4august", "#4августа", "#bysoliday"):
        assert f"<li>{tag}</li>" in html
    counters = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)
    # Pending (Paris) and rejected (Rome) count nowhere.
    assert counters == [("approved actions", "5"), ("countries", "3"), ("cities", "4")]
    # It closed on 10 August: it says so, and asks for no more actions.
    assert "<strong>Past</strong>" in html
    assert 'href="/en/actions/submit/?campaign=4august"' not in html


def test_by_country_and_city_tables_match_their_charts(visitor, results):
    html = visitor.get(URL).content.decode()

    countries = section(html, "by-country")
    assert table_rows(countries) == [("Poland", 3), ("Germany", 1), ("Lithuania", 1)]
    assert bar_values(svg_of(countries)) == table_rows(countries)

    cities = section(html, "by-city")
    # Largest first; equal counts in the order of their country code and name.
    assert table_rows(cities) == [
        ("Warsaw, Poland", 2),
        ("Berlin, Germany", 1),
        ("Vilnius, Lithuania", 1),
        ("Kraków, Poland", 1),
    ]
    assert bar_values(svg_of(cities)) == table_rows(cities)


def test_by_type_and_per_day(visitor, results):
    html = visitor.get(URL).content.decode()

    types = section(html, "by-type")
    assert table_rows(types) == [("Picket", 3), ("Letter", 2)]
    assert bar_values(svg_of(types)) == table_rows(types)

    days = section(html, "by-day")
    today = Action.objects.first().submitted_at.astimezone().date()
    assert table_rows(days) == [(today.isoformat(), 5)]
    chart = svg_of(days)
    assert len(list(chart.iter(f"{SVG}rect"))) == 1


def test_charts_are_accessible_images(visitor, results):
    html = visitor.get(URL).content.decode()

    names = []
    for heading_id in ("by-country", "by-city", "by-type", "by-day"):
        chart = svg_of(section(html, heading_id))
        assert chart.get("role") == "img"
        title = chart.find(f"{SVG}title").text
        assert title and chart.get("aria-label") == title
        assert chart.get("viewBox")
        names.append(title)
        # Colours are attributes (the CSP forbids style attributes); none is faint.
        assert not any(element.get("style") for element in chart.iter())
        assert {element.get("fill") for element in chart.iter(f"{SVG}rect")} == {"#8a0c21"}
    assert names == [
        "Approved actions by country",
        "Approved actions by city",
        "Approved actions by type of action",
        "Approved actions per day",
    ]
    assert "style=" not in html


def test_labels_in_charts_are_escaped(visitor, approved):
    approved(photo=False, city="<script>alert(1)</script>", country="PL")

    html = visitor.get(URL).content.decode()

    assert "<script>alert(1)" not in html
    svg_of(section(html, "by-city"))  # still well-formed XML


def test_top_countries_and_the_rest(visitor, approved):
    codes = ["PL", "LT", "DE", "FR", "IT", "ES", "CZ", "SK", "AT", "NL", "BE", "SE"]
    for number, code in enumerate(codes):
        for _ in range(len(codes) - number):
            # Polish actions are the most numerous, Swedish ones the fewest.
            approved(photo=False, city="Capital", country=code, latitude=None, longitude=None)

    html = visitor.get(URL).content.decode()

    countries = section(html, "by-country")
    assert len(table_rows(countries)) == TOP_COUNTRIES
    assert table_rows(countries)[0] == ("Poland", 12)
    assert "Other countries: 2; actions there: 3." in countries
    assert "Other cities: 2; actions there: 3." in section(html, "by-city")


def test_top_hashtags_link_to_their_pages(visitor, results):
    html = visitor.get(URL).content.decode()

    hashtags = section(html, "top-hashtags")
    assert re.findall(r"(#[\w]+)(?:</a>)? <span class=\"meta\">(\d+)</span>", hashtags) == [
        ("#4august", "2"),
        ("#4августа", "1"),
    ]


def test_featured_photos_only(visitor, results, campaign, moderator):
    not_featured = Action.objects.filter(city="Warsaw", photo_status="ready").get()

    response = visitor.get(URL)

    featured = response.context["featured"]
    assert [action.city for action in featured] == ["Berlin"]
    html = section(response.content.decode(), "featured")
    assert featured[0].get_absolute_url() in html
    assert not_featured.get_absolute_url() not in html


def test_no_featured_section_without_featured_photos(visitor, campaign):
    html = visitor.get(URL).content.decode()

    assert 'aria-labelledby="featured"' not in html
    assert "No approved actions yet." in html


def test_page_in_another_language(visitor, results):
    html = visitor.get("/be/campaigns/4august/").content.decode()

    assert "<h1>Дзень салідарнасці з Беларуссю</h1>" in html
    assert ("Польшча", 3) in table_rows(section(html, "by-country"))


def test_missing_translation_falls_back_to_english(visitor, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(
        name_ru="", description_en="In English.", description_ru=""
    )

    html = visitor.get("/ru/campaigns/4august/").content.decode()

    assert "<h1>Day of Solidarity with Belarus</h1>" in html
    assert "In English." in html


def test_an_inactive_campaign_shows_results_without_a_submit_link(visitor, results):
    Campaign.objects.filter(pk=results.pk).update(is_active=False)

    html = visitor.get(URL).content.decode()

    assert "/en/actions/submit/?campaign=" not in html
    assert re.findall(r"<dt>approved actions</dt><dd>(\d+)</dd>", html) == ["5"]


# Counts follow the moderators' decisions made in the admin


def counters(client):
    html = client.get(URL).content.decode()
    total = re.findall(r"<dt>approved actions</dt><dd>(\d+)</dd>", html)[0]
    return (
        int(total),
        dict(table_rows(section(html, "by-country"))),
        dict(table_rows(section(html, "by-city"))),
    )


def test_approving_and_rejecting_in_the_admin_changes_the_counts(
    visitor, moderator_client, results, campaign
):
    before = counters(visitor)
    action = submit(campaign, None, city="Gdańsk", country="PL")

    response = moderator_client.post(
        CHANGELIST + "?status=pending",
        {"action": "approve_selected", "_selected_action": [action.pk], "index": 0},
    )
    assert response.status_code == 302

    total, by_country, by_city = counters(visitor)
    assert total == before[0] + 1
    assert by_country["Poland"] == before[1]["Poland"] + 1
    assert by_city["Gdańsk, Poland"] == 1

    response = moderator_client.post(
        f"{CHANGELIST}{action.pk}/reject/",
        {"reason": "Asked to be removed.", "status_seen": "approved"},
    )
    assert response.status_code == 302

    assert counters(visitor) == before


# Ways to take part and materials


def test_ideas_of_the_current_language_rendered_from_markdown(visitor, campaign):
    CampaignIdea.objects.create(
        campaign=campaign,
        language="en",
        title="Write to the ministry",
        body="Address: **Ministry of the Interior**\n\n> Dear Minister,\n\n<script>x()</script>",
        order=2,
    )
    CampaignIdea.objects.create(campaign=campaign, language="en", title="Hold a picket", order=1)
    CampaignIdea.objects.create(campaign=campaign, language="be", title="Пікет", order=1)

    html = section(visitor.get(URL).content.decode(), "take-part")

    assert re.findall(r"<h3>(.*?)</h3>", html)[:2] == ["Hold a picket", "Write to the ministry"]
    assert "<strong>Ministry of the Interior</strong>" in html
    assert "<blockquote>" in html
    assert "<script>" not in html
    assert "Пікет" not in html
    be = visitor.get("/be/campaigns/4august/").content.decode()
    assert "Пікет" in be and "Hold a picket" not in be
    # No Russian ideas: the English ones are shown.
    assert "Hold a picket" in visitor.get("/ru/campaigns/4august/").content.decode()


def add_material(campaign, name="poster.png", data=None, **fields):
    """A material as the admin saves it: through the model form's validation and the service."""
    from actions import materials

    material = CampaignMaterial(
        campaign=campaign,
        title=fields.pop("title", "Poster"),
        file=SimpleUploadedFile(name, data if data is not None else make_image_bytes("PNG")),
        **fields,
    )
    material.full_clean()
    return materials.save_material(material)


def test_materials_show_format_and_size_with_language_fallback(visitor, campaign, media_dirs):
    pdf = b"%PDF-1.4\n" + b"0" * 2048
    material = add_material(
        campaign, "letter.pdf", pdf, title="Letter template", kind="letter_template"
    )
    add_material(campaign, title="Плакат", language="be")

    assert (material.file_format, material.file_size) == ("PDF", len(pdf))
    assert re.fullmatch(r"campaigns/[0-9a-f]{32}\.pdf", material.file.name)
    html = section(visitor.get(URL).content.decode(), "materials")
    assert f'href="/media/{material.file.name}"' in html
    assert "Letter template" in html
    assert "Letter template · PDF, 2.0\xa0KB" in html
    assert "Плакат" not in html
    assert "Плакат" in visitor.get("/be/campaigns/4august/").content.decode()
    assert "Letter template" in visitor.get("/ru/campaigns/4august/").content.decode()


# Query counts


@pytest.mark.parametrize("count", [2, 20])
def test_campaign_page_query_count(visitor, campaign, approved, django_assert_num_queries, count):
    for number in range(count):
        action = approved(
            city=f"City {number}",
            country=["PL", "LT", "DE", "FR"][number % 4],
            hashtags=[f"tag{number}", "4august"],
            photo=number < 10,
        )
        if number < 10:
            feature(action)
    CampaignIdea.objects.create(campaign=campaign, title="Hold a picket")

    # 1. the campaign, 2. its hashtags (prefetch), 3. total, countries and types,
    # 4. the largest cities, 5. the number of cities, 6. the days, 7. the top hashtags,
    # 8. the Tag rows of those hashtags (for their links), 9. ideas, 10. materials,
    # 11. featured photos, 12. their hashtags (prefetch).
    with django_assert_num_queries(12):
        response = visitor.get(URL)
    assert response.context["results"].total == count


@pytest.mark.parametrize("count", [2, 20])
def test_home_query_count(visitor, approved, django_assert_num_queries, count):
    for number in range(count):
        approved(city=f"City {number}")
        make_article(title=f"News {number}", tags=["4august"])

    # 1. the active campaign, 2. its counters (one aggregate over its tallies),
    # 3. the latest photos, 4. their hashtags, 5. the latest articles, 6. their tags.
    with django_assert_num_queries(6):
        response = visitor.get("/en/")
    assert response.context["counters"]["total"] == count
    assert len(response.context["photos"]) == min(count, 6)


# The home page


def test_home_leads_with_the_most_recent_active_campaign(visitor, results, moderator):
    Campaign.objects.create(
        slug="older", name_en="An older campaign", starts_on=datetime.date(2025, 8, 4)
    )
    Campaign.objects.create(
        slug="closed",
        name_en="A closed campaign",
        starts_on=datetime.date(2027, 1, 1),
        is_active=False,
    )

    response = visitor.get("/en/")

    html = response.content.decode()
    assert response.context["campaign"] == results
    assert 'href="/en/campaigns/4august/"' in html
    counters = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html)
    assert counters == [("approved actions", "5"), ("countries", "3"), ("cities", "4")]
    # The two approved photos, newest first; actions without a photo are not there.
    photos = response.context["photos"]
    assert [action.city for action in photos] == ["Berlin", "Warsaw"]
    for action in photos:
        assert action.get_absolute_url() in html
    assert "Latest news" in html


def test_home_without_an_active_campaign(visitor, db):
    response = visitor.get("/en/")

    assert response.context["campaign"] is None
    assert '<h1 id="hero-title">' in response.content.decode()


def test_home_counts_numbers_with_the_languages_separator(visitor, campaign):
    from actions.models import Tally

    Tally.objects.create(campaign=campaign, dimension="total", key="", count=104731)

    assert "<dd>104,731</dd>" in visitor.get("/en/").content.decode()
    assert "<dd>104\xa0731</dd>" in visitor.get("/be/").content.decode()


# The submission form, reached from a campaign page


def test_submit_link_preselects_the_campaign(visitor, campaign, other_campaign):
    other_campaign.hashtags.add("letters")

    html = visitor.get("/en/actions/submit/?campaign=letters").content.decode()
    assert re.search(rf'<option value="{other_campaign.pk}"[^>]*selected', html)
    assert 'placeholder="#letters"' in html

    html = visitor.get("/en/actions/submit/?campaign=unknown").content.decode()
    assert not re.search(rf'<option value="{other_campaign.pk}"[^>]*selected', html)


def test_moderators_manage_ideas_and_materials(db):
    from django.contrib.auth.models import Group

    call_command("setup_roles", stdout=__import__("io").StringIO())
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True)
    )
    for model in ("campaignidea", "campaignmaterial"):
        assert {f"{a}_{model}" for a in ("add", "change", "delete", "view")} <= codenames
    assert "add_campaign" not in codenames and "delete_action" not in codenames


# Materials and ideas in the campaign admin, as a moderator


def change_form_data(campaign, ideas=(), materials=(), initial_materials=0):
    data = {
        "name_en": campaign.name_en,
        "name_be": campaign.name_be,
        "name_ru": campaign.name_ru,
        "slug": campaign.slug,
        "description_en": campaign.description_en,
        "description_be": "",
        "description_ru": "",
        "hashtags": "4august, bysoliday",
        "action_types": ["picket"],
        "starts_on": "2026-08-04",
        "ends_on": "",
        "is_active": "on",
        "ideas-TOTAL_FORMS": len(ideas),
        "ideas-INITIAL_FORMS": 0,
        "materials-TOTAL_FORMS": len(materials),
        "materials-INITIAL_FORMS": initial_materials,
    }
    for index, idea in enumerate(ideas):
        data.update({f"ideas-{index}-{key}": value for key, value in idea.items()})
    for index, material in enumerate(materials):
        data.update({f"materials-{index}-{key}": value for key, value in material.items()})
    return data


def change_url(campaign):
    return f"/admin/actions/campaign/{campaign.pk}/change/"


def material_form(name, data, **fields):
    return {
        "language": "en",
        "kind": "poster",
        "title": "Poster",
        "order": 0,
        "file": SimpleUploadedFile(name, data),
        "campaign": "",
        **fields,
    }


def test_moderator_adds_an_idea_and_a_material(moderator_client, campaign, media_dirs):
    png = make_image_bytes("PNG")
    data = change_form_data(
        campaign,
        ideas=[
            {"language": "en", "title": "Rename a street", "body": "For *one* day.", "order": 1}
        ],
        materials=[material_form("Poster A3 (final).png", png)],
    )

    response = moderator_client.post(change_url(campaign), data)

    assert response.status_code == 302, response.context["errors"]
    idea = CampaignIdea.objects.get()
    assert idea.body_html == "<p>For <em>one</em> day.</p>"
    material = CampaignMaterial.objects.get()
    assert (material.file_format, material.file_size) == ("PNG", len(png))
    assert "final" not in material.file.name
    assert (media_dirs / "media" / material.file.name).read_bytes() == png


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("poster.exe", b"MZ\x90\x00", "Upload a PDF, PNG, JPEG, SVG, ZIP, DOCX or ODT file."),
        ("poster.html", b"<html></html>", "Upload a PDF, PNG, JPEG, SVG, ZIP, DOCX or ODT file."),
        ("poster.pdf", b"<html><script>x()</script></html>", "This file is not a real PDF file."),
        ("poster.png", b"%PDF-1.4 not a png", "This file is not a real PNG file."),
        (
            "poster.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "This SVG contains scripts, links to other sites or other active content.",
        ),
        (
            "poster.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
            "This SVG contains scripts, links to other sites or other active content.",
        ),
        (
            "poster.svg",
            b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "This SVG contains scripts, links to other sites or other active content.",
        ),
        ("poster.svg", b"<html>not svg</html>", "This SVG file cannot be read."),
    ],
)
def test_bad_materials_are_refused(moderator_client, campaign, media_dirs, name, data, message):
    post = change_form_data(campaign, materials=[material_form(name, data)])

    response = moderator_client.post(change_url(campaign), post)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CampaignMaterial.objects.exists()
    assert not (media_dirs / "media" / "campaigns").exists()


def test_a_material_over_the_size_limit_is_refused(
    moderator_client, campaign, media_dirs, monkeypatch
):
    from actions import materials

    monkeypatch.setattr(materials, "MAX_BYTES", 1024)
    post = change_form_data(campaign, materials=[material_form("big.pdf", b"%PDF-" + b"0" * 1024)])

    response = moderator_client.post(change_url(campaign), post)

    assert "The file is too large: at most 1.0\xa0KB." in response.content.decode()
    assert not CampaignMaterial.objects.exists()


def test_a_clean_svg_is_accepted(campaign, media_dirs):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="5"/></svg>'
    material = add_material(campaign, "banner.svg", svg, kind="banner")
    assert material.file_format == "SVG"


def test_deleting_a_material_deletes_its_file(
    moderator_client, campaign, media_dirs, django_capture_on_commit_callbacks
):
    material = add_material(campaign)
    stored = media_dirs / "media" / material.file.name
    assert stored.exists()
    data = change_form_data(campaign, materials=[{}], initial_materials=1)
    data.update(
        {
            "materials-0-id": material.pk,
            "materials-0-campaign": campaign.pk,
            "materials-0-language": "en",
            "materials-0-kind": "poster",
            "materials-0-title": "Poster",
            "materials-0-order": 0,
            "materials-0-DELETE": "on",
        }
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(change_url(campaign), data)

    assert response.status_code == 302
    assert not CampaignMaterial.objects.exists()
    assert not stored.exists()


def test_replacing_a_material_file_deletes_the_old_one(
    moderator_client, campaign, media_dirs, django_capture_on_commit_callbacks
):
    material = add_material(campaign)
    old = media_dirs / "media" / material.file.name
    pdf = b"%PDF-1.7\n" + b"1" * 100
    data = change_form_data(
        campaign,
        materials=[material_form("new.pdf", pdf, id=material.pk, campaign=campaign.pk)],
        initial_materials=1,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(change_url(campaign), data)

    assert response.status_code == 302
    material.refresh_from_db()
    assert (material.file_format, material.file_size) == ("PDF", len(pdf))
    assert not old.exists()
    assert (media_dirs / "media" / material.file.name).exists()


@pytest.mark.parametrize(
    "data",
    [
        # A namespace prefix hides the element's name from a search of the bytes.
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
        b"<s:script>alert(document.domain)</s:script></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
        b'<s:foreignObject width="9" height="9"/></svg>',
        # A character reference hides the scheme.
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<a xlink:href="javascript&#58;alert(1)"><text y="20">x</text></a></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" '
        b'values="&#106;avascript:alert(1)"/><text y="20">x</text></a></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><image href="&#104;ttps://example.org/x.png"/>'
        b"</svg>",
        # CSS that fetches from elsewhere, plainly or through an escape.
        b'<svg xmlns="http://www.w3.org/2000/svg"><style>\\40 import "https://e.org/x.css";'
        b"</style></svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(https://e.org/p.svg#a)"'
        b' width="9" height="9"/></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(&#104;ttps://e.org/p#a)"'
        b' width="9" height="9"/></svg>',
    ],
)
def test_an_svg_cannot_hide_active_content_from_the_check(
    moderator_client, campaign, media_dirs, data
):
    post = change_form_data(campaign, materials=[material_form("poster.svg", data)])

    response = moderator_client.post(change_url(campaign), post)

    assert response.status_code == 200
    assert "This SVG contains scripts" in response.content.decode()
    assert not CampaignMaterial.objects.exists()
    assert not (media_dirs / "media" / "campaigns").exists()


def test_an_svg_may_embed_a_picture_and_point_inside_itself(campaign, media_dirs):
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<defs><rect id="r" width="5" height="5"/></defs><use xlink:href="#r"/>'
        b'<style>rect { stroke: #000 }</style><rect fill="url(#r)" width="2" height="2"/>'
        b'<image href="data:image/png;base64,iVBORw0KGgo="/></svg>'
    )
    assert add_material(campaign, "banner.svg", svg, kind="banner").file_format == "SVG"
