"""The moderators' desk, used as a moderator works through a campaign day's queue: the bulk
approval's confirmation, canned reasons, claims and "next pending", likely duplicates,
the keyboard-ready review page."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from actions import services
from actions.models import Action, ChecklistItem, RejectionReason
from tests.helpers.admin import EVERY_TICK, change_form_data, change_url, messages_of
from tests.helpers.images import encode, scene

CHANGELIST = "/admin/actions/action/"
NEXT = "/admin/actions/action/next/"


def post_action(client, name, actions, **extra):
    data = {"action": name, "_selected_action": [a.pk for a in actions], "index": 0, **extra}
    return client.post(CHANGELIST + "?status=pending", data, follow=True)


@pytest.fixture
def second_moderator(roles, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username="second", password="password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def previewed_on(page):
    """The ids of the photos a bulk approval's confirmation page showed, as it posts them."""
    return re.findall(r'name="previewed" value="(\d+)"', page.content.decode())


def photo(seed, **kwargs):
    return encode(scene(seed, **kwargs), "JPEG")


# The bulk approval


def test_bulk_approval_of_photos_shows_them_blurred_with_the_checklist(moderator_client, submitted):
    first, second = submitted(photo=photo(1)), submitted(photo=photo(2))

    response = post_action(moderator_client, "approve_selected", [first, second])

    page = response.content.decode()
    assert "Look at these 2 photos as they will be published" in page
    for action in (first, second):
        # The blurred display rendition, from the moderators' private view.
        assert f"/admin/actions/action/{action.pk}/photo/display/" in page
        assert f"/admin/actions/action/{action.pk}/photo/master/" not in page
        action.refresh_from_db()
        assert action.status == Action.Status.PENDING
    assert 'name="checklist"' in page


def test_bulk_approval_with_every_tick_approves_and_records_them(
    moderator_client, submitted, moderator
):
    letter, first, second = submitted(photo=False), submitted(photo=photo(1)), submitted()

    page = post_action(moderator_client, "approve_selected", [letter, first, second])
    response = post_action(
        moderator_client,
        "approve_selected",
        [letter, first, second],
        apply="1",
        checklist=EVERY_TICK,
        previewed=previewed_on(page),
    )

    assert messages_of(response) == ["3 actions approved."]
    for action in (first, second):
        action.refresh_from_db()
        assert action.status == Action.Status.APPROVED
        assert action.checklist == EVERY_TICK
    letter.refresh_from_db()
    assert letter.status == Action.Status.APPROVED
    assert letter.checklist == []
    entry = LogEntry.objects.filter(object_id=str(first.pk)).latest("pk")
    assert "Checklist not filled in" not in entry.change_message


@pytest.mark.parametrize("ticks", [[], [ChecklistItem.FACES], EVERY_TICK[:-1]])
def test_bulk_approval_without_every_tick_publishes_nothing(moderator_client, submitted, ticks):
    first, second = submitted(photo=photo(1)), submitted(photo=photo(2))

    response = post_action(
        moderator_client, "approve_selected", [first, second], apply="1", checklist=ticks
    )

    page = response.content.decode()
    assert "Tick every item to approve these photos together" in page
    # The ticks given stay ticked.
    ticked = re.findall(
        r'<input type="checkbox" name="checklist" value="(\w+)"[^>]* checked>', page
    )
    assert ticked == ticks
    for action in (first, second):
        action.refresh_from_db()
        assert action.status == Action.Status.PENDING
        assert action.renditions_public is False


def test_bulk_approval_leaves_a_photo_the_moderator_never_saw_pending(moderator_client, submitted):
    letter, shown, queued = submitted(photo=False), submitted(photo=photo(1)), submitted()
    Action.objects.filter(pk=queued.pk).update(photo_status=Action.PhotoStatus.QUEUED)
    page = post_action(moderator_client, "approve_selected", [letter, shown, queued])
    assert previewed_on(page) == [str(shown.pk)]
    # Processed while the moderator looks at the confirmation page.
    Action.objects.filter(pk=queued.pk).update(photo_status=Action.PhotoStatus.READY)

    response = post_action(
        moderator_client,
        "approve_selected",
        [letter, shown, queued],
        apply="1",
        checklist=EVERY_TICK,
        previewed=previewed_on(page),
    )

    assert messages_of(response) == [
        "2 actions approved.",
        "1 action was left pending for a look: its photo was not on the confirmation page. "
        "Open it to check it.",
    ]
    queued.refresh_from_db()
    assert queued.status == Action.Status.PENDING
    assert queued.checklist == []
    for action in (letter, shown):
        action.refresh_from_db()
        assert action.status == Action.Status.APPROVED


def test_bulk_approval_ignores_a_previewed_id_outside_the_selection(moderator_client, submitted):
    shown, elsewhere = submitted(photo=photo(1)), submitted(photo=photo(2))

    response = post_action(
        moderator_client,
        "approve_selected",
        [shown],
        apply="1",
        checklist=EVERY_TICK,
        previewed=[shown.pk, elsewhere.pk, "x"],
    )

    assert messages_of(response) == ["1 action approved."]
    elsewhere.refresh_from_db()
    assert elsewhere.status == Action.Status.PENDING


