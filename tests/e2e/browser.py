"""What the end-to-end tests watch for in the browser, and how they use it by keyboard."""

from urllib.parse import urlsplit

# Chromium also prints "Refused to ..." for a violation; this says which directive, plainly.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.effectiveDirective + " blocked "
    + event.blockedURI + " in " + event.sourceFile + ":" + event.lineNumber);
}, true);
"""
# Headless, and nothing that talks to Google's services: every request must go to our server.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Schemes that are not a request to any host.
LOCAL_SCHEMES = {"data", "blob", "about"}
# axe-core's impacts that fail a page; the others are printed only.
BLOCKING_IMPACTS = {"serious", "critical"}
# The two screens every page is seen on: a phone and a desktop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


class Watch:
    """Everything that went wrong in one browser context: console errors (CSP violations
    among them), uncaught exceptions, failed requests, error responses and requests to
    any host but the server."""

    def __init__(self, context, origin):
        self.origin = origin.rstrip("/")
        self.problems = []
        self.in_flight = set()
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught: {error.error}"))
        context.on("request", self._request)
        context.on("requestfailed", self._failed)
        context.on("requestfinished", lambda request: self.in_flight.discard(request))
        context.on("response", self._response)

    def _console(self, message):
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console error: {message.text} ({where})")

    def _request(self, request):
        self.in_flight.add(request)
        url = urlsplit(request.url)
        if url.scheme in LOCAL_SCHEMES:
            return
        if f"{url.scheme}://{url.netloc}" != self.origin:
            self.problems.append(f"request to another host: {request.url}")

    def _failed(self, request):
        self.in_flight.discard(request)
        self.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(
                f"HTTP {response.status}: {response.request.method} {response.url}"
            )

    def settle(self, page, quiet_ms=150, timeout_ms=10_000):
        """Wait until no request of the context has been open for `quiet_ms` (what a
        page's scripts fetch after "load"); quicker than Playwright's "networkidle"."""
        quiet = waited = 0
        while quiet < quiet_ms:
            assert waited < timeout_ms, f"requests still open: {[r.url for r in self.in_flight]}"
            page.wait_for_timeout(50)
            waited += 50
            quiet = 0 if self.in_flight else quiet + 50

    def take(self):
        """The problems seen since the last call."""
        problems, self.problems = self.problems, []
        return problems

    def assert_clean(self, where):
        problems = self.take()
        assert not problems, f"{where}:\n  " + "\n  ".join(problems)


def run_axe(page, script):
    """axe-core's violations on the page as it is now (axe is injected: the page's context
    must bypass the Content-Security-Policy, which forbids any script not the portal's)."""
    page.add_script_tag(path=str(script))
    return page.evaluate(
        """async () => {
          const results = await axe.run(document, {resultTypes: ["violations"]});
          return results.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
            nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html,
                                        summary: n.failureSummary})),
          }));
        }"""
    )


def describe_violation(where, violation):
    lines = [f"{where}: [{violation['impact']}] {violation['id']}: {violation['help']}"]
    for node in violation["nodes"][:5]:
        summary = " ".join((node["summary"] or "").split())
        lines.append(f"    {node['target']}: {node['html'][:160]}  -- {summary[:300]}")
    if len(violation["nodes"]) > 5:
        lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


# The keyboard

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const shown = el.checkVisibility() && getComputedStyle(el).visibility !== "hidden";
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
    type: el.getAttribute("type") || "", text: (el.innerText || el.value || "").slice(0, 40),
    visible: shown && el.getClientRects().length > 0,
    disabled: !!el.disabled,
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, selector, *, limit=40):
    """Press Tab until the element matching `selector` has the focus; every element the
    focus passes on the way must be visible (no stop on a hidden or disabled control).
    Returns the descriptions of the stops passed."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        assert stop is not None, f"Tab left the page before reaching {selector}: {stops}"
        assert stop["visible"], f"the focus went to an invisible element: {stop}"
        assert not stop["disabled"], f"the focus went to a disabled control: {stop}"
        stops.append(stop)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return stops
    raise AssertionError(f"{limit} presses of Tab never reached {selector}: {stops}")


# The form's map once it has moved to a chosen city: the city's dot (submit.js draws it
# in this colour) in the middle of the map, and no zoom animation under way.
MAP_SHOWS_CITY = """() => {
  const dot = document.querySelector("#map path[stroke='#8a0c21']");
  if (!dot || document.querySelector("#map .leaflet-zoom-anim")) { return false; }
  const map = document.getElementById("map").getBoundingClientRect();
  const box = dot.getBoundingClientRect();
  return Math.abs(box.x + box.width / 2 - (map.x + map.width / 2)) < 3
    && Math.abs(box.y + box.height / 2 - (map.y + map.height / 2)) < 3;
}"""


# WCAG 1.4.10 (reflow): at 320 CSS px nothing may need scrolling sideways. The text that
# sticks out, or [] when the page fits.
OVERFLOWING_TEXT = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) { return []; }
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode() && found.length < 5) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const box of range.getClientRects()) {
      if (box.right > window.innerWidth + 1) {
        const where = walker.currentNode.parentElement.tagName.toLowerCase();
        found.push(`${where}: "${walker.currentNode.textContent.trim().slice(0, 50)}"`);
        break;
      }
    }
  }
  return found.length ? found : [`the page is ${document.documentElement.scrollWidth} px wide`];
}"""
