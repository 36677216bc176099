"""The queue at a glance (admin index, list columns) and the admin's titles in Russian and
Belarusian, as a moderator sees them."""

import datetime
import re

import pytest
from django.utils import timezone

from actions import services
from actions.models import Action
from tests.helpers.admin import change_url

CHANGELIST = "/admin/actions/action/"
NEXT = "/admin/actions/action/next/"


# The queue at a glance


def test_the_admin_index_shows_the_queue_at_a_glance(moderator_client, moderator, submitted):
    waiting = submitted(photo=False)
    decided = [submitted(photo=False) for _ in range(3)]
    Action.objects.filter(pk=waiting.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(hours=2, minutes=5)
    )
    services.approve(decided, moderator)
    # Decided 4, 10 and 30 minutes after they were sent: the median is 10 minutes.
    for action, minutes in zip(decided, (4, 10, 30), strict=True):
        Action.objects.filter(pk=action.pk).update(
            submitted_at=timezone.now() - datetime.timedelta(minutes=minutes),
            moderated_at=timezone.now(),
        )

    page = moderator_client.get("/admin/").content.decode()

    assert "1 action is waiting for moderation." in page
    assert "The oldest has waited 2\xa0hours" in page
    assert "median time to a decision: 10 min 00 s" in page
    assert "0 open reports" in page
    assert NEXT in page


def test_the_admin_index_runs_the_same_queries_for_2_and_20_actions(
    moderator_client, moderator, submitted, django_assert_max_num_queries
):
    for _ in range(2):
        services.approve([submitted(photo=False)], moderator)
    with django_assert_max_num_queries(30) as few:
        moderator_client.get("/admin/")
    for _ in range(18):
        services.approve([submitted(photo=False)], moderator)
        submitted(photo=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        moderator_client.get("/admin/")


def test_the_list_fits_its_columns(moderator_client, submitted):
    submitted(hashtags=["4august", "bysoliday"])

    page = moderator_client.get(CHANGELIST + "?status=pending").content.decode()

    # Country under the action, hashtags under the caption, the wait under the date:
    # fewer, narrower columns.
    for column in ("summary", "short_caption", "status_column", "photo_status", "submitted"):
        assert re.search(rf'<th scope="col" class="[^"]*column-{column}\b', page)
    assert "column-country_name" not in page
    assert "column-hashtag_list" not in page
    assert re.search(r"waiting \d+\xa0minutes?", page)


# Russian and Belarusian admin grammar


@pytest.mark.parametrize(
    ("language", "listed", "changed"),
    [
        ("ru", "Выберите акцию для изменения", "Изменить акцию"),
        ("be", "Выберыце акцыю для змены", "Змяніць акцыю"),
        ("en", "Select action to change", "Change action"),
    ],
)
def test_admin_titles_in_the_right_case(moderator_client, submitted, language, listed, changed):
    action = submitted(photo=False)
    moderator_client.cookies["django_language"] = language

    listing = moderator_client.get(CHANGELIST + "?status=pending").content.decode()
    page = moderator_client.get(change_url(action)).content.decode()

    assert f"<h1>{listed}</h1>" in listing
    assert f"<h1>{changed}</h1>" in page
    assert "Выберите акция" not in listing and "Изменить акция" not in page


@pytest.mark.parametrize(
    ("language", "app", "model"),
    [("ru", "Фоновые задачи", "Результаты задач"), ("be", "Фонавыя задачы", "Вынікі задач")],
)
def test_the_task_tables_are_named_in_the_language(admin_client, language, app, model):
    admin_client.cookies["django_language"] = language

    page = admin_client.get("/admin/").content.decode()

    assert app in page and model in page
    assert "Tasks Database Backend" not in page and "Task Results" not in page


@pytest.mark.parametrize(
    ("language", "title", "add"),
    [
        ("ru", "Выберите кампанию для изменения", "Добавить кампанию"),
        ("be", "Выберыце кампанію для змены", "Дадаць кампанію"),
    ],
)
def test_an_administrator_sees_campaign_titles_in_the_right_case(
    admin_client, language, title, add
):
    admin_client.cookies["django_language"] = language

    page = admin_client.get("/admin/actions/campaign/").content.decode()

    assert f"<h1>{title}</h1>" in page
    assert add in page
    assert "Добавить кампания" not in page and "Дадаць кампанія" not in page
