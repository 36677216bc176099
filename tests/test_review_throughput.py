"""A moderator working through the queue by keyboard: each decision costs the same
requests and queries whether the queue holds a few actions or many."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from tests.helpers.admin import EVERY_TICK, change_form_data, change_url
from tests.helpers.images import encode, scene


def decide(client, action):
    """What a moderator does: the action's page, then "Save and approve, then next".
    Returns (requests, queries, where the browser goes next)."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(change_url(action))
        response = client.post(
            change_url(action),
            change_form_data(action, checklist=EVERY_TICK, _approve_next="1"),
        )
    assert page.status_code == 200 and response.status_code == 302
    return 2, len(queries), response["Location"]


def test_each_decision_costs_the_same_as_the_queue_grows(
    moderator_client, submitted, every_city_named
):
    # K = 1: the city is named from its first approval (a few queries more, once, in the
    # short queue), so that no later decision crosses the K threshold (a few more, once).
    for seed in range(3):
        submitted(photo=encode(scene(seed), "JPEG"))
    short = [decide(moderator_client, action) for action in Action.objects.pending()[:2]]
    for seed in range(3, 23):
        submitted(photo=encode(scene(seed), "JPEG"))

    long = [decide(moderator_client, action) for action in Action.objects.pending()[:2]]

    # Two requests a decision, and the same queries with 1 or 21 actions waiting.
    assert {requests for requests, _queries, _next in short + long} == {2}
    assert max(q for _r, q, _n in long) <= max(q for _r, q, _n in short)
    assert all(next_.startswith("/admin/actions/action/") for _r, _q, next_ in short + long)
