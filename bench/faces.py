"""Face detection on a 12-megapixel photo: time and faces covered, default against baselines.

Run from the repository root with the faces extra installed:

    .venv/bin/python bench/faces.py [--runs N]

The photo is made in code: scikit-image's astronaut pasted at many sizes (a crowd whose
faces are 20 to 200 px high, and one face 1200 px high, as in a selfie) over the
rocket picture, scaled to 4000×3000. A face counts as covered when blur_regions would hide at
least 90% of it, which is what matters for publishing.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from skimage import data  # noqa: E402

from actions import faces  # noqa: E402

SIZE = (4000, 3000)
# The astronaut's head and shoulders in the 512 px picture, and her face inside it (the
# box CenterFace finds there).
HEAD = (100, 0, 350, 300)
FACE = (81, 58, 89, 120)
# (face height, how many); people stand a fifth of their width apart.
CROWD = [(200, 2), (150, 3), (100, 4), (80, 4), (64, 6), (48, 6), (40, 6)]
CROWD += [(32, 8), (28, 8), (24, 8), (20, 8)]
GAP = 0.2
SELFIE = 1200
COVERED = 0.9


def build_photo():
    """The photo and the face boxes in it, as (x, y, width, height)."""
    photo = Image.fromarray(data.rocket()).resize(SIZE, Image.Resampling.BICUBIC)
    head = Image.fromarray(data.astronaut()).crop(HEAD)
    truth = []

    def paste(face_height, x, y):
        factor = face_height / FACE[3]
        size = (round(head.width * factor), round(head.height * factor))
        photo.paste(head.resize(size, Image.Resampling.LANCZOS), (x, y))
        truth.append((x + FACE[0] * factor, y + FACE[1] * factor, FACE[2] * factor, face_height))
        return size

    # The crowd on the left half, shelf by shelf; the selfie on the right.
    x = y = shelf = 0
    for face_height, count in CROWD:
        for _ in range(count):
            width = round(head.width * face_height / FACE[3])
            if x + width > 2000:
                x, y, shelf = 0, y + shelf, 0
            width, height = paste(face_height, x, y)
            x, shelf = x + round(width * (1 + GAP)), max(shelf, round(height * (1 + GAP)))
    assert y + shelf <= SIZE[1], "the crowd does not fit"
    paste(SELFIE, 2050, 400)
    return photo, truth


def covered(truth, boxes, size):
    """How many faces of truth blurring these boxes would hide, at least COVERED of each."""
    mask = np.zeros(size[::-1], dtype=bool)
    for box in boxes:
        region = faces.grow(box, size)
        if region is not None:
            mask[region.y : region.y + region.height, region.x : region.x + region.width] = True
    count = 0
    for x, y, width, height in truth:
        left, top = round(x), round(y)
        count += mask[top : top + round(height), left : left + round(width)].mean() >= COVERED
    return int(count)


def by_height(truth, boxes, size):
    """'height:covered/count' for each face height, smallest first."""
    heights = sorted({face[3] for face in truth})
    parts = []
    for height in heights:
        group = [face for face in truth if face[3] == height]
        parts.append(f"{height}:{covered(group, boxes, size)}/{len(group)}")
    return " ".join(parts)


def measure(function, runs):
    function()  # warm-up: loads the network, sizes OpenCV's buffers
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if runs > 1 else times[0]
    return median, p95, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per setting (default 5)")
    args = parser.parse_args()
    if not faces.faces_available():
        sys.exit("Face detection is not installed: pip install .[faces]")

    photo, truth = build_photo()
    long_edge = max(photo.size)
    sides = "+".join(str(side) for side in faces.DETECTION_SIDES)
    print(f"photo {photo.width}x{photo.height}, {len(truth)} faces, 20 to {SELFIE} px high")
    print(f"runs {args.runs} after one warm-up; times in seconds")
    settings = [
        (f"default {sides}", faces.DETECTION_SIDES),
        ("baseline 1280", (1280,)),
        ("baseline 2560+640", (2560, 640)),
        (f"baseline full {long_edge}", (long_edge,)),
    ]
    default_median = None
    for name, setting in settings:
        median, p95, boxes = measure(
            lambda s=setting: faces.detect_faces(photo, sides=s), args.runs
        )
        default_median = default_median or median
        print(
            f"{name}: median {median:.3f} p95 {p95:.3f} ratio {median / default_median:.2f}"
            f" boxes {len(boxes)} covered {covered(truth, boxes, photo.size)}/{len(truth)}"
        )
        print(f"  covered by face height: {by_height(truth, boxes, photo.size)}")
    boxes = faces.detect_faces(photo)
    median, p95, _ = measure(lambda: faces.blur_regions(photo, boxes), args.runs)
    print(f"blur {len(boxes)} boxes: median {median:.3f} p95 {p95:.3f}")


if __name__ == "__main__":
    main()
