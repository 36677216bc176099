"""Moderation in the admin, used the way a member of Moderators uses it."""

import datetime
import logging
import re
import smtplib

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actions import services
from actions.models import Action, ActionType, ChecklistItem, LocationPrecision
from actions.services import mail as participant_mail
from tests.helpers.actions import submit
from tests.helpers.admin import (
    EVERY_TICK,
    approve_on_page,
    change_form_data,
    change_url,
    messages_of,
)
from tests.helpers.files import stored_files
from tests.helpers.images import jpeg_with_everything

CHANGELIST = "/admin/actions/action/"


def post_action(client, name, actions, url=CHANGELIST + "?status=pending", **extra):
    data = {"action": name, "_selected_action": [a.pk for a in actions], "index": 0, **extra}
    return client.post(url, data, follow=True)


# The queue


def test_the_list_opens_on_the_pending_queue_oldest_first(moderator_client, submitted):
    old = submitted(city="Warsaw")
    new = submitted(city="Berlin")
    decided = submitted(city="Prague")
    Action.objects.filter(pk=decided.pk).update(status=Action.Status.APPROVED)

    response = moderator_client.get(CHANGELIST)
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST + "?status=pending"

    response = moderator_client.get(response["Location"])
    assert list(response.context["cl"].result_list) == [old, new]


def test_all_and_other_filters_are_not_redirected(moderator_client, submitted):
    pending = submitted(city="Warsaw")
    approved = submitted(city="Prague")
    Action.objects.filter(pk=approved.pk).update(status=Action.Status.APPROVED)

    response = moderator_client.get(CHANGELIST + "?status=all")
    assert set(response.context["cl"].result_list) == {pending, approved}

    response = moderator_client.get(CHANGELIST + "?status=approved")
    assert list(response.context["cl"].result_list) == [approved]


@pytest.mark.parametrize(
    ("query", "expected_city"),
    [
        ("country=PL", "Warsaw"),
        ("action_type__exact=letter", "Berlin"),
        ("photo_status__exact=none", "Berlin"),
        ("campaign__id__exact={other}", "Berlin"),
    ],
)
def test_filters(moderator_client, submitted, other_campaign, query, expected_city):
    submitted(city="Warsaw", country="PL")
    submitted(photo=False, city="Berlin", country="DE", action_type=ActionType.LETTER,
                campaign=other_campaign)  # fmt: skip

    response = moderator_client.get(
        f"{CHANGELIST}?status=all&{query.format(other=other_campaign.pk)}"
    )

    assert [a.city for a in response.context["cl"].result_list] == [expected_city]


def test_submitted_date_filter(moderator_client, submitted):
    submitted(city="Warsaw")

    response = moderator_client.get(
        CHANGELIST, {"status": "all", "submitted_at__gte": "2999-01-01 00:00:00+00:00"}
    )

    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("term", ["Gdańsk", "lantern", "#4августа", "4АВГУСТА", "bysoliday"])
def test_search_by_city_caption_and_hashtag(moderator_client, submitted, term):
    found = submitted(city="Gdańsk", caption="A lantern walk.", hashtags=["4августа", "bysoliday"])
    submitted(city="Riga", caption="Posters.", hashtags=["letters"])

    response = moderator_client.get(CHANGELIST, {"status": "all", "q": term})

    assert list(response.context["cl"].result_list) == [found]


def test_the_list_shows_thumbnails_from_the_private_view(moderator_client, submitted):
    action = submitted()

    response = moderator_client.get(CHANGELIST + "?status=pending")

    thumb = reverse("admin:actions_action_photo", args=[action.pk, "thumb"])
    assert f'src="{thumb}"' in response.content.decode()
    assert moderator_client.get(thumb).status_code == 200


