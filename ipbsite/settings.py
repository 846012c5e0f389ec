"""Settings for ipbsite: one module, every deployment value from an environment variable.

Self-hosters set variables, not modules. docs/operating.md's "Settings" table lists each
variable, its default and what production wants; keep the two in step. No other module of
the site reads os.environ; gunicorn.conf.py reads gunicorn's own two (IPB_BIND and
WEB_CONCURRENCY), listed in the same table.
"""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from grids import routes

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_rate(name: str, default: str) -> str:
    """A rate in Django REST framework's form, "30/minute": checked here, so a typo stops the
    site at startup rather than failing every request it limits."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"\d+/(s|m|h|d)[a-z]*", value):
        raise ImproperlyConfigured(
            f"{name} must be a rate like 30/minute or 10/hour, not {value!r}"
        )
    return value


def env_secret(name: str, development_default: str) -> str:
    """A secret that may fall back to a development value only while DEBUG is on."""
    value = os.environ.get(name, "")
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} is not set. Set it (see docs/operating.md, Settings), or set "
            "DJANGO_DEBUG=true for local development."
        )
    return development_default


def env_site_url(name: str, development_default: str) -> str:
    """The site's address as students type it: a scheme and a host name (and a port), no path.
    Required with DEBUG off, like the secrets: no request is trusted to say it."""
    value = os.environ.get(name, "").strip()
    if not value and DEBUG:
        value = development_default
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Set it to the site's address as students type it, e.g. "
            "https://blocks.school.example (see docs/operating.md, Settings), or set "
            "DJANGO_DEBUG=true for local development."
        )
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.username is not None
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
    ):
        raise ImproperlyConfigured(
            f"{name} must be an http:// or https:// address with a host name and nothing after "
            f"it, such as https://blocks.school.example, not {value!r}. The site is served from "
            "the root of its host name."
        )
    return f"{parts.scheme}://{parts.netloc}"


def env_frame_ancestors(name: str, default: str) -> list[str]:
    """Who may frame a grid's embed (/embed/<id>): "*" for any site, or origins separated by
    spaces ("https://blog.school.example https://*.moodle.example"), as CSP's frame-ancestors
    reads them. Checked here: a typo would otherwise stop every school's embeds in silence."""
    value = os.environ.get(name, "").strip() or default
    sources = value.split()
    origin = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?")
    if sources == ["*"] or all(origin.fullmatch(source) for source in sources):
        return sources
    raise ImproperlyConfigured(
        f"{name} must be * or origins separated by spaces, such as "
        f"https://blog.school.example, not {value!r}"
    )


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", "development-only-secret-key-never-use-in-production")
# Salt of the public grid ids (grids/ids.py). Changing it after launch changes every new id
# and breaks nothing old, but two sites with one salt hand out the same ids: set your own.
HASHIDS_SALT = env_secret("HASHIDS_SALT", "development-only-hashids-salt")

# Every absolute URL the site writes where no request should decide it (the client's URL
# constants on /about, and whatever a cached page, a download or a command prints) starts with
# this: grids/site_url.py. The one exception is the URL a post answers with, which names the
# host the student reached, as the original did (docs/api.md).
IPB_SITE_URL = env_site_url("IPB_SITE_URL", "http://127.0.0.1:8000")
# The site's links start at the root of its host name whatever the request says: a SCRIPT_NAME
# from a server or a proxy would otherwise prefix every link in a page that is then cached and
# sent to everyone.
FORCE_SCRIPT_NAME = ""
# The sites that may show a grid's embed in a frame (/embed/<id>, issue 24); every other page
# refuses to be framed (X_FRAME_OPTIONS and frame-ancestors below). Default: any site.
IPB_EMBED_FRAME_ANCESTORS = env_frame_ancestors("IPB_EMBED_FRAME_ANCESTORS", "*")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# How many reverse proxies (nginx, a load balancer) stand in front of gunicorn. With one or
# more we trust X-Forwarded-Proto and X-Forwarded-Host, so the URL a post answers with is the
# one the student reached; with none, a client could forge those headers, so we ignore them.
TRUSTED_PROXY_COUNT = env_int("IPB_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# HTTPS (docs/operating.md, HTTPS). Off unless asked for: some schools serve plain
# HTTP on their LAN.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# Never the client's API (grids/routes.py says why). /healthz and /readyz are answered before
# this middleware runs.
SECURE_REDIRECT_EXEMPT = routes.HTTPS_REDIRECT_EXEMPT
# HSTS: once the site is HTTPS-only, browsers are told to keep it so for a year (the preload
# lists' minimum). Sent only over HTTPS, so it never reaches a plain-HTTP LAN.
SECURE_HSTS_SECONDS = env_int(
    "DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SECURE_SSL_REDIRECT else 0
)
# Subdomains of the site's own host name only (*.blocks.school.example, not school.example).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload token only consents to the domain being added to browsers' built-in HTTPS list
# (hstspreload.org), which takes registrable domains, not a school's subdomain. Set it false if
# the site sits on a domain you may one day serve over plain HTTP.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", SECURE_SSL_REDIRECT)
# Cookies (the admin's session and CSRF) only over HTTPS once the site is HTTPS-only; on a
# plain-HTTP LAN a secure cookie would never come back and teachers could not log in.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A secret grid's URL is its only key. "strict-origin" sends just the scheme and host, even to
# our own pages, so /secret/<id> never reaches another site or our own access logs through
# Referer; Django's CSRF check over HTTPS is satisfied by the origin alone.
SECURE_REFERRER_POLICY = "strict-origin"

# Content-Security-Policy, by django-csp 4 (Django's own arrives in 6.0). No inline script
# anywhere; the one inline <style> (a grid's per-grid sizes) is allowed by its hash, added per
# response (ipbsite/http/inline_styles.py). Thumbnails are data: PNGs. The Django admin (5.2) needs
# nothing more: its scripts and styles are files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so `runserver` serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    # The API's OpenAPI schema, and the Swagger UI files served from our own static files.
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "ipbsite.apps.SiteConfig",
    "grids",
    "classes",
]

