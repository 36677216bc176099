"""The database fails while a participant sends the form: a 503 page in their language
says nothing was stored, the form comes back with what they typed (but the photo), and
neither a row nor a file is left behind."""

import re
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection

from actions.models import Action
from tests.helpers.files import stored_files

# Savepoints are how Django rolls back a failed statement inside the test's transaction;
# they go through, so that what the code does after the failure is what is tested.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def database_fails(when=lambda sql: True):
    """Every statement for which `when(sql)` is true fails as a lost server does."""

    def refuse(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL) and when(sql):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


def inserting_the_action(sql):
    return sql.lstrip().upper().startswith("INSERT") and "actions_action" in sql


TYPED = {
    "caption": "Ліхтары каля Нёмана",
    "alt_text": "Дванаццаць чалавек з ліхтарамі",
    "city": "Hrodna",
    "name": "Алеся",
    "email": "alesia@example.org",
    "hashtags": "#4august #свабода",
}


def checkbox_ticked(html, name):
    box = re.search(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    assert box is not None, name
    return " checked" in box.group()


def assert_refilled(html):
    for value in TYPED.values():
        assert value in html, value
    assert 'name="photo"' in html
    assert 'name="photo" value' not in html


@pytest.mark.parametrize(
    ("language", "failing", "words"),
    [
        # Down from the first statement: the campaigns cannot even be read back.
        ("be", lambda sql: True, "нічога з дасланага не захавана"),
        # Gone at the moment the row is written, after the photo reached storage.
        ("ru", inserting_the_action, "ничего из отправленного не сохранено"),
        ("en", inserting_the_action, "nothing you sent was stored"),
    ],
    ids=["down-from-the-start-be", "down-at-the-insert-ru", "down-at-the-insert-en"],
)
def test_a_participant_whose_submission_meets_a_dead_database_gets_a_503_and_their_form(
    participant, campaign, media_dirs, language, failing, words
):
    with database_fails(failing):
        response = participant.send(
            campaign, language=language, blur_faces=None, location_precision="city", **TYPED
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert words in html
    assert_refilled(html)
    assert 'name="campaign"' in html
    assert f'value="{campaign.pk}"' in html
    # "Blur faces" was left unticked: it comes back unticked; consent stays ticked.
    assert not checkbox_ticked(html, "blur_faces")
    assert checkbox_ticked(html, "consent")
    assert not Action.objects.exists()
    assert stored_files(media_dirs / "private") == []
    assert stored_files(media_dirs / "media") == []


def test_sending_the_refilled_form_again_once_the_database_is_back_stores_it_once(
    participant, campaign, media_dirs
):
    with database_fails(inserting_the_action):
        assert participant.send(campaign, **TYPED).status_code == 503

    response = participant.send(campaign, **TYPED)

    assert response.status_code == 302
    assert Action.objects.get().caption == TYPED["caption"]
    assert len(stored_files(media_dirs / "private")) == 1