def test_bulk_approval_without_photos_needs_no_page(moderator_client, submitted):
    first, second = submitted(photo=False), submitted(photo=False)

    response = post_action(moderator_client, "approve_selected", [first, second])

    assert messages_of(response) == ["2 actions approved."]


# Canned reasons


def test_the_default_reasons_are_there_in_three_languages(db):
    duplicate = RejectionReason.objects.get(code=RejectionReason.DUPLICATE)
    assert duplicate.text("en") == "The same photo was already sent."
    assert duplicate.text("ru") == "Такое же фото уже было прислано."
    assert duplicate.text("be") == "Такое ж фота ўжо было дасланае."


def test_a_canned_reason_is_mailed_in_the_participants_language(
    moderator_client, submitted, django_capture_on_commit_callbacks
):
    action = submitted(email="p@example.org", language="ru")
    quality = RejectionReason.objects.get(code="quality")

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            f"/admin/actions/action/{action.pk}/reject/",
            {"canned": quality.pk, "reason": "Попробуйте при дневном свете."},
            follow=True,
        )

    assert "1 action rejected." in messages_of(response)
    action.refresh_from_db()
    assert action.canned_reason == quality
    assert action.rejection_reason == "Попробуйте при дневном свете."
    body = mail.outbox[-1].body
    assert quality.text_ru in body
    assert "Попробуйте при дневном свете." in body


def test_a_rejection_needs_a_canned_reason_or_words(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        f"/admin/actions/action/{action.pk}/reject/", {"canned": "", "reason": "  "}
    )

    assert "Pick a reason or write one." in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_an_unknown_canned_reason_is_an_error(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        f"/admin/actions/action/{action.pk}/reject/", {"canned": "999999", "reason": "Mine"}
    )

    assert "Select a valid choice" in response.content.decode()
    # What was typed is kept.
    assert "Mine" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.PENDING