MIDDLEWARE = [
    # First: a load balancer probes by IP address and over plain HTTP, which ALLOWED_HOSTS and
    # the HTTPS redirect would refuse; probes every few seconds are also kept out of the logs.
    "ipbsite.http.health.HealthCheckMiddleware",
    "ipbsite.http.request_log.RequestLogMiddleware",
    # A body sent in chunks has no length to read it by: 411, before anything reads it.
    "ipbsite.http.length_required.LengthRequiredMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ipbsite.http.inline_styles.InlineStyleCSPMiddleware",
    # Above CachedResponseMiddleware, so its answers are refused in frames too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A grid's cached page or JSON is sent from here: nothing below runs for it.
    "grids.caching.middleware.CachedResponseMiddleware",
    # An open public wall's poll with nothing new: a 304 from the cache, as early.
    "classes.middleware.WallPollMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Below GZip, so the ETag is of the plain body; answers revalidations with 304.
    "django.middleware.http.ConditionalGetMiddleware",
    # Django's own, but not for the API's anonymous requests (ipbsite/http/browser_only.py).
    "ipbsite.http.browser_only.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ipbsite.http.browser_only.AuthenticationMiddleware",
    "ipbsite.http.browser_only.MessageMiddleware",
    # A database outage answers 503 (JSON or a page) instead of a 500.
    "ipbsite.http.database_unavailable.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its refusal page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ipbsite.urls"
WSGI_APPLICATION = "ipbsite.wsgi.application"

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
            ],
        },
    },
]

# PostgreSQL (psycopg 3) in production: DATABASE_URL=postgres://user:password@host:5432/name.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        # Off by default, as in Django: checking a kept connection costs a round trip at the
        # start of every request that uses the database (a sixth of a worker's time on posts,
        # bench/RESULTS.md). Without it, after a database restart each worker answers its first
        # request with a clean 503 (ipbsite/http/database_unavailable.py) and then reconnects.
        conn_health_checks=env_bool("DJANGO_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is down or unreachable, rather than hang the worker
    # (ipbsite/http/database_unavailable.py turns the failure into a 503).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DJANGO_DB_CONNECT_TIMEOUT", 3
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def memcached_cache(servers: list[str]) -> dict:
    """PyMemcacheCache over a pool of servers, built by hand.

    A cache-URL helper would uppercase the option names, and pymemcache takes lowercase keyword
    arguments. Timeouts are short and errors are ignored (read as a miss) because the site must
    keep serving from the database when memcached is down or slow.
    """
    return {
        "BACKEND": "ipbsite.memcached.PersistentPyMemcacheCache",
        "LOCATION": servers,
        "KEY_PREFIX": os.environ.get("IPB_CACHE_KEY_PREFIX", "ipb"),
        "OPTIONS": {
            "connect_timeout": 0.5,
            "timeout": 0.5,
            "ignore_exc": True,
            "no_delay": True,
            "use_pooling": True,
            "max_pool_size": 8,
            # A server that fails is left alone for a few seconds instead of costing every
            # request a timeout, then tried again, so the site uses it soon after it returns;
            # meanwhile the others keep their share of the keys (consistent hashing).
            "retry_attempts": 1,
            "dead_timeout": 5,
        },
    }


MEMCACHED_SERVERS = env_list("MEMCACHED_SERVERS")
CACHES = {
    "default": (
        memcached_cache(MEMCACHED_SERVERS)
        if MEMCACHED_SERVERS
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": os.environ.get("IPB_CACHE_KEY_PREFIX", "ipb"),
        }
    )
}

