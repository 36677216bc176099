"""Taking the metadata out of a HEIC file without decoding it.

A HEIC photo keeps its EXIF (with the GPS position) and XMP as items of its own: an
entry in the `iinf` box names the item's type, the `iloc` box says where its bytes are,
and a `cdsc` reference in `iref` ties it to the picture it describes. `strip()` keeps
the bytes of the pictures alone: every other byte of `mdat` and `idat` (the metadata
items', and any left behind by an editor) and of `free` boxes is zeroed, and the
metadata items and their references are retyped, in place, so no reader finds them and
nothing else in the file moves. The compressed picture is stored as it came and the
background task decodes it once (decoding a 12 MP HEIC in the request, to re-encode it,
was nearly all of the request's time, and lost quality).

Anything this does not follow (a box, an item type or a property it does not know, an
old `infe` version, an item built from other items, an extent running to the end of the
file) raises ValueError: the caller then decodes and re-encodes the photo instead.
"""

from actions.structure import boxes

# Items that describe a picture rather than being one: EXIF, XMP (a `mime` item) and
# URI-typed metadata. They are retyped and their bytes zeroed.
METADATA_TYPES = frozenset({b"Exif", b"mime", b"uri "})
# Items that are pictures, or describe how pictures are put together (a grid of tiles,
# an HDR tone map): their bytes are kept. A `jpeg` thumbnail item (with its own APP
# segments) or any other type is not followed.
PICTURE_TYPES = frozenset({b"hvc1", b"av01", b"grid", b"iden", b"iovl", b"tmap"})
# What a metadata item and its references become: a type no reader knows, so it skips them.
GONE = b"gone"
# The boxes a phone's HEIC file is made of. Anything else (a top-level `uuid` box of
# XMP) might say who or where: such a file is decoded and re-encoded instead.
KNOWN_TOP = frozenset({b"ftyp", b"meta", b"mdat", b"free", b"skip"})
KNOWN_META = frozenset(
    {b"hdlr", b"pitm", b"iloc", b"iinf", b"iref", b"iprp", b"idat", b"dinf", b"grpl", b"free"}
)
FREE = frozenset({b"free", b"skip"})
# Item properties that may hold words or times: a user description, creation and
# modification times, TAI timestamps.
TELLING_PROPERTIES = frozenset({b"udes", b"crtt", b"mdft", b"taic", b"itai"})


def strip(data):
    """`data` (a whole HEIF file) with only its pictures' bytes left and its metadata
    items retyped. Raises ValueError for a structure it does not follow."""
    out = bytearray(data)
    top = list(boxes(data, 0, len(data)))
    if any(kind not in KNOWN_TOP for kind, *_span in top):
        raise ValueError("a top-level box we do not know")
    metas = [(start, end) for kind, _at, start, end in top if kind == b"meta"]
    if len(metas) != 1:
        raise ValueError("not one meta box")
    start, end = metas[0]
    # meta is a full box: version and flags before its children.
    children = {}
    for kind, _at, child_start, child_end in boxes(data, start + 4, end):
        if kind in FREE:
            out[child_start:child_end] = bytes(child_end - child_start)
            continue
        if kind in children or kind not in KNOWN_META:
            raise ValueError(f"a {kind!r} box we do not follow here")
        children[kind] = (child_start, child_end)
    if b"iinf" not in children or b"iloc" not in children:
        raise ValueError("no iinf or no iloc box")
    if b"iprp" in children:
        _check_properties(data, *children[b"iprp"])
    items = _items(data, *children[b"iinf"])
    locations = _locations(data, *children[b"iloc"])
    idat = children.get(b"idat")
    payloads = [(s, e) for kind, _at, s, e in top if kind == b"mdat"] + ([idat] if idat else [])
    kept, metadata = [], set()
    for item_id, (kind, type_at) in items.items():
        if kind in METADATA_TYPES:
            out[type_at : type_at + 4] = GONE
            metadata.add(item_id)
        else:
            extents = _extents(locations.get(item_id), idat, len(data))
            if not all(any(s <= at and at + n <= e for s, e in payloads) for at, n in extents):
                raise ValueError("a picture's bytes outside mdat and idat")
            kept.extend(extents)
    for payload_start, payload_end in payloads:
        _zero_outside(out, payload_start, payload_end, kept)
    for kind, _at, box_start, box_end in top:
        if kind in FREE:
            out[box_start:box_end] = bytes(box_end - box_start)
    if metadata and b"iref" in children:
        _retype_references(data, out, *children[b"iref"], metadata)
    return bytes(out)


