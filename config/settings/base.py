"""Settings shared by every environment.

Configuration comes from the environment (12-factor). ``make run`` and ``make test`` start
embedded PostgreSQL and Redis when ``DATABASE_URL``/``REDIS_URL`` are unset and write their
addresses to ``.data/services.env``, which is read here so ``./manage.py`` works beside them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from psycopg.conninfo import conninfo_to_dict

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
_services_env = BASE_DIR / ".data" / "services.env"
if _services_env.exists():
    environ.Env.read_env(str(_services_env), overwrite=False)


def database_from_url(url: str) -> dict[str, Any]:
    """Turn any libpq URL (TCP or unix socket, e.g. ``?host=/path``) into Django settings."""
    try:
        params: dict[str, Any] = dict(conninfo_to_dict(url))
    except Exception as exc:  # psycopg raises ProgrammingError for malformed URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid PostgreSQL URL: {exc}") from exc
    return {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": params.pop("dbname", "gymplatform"),
        "USER": params.pop("user", ""),
        "PASSWORD": params.pop("password", ""),
        "HOST": params.pop("host", ""),
        "PORT": str(params.pop("port", "")),
        # psycopg's pool keeps connections open across requests (ASGI included) without leaking
        # them; django-tenants sets search_path on every cursor, so pooled connections are safe
        # (ARCHITECTURE.md section 3: never PgBouncer in transaction mode).
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            **params,
            "pool": {
                "min_size": env.int("DB_POOL_MIN", default=2),
                "max_size": env.int("DB_POOL_MAX", default=10),
                "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
            },
        },
    }


def redis_url(db: int) -> str:
    """The Redis server of ``REDIS_URL`` with logical database ``db``."""
    base = env.str("REDIS_URL", default="")
    if not base:
        raise ImproperlyConfigured(
            "REDIS_URL is not set. Run through `make run`/`make test`, which start an embedded "
            "Redis, or export REDIS_URL=redis://host:port."
        )
    head, _, tail = base.rstrip("/").partition("://")
    host = tail.split("/", 1)[0]
    return f"{head}://{host}/{db}"


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# The platform's base domain: gyms live at <subdomain>.<PLATFORM_DOMAIN>, the public site at
# PLATFORM_DOMAIN itself. `localhost` works in development because browsers and curl resolve
# *.localhost to loopback.
PLATFORM_DOMAIN = env.str("PLATFORM_DOMAIN", default="localhost")
PLATFORM_NAME = "Gymstack"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"])

_database_url = env.str("DATABASE_URL", default="")
if not _database_url:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Run through `make run`/`make test`, which start an embedded "
        "PostgreSQL, or export DATABASE_URL=postgresql://user@host:5432/dbname."
    )
DATABASES = {"default": database_from_url(_database_url)}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Tenancy (django-tenants): see docs/architecture/adr/0001-identities-and-memberships.md
SHARED_APPS = [
    "django_tenants",
    "apps.common",
    "apps.users",
    "apps.organizations",
    "apps.edge",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
]
# Sessions live in each gym's schema, so a session made on one gym's host means nothing on
# another's: the cookie is host-only and the row is not even visible there.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "apps.workouts",
    "apps.medical",
    "apps.medical.audit",  # health-data audit trail (wt-audit)
    "apps.trainers",
    "apps.plugins",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "organizations.Gym"
TENANT_DOMAIN_MODEL = "organizations.Domain"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# New spare schemas are cloned from this migrated template instead of running every migration.
TENANT_BASE_SCHEMA = "gym_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_SUBPROCESS_PARALLEL = env.int("TENANT_SUBPROCESS_PARALLEL", default=2)
# How many unclaimed, migrated schemas to keep ready for instant sign-up.
GYM_SPARE_POOL_SIZE = env.int("GYM_SPARE_POOL_SIZE", default=3)
# Subdomains nobody may claim.
RESERVED_SUBDOMAINS = frozenset(
    {
        "www",
        "admin",
        "api",
        "public",
        "app",
        "static",
        "media",
        "mail",
        "smtp",
        "ftp",
        "help",
        "support",
        "status",
        "docs",
        "blog",
        "dashboard",
        "login",
        "signup",
        "auth",
        "account",
        "accounts",
        "billing",
        "cdn",
        "assets",
        "dev",
        "test",
        "staging",
        "root",
        "system",
        "internal",
        "template",
        "gym-template",
    }
)

MIDDLEWARE = [
    # Order matters; docs/architecture/request-flow.md explains each step.
    "apps.edge.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.edge.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.edge.middleware.GymRoutingMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "apps.edge.middleware.MembershipMiddleware",
]

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
                "apps.edge.context_processors.gym",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Identity
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "apps.users.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: 5 failures per (username, IP) lock that pair out for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "apps.edge.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "apps.edge.lockout.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_VERBOSE = False

# Personal API tokens
API_TOKEN_DEFAULT_LIFETIME = timedelta(days=90)
API_TOKEN_MAX_LIFETIME = timedelta(days=365)

# --- API edge
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.edge.api.authentication.ApiTokenAuthentication",
        "apps.edge.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.common.api.permissions.IsActiveGymMember"],
    "DEFAULT_PAGINATION_CLASS": "apps.common.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "apps.common.api.throttling.GymRateThrottle",
        "apps.common.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "apps.common.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Client IPs come from REMOTE_ADDR; X-Forwarded-For is trusted only behind as many proxies as
    # this says (set it, and uvicorn's --forwarded-allow-ips, when deploying behind one).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
# Requests per minute by the gym's plan, per gym and per user.
API_RATE_LIMITS = {
    "free": {"gym": 600, "user": 120},
    "pro": {"gym": 3000, "user": 600},
    "enterprise": {"gym": 15000, "user": 3000},
}
API_ANON_RATE_PER_MINUTE = 30  # public host (sign-up), per IP
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # 1 MiB bodies; larger ones get 400

SPECTACULAR_SETTINGS = {
    "TITLE": "Gymstack API",
    "DESCRIPTION": (
        "Every gym's API lives on its own host: https://<gym>.<platform>/api/v1/. "
        "Authenticate with a session or a personal API token (`Authorization: Bearer <token>`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.common.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "apps.organizations.models.ROLE_CHOICES",
        "MembershipStatusEnum": "apps.organizations.models.MEMBERSHIP_STATUS_CHOICES",
        # -- workouts: core --
        "ExerciseSourceEnum": "apps.workouts.facade.contracts.EXERCISE_SOURCES",
        "ExerciseCategoryEnum": "apps.workouts.facade.contracts.EXERCISE_CATEGORIES",
        "ExerciseLevelEnum": "apps.workouts.facade.contracts.LEVELS",
        "MechanicEnum": "apps.workouts.facade.contracts.MECHANICS",
        "ForceEnum": "apps.workouts.facade.contracts.FORCES",
        "EquipmentEnum": "apps.workouts.facade.contracts.EQUIPMENT",
        "MuscleEnum": "apps.workouts.facade.contracts.MUSCLES",
        "TrainingGoalEnum": "apps.workouts.facade.contracts.GOALS",
        "ExperienceEnum": "apps.workouts.facade.contracts.EXPERIENCES",
        "ProgramStatusEnum": "apps.workouts.facade.contracts.PROGRAM_STATUSES",
        "ProgramSourceEnum": "apps.workouts.facade.contracts.PROGRAM_SOURCES",
    },
}

CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"

# --- Redis: cache (tenant-scoped keys), broker, channel layer
CACHES = {
    "default": {
        "BACKEND": "apps.common.cache.SharedClientRedisCache",
        "LOCATION": redis_url(0),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="gym"),
    },
    # Platform-wide keys (host routing, throttles of the public host); never tenant-prefixed.
    "platform": {
        "BACKEND": "apps.common.cache.SharedClientRedisCache",
        "LOCATION": redis_url(0),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="gym") + ":platform",
    },
}
GYM_ROUTE_CACHE_SECONDS = 3600

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or redis_url(1)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message a worker took but never acknowledged (the worker died) is redelivered after this.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "common.relay_outbox", "schedule": 2.0},
    "top-up-spare-gyms": {"task": "organizations.top_up_spare_gyms", "schedule": 60.0},
    "purge-outbox": {"task": "common.purge_outbox", "schedule": 6 * 3600.0},
}
# Integration events: delivery retries back off exponentially, then dead-letter.
EVENTS_MAX_ATTEMPTS = env.int("EVENTS_MAX_ATTEMPTS", default=6)
EVENTS_RETRY_BASE_SECONDS = env.float("EVENTS_RETRY_BASE_SECONDS", default=2.0)
EVENTS_RETRY_MAX_SECONDS = 600.0
EVENTS_RELAY_BATCH = 200
# Dispatched outbox rows and idempotency claims are kept this long, then purged.
EVENTS_RETENTION_DAYS = env.int("EVENTS_RETENTION_DAYS", default=14)

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [redis_url(2)]},
    }
}

# --- Static files and i18n
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security headers (production tightens the transport ones)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
CONTENT_SECURITY_POLICY_API_DOCS = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'"
)

# --- Logging: JSON lines carrying the request id and gym
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "apps.common.logging.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(gym)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Field encryption (apps.common.crypto, ADR 0013): "v2:<base64 32 bytes>,v1:<...>" from the
# environment, never derived from SECRET_KEY. The current key (default: the first) encrypts.
ENCRYPTION_KEYS = env.str("GYM_ENCRYPTION_KEYS", default="")
ENCRYPTION_CURRENT_KEY = env.str("GYM_ENCRYPTION_CURRENT_KEY", default="")

# --- MFA, sessions and re-authentication (apps.users, apps.edge; ADR 0014)
SHARED_APPS = [*SHARED_APPS, "django_otp", "django_otp.plugins.otp_static"]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]
MIDDLEWARE = [
    *MIDDLEWARE,
    "apps.edge.middleware.SessionPolicyMiddleware",
    "apps.edge.middleware.MfaMiddleware",
    "apps.edge.middleware.DecryptionFailureMiddleware",
]
# Roles that must use MFA (apps.common.health.role_requires_mfa) also get these session limits.
HEALTH_SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("HEALTH_SESSION_IDLE_MINUTES", default=15))
HEALTH_SESSION_MAX_AGE = timedelta(hours=env.int("HEALTH_SESSION_MAX_HOURS", default=12))
# How long a re-authentication (POST /api/v1/auth/reauth/) counts as recent.
REAUTH_WINDOW = timedelta(minutes=5)
MFA_ISSUER = PLATFORM_NAME
MFA_RECOVERY_CODE_COUNT = 10
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Medical (apps.medical; ADR 0012): documents up to this size; daily screening reminders.
MEDICAL_DOCUMENT_MAX_BYTES = env.int("MEDICAL_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
CELERY_BEAT_SCHEDULE = {
    **CELERY_BEAT_SCHEDULE,
    "medical-remind-expiring-screenings": {
        "task": "medical.remind_expiring_screenings",
        "schedule": 24 * 3600.0,
    },
}

# --- Health-data audit (apps.medical.audit; docs/architecture/adr/0019-health-data-audit-trail.md)
# Audit entries and disclosures are kept at least this long (45 CFR 164.316(b)(2)(i)); nothing
# deletes them, and the accounting of disclosures covers this many years.
AUDIT_RETENTION_YEARS = env.int("AUDIT_RETENTION_YEARS", default=6)
# Every gym's hash chain is verified daily; defects are logged at ERROR by "gymstack.audit".
CELERY_BEAT_SCHEDULE["verify-audit-chains"] = {"task": "medical_audit.verify_chains", "schedule": 24 * 3600.0}

# --- Plugin platform (apps.plugins; docs/plugins.md, ADRs 0017 and 0018)
# django-guardian's object permissions live in each gym's schema beside the installations they
# are granted on; auth's Permission rows come with them so they match that schema's content types.
TENANT_APPS += ["django.contrib.auth", "guardian"]
INSTALLED_APPS += ["guardian"]
ANONYMOUS_USER_NAME = None  # no guardian anonymous account
GUARDIAN_GET_CONTENT_TYPE = "apps.plugins.grants.content_type_of"
SILENCED_SYSTEM_CHECKS = ["guardian.W001"]  # permissions are checked by the plugin PDP, not has_perm()
PLUGINS_DIR = env.path("PLUGINS_DIR", default=BASE_DIR / "plugins")
# Publisher keys whose signatures are trusted: {"key id": "base64 Ed25519 public key"}.
PLUGINS_TRUSTED_KEYS: dict[str, str] = env.json("PLUGINS_TRUSTED_KEYS", default={})
# Outbound HTTP of plugins goes here instead of the named host when set (a local fake in tests);
# the allow-list is still checked against the host the plugin asked for.
PLUGINS_HTTP_BASE_URL = env.str("PLUGINS_HTTP_BASE_URL", default="")
PLUGINS_HTTP_MAX_BYTES = 256 * 1024
# The threat detector suspends a plugin with this many bad calls (denials, timeouts, crashes,
# egress violations) within the window.
PLUGINS_THREAT_WINDOW_SECONDS = env.int("PLUGINS_THREAT_WINDOW_SECONDS", default=600)
PLUGINS_THREAT_MAX_BAD_CALLS = env.int("PLUGINS_THREAT_MAX_BAD_CALLS", default=5)
# Bearer token of the Prometheus endpoint (/plugins/metrics on the public host); staff may too.
PLUGINS_METRICS_TOKEN = env.str("PLUGINS_METRICS_TOKEN", default="")
CELERY_BEAT_SCHEDULE["plugins-health-check"] = {"task": "plugins.health_check_all", "schedule": 300.0}
# Each plugin's only writable folder, per gym; and the workers per (gym, plugin) in a process.
PLUGINS_SCRATCH_DIR = env.path("PLUGINS_SCRATCH_DIR", default=BASE_DIR / ".data" / "plugin-scratch")
PLUGINS_POOL_SIZE = env.int("PLUGINS_POOL_SIZE", default=2)
