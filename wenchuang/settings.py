"""Settings for 文创E点通. Every deploy-specific value comes from the environment (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as _csp_nonce
from django.core.exceptions import ImproperlyConfigured

from wenchuang.env import env_bool, env_choice, env_date, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WENCHUANG_VAR_DIR", str(BASE_DIR / "var")))
# Parallel test workers (pytest-xdist) each keep their files apart (uploads, error workbooks, reports),
# as they keep their test databases apart.
if os.environ.get("PYTEST_XDIST_WORKER"):
    VAR_DIR = VAR_DIR / f"test-{os.environ['PYTEST_XDIST_WORKER']}"
DATA_DIR = BASE_DIR / "data"

# WENCHUANG_PRODUCTION=1 switches on the deployment hardening below (HTTPS-only cookies, HSTS, SSL
# redirect, shared cache) and refuses to start with DEBUG or without secrets.
PRODUCTION = env_bool("WENCHUANG_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")
# The embedded default runs without any configuration; production sets SECRET_KEY explicitly.
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "wenchuang-local-only-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "wenchuang.accounts.apps.WenchuangAdminConfig",  # the admin site with 2FA and 403 for non-staff
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_fsm_log",  # persisted state transitions of every workflow (django-fsm-2)
    "wenchuang.core",
    "wenchuang.accounts",
    "wenchuang.classify",
    "wenchuang.registry",
    "wenchuang.plan",
    "wenchuang.stats",
    "wenchuang.approval",  # data approval, publication lock, reporting completeness
    "wenchuang.ingest",
    "wenchuang.rules",
    "wenchuang.policy",
    "wenchuang.finance",
    "wenchuang.projects",  # key-project library
    "wenchuang.assessment",  # tasks of the six programmes, annual assessment
    "wenchuang.reports",
    "wenchuang.web",
    "wenchuang.demo",
    "wenchuang.ops",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc assets as static files: the docs work offline
    "wenchuang.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wenchuang.accounts.middleware.RequestContextMiddleware",  # request id; audits every 403/429
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wenchuang.web.middleware.LanguageMiddleware",  # zh-hans unless the user switched language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wenchuang.accounts.middleware.AccountPolicyMiddleware",  # idle timeout, mandatory 2FA, password age
    "wenchuang.web.middleware.DomainErrorMiddleware",  # a refusal no view handled → Chinese page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "wenchuang.urls"
WSGI_APPLICATION = "wenchuang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wenchuang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wenchuang.web.context_processors.platform",
                "wenchuang.web.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'wenchuang.sqlite3'}"
# Health checks: a connection kept across requests is tested before reuse, so after a database restart
# the first request of each worker reconnects instead of failing on a dead socket.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the busy timeout absorbs short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # SQLite creates the file but not its directory: a fresh WENCHUANG_VAR_DIR must work for any command
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts before checking passwords
    "django.contrib.auth.backends.ModelBackend",
]

# Passwords: >= 12 characters, >= 3 of 4 character classes, not a common password (Django's list of
# 20,000), not similar to the username; administrators change theirs at least every 90 days.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "wenchuang.accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wenchuang.accounts.validators.StrengthValidator", "OPTIONS": {"min_score": 3}},
    {"NAME": "wenchuang.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": 5}},
]
WENCHUANG_ADMIN_PASSWORD_MAX_AGE_DAYS = env_int("WENCHUANG_ADMIN_PASSWORD_MAX_AGE_DAYS", 90)

# Lockout (django-axes): 5 failed logins lock the account for 15 minutes; each lockout is audited.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# An account locks after 5 failures from anywhere; an IP locks after 5 failures across accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Client IP is REMOTE_ADDR unless the deployment says how many trusted proxies sit in front.
AXES_IPWARE_PROXY_COUNT = env_int("WENCHUANG_TRUSTED_PROXY_COUNT", 0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    if env_int("WENCHUANG_TRUSTED_PROXY_COUNT", 0)
    else ("REMOTE_ADDR",)
)

# Sessions: 30 minutes idle (15 for administrators), enforced by AccountPolicyMiddleware; a new session
# key at every login (django.contrib.auth.login); at most 8 hours in all; gone when the browser closes.
WENCHUANG_IDLE_TIMEOUT_MINUTES = env_int("WENCHUANG_IDLE_TIMEOUT_MINUTES", 30)
WENCHUANG_ADMIN_IDLE_TIMEOUT_MINUTES = env_int("WENCHUANG_ADMIN_IDLE_TIMEOUT_MINUTES", 15)
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Two-factor authentication (django-otp TOTP).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "文创E点通")
# Nobody, superuser included, can read another account's TOTP secret or QR code in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Rate limits (django-ratelimit) on login, 2FA and claim; the API will use the same cache.
WENCHUANG_LOGIN_RATE = env_str("WENCHUANG_LOGIN_RATE", "20/m")
RATELIMIT_VIEW = "wenchuang.accounts.views.rate_limited"
WENCHUANG_INVITATION_DAYS = env_int("WENCHUANG_INVITATION_DAYS", 14)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "wenchuang" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "wenchuang" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Statistical confidentiality of published aggregates (stats.disclosure): threshold rule (fewer
# respondents are withheld) and (n, k) dominance rule (the n largest above k % are withheld; k=0 off).
WENCHUANG_DISCLOSURE_MIN_COUNT = env_int("WENCHUANG_DISCLOSURE_MIN_COUNT", 3)
WENCHUANG_DISCLOSURE_DOMINANCE_N = env_int("WENCHUANG_DISCLOSURE_DOMINANCE_N", 1)
WENCHUANG_DISCLOSURE_DOMINANCE_K = env_int("WENCHUANG_DISCLOSURE_DOMINANCE_K", 85)
# Hangzhou's 14th plan is the built-in default; another city or plan is another file.
WENCHUANG_DEFAULT_PLAN = env_str("WENCHUANG_DEFAULT_PLAN", "hangzhou-14th-culture")
WENCHUANG_CITY_CODE = env_str("WENCHUANG_CITY_CODE", "330100")
# The deployment's region (GB/T 2260 code) and level: a city (default: WENCHUANG_CITY_CODE, one city's
# districts and counties), a province (its cities and their counties) or the nation ("000000"). Set-up
# loads that region's divisions; an office bound to no region sees all of it (registry.regions).
WENCHUANG_REGION_CODE = env_str("WENCHUANG_REGION_CODE", "") or WENCHUANG_CITY_CODE


def _region_level(code: str) -> str:
    # The same rule as registry.regions.region_level, which settings cannot import (it loads models).
    if not (len(code) == 6 and code.isdigit()):
        raise ImproperlyConfigured(f"WENCHUANG_REGION_CODE must be a 6-digit GB/T 2260 code, got {code!r}")
    if code == "000000":
        return "nation"
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"


WENCHUANG_DEPLOYMENT_LEVEL = env_choice(
    "WENCHUANG_DEPLOYMENT_LEVEL", _region_level(WENCHUANG_REGION_CODE), ("city", "province", "nation")
)
if _region_level(WENCHUANG_REGION_CODE) != WENCHUANG_DEPLOYMENT_LEVEL:
    raise ImproperlyConfigured(
        f"WENCHUANG_DEPLOYMENT_LEVEL={WENCHUANG_DEPLOYMENT_LEVEL} does not match "
        f"WENCHUANG_REGION_CODE={WENCHUANG_REGION_CODE} (a {_region_level(WENCHUANG_REGION_CODE)} code)"
    )
WENCHUANG_MAP_GEOJSON = Path(
    env_str("WENCHUANG_MAP_GEOJSON", f"{DATA_DIR}/reference/hangzhou-330100.geojson")
)
# Documents to submit (GB/T 9704-2012): the issuing office printed on the cover, the date (成文日期;
# empty = the day the version is finalised), and which font names a DOCX declares ("free": the installed
# stand-ins, "official": 方正小标宋简体 / 仿宋_GB2312 / 黑体 / 楷体_GB2312 for offices that have them).
# Where the rollup's aggregation runs (stats.engine): "database" (one GROUP BY in PostgreSQL/SQLite) or
# "dask" (partitioned Parquet on a Dask distributed cluster; results written back into the same fact
# table). With "dask" and no scheduler address, a local cluster of worker processes is started per job.
WENCHUANG_ROLLUP_ENGINE = env_choice("WENCHUANG_ROLLUP_ENGINE", "database", ("database", "dask"))
WENCHUANG_DASK_SCHEDULER = env_str("WENCHUANG_DASK_SCHEDULER", "")  # e.g. tcp://127.0.0.1:8786
WENCHUANG_DASK_WORKERS = env_int("WENCHUANG_DASK_WORKERS", 2)  # local cluster only
WENCHUANG_PARQUET_DIR = Path(env_str("WENCHUANG_PARQUET_DIR", "") or str(VAR_DIR / "parquet"))
WENCHUANG_REPORT_ISSUER = env_str("WENCHUANG_REPORT_ISSUER", "杭州市文化创意产业办公室")
WENCHUANG_REPORT_DATE = env_date("WENCHUANG_REPORT_DATE")
WENCHUANG_REPORT_DOCX_FONTS = env_choice("WENCHUANG_REPORT_DOCX_FONTS", "free", ("free", "official"))
# Key for personal-data encryption at rest; falls back to one derived from SECRET_KEY locally.
WENCHUANG_FIELD_KEYS = env_list("WENCHUANG_FIELD_KEYS", [])

# Imports larger than this are refused with a message (a 2 GB upload never reaches the parser).
WENCHUANG_IMPORT_MAX_BYTES = env_int("WENCHUANG_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
# Upload limits checked while reading, before the work (ingest.limits), and the stuck-batch timeout.
WENCHUANG_IMPORT_MAX_UNPACKED_BYTES = env_int("WENCHUANG_IMPORT_MAX_UNPACKED_BYTES", 300 * 1024 * 1024)
WENCHUANG_IMPORT_MAX_RATIO = env_int("WENCHUANG_IMPORT_MAX_RATIO", 200)
WENCHUANG_IMPORT_MAX_ROWS = env_int("WENCHUANG_IMPORT_MAX_ROWS", 250_000)
WENCHUANG_IMPORT_MAX_COLUMNS = env_int("WENCHUANG_IMPORT_MAX_COLUMNS", 300)
WENCHUANG_IMPORT_MAX_CELL_CHARS = env_int("WENCHUANG_IMPORT_MAX_CELL_CHARS", 32767)
WENCHUANG_IMPORT_MAX_ERROR_ROWS = env_int("WENCHUANG_IMPORT_MAX_ERROR_ROWS", 20_000)
WENCHUANG_IMPORT_STALE_MINUTES = env_int("WENCHUANG_IMPORT_STALE_MINUTES", 30)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request is audited already: one log line, no traceback.
    "filters": {"denials_one_line": {"()": "wenchuang.core.logging.ExpectedDenialFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Audit rows live in the database; echoing each to the console is opt-in (AUDIT_LOG_LEVEL=INFO).
        "wenchuang.audit": {"level": env_str("AUDIT_LOG_LEVEL", "WARNING")},
        "django.request": {"filters": ["denials_one_line"]},
        # Libraries' progress and debug chatter (jieba's dictionary load, WeasyPrint's layout steps).
        "jieba": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Security headers. CSP: same-origin only (assets come from npm, never a CDN); inline scripts and styles
# need the per-request nonce ({{ request.csp_nonce }}); no framing (frame-ancestors 'none' + X-Frame-Options).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _csp_nonce],
        "style-src": ["'self'", _csp_nonce],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The embedded default keeps rate-limit counters per process; production shares them through memcached.
CACHES = {
    "default": {
        "BACKEND": env_str(
            "CACHE_BACKEND",
            "django.core.cache.backends.memcached.PyMemcacheCache"
            if PRODUCTION
            else "django.core.cache.backends.locmem.LocMemCache",
        ),
        "LOCATION": env_str("CACHE_LOCATION", "127.0.0.1:11211" if PRODUCTION else "wenchuang"),
    }
}
SILENCED_SYSTEM_CHECKS = [] if PRODUCTION else ["django_ratelimit.E003"]

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_int("WENCHUANG_TRUSTED_PROXY_COUNT", 0):
        # TLS ends at the reverse proxy, which must set X-Forwarded-Proto.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not WENCHUANG_FIELD_KEYS:
        raise ImproperlyConfigured(
            "WENCHUANG_FIELD_KEYS must be set in production (personal-data encryption)"
        )

# The REST API (/api/v1/). Session first: a browser (or anonymous caller) without credentials gets a
# 403 JSON body, which the permission matrix and the denial audit treat like any other denial; scripts
# send "Authorization: Token <key>" (keys stored hashed, see wenchuang/api/models.py).
WENCHUANG_API_RATE_ANON = env_str("WENCHUANG_API_RATE_ANON", "60/min")
WENCHUANG_API_RATE_USER = env_str("WENCHUANG_API_RATE_USER", "600/min")
WENCHUANG_API_TOKEN_MAX_DAYS = env_int("WENCHUANG_API_TOKEN_MAX_DAYS", 365)
REST_FRAMEWORK = {
    # The token scheme first: DRF answers a caller without credentials 401 + `WWW-Authenticate: Token`
    # only when the first class names a scheme. Sessions (browsable docs, the web UI) still work.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wenchuang.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Rates are read from the settings above at request time (so tests can override them).
    "DEFAULT_THROTTLE_CLASSES": [
        "wenchuang.api.throttling.AnonThrottle",
        "wenchuang.api.throttling.UserThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "wenchuang.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wenchuang.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Anonymous rate limits key on the client IP: trust X-Forwarded-For only behind known proxies.
    "NUM_PROXIES": env_int("WENCHUANG_TRUSTED_PROXY_COUNT", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "文创E点通 API",
    "DESCRIPTION": (
        "文化产业数据库、规划指标监测与企业服务的 REST 接口（v1）。公开接口只提供已发布的汇总数据。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "wenchuang.api.exceptions.document_errors",
    ],
}

WENCHUANG_BACKUP_DIR = Path(env_str("WENCHUANG_BACKUP_DIR", str(VAR_DIR / "backups")))
WENCHUANG_AUDIT_RETENTION_DAYS = 180  # the database trigger refuses to delete younger audit rows
