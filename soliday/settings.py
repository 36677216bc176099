"""Settings for Soliday: one module, every value from the environment.

`.env.example` lists every variable with its default. The defaults are the
embedded development set-up (SQLite and media under `var/`), so a bare
machine runs the site with no configuration at all.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from soliday import cache_settings
from soliday.storage_settings import object_storage, with_img_source

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (a long random "
            "string), or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links where there is no request (mail from a worker, commands); `make run`
# sets it from PORT. soliday.W001 warns when its host is not in ALLOWED_HOSTS.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "soliday.apps.SolidayAdminConfig",  # django.contrib.admin with two-factor login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "taggit",
    "django_tasks",
    "soliday.apps.TasksDatabaseConfig",  # django_tasks_db, its name translated
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "soliday",
    "news",
    "actions",
]

MIDDLEWARE = [
    "soliday.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Absolute links (mails, feeds, the API) start with the host the visitor used.
    "soliday.links.RequestOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a login that axes refused into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "soliday.urls"
WSGI_APPLICATION = "soliday.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "soliday.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per-process memory by default. Several web processes need one shared cache (rate limits,
# the public-content generation, cached answers): CACHE_URL=redis://host:6379/1 uses
# Django's own Redis backend (soliday.W002 warns in production without a shared cache).
CACHES = cache_settings.caches(env)
# Whole public pages for anonymous visitors, stored under the public generation
# (soliday.publiccache.public_page); False runs every view every time. Off by default in
# production without a shared cache: a takedown in one web process would not reach the
# pages another process keeps. (DEBUG is one runserver process.)
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=DEBUG or cache_settings.is_shared(CACHES))

# Mail: the console backend prints mail in development; production sets EMAIL_URL.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Soliday <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The admin login locks an account out for one client after LOGIN_FAILURE_LIMIT failed
# logins, until LOGIN_COOLOFF_MINUTES pass without another try (a try during the lockout,
# right password or not, starts the wait again); `manage.py unlock_login USERNAME` lifts it.
# Counted in the database, so every web process shares the count. The client is a salted
# hash of its network, the account a salted hash of the username (soliday.loginlock); no
# address, user agent, username or password is kept.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "soliday.loginlock.PseudonymousDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "soliday.loginlock.client_pseudonym"
AXES_USERNAME_CALLABLE = "soliday.loginlock.username_pseudonym"
AXES_LOCKOUT_CALLABLE = "soliday.loginlock.locked_out"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
# Per account and client: an attacker elsewhere cannot lock a moderator out of the admin.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No record of successful logins, and what axes logs names neither the account nor the client.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "csrfmiddlewaretoken"]

# Two-factor login (soliday.twofactor): staff may set up a TOTP app at /admin/two-factor/;
# members of these groups (e.g. ADMIN_2FA_REQUIRED_GROUPS=Moderators) must, before the
# admin shows them anything else. Empty: optional for everyone.
ADMIN_2FA_REQUIRED_GROUPS = env.list("ADMIN_2FA_REQUIRED_GROUPS", default=[])
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Soliday")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: every interface string exists in English, Belarusian and Russian.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("be", _("Belarusian")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Vilnius")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Files participants send wait here until a moderator approves them. It is never
# under MEDIA_URL: moderators see these files only through a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
# Media on the local disk (the default) or in S3-compatible object storage: MEDIA_STORAGE
# and the S3_* values, read by soliday.storage_settings (see there and .env.example).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local").strip().lower()
_media_storages, MEDIA_URL, MEDIA_ORIGIN = object_storage(
    env, private_media_root=PRIVATE_MEDIA_ROOT, media_url=MEDIA_URL
)
STORAGES = {
    **_media_storages,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Serve user media from Django only in the embedded set-up; production puts a
# web server or object storage in front of MEDIA_URL.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG and MEDIA_STORAGE == "local")

# Largest upload accepted for an editor's lead image, in bytes.
NEWS_IMAGE_MAX_BYTES = env.int("NEWS_IMAGE_MAX_BYTES", default=25 * 1024 * 1024)

# Participants' photos: phones take 48-megapixel pictures of several megabytes.
ACTIONS_PHOTO_MAX_BYTES = env.int("ACTIONS_PHOTO_MAX_BYTES", default=25 * 1024 * 1024)
ACTIONS_PHOTO_MAX_PIXELS = env.int("ACTIONS_PHOTO_MAX_PIXELS", default=50_000_000)
# Submissions per client and window, counted in the shared cache under a salted hash.
ACTIONS_RATE_LIMIT = env.int("ACTIONS_RATE_LIMIT", default=10)
ACTIONS_RATE_WINDOW = env.int("ACTIONS_RATE_WINDOW", default=3600)
# A city with fewer approved actions than this in a campaign is counted and shown
# under its country on every public page, so that no lonely participant is singled out.
ACTIONS_MIN_CITY_COUNT = env.int("ACTIONS_MIN_CITY_COUNT", default=3)
# `manage.py check_files --repair` deletes a file no row points to only once it is older
# than this many seconds: it may belong to a transaction still open (an upload, a task).
ACTIONS_ORPHAN_GRACE = env.int("ACTIONS_ORPHAN_GRACE", default=3600)
# `manage.py purge` deletes rejected and withdrawn actions older than this many days.
ACTIONS_PURGE_DAYS = env.int("ACTIONS_PURGE_DAYS", default=7)
# The moderators' desk: how long opening a pending action claims it for its moderator
# (renewed while the page stays open), and how many bits two photos' perceptual hashes
# may differ by to be shown as likely duplicates.
ACTIONS_CLAIM_SECONDS = env.int("ACTIONS_CLAIM_SECONDS", default=300)
ACTIONS_DUPLICATE_DISTANCE = env.int("ACTIONS_DUPLICATE_DISTANCE", default=3)
# Reports of public photos per client and window (the same salted-hash counting).
ACTIONS_REPORT_RATE_LIMIT = env.int("ACTIONS_REPORT_RATE_LIMIT", default=5)
# How many proxies of ours (load balancer, TLS terminator) append to X-Forwarded-For
# in front of the app; 0 means clients connect directly and REMOTE_ADDR is theirs.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Uploads above this size go to a temporary file instead of memory (not the submission
# form's photo: uploads.PhotoUploadHandler holds it in memory up to ACTIONS_PHOTO_MAX_BYTES).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
# `manage.py worker` refreshes its heartbeat every TASKS_LEASE / 4 seconds; a task left
# RUNNING by a worker not seen for TASKS_LEASE seconds is queued again (soliday.workers).
TASKS_LEASE = env.int("TASKS_LEASE", default=60)
# The same for a worker without heartbeat (a plain db_worker), counted from the task's
# start: longer than any task may run.
TASKS_UNTRACKED_LEASE = env.int("TASKS_UNTRACKED_LEASE", default=3600)

# Security. Production runs behind TLS; the defaults are safe there and are
# relaxed only where DEBUG is on.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'"
    ),
)
# Who may show the embeddable campaign counter (/<lang>/campaigns/<slug>/embed/) in an
# iframe: CSP frame-ancestors sources, e.g. https://partner.example https://*.media.example;
# "*" (the default) is any site; empty: none. Every other page may not be framed at all.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])

# The map's base layer: empty means the offline country outlines served by the portal
# (no request leaves the site). A tile server, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png,
# needs its attribution, and its host is added to the policy's img-src.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
if MAP_TILE_URL:
    _tiles = urlsplit(MAP_TILE_URL)
    if _tiles.scheme not in ("https", "http") or not _tiles.hostname:
        raise ImproperlyConfigured("MAP_TILE_URL must be an http(s) URL with {z}/{x}/{y}.")
    if not all(part in MAP_TILE_URL for part in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured("MAP_TILE_URL must contain {z}, {x} and {y}.")
    if not MAP_TILE_ATTRIBUTION:
        raise ImproperlyConfigured("MAP_TILE_URL needs MAP_TILE_ATTRIBUTION (the tiles' licence).")
    # {s}.tile.example.org: Leaflet's subdomains, allowed as *.tile.example.org.
    MAP_TILE_ORIGIN = f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}"
    CONTENT_SECURITY_POLICY = with_img_source(CONTENT_SECURITY_POLICY, MAP_TILE_ORIGIN)
# Public media served from another origin (object storage, a CDN): pages show its images.
CONTENT_SECURITY_POLICY = with_img_source(CONTENT_SECURITY_POLICY, MEDIA_ORIGIN)

# Logs carry no IP address or user agent: only the level, logger and message.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Two lines for every task run: useful only when debugging the queue.
        "django_tasks": {"level": env.str("TASKS_LOG_LEVEL", default="WARNING")},
        # Its DEBUG records print a page's whole context (a receipt link, a participant's
        # action) for every missing variable: never wanted, even with LOG_LEVEL=DEBUG.
        "django.template": {"level": "INFO"},
        # Five INFO lines for every failed login; the lockouts are WARNINGs.
        "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")},
    },
}
FORMAT_MODULE_PATH = ["soliday.formats"]

# Hashtags: #4Августа and #4августа are one tag.
TAGGIT_CASE_INSENSITIVE = True
