"""Proof that an uploaded JPEG, PNG or HEIC file is whole, without decoding its pixels.

Decoding a 12 MP photo in the request only to catch a truncated file was half of the
upload's time. Its structure says as much: a JPEG's segments and scans run to the end
of image marker; a PNG's chunks each carry a CRC and end with IEND; a HEIC file's boxes
fill the file exactly. A file cut short, or padded with something else, fails here,
beside the form's field. Pixels that lie inside a sound structure fail later, in the
background task, which decodes the photo once (the photo is then marked as failed and a
moderator sees it). Each check returns None when the file is whole, else the reason.
"""

import re
import struct
import zlib
from typing import NamedTuple

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
# Markers without a length: TEM and the restart markers.
STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})
# The end of a scan's entropy-coded data: a marker other than a stuffed 0xFF00 or a restart.
END_OF_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")

# A phone's JPEG has a few dozen segments (a progressive one: a table and a scan for
# each of about ten passes). A file of millions of tiny ones is built to cost the
# request seconds and gigabytes: it is refused.
MAX_SEGMENTS = 2000
NOT_FILL = re.compile(rb"[^\xff]")
# Start of frame markers: SOF0 to SOF15 but DHT (C4), JPG (C8) and DAC (CC).
JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class NotWhole(ValueError):
    """The reason a file is not whole."""


class Segment(NamedTuple):
    """A span of a JPEG file: data[start:end].

    `marker` is the segment's marker, its span from the 0xFF before it (fill bytes left
    out) to the end of its payload; None for a scan's entropy-coded data.
    """

    marker: int | None
    start: int
    end: int


def jpeg_segments(data):
    """The whole JPEG `data` (its first frame, for an MPO) as the segments it is made of.

    Walks the segments from the start of image to the end of image marker, both included:
    a frame header before the first scan, every segment within the file, every scan's
    entropy-coded data ended by a marker, and the end of image reached (what follows
    it, an MPO's other frames, is not this picture's). Raises NotWhole otherwise. The
    form walks an upload once: what proves it whole is what `uploads.strip_jpeg` copies.
    """
    if data[:2] != b"\xff\xd8":
        raise NotWhole("no start of image")
    segments = [Segment(SOI, 0, 2)]
    position, size, frame, scans = 2, len(data), False, 0
    while True:
        if position >= size or data[position] != 0xFF:
            raise NotWhole(f"no marker at byte {position}")
        if len(segments) > MAX_SEGMENTS:
            raise NotWhole("too many segments")
        found = NOT_FILL.search(data, position)  # past the 0xFF and any fill bytes
        if found is None:
            raise NotWhole("truncated")
        position = found.start()
        marker = data[position]
        position += 1
        if marker == EOI:
            if not (frame and scans):
                raise NotWhole("no frame or no scan")
            segments.append(Segment(EOI, position - 2, position))
            return segments
        if marker in STANDALONE_MARKERS:
            segments.append(Segment(marker, position - 2, position))
            continue
        if marker in (0x00, SOI):
            raise NotWhole(f"unexpected marker {marker:#x}")
        if position + 2 > size:
            raise NotWhole("truncated segment")
        length = int.from_bytes(data[position : position + 2], "big")
        end = position + length
        if length < 2 or end > size:
            raise NotWhole("truncated segment")
        if marker in JPEG_FRAMES:
            height = int.from_bytes(data[position + 3 : position + 5], "big")
            width = int.from_bytes(data[position + 5 : position + 7], "big")
            if length < 8 or not (height and width):
                raise NotWhole("a frame without a size")
            frame = True
        segments.append(Segment(marker, position - 2, end))
        position = end
        if marker == SOS:
            if not frame:
                raise NotWhole("a scan before the frame")
            found = END_OF_SCAN.search(data, position)
            if found is None:
                raise NotWhole("a scan without an end")
            if found.start() == position:
                raise NotWhole("an empty scan")
            scans += 1
            segments.append(Segment(None, position, found.start()))
            position = found.start()


def jpeg_problem(data):
    """Why `data` is not a whole JPEG (jpeg_segments()), or None."""
    try:
        jpeg_segments(data)
    except NotWhole as exc:
        return str(exc)
    return None


def png_problem(data):
    """Why `data` is not a whole PNG, or None: IHDR first, every chunk within the file
    with its CRC right, IDAT data, and IEND last."""
    if not data.startswith(PNG_SIGNATURE):
        return "no PNG signature"
    position, size, first, idat = len(PNG_SIGNATURE), len(data), True, False
    while position + 12 <= size:
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > size:
            return "truncated chunk"
        body = data[position + 4 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : end])
        if zlib.crc32(body) != crc:
            return f"bad CRC in {kind!r}"
        if first and kind != b"IHDR":
            return "IHDR is not first"
        first = False
        idat = idat or (kind == b"IDAT" and length > 0)
        if kind == b"IEND":
            return None if idat else "no image data"
        position = end
    return "no IEND"


def boxes(data, start, end):
    """The ISO base media boxes in data[start:end], as (type, start, payload start, end).

    Raises ValueError when a box does not fit, or when they do not fill the span exactly.
    """
    position = start
    while position < end:
        if position + 8 > end:
            raise ValueError("truncated box header")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        header = 8
        if length == 1:  # a 64-bit size follows
            if position + 16 > end:
                raise ValueError("truncated box header")
            (length,) = struct.unpack(">Q", data[position + 8 : position + 16])
            header = 16
        elif length == 0:  # "to the end of the file"
            length = end - position
        if length < header or position + length > end:
            raise ValueError(f"truncated {kind!r} box")
        yield kind, position, position + header, position + length
        position += length


def heif_problem(data):
    """Why `data` is not a whole HEIF file, or None: boxes from `ftyp` to the end, each
    within the file and together filling it, with the `meta` and `mdat` boxes present."""
    try:
        seen = [kind for kind, *_span in boxes(data, 0, len(data))]
    except ValueError as exc:
        return str(exc)
    if not seen or seen[0] != b"ftyp":
        return "no ftyp box first"
    if b"meta" not in seen or b"mdat" not in seen:
        return "no meta or no mdat box"
    return None


PROBLEMS = {"JPEG": jpeg_problem, "MPO": jpeg_problem, "PNG": png_problem, "HEIF": heif_problem}
