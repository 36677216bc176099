"""Reports from the public: a visitor reports a public photo ("I am in this photo"), the
report waits at the top of the moderators' queue, and a moderator hides the photo with one
click, then rejects it or keeps it."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache

from actions import services
from actions.models import Action, Report
from tests.helpers.actions import assert_nothing_private
from tests.helpers.admin import messages_of

CHANGELIST = "/admin/actions/action/?status=pending"


@pytest.fixture
def public_action(approved):
    return approved()


def report_url(action, language="en"):
    return f"/{language}/actions/{action.pk}/report/"


def report_data(**fields):
    data = {
        "reason": Report.Reason.IN_PHOTO,
        "details": "I am the woman on the left; my employer must not see this.",
        "contact": "me@example.org",
        "website": "",
        **fields,
    }
    return {key: value for key, value in data.items() if value is not None}


# The visitor


def test_every_public_action_page_offers_a_report(visitor, public_action):
    page = visitor.get(f"/en/actions/{public_action.pk}/").content.decode()

    assert "Report this photo / I am in this photo" in page
    assert report_url(public_action) in page


@pytest.mark.parametrize("language", ["en", "be", "ru"])
def test_the_report_form_in_three_languages(visitor, public_action, language):
    response = visitor.get(report_url(public_action, language))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = response.content.decode()
    for reason in Report.Reason.values:
        assert f'value="{reason}"' in page


def test_a_visitor_reports_a_photo_and_is_told_what_happens_next(visitor, public_action):
    response = visitor.post(report_url(public_action), report_data(), follow=True)

    page = response.content.decode()
    assert "Thank you for your report" in page
    assert "A report does not remove the photo by itself" in page
    report = Report.objects.get()
    assert report.action == public_action
    assert report.reason == Report.Reason.IN_PHOTO
    assert report.contact == "me@example.org"
    # Reporting hides nothing by itself: the photo stays public until a moderator acts.
    public_action.refresh_from_db()
    assert public_action.status == Action.Status.APPROVED


def test_a_report_without_a_reason_keeps_what_was_typed(visitor, public_action):
    response = visitor.post(report_url(public_action), report_data(reason=None))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose what is wrong with the photo." in page
    assert "I am the woman on the left" in page
    assert "me@example.org" in page
    assert not Report.objects.exists()


def test_something_else_needs_words(visitor, public_action):
    response = visitor.post(
        report_url(public_action), report_data(reason=Report.Reason.OTHER, details="  ")
    )

    assert "Tell us what is wrong, so that a moderator can act." in response.content.decode()
    assert not Report.objects.exists()


def test_an_unknown_reason_is_an_error(visitor, public_action):
    response = visitor.post(report_url(public_action), report_data(reason="spite"))

    assert "Select a valid choice" in response.content.decode()
    assert not Report.objects.exists()


def test_only_public_actions_can_be_reported(visitor, hidden):
    pending, rejected = hidden
    for action in (pending, rejected):
        assert visitor.get(report_url(action)).status_code == 404
        assert visitor.post(report_url(action), report_data()).status_code == 404
    assert not Report.objects.exists()


def test_a_robot_filling_the_trap_stores_nothing(visitor, public_action):
    response = visitor.post(report_url(public_action), report_data(website="http://spam"))

    assert response.status_code == 302
    assert not Report.objects.exists()


def test_reports_are_rate_limited_without_storing_the_address(visitor, public_action, settings):
    settings.ACTIONS_REPORT_RATE_LIMIT = 2
    cache.clear()
    for _ in range(2):
        visitor.post(report_url(public_action), report_data())

    response = visitor.post(report_url(public_action), report_data())

    assert response.status_code == 429
    assert Report.objects.count() == 2
    assert "127.0.0.1" not in str(list(Report.objects.values()))


# The moderator


def test_reports_are_at_the_top_of_the_queue_with_their_reason(
    moderator_client, public_action, visitor
):
    visitor.post(report_url(public_action), report_data())

    page = moderator_client.get(CHANGELIST).content.decode()

    assert 'id="reports-queue"' in page
    assert page.index('id="reports-queue"') < page.index('id="changelist"')
    assert "I am in this photo and I want it removed" in page
    assert 'value="hide_now"' in page


def test_the_queue_runs_the_same_queries_for_2_and_20_reports(
    moderator_client, public_action, django_assert_max_num_queries
):
    for _ in range(2):
        Report.objects.create(action=public_action, reason=Report.Reason.DANGER)
    with django_assert_max_num_queries(40) as few:
        moderator_client.get(CHANGELIST)
    for _ in range(18):
        Report.objects.create(action=public_action, reason=Report.Reason.DANGER)
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get(CHANGELIST)


def test_the_action_page_shows_its_open_reports(moderator_client, public_action, visitor):
    visitor.post(report_url(public_action), report_data())

    page = moderator_client.get(f"/admin/actions/action/{public_action.pk}/change/")

    text = page.content.decode()
    assert "I am in this photo and I want it removed" in text
    assert "I am the woman on the left" in text


def test_hide_it_now_in_one_click(moderator_client, public_action, visitor):
    visitor.post(report_url(public_action), report_data())
    report = Report.objects.get()

    response = moderator_client.post(
        "/admin/actions/report/",
        {"action": "hide_now", "_selected_action": [report.pk], "index": 0},
        follow=True,
    )

    assert messages_of(response) == [
        "1 action is hidden from every public page; reject it or keep it."
    ]
    public_action.refresh_from_db()
    assert public_action.status == Action.Status.HIDDEN
    assert public_action.renditions_public is False
    assert visitor.get(public_action.get_absolute_url()).status_code == 404
    gallery = visitor.get("/en/actions/").content.decode()
    assert_nothing_private(gallery, public_action)
    report.refresh_from_db()
    assert report.resolved_at is None  # hidden pending a decision


def test_hiding_an_action_a_takedown_hid_keeps_it_hidden_when_the_takedown_is_lifted(
    moderator_client, moderator, public_action, visitor, django_capture_on_commit_callbacks
):
    visitor.post(report_url(public_action), report_data())
    report = Report.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        takedown = services.take_down(
            campaign=public_action.campaign, reason="Arrests after the picket.", user=moderator
        )
    public_action.refresh_from_db()
    assert public_action.takedown == takedown

    response = moderator_client.post(
        "/admin/actions/report/",
        {"action": "hide_now", "_selected_action": [report.pk], "index": 0},
        follow=True,
    )
    assert messages_of(response) == [
        "1 action is hidden from every public page; reject it or keep it."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.lift_takedown(takedown, user=moderator, reason="Safe again.")

    public_action.refresh_from_db()
    assert public_action.status == Action.Status.HIDDEN
    assert public_action.takedown is None
    assert visitor.get(public_action.get_absolute_url()).status_code == 404
    assert LogEntry.objects.filter(
        object_id=str(public_action.pk),
        change_message__contains="lifting the takedown no longer brings it back",
    ).exists()
    # Kept by the moderator, it is public again.
    with django_capture_on_commit_callbacks(execute=True):
        services.keep([public_action.pk], moderator)
    public_action.refresh_from_db()
    assert public_action.status == Action.Status.APPROVED


def test_rejecting_a_hidden_action_closes_its_reports(moderator_client, public_action):
    report = Report.objects.create(
        action=public_action, reason=Report.Reason.DANGER, details="Me", contact="me@example.org"
    )
    moderator_client.post(
        "/admin/actions/report/",
        {"action": "hide_now", "_selected_action": [report.pk], "index": 0},
    )

    moderator_client.post(
        f"/admin/actions/action/{public_action.pk}/reject/",
        {"reason": "Puts the person at risk.", "status_seen": Action.Status.HIDDEN},
    )

    public_action.refresh_from_db()
    assert public_action.status == Action.Status.REJECTED
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert report.outcome == "Rejected"
    # What the reporter wrote and their contact go with the decision.
    assert (report.details, report.contact) == ("", "")


def test_keeping_the_photo_makes_it_public_again(moderator_client, public_action, visitor):
    report = Report.objects.create(action=public_action, reason=Report.Reason.OFFENSIVE)
    moderator_client.post(
        "/admin/actions/report/",
        {"action": "hide_now", "_selected_action": [report.pk], "index": 0},
    )

    response = moderator_client.post(
        "/admin/actions/report/",
        {"action": "keep_public", "_selected_action": [report.pk], "index": 0},
        follow=True,
    )

    assert "Reports closed for 1 action; it stays public." in messages_of(response)
    public_action.refresh_from_db()
    assert public_action.status == Action.Status.APPROVED
    assert visitor.get(public_action.get_absolute_url()).status_code == 200
    report.refresh_from_db()
    assert report.resolved_at is not None


def test_an_editor_sees_no_reports(editor_client, public_action):
    Report.objects.create(action=public_action, reason=Report.Reason.DANGER)

    assert editor_client.get("/admin/actions/report/").status_code == 403


def test_the_reports_list_runs_the_same_queries_for_2_and_20_reports(
    moderator_client, approved, django_assert_max_num_queries
):
    actions = [approved(photo=False) for _ in range(2)]
    for action in actions:
        Report.objects.create(action=action, reason=Report.Reason.DANGER)
    with django_assert_max_num_queries(30) as few:
        moderator_client.get("/admin/actions/report/")
    for index in range(18):
        Report.objects.create(action=actions[index % 2], reason=Report.Reason.PRIVATE)
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get("/admin/actions/report/")
