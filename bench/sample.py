"""Photo-like pictures made in code for the benchmarks, and the timing helpers they share.

A picture is soft shapes of colour (a small random image enlarged), sharp-edged
rectangles and lines, and sensor noise: decoders and encoders work as hard on it as on
a photo, unlike on flat colour. JPEGs carry EXIF (camera, date, GPS) as phones write it.
"""

import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def picture(size, seed=1):
    """An RGB photo-like picture of `size`."""
    rng = np.random.default_rng(seed)
    width, height = size
    base = Image.fromarray(rng.integers(0, 255, (24, 32, 3), np.uint8)).resize(
        size, Image.Resampling.BICUBIC
    )
    draw = ImageDraw.Draw(base)
    for _ in range(300):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = (
            int(rng.integers(width // 100, width // 8)),
            int(rng.integers(height // 100, height // 8)),
        )
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
        else:
            draw.line((x, y, x + w, y + h), fill=colour, width=int(rng.integers(1, 8)))
    base = base.filter(ImageFilter.GaussianBlur(1.2))
    noise = rng.normal(0, 9, (height, width, 1)).astype(np.int16)
    pixels = np.clip(np.asarray(base, np.int16) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def exif(orientation=1):
    data = Image.Exif()
    data[0x010F] = "PhoneMaker"
    data[0x0110] = "Phone 15"
    data[0x0112] = orientation
    data[0x0132] = "2026:08:04 19:30:00"
    gps = data.get_ifd(0x8825)
    gps.update({1: "N", 2: (53.0, 54.0, 1.2), 3: "E", 4: (27.0, 33.0, 2.5)})
    return data


def jpeg(size, seed=1, quality=92):
    buffer = io.BytesIO()
    picture(size, seed).save(buffer, "JPEG", quality=quality, exif=exif().tobytes())
    return buffer.getvalue()


def heic(size, seed=1, quality=85):
    import pillow_heif

    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    picture(size, seed).save(buffer, "HEIF", quality=quality, exif=exif().tobytes())
    return buffer.getvalue()


def cached(name, make):
    """Bytes made once and kept under var/bench/ (a 48 MP picture takes a while to make)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    if not path.exists():
        path.write_bytes(make())
    return path.read_bytes()


def timed(function, *args):
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def summary(seconds):
    """Median and spread (min to max) of a list of seconds."""
    return {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "runs": len(seconds),
    }


def load():
    """The machine's load averages, as `uptime` shows them."""
    return os.getloadavg()


def write(name, result):
    OUT.mkdir(parents=True, exist_ok=True)
    result = {"load": load(), "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"), **result}
    (OUT / name).write_text(json.dumps(result, indent=2))
    print(f"\nwritten: var/bench/{name}; load averages {load()}")


def peak_rss_of(argv):
    """Peak resident memory in MB of a fresh `python argv` process (its VmHWM, which it
    prints last with print_peak_rss(); a forked child's ru_maxrss would start from ours)."""
    output = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return int(output.split("VmHWM")[-1].split()[0]) / 1024


def print_peak_rss():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            print("VmHWM", line.split()[1])
