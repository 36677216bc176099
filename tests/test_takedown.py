"""Emergency takedown: every approved action matching a campaign, a country, a city or a
hashtag leaves every public surface at once, and comes back exactly when lifted."""

import datetime
import io

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions import photos, services
from actions.models import Action, MapCell, Takedown, Tally
from actions.services import takedowns
from soliday import publiccache
from tests.helpers.actions import submit
from tests.helpers.admin import messages_of
from tests.helpers.files import stored_files
from tests.helpers.images import encode, two_colour

pytestmark = pytest.mark.usefixtures("in_english", "every_city_named")

WORLD = "-180,-85,180,85"
GEOJSON = "/api/actions.geojson"


@pytest.fixture
def town(approved, campaign, other_campaign):
    """Approved actions in three cities, two campaigns and a few hashtags."""
    return {
        "warsaw": approved(
            city="Warsaw", country="PL", latitude=52.23, longitude=21.01, hashtags=["4august"]
        ),
        "warsaw2": approved(
            city="warsaw", country="PL", latitude=52.24, longitude=21.02, hashtags=["bysoliday"]
        ),
        "vilnius": approved(
            city="Vilnius", country="LT", latitude=54.69, longitude=25.28, hashtags=["bysoliday"]
        ),
        "krakow": approved(
            campaign=other_campaign,
            city="Kraków",
            country="PL",
            latitude=50.06,
            longitude=19.94,
            hashtags=["letters"],
        ),
    }


def detail(action):
    return reverse("actions:detail", args=[action.pk])


def public_ids(visitor, campaign):
    """The ids of actions each public surface shows, and the campaign's counted total."""
    gallery = visitor.get(reverse("actions:gallery")).content.decode()
    feed = visitor.get(reverse("actions:feed-campaign", kwargs={"slug": campaign.slug}))
    clusters = visitor.get(reverse("actions:map-clusters"), {"zoom": 20, "bbox": WORLD}).json()
    geojson = visitor.get(GEOJSON).json()
    return {
        "gallery": {pk for pk in Action.objects.values_list("pk", flat=True)
                    if f'href="/en/actions/{pk}/"' in gallery},
        "feed": {pk for pk in Action.objects.values_list("pk", flat=True)
                 if f"/en/actions/{pk}/" in feed.content.decode()},
        "map": {point["id"] for point in clusters["points"]},
        "geojson": {feature["id"] for feature in geojson["features"]},
        "detail": {pk for pk in Action.objects.values_list("pk", flat=True)
                   if visitor.get(f"/en/actions/{pk}/").status_code == 200},
    }  # fmt: skip


def counts():
    """Every tally and map cell with something in it: what the public pages count."""
    tallies = set(
        Tally.objects.filter(count__gt=0).values_list("campaign", "dimension", "key", "count")
    )
    cells = {
        (c.campaign_id, c.zoom, c.x, c.y, c.count, round(c.latitude_sum, 6))
        for c in MapCell.objects.filter(count__gt=0)
    }
    return tallies, cells


def total(campaign):
    row = Tally.objects.filter(campaign=campaign, dimension="total", key="").first()
    return row.count if row else 0


def public_files(media_dirs, action):
    paths = {r["path"] for r in action.renditions}
    return paths & set(stored_files(media_dirs / "media"))


def take_down(capture, moderator, **criteria):
    with capture(execute=True):
        return services.take_down(**criteria, reason="Arrests after the picket.", user=moderator)


