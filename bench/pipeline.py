"""Issue 11's photo figures: the rendition pipeline against naive Pillow and pyvips, the
task with face detection, its peak memory, and photos processed per second.

    .venv/bin/python bench/pipeline.py [--runs 5] [--quick]

Pictures are made in code (bench/sample.py): 12 MP JPEG landscape and portrait, 48 MP
JPEG, all with EXIF; the faces photo is bench/faces.py's crowd and selfie. Every case
makes the same outputs: the master and the renditions at the sizes the pipeline gives
(`actions.photos.RENDITIONS`), same formats and qualities, no metadata.

- pipeline: `photos.decode`, `clean`, `render` (what the task runs), faces off;
- naive Pillow: full decode, `exif_transpose`, sRGB, every output resized with
  LANCZOS from full size;
- pyvips: `thumbnail_buffer` to the master's size (shrink-on-load), `thumbnail_image`
  for each rendition, one libvips thread (VIPS_CONCURRENCY=1), its cache off.

The cases take turns in each run; medians and spread (min to max) in seconds; JSON in
var/bench/pipeline.json.
"""

import argparse
import io
import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("VIPS_CONCURRENCY", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soliday.settings")
os.environ.setdefault("DEBUG", "true")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))  # sample, faces (after the apps)

import django  # noqa: E402

django.setup()
logging.getLogger("pyvips").setLevel(logging.WARNING)

import sample  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from actions import faces, photos  # noqa: E402
from soliday import images  # noqa: E402

MAX_PIXELS = 50_000_000


def pipeline(data, with_faces=False):
    master = photos.clean(photos.decode(data, max_pixels=MAX_PIXELS))
    boxes = faces.detect_faces(master) if with_faces else ()
    return photos.render(master, boxes)


def outputs(data):
    """(name, how, size, fmt, quality) of every output the pipeline makes of `data`."""
    made = pipeline(data)
    kinds = {"master": ("box", None, "JPEG", photos.MASTER_QUALITY)}
    kinds.update(photos.RENDITIONS)
    result = []
    for encoded in made:
        how, _size, fmt, quality = kinds[encoded.name]
        result.append((encoded.name, how, (encoded.width, encoded.height), fmt, quality))
    return result


def naive(data, wanted):
    """Full decode, orientation, sRGB, then each output with LANCZOS from full size."""
    with Image.open(io.BytesIO(data)) as opened:
        full = images.to_srgb(ImageOps.exif_transpose(opened))
    encoded = []
    for _name, how, size, fmt, quality in wanted:
        if how == "cover":
            made = ImageOps.fit(full, size, Image.Resampling.LANCZOS)
        else:
            made = full.resize(size, Image.Resampling.LANCZOS)
        encoded.append(images.encode(made, fmt, quality, progressive=_name != "master"))
    return encoded


def vips(data, wanted):
    import pyvips

    (_n, _h, master_size, _f, master_quality), *renditions = wanted
    master = pyvips.Image.thumbnail_buffer(
        data, master_size[0], height=master_size[1], size="down", export_profile="srgb"
    )
    master = master.copy_memory()
    encoded = [master.jpegsave_buffer(Q=master_quality, optimize_coding=True, keep="none")]
    for _name, how, size, fmt, quality in renditions:
        if how == "cover":
            made = master.thumbnail_image(size[0], height=size[1], crop="centre")
        else:
            made = master.thumbnail_image(size[0], height=size[1], size="down")
        if fmt == "WEBP":
            encoded.append(made.webpsave_buffer(Q=quality, effort=images.WEBP_METHOD, keep="none"))
        else:
            encoded.append(
                made.jpegsave_buffer(Q=quality, optimize_coding=True, interlace=True, keep="none")
            )
    return encoded


def compare(label, data, runs, cases):
    """Time `cases` ({name: function of data}) taking turns; print and return the summary."""
    for function in cases.values():
        function(data)  # warm-up
    times = {name: [] for name in cases}
    for _ in range(runs):
        for name, function in cases.items():
            times[name].append(sample.timed(function, data))
    result = {name: sample.summary(seconds) for name, seconds in times.items()}
    baseline = result["naive Pillow"]["median"]
    print(f"\n{label}")
    for name, figures in result.items():
        figures["ratio_to_naive"] = figures["median"] / baseline
        print(
            f"  {name:<22} median {figures['median']:.3f} s"
            f" (min {figures['min']:.3f}, max {figures['max']:.3f})"
            f"  ratio to naive {figures['ratio_to_naive']:.2f}"
        )
    if "pyvips" in result:
        ratio = result["pipeline"]["median"] / result["pyvips"]["median"]
        result["pipeline_to_pyvips"] = ratio
        print(f"  pipeline / pyvips {ratio:.2f}")
    return result


def stages(data):
    """Where the pipeline's time goes, one pass."""
    holder = {}
    times = {
        "decode": sample.timed(
            lambda: holder.setdefault("d", photos.decode(data, max_pixels=MAX_PIXELS))
        )
    }
    decoded = holder["d"]
    times["clean"] = sample.timed(lambda: holder.setdefault("m", photos.clean(decoded)))
    times["render"] = sample.timed(photos.render, holder["m"])
    return times


# Peak memory: each case in a fresh process (python bench/pipeline.py --memory CASE FILE).


def memory_case(case, path):
    data = Path(path).read_bytes()
    if case == "idle":
        return
    if case == "naive":
        naive(data, outputs_cached(data))
    elif case == "pipeline+faces":
        pipeline(data, with_faces=True)
    elif case == "pipeline":
        pipeline(data)


