"""Settings for treem, read from the environment with safe local defaults.

DATABASE_URL  postgres://user@host:5432/name or sqlite:///path (default: var/treem.sqlite3)
SECRET_KEY    required to serve with DEBUG off (50+ characters); commands and tests without it get a
              throw-away key
DEBUG         "1"/"true" for development only (`make run` sets it); off unless asked for
ALLOWED_HOSTS comma-separated
REDIS_URL     redis://host:6379/0: Celery's broker and results (a worker and beat run the background work);
              unset, a task runs at once where it is called (`make run`, tests)
EMAIL_URL     smtp://user:password@host:587/?tls=True (dj-email-url); unset, mail is printed on the console
Production: see "Production settings" in README.md (secure cookies, HSTS, SSL redirect, proxy header,
session idle time, API token lifetime, Content-Security-Policy).
"""

import atexit
import base64
import os
import tempfile
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DATA_DIR = BASE_DIR / "data"


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
DEBUG = env_flag("DEBUG", default=False)  # only when asked for: `make run` sets DEBUG=1
# Served for real: a key from the environment and DEBUG off (tests and one-off commands run without a key).
DEPLOYED = SECRET_KEY_FROM_ENVIRONMENT and not DEBUG
if not SECRET_KEY:
    # DEBUG: a fixed local key (sessions survive a restart of runserver). Otherwise a key that lives as long
    # as the process: enough for commands and tests; treem/wsgi.py refuses to serve with it.
    SECRET_KEY = (
        "insecure-local-development-key-change-me"  # noqa: S105 - local default only
        if DEBUG
        else "throw-away-" + base64.urlsafe_b64encode(os.urandom(48)).decode()
    )
# Encryption at rest (treem.core.crypto): comma-separated Fernet keys, newest first (new values are encrypted
# with the first; any of them opens old ones). Generate one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`. Required when
# deployed; unset otherwise, a local key is derived from SECRET_KEY.
TREEM_ENCRYPTION_KEYS = [
    k.strip() for k in os.environ.get("TREEM_ENCRYPTION_KEYS", "").split(",") if k.strip()
]
# The key of blind indexes (searchable HMACs of encrypted names): 32+ random characters, required when
# deployed, and NEVER rotated casually (every stored index would have to be recomputed from the plain text).
TREEM_BLIND_INDEX_KEY = os.environ.get("TREEM_BLIND_INDEX_KEY", "")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",  # this very name: DRF's token admin depends on it
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "treem.accounts.vendor_apps.AxesConfig",  # axes, named in Vietnamese
    "csp",
    "django_otp",  # the second factor of the roles that open case records (treem.accounts.otp)
    "treem.accounts.otp_apps.TOTPConfig",  # django_otp.plugins.otp_totp, named in Vietnamese
    "treem.core",
    "treem.units",
    "treem.accounts",
    "treem.indicators",
    "treem.plans",
    "treem.entry",
    "treem.reporting",
    "treem.cases",
    "treem.register",
    "treem.dashboard",
    "treem.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "treem.core.middleware.limit_request_size",  # before anything reads the body (413, treem.core.uploads)
    "treem.core.middleware.reject_nul_bytes",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "treem.core.middleware.request_id",
    "treem.core.middleware.vietnamese_unless_chosen",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor in this session
    "treem.accounts.middleware.attach_scope",
    "treem.accounts.middleware.renew_idle_session",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "treem.urls"
