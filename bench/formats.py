"""AVIF against WebP for the renditions, at equal SSIM: bytes and encoding time.

    .venv/bin/python bench/formats.py

Issue 11's rule: a rendition is AVIF where, at equal SSIM, it saves at least 15 % of the
bytes for at most twice WebP's encoding time. For each rendition size of the 12 MP
photo-like picture (bench/sample.py), WebP is encoded at the pipeline's quality and
method; AVIF's quality is searched (bisection) for the SSIM WebP reached, at Pillow's
default speed and at speed 8. Prints bytes, times and the ratios; JSON in
var/bench/formats.json.
"""

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import sample  # noqa: E402
from PIL import Image  # noqa: E402
from skimage.metrics import structural_similarity  # noqa: E402

from actions.photos import RENDITIONS  # noqa: E402
from soliday.images import WEBP_METHOD  # noqa: E402

# The WebP renditions: {name: (side, quality)}.
SIZES = {name: (side, q) for name, (_how, side, fmt, q) in RENDITIONS.items() if fmt == "WEBP"}


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    started = time.perf_counter()
    image.save(buffer, fmt, **options)
    return buffer.getvalue(), time.perf_counter() - started


def ssim(reference, data):
    with Image.open(io.BytesIO(data)) as decoded:
        a = np.asarray(reference.convert("L"), dtype=float)
        b = np.asarray(decoded.convert("L"), dtype=float)
    return structural_similarity(a, b, data_range=255)


def best_time(image, fmt, **options):
    data, seconds = encode(image, fmt, **options)
    for _ in range(2):
        seconds = min(seconds, encode(image, fmt, **options)[1])
    return data, seconds


def avif_at(image, target, speed):
    """The smallest AVIF whose SSIM reaches target: (data, seconds, quality)."""
    low, high, found = 20, 95, None
    while low <= high:
        quality = (low + high) // 2
        data, _seconds = encode(image, "AVIF", quality=quality, speed=speed)
        if ssim(image, data) >= target:
            found, high = quality, quality - 1
        else:
            low = quality + 1
    quality = found or 95
    data, seconds = best_time(image, "AVIF", quality=quality, speed=speed)
    return data, seconds, quality


def main():
    photo = Image.open(io.BytesIO(sample.cached("12mp.jpg", lambda: sample.jpeg((4000, 3000)))))
    photo.draft("RGB", (2000, 1500))
    photo = photo.convert("RGB")
    print(f"load averages {sample.load()}")
    result = {}
    for name, (side, quality) in SIZES.items():
        image = photo.copy()
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
        webp, webp_seconds = best_time(image, "WEBP", quality=quality, method=WEBP_METHOD)
        target = ssim(image, webp)
        result[name] = {"webp": {"bytes": len(webp), "seconds": webp_seconds, "ssim": target}}
        print(f"\n{name} {image.width}x{image.height}: WebP q{quality} {len(webp) / 1024:.0f} kB"
              f" {webp_seconds * 1000:.0f} ms SSIM {target:.4f}")  # fmt: skip
        for speed in (6, 8):
            data, seconds, avif_quality = avif_at(image, target, speed)
            saved = 1 - len(data) / len(webp)
            slower = seconds / webp_seconds
            verdict = "AVIF" if saved >= 0.15 and slower <= 2 else "WebP"
            result[name][f"avif_speed{speed}"] = {
                "bytes": len(data),
                "seconds": seconds,
                "quality": avif_quality,
                "saved": saved,
                "time_ratio": slower,
                "verdict": verdict,
            }
            print(f"  AVIF speed {speed} q{avif_quality}: {len(data) / 1024:.0f} kB"
                  f" ({saved:+.0%} saved) {seconds * 1000:.0f} ms ({slower:.1f}x WebP's time)"
                  f" -> {verdict}")  # fmt: skip
    sample.write("formats.json", result)


if __name__ == "__main__":
    main()