# The service


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"campaign": "letters"}, {"krakow"}),
        ({"country": "lt"}, {"vilnius"}),
        ({"city": "WARSAW"}, {"warsaw", "warsaw2"}),
        ({"hashtag": "#BySoliday"}, {"warsaw2", "vilnius"}),
        ({"country": "PL", "hashtag": "bysoliday"}, {"warsaw2"}),
    ],
)
def test_a_takedown_hides_exactly_the_matching_actions_everywhere(
    visitor,
    town,
    campaign,
    other_campaign,
    moderator,
    media_dirs,
    django_capture_on_commit_callbacks,
    criteria,
    expected,
):
    if criteria.get("campaign"):
        criteria["campaign"] = other_campaign
    everyone = {action.pk for action in town.values()}
    before = public_ids(visitor, campaign)
    four_august = {town[name].pk for name in ("warsaw", "warsaw2", "vilnius")}
    assert before["gallery"] == before["detail"] == before["map"] == before["geojson"] == everyone
    assert before["feed"] == four_august
    totals = total(campaign), total(other_campaign)

    takedown = take_down(django_capture_on_commit_callbacks, moderator, **criteria)

    hidden = {town[name].pk for name in expected}
    assert takedown.hidden_count == len(hidden)
    assert set(Action.objects.filter(status=Action.Status.HIDDEN).values_list("pk", flat=True)) == (
        hidden
    )
    assert set(takedown.actions.values_list("pk", flat=True)) == hidden
    after = public_ids(visitor, campaign)
    for surface in ("gallery", "detail", "map", "geojson"):
        assert after[surface] == everyone - hidden, surface
    assert after["feed"] == four_august - hidden
    hidden_in = {c: len([pk for pk in hidden if Action.objects.get(pk=pk).campaign == c])
                 for c in (campaign, other_campaign)}  # fmt: skip
    assert (total(campaign), total(other_campaign)) == (
        totals[0] - hidden_in[campaign],
        totals[1] - hidden_in[other_campaign],
    )
    # The photos left public storage (for private storage); the others' stayed.
    for action in town.values():
        action.refresh_from_db()
        if action.pk in hidden:
            assert not action.renditions_public
            assert public_files(media_dirs, action) == set()
            assert {r["path"] for r in action.renditions} <= set(
                stored_files(media_dirs / "private")
            )
        else:
            assert action.status == Action.Status.APPROVED
            assert len(public_files(media_dirs, action)) == len(photos.RENDITIONS)


def test_a_takedown_is_recorded_with_who_when_and_why(
    town, moderator, django_capture_on_commit_callbacks
):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, city=" Vilnius ")

    takedown.refresh_from_db()
    assert (takedown.city, takedown.country, takedown.hashtag, takedown.campaign) == (
        "Vilnius",
        "",
        "",
        None,
    )
    assert takedown.created_by == moderator
    assert takedown.created_at is not None and takedown.is_active
    assert takedown.reason == "Arrests after the picket."
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Takedown), action_flag=ADDITION
    )
    assert entry.object_id == str(takedown.pk) and entry.user == moderator
    assert "Arrests after the picket." in entry.change_message
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Action), action_flag=CHANGE
    ).latest("pk")
    assert history.object_id == str(town["vilnius"].pk)
    assert "Arrests after the picket." in history.change_message


@pytest.mark.parametrize(
    ("criteria", "error"),
    [
        ({"reason": "Danger."}, "at least one criterion"),
        ({"city": "  ", "hashtag": "#", "reason": "Danger."}, "at least one criterion"),
        ({"city": "Minsk", "reason": "  "}, "reason"),
    ],
)
def test_a_takedown_needs_a_criterion_and_a_reason(town, moderator, criteria, error):
    with pytest.raises(services.TakedownError, match=error):
        services.take_down(user=moderator, **criteria)

    assert not Takedown.objects.exists()
    assert not Action.objects.filter(status=Action.Status.HIDDEN).exists()


def test_a_takedown_matching_nothing_hides_nothing(
    visitor, town, campaign, moderator, django_capture_on_commit_callbacks
):
    tallies = counts()

    takedown = take_down(django_capture_on_commit_callbacks, moderator, city="Minsk")

    assert takedown.hidden_count == 0
    assert counts() == tallies
    assert Action.objects.approved().count() == len(town)


