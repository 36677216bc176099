"""One hashtag rule for every way in: the form, the admin, the filters and takedowns.

The same hashtag typed differently on each path must be one hashtag, so that a
takedown by hashtag finds every action that carries it.
"""

import pytest
from django.urls import reverse

from actions import hashtags, services
from actions.models import Action, Takedown
from tests.helpers.admin import change_form_data, change_url


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("4august", "4august"),
        ("#4August", "4august"),
        (" #4AUGUST ", "4august"),
        ("-4august-", "4august"),
        ("＃４ａｕｇｕｓｔ", "4august"),  # full-width, as some phone keyboards type
        ("#4Августа", "4августа"),
        ("#", ""),
        ("", ""),
    ],
)
def test_one_normaliser(typed, stored):
    assert hashtags.normalise(typed) == stored


def test_the_admin_field_and_the_form_check_the_same_way():
    with pytest.raises(Exception, match="at most 50"):
        hashtags.check(["x" * 51])
    with pytest.raises(Exception, match="letters, digits"):
        hashtags.check(["a+b"])
    assert hashtags.check(["4august", "free-belarus", "by_soliday"])


def test_a_hashtag_typed_three_ways_is_taken_down_by_a_fourth(
    participant, visitor, moderator_client, moderator, campaign, submitted,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # A participant types it in the form: full-width digit, capitals, a trailing dash.
    with django_capture_on_commit_callbacks(execute=True):
        response = participant.send(campaign, city="Vilnius", country="LT", hashtags="#４AUGUST-")
    assert response.status_code == 302, response.context["form"].errors
    from_form = Action.objects.get()
    # Another one, whose hashtag a moderator corrects in the admin: a leading dash.
    from_admin = submitted(city="Vilnius", country="LT", hashtags=["other"])
    response = moderator_client.post(
        change_url(from_admin), change_form_data(from_admin, hashtags="-4August")
    )
    assert response.status_code == 302
    for action in (from_form, from_admin):
        assert [tag.name for tag in action.hashtags.all()] == ["4august"]
    with django_capture_on_commit_callbacks(execute=True):
        services.approve([from_form, from_admin], moderator)

    # A visitor filters by it, typed a third way: both are found.
    gallery = visitor.get(reverse("actions:gallery"), {"tag": "＃４august"})
    assert {action.pk for action in gallery.context["page"]} == {from_form.pk, from_admin.pk}

    # A moderator takes it down, typed a fourth way: both are hidden.
    response = moderator_client.post(
        reverse("admin:actions_takedown_add"),
        {"campaign": "", "country": "", "city": "", "hashtag": "#4AUGUST", "reason": "Raids."},
    )
    assert response.status_code == 302
    takedown = Takedown.objects.get()
    assert takedown.hashtag == "4august"
    assert takedown.hidden_count == 2
    assert not Action.objects.public().exists()
