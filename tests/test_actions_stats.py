"""Campaign results follow every decision: approve, unpublish, edit, delete, rebuild."""

from actions import geo, services, stats
from actions.models import Action, MapCell, Tally
from soliday import countries
from tests.helpers.actions import submit
from tests.helpers.admin import change_form_data, change_url

D = Tally.Dimension


def tallies(campaign):
    return {
        (t.dimension, t.key): t.count
        for t in Tally.objects.filter(campaign=campaign).exclude(count=0)
    }


def cells(campaign):
    return {
        (c.zoom, c.x, c.y): (c.count, round(c.latitude_sum, 4), round(c.longitude_sum, 4))
        for c in MapCell.objects.filter(campaign=campaign).exclude(count=0)
    }


def test_approving_counts_the_action_everywhere(campaign, approved, settings):
    # What is counted, not the K threshold (tests/test_k_threshold.py): every city shown.
    settings.ACTIONS_MIN_CITY_COUNT = 1
    action = approved(photo=False, city="Warsaw", country="PL", latitude=52.23, longitude=21.01)
    approved(
        photo=False,
        city="Warsaw",
        country="PL",
        latitude=52.24,
        longitude=21.02,
        hashtags=["4august"],
    )
    # A town the gazetteer does not know: no point is stored.
    approved(
        photo=False,
        city="Testowo",
        country="PL",
        latitude=None,
        longitude=None,
        action_type="letter",
    )

    counts = tallies(campaign)
    day = action.submitted_at.astimezone().date().isoformat()
    assert counts[(D.TOTAL, "")] == 3
    assert counts[(D.COUNTRY, "PL")] == 3
    assert counts[(D.CITY, stats.city_key("PL", "Warsaw"))] == 2
    assert counts[(D.CITY, stats.city_key("PL", "Testowo"))] == 1
    assert counts[(D.TYPE, "picket")] == 2
    assert counts[(D.TYPE, "letter")] == 1
    assert counts[(D.HASHTAG, "4august")] == 3
    assert counts[(D.HASHTAG, "4августа")] == 2
    assert counts[(D.DAY, day)] == 3
    # Two located actions and one without a point, at its country's centre: one cell
    # per zoom holds all three at world scale.
    world = cells(campaign)[(0, *geo.cell(52.23, 21.01, 0))]
    lat, lon = countries.centre("PL")
    assert world == (3, round(52.23 + 52.24 + lat, 4), round(21.01 + 21.02 + lon, 4))
    assert {zoom for zoom, _x, _y in cells(campaign)} == set(range(geo.MAX_CELL_ZOOM + 1))


def test_pending_and_rejected_actions_count_nowhere(campaign, moderator):
    submit(campaign, None)
    rejected = submit(campaign, None)
    services.reject([rejected], moderator, "Blurry")

    assert tallies(campaign) == {}
    assert cells(campaign) == {}


def test_unpublishing_takes_back_exactly_what_was_counted(campaign, approved, moderator):
    keep = approved(photo=False, city="Riga", country="LV")
    before = (tallies(campaign), cells(campaign))
    action = approved(photo=False, city="Warsaw", country="PL", hashtags=["bysoliday"])

    services.reject([action], moderator, "Identifiable faces", reconsider=True)

    assert (tallies(campaign), cells(campaign)) == before
    action.refresh_from_db()
    assert action.counted == {}
    assert keep.counted


def test_deleting_an_approved_action_takes_it_out(campaign, approved):
    approved(photo=False, city="Riga", country="LV")
    before = tallies(campaign)
    action = approved(photo=False, city="Oslo", country="NO")

    services.delete_action(action)

    assert tallies(campaign) == before


def test_a_moderator_edit_of_a_public_action_moves_its_counts(campaign, approved, moderator_client):
    action = approved(photo=False, city="Vilnius", country="LT", hashtags=["4august"])
    data = change_form_data(
        action,
        action_type="rally",
        city="Kaunas",
        country="LT",
        latitude=54.9,
        longitude=23.9,
        hashtags="bysoliday",
        display_name="",
    )

    response = moderator_client.post(change_url(action), data)

    assert response.status_code == 302
    counts = tallies(campaign)
    assert (D.CITY, stats.city_key("LT", "Vilnius")) not in counts
    assert counts[(D.CITY, stats.city_key("LT", "Kaunas"))] == 1
    assert counts[(D.TYPE, "rally")] == 1
    assert (D.TYPE, "picket") not in counts
    assert counts[(D.HASHTAG, "bysoliday")] == 1
    assert (D.HASHTAG, "4august") not in counts
    assert cells(campaign)[(0, *geo.cell(54.9, 23.9, 0))][0] == 1


def test_rebuild_gives_what_the_decisions_counted(campaign, approved, moderator):
    approved(photo=False, city="Warsaw", country="PL", latitude=52.2, longitude=21.0)
    approved(photo=False, city="Riga", country="LV", latitude=56.9, longitude=24.1, hashtags=["x"])
    approved(photo=False, city="Paris", country="FR", latitude=None, longitude=None)
    services.reject([submit(campaign, None)], moderator, "no")
    expected = (tallies(campaign), cells(campaign))
    counted = dict(Action.objects.values_list("pk", "counted"))

    assert stats.rebuild() == 3

    assert (tallies(campaign), cells(campaign)) == expected
    assert dict(Action.objects.values_list("pk", "counted")) == counted


def test_cells_split_the_world_like_map_tiles():
    assert geo.cell(0, 0, 0) == (2, 2)
    assert geo.cell(85.1, -180, 0) == (0, 0)
    assert geo.cell(-89, 179.999, 0) == (3, 3)
    x, y = geo.cell(52.23, 21.01, 10)
    assert (x // geo.CELLS_PER_TILE, y // geo.CELLS_PER_TILE) == (571, 337)
    # The cells of every zoom at once (what rebuild() uses) are the same.
    for point in [(0, 0), (85.1, -180), (-89, 179.999), (52.23, 21.01), (-90, 180), (90, -180)]:
        zooms = range(geo.MAX_CELL_ZOOM + 1)
        assert geo.cells_of(*point) == [[z, *geo.cell(*point, z)] for z in zooms]
