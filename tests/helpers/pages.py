"""Reading pages as a browser would: a form field's block, the strict CSP's rules, XML."""

import re
import xml.etree.ElementTree as ET


def field_block(html, name):
    """The HTML of one field's wrapper: its label, help, errors and input."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S):
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name} on the page")


def assert_csp_clean(html):
    """Nothing a strict Content Security Policy would block: no inline script, no style
    element or attribute, no event handler attribute."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def parse_xml(content):
    # Our own server's output, parsed to prove it is well-formed XML: not untrusted data.
    return ET.fromstring(content)  # noqa: S314


def browse_from(client, settings, origin="https://soliday.example"):
    """Make `client` ask the portal at `origin` (scheme and host) through a proxy that
    says the scheme, as a visitor of the public site would; the host is allowed."""
    scheme, host = origin.split("://")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host.split(":")[0]]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client.defaults.update({"HTTP_HOST": host, "HTTP_X_FORWARDED_PROTO": scheme})
    return origin