WSGI_APPLICATION = "treem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "treem" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "treem.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'treem.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers queue instead of failing with "database is locked": WAL lets readers go on while
    # one transaction writes; IMMEDIATE takes the write lock when a transaction begins (one that read first
    # could otherwise not upgrade its lock, and SQLite fails it at once), and the busy timeout makes the next
    # writer wait for the lock (docs/benchmarks.md, "Concurrent entry and imports").
    SQLITE_BUSY_SECONDS = int(os.environ.get("SQLITE_BUSY_SECONDS", "30"))
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_SECONDS,
        "init_command": (
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}"
        ),
    }
    # Tests use a file of their own (one per process), not shared-cache memory: its table locks fail at
    # once instead of waiting, so concurrent tests would not see the locking production has. Django deletes
    # the file after the tests; its WAL files (and the file, after an interrupted run) go when the process ends.
    _TEST_SQLITE = Path(tempfile.gettempdir()) / f"treem-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_TEST_SQLITE)}

    def _remove_test_sqlite() -> None:
        for end in ("", "-wal", "-shm"):
            Path(f"{_TEST_SQLITE}{end}").unlink(missing_ok=True)

    atexit.register(_remove_test_sqlite)

# An upload checked and waiting for confirmation may be confirmed for this many hours; then it must be
# uploaded again, and `manage.py purge_staged_imports` deletes it.
TREEM_STAGED_IMPORT_HOURS = int(os.environ.get("TREEM_STAGED_IMPORT_HOURS", "24"))
# Reporting reminders (docs/reporting.md): the "before" reminder this many days ahead of a deadline, and
# overdue reminders only this many days after it (a long-closed round mails nobody).
TREEM_REMINDER_DAYS_BEFORE = int(os.environ.get("TREEM_REMINDER_DAYS_BEFORE", "7"))
TREEM_REMINDER_OVERDUE_DAYS = int(os.environ.get("TREEM_REMINDER_OVERDUE_DAYS", "30"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end SESSION_COOKIE_AGE seconds after the last request (treem.accounts.middleware.renew_idle_session
# renews a signed-in session at most once a minute, instead of SESSION_SAVE_EVERY_REQUEST's write per request).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
# Roles that open case records (commune and district officers, case managers) must verify a second factor
# (TOTP) before any case page (docs/second-factor.md), and their sessions end after this many seconds idle
# (or SESSION_COOKIE_AGE, if shorter).
TREEM_CASE_IDLE_SECONDS = int(os.environ.get("TREEM_CASE_IDLE_SECONDS", str(30 * 60)))
# The name authenticator apps show beside the account; a wrong code makes the next try wait 1, 2, 4, 8 … s.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "treem")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin site never shows a device's key (nor its QR code)
# Case counts from 1 to TREEM_SMALL_COUNT - 1 are shown as "< N" outside case management (treem.cases.selectors).
TREEM_SMALL_COUNT = int(os.environ.get("TREEM_SMALL_COUNT", "5"))
# The largest case list exported to Excel at once (a longer one must be filtered first).
TREEM_CASE_EXPORT_LIMIT = int(os.environ.get("TREEM_CASE_EXPORT_LIMIT", "5000"))
# API tokens (`Authorization: Token …` or `ApiToken …`) expire this many days after they were made; owners
# revoke theirs.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))
# The API refuses a password (HTTP Basic, as DHIS2 clients send it) that came over plain HTTP: on by default
# when deployed (a SECRET_KEY given, DEBUG off), off for `make run` and tests. Behind a TLS proxy, set
# SECURE_PROXY_SSL_HEADER (below) so that requests that came over HTTPS are seen as such.
TREEM_API_BASIC_HTTPS_ONLY = env_flag("TREEM_API_BASIC_HTTPS_ONLY", default=DEPLOYED)

# HTTPS. Cookies are secure and HSTS is sent whenever DEBUG is off; a deployment (a SECRET_KEY given, DEBUG
# off) also redirects plain HTTP to HTTPS. Behind a proxy that terminates TLS, name the header it sets:
# SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto,https" (only if the proxy overwrites that header from clients).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = env_flag("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=DEPLOYED)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", default=True)


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """ "X-Forwarded-Proto,https" (or "HTTP_X_FORWARDED_PROTO,https") → Django's (META key, value)."""
    if not value.strip():
        return None
    name, _, expected = value.partition(",")
    key = name.strip().upper().replace("-", "_")
    return (key if key.startswith("HTTP_") else f"HTTP_{key}", expected.strip() or "https")


SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", ""))

# Content-Security-Policy (django-csp): scripts only from our own static files; an inline <script> must
# carry the request's nonce (`<script nonce="{{ request.csp_nonce }}">`), and inline event handlers
# (onclick=…) never run. Inline styles are allowed: plotly.js inserts its style sheets at run time.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# django-axes: lock an account+address pair after 5 failures for one hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_flag("AXES_ENABLED", default=True)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# treem's English catalogue first (makemessages writes there); then Vietnamese for the messages of Django's
# admin, django-axes and DRF that their own catalogues leave in English (docs/i18n.md).
LOCALE_PATHS = [BASE_DIR / "treem" / "locale", BASE_DIR / "treem" / "vendor_locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"

# Periods may fall from this year to this many years after the current one (treem.core.periods).
TREEM_FIRST_YEAR = int(os.environ.get("TREEM_FIRST_YEAR", "2000"))
TREEM_YEARS_AHEAD = int(os.environ.get("TREEM_YEARS_AHEAD", "10"))
USE_I18N = True
USE_TZ = True
# Vietnamese formats: dd/mm/yyyy, decimal comma, thousands dot (the vi locale needs NUMBER_GROUPING to group).
USE_THOUSAND_SEPARATOR = True
NUMBER_GROUPING = 3
FORMAT_MODULE_PATH = ["treem.formats"]

STATIC_URL = "/static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "treem.dashboard.staticfinders.PlotlyFinder",  # plotly.min.js from the installed plotly package
]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Attachments (treem.core.storage.private_storage): a directory no URL leads to, never under STATIC_ROOT or
# MEDIA_ROOT; a file is sent only by a view that checks the user's scope first.
TREEM_PRIVATE_FILES_DIR = Path(os.environ.get("TREEM_PRIVATE_FILES_DIR", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_flag("STATIC_MANIFEST", default=DEPLOYED)  # hashed names need `collectstatic` first
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600

# API sign-in (treem.accounts.authentication): HTTP Basic first, so that a missing or bad credential is a 401
# with its `WWW-Authenticate: Basic` challenge (DRF takes the first class's), then `Token`/`ApiToken` keys,
# then the browser's session (with CSRF).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "treem.accounts.authentication.PasswordAuthentication",
        "treem.accounts.authentication.ExpiringTokenAuthentication",
        "treem.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "treem API",
    "DESCRIPTION": "Kế hoạch bảo vệ, chăm sóc trẻ em: units, agencies, plans (read); data values (DHIS2 dataValueSets, read and write); target evaluations; child protection cases (records within the case scope, counts with small numbers suppressed).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Background work: Celery (treem/celery.py) on Redis. Without REDIS_URL there is no broker: a task runs
# at once in the process that calls it and its errors propagate to the caller (`make run`, tests).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"  # arguments are plain values (ids, codes), never model instances
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# `celery -A treem beat` sends these; the task names are the contract with the apps that define them.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "treem.reporting.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),  # every day at 07:00, CELERY_TIMEZONE (Asia/Ho_Chi_Minh)
    },
    "derive-figures": {  # figures derived from the register and cases, every province (treem.register)
        "task": "treem.register.tasks.derive_current_periods",
        "schedule": crontab(hour=1, minute=30),  # every night at 01:30, after the day's records
    },
}

# Email, from EMAIL_URL (dj-email-url: smtp://, submission://, console:, …); unset, mail is printed on the
# console. A slow mail server gives up after EMAIL_TIMEOUT seconds instead of holding a worker.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _email = dj_email_url.parse(EMAIL_URL)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "treem <no-reply@treem.local>")
# The address of the site as users reach it, without a trailing slash: links in emails (reminders) start here.
TREEM_SITE_URL = os.environ.get("TREEM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