def test_pending_and_rejected_actions_are_not_touched(
    town, hidden, moderator, django_capture_on_commit_callbacks
):
    pending, rejected = hidden

    take_down(django_capture_on_commit_callbacks, moderator, campaign=pending.campaign)

    pending.refresh_from_db()
    rejected.refresh_from_db()
    assert (pending.status, rejected.status) == (Action.Status.PENDING, Action.Status.REJECTED)
    assert pending.takedown is None and rejected.takedown is None


def test_a_scheduled_action_is_hidden_too(campaign, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action = submit(campaign, None, city="Vilnius", country="LT")
    Action.objects.filter(pk=action.pk).update(
        not_before=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)
    )
    services.approve([action], moderator)
    action.refresh_from_db()
    assert action.status == Action.Status.SCHEDULED

    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")

    action.refresh_from_db()
    assert action.status == Action.Status.HIDDEN and action.takedown == takedown
    assert takedown.hidden_count == 1

    # Lifted before its time, it waits for its time again.
    services.lift_takedown(takedown, user=moderator, reason="Safe again.")
    action.refresh_from_db()
    assert action.status == Action.Status.SCHEDULED
    assert not Action.objects.approved().exists()


def test_approving_a_matching_action_during_the_takedown_holds_it_back(
    visitor,
    campaign,
    moderator,
    media_dirs,
    django_capture_on_commit_callbacks,
):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, city="Vilnius")
    data = encode(two_colour(), "JPEG")
    with django_capture_on_commit_callbacks(execute=True):
        matching = submit(campaign, data, city="vilnius", country="LT")
        other = submit(campaign, data, city="Riga", country="LV")

    with django_capture_on_commit_callbacks(execute=True):
        services.approve([matching, other], moderator)

    matching.refresh_from_db()
    other.refresh_from_db()
    assert matching.status == Action.Status.HIDDEN
    assert matching.takedown == takedown
    assert not matching.renditions_public and public_files(media_dirs, matching) == set()
    assert visitor.get(detail(matching)).status_code == 404
    assert other.status == Action.Status.APPROVED
    assert total(campaign) == 1

    # Lifted: the held-back action is published as if approved now.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lift_takedown(takedown, user=moderator, reason="Safe.").released == 1
    matching.refresh_from_db()
    assert matching.status == Action.Status.APPROVED and matching.takedown is None
    assert visitor.get(detail(matching)).status_code == 200
    assert total(campaign) == 2


# Lifting


def test_lifting_republishes_and_the_counts_come_back_exactly(
    visitor, town, campaign, moderator, media_dirs, django_capture_on_commit_callbacks
):
    before_counts, before_ids = counts(), public_ids(visitor, campaign)
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="PL")
    assert counts() != before_counts

    with django_capture_on_commit_callbacks(execute=True):
        lifted = services.lift_takedown(takedown, user=moderator, reason="The danger is over.")

    assert lifted == services.Lifted(was_active=True, released=3)
    assert counts() == before_counts
    assert public_ids(visitor, campaign) == before_ids
    takedown.refresh_from_db()
    assert not takedown.is_active
    assert takedown.lifted_by == moderator
    assert takedown.lift_reason == "The danger is over."
    for action in town.values():
        action.refresh_from_db()
        assert action.status == Action.Status.APPROVED and action.takedown is None
        assert len(public_files(media_dirs, action)) == len(photos.RENDITIONS)


