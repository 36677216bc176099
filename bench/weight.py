"""Issue 11's page weight: the bytes a first view of the home page, the gallery, the map and
the campaign page costs a 390 px phone at DPR 2 and 3, against 700 kB a page.

    flock /tmp/soliday-bench.lock .venv/bin/python bench/weight.py [--reuse]

Needs Debian's Chromium (/usr/bin/chromium, or SOLIDAY_CHROMIUM), nginx and envsubst
(nginx-light, gettext-base) besides the venv's playwright.

The site, built afresh under var/bench/weight/ (SQLite, media, static; about two minutes,
most of it drawing the photos; --reuse measures the last one built, which does not follow
later changes to the code):
- The demo (`setup_roles`, `load_demo`) with every picture replaced by a photo-like 12 MP
  JPEG from bench/sample.py (4032×3024 or 3024×4032, soft colour, sharp edges, sensor
  noise, EXIF): the demo's own pictures are flat posters whose renditions weigh a few kB.
  They go through the real services: each action's photo through the photo task's
  processing (load_demo processes it at once, whatever the task backend), each article's
  lead image through news.services.attach_lead_image; so the renditions are the files and
  sizes production makes from a phone photo.
- Served as in production (docker-compose.yml): gunicorn with gunicorn.conf.py and DEBUG
  off, behind nginx with deploy/nginx's template rendered by deploy/nginx/check: nginx
  serves /static/ from `collectstatic` (hashed names, the .gz beside each file) and gzips
  HTML and JSON, on one origin with /media/. Production's nginx proxies /media/ to the
  object storage's public bucket; here a Python http.server serving MEDIA_ROOT as that
  bucket stands in for it (the same files, bytes unchanged: images are not compressed).
  Plain HTTP/1.1 on the loopback, no TLS.

Each page is opened in a fresh Chromium context (empty cache and cookies: a first view),
viewport 390×844, is_mobile, at device_scale_factor 2 and then 3. "Fold": after the load
and network idle, no scrolling (Chromium still fetches loading="lazy" images within its
distance threshold of the viewport). "Scrolled": then scrolled to the bottom a
screen at a time and waited until no request was open for 500 ms; every byte of the
visit. Bytes are request.sizes()["responseBodySize"], the body as it came over the wire
(encoded: gzip for HTML, CSS, JS and JSON), summed per resource type; headers are
counted apart (JSON only). kB = 1,000 bytes. JSON in var/bench/weight.json with every
request and, for each image, the rendition the browser chose (currentSrc) and its shown
width.
"""

import argparse
import functools
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
import zlib
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))

import sample  # noqa: E402

from tests.e2e.browser import CHROMIUM_ARGS  # noqa: E402  (the browser tests' Chromium)
from tests.helpers.servers import free_port  # noqa: E402

WORK = sample.OUT / "weight"
BUCKET = "soliday-public"
PAGES = {
    "home": "/en/",
    "gallery": "/en/actions/",
    "map": "/en/actions/map/",
    "campaign": "/en/campaigns/4august/",
}
VIEWPORT = {"width": 390, "height": 844}
DPRS = (2, 3)
BUDGET = 700_000
PHONE_PHOTO = (4032, 3024)
KINDS = {"document": "document", "stylesheet": "css", "script": "js", "image": "image"}
KINDS["font"] = "font"
COLUMNS = ("document", "css", "js", "image", "font", "other")
CHROMIUM = os.environ.get("SOLIDAY_CHROMIUM", "/usr/bin/chromium")
QUIET_MS = 500


def site_env(base):
    """Production settings (DEBUG off) on files under WORK."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": base,
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"sqlite:///{WORK / 'db.sqlite3'}",
        "MEDIA_ROOT": str(WORK / "media"),
        "PRIVATE_MEDIA_ROOT": str(WORK / "private"),
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_STORAGE": "local",
        "SERVE_MEDIA": "false",
        "CACHE_URL": "locmemcache://",
        "LOG_LEVEL": "WARNING",
    }


@functools.cache
def phone_photo(seed, portrait):
    size = PHONE_PHOTO[::-1] if portrait else PHONE_PHOTO
    return sample.jpeg(size, seed=zlib.crc32(str(seed).encode()))


def photo_upload(seed, name="demo.jpg", width=1600, height=1000):
    """soliday.demo_images.picture_upload's stand-in: a phone photo of the same
    orientation, photo-like (bench/sample.py); an article's languages share one."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = phone_photo(seed, portrait=height > width)
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def build(env):
    """The demo with phone photos, processed by the real services, and collectstatic."""
    shutil.rmtree(WORK, ignore_errors=True)
    for folder in ("media", "private", "static"):
        (WORK / folder).mkdir(parents=True)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "soliday.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from actions import demo as actions_demo
    from news import demo as news_demo

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("setup_roles", verbosity=0)
    with (
        mock.patch.object(actions_demo, "picture_upload", photo_upload),
        mock.patch.object(news_demo, "picture_upload", photo_upload),
    ):
        call_command("load_demo", verbosity=1)
    call_command("collectstatic", "--noinput", verbosity=0)
    (WORK / "built").write_text(time.strftime("%Y-%m-%d %H:%M:%S %Z\n"))
    print(f"built the site in {time.perf_counter() - started:.0f} s")


