"""Every public page in English, Belarusian and Russian, as a visitor's browser sees it.

On the demo content (`manage.py load_demo`), each page is opened twice:
- on a phone, in a profile that enforces the Content-Security-Policy: no console error
  (a CSP violation is one), no uncaught exception, no failed request, no request to any
  host but the server; and at 320 px, nothing to scroll sideways (WCAG 1.4.10);
- at a desk, in a profile that bypasses the policy only so that axe-core can be injected:
  the same, less the policy, and no serious or critical violation (every violation is
  printed); the English pages are checked by axe-core on the phone's width too.
Screenshots of each page at 390 px, and of the English ones at 1440 px, go to
var/screenshots/. All problems of all
pages are collected, so that one run shows them all.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from actions import faces
from actions.models import Action
from news.models import Article
from tests.e2e.browser import (
    BLOCKING_IMPACTS,
    DESKTOP,
    OVERFLOWING_TEXT,
    PHONE,
    describe_violation,
    run_axe,
)

pytestmark = pytest.mark.e2e

LANGUAGES = ["en", "be", "ru"]
# The narrowest screen WCAG's reflow criterion (1.4.10) asks for: no sideways scrolling.
NARROWEST = {"width": 320, "height": 640}
# What a page draws after it has loaded (the map's markers come from a second request).
DRAWN = {"map": ".action-map__canvas .leaflet-marker-icon"}


def public_pages(language):
    """The public pages, by name, in `language`."""
    article = Article.objects.published().filter(language=language).order_by("-published_at")[0]
    tagged = Action.objects.approved().filter(hashtags__name="4августа").exclude(renditions=[])
    action = tagged.order_by("-pk")[0]
    tag = action.hashtags.get(name="4августа")  # a Cyrillic slug in the address
    with translation.override(language):
        return {
            "home": reverse("home"),
            "news": reverse("news:list"),
            "article": reverse("news:article", kwargs={"slug": article.slug}),
            "gallery": reverse("actions:gallery"),
            "action": action.get_absolute_url(),
            "report": reverse("actions:report", kwargs={"pk": action.pk}),
            "map": reverse("actions:map"),
            "campaigns": reverse("campaigns:list"),
            "campaign": reverse("campaigns:detail", kwargs={"slug": "4august"}),
            "embed": reverse("campaigns:embed", kwargs={"slug": "4august"}),
            "submit": reverse("actions:submit"),
            "privacy": reverse("privacy"),
            "about": reverse("about"),
            "tag": reverse("actions:tag", kwargs={"slug": tag.slug}),
        }


def overflowing(page):
    return page.evaluate(OVERFLOWING_TEXT)


def load(page, watch, path, name):
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    if name in DRAWN:
        page.locator(DRAWN[name]).first.wait_for()
    watch.settle(page)


def test_visitor_sees_every_public_page_without_errors_or_barriers(
    open_context, axe_script, screenshots, axe_report
):
    call_command("setup_roles", stdout=io.StringIO())
    # The demo's photos show no face: leave out the detector (seconds a photo on a busy
    # machine) while they are made. The pages are what is tested here.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(faces, "faces_available", lambda: False)
        call_command("load_demo", stdout=io.StringIO())

    enforced, watch = open_context(PHONE)
    bypassed, axe_watch = open_context(DESKTOP, bypass_csp=True)
    page, axe_page = enforced.new_page(), bypassed.new_page()
    failures = []
    for language in LANGUAGES:
        for name, path in public_pages(language).items():
            where = f"{name} ({path})"
            load(page, watch, path, name)
            page.screenshot(path=screenshots / f"{name}-{language}-390.png", full_page=True)
            page.set_viewport_size(NARROWEST)
            failures += [f"{where}: wider than 320 px: {text}" for text in overflowing(page)]
            page.set_viewport_size(PHONE)
            watch.settle(page)  # the map asks for its clusters again
            failures += [f"{where}: {problem}" for problem in watch.take()]

            axe_page.set_viewport_size(DESKTOP)
            load(axe_page, axe_watch, path, name)
            violations = run_axe(axe_page, axe_script)
            axe_report.runs += 1
            if language == "en":  # the layouts are the same in every language
                axe_page.screenshot(path=screenshots / f"{name}-en-1440.png", full_page=True)
                axe_page.set_viewport_size(PHONE)
                violations += run_axe(axe_page, axe_script)
                axe_report.runs += 1
            failures += [f"{where}, axe's profile: {problem}" for problem in axe_watch.take()]
            seen = set()
            for violation in violations:
                key = (violation["id"], tuple(node["target"] for node in violation["nodes"]))
                if key in seen:
                    continue  # the same at both widths
                seen.add(key)
                text = describe_violation(where, violation)
                axe_report.violations.append(text)
                print(text)
                if violation["impact"] in BLOCKING_IMPACTS:
                    failures.append(text)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
