"""What a partner's site and a Belarusian or Russian visitor see: the campaign counter
framed by another site (even one with cross-origin isolation), and the maps' own controls
in the page's language."""

import http.server
import io
import threading

import pytest
from django.core.management import call_command

from actions import faces
from tests.e2e.browser import DESKTOP, PHONE

pytestmark = pytest.mark.e2e


# Another origin (another host and port), and a secure context, so that cross-origin
# isolation applies: the browser treats 127.0.0.1 as trustworthy without TLS.
class PartnerSite:
    """A partner's own web server on another origin (127.0.0.1, another port): a real
    loopback server, as the browser's local network checks want, that serves one page."""

    def __init__(self):
        self.body, self.headers = "", {}
        partner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                body = partner.body.encode()
                self.send_response(200)
                for name, value in {"Content-Type": "text/html", **partner.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def partner():
    site = PartnerSite()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def demo(site):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(faces, "faces_available", lambda: False)
        call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize("isolated", [False, True])
def test_a_partner_site_frames_the_live_counter(
    open_context, site, demo, partner, screenshots, isolated
):
    if isolated:  # cross-origin isolation: every framed document must allow it (CORP)
        partner.headers = {
            "Cross-Origin-Embedder-Policy": "require-corp",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
    embed = f"{site.url}/be/campaigns/4august/embed/"
    partner.body = (
        "<!DOCTYPE html><title>Partner</title><h1>Our news</h1>"
        f'<iframe src="{embed}" title="Counter" width="360" height="200"></iframe>'
    )
    context, _watch = open_context(DESKTOP)
    page = context.new_page()

    page.goto(partner.url)

    frame = page.frame_locator("iframe")
    frame.locator(".campaign-counters dd").first.wait_for()
    assert frame.locator("html").get_attribute("lang") == "be"
    assert "Дзень салідарнасці" in frame.locator(".embed__title").inner_text()
    if isolated:
        assert page.evaluate("() => window.crossOriginIsolated")
    page.screenshot(path=screenshots / f"embed-partner{'-isolated' if isolated else ''}-1440.png")


def test_another_page_of_the_portal_cannot_be_framed(open_context, site, demo, partner):
    campaign = f"{site.url}/en/campaigns/4august/"
    partner.body = f'<!DOCTYPE html><title>Partner</title><iframe src="{campaign}"></iframe>'
    context, _watch = open_context(DESKTOP)
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text))

    page.goto(partner.url)
    page.wait_for_timeout(1000)

    # Refused by frame-ancestors 'none' (and X-Frame-Options): no campaign page inside.
    assert page.frame_locator("iframe").locator(".campaign-header").count() == 0
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in blocked)


@pytest.mark.parametrize(
    ("path", "zoom_in", "zoom_out"),
    [
        ("/be/actions/map/", "Наблізіць", "Аддаліць"),
        ("/ru/actions/map/", "Приблизить", "Отдалить"),
        ("/be/actions/submit/", "Наблізіць", "Аддаліць"),
    ],
)
def test_the_maps_controls_speak_the_pages_language(
    open_context, site, demo, path, zoom_in, zoom_out
):
    context, watch = open_context(PHONE)
    page = context.new_page()

    page.goto(path)

    page.locator(".leaflet-control-zoom-in").wait_for(state="attached")
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == zoom_in
    assert page.locator(".leaflet-control-zoom-out").get_attribute("title") == zoom_out
    assert page.locator("[title='Zoom in']").count() == 0
    watch.settle(page)
    watch.assert_clean(path)


def test_the_map_names_places_in_the_pages_language(open_context, site, demo, screenshots):
    context, watch = open_context(PHONE)
    page = context.new_page()

    page.goto("/be/actions/map/")

    page.locator(".map-place__name").first.wait_for()
    names = page.locator(".map-place__name").all_inner_texts()
    assert "Масква" in names, names
    watch.settle(page)
    page.screenshot(path=screenshots / "map-places-be-390.png")
    watch.assert_clean("the map with places")