def started(argv, log, env=None, cwd=ROOT):
    out = open(WORK / log, "ab")  # noqa: SIM115 - closed when the process is stopped
    return subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=out)  # noqa: S603


def wait_for(url, processes, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[0]} stopped; see the logs in {WORK}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer; see the logs in {WORK}")


def serve(env, port):
    """gunicorn, the stand-in bucket and nginx in front of both: their processes."""
    web, objects = free_port(), free_port()
    bucket = WORK / "bucket"
    bucket.mkdir(exist_ok=True)
    if not (bucket / BUCKET).exists():
        (bucket / BUCKET).symlink_to(WORK / "media")
    prefix = WORK / "nginx"
    values = {
        "NGINX_PORT": str(port),
        "NGINX_SERVER_NAME": "127.0.0.1",
        "NGINX_UPSTREAM": f"127.0.0.1:{web}",
        "NGINX_MEDIA_UPSTREAM": f"127.0.0.1:{objects}",
        "NGINX_PUBLIC_BUCKET": BUCKET,
        "NGINX_STATIC_ROOT": str(WORK / "static"),
        "NGINX_ACCESS_LOG": str(WORK / "nginx-access.log"),
        "NGINX_ERROR_LOG": str(WORK / "nginx-error.log"),
    }
    subprocess.run(
        [str(ROOT / "deploy" / "nginx" / "check"), str(prefix)],
        env={**os.environ, **values}, check=True, capture_output=True,
    )  # fmt: skip
    gunicorn_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{web}", "WEB_CONCURRENCY": "2"}
    processes = [
        started(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py",
             "soliday.wsgi:application"],
            "gunicorn.log", gunicorn_env,
        ),
        started(
            [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(objects)],
            "bucket.log", cwd=bucket,
        ),
        started(
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            "nginx.log",
        ),
    ]  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", processes)
    except BaseException:
        stop(processes)
        raise
    return processes


def stop(processes):
    for process in reversed(processes):
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


class Visit:
    """One first view in a fresh context: the requests it finished, in which phase."""

    def __init__(self, browser, base, dpr):
        self.context = browser.new_context(
            base_url=base, viewport=VIEWPORT, device_scale_factor=dpr, is_mobile=True,
            has_touch=True,
        )  # fmt: skip
        self.phase = "fold"
        self.open = set()
        self.finished = []
        self.problems = []
        self.context.on("request", lambda request: self.open.add(request))
        self.context.on("requestfinished", self._finished)
        self.context.on("requestfailed", self._failed)
        self.page = self.context.new_page()

    def _finished(self, request):
        self.open.discard(request)
        self.finished.append((self.phase, request))

    def _failed(self, request):
        self.open.discard(request)
        self.problems.append(f"failed: {request.url} ({request.failure})")

    def settle(self, timeout_ms=30_000):
        """Until no request has been open for QUIET_MS."""
        quiet = waited = 0
        while quiet < QUIET_MS:
            if waited > timeout_ms:
                raise RuntimeError(f"still open: {[r.url for r in self.open]}")
            self.page.wait_for_timeout(50)
            waited += 50
            quiet = 0 if self.open else quiet + 50

    def scroll_to_bottom(self):
        for _ in range(300):
            at_bottom = self.page.evaluate(
                """() => {
                  window.scrollBy(0, Math.round(window.innerHeight * 0.8));
                  const root = document.scrollingElement;
                  return window.scrollY + window.innerHeight >= root.scrollHeight - 2;
                }"""
            )
            self.page.wait_for_timeout(150)
            if at_bottom:
                return

    def images(self):
        """Each <img>: the file chosen (currentSrc) and its srcset width, the width its
        `sizes` gives at this viewport (naturalWidth of a srcset image is the file's width
        over its density, i.e. that width) and the width it is shown at, in CSS px."""
        return self.page.evaluate(
            """() => [...document.images].map(i => {
                 const chosen = (i.srcset || "").split(",").map(c => c.trim().split(/\\s+/))
                   .find(([url]) => new URL(url, location.href).href === i.currentSrc);
                 return {
                   src: i.currentSrc, sizes: i.sizes || null, loading: i.loading,
                   rendition_width: chosen ? parseInt(chosen[1], 10) : null,
                   sizes_width: i.srcset ? i.naturalWidth : null, shown_width: i.clientWidth,
                 };
               })"""
        )

    def requests(self):
        rows = []
        for phase, request in self.finished:
            if not request.url.startswith("http"):
                continue
            sizes = request.sizes()
            response = request.response()
            rows.append(
                {
                    "phase": phase,
                    "url": request.url,
                    "kind": KINDS.get(request.resource_type, "other"),
                    "resource_type": request.resource_type,
                    "status": response.status if response else None,
                    "encoding": response.headers.get("content-encoding") if response else None,
                    "bytes": sizes["responseBodySize"],
                    "header_bytes": sizes["responseHeadersSize"],
                }
            )
        return rows

    def close(self):
        self.context.close()