def test_lifting_one_of_two_overlapping_takedowns_keeps_the_actions_hidden(
    visitor, town, campaign, moderator, django_capture_on_commit_callbacks
):
    by_country = take_down(django_capture_on_commit_callbacks, moderator, country="PL")
    by_city = take_down(django_capture_on_commit_callbacks, moderator, city="Warsaw")
    assert by_city.hidden_count == 0  # already hidden by the first

    with django_capture_on_commit_callbacks(execute=True):
        lifted = services.lift_takedown(by_country, user=moderator, reason="Kraków is safe.")

    # Kraków; Warsaw stays hidden under the city's takedown
    assert lifted == services.Lifted(was_active=True, released=1, elsewhere=2)
    warsaw = Action.objects.filter(pk__in=[town["warsaw"].pk, town["warsaw2"].pk])
    assert {a.status for a in warsaw} == {Action.Status.HIDDEN}
    assert {a.takedown_id for a in warsaw} == {by_city.pk}
    assert visitor.get(detail(town["warsaw"])).status_code == 404
    assert visitor.get(detail(town["krakow"])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        assert services.lift_takedown(by_city, user=moderator, reason="Warsaw too.").released == 2
    assert Action.objects.approved().count() == len(town)


def test_lifting_twice_changes_nothing_more(town, moderator, django_capture_on_commit_callbacks):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")
    services.lift_takedown(takedown, user=moderator, reason="First.")
    lifted_at = Takedown.objects.get().lifted_at

    assert services.lift_takedown(takedown, user=moderator, reason="Second.") == services.Lifted(
        was_active=False
    )

    takedown.refresh_from_db()
    assert (takedown.lifted_at, takedown.lift_reason) == (lifted_at, "First.")
    assert Action.objects.approved().count() == len(town)


def test_lifting_needs_a_reason(town, moderator, django_capture_on_commit_callbacks):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")

    with pytest.raises(services.TakedownError):
        services.lift_takedown(takedown, user=moderator, reason=" ")

    takedown.refresh_from_db()
    assert takedown.is_active
    assert Action.objects.get(pk=town["vilnius"].pk).status == Action.Status.HIDDEN


def test_a_hidden_action_can_still_be_rejected(
    town, moderator, media_dirs, django_capture_on_commit_callbacks
):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")
    action = town["vilnius"]

    with django_capture_on_commit_callbacks(execute=True):
        services.reject([action], moderator, "Asked to be removed.", reconsider=True)

    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED
    assert stored_files(media_dirs / "private") == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lift_takedown(takedown, user=moderator, reason="Over.").released == 0
    action.refresh_from_db()
    assert action.status == Action.Status.REJECTED


def test_moving_the_files_is_idempotent_and_survives_a_missing_file(
    town, moderator, media_dirs, django_capture_on_commit_callbacks, caplog
):
    # The takedown's task after a queue outage: run by hand, twice, one file lost.
    with django_capture_on_commit_callbacks(execute=False):
        services.take_down(country="PL", reason="Danger.", user=moderator)
    warsaw, krakow = town["warsaw"], town["krakow"]
    (media_dirs / "media" / warsaw.renditions[0]["path"]).unlink()

    moved = services.hide_renditions([warsaw.pk, krakow.pk, town["vilnius"].pk])

    assert moved == [krakow.pk]  # Vilnius is public; Warsaw's lost file is logged
    assert f"hidden action {warsaw.pk}" in caplog.text
    assert services.hide_renditions([krakow.pk]) == []
    krakow.refresh_from_db()
    assert public_files(media_dirs, krakow) == set()


def test_the_retry_task_is_queued_before_a_request_cut_short_moves_the_files(
    town, moderator, media_dirs, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # On S3 hundreds of copies outlast gunicorn's timeout: the worker dies (SystemExit)
    # after the first photo. The task queued beforehand still has every action.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    moves = []

    def move_then_die(action, *args, **kwargs):
        if moves:
            raise SystemExit(1)
        moves.append(action.pk)
        return move(action, *args, **kwargs)

    move = takedowns.move_renditions
    monkeypatch.setattr(takedowns, "move_renditions", move_then_die)

    with pytest.raises(SystemExit):
        take_down(django_capture_on_commit_callbacks, moderator, country="PL")

    hidden = {town[name].pk for name in ("warsaw", "warsaw2", "krakow")}
    queued = [r for r in default_task_backend.results if r.task.name == "hide_public_renditions"]
    assert {pk for result in queued for pk in result.args[0]} == hidden
    assert len(moves) == 1
    # The worker runs the task: every file left is moved, the first one is not moved twice.
    monkeypatch.setattr(takedowns, "move_renditions", move)
    assert set(services.hide_renditions(queued[0].args[0])) == hidden - set(moves)
    for action in Action.objects.filter(pk__in=hidden):
        assert public_files(media_dirs, action) == set()


# The public cache


def test_a_takedown_is_not_served_from_a_cached_answer(
    visitor, town, moderator, django_capture_on_commit_callbacks
):
    vilnius = town["vilnius"]
    clusters = reverse("actions:map-clusters") + f"?zoom=20&bbox={WORLD}"
    first_map, first_geojson = visitor.get(clusters), visitor.get(GEOJSON)
    assert vilnius.pk in {p["id"] for p in first_map.json()["points"]}
    assert vilnius.pk in {f["id"] for f in first_geojson.json()["features"]}
    # The answers are cached: a change made behind the services' back is not seen...
    Action.objects.filter(pk=vilnius.pk).update(status=Action.Status.PENDING)
    assert visitor.get(clusters).content == first_map.content
    assert visitor.get(GEOJSON).content == first_geojson.content
    Action.objects.filter(pk=vilnius.pk).update(status=Action.Status.APPROVED)

    # ...but a takedown is, at the very next request.
    take_down(django_capture_on_commit_callbacks, moderator, city="Vilnius")

    assert vilnius.pk not in {p["id"] for p in visitor.get(clusters).json()["points"]}
    assert vilnius.pk not in {f["id"] for f in visitor.get(GEOJSON).json()["features"]}


@pytest.mark.parametrize("url", [GEOJSON, f"/en/actions/map/clusters/?zoom=3&bbox={WORLD}"])
def test_an_unchanged_answer_is_revalidated_with_a_304(
    visitor, town, moderator, url, django_capture_on_commit_callbacks
):
    response = visitor.get(url)
    etag = response["ETag"]
    assert response["Cache-Control"] == "public, no-cache"

    again = visitor.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag and again.content == b""
    assert visitor.get(url, headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    assert visitor.get(url, headers={"If-None-Match": '"other"'}).status_code == 200

    # Anything public changed: the old tag no longer matches.
    take_down(django_capture_on_commit_callbacks, moderator, country="LT")
    changed = visitor.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_etag_differs_by_path_and_bad_requests_are_not_cached(visitor, town):
    first = visitor.get(GEOJSON, {"country": "PL"})
    second = visitor.get(GEOJSON, {"country": "LT"})
    assert first["ETag"] != second["ETag"]

    bad = visitor.get(GEOJSON, {"limit": "0"})
    assert bad.status_code == 400
    assert "ETag" not in bad


def test_the_generation_starts_again_past_every_older_value(monkeypatch):
    from django.core.cache import cache

    first = publiccache.generation()
    publiccache.bump()
    assert publiccache.generation() == first + 1
    cache.delete(publiccache.GENERATION_KEY)  # evicted

    publiccache.bump()

    assert publiccache.generation() > first + 1


# The command


def run(*args):
    out = io.StringIO()
    call_command("takedown", *args, stdout=out)
    return out.getvalue()


def test_the_command_takes_down_lists_and_lifts(
    town, moderator, other_campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = run("--campaign", "letters", "--city", "kraków", "--reason", "Raids.",
                     "--user", "moderator")  # fmt: skip

    takedown = Takedown.objects.get()
    assert f"Takedown {takedown.pk}" in output and "1 actions hidden" in output
    assert takedown.created_by == moderator and takedown.campaign == other_campaign
    assert Action.objects.get(pk=town["krakow"].pk).status == Action.Status.HIDDEN

    listing = run("--list")
    assert f"{takedown.pk}\t" in listing and "active" in listing and "Raids." in listing

    with django_capture_on_commit_callbacks(execute=True):
        output = run("--lift", str(takedown.pk), "--reason", "Over.")
    assert "Lifted" in output and "1 actions released" in output
    assert Action.objects.get(pk=town["krakow"].pk).status == Action.Status.APPROVED
    assert "lifted" in run("--list")


def test_the_command_without_a_user_records_none(town, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run("--country", "LT", "--reason", "Raids.")

    takedown = Takedown.objects.get()
    assert takedown.created_by is None
    assert "command line" in run("--list")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--reason", "Raids."], "at least one criterion"),
        (["--country", "PL"], "reason"),
        (["--campaign", "nope", "--reason", "Raids."], "No campaign"),
        (["--country", "PL", "--reason", "Raids.", "--user", "nobody"], "No staff member"),
        (["--lift", "999", "--reason", "Over."], "No takedown"),
    ],
)
def test_the_command_refuses_clearly(town, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not Takedown.objects.exists()
    assert Action.objects.approved().count() == len(town)


def test_the_command_refuses_to_lift_without_a_reason(
    town, moderator, django_capture_on_commit_callbacks
):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")

    with pytest.raises(CommandError, match="reason"):
        run("--lift", str(takedown.pk))

    takedown.refresh_from_db()
    assert takedown.is_active


# The admin


TAKEDOWNS = "/admin/actions/takedown/"
ACTIONS = "/admin/actions/action/"


def test_a_moderator_takes_down_from_the_add_form(
    moderator_client, visitor, moderator, town, other_campaign, django_capture_on_commit_callbacks
):
    page = moderator_client.get(TAKEDOWNS + "add/").content.decode()
    for name in ("campaign", "country", "city", "hashtag", "reason"):
        assert f'name="{name}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            TAKEDOWNS + "add/",
            {"campaign": "", "country": "PL", "city": "", "hashtag": "", "reason": "Raids."},
            follow=True,
        )

    takedown = Takedown.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:actions_takedown_change", args=[takedown.pk]
    )
    assert "Takedown made: 3 actions are hidden." in messages_of(response)
    assert (takedown.country, takedown.created_by, takedown.hidden_count) == ("PL", moderator, 3)
    assert LogEntry.objects.filter(object_id=str(takedown.pk), action_flag=ADDITION).count() == 1
    assert visitor.get(detail(town["warsaw"])).status_code == 404
    assert visitor.get(detail(town["vilnius"])).status_code == 200
    # Its page is a record, with a way to lift it.
    content = response.content.decode()
    assert 'name="reason"' not in content
    assert "Raids." in content
    lift = reverse("admin:actions_takedown_lift", args=[takedown.pk])
    assert f'href="{lift}"' in content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "Raids."}, "campaign"),
        ({"city": "Minsk", "reason": ""}, "reason"),
        ({"country": "XX", "reason": "Raids."}, "country"),
        ({"hashtag": "x" * 102, "reason": "Raids."}, "hashtag"),
    ],
)
def test_the_add_form_refuses_bad_input(moderator_client, town, data, field):
    fields = {"campaign": "", "country": "", "city": "", "hashtag": "", **data}

    response = moderator_client.post(TAKEDOWNS + "add/", fields)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Takedown.objects.exists()
    assert Action.objects.approved().count() == len(town)