# Admin login throttling (django-axes): failures are counted in the database, so the limit
# holds across every gunicorn process and host. Per user name and address together, so a
# guesser at one school cannot lock a teacher out everywhere, and other teachers are unaffected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first, so a locked-out login stops here
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("IPB_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("IPB_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The same address the post and report throttles see (IPB_TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "grids.throttling.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
# The site is written in English only, and no middleware picks another language, so the
# translation machinery would only translate English into English. Off, every reverse() and
# {% url %} skips its per-request language lookups, a measurable share of a cold grid page
# and of a post (bench/RESULTS.md).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain files while developing, so a
        # fresh checkout serves without running collectstatic first.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

REST_FRAMEWORK = {
    # The API is anonymous: no sessions, so no CSRF on /post, and no users to look up.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["grids.api.parsers.ClientJSONParser"],
    "EXCEPTION_HANDLER": "grids.api.views.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The API's OpenAPI schema at /api/schema, its Swagger UI at /api/docs (docs/api.md). OpenAPI
# 3.1, because python_version is a tuple ([3, 11, 7, "final", 0]) and only 3.1 can say so
# (prefixItems). The UI's files come from drf-spectacular-sidecar through our own
# static files, never a CDN, and its init script is a file too (SpectacularSwaggerSplitView),
# so the CSP needs no inline script.
SPECTACULAR_SETTINGS = {
    "TITLE": "ipythonblocks.org API",
    "DESCRIPTION": (
        "Post a grid from ipythonblocks and fetch it back. `/post`, `/get/{public_id}` and "
        "`/get/secret/{public_id}` are the routes the ipythonblocks client calls; `/api/...` "
        "serves the same code under names for new scripts."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would send the schema's URL to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# What one posted grid may hold. Defaults fit real classroom use: a photo turned into an
# ImageGrid is tens of thousands of blocks (250,000 is a 500x500 picture), the client's default
# block is 20 px, and a notebook's worth of code is a few dozen cells.
IPB_MAX_BODY_BYTES = env_int("IPB_MAX_BODY_BYTES", 8 * 1024 * 1024)
IPB_MAX_BLOCKS = env_int("IPB_MAX_BLOCKS", 250_000)
IPB_MAX_BLOCK_SIZE = env_int("IPB_MAX_BLOCK_SIZE", 100)
IPB_MAX_CODE_CELLS = env_int("IPB_MAX_CODE_CELLS", 100)
IPB_MAX_CODE_CELL_CHARS = env_int("IPB_MAX_CODE_CELL_CHARS", 50_000)
# Django itself refuses request bodies it reads over this size; ours is checked in the parser.
DATA_UPLOAD_MAX_MEMORY_SIZE = IPB_MAX_BODY_BYTES

# Moderation (docs/teachers.md). Approval first: new posts wait for a teacher before anyone
# else sees them. Automatic hiding: after reports from this many different visitors a grid is
# hidden until a teacher looks; 0 turns it off.
IPB_REQUIRE_APPROVAL = env_bool("IPB_REQUIRE_APPROVAL", False)
IPB_AUTO_HIDE_AFTER_REPORTS = env_int("IPB_AUTO_HIDE_AFTER_REPORTS", 0)
# Reports one client address may send, in Django REST framework's rate form ("N/period").
IPB_THROTTLE_REPORTS = env_rate("IPB_THROTTLE_REPORTS", "10/hour")
# Posts (POST /post, /api/grids) one client address may send. A whole school shares one
# address: a class of 30 posting at once uses 30, and each student posting four times a minute
# still fits, while a script looping on /post is held to two a second.
IPB_THROTTLE_POSTS = env_rate("IPB_THROTTLE_POSTS", "120/minute")

# Seconds a shared cache (a school's proxy, a CDN) may serve a public grid's page or JSON
# without asking again: at most this long can a hidden grid linger there. Browsers always
# revalidate (grids/caching/cache_control.py), so for them hiding is immediate.
IPB_SHARED_CACHE_MAX_AGE = env_int("IPB_SHARED_CACHE_MAX_AGE", 60)

# How many of the latest public grids the home page shows.
IPB_HOME_LATEST_GRIDS = env_int("IPB_HOME_LATEST_GRIDS", 12)
# Memory each process may keep the bodies of cached answers in (grids/caching/responses.py): the
# grid pages and JSON a whole school is opening are then not fetched from memcached each time.
IPB_ANSWER_MEMORY_MB = env_int("IPB_ANSWER_MEMORY_MB", 16)

# One JSON object per line on stdout, with the request id of the request being served, and
# secret grid ids masked (ipbsite/http/request_log.py). RequestLogMiddleware writes one line
# per request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ipbsite.http.request_log.JsonLogFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # runserver's own access lines, in the same format (its default handler prints the
        # raw request line, secret ids and all, to stderr).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