def totals(rows):
    by_kind = dict.fromkeys(COLUMNS, 0)
    for row in rows:
        by_kind[row["kind"]] += row["bytes"]
    return {
        "bytes": sum(by_kind.values()),
        "by_kind": by_kind,
        "requests": len(rows),
        "header_bytes": sum(row["header_bytes"] for row in rows),
    }


def measure(browser, base, name, path, dpr):
    visit = Visit(browser, base, dpr)
    try:
        response = visit.page.goto(path, wait_until="networkidle")
        if response is None or response.status != 200:
            raise RuntimeError(f"{path}: {response and response.status}")
        visit.settle()
        visit.phase = "scrolled"
        visit.scroll_to_bottom()
        visit.settle()
        rows = visit.requests()
        images = visit.images()
    finally:
        visit.close()
    errors = [row for row in rows if row["status"] is None or row["status"] >= 400]
    if visit.problems or errors:
        raise RuntimeError(f"{path} at DPR {dpr}: {visit.problems} {errors}")
    return {
        "page": name,
        "path": path,
        "dpr": dpr,
        "fold": totals([row for row in rows if row["phase"] == "fold"]),
        "scrolled": totals(rows),
        "requests": rows,
        "images": images,
    }


def kb(count):
    return f"{count / 1000:.0f}"


def report(results):
    print(
        f"\nkB transferred (bodies as encoded on the wire), viewport {VIEWPORT['width']}"
        f"×{VIEWPORT['height']}; budget {BUDGET // 1000} kB a page\n"
    )
    header = ["page", "DPR", "fold", "scrolled", *COLUMNS, "requests", "verdict"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for result in results:
        fold, scrolled = result["fold"], result["scrolled"]
        verdict = "over" if scrolled["bytes"] > BUDGET else "within"
        if fold["bytes"] > BUDGET:
            verdict = "over (even the fold)"
        cells = [
            result["page"], str(result["dpr"]), kb(fold["bytes"]), kb(scrolled["bytes"]),
            *(kb(scrolled["by_kind"][kind]) for kind in COLUMNS),
            f"{fold['requests']} / {scrolled['requests']}", verdict,
        ]  # fmt: skip
        print("| " + " | ".join(cells) + " |")
    print("\n(type columns: the whole page scrolled; requests: fold / scrolled)")
    for result in results:
        images = sorted(
            (row for row in result["requests"] if row["kind"] == "image"),
            key=lambda row: -row["bytes"],
        )
        shown = {image["src"]: image for image in result["images"]}
        print(f"\n{result['page']} at DPR {result['dpr']}: the largest images")
        for row in images[:4]:
            image = shown.get(row["url"], {})
            chosen = "not in the page's <img>s, or no srcset"
            if image.get("rendition_width"):
                chosen = (
                    f"{image['rendition_width']}w of the srcset; sizes {image['sizes_width']} px,"
                    f" shown {image['shown_width']} px"
                )
            print(f"  {kb(row['bytes']):>4} kB  {row['url'].split('/media/')[-1]:<44} {chosen}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="measure the site built last")
    args = parser.parse_args()
    for tool in ("nginx", "envsubst"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (apt-get install nginx-light gettext-base)")
    if not os.access(CHROMIUM, os.X_OK):
        sys.exit(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = site_env(base)
    if not (args.reuse and (WORK / "built").exists()):
        build(env)
    print(f"load averages {sample.load()}")
    processes = serve(env, port)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results = [
                measure(browser, base, name, path, dpr)
                for name, path in PAGES.items()
                for dpr in DPRS
            ]
            browser.close()
    finally:
        stop(processes)
    report(results)
    sample.write(
        "weight.json",
        {"viewport": VIEWPORT, "budget_bytes": BUDGET, "server": "nginx + gunicorn",
         "results": results},
    )  # fmt: skip


if __name__ == "__main__":
    main()
