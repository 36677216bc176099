"""A campaign's days: the form accepts actions from its opening to its closing date; after
it, only an action without a photo, counted on the day it happened; results by day show
only the campaign's days; the demo campaign is open whenever the demo is loaded."""

import datetime

import pytest
from django.utils import timezone

from actions import demo, results, services
from actions.models import Action, ActionType, Campaign, Tally
from tests.helpers.actions import submit
from tests.helpers.pages import field_block

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def letter(**fields):
    """A letter without a photo, the box "I have no photo" ticked."""
    return {"no_photo": "on", "photo": None, "action_type": ActionType.LETTER, **fields}


def set_days(campaign, starts_on, ends_on):
    campaign.starts_on, campaign.ends_on = starts_on, ends_on
    campaign.save()
    return campaign


@pytest.fixture
def closed(campaign):
    """A campaign that ran from 20 days ago to 10 days ago."""
    return set_days(campaign, TODAY - 20 * DAY, TODAY - 10 * DAY)


def test_a_participant_sends_a_photo_while_the_campaign_is_open(participant, campaign):
    set_days(campaign, TODAY - DAY, TODAY + DAY)

    response = participant.send(campaign)

    assert response.status_code == 302
    action = Action.objects.get()
    assert action.happened_on is None  # counted on the day it was sent


def test_a_campaign_that_has_not_opened_refuses_with_its_date(participant, campaign):
    set_days(campaign, TODAY + 3 * DAY, TODAY + 9 * DAY)

    response = participant.send(campaign, caption="Our picket.")

    assert response.status_code == 200
    html = response.content.decode()
    assert "opens on" in field_block(html, "campaign")
    assert "Please send your action from that day." in html
    assert "Our picket." in html  # what was typed is kept
    assert not Action.objects.exists()


def test_a_closed_campaign_refuses_a_photo_and_says_what_still_counts(participant, closed):
    response = participant.send(closed, caption="Late picket.")

    assert response.status_code == 200
    block = field_block(response.content.decode(), "campaign")
    assert "closed on" in block
    assert "takes no more photos" in block
    assert "I have no photo of this action" in block
    assert not Action.objects.exists()


def test_a_closed_campaign_asks_for_the_day_of_an_action_without_a_photo(participant, closed):
    response = participant.send(closed, **letter())

    assert response.status_code == 200
    assert "give the day it happened below" in field_block(response.content.decode(), "happened_on")
    assert not Action.objects.exists()


def test_an_action_without_a_photo_sent_late_counts_on_the_day_it_happened(
    participant, moderator, closed, django_capture_on_commit_callbacks
):
    day = TODAY - 12 * DAY

    response = participant.send(closed, **letter(happened_on=day.isoformat()))

    assert response.status_code == 302
    action = Action.objects.get()
    assert action.happened_on == day
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([action], moderator)
    assert Tally.objects.get(campaign=closed, dimension=Tally.Dimension.DAY).key == day.isoformat()
    assert [row.key for row in results.results(closed).by_day.rows] == [day.isoformat()]


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (-25, "give a day within it"),  # before the campaign
        (-5, "give a day within it"),  # after it closed
        (1, "cannot be in the future"),
    ],
)
def test_a_day_outside_the_campaign_is_refused(participant, closed, offset, message):
    day = TODAY + offset * DAY

    response = participant.send(closed, **letter(happened_on=day.isoformat()))

    assert response.status_code == 200
    block = field_block(response.content.decode(), "happened_on")
    assert message in block
    assert day.isoformat() in block  # the day typed is kept
    assert not Action.objects.exists()


def test_a_day_that_is_not_a_date_is_refused(participant, closed):
    response = participant.send(closed, **letter(happened_on="4th of August"))

    assert response.status_code == 200
    assert "year-month-day" in field_block(response.content.decode(), "happened_on")
    assert not Action.objects.exists()


def test_a_photo_sent_late_with_a_day_is_still_refused(participant, closed):
    response = participant.send(closed, happened_on=(TODAY - 12 * DAY).isoformat())

    assert response.status_code == 200
    assert "only an action without a photo" in field_block(response.content.decode(), "campaign")
    assert not Action.objects.exists()


def test_results_by_day_show_only_the_campaigns_days(
    campaign, moderator, django_capture_on_commit_callbacks
):
    set_days(campaign, TODAY - 3 * DAY, TODAY - DAY)
    inside = submit(campaign, None, happened_on=TODAY - 2 * DAY)
    before = submit(campaign, None)  # sent today, after the campaign (a moderator's import)
    Action.objects.filter(pk=before.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=30)
    )
    after = submit(campaign, None)  # today: after the closing date
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(
            list(Action.objects.filter(pk__in=[inside.pk, before.pk, after.pk])), moderator
        )

    by_day = results.results(campaign).by_day.rows

    assert [row.key for row in by_day] == [(TODAY - 2 * DAY).isoformat()]
    assert results.results(campaign).total == 3  # the total still counts every action


def test_the_demo_campaign_is_open_on_the_day_the_demo_is_loaded(db, visitor):
    demo.load()
    campaign = Campaign.objects.get(slug=demo.CAMPAIGN["slug"])
    assert campaign.accepts(TODAY)
    # Its materials are in each language, not only English.
    page = visitor.get(f"/be/campaigns/{campaign.slug}/").content.decode()
    assert "Ліст у міністэрства (узор)" in page
    assert "Letter to the ministry" not in page
    # Loaded again a year later (the dates follow the day it is loaded).
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=TODAY - 300 * DAY)

    demo.load()

    campaign.refresh_from_db()
    assert campaign.accepts(TODAY)
    assert campaign.ends_on == TODAY + demo.OPEN_DAYS * DAY


@pytest.mark.usefixtures("every_city_named")
def test_an_action_shows_the_day_it_happened(visitor, approved, campaign):
    set_days(campaign, TODAY - 20 * DAY, None)
    action = approved(city="Riga", country="LV", happened_on=TODAY - 12 * DAY)

    page = visitor.get(action.get_absolute_url()).content.decode()
    gallery = visitor.get("/en/actions/").content.decode()

    day = (TODAY - 12 * DAY).isoformat()
    assert f'<time datetime="{day}">' in page
    assert f'<time datetime="{day}">' in gallery