def test_the_list_runs_the_same_queries_for_2_and_20_actions(moderator_client, submitted):
    def queries():
        with CaptureQueriesContext(connection) as context:
            response = moderator_client.get(CHANGELIST + "?status=all")
        assert response.status_code == 200
        return len(context)

    for _ in range(2):
        submitted(hashtags=["a", "b"])
    two = queries()
    for _ in range(18):
        submitted(hashtags=["a", "b"])
    # Session, user, the count, the page of actions with campaigns (select_related), their
    # hashtags (one prefetch), and the filters' choices: none of it grows with the page.
    assert queries() == two


def test_the_admin_index_shows_the_pending_count(moderator_client, submitted):
    submitted()
    submitted()
    approved = submitted()
    Action.objects.filter(pk=approved.pk).update(status=Action.Status.APPROVED)

    response = moderator_client.get("/admin/")

    assert "2 actions are waiting for moderation." in response.content.decode()


def test_an_editor_sees_no_pending_count(editor_client, submitted):
    submitted()

    response = editor_client.get("/admin/")

    assert response.status_code == 200
    assert "waiting for moderation" not in response.content.decode()


# Private photos


@pytest.mark.parametrize("name", ["thumb", "display", "share", "master"])
def test_moderators_see_pending_photos_privately(moderator_client, submitted, name):
    action = submitted()

    response = moderator_client.get(reverse("admin:actions_action_photo", args=[action.pk, name]))

    assert response.status_code == 200
    # The unblurred master is never kept; a blurred rendition stays a few minutes in the
    # moderator's browser, so that the review page can load the next photo ahead.
    expected = "private, no-store" if name == "master" else "private, max-age=300"
    assert response["Cache-Control"] == expected
    assert response["Content-Type"] in ("image/webp", "image/jpeg")


@pytest.mark.parametrize("who", ["anonymous", "stranger", "editor"])
def test_nobody_else_reaches_a_pending_photo(client, submitted, stranger, editor, who):
    action = submitted()
    if who == "stranger":
        client.force_login(stranger)
    elif who == "editor":
        client.force_login(editor)

    for name in ["thumb", "display", "share", "master", "nonsense"]:
        url = reverse("admin:actions_action_photo", args=[action.pk, name])
        assert client.get(url).status_code == 404


def test_a_pending_photo_is_not_under_the_media_url(client, submitted, media_dirs, settings):
    action = submitted()

    assert stored_files(media_dirs / "media") == []
    for rendition in action.renditions:
        assert client.get(settings.MEDIA_URL + rendition["path"]).status_code == 404


def test_an_unknown_action_photo_is_404_for_moderators(moderator_client, submitted, media_dirs):
    url = reverse("admin:actions_action_photo", args=[9999, "thumb"])
    assert moderator_client.get(url).status_code == 404

    action = submitted()
    (media_dirs / "private" / action.rendition("thumb")["path"]).unlink()
    url = reverse("admin:actions_action_photo", args=[action.pk, "thumb"])
    assert moderator_client.get(url).status_code == 404
    letter = submitted(photo=False)
    url = reverse("admin:actions_action_photo", args=[letter.pk, "master"])
    assert moderator_client.get(url).status_code == 404


