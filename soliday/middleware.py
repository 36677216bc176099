import functools
import re

from django.conf import settings
from django.views.decorators.clickjacking import xframe_options_exempt

# Powerful browser features no page of the portal uses: denied everywhere, so that an
# injected script or an embedded frame cannot use them either. Features that browsers
# would not recognise are left out (an unknown name is a console error in Chromium).
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "gamepad",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
# The pages (URL names) that may ask for the visitor's location: the submission form's
# map pin. Everywhere else geolocation is denied too.
GEOLOCATION_VIEWS = frozenset({"actions:submit"})


def permissions_policy(geolocation):
    allowed = "(self)" if geolocation else "()"
    return ", ".join([*(f"{feature}=()" for feature in DENIED_FEATURES), f"geolocation={allowed}"])


PERMISSIONS_POLICY = permissions_policy(geolocation=False)
PERMISSIONS_POLICY_WITH_GEOLOCATION = permissions_policy(geolocation=True)


class SecurityHeadersMiddleware:
    """Send the portal's own security headers on every response, static files included.

    First in MIDDLEWARE, so that it also sees what WhiteNoise and SecurityMiddleware answer.
    - Content-Security-Policy: templates never use inline scripts, inline styles or event
      handler attributes, so the policy allows only the portal's own files; on a static or
      media file (an uploaded SVG) it stops any script.
    - Cross-Origin-Resource-Policy: same-origin: no other site may embed our responses.
    - Permissions-Policy: no powerful feature anywhere; geolocation on GEOLOCATION_VIEWS only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in GEOLOCATION_VIEWS:
            response["Permissions-Policy"] = PERMISSIONS_POLICY_WITH_GEOLOCATION
        else:
            response["Permissions-Policy"] = PERMISSIONS_POLICY
        return response


def framable_policy():
    """The site's policy with `frame-ancestors` set to EMBED_FRAME_ANCESTORS ('none'
    when empty): for the pages other sites may show in an iframe."""
    ancestors = " ".join(settings.EMBED_FRAME_ANCESTORS) or "'none'"
    directives = [
        part.strip()
        for part in settings.CONTENT_SECURITY_POLICY.split(";")
        if part.strip() and not re.match(r"frame-ancestors(\s|$)", part.strip())
    ]
    return "; ".join([*directives, f"frame-ancestors {ancestors}"])


def embeddable(view):
    """A page partners show in an iframe on their sites: no X-Frame-Options, the policy's
    frame-ancestors from EMBED_FRAME_ANCESTORS, and Cross-Origin-Resource-Policy
    cross-origin with Cross-Origin-Embedder-Policy require-corp, which a page with
    cross-origin isolation asks of every document it frames (the page's own files are
    same-origin, so it loses nothing). Every other page keeps frame-ancestors 'none'."""

    @xframe_options_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if settings.CONTENT_SECURITY_POLICY:
            response["Content-Security-Policy"] = framable_policy()
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        response["Cross-Origin-Embedder-Policy"] = "require-corp"
        return response

    return wrapped


def open_data(view):
    """Public data (JSON, CSV) any site may read, without credentials: CORS `*` and
    Cross-Origin-Resource-Policy cross-origin."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Cross-Origin-Resource-Policy"] = "cross-origin"
        return response

    return wrapped
