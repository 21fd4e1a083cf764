"""One settings file; every deployment knob is an environment variable read by a typed helper."""
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from dangjian.core.env import EnvError, database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("DANGJIAN_VAR_DIR", str(BASE_DIR.parent / "var")))

DEBUG = env_bool("DANGJIAN_DEBUG", False)
# The built-in key serves tests and nothing else: dangjian.wsgi refuses to start on it with DEBUG off.
SECRET_KEY = env_str("DANGJIAN_SECRET_KEY", "insecure-dev-key-change-me-for-production-0123456789")
ALLOWED_HOSTS = env_list("DANGJIAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], allow_empty=True)
CSRF_TRUSTED_ORIGINS = env_list("DANGJIAN_CSRF_TRUSTED_ORIGINS", [])

# TLS is the customer's terminator's job (nginx, a load balancer): these follow how it is set up.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DANGJIAN_BEHIND_TLS_PROXY", False) else None
SECURE_SSL_REDIRECT = env_bool("DANGJIAN_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DANGJIAN_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DANGJIAN_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# An intranet host name is never on the browsers' HSTS preload list: the check that asks for it does not apply.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DANGJIAN_SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "auditlog",
    "axes",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.rooms",
    "dangjian.meetings",
    "dangjian.reminders",
    "dangjian.cobuilding",
    "dangjian.points",
    "dangjian.dues",
    "dangjian.recruitment",
    "dangjian.brands",
    "dangjian.learning",
    "dangjian.api",
    "dangjian.demo",
]

MIDDLEWARE = [
    "dangjian.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangjian.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so it sees the authenticated user and the final response of a login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

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
                "dangjian.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}"), base_dir=str(BASE_DIR.parent)
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username/IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: 5 failures for the same username from the same address lock it for 15 minutes.
AXES_ENABLED = env_bool("DANGJIAN_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("DANGJIAN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DANGJIAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Unset by default: WhiteNoise serves straight from the apps (finders). Set it (and run collectstatic)
# for a deployment that serves /static/ from a web server or a compressed manifest.
STATIC_ROOT = env_str("DANGJIAN_STATIC_ROOT", "") or None
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Uploaded files (attachments, photos, signed documents). Several app servers must share them: a shared path
# (DANGJIAN_MEDIA_ROOT on NFS or similar) by default, or an S3-compatible store (DANGJIAN_S3_BUCKET …) through
# django-storages. They are never served from MEDIA_URL: every download passes the scope check (core/files.py).
MEDIA_ROOT = env_str("DANGJIAN_MEDIA_ROOT", str(VAR_DIR / "media"))
X_ACCEL_REDIRECT_PREFIX = env_str("DANGJIAN_X_ACCEL_REDIRECT", "")  # e.g. /protected/ behind deploy/nginx.conf
S3_BUCKET = env_str("DANGJIAN_S3_BUCKET", "")
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": S3_BUCKET, "endpoint_url": env_str("DANGJIAN_S3_ENDPOINT", "") or None,
        "access_key": env_str("DANGJIAN_S3_ACCESS_KEY", ""), "secret_key": env_str("DANGJIAN_S3_SECRET_KEY", ""),
        "default_acl": None, "querystring_auth": True, "file_overwrite": False}}
    if S3_BUCKET else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # With a STATIC_ROOT (make serve, deployments): collectstatic writes hashed, compressed copies that
    # WhiteNoise serves with far-future caching. Without one, files come straight from the apps.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if STATIC_ROOT
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve app static files straight from the apps, so `make run` needs no collectstatic.
WHITENOISE_USE_FINDERS = not STATIC_ROOT
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# A 党委's 党员大会 form carries two fields per member due (mark and reason): Django's default of 1,000 fields
# refused a meeting of 500 with a bare 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000
IMPORT_MAX_BYTES = env_int("DANGJIAN_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Large imports and exports run as background jobs with a progress bar: an upload from about 2,000 rows on (an .xlsx
# roster row is about 85 bytes), an export from 2,000 members on. Smaller ones answer in the request.
IMPORT_TASK_BYTES = env_int("DANGJIAN_IMPORT_TASK_BYTES", 160 * 1024)
EXPORT_TASK_ROWS = env_int("DANGJIAN_EXPORT_TASK_ROWS", 2000)
# A meeting record is locked this many days after the meeting; later changes need the superior's unlock.
MEETING_LOCK_DAYS = env_int("DANGJIAN_MEETING_LOCK_DAYS", 30)
ATTACHMENT_MAX_BYTES = env_int("DANGJIAN_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dangjian API",
    "DESCRIPTION": "党建工作记录系统 JSON API：组织与党员。Token 认证：`Authorization: Token <key>`。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "dangjian.api.schema.document_errors"],
    # one name for the meeting kinds, whether a meeting's or a point rule's (which may also be blank: any kind)
    "ENUM_NAME_OVERRIDES": {"MeetingKindEnum": "dangjian.meetings.models.MeetingKind"},
}

# An empty filter choice reads 全部, not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("全部")

# One cache for every app process: Redis when configured (several app servers must share it), else a per-process
# memory cache, which is right for the single-process embedded install. Login lock-out counts are kept by
# django-axes in the database, shared by every process either way.
CACHE_URL = env_str("DANGJIAN_CACHE_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
                      "TIMEOUT": 300} if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUDITLOG_INCLUDE_ALL_MODELS = False

# Background work through Celery. Without a broker the tasks run in-process (eager), so the embedded
# install needs nothing more; with DANGJIAN_CELERY_BROKER (e.g. redis://127.0.0.1:6379/0) they go to workers,
# and `celery -A dangjian beat` runs the daily reminders.
CELERY_BROKER_URL = env_str("DANGJIAN_CELERY_BROKER", "memory://")
CELERY_TASK_ALWAYS_EAGER = not env_str("DANGJIAN_CELERY_BROKER", "")
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, not when it was received: a worker killed mid-task leaves it on the
# broker to be redelivered. Tasks take ids, re-fetch, and are idempotent (the digest's unique key, keyed reminders).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died (killed, machine lost) unacknowledged goes back to the queue after this many seconds.
# Shorter than a long import is safe: a job still running elsewhere holds its lock and the copy retries later.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("DANGJIAN_CELERY_VISIBILITY_TIMEOUT", 600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {"task": "dangjian.reminders.tasks.compute_daily_reminders",
                        "schedule": 24 * 3600, "options": {"expires": 3600}},
    "purge-old-jobs": {"task": "dangjian.core.tasks.purge_old_jobs", "schedule": 24 * 3600, "options": {"expires": 3600}},
}
DEFAULT_FROM_EMAIL = env_str("DANGJIAN_FROM_EMAIL", "dangjian@localhost")

EMAIL_BACKEND = env_str("DANGJIAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Every line carries the request id (also sent back as X-Request-ID); DANGJIAN_LOG_FORMAT=json for collectors.
LOG_FORMAT = env_str("DANGJIAN_LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise EnvError(f"DANGJIAN_LOG_FORMAT must be text or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "dangjian.core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "dangjian.core.observability.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("DANGJIAN_LOG_LEVEL", "WARNING")},
}
