"""Settings for the Helsefellesskap Oslo portal.

Two modes, chosen by the environment variable PORTAL_ENV:
- "development" (default): DEBUG on, embedded SQLite unless DATABASE_URL is set,
  e-mail to the console, demo logins may be loaded.
- "production": DEBUG off, secrets and hosts from the environment, HTTPS-only cookies,
  HSTS; passes `manage.py check --deploy` with no warnings.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

PORTAL_ENV = os.environ.get("PORTAL_ENV", "development")
if PORTAL_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("PORTAL_ENV must be 'development' or 'production'.")
PRODUCTION = PORTAL_ENV == "production"

DEBUG = not PRODUCTION

if PRODUCTION:
    try:
        SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
        ALLOWED_HOSTS = [h.strip() for h in os.environ["DJANGO_ALLOWED_HOSTS"].split(",")]
    except KeyError as missing:
        raise ImproperlyConfigured(
            f"Production mode needs the environment variable {missing}."
        ) from None
    if not all(ALLOWED_HOSTS) or any("*" in host for host in ALLOWED_HOSTS):
        # A wildcard lets any Host header through, and with it poisoned links in e-mails.
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must name the portal's host names explicitly in production "
            "(comma-separated, no '*')."
        )
else:
    # Development only; production refuses to start without its own key.
    SECRET_KEY = "dev-only-not-secret-8f2d1c0b7a6e5d4c3b2a19087f6e5d4c3b2a1908"
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "helsefellesskap",
    "portfolio",
    "meetings",
    "grants",
    "annual_report",
    "scale_data",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "django_htmx",
    "csp",
    "rules",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "helsefellesskap.request_log.RequestLogMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files are served by the portal itself, compressed and cached, no CDN.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "helsefellesskap.urls"
WSGI_APPLICATION = "helsefellesskap.wsgi.application"

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
                "csp.context_processors.nonce",
                "helsefellesskap.context_processors.portal",
            ],
        },
    },
]

# --- Database: embedded SQLite by default, DATABASE_URL selects another (PostgreSQL). ---
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # In production each worker keeps its connection between requests (a new PostgreSQL
        # connection costs a server process); checked before reuse, so a restarted database
        # server costs one reconnect, not a failed request.
        conn_max_age=60 if PRODUCTION else 0,
        conn_health_checks=PRODUCTION,
    )
}
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a competing writer instead of failing at once with "database is locked": a
    # transaction takes the write lock when it begins (IMMEDIATE), so the wait of up to 20 s
    # applies. With SQLite's default (DEFERRED) a transaction that reads and then writes, as a
    # version-checked cell save does, is refused at once when another writer holds the lock
    # (make bench's load run: 1-4 server errors per run before, 0 after).
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (documents, imports): Django's Tasks API through the django-tasks backport.
# The database backend needs no other service: `manage.py db_worker` (started by `make run`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Seconds the worker may spend on an import (the plan's Excel file, the admin's imports) before
# it stops with a message and writes nothing.
IMPORT_TIME_LIMIT = int(os.environ.get("PORTAL_IMPORT_TIME_LIMIT", "60"))

# --- Cache: rendered fragments (the plan grid's cells, portfolio/cell_fragments.py) ---
# Per process, in memory; a key names one exact rendering, so nothing is ever invalidated, only
# aged out. Room for the cells of several 400-measure plans (Django's default keeps only 300).
# "plan_pages": whole plan grids and change tables (portfolio/grid_cache.py), keyed by the
# plan's state as the database holds it, so a process's own copy is never stale however many
# workers and servers there are: each renders a state once. Up to ~0.6 MB an entry: at most
# 100 (also the plan page's forms, whose keys follow the query string), ~60 MB a process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    },
    "plan_pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "plan-pages",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 100},
    },
    # Rendered parts of other pages (helsefellesskap/fragments.py: a locked meeting's record,
    # the year wheel), keyed by the history state like the plan's: up to ~0.15 MB an entry,
    # at most 500, ~75 MB a process however many new keys edits make.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}

# --- Authentication, roles and login throttling ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Lock the username from that address, so that one office behind a shared NAT address is not
# locked out by a single colleague's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, set AXES_IPWARE_META_PRECEDENCE_ORDER to the proxy's trusted header;
# by default only REMOTE_ADDR is used, which cannot be spoofed by the client.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Language, time zone and formats: Norwegian bokmål ---
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["helsefellesskap.formats"]

# --- Static files, served by the portal itself (WhiteNoise), no CDN ---
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
MEDIA_ROOT = BASE_DIR / "media"

# --- Files the portal keeps: the private files (attachments, report PDFs, generated documents)
# and the admin import's file between preview and confirm. A local folder by default;
# PORTAL_FILE_STORAGE=s3 puts both in one S3-compatible bucket (a prefix each) that every
# application server shares, so that no server keeps state of its own.
PORTAL_FILE_STORAGE = os.environ.get("PORTAL_FILE_STORAGE", "local")
if PORTAL_FILE_STORAGE == "local":
    # Outside MEDIA_ROOT and without a URL, served only by a view that checks who may read them.
    _PRIVATE_FILES = {
        "BACKEND": "helsefellesskap.files.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get("PORTAL_ATTACHMENT_ROOT", str(BASE_DIR / "vedlegg")),
            "base_url": None,
        },
    }
    _IMPORT_FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif PORTAL_FILE_STORAGE == "s3":
    _S3 = {
        "bucket_name": os.environ.get("PORTAL_S3_BUCKET", ""),
        "endpoint_url": os.environ.get("PORTAL_S3_ENDPOINT_URL", ""),
        "region_name": os.environ.get("PORTAL_S3_REGION", ""),
        "access_key": os.environ.get("PORTAL_S3_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("PORTAL_S3_SECRET_ACCESS_KEY", ""),
    }
    if not _S3["bucket_name"]:
        raise ImproperlyConfigured(
            "PORTAL_FILE_STORAGE=s3 needs PORTAL_S3_BUCKET, the name of the portal's private "
            "bucket."
        )
    if bool(_S3["access_key"]) != bool(_S3["secret_key"]):
        raise ImproperlyConfigured(
            "Set both PORTAL_S3_ACCESS_KEY_ID and PORTAL_S3_SECRET_ACCESS_KEY, or neither (the "
            "standard AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the server's role, apply)."
        )
    # Unset values are left to django-storages and boto3 (AWS_* variables, roles, AWS itself).
    _S3 = {option: value for option, value in _S3.items() if value}
    _PRIVATE_FILES = {
        "BACKEND": "helsefellesskap.s3.PrivateS3Storage",
        "OPTIONS": {**_S3, "location": "filer"},
    }
    _IMPORT_FILES = {
        "BACKEND": "helsefellesskap.s3.PrivateS3Storage",
        "OPTIONS": {**_S3, "location": "import"},
    }
else:
    raise ImproperlyConfigured("PORTAL_FILE_STORAGE must be 'local' or 's3'.")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # The uploaded file waits here between import preview and confirm (not in the default
    # temporary folder of the server that showed the preview).
    "import_export": _IMPORT_FILES,
    "attachments": _PRIVATE_FILES,
}
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True

# --- Audit trail ---
SIMPLE_HISTORY_DATE_INDEX = "Composite"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- E-mail: console in development ---
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Helsefellesskap Oslo <noreply@localhost>"
)
# The portal's own address, for links in e-mails ("https://portal.example.no"); when empty
# the links point to the development server, http://127.0.0.1:8000.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")
if PRODUCTION and not PORTAL_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "Set PORTAL_BASE_URL to the portal's https:// address in production: e-mails link to "
        "the portal with it."
    )

# --- Security ---
# No inline scripts or styles anywhere: every script and stylesheet is a file of the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true") == "true"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # One line per request (helsefellesskap/request_log.py).
    "loggers": {"helsefellesskap.requests": {"level": "INFO"}},
}