def test_a_moderator_lifts_a_takedown_from_its_page(
    moderator_client, visitor, moderator, town, django_capture_on_commit_callbacks
):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")
    lift = reverse("admin:actions_takedown_lift", args=[takedown.pk])
    assert 'name="reason"' in moderator_client.get(lift).content.decode()
    assert moderator_client.post(lift, {"reason": ""}).status_code == 200  # asked again
    assert Takedown.objects.get().is_active

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(lift, {"reason": "Safe."}, follow=True)

    assert messages_of(response) == [
        "1 takedown lifted. 1 action is public again (or waits for its publication time)."
    ]
    takedown.refresh_from_db()
    assert (takedown.lifted_by, takedown.lift_reason) == (moderator, "Safe.")
    assert visitor.get(detail(town["vilnius"])).status_code == 200
    assert f'href="{lift}"' not in response.content.decode()  # nothing left to lift


def test_lift_selected_asks_for_a_reason_then_reports(
    moderator_client, moderator, town, django_capture_on_commit_callbacks
):
    country = take_down(django_capture_on_commit_callbacks, moderator, country="PL")
    city = take_down(django_capture_on_commit_callbacks, moderator, city="Warsaw")
    lithuania = take_down(django_capture_on_commit_callbacks, moderator, country="LT")
    selected = [country.pk, lithuania.pk]

    page = moderator_client.post(
        TAKEDOWNS, {"action": "lift_selected", "_selected_action": selected, "index": 0}
    )
    assert page.templates[0].name == "admin/actions/takedown/lift.html"
    assert Takedown.objects.active().count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            TAKEDOWNS,
            {"action": "lift_selected", "_selected_action": selected, "apply": "1",
             "reason": "Over."},
            follow=True,
        )  # fmt: skip

    assert messages_of(response) == [
        "2 takedowns lifted. 2 actions are public again (or wait for their publication time).",
        "2 actions stay hidden: another active takedown matches them.",
    ]
    assert list(Takedown.objects.active()) == [city]
    assert set(city.actions.values_list("pk", flat=True)) == {
        town["warsaw"].pk,
        town["warsaw2"].pk,
    }


