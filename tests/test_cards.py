"""Cards of actions and articles are rendered once for what they show (soliday.fragments):
a visitor after an approval gets the same cards from the cache, never one out of date."""

import re

import pytest
from django.urls import reverse

from actions import services
from actions.models import Action
from soliday import fragments
from tests.helpers.news import make_article

pytestmark = pytest.mark.usefixtures("in_english", "every_city_named")


def card_texts(response):
    return re.findall(r'<div class="action-card">.*?</div>', response.content.decode(), re.S)


@pytest.fixture
def rendered(monkeypatch):
    """How many cards were rendered from the template (not taken from the cache)."""
    count = []
    real = fragments.get_template

    class Counting:
        def __init__(self, backend):
            self.backend, self.template = backend, backend.template

        def render(self, context):
            count.append((context.get("action") or context["article"]).pk)
            return self.backend.render(context)

    monkeypatch.setattr(fragments, "get_template", lambda name: Counting(real(name)))
    return count


def test_a_visitor_gets_cards_rendered_once(visitor, approved, rendered):
    first, second = approved(city="Vilnius", country="LT"), approved(city="Riga", country="LV")
    gallery = reverse("actions:gallery")

    page = visitor.get(gallery)
    assert sorted(rendered) == sorted([first.pk, second.pk])
    again = visitor.get(gallery)

    assert sorted(rendered) == sorted([first.pk, second.pk])  # nothing rendered again
    assert card_texts(again) == card_texts(page)
    assert "Vilnius" in again.content.decode() and "Riga" in again.content.decode()


def test_an_approval_renders_only_the_new_card(visitor, approved, rendered):
    first = approved(city="Vilnius", country="LT")
    visitor.get(reverse("actions:gallery"))
    second = approved(city="Riga", country="LV")

    response = visitor.get(reverse("actions:gallery"))

    assert rendered == [first.pk, second.pk]
    assert len(card_texts(response)) == 2


def test_a_changed_action_gets_a_new_card_at_once(visitor, approved, moderator):
    action = approved(city="Vilnius", country="LT", hashtags=["4august"], alt_text="Lanterns")
    gallery = reverse("actions:gallery")
    assert "#4august" in visitor.get(gallery).content.decode()

    action.hashtags.set(["bysoliday"])
    Action.objects.filter(pk=action.pk).update(alt_text="Posters on a fence")
    page = visitor.get(gallery).content.decode()

    assert "#bysoliday" in page and "#4august" not in page
    assert 'alt="Posters on a fence"' in page and "Lanterns" not in page


def test_a_city_named_later_shows_on_its_card(visitor, approved, settings):
    settings.ACTIONS_MIN_CITY_COUNT = 2
    approved(city="Hrodna", country="BY")
    gallery = reverse("actions:gallery")
    assert "Hrodna" not in visitor.get(gallery).content.decode()

    approved(city="Hrodna", country="BY")  # the second action names the city on both cards

    assert visitor.get(gallery).content.decode().count("Hrodna, Belarus") == 2


def test_each_language_has_its_own_cards(visitor, approved):
    approved(city="Warsaw", country="PL", hashtags=["4august"])

    english = card_texts(visitor.get("/en/actions/"))[0]
    russian = card_texts(visitor.get("/ru/actions/"))[0]

    assert "Warsaw, Poland" in english and 'href="/en/actions/' in english
    assert "Варшава, Польша" in russian and 'href="/ru/actions/' in russian


def test_a_taken_down_action_leaves_the_gallery_though_its_card_is_cached(
    visitor, approved, moderator, django_capture_on_commit_callbacks
):
    kept, hidden = approved(city="Vilnius", country="LT"), approved(city="Riga", country="LV")
    visitor.get(reverse("actions:gallery"))

    with django_capture_on_commit_callbacks(execute=True):
        services.reject([hidden], moderator, reason="Shows a face.", reconsider=True)
    page = visitor.get(reverse("actions:gallery")).content.decode()

    assert "Riga" not in page and "Vilnius" in page
    assert len(card_texts(visitor.get(reverse("actions:gallery")))) == 1
    assert kept.pk != hidden.pk


def test_a_visitor_gets_article_cards_rendered_once_and_never_stale(db, visitor, rendered):
    first, second = make_article(title="Lanterns in Vilnius"), make_article(title="Letters")
    visitor.get("/en/news/")
    assert sorted(rendered) == sorted([first.pk, second.pk])

    first.title = "Lanterns along the Neris"
    first.save()
    page = visitor.get("/en/news/").content.decode()

    assert ">Lanterns along the Neris</a>" in page and ">Lanterns in Vilnius</a>" not in page
    assert sorted(rendered) == sorted([first.pk, second.pk, first.pk])  # only the edited one


def test_a_visitor_gets_the_cards_when_the_cache_is_down(visitor, approved, monkeypatch):
    approved(city="Vilnius", country="LT")

    class Down:
        def get_many(self, keys):
            raise ConnectionError("the cache is down")

        set_many = get_many

    monkeypatch.setattr(fragments, "cache", Down())
    response = visitor.get(reverse("actions:gallery"))

    assert response.status_code == 200
    assert len(card_texts(response)) == 1 and "Vilnius" in response.content.decode()


def test_a_deploy_with_other_translations_gives_every_card_a_new_key(settings, tmp_path):
    catalogue = tmp_path / "be" / "LC_MESSAGES" / "django.mo"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_bytes(b"the old translations")
    settings.LOCALE_PATHS = [tmp_path]
    fragments._deploy_version.cache_clear()
    before = fragments._deploy_version("includes/action_card.html")

    catalogue.write_bytes(b"the new translations")
    fragments._deploy_version.cache_clear()

    assert fragments._deploy_version("includes/action_card.html") != before
    fragments._deploy_version.cache_clear()
