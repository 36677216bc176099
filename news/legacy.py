"""Reading articles exported from the legacy site.

A file holds, in order: an optional site banner, the title line, a metadata line
`YEAR PUBLISHED MODIFIED LANGUAGE [IMAGE_URL] AUTHOR`, the author line, then the
body in paragraphs separated by blank lines, where lines starting with "•" are
list items. A modified time of 1970-01-01 means "never modified".
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.html import escape

META_RE = re.compile(
    r"^(?P<year>\d{4}) "
    r"(?P<published>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}) "
    r"(?P<modified>\S+) "
    r"(?P<language>[A-Za-z]{2,5})"
    r"(?: (?P<image>https?://\S+))?"
    r"(?: (?P<author>.*))?$"
)
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
BULLET = "•"
LEAD_MAX_LENGTH = 400


class LegacyFormatError(ValueError):
    pass


@dataclass
class LegacyArticle:
    title: str
    language: str
    published_at: datetime
    modified_at: datetime | None
    image_url: str
    author: str
    source: str
    lead: str
    body_html: str

    @property
    def legacy_key(self):
        return f"{self.language}:{self.published_at.isoformat()}"


def parse(text):
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    meta_index = next((i for i, line in enumerate(lines) if META_RE.match(line)), None)
    if meta_index is None:
        raise LegacyFormatError(
            "no metadata line 'YEAR PUBLISHED MODIFIED LANGUAGE [IMAGE_URL] AUTHOR' found"
        )
    meta = META_RE.match(lines[meta_index])
    title = next((line.strip() for line in reversed(lines[:meta_index]) if line.strip()), "")
    if not title:
        raise LegacyFormatError("no title line before the metadata line")

    language = meta["language"].lower()
    if language not in dict(settings.LANGUAGES):
        raise LegacyFormatError(f"unknown language {meta['language']!r} in the metadata line")
    published_at = _timestamp(meta["published"], "published")
    if int(meta["year"]) != published_at.year:
        raise LegacyFormatError(
            f"the year {meta['year']} does not match the publication time {meta['published']}"
        )
    modified_at = _timestamp(meta["modified"], "modified")
    if modified_at.year == 1970:
        modified_at = None

    body_lines = lines[meta_index + 1 :]
    author_text = (meta["author"] or "").strip()
    author, source = author_text, ""
    author_line = body_lines[0].strip() if body_lines else ""
    if author_line and author_text.startswith(author_line):
        # The metadata names the author and then the source; the next line repeats the author.
        author = author_line
        source = author_text[len(author_line) :].strip()
        body_lines = body_lines[1:]

    paragraphs = _paragraphs(body_lines, title)
    if not paragraphs:
        raise LegacyFormatError("the body is empty")
    lead = ""
    # A short first paragraph is the lead, unless it is all there is: then it is the body.
    if (
        len(paragraphs) > 1
        and not paragraphs[0].startswith(BULLET)
        and len(paragraphs[0]) <= LEAD_MAX_LENGTH
    ):
        lead = paragraphs.pop(0).replace("\n", " ")
    return LegacyArticle(
        title=title,
        language=language,
        published_at=published_at,
        modified_at=modified_at,
        image_url=meta["image"] or "",
        author=author,
        source=source,
        lead=lead,
        body_html=_to_html(paragraphs),
    )


def _timestamp(value, name):
    try:
        return datetime.strptime(value, TIMESTAMP_FORMAT)
    except ValueError:
        raise LegacyFormatError(f"the {name} time {value!r} is not a timestamp") from None


def _paragraphs(lines, title):
    paragraphs, current = [], []
    for line in lines:
        stripped = line.strip()
        if stripped == title:
            # The legacy pages repeat the title before their footer: the article ends here.
            break
        if not stripped:
            if current:
                paragraphs.append("\n".join(current))
                current = []
            continue
        if stripped.startswith(BULLET) and current and not current[-1].startswith(BULLET):
            paragraphs.append("\n".join(current))
            current = []
        current.append(stripped)
    if current:
        paragraphs.append("\n".join(current))
    # The legacy export repeats some paragraphs (a subtitle printed twice): keep one.
    return [p for i, p in enumerate(paragraphs) if i == 0 or p != paragraphs[i - 1]]


def _to_html(paragraphs):
    parts = []
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        if all(line.startswith(BULLET) for line in lines):
            items = "".join(f"<li>{escape(line.lstrip(BULLET).strip())}</li>" for line in lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{'<br>'.join(escape(line) for line in lines)}</p>")
    return "\n".join(parts)