def test_emergency_takedown_from_the_actions_list(
    moderator_client, visitor, moderator, town, campaign, django_capture_on_commit_callbacks
):
    selected = [town["warsaw"].pk, town["warsaw2"].pk]

    page = moderator_client.post(
        ACTIONS + "?status=approved",
        {"action": "emergency_takedown", "_selected_action": selected, "index": 0},
    )

    assert page.templates[0].name == "admin/actions/action/takedown.html"
    form = page.context["form"]
    # What the two share: the campaign, the country, the city (whatever its case).
    assert form.initial == {"campaign": campaign.pk, "country": "PL", "city": "Warsaw"}
    content = page.content.decode()
    assert f'<option value="{campaign.pk}" selected>' in content
    assert Takedown.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = moderator_client.post(
            ACTIONS + "?status=approved",
            {"action": "emergency_takedown", "_selected_action": selected, "apply": "1",
             "campaign": "", "country": "PL", "city": "Warsaw", "hashtag": "",
             "reason": "Arrests in Warsaw."},
            follow=True,
        )  # fmt: skip

    takedown = Takedown.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "admin:actions_takedown_change", args=[takedown.pk]
    )
    assert (takedown.campaign, takedown.city, takedown.hidden_count) == (None, "Warsaw", 2)
    assert visitor.get(detail(town["warsaw2"])).status_code == 404
    assert visitor.get(detail(town["krakow"])).status_code == 200