def test_an_administrator_edits_the_reasons(admin_client):
    response = admin_client.post(
        "/admin/actions/rejectionreason/add/",
        {
            "code": "blurred-text",
            "text_en": "The poster cannot be read.",
            "text_be": "Плакат немагчыма прачытаць.",
            "text_ru": "Плакат невозможно прочитать.",
            "position": 60,
            "active": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert RejectionReason.objects.get(code="blurred-text").text("be") == (
        "Плакат немагчыма прачытаць."
    )


# The review page: decide and go on


def test_reject_with_a_canned_reason_on_the_page_goes_to_the_next(moderator_client, submitted):
    first, second = submitted(photo=photo(1)), submitted(photo=photo(2))
    faces = RejectionReason.objects.get(code="faces")

    response = moderator_client.post(
        change_url(first), change_form_data(first, _canned=faces.pk, _reject="1")
    )

    # Straight to the next one, claimed for this moderator.
    assert response.status_code == 302
    assert response["Location"] == change_url(second)
    first.refresh_from_db()
    assert first.status == Action.Status.REJECTED
    assert first.canned_reason == faces
    second.refresh_from_db()
    assert second.claimed_by is not None


def test_reject_on_the_page_without_a_reason_asks_for_one(moderator_client, submitted):
    action = submitted()

    response = moderator_client.post(
        change_url(action), change_form_data(action, caption="Edited", _reject="1")
    )

    assert response["Location"] == f"/admin/actions/action/{action.pk}/reject/"
    action.refresh_from_db()
    assert action.caption == "Edited"  # the edit is kept
    assert action.status == Action.Status.PENDING


def test_approve_then_next(moderator_client, submitted):
    first, second = submitted(photo=photo(1)), submitted(photo=photo(2))

    response = moderator_client.post(
        change_url(first), change_form_data(first, checklist=EVERY_TICK, _approve_next="1")
    )

    assert response["Location"] == change_url(second)
    first.refresh_from_db()
    assert first.status == Action.Status.APPROVED
    assert first.claimed_by is None


def test_the_review_page_has_keys_and_loads_the_next_photo_ahead(moderator_client, submitted):
    first, second = submitted(photo=photo(1)), submitted(photo=photo(2))

    page = moderator_client.get(change_url(first)).content.decode()

    assert 'accesskey="a"' in page
    assert 'accesskey="n"' in page
    assert "js/review.js" in page
    assert f'<link rel="prefetch" href="/admin/actions/action/{second.pk}/photo/display/"' in page
    for reason in RejectionReason.objects.offered():
        assert escape(reason.text_en) in page


def test_the_review_page_runs_the_same_queries_whatever_the_queue(
    moderator_client, submitted, django_assert_max_num_queries
):
    action = submitted(photo=photo(1))
    for seed in range(2, 4):
        submitted(photo=photo(seed))
    # Session, user, permissions, the action, its hashtags, the claim, the next action,
    # the reasons, the duplicates, the form's campaigns and history count: ~20, not per row.
    with django_assert_max_num_queries(30) as few:
        moderator_client.get(change_url(action))
    for seed in range(4, 24):
        submitted(photo=photo(seed))
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get(change_url(action))


def test_next_with_an_empty_queue_says_so(moderator_client, submitted):
    response = moderator_client.get(NEXT, follow=True)

    assert messages_of(response) == [
        "No pending action is waiting: all are decided or being reviewed by others."
    ]


# Claims


def test_opening_an_action_claims_it_and_another_moderator_sees_who(
    client, moderator, second_moderator, submitted
):
    action = submitted()
    client.force_login(moderator)
    client.get(change_url(action))

    client.force_login(second_moderator)
    page = client.get(change_url(action)).content.decode()

    assert "moderator is reviewing this action" in page
    action.refresh_from_db()
    assert action.claimed_by == moderator  # the second did not take it over


def test_next_pending_skips_what_another_moderator_holds(
    client, moderator, second_moderator, submitted
):
    first, second = submitted(photo=photo(1)), submitted(photo=photo(2))
    client.force_login(moderator)
    assert client.get(NEXT)["Location"] == change_url(first)

    client.force_login(second_moderator)

    assert client.get(NEXT)["Location"] == change_url(second)


def test_an_expired_claim_is_free_again(client, moderator, second_moderator, submitted):
    action = submitted()
    services.claim(action, moderator)
    Action.objects.filter(pk=action.pk).update(
        claimed_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    client.force_login(second_moderator)

    assert client.get(NEXT)["Location"] == change_url(action)
    action.refresh_from_db()
    assert action.claimed_by == second_moderator


def test_the_page_renews_the_claim(moderator_client, moderator, submitted):
    action = submitted()
    moderator_client.get(change_url(action))
    Action.objects.filter(pk=action.pk).update(claimed_until=timezone.now())

    response = moderator_client.post(f"/admin/actions/action/{action.pk}/claim/")

    assert response.json()["claimed"] is True
    action.refresh_from_db()
    assert action.claimed_until > timezone.now() + datetime.timedelta(seconds=200)


def test_leaving_with_next_releases_the_claim(moderator_client, moderator, submitted):
    first, second = submitted(photo=photo(1)), submitted(photo=photo(2))
    moderator_client.get(change_url(first))

    response = moderator_client.get(f"{NEXT}?after={first.pk}")

    assert response["Location"] == change_url(second)
    first.refresh_from_db()
    assert first.claimed_by is None


def test_the_list_shows_who_reviews_what(moderator_client, moderator, submitted):
    action = submitted()
    services.claim(action, moderator)

    page = moderator_client.get(CHANGELIST + "?status=pending").content.decode()

    assert "moderator is reviewing it" in page


def test_a_claim_on_a_decided_action_is_refused(moderator, submitted):
    action = submitted(photo=False)
    services.approve([action], moderator)

    assert services.claim(action, moderator) is False


# Likely duplicates


def test_the_same_photo_sent_again_is_a_likely_duplicate(submitted):
    original = submitted(photo=photo(7))
    # The same picture, smaller and more compressed, as a phone app might send it again.
    again = submitted(photo=encode(scene(7).resize((320, 240)), "JPEG", quality=60))
    different = submitted(photo=photo(8))

    again.refresh_from_db()
    different.refresh_from_db()
    assert len(original.photo_hash) == 16
    assert again.duplicate_of == original
    assert different.duplicate_of is None


def test_duplicates_only_within_a_campaign(submitted, other_campaign):
    submitted(photo=photo(7))

    elsewhere = submitted(photo=photo(7), campaign=other_campaign)

    assert elsewhere.duplicate_of is None


def test_the_change_page_and_filter_show_duplicates(moderator_client, submitted):
    original, again = submitted(photo=photo(7)), submitted(photo=photo(7))
    single = submitted(photo=photo(8))

    page = moderator_client.get(change_url(again)).content.decode()
    listed = moderator_client.get(CHANGELIST + "?status=all&duplicate=yes").content.decode()

    assert change_url(original) in page
    assert 'name="_reject_duplicate"' in page
    assert change_url(original) in listed and change_url(again) in listed
    assert change_url(single) not in listed


def test_one_click_reject_as_duplicate(moderator_client, submitted):
    original = submitted(photo=photo(7))
    again = submitted(photo=photo(7))

    response = moderator_client.post(
        change_url(again), change_form_data(again, _reject_duplicate="1")
    )

    assert response["Location"] == change_url(original)
    again.refresh_from_db()
    assert again.status == Action.Status.REJECTED
    assert again.canned_reason.code == RejectionReason.DUPLICATE


def test_the_last_decision_goes_back_to_the_empty_queue(moderator_client, submitted):
    action = submitted(photo=False)

    response = moderator_client.post(
        change_url(action), change_form_data(action, _approve_next="1")
    )

    assert response["Location"] == CHANGELIST + "?status=pending"


def test_the_bulk_approval_page_runs_the_same_queries_for_2_and_20_photos(
    moderator_client, submitted, django_assert_max_num_queries
):
    actions = [submitted(photo=photo(seed)) for seed in range(2)]
    with django_assert_max_num_queries(30) as few:
        post_action(moderator_client, "approve_selected", actions)
    actions += [submitted(photo=photo(seed)) for seed in range(2, 20)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        post_action(moderator_client, "approve_selected", actions)
