"""CSV export of a campaign's approved actions, for moderators (an admin action).

Public fields only, streamed, and safe to open in a spreadsheet.
"""

import csv
import io

import pytest

from actions import services
from tests.helpers.actions import submit
from tests.helpers.pages import browse_from

# These tests are about what the pages show, not the K threshold (test_k_threshold.py).
pytestmark = pytest.mark.usefixtures("every_city_named")

CHANGELIST = "/admin/actions/campaign/"
COLUMNS = [
    "id", "url", "campaign", "type", "city", "country", "latitude", "longitude", "date",
    "caption", "alt_text", "hashtags",
]  # fmt: skip


def export(client, *campaigns):
    return client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [c.pk for c in campaigns], "index": 0},
    )


def read(response):
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_moderator_exports_public_fields_of_approved_actions(
    moderator_client, campaign, approved, moderator, settings
):
    browse_from(moderator_client, settings)  # absolute links start with the host asked for
    london = approved(
        photo=False,
        city="London",
        country="GB",
        latitude=51.5072,
        longitude=-0.1276,
        caption="Outside the embassy.",
        alt_text="Four people with lanterns.",
        display_name="Alesia",
        email="alesia@example.org",
        hashtags=["4august", "bysoliday"],
        action_type="picket",
    )
    letter = approved(photo=False, location_precision="none", hashtags=[])  # no place kept
    submit(campaign, None, city="Pending city", email="pending@example.org")
    rejected = submit(campaign, None, city="Rejected city")
    services.reject([rejected], moderator, "Not an action.")

    response = export(moderator_client, campaign)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="actions-4august-')
    rows = read(response)
    assert rows[0] == COLUMNS
    assert rows[1] == [
        str(london.pk),
        f"https://soliday.example/en/actions/{london.pk}/",
        "4august",
        "picket",
        "London",
        "GB",
        "51.5072",
        "-0.1276",  # a number, not quoted as a formula
        london.submitted_at.astimezone().date().isoformat(),
        "Outside the embassy.",
        "Four people with lanterns.",
        "#4august #bysoliday",
    ]
    assert rows[2][:8] == [str(letter.pk), rows[2][1], "4august", "picket", "", "", "", ""]
    assert len(rows) == 3  # pending and rejected actions are not exported
    text = "\n".join(",".join(row) for row in rows)
    for private in (
        "@example.org", "Alesia", "Pending city", "Rejected city", "Not an action", "approved",
    ):  # fmt: skip
        assert private not in text  # no personal data: not even the display name
    assert ":" not in rows[1][8]  # a date, no time of day


def test_only_the_selected_campaigns(moderator_client, campaign, approved, other_campaign):
    approved(photo=False, city="Warsaw", country="PL")
    action = submit(other_campaign, None, city="Riga", country="LV")
    services.approve([action], None)

    rows = read(export(moderator_client, other_campaign))

    assert [(row[2], row[4]) for row in rows[1:]] == [("letters", "Riga")]


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_that_look_like_formulas_are_defused(moderator_client, campaign, approved, start):
    formula = f'{start}HYPERLINK("https://evil.example","click")'
    approved(
        photo=False, city=f"{start}cmd", caption=formula, alt_text=formula, display_name=formula
    )

    row = read(export(moderator_client, campaign))[1]

    assert row[4] == f"'{start}cmd"
    assert row[9] == row[10] == f"'{formula}"


def test_the_export_is_for_moderators_only(client, editor_client, stranger, campaign, approved):
    approved(photo=False, city="Warsaw", country="PL")

    # An editor cannot reach the campaign admin at all.
    assert export(editor_client, campaign).status_code == 403
    client.logout()
    client.force_login(stranger)
    response = export(client, campaign)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_many_actions_stream_in_a_constant_number_of_queries(
    moderator_client, campaign, approved, django_assert_num_queries
):
    for number in range(30):
        approved(photo=False, city=f"City {number}", hashtags=[f"tag{number}"])
    response = export(moderator_client, campaign)

    # Streaming: 1. the approved actions with their campaigns, 2. their hashtags
    # (prefetched per chunk of 2000).
    with django_assert_num_queries(2):
        rows = read(response)
    assert len(rows) == 31
