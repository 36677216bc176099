"""Taking the metadata out of a HEIC file without decoding it.

A HEIC photo keeps its EXIF (with the GPS position) and XMP as items of its own: an
entry in the `iinf` box names the item's type, the `iloc` box says where its bytes are,
and a `cdsc` reference in `iref` ties it to the picture it describes. `strip()` blanks
those bytes and retypes the item and its reference, in place, so no reader finds them
and nothing else in the file moves: the compressed picture is stored as it came and the
background task decodes it once (decoding a 12 MP HEIC in the request, to re-encode it,
was nearly all of the request's time, and lost quality).

Anything this does not follow (an old `infe` version, an item built from other items,
an extent running to the end of the file) raises ValueError: the caller then decodes
and re-encodes the photo instead.
"""

from actions.structure import boxes

# Items that describe a picture rather than being one: EXIF, XMP (a `mime` item) and
# URI-typed metadata.
METADATA_TYPES = frozenset({b"Exif", b"mime", b"uri "})
# What a metadata item and its references become: a type no reader knows, so it skips them.
GONE = b"gone"
# The boxes a phone's HEIC file is made of. Anything else (a top-level `uuid` box of
# XMP, a user description property `udes`) might say who or where: such a file is
# decoded and re-encoded instead.
KNOWN_TOP = frozenset({b"ftyp", b"meta", b"mdat", b"free", b"skip"})
KNOWN_META = frozenset(
    {b"hdlr", b"pitm", b"iloc", b"iinf", b"iref", b"iprp", b"idat", b"dinf", b"grpl", b"free"}
)


def strip(data):
    """`data` (a whole HEIF file) with every metadata item's bytes zeroed and retyped.

    Raises ValueError for a structure it does not follow.
    """
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
        if kind in children or kind not in KNOWN_META:
            raise ValueError(f"a {kind!r} box we do not follow here")
        children[kind] = (child_start, child_end)
    if b"iinf" not in children or b"iloc" not in children:
        raise ValueError("no iinf or no iloc box")
    if b"iprp" in children and b"udes" in data[slice(*children[b"iprp"])]:
        raise ValueError("a user description property")
    items = _metadata_items(data, *children[b"iinf"])
    if not items:
        return bytes(out)
    locations = _locations(data, *children[b"iloc"])
    idat = children.get(b"idat")
    for item_id, type_at in items.items():
        out[type_at : type_at + 4] = GONE
        for offset, length in _extents(locations.get(item_id), idat, len(data)):
            out[offset : offset + length] = bytes(length)
    if b"iref" in children:
        _retype_references(data, out, *children[b"iref"], set(items))
    return bytes(out)


def _metadata_items(data, start, end):
    """{item_id: where its 4-byte type is} for each metadata item in the iinf box."""
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
        if data[type_at : type_at + 4] in METADATA_TYPES:
            item_id = int.from_bytes(data[entry_start + 4 : entry_start + 4 + id_size], "big")
            items[item_id] = type_at
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
