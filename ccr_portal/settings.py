"""Settings of the CCR portal, read from the environment (django-environ).

With no environment at all the portal runs on its embedded default: a SQLite
file under ``var/``, Celery tasks run eagerly in the web process, e-mail is
printed on the console and uploaded or generated files go to ``var/media``.
Setting ``DATABASE_URL``, ``REDIS_URL``, ``EMAIL_URL`` and friends switches to
production services; every variable is listed in the README.
"""

import warnings
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# --- Core ------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
# The default key only serves the embedded quick start; ``check --deploy``
# flags it, and production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-embedded-default-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    # Cross-cutting layer, then the domain apps in dependency order.
    "ccr_portal",
    "ccr_portal.users",
    "ccr_portal.documents",
    "ccr_portal.notifications",
    "applicants",
    "diagnostics",
    "accompaniment",
    "financing",
    "committee",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "ccr_portal.urls"
WSGI_APPLICATION = "ccr_portal.wsgi.application"

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
                "ccr_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ----------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ccr",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# Eager tasks retry like real ones (a propagated Retry would abort the request);
# each task records its own failure (a document marked failed, say).
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Paris"
# The beat schedule, declared here and nowhere else: one entry per rule.
CELERY_BEAT_SCHEDULE = {
    "documents-requeue-stale": {
        "task": "ccr_portal.documents.tasks.requeue_stale_documents",
        "schedule": crontab(minute="*/10"),
    },
    "dossier-reminders": {
        "task": "applicants.tasks.send_dossier_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "diagnostic-due-soon": {
        "task": "diagnostics.tasks.send_due_soon_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
    "diagnostic-overdue": {
        "task": "diagnostics.tasks.send_overdue_reminders",
        "schedule": crontab(hour=8, minute=20),
    },
    "diagnostic-sign-off-pending": {
        "task": "diagnostics.tasks.send_sign_off_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "accompaniment-session-notes": {
        "task": "accompaniment.tasks.send_session_notes_reminders",
        "schedule": crontab(hour=8, minute=40),
    },
    "accompaniment-plan-agreement": {
        "task": "accompaniment.tasks.send_plan_agreement_reminders",
        "schedule": crontab(hour=8, minute=50),
    },
    "accompaniment-follow-up-due": {
        "task": "accompaniment.tasks.send_follow_up_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "committee-opinions-due": {
        "task": "committee.tasks.send_opinions_due_reminders",
        "schedule": crontab(hour=9, minute=10),
    },
    "committee-pack-ready": {
        "task": "committee.tasks.send_pack_ready_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "committee-minutes-overdue": {
        "task": "committee.tasks.send_minutes_overdue_reminders",
        "schedule": crontab(hour=9, minute=20),
    },
}

# --- Accounts --------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "root"
LOGOUT_REDIRECT_URL = "root"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portail CCR] "
ACCOUNT_ADAPTER = "ccr_portal.users.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "ccr_portal.users.forms.SignupForm"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")

# --- E-mail ----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Portail CCR <ne-pas-repondre@ccr-marseille.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language, time and formats --------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party assets installed from the npm registry (package-lock.json).
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# Uploaded and generated files are private: no MEDIA_URL route exists, they
# are served only by permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media-non-servi/"
STATICFILES_MANIFEST = env.bool("STATICFILES_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATICFILES_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATICFILES_MANIFEST
# Before `collectstatic`, whitenoise warns that STATIC_ROOT is missing; the
# finders serve the files meanwhile.
warnings.filterwarnings("ignore", message="No directory at: ")
UPLOAD_MAX_SIZE_MB = env.int("UPLOAD_MAX_SIZE_MB", default=10)

# --- Accompaniment arithmetic ----------------------------------------------
# Consultant days a diagnostic takes, by kind: converts capacity into diagnostics.
DIAGNOSTIC_DAYS = {
    "light": env.float("DIAGNOSTIC_DAYS_LIGHT", default=1.0),
    "full": env.float("DIAGNOSTIC_DAYS_FULL", default=3.0),
}
HOURS_PER_DAY = 7
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Forms -----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security --------------------------------------------------------------
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=False)
if SECURE_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Logging ---------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # Eager tasks would log every run in the web process's console.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}