def test_emergency_takedown_prefills_only_what_the_selection_shares(moderator_client, town):
    selected = [town["warsaw"].pk, town["vilnius"].pk, town["krakow"].pk]

    page = moderator_client.post(
        ACTIONS + "?status=approved",
        {"action": "emergency_takedown", "_selected_action": selected, "index": 0},
    )

    assert page.context["form"].initial == {}


def test_emergency_takedown_needs_a_criterion(moderator_client, town):
    response = moderator_client.post(
        ACTIONS + "?status=approved",
        {"action": "emergency_takedown", "_selected_action": [town["warsaw"].pk], "apply": "1",
         "campaign": "", "country": "", "city": "", "hashtag": "", "reason": "Why not."},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors["campaign"] == [
        "Give at least one criterion: a campaign, a country, a city or a hashtag."
    ]
    assert not Takedown.objects.exists()


def test_editors_and_strangers_cannot_take_down(
    client, editor, stranger, moderator, town, django_capture_on_commit_callbacks
):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")
    lift = reverse("admin:actions_takedown_lift", args=[takedown.pk])

    client.force_login(editor)
    assert client.get(TAKEDOWNS).status_code == 403
    assert client.get(TAKEDOWNS + "add/").status_code == 403
    assert client.post(TAKEDOWNS + "add/", {"country": "PL", "reason": "x"}).status_code == 403
    assert client.post(lift, {"reason": "x"}).status_code == 403
    assert client.post(
        ACTIONS, {"action": "emergency_takedown", "_selected_action": [town["warsaw"].pk],
                  "apply": "1", "country": "PL", "reason": "x"}
    ).status_code == 403  # fmt: skip

    client.force_login(stranger)
    assert client.get(TAKEDOWNS + "add/").status_code == 302  # to the admin login
    assert client.post(lift, {"reason": "x"}).status_code == 302

    assert Takedown.objects.get().is_active
    assert Takedown.objects.count() == 1
    assert Action.objects.approved().count() == len(town) - 1


def test_staff_who_may_only_view_actions_see_no_takedown_action(client, town, django_user_model):
    from django.contrib.auth.models import Permission

    viewer = django_user_model.objects.create_user(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_action"))
    client.force_login(viewer)

    page = client.get(ACTIONS + "?status=all").content.decode()
    assert "emergency_takedown" not in page
    client.post(
        ACTIONS + "?status=all",
        {"action": "emergency_takedown", "_selected_action": [town["warsaw"].pk],
         "apply": "1", "country": "PL", "reason": "x"},
    )  # fmt: skip
    assert not Takedown.objects.exists()


def test_a_takedown_is_never_edited_or_deleted(
    moderator_client, admin_client, moderator, town, django_capture_on_commit_callbacks
):
    takedown = take_down(django_capture_on_commit_callbacks, moderator, country="LT")
    change = reverse("admin:actions_takedown_change", args=[takedown.pk])

    assert moderator_client.get(change).status_code == 200
    assert moderator_client.post(change, {"country": "PL", "reason": "Changed."}).status_code == 403
    delete = reverse("admin:actions_takedown_delete", args=[takedown.pk])
    assert moderator_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403

    takedown.refresh_from_db()
    assert (takedown.country, takedown.reason) == ("LT", "Arrests after the picket.")


@pytest.mark.parametrize("count", [2, 20])
def test_the_takedown_list_runs_the_same_queries(
    moderator_client, moderator, campaign, count, django_assert_num_queries
):
    for number in range(count):
        services.take_down(campaign=campaign, city=f"City {number}", reason="x", user=moderator)
    Takedown.objects.filter(pk__in=Takedown.objects.all()[:1]).update(lifted_by=moderator)

    # 1. the session, 2. the user, 3.-4. their own and their groups' permissions, 5.-6. the
    # count (filtered, and in all), 7. the page with campaigns and users (select_related),
    # 8. whether they have set up two-factor login (soliday.twofactor).
    with django_assert_num_queries(8):
        response = moderator_client.get(TAKEDOWNS)
    assert len(response.context["cl"].result_list) == count


# Concurrency (PostgreSQL: SQLite has no row locks, and writes one at a time anyway)


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_a_takedown_ends_hidden(campaign, moderator, monkeypatch):
    import threading

    from django.db import connection

    from actions import stats

    if connection.vendor != "postgresql":
        pytest.skip("needs row locks")
    action = submit(campaign, None, city="Vilnius", country="LT")
    in_release, results = threading.Event(), {}
    publish = stats.publish

    def slow_publish(action):
        # The approval has looked for takedowns and found none: hold its transaction open
        # while the takedown runs, as a slow file copy would.
        in_release.set()
        threading.Event().wait(0.5)
        publish(action)

    monkeypatch.setattr(stats, "publish", slow_publish)

    def approve():
        try:
            results["approve"] = services.approve([action], moderator)
        finally:
            connection.close()

    def take_down():
        try:
            in_release.wait(5)
            results["takedown"] = services.take_down(country="LT", reason="Raids.", user=moderator)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve), threading.Thread(target=take_down)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    action.refresh_from_db()
    assert results["approve"].decided and in_release.is_set()
    # The takedown waited for the approval's campaign lock, then saw it and hid it.
    assert action.status == Action.Status.HIDDEN
    assert action.takedown == results["takedown"]
    assert results["takedown"].hidden_count == 1
    assert total(campaign) == 0