def test_approved_photos_come_from_the_public_storage(moderator_client, submitted):
    action = submitted()
    approve_on_page(moderator_client, action)
    action.refresh_from_db()

    content = moderator_client.get(CHANGELIST + "?status=approved").content.decode()
    assert f'src="/media/{action.rendition("thumb")["path"]}"' in content
    response = moderator_client.get(
        reverse("admin:actions_action_photo", args=[action.pk, "share"])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


# Deciding in bulk


def test_approve_selected(moderator_client, moderator, submitted, media_dirs):
    first, second = submitted(photo=False), submitted(photo=False)

    response = post_action(moderator_client, "approve_selected", [first, second])

    assert "2 actions approved." in messages_of(response)
    for action in (first, second):
        action.refresh_from_db()
        assert action.status == Action.Status.APPROVED
        assert action.moderated_by == moderator
        assert action.checklist == []  # no photo, nothing to check


def test_approve_selected_reports_what_it_refused(moderator_client, submitted):
    letter = submitted(photo=False)
    failed = submitted()
    Action.objects.filter(pk=failed.pk).update(photo_status=Action.PhotoStatus.FAILED)

    response = post_action(moderator_client, "approve_selected", [letter, failed])

    assert messages_of(response) == [
        "1 action approved.",
        "1 action was not approved: its photo is still being processed or processing failed.",
    ]
    failed.refresh_from_db()
    assert failed.status == Action.Status.PENDING


def test_reject_selected_asks_for_a_reason_first(moderator_client, submitted):
    action = submitted()

    response = post_action(moderator_client, "reject_selected", [action])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/actions/action/reject.html"
    assert 'name="reason"' in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_reject_selected_needs_a_reason(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        CHANGELIST + "?status=pending",
        {"action": "reject_selected", "_selected_action": [action.pk], "apply": "1", "reason": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_reject_selected_with_a_reason(moderator_client, moderator, submitted):
    first, second = submitted(), submitted()

    response = moderator_client.post(
        CHANGELIST + "?status=pending",
        {
            "action": "reject_selected",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "reason": "The photo shows faces.",
        },
        follow=True,
    )

    assert "2 actions rejected." in messages_of(response)
    for action in (first, second):
        action.refresh_from_db()
        assert action.status == Action.Status.REJECTED
        assert action.rejection_reason == "The photo shows faces."
        assert action.moderated_by == moderator
    entry = LogEntry.objects.get(object_id=str(first.pk))
    assert entry.change_message == "Rejected: The photo shows faces."


def test_an_action_decided_meanwhile_is_skipped(moderator_client, submitted, django_user_model):
    action = submitted()
    other = django_user_model.objects.create_user(username="other", is_staff=True)
    services.reject([action], other, "Spam.")

    response = post_action(
        moderator_client, "approve_selected", [action], CHANGELIST + "?status=all"
    )

    assert "1 action was skipped: another decision was made first." in messages_of(response)
    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED
    assert action.moderated_by == other


def test_a_failed_photo_shows_its_error_on_the_change_page(moderator_client, submitted):
    action = submitted()
    Action.objects.filter(pk=action.pk).update(
        photo_status=Action.PhotoStatus.FAILED,
        processing_attempts=4,
        processing_error="OSError: <b>disk</b>",
    )

    content = moderator_client.get(change_url(action)).content.decode()

    assert "4 attempts; last error: OSError: &lt;b&gt;disk&lt;/b&gt;" in content


def test_retry_processing_with_nothing_to_retry(moderator_client, submitted):
    action = submitted()

    response = post_action(moderator_client, "retry_processing", [action])

    assert "0 photos queued for processing again." in messages_of(response)


def test_retry_processing_from_the_list(
    moderator_client, submitted, monkeypatch, django_capture_on_commit_callbacks
):
    from actions import photos

    monkeypatch.setattr(photos, "render", lambda master: (_ for _ in ()).throw(OSError("down")))
    action = submitted()
    assert action.photo_status == Action.PhotoStatus.FAILED
    monkeypatch.undo()

    response = moderator_client.get(CHANGELIST + "?status=all&photo_status__exact=failed")
    assert list(response.context["cl"].result_list) == [action]
    assert "Processing failed" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(moderator_client, "retry_processing", [action])

    assert "1 photo queued for processing again." in messages_of(response)
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.READY


# The change page


def test_the_change_page_shows_the_email_and_the_buttons(moderator_client, submitted):
    action = submitted(email="participant@example.org")

    content = moderator_client.get(change_url(action)).content.decode()

    assert "participant@example.org" in content
    assert 'name="_approve"' in content
    assert 'name="_reject"' in content
    assert reverse("admin:actions_action_photo", args=[action.pk, "display"]) in content


def test_view_on_site_only_for_an_approved_action(moderator_client, moderator, submitted):
    pending = submitted()
    approved = submitted()
    services.approve(Action.objects.filter(pk=approved.pk), moderator)

    pending_page = moderator_client.get(change_url(pending)).content.decode()
    approved_page = moderator_client.get(change_url(approved)).content.decode()

    assert "viewsitelink" not in pending_page
    assert "viewsitelink" in approved_page


def test_edit_then_approve_in_one_click(moderator_client, moderator, submitted, media_dirs):
    action = submitted(caption="Lantrens", city="Vilnus")

    response = moderator_client.post(
        change_url(action),
        change_form_data(
            action,
            caption="Lanterns.",
            alt_text="A lantern on a bridge.",
            city="Vilnius",
            country="LT",
            latitude="54.69",
            longitude="25.28",
            hashtags="#4August, #BySoliday",
            checklist=EVERY_TICK,
            _approve="1",
        ),
        follow=True,
    )

    assert "1 action approved." in messages_of(response)
    action.refresh_from_db()
    assert (action.caption, action.alt_text, action.city) == (
        "Lanterns.",
        "A lantern on a bridge.",
        "Vilnius",
    )
    assert (action.latitude, action.longitude) == (54.69, 25.28)
    assert sorted(t.name for t in action.hashtags.all()) == ["4august", "bysoliday"]
    assert action.status == Action.Status.APPROVED
    assert action.moderated_by == moderator
    history = moderator_client.get(reverse("admin:actions_action_history", args=[action.pk]))
    content = history.content.decode()
    assert "Approved." in content
    assert "Changed" in content  # the edit is in the history too


def test_a_bad_edit_approves_nothing(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        change_url(action), change_form_data(action, latitude="91", _approve="1")
    )

    assert response.status_code == 200
    assert "latitude" in response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_approving_a_photo_still_processing_is_refused(moderator_client, campaign, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    action = submit(campaign, jpeg_with_everything())

    response = moderator_client.post(
        change_url(action), change_form_data(action, _approve="1"), follow=True
    )

    assert (
        "1 action was not approved: its photo is still being processed or processing failed."
        in messages_of(response)
    )
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_reject_button_saves_then_asks_for_the_reason(moderator_client, moderator, submitted):
    action = submitted(caption="Original.")

    response = moderator_client.post(
        change_url(action), change_form_data(action, caption="Edited.", _reject="1")
    )

    reject_url = reverse("admin:actions_action_reject", args=[action.pk])
    assert response["Location"] == reject_url
    page = moderator_client.get(reject_url)
    assert 'name="reason"' in page.content.decode()

    response = moderator_client.post(
        reject_url, {"reason": "Not an action.", "status_seen": "pending"}, follow=True
    )

    assert "1 action rejected." in messages_of(response)
    action.refresh_from_db()
    assert action.caption == "Edited."
    assert action.status == Action.Status.REJECTED
    assert action.rejection_reason == "Not an action."
    assert action.moderated_by == moderator


def test_rejecting_an_approved_action_unpublishes_it(
    moderator_client, submitted, media_dirs, django_capture_on_commit_callbacks
):
    action = submitted()
    with django_capture_on_commit_callbacks(execute=True):
        approve_on_page(moderator_client, action)
    assert stored_files(media_dirs / "media") != []

    page = moderator_client.get(change_url(action)).content.decode()
    assert "reject and unpublish" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            reverse("admin:actions_action_reject", args=[action.pk]),
            {"reason": "Asked to be removed.", "status_seen": "approved"},
            follow=True,
        )

    assert "1 action rejected." in messages_of(response)
    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED
    assert stored_files(media_dirs / "media") == []


def test_a_rejected_action_can_be_approved_after_all(moderator_client, submitted):
    action = submitted(photo=False)
    services.reject([action], None, "Mistake.")
    action.refresh_from_db()
    assert 'name="_approve"' in moderator_client.get(change_url(action)).content.decode()

    response = moderator_client.post(
        change_url(action), change_form_data(action, _approve="1"), follow=True
    )

    assert "1 action approved." in messages_of(response)
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert action.rejection_reason == ""


def test_a_rejected_photo_is_deleted_so_it_cannot_be_approved_after_all(
    moderator_client, submitted
):
    action = submitted()
    services.reject([action], None, "Mistake.")
    action.refresh_from_db()
    assert action.photo_status == Action.PhotoStatus.REMOVED

    page = moderator_client.get(change_url(action)).content.decode()
    assert 'name="_approve"' not in page
    assert "The photo was deleted when the action was rejected" in page

    # A form sent anyway (an old tab) approves nothing and says why.
    response = moderator_client.post(
        change_url(action), change_form_data(action, _approve="1"), follow=True
    )

    assert "1 action was not approved: its photo was deleted when it was rejected." in messages_of(
        response
    )
    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED


def test_html_in_participant_text_is_shown_as_text(moderator_client, submitted):
    script = "<script>alert('x')</script>"
    action = submitted(caption=script, city="<b>Minsk</b>", alt_text=script)

    for url in [CHANGELIST + "?status=pending", change_url(action)]:
        content = moderator_client.get(url).content.decode()
        assert script not in content
        assert "<b>Minsk</b>" not in content
        assert "&lt;script&gt;" in content


def test_moderators_cannot_add_or_delete_actions(moderator_client, submitted):
    action = submitted()

    assert moderator_client.get("/admin/actions/action/add/").status_code == 403
    delete = reverse("admin:actions_action_delete", args=[action.pk])
    assert moderator_client.get(delete).status_code == 403


def test_staff_who_may_only_view_cannot_decide(client, submitted, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_action"))
    client.force_login(viewer)
    action = submitted()

    reject = reverse("admin:actions_action_reject", args=[action.pk])
    assert client.get(reject).status_code == 403
    assert client.post(reject, {"reason": "x"}).status_code == 403
    assert client.get(reverse("admin:actions_action_reject", args=[999])).status_code == 404
    page = client.get(change_url(action)).content.decode()
    assert 'name="_approve"' not in page
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_an_administrator_deletes_an_action_with_its_files(
    admin_client, submitted, media_dirs, django_capture_on_commit_callbacks
):
    first, second, third = submitted(), submitted(), submitted()
    assert stored_files(media_dirs / "private") != []

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:actions_action_delete", args=[first.pk]), {"post": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        post_action(admin_client, "delete_selected", [second, third], post="yes")

    assert Action.objects.count() == 0
    assert stored_files(media_dirs / "private") == []


def test_strangers_have_no_admin(client, stranger, submitted):
    action = submitted()
    client.force_login(stranger)

    assert client.get(change_url(action)).status_code == 302  # to the admin login
    reject = reverse("admin:actions_action_reject", args=[action.pk])
    assert client.post(reject, {"reason": "x"}).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


# The checklist


def test_a_pending_action_page_has_the_checklist(moderator_client, submitted):
    action = submitted()

    page = moderator_client.get(change_url(action)).content.decode()

    for item in ChecklistItem:
        assert f'type="checkbox" name="checklist" value="{item.value}"' in page
        assert str(item.label) in page


def test_the_ticks_given_are_recorded_even_when_some_are_missing(moderator_client, submitted):
    action = submitted(caption="Before.")

    moderator_client.post(
        change_url(action),
        change_form_data(action, caption="After.", checklist=["faces", "plates"], _approve="1"),
    )

    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert action.caption == "After."
    assert action.checklist == ["faces", "plates"]
    entry = LogEntry.objects.filter(object_id=str(action.pk)).latest("pk")
    assert entry.change_message == (
        "Approved. Checked: Every face is blurred, or no one can be recognised; "
        "No licence plate can be read."
    )


def test_the_ticks_are_recorded_with_the_approval(moderator_client, moderator, submitted):
    action = submitted()

    response = approve_on_page(moderator_client, action)

    assert "1 action approved." in messages_of(response)
    action.refresh_from_db()
    assert action.checklist == EVERY_TICK
    entry = LogEntry.objects.filter(object_id=str(action.pk)).latest("pk")
    assert entry.change_message.startswith("Approved. Checked: Every face is blurred")
    # Decided: the ticks are shown, no longer asked.
    page = moderator_client.get(change_url(action)).content.decode()
    assert 'name="checklist"' not in page
    assert '<ul class="recorded-checklist"><li>Every face is blurred' in page


def test_an_action_without_a_photo_is_approved_without_ticks(moderator_client, submitted):
    letter = submitted(photo=False)

    response = moderator_client.post(
        change_url(letter), change_form_data(letter, _approve="1"), follow=True
    )

    assert "1 action approved." in messages_of(response)
    letter.refresh_from_db()
    assert letter.status == Action.Status.APPROVED and letter.checklist == []


def test_an_unknown_tick_is_an_error(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        change_url(action),
        change_form_data(action, checklist=[*EVERY_TICK, "nonsense"], _approve="1"),
    )

    assert "checklist" in response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_the_ticks_go_with_the_reject_button_to_the_reject_page(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        change_url(action), change_form_data(action, checklist=["children", "faces"], _reject="1")
    )

    reject_url = reverse("admin:actions_action_reject", args=[action.pk])
    assert response["Location"] == reject_url + "?checklist=faces&checklist=children"
    page = moderator_client.get(response["Location"]).content.decode()
    assert 'name="checklist" value="faces" id="id_checklist_0" checked' in page
    assert 'name="checklist" value="plates" id="id_checklist_2" checked' not in page
    assert "<legend>Checklist</legend>" in page

    moderator_client.post(
        reject_url,
        {"reason": "A child is recognisable.", "status_seen": "pending", "checklist": ["faces"]},
    )

    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED
    assert action.checklist == ["faces"]
    entry = LogEntry.objects.filter(object_id=str(action.pk)).latest("pk")
    assert entry.change_message == (
        "Rejected: A child is recognisable. Checked: Every face is blurred, or no one can be "
        "recognised."
    )


# Statuses


def test_the_new_statuses_have_filters(moderator_client, submitted):
    actions = {status: submitted(city=f"City {status}") for status in
               ("scheduled", "hidden", "withdrawn")}  # fmt: skip
    for status, action in actions.items():
        Action.objects.filter(pk=action.pk).update(status=status)

    for status, action in actions.items():
        response = moderator_client.get(CHANGELIST, {"status": status})
        assert list(response.context["cl"].result_list) == [action]
    page = moderator_client.get(CHANGELIST, {"status": "all"}).content.decode()
    assert "Taken down" in page and "Withdrawn by the participant" in page


def test_a_scheduled_action_shows_its_time_and_can_be_rejected(moderator_client, submitted):
    action = submitted(photo=False)
    Action.objects.filter(pk=action.pk).update(
        status=Action.Status.SCHEDULED,
        not_before=datetime.datetime(2030, 8, 5, 18, 0, tzinfo=datetime.UTC),
    )

    page = moderator_client.get(change_url(action)).content.decode()

    assert "publish not before" in page.lower()
    assert "2030" in page
    assert 'name="_approve"' not in page
    assert 'name="_reject"' in page
    assert "viewsitelink" not in page


def test_a_withdrawn_action_is_read_only(moderator_client, submitted):
    action = submitted(photo=False, caption="Their words.")
    Action.objects.filter(pk=action.pk).update(status=Action.Status.WITHDRAWN, caption="")

    response = moderator_client.get(change_url(action))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="caption"' not in page
    assert 'name="_approve"' not in page and 'name="_reject"' not in page
    assert moderator_client.post(change_url(action), change_form_data(action)).status_code == 403
    reject = reverse("admin:actions_action_reject", args=[action.pk])
    assert moderator_client.post(reject, {"reason": "x"}).status_code == 403


# The place, never more precise than the participant's choice


def test_an_exact_point_is_rounded_as_the_form_rounds_it(moderator_client, submitted):
    action = submitted(photo=False, location_precision="exact")

    moderator_client.post(
        change_url(action),
        change_form_data(action, latitude="54.123456789", longitude="25.987654321"),
    )

    action.refresh_from_db()
    assert (action.latitude, action.longitude) == (54.12346, 25.98765)


def test_a_point_given_for_1_km_is_stored_as_its_cell(moderator_client, submitted):
    from actions.location import km_cell_centre

    action = submitted(photo=False, location_precision="km")

    moderator_client.post(
        change_url(action), change_form_data(action, latitude="54.6872", longitude="25.2797")
    )

    action.refresh_from_db()
    expected = tuple(round(v, 5) for v in km_cell_centre(54.6872, 25.2797))
    assert (action.latitude, action.longitude) == expected
    assert (action.latitude, action.longitude) != (54.6872, 25.2797)


def test_for_a_city_the_point_follows_the_city_and_cannot_be_typed(moderator_client, submitted):
    from actions import gazetteer

    action = submitted(photo=False, location_precision="city", city="Vilnus", country="LT")
    page = moderator_client.get(change_url(action)).content.decode()
    assert re.search(r'<input[^>]*name="latitude"[^>]*disabled', page)

    moderator_client.post(
        change_url(action),
        change_form_data(action, city="Kaunas", latitude="54.9999", longitude="23.9999"),
    )

    action.refresh_from_db()
    kaunas = gazetteer.find("Kaunas", "LT")
    assert action.city == "Kaunas"
    assert (action.latitude, action.longitude) == (
        round(kaunas.latitude, 5),
        round(kaunas.longitude, 5),
    )


@pytest.mark.parametrize(
    ("precision", "sent", "stored"),
    [
        ("country", {"city": "Minsk", "country": "BY"}, ("", "BY", None)),
        ("none", {"city": "Minsk", "country": "BY", "latitude": "53.9"}, ("", "", None)),
    ],
)
def test_a_coarse_choice_keeps_no_city_or_point(
    moderator_client, submitted, precision, sent, stored
):
    action = submitted(photo=False, location_precision=precision)

    response = moderator_client.post(change_url(action), change_form_data(action, **sent))

    assert response.status_code == 302, response.context["adminform"].form.errors
    action.refresh_from_db()
    assert (action.city, action.country, action.latitude) == stored


def test_half_a_point_is_an_error(moderator_client, submitted):
    action = submitted(photo=False)

    response = moderator_client.post(change_url(action), change_form_data(action, longitude=""))

    assert "longitude" in response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.longitude is not None


# The face-box tool


def test_the_face_box_tool_is_loaded_only_while_the_boxes_can_change(
    moderator_client, moderator, submitted
):
    action = submitted()

    page = moderator_client.get(change_url(action)).content.decode()

    master = reverse("admin:actions_action_photo", args=[action.pk, "master"])
    textarea = re.search(r"<textarea[^>]*data-face-boxes[^>]*>", page).group(0)
    assert f'data-photo-url="{master}"' in textarea
    assert 'data-photo-width="640"' in textarea and 'data-photo-height="480"' in textarea
    assert 'data-text-remove="Remove the selected box"' in textarea
    assert 'src="/static/js/face_boxes.js"' in page
    assert 'href="/static/css/admin_faces.css"' in page
    assert " style=" not in textarea and "<script>" not in page.split("</head>")[1]

    services.approve([action], moderator, checklist=EVERY_TICK)
    page = moderator_client.get(change_url(action)).content.decode()
    assert "data-face-boxes" not in page
    assert "face_boxes.js" not in page


# Mail to the participant


def test_approval_mail_in_the_participants_language(
    moderator_client, submitted, settings, django_capture_on_commit_callbacks
):
    action = submitted(email="participant@example.org", language="be")

    with django_capture_on_commit_callbacks(execute=True):
        approve_on_page(moderator_client, action)

    [message] = mail.outbox
    assert message.to == ["participant@example.org"]
    with translation.override("be"):
        link = settings.SITE_URL + action.get_absolute_url()
    assert "/be/" in link
    assert link in message.body
    assert "Дзень салідарнасці з Беларуссю" in message.body  # the campaign, in Belarusian


def test_rejection_mail_has_the_reason(
    moderator_client, submitted, django_capture_on_commit_callbacks
):
    action = submitted(email="participant@example.org", language="ru")

    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(
            CHANGELIST + "?status=pending",
            {
                "action": "reject_selected",
                "_selected_action": [action.pk],
                "apply": "1",
                "reason": "На фото видны лица.",
            },
        )

    [message] = mail.outbox
    assert "На фото видны лица." in message.body
    assert "День солидарности с Беларусью" in message.body  # the campaign, in Russian
    assert "http" not in message.body  # nothing to link to


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_mail_for_an_action_without_a_city_names_no_city(
    moderator, submitted, decision, django_capture_on_commit_callbacks
):
    action = submitted(email="participant@example.org", photo=False)
    Action.objects.filter(pk=action.pk).update(
        city="", location_precision=LocationPrecision.COUNTRY
    )

    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            services.approve([action], moderator)
        else:
            services.reject([action], moderator, "Not an action.")

    [message] = mail.outbox
    assert "Thank you for your action (Day of Solidarity with Belarus)." in message.body
    assert " in  (" not in message.body


def test_no_email_no_mail(
    moderator_client, submitted, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(participant_mail, "send_decision_mail", sent.append)
    action = submitted(email="")

    with django_capture_on_commit_callbacks(execute=True):
        response = approve_on_page(moderator_client, action)

    assert "1 action approved." in messages_of(response)
    assert sent == []  # not even tried
    assert mail.outbox == []


def test_a_mail_failure_does_not_block_moderation(
    moderator_client, submitted, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refused(*args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"participant@example.org": (550, b"No such user")})

    monkeypatch.setattr(participant_mail, "send_mail", refused)
    action = submitted(email="participant@example.org")

    with (
        caplog.at_level(logging.WARNING, logger="actions.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = approve_on_page(moderator_client, action)

    assert "1 action approved." in messages_of(response)
    assert "Could not send the decision mail" in caplog.text
    action.refresh_from_db()
    assert action.status == Action.Status.APPROVED
    assert f"action {action.pk}" in caplog.text
    assert "participant@example.org" not in caplog.text


# Campaigns


def test_campaign_admin_edits_names_types_and_hashtags(moderator_client, campaign):
    url = reverse("admin:actions_campaign_change", args=[campaign.pk])
    page = moderator_client.get(url).content.decode()
    assert 'type="checkbox" name="action_types" value="picket"' in page

    response = moderator_client.post(
        url,
        {
            "name_en": "Day of Solidarity with Belarus",
            "name_be": "Дзень салідарнасці з Беларуссю",
            "name_ru": "День солидарности с Беларусью",
            "slug": campaign.slug,
            "description_en": "",
            "description_be": "",
            "description_ru": "",
            "hashtags": "#4August #4Августа",
            "action_types": ["letter", "rally"],
            "starts_on": "2026-08-04",
            "ends_on": "",
            "is_active": "on",
            # The inlines (ways to take part, materials), left empty.
            "ideas-TOTAL_FORMS": 0,
            "ideas-INITIAL_FORMS": 0,
            "materials-TOTAL_FORMS": 0,
            "materials-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.action_types == ["letter", "rally"]
    assert sorted(t.name for t in campaign.hashtags.all()) == ["4august", "4августа"]


def test_an_overlong_hashtag_is_an_error_beside_the_field(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        change_url(action), change_form_data(action, hashtags="x" * 101)
    )

    assert "hashtags" in response.context["adminform"].form.errors
    action.refresh_from_db()
    assert sorted(t.name for t in action.hashtags.all()) == ["4august", "4августа"]


def test_campaign_list_counts_pending_actions(moderator_client, submitted):
    submitted()

    response = moderator_client.get("/admin/actions/campaign/")

    [row] = response.context["cl"].result_list
    assert row.pending == 1
