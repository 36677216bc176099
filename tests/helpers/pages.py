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
