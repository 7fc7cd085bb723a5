"""Settings of the Ratsportal Prävention.

One file, configured by environment variables (see README "Konfiguration"). The defaults run
the demo: DEBUG on, SQLite under var/, console mail, immediate tasks, local-memory cache.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "django-insecure-demo-key-only-for-local-use-never-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_tasks_db",
    "portal",
    "prevention",
    "requests_app",
    "ratsportal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Answers anonymous visitors from the page cache before sessions, CSRF and auth run.
    "portal.pagecache.PageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Must stay last: it turns a lockout into the German lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ratsportal.urls"
WSGI_APPLICATION = "ratsportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://user:pass@host:5432/name. PostgreSQL runs through
# psycopg 3 with its connection pool (DATABASE_POOL=0 turns the pool off, e.g. behind PgBouncer).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
_default_db = dj_database_url.parse(DATABASE_URL)
if _default_db["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", True):
        _default_db["CONN_MAX_AGE"] = 0  # the pool keeps the connections
        _default_db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "1")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
            "timeout": int(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
        }
    else:
        _default_db["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
        _default_db["CONN_HEALTH_CHECKS"] = True
elif _default_db["ENGINE"] == "django.db.backends.sqlite3":
    _default_db.setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then the limit on failures per address over all user names (password spraying).
    "portal.throttle.SprayGuardBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ratsportal:workspace"
LOGOUT_REDIRECT_URL = "ratsportal:home"

# Failed logins: after AXES_FAILURE_LIMIT failures for the same user name from the same address,
# further attempts are refused for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front (nginx: 1). The client's address is read from X-Forwarded-For as
# the last proxy wrote it (portal/throttle.py); forged entries further left are ignored.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.throttle.client_address"
# Failed logins from one address over all user names before that address is refused for
# AXES_COOLOFF_MINUTES (password spraying; portal/throttle.py).
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
# Confirmation mails of e-mail alerts one client address may cause per hour (requests_app/alerts).
ALERT_MAILS_PER_CLIENT_PER_HOUR = int(os.environ.get("ALERT_MAILS_PER_CLIENT_PER_HOUR", "10"))
AXES_VERBOSE = False

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "ratsportal" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Production (DEBUG off): WhiteNoise serves the collected static files with hashed names and
# pre-compressed (gzip/Brotli) copies, so every web process can serve them without nginx.
# This needs `manage.py collectstatic` (docs/deployment.md); with DEBUG on (demo, tests) the
# plain storage works without it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
# Optional: uploads and report PDFs in S3-compatible object storage (MinIO, Ceph, AWS …) instead
# of MEDIA_ROOT, so several hosts share them. Needs `pip install --group s3` (django-storages,
# boto3). Files stay private: the portal's views check publication and stream them.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("MEDIA_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Largest attachment (PDF, PNG, JPEG) the KPR office may upload, in bytes.
PORTAL_UPLOAD_MAX_BYTES = int(os.environ.get("PORTAL_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Cache: Redis when REDIS_URL is set (shared by all web processes), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ratsportal"),
        }
    }
    # {% cache %} fragments: the same Redis, but an outage renders the fragment (no error).
    CACHES["template_fragments"] = {
        **CACHES["default"],
        "BACKEND": "portal.cache.FragmentRedisCache",
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _source_fingerprint() -> str:
    """Changes whenever the deployed code or templates change (their paths, sizes and times)."""
    digest = hashlib.sha256()
    for folder in ("portal", "prevention", "requests_app", "ratsportal", "templates"):
        for path in sorted((BASE_DIR / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".mo"}:
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(BASE_DIR)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()[:12]


# The release whose code rendered a cached page, remembered HTML or a fragment: part of their keys,
# so a deployment never serves markup of the code before it (the data versions stay shared by
# all releases, so invalidation still reaches every process during a rolling restart). Set
# PORTAL_RELEASE (e.g. the git commit) to share entries between hosts of one release.
PORTAL_RELEASE = os.environ.get("PORTAL_RELEASE") or _source_fingerprint()
CACHES.setdefault("template_fragments", {**CACHES["default"]})["VERSION"] = PORTAL_RELEASE

# Page cache for anonymous visitors (portal/pagecache.py): seconds a page may be served from the
# cache at most (pages showing "next meetings" depend on the clock); 0 turns it off. Every
# database write invalidates it, which needs a cache shared by all processes: without REDIS_URL
# it is on only with DEBUG (the single-process demo).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300" if REDIS_URL or DEBUG else "0"))
# The answer header X-Page-Cache: hit|miss tells the cache's state; outsiders need not know it
# (it helps timing which pages were visited). On with DEBUG; the load test turns it on.
PAGE_CACHE_HEADER = env_bool("PAGE_CACHE_HEADER", DEBUG)
# Downloads up to this size (report PDFs) are answered whole, so the page cache can hold them;
# larger ones are streamed from storage.
PAGE_CACHE_MAX_FILE_BYTES = int(os.environ.get("PAGE_CACHE_MAX_FILE_BYTES", str(2 * 1024 * 1024)))
# Never cached (no lookup either): work area, admin, login, alerts (forms), language switch,
# health check. Search results are cached like any public page (popular terms repeat).
PAGE_CACHE_EXCLUDED_PATHS = [
    "/arbeitsbereich/",
    "/admin/",
    "/konto/",
    "/benachrichtigungen/",
    "/i18n/",
    "/healthz",
]

# Background tasks (django.tasks): immediate in the demo and tests, a database queue worked by
# `manage.py db_worker` when TASKS_BACKEND=db.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be 'immediate' or 'db', not {TASKS_BACKEND!r}.")

# PDF rendering of published reports (requests_app/tasks.py, docs/workers.md): attempts before
# a PDF counts as failed, the wait before the second attempt (doubled after that), how long a
# worker's claim on a rendering holds, and when a RUNNING task counts as lost
# (`manage.py requeue_stale_tasks`).
PORTAL_PDF_MAX_ATTEMPTS = int(os.environ.get("PORTAL_PDF_MAX_ATTEMPTS", "3"))
PORTAL_PDF_RETRY_SECONDS = int(os.environ.get("PORTAL_PDF_RETRY_SECONDS", "30"))
PORTAL_PDF_LEASE_SECONDS = int(os.environ.get("PORTAL_PDF_LEASE_SECONDS", "300"))
PORTAL_TASK_STALE_SECONDS = int(os.environ.get("PORTAL_TASK_STALE_SECONDS", "3600"))

# E-mail (Django 6.1 mailers): SMTP when EMAIL_HOST is set, the console otherwise.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ratsportal@stadt-chemnitz.example")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Security. The Content Security Policy forbids inline scripts and styles everywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it
SESSION_COOKIE_AGE = 8 * 60 * 60
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("BEHIND_PROXY", True):
        # nginx terminates TLS and sets X-Forwarded-Proto (docs/deployment.md).
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Answer periods in days, counted from registration (DESIGN §4). BA periods are set by hand.
MOTION_ANSWER_PERIOD_DAYS = {"RA": 28, "IA": 28}

PORTAL_CITY_NAME = os.environ.get("PORTAL_CITY_NAME", "Stadt Chemnitz")
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# Log lines: plain text (default) or JSON (LOG_FORMAT=json), always on stderr for the service
# manager to collect.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        # One JSON object per line for journald/Loki/ELK (LOG_FORMAT=json).
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}{process}",
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
