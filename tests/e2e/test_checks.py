"""The checks of the other browser tests can fail: on a page that breaks every rule, each
rule's breach is reported (so a clean report on the portal's pages means something)."""

import pytest
from django.conf import settings

from tests.e2e.browser import BLOCKING_IMPACTS, PHONE, run_axe

pytestmark = pytest.mark.e2e

BROKEN = """<!DOCTYPE html><html lang="en"><head><title>Broken</title>
<script src="https://cdn.example.org/tracker.js"></script></head>
<body><main><h1>Broken</h1>
<script>console.log("inline code");</script>
<p style="color: #777; background: #888">Low contrast, inline style.</p>
<img src="/static/img/there-is-no-such-file.png">
<script src="/static/js/there-is-no-such-file.js"></script>
</main></body></html>"""


def serve_broken(context, site):
    """The broken page at the server's own address, under the portal's policy."""
    context.route(
        f"{site.url}/broken/",
        lambda route: route.fulfill(
            body=BROKEN,
            content_type="text/html",
            headers={"Content-Security-Policy": settings.CONTENT_SECURITY_POLICY},
        ),
    )
    # Nothing leaves the machine: the other host's request is seen, then cut.
    context.route("https://cdn.example.org/**", lambda route: route.abort())


def test_watch_reports_every_kind_of_problem(open_context, site):
    context, watch = open_context(PHONE)
    serve_broken(context, site)
    page = context.new_page()
    page.goto("/broken/")
    watch.settle(page)
    page.evaluate("() => setTimeout(() => { throw new Error('thrown by the page'); })")
    page.wait_for_timeout(100)
    problems = "\n".join(watch.take())

    assert "request to another host: https://cdn.example.org/tracker.js" in problems
    assert "CSP violation: script-src-elem blocked https://cdn.example.org/tracker.js" in problems
    assert "CSP violation: script-src-elem blocked inline in" in problems
    assert "CSP violation: style-src-attr blocked inline in" in problems
    assert f"HTTP 404: GET {site.url}/static/img/there-is-no-such-file.png" in problems
    assert f"HTTP 404: GET {site.url}/static/js/there-is-no-such-file.js" in problems
    assert "uncaught: thrown by the page" in problems
    assert watch.take() == []


def test_axe_reports_blocking_violations(open_context, site, axe_script):
    context, watch = open_context(PHONE, bypass_csp=True)
    serve_broken(context, site)
    page = context.new_page()
    page.goto("/broken/")
    blocking = {v["id"] for v in run_axe(page, axe_script) if v["impact"] in BLOCKING_IMPACTS}
    assert {"image-alt", "color-contrast"} <= blocking