def _zero_outside(out, start, end, kept):
    """Zero out[start:end] but for the (offset, length) spans in `kept`."""
    position = start
    for begin, length in sorted(kept):
        if begin + length <= start or begin >= end:
            continue
        if begin > position:
            out[position:begin] = bytes(begin - position)
        position = max(position, begin + length)
    if position < end:
        out[position:end] = bytes(end - position)


def _check_properties(data, start, end):
    """Raise ValueError for a property that may say who or when (TELLING_PROPERTIES)."""
    for kind, _at, ipco_start, ipco_end in boxes(data, start, end):
        if kind != b"ipco":
            continue
        for prop, *_span in boxes(data, ipco_start, ipco_end):
            if prop in TELLING_PROPERTIES:
                raise ValueError(f"a {prop!r} property")


def _items(data, start, end):
    """{item_id: (type, where its 4-byte type is)} from the iinf box; ValueError for a
    type that is neither a picture nor metadata."""
    version = data[start]
    position = start + 4 + (2 if version == 0 else 4)
    items = {}
    for kind, _at, entry_start, entry_end in boxes(data, position, end):
        if kind != b"infe":
            continue
        entry_version = data[entry_start]
        if entry_version not in (2, 3):
            raise ValueError(f"infe version {entry_version}")
        id_size = 2 if entry_version == 2 else 4
        type_at = entry_start + 4 + id_size + 2  # after the item id and protection index
        if type_at + 4 > entry_end:
            raise ValueError("truncated infe")
        item_type = bytes(data[type_at : type_at + 4])
        if item_type not in METADATA_TYPES and item_type not in PICTURE_TYPES:
            raise ValueError(f"an item of type {item_type!r}")
        item_id = int.from_bytes(data[entry_start + 4 : entry_start + 4 + id_size], "big")
        items[item_id] = (item_type, type_at)
    return items


def _locations(data, start, end):
    """{item_id: (construction method, base offset, [(offset, length)])} from the iloc box."""
    reader = _Reader(data, start, end)
    version = reader.int(1)
    reader.skip(3)
    sizes = reader.int(2)
    offset_size, length_size = sizes >> 12, (sizes >> 8) & 0xF
    base_offset_size, index_size = (sizes >> 4) & 0xF, sizes & 0xF if version else 0
    if version > 2:
        raise ValueError(f"iloc version {version}")
    count = reader.int(2 if version < 2 else 4)
    locations = {}
    for _ in range(count):
        item_id = reader.int(2 if version < 2 else 4)
        method = reader.int(2) & 0xF if version else 0
        reader.skip(2)  # data reference index
        base = reader.int(base_offset_size)
        extents = []
        for _ in range(reader.int(2)):
            reader.skip(index_size)
            extents.append((reader.int(offset_size), reader.int(length_size)))
        locations[item_id] = (method, base, extents)
    return locations


def _extents(location, idat, size):
    """Where an item's bytes lie in the file, as (offset, length) pairs."""
    if location is None:
        return []
    method, base, extents = location
    if method == 0:
        origin, limit = 0, size
    elif method == 1 and idat is not None:
        origin, limit = idat
    else:
        raise ValueError(f"construction method {method}")
    found = []
    for offset, length in extents:
        begin = origin + base + offset
        if length == 0 or begin + length > limit:
            raise ValueError("an extent we do not follow")
        found.append((begin, length))
    return found


def _retype_references(data, out, start, end, items):
    """Retype each reference from a metadata item (its `cdsc`), so none ties it to a picture."""
    id_size = 2 if data[start] == 0 else 4
    for _kind, at, ref_start, _ref_end in boxes(data, start + 4, end):
        from_id = int.from_bytes(data[ref_start : ref_start + id_size], "big")
        if from_id in items:
            out[at + 4 : at + 8] = GONE


class _Reader:
    def __init__(self, data, start, end):
        self.data, self.position, self.end = data, start, end

    def int(self, size):
        if self.position + size > self.end:
            raise ValueError("truncated iloc")
        value = int.from_bytes(self.data[self.position : self.position + size], "big")
        self.position += size
        return value

    def skip(self, size):
        self.int(size)