def outputs_cached(data):
    # The sizes for the naive case without running the pipeline in its process.
    sizes = Path(str(sample.OUT / "outputs.json"))
    return [(n, h, tuple(s), f, q) for n, h, s, f, q in json.loads(sizes.read_text())]


def throughput(path, photos_count, workers):
    """Photos per second, with faces, `workers` processes each doing its share."""
    import time
    from concurrent.futures import ProcessPoolExecutor

    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_process_file, [path] * photos_count))
    return photos_count / (time.perf_counter() - started)


def _process_file(path):
    pipeline(Path(path).read_bytes(), with_faces=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="12 MP only, 3 runs")
    parser.add_argument("--memory", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory:
        memory_case(*args.memory)
        sample.print_peak_rss()
        return
    runs = 3 if args.quick else args.runs
    print(f"load averages {sample.load()}; {runs} runs per case, after one warm-up")

    landscape = sample.cached("12mp.jpg", lambda: sample.jpeg((4000, 3000)))
    result = {"runs": runs}
    wanted = outputs(landscape)
    (sample.OUT / "outputs.json").write_text(json.dumps(wanted))
    print("outputs: " + ", ".join(f"{n} {s[0]}x{s[1]} {f}" for n, _h, s, f, _q in wanted))
    print(
        "pipeline stages, 12 MP: "
        + ", ".join(f"{k} {v:.3f} s" for k, v in stages(landscape).items())
    )

    cases = {
        "pipeline": pipeline,
        "naive Pillow": lambda data: naive(data, wanted),
        "pyvips": lambda data: vips(data, wanted),
    }
    result["12mp"] = compare("12 MP JPEG 4000x3000, faces off", landscape, runs, cases)
    if not args.quick:
        portrait = sample.cached("12mp-portrait.jpg", lambda: sample.jpeg((3000, 4000), seed=2))
        wanted_portrait = outputs(portrait)
        result["12mp_portrait"] = compare(
            "12 MP JPEG 3000x4000 (portrait), faces off",
            portrait,
            runs,
            {
                "pipeline": pipeline,
                "naive Pillow": lambda data: naive(data, wanted_portrait),
                "pyvips": lambda data: vips(data, wanted_portrait),
            },
        )
        big = sample.cached("48mp.jpg", lambda: sample.jpeg((8000, 6000), seed=3))
        wanted_big = outputs(big)
        result["48mp"] = compare(
            "48 MP JPEG 8000x6000, faces off",
            big,
            max(3, runs // 2),
            {
                "pipeline": pipeline,
                "naive Pillow": lambda data: naive(data, wanted_big),
                "pyvips": lambda data: vips(data, wanted_big),
            },
        )

    if faces.faces_available():
        crowd = sample.cached("12mp-faces.jpg", _crowd_jpeg)
        wanted_crowd = outputs(crowd)
        result["faces_12mp"] = compare(
            "whole task with face detection, 12 MP (bench/faces.py's crowd)",
            crowd,
            runs,
            {
                "pipeline with faces": lambda data: pipeline(data, with_faces=True),
                "naive Pillow": lambda data: naive(data, wanted_crowd),
            },
        )
        crowd_path = str(sample.OUT / "12mp-faces.jpg")
        (sample.OUT / "outputs.json").write_text(json.dumps(wanted_crowd))
        memory = {
            case: sample.peak_rss_of(["bench/pipeline.py", "--memory", case, crowd_path])
            for case in ("idle", "naive", "pipeline", "pipeline+faces")
        }
        idle = memory["idle"]
        print("\npeak memory (MB, fresh process each; idle = imports only)")
        for case, mb in memory.items():
            print(f"  {case:<16} {mb:7.0f} MB  (+{mb - idle:.0f} over idle)")
        ratio = memory["pipeline+faces"] / memory["naive"]
        extra = (memory["pipeline+faces"] - idle) / max(1, memory["naive"] - idle)
        print(
            f"  task with faces / naive without: {ratio:.2f}x whole process,"
            f" {extra:.2f}x above idle"
        )
        result["memory_mb"] = {**memory, "ratio": ratio, "ratio_above_idle": extra}

        cores = os.cpu_count() or 1
        count = 4 * cores if args.quick else 8 * cores
        per_second = throughput(crowd_path, count, cores)
        print(f"\nphotos per second with faces, {cores} workers: {per_second:.2f} ({count} photos)")
        result["photos_per_second"] = {"workers": cores, "photos": count, "value": per_second}
        result["faces_recall"] = recall_on_master()
    sample.write("pipeline.json", result)


def _crowd_jpeg():
    from faces import build_photo  # bench/faces.py

    photo, _truth = build_photo()
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=92, exif=sample.exif().tobytes())
    return buffer.getvalue()


def recall_on_master():
    """bench/faces.py's faces hidden when detection runs where the task runs it: on the
    master decoded at half size, against detection on the full 12 MP photo."""
    from faces import build_photo, by_height, covered

    photo, truth = build_photo()
    found = {}
    full = faces.detect_faces(photo)
    master = photos.clean(
        photos.decode(sample.cached("12mp-faces.jpg", _crowd_jpeg), max_pixels=MAX_PIXELS)
    )
    on_master = faces.scale_boxes(faces.detect_faces(master), master.size, photo.size)
    print("\nfaces hidden (bench/faces.py's crowd, 64 faces)")
    for name, boxes in (("on the full photo", full), ("on the task's master", on_master)):
        found[name] = covered(truth, boxes, photo.size)
        print(f"  {name:<22} {found[name]}/{len(truth)}  {by_height(truth, boxes, photo.size)}")
    return found


if __name__ == "__main__":
    main()
