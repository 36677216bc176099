"""Downloadable campaign materials: posters, banners, letter templates.

Editors upload them in the campaign admin; the campaign page offers them with
their format and size. Every upload is hostile: only the listed extensions,
a size limit, contents that match the extension, a random stored name, and
the file goes with its row. An SVG is served from our own origin, so it must
carry no script, event handler, external reference or entity declaration.
"""

import re
import uuid
from pathlib import PurePosixPath
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from soliday import files

MAX_BYTES = 20 * 1024 * 1024
PREFIX = "campaigns"

# extension -> (format shown to visitors, accepted leading bytes)
FORMATS = {
    "pdf": ("PDF", (b"%PDF-",)),
    "png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("JPEG", (b"\xff\xd8\xff",)),
    "jpeg": ("JPEG", (b"\xff\xd8\xff",)),
    "svg": ("SVG", ()),
    "zip": ("ZIP", (b"PK\x03\x04",)),
    "docx": ("DOCX", (b"PK\x03\x04",)),
    "odt": ("ODT", (b"PK\x03\x04",)),
}

SVG_NAMESPACE = "{http://www.w3.org/2000/svg}"
# Anything that could run or fetch when the SVG is opened from our origin.
SVG_FORBIDDEN = re.compile(
    rb"<!(DOCTYPE|ENTITY)|<script|<foreignObject|\bon[a-z]+\s*=|javascript:|data:text/html"
    rb"|<\?xml-stylesheet|@import|(href|src)\s*=\s*[\"']?\s*(https?:)?//",
    re.IGNORECASE,
)
# The same, checked on the parsed tree, where namespace prefixes (<s:script>) and
# character references (javascript&#58;) are resolved.
SVG_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "handler", "iframe", "embed", "object"}
# A reference may point inside the file, or hold an embedded picture; nothing else.
SVG_SAFE_REFERENCE = re.compile(r"#|data:image/(png|jpeg|gif|webp)[;,]")
# A paint or style from elsewhere: url() pointing outside the file.
CSS_OUTSIDE_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
# CSS that could fetch from elsewhere: such a url(), @import, and escapes (\69mport)
# that hide either.
CSS_FETCH = re.compile(CSS_OUTSIDE_URL.pattern + r"|@|\\", re.IGNORECASE)


def material_path(instance, filename):
    """A random name keeping only the (validated) extension: nothing of the uploader's name."""
    return f"{PREFIX}/{uuid.uuid4().hex}.{extension(filename)}"


def extension(filename):
    return PurePosixPath(filename or "").suffix.lower().lstrip(".")


def validate_material(upload):
    """Refuse a file that is too large or whose contents do not match its extension."""
    ext = extension(upload.name)
    if ext not in FORMATS:
        raise ValidationError(
            _("Upload a PDF, PNG, JPEG, SVG, ZIP, DOCX or ODT file."), code="invalid_extension"
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    _label, magic = FORMATS[ext]
    if magic and not head.startswith(magic):
        raise ValidationError(
            _("This file is not a real %(format)s file.") % {"format": ext.upper()},
            code="mismatch",
        )
    if ext == "svg":
        _check_svg(upload)


def _check_svg(upload):
    data = upload.read()
    upload.seek(0)
    unsafe = _("This SVG contains scripts, links to other sites or other active content.")
    if SVG_FORBIDDEN.search(data):
        raise ValidationError(unsafe, code="unsafe_svg")
    try:
        # No DOCTYPE or ENTITY got this far (SVG_FORBIDDEN): nothing to expand or fetch.
        root = ElementTree.fromstring(data)  # noqa: S314
    except ElementTree.ParseError:
        raise ValidationError(_("This SVG file cannot be read."), code="invalid_svg") from None
    if root.tag not in ("svg", f"{SVG_NAMESPACE}svg"):
        raise ValidationError(_("This SVG file cannot be read."), code="invalid_svg")
    if any(_unsafe_element(element) for element in root.iter()):
        raise ValidationError(unsafe, code="unsafe_svg")


def _local(name):
    """A tag or attribute name without its namespace, lowercase."""
    return str(name).rpartition("}")[2].lower()


def _unsafe_element(element):
    tag = _local(element.tag)
    if tag in SVG_FORBIDDEN_ELEMENTS:
        return True
    if tag == "style" and CSS_FETCH.search(element.text or ""):
        return True
    for name, value in element.attrib.items():
        name = _local(name)
        # style="…", fill="url(https://…)": a paint or style from elsewhere.
        if CSS_OUTSIDE_URL.search(value) or (name == "style" and CSS_FETCH.search(value)):
            return True
        # Browsers ignore whitespace and control characters inside a URL scheme.
        compact = "".join(ch for ch in value if ch > " ").lower()
        if name.startswith("on") or "javascript:" in compact or "data:text/html" in compact:
            return True
        if name in ("href", "src") and not SVG_SAFE_REFERENCE.match(compact):
            return True
        # <animate attributeName="href" values="…">, <set attributeName="onclick" …>
        target = compact.rpartition(":")[2]
        if name == "attributename" and (target in ("href", "src") or target.startswith("on")):
            return True
    return False


def describe(material):
    """Fill in the stored format and size from the file itself (a service, not save())."""
    material.file_format = FORMATS.get(extension(material.file.name), ("", ()))[0]
    material.file_size = material.file.size


def save_material(material, *, old_path=""):
    """Save an editor's material; a replaced file is deleted once the change is committed."""
    if material.file:
        describe(material)
    with files.delete_files_on_error(), transaction.atomic():
        material.save()
        if material.file and material.file.name:
            files.track(material.file.storage, material.file.name)
        if old_path and old_path != material.file.name:
            files.delete_on_commit(material.file.storage, [old_path])
    return material


def delete_material(material):
    """Delete a material and, once that is committed, its file."""
    storage, path = material.file.storage, material.file.name
    material.delete()
    files.delete_on_commit(storage, [path])
