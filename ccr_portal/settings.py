"""Settings of the CCR portal, read from the environment (django-environ).

With no environment at all the portal runs on its embedded default: a SQLite
file under ``var/``, Celery tasks run eagerly in the web process, e-mail is
printed on the console and uploaded or generated files go to ``var/media``.
Setting ``DATABASE_URL``, ``REDIS_URL``, ``EMAIL_URL`` and friends switches to
production services; every variable is listed in the README.
"""

import datetime
import os
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
    # Django's admin on the portal's site class: model permissions inside (admin_site.py).
    "ccr_portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "auditlog",
    "csp",
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
    "ccr_portal.antivirus",
    "ccr_portal.security",
    "applicants",
    "diagnostics",
    "accompaniment",
    "financing",
    "committee",
    "scheme",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (whitenoise serves the static files precompressed, before this).
    # BREACH: Django pads each gzip response with random bytes (since 4.2) and masks the
    # CSRF token anew on every response, so a secret cannot be guessed from sizes.
    "django.middleware.gzip.GZipMiddleware",
    "ccr_portal.typography.FrenchTypographyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The security log: who did what from which address (ccr_portal.security).
    "ccr_portal.security.middleware.AuditlogMiddleware",
    "ccr_portal.security.middleware.SecurityLogMiddleware",
    "ccr_portal.security.middleware.StaffSessionTimeoutMiddleware",
    "ccr_portal.security.middleware.MFARequiredMiddleware",
    # django-axes wants to be last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ccr_portal.urls"
WSGI_APPLICATION = "ccr_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The French formatting filters (jour, euros, nombre, taille, de…) in every template.
            "builtins": ["ccr_portal.templatetags.ccr"],
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
# The test suite runs on two processes (pytest-xdist): each worker gets its own Redis
# database after the configured one, so that one worker's cache flush or queue never
# reaches the other's. Nothing changes outside the suite.
_TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and _TEST_WORKER.startswith("gw"):
    _base, _, _db = REDIS_URL.rpartition("/")
    if _db.isdigit():
        REDIS_URL = f"{_base}/{int(_db) + int(_TEST_WORKER[2:])}"
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
# A request that cannot reach Redis gives up quickly: the outbox row it wrote
# is published again by the drain (ccr_portal/outbox.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 10}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TIMEZONE = "Europe/Paris"
# The beat schedule, declared here and nowhere else: one entry per rule.
CELERY_BEAT_SCHEDULE = {
    "antivirus-requeue-stale": {
        "task": "ccr_portal.antivirus.tasks.requeue_stale_scans",
        "schedule": crontab(minute="*/10"),
    },
    # The outbox drains: what the broker missed (Redis away, a task lost) goes again.
    "notifications-drain-outbox": {
        "task": "ccr_portal.notifications.tasks.drain_outgoing_emails",
        "schedule": crontab(minute="*"),
    },
    "documents-requeue-stale": {
        "task": "ccr_portal.documents.tasks.requeue_stale_documents",
        "schedule": crontab(minute="*"),
    },
    # Exports made in the background are deleted 24 hours after they were asked for.
    "documents-purge-exports": {
        "task": "ccr_portal.documents.tasks.purge_expired_exports",
        "schedule": crontab(minute=20),
    },
    "dossier-reminders": {
        "task": "applicants.tasks.send_dossier_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "dossier-retention": {
        "task": "applicants.tasks.apply_dossier_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "security-log-purge": {
        "task": "ccr_portal.security.tasks.purge_security_log",
        "schedule": crontab(hour=3, minute=45),
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
    "accompaniment-unconfirmed-guests": {
        "task": "accompaniment.tasks.purge_unconfirmed_guest_requests",
        "schedule": crontab(hour=3, minute=30),
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
    "financing-decision-overdue": {
        "task": "financing.tasks.send_decision_overdue_reminders",
        "schedule": crontab(hour=9, minute=30),
    },
    "financing-changes-pending": {
        "task": "financing.tasks.send_changes_pending_reminders",
        "schedule": crontab(hour=9, minute=40),
    },
}

# --- Accounts --------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login from a locked-out address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    # The portal's rules first: a granted permission is answered without the two queries
    # of the model permissions (which the portal does not use; the admin does).
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
MFA_ADAPTER = "ccr_portal.users.adapter.MFAAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "ccr_portal.users.forms.SignupForm"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# Known and new e-mails cost the same at sign-up (a password hash, one e-mail).
ACCOUNT_FORMS = {"signup": "ccr_portal.users.signup.PortalSignupForm"}
# How long a login or a re-authentication lets a person export, grant roles or
# download a whole dossier before the password (or the code) is asked again.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)

# Reverse proxies in front of the portal that append to X-Forwarded-For: the
# client's address is the one the last trusted proxy saw (0: REMOTE_ADDR).
# allauth's rate limits, django-axes and the security log all read it.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Multi-factor authentication (allauth.mfa: TOTP and recovery codes) -------
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portail CCR"
# Roles that cannot use the portal without an authenticator app ("admin": the
# superusers and Django admin staff). Strict in production (SECURE_HTTPS), off
# on the embedded default so that the demo logins work with the password alone.
MFA_STRICT_ROLES = ["coordinator", "committee", "funder", "admin"]

# --- Registering to an information day without an account --------------------
# The e-mail link confirming a visitor's registration expires after this long.
EVENT_GUEST_CONFIRMATION_MAX_AGE = datetime.timedelta(
    hours=env.int("EVENT_GUEST_CONFIRMATION_HOURS", default=72)
)
# allauth's rate limits guard the anonymous form too: per address of the client
# and per e-mail registered (the key), so that nobody floods an inbox.
ACCOUNT_RATE_LIMITS = {"event_guest_register": "10/h/ip", "event_guest_email": "3/h/key"}

# --- Login throttling (django-axes, on top of allauth's rate limits) ---------
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ccr_portal.security.client_ip.client_ip"
AXES_USERNAME_CALLABLE = "ccr_portal.security.client_ip.login_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# Logins, failures and lockouts go to the security log (ccr_portal.security):
# axes keeps only the failure counts it locks out by.
AXES_DISABLE_ACCESS_LOG = True

# --- Staff sessions ----------------------------------------------------------
# A person holding a staff role (or the admin) is logged out after this much
# inactivity; applicants keep Django's session age.
STAFF_SESSION_IDLE_TIMEOUT = env.int("STAFF_SESSION_IDLE_TIMEOUT", default=2 * 3600)

# --- E-mail ----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Portail CCR <ne-pas-repondre@ccr-marseille.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where people report an accessibility problem (the accessibility statement).
ACCESSIBILITY_CONTACT_EMAIL = env(
    "ACCESSIBILITY_CONTACT_EMAIL", default="accessibilite@ccr-marseille.fr"
)
# Where people exercise their rights on their personal data (the privacy page).
PRIVACY_CONTACT_EMAIL = env(
    "PRIVACY_CONTACT_EMAIL", default="donnees-personnelles@ccr-marseille.fr"
)

# --- Retention of personal data (RGPD) --------------------------------------
# A rejected or withdrawn dossier, and its documents, are anonymised this many days after
# its campaign closed; its structure's editors are told RETENTION_NOTICE_DAYS before.
RETENTION_DOSSIER_DAYS = env.int("RETENTION_DOSSIER_DAYS", default=2 * 365)
RETENTION_NOTICE_DAYS = env.int("RETENTION_NOTICE_DAYS", default=30)
# The security log (logins, refusals, exports) is kept one year, then purged by beat.
SECURITY_LOG_RETENTION_DAYS = env.int("SECURITY_LOG_RETENTION_DAYS", default=365)

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
# Exports of more rows than this are written in the background (a file to download
# from its own page) instead of in the request.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)
# Where ``manage.py backup`` writes its archives by default.
BACKUP_ROOT = env.path("BACKUP_ROOT", default=VAR_DIR / "backups")
# Infected uploads are moved here, outside MEDIA_ROOT: never served, never backed up.
QUARANTINE_ROOT = env.path("QUARANTINE_ROOT", default=VAR_DIR / "quarantine")

# --- Antivirus -------------------------------------------------------------
# clamd, e.g. unix:///run/clamav/clamd.ctl or tcp://clamav:3310. Empty (the
# embedded default): uploads are marked "not_scanned", served, and flagged.
CLAMD_URL = env("CLAMD_URL", default="")
CLAMD_TIMEOUT = env.int("CLAMD_TIMEOUT", default=60)

# --- Accompaniment arithmetic ----------------------------------------------
# Consultant days a diagnostic takes, by kind: converts capacity into diagnostics.
DIAGNOSTIC_DAYS = {
    "light": env.float("DIAGNOSTIC_DAYS_LIGHT", default=1.0),
    "full": env.float("DIAGNOSTIC_DAYS_FULL", default=3.0),
}
HOURS_PER_DAY = 7
# Needs against offer (scheme/figures.py): the days a wished axis counts for when no
# diagnostic or plan says more (the campaign's default), and the consultant day's price
# when no provider able to do the work has a rate (DLA practice: about 1 000 €).
SCHEME_DEFAULT_DAYS = {
    "diagnostic": 3.0,
    "securing": 4.0,
    "cooperation": 1.5,
    "professionalisation": 2.0,
    "responsibility": 1.0,
    "financing": 1.0,
}
SCHEME_DEFAULT_DAILY_RATE = env.float("SCHEME_DEFAULT_DAILY_RATE", default=1000.0)
# The months the page looks ahead by default (the minutes' « quelques mois »).
SCHEME_PERIOD_MONTHS = 4
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
# No cookie beyond the session and CSRF ones (the privacy page says so): the flash
# messages live in the session, not in a cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
X_FRAME_OPTIONS = "DENY"
MFA_REQUIRED_ROLES = env.list(
    "MFA_REQUIRED_ROLES", default=MFA_STRICT_ROLES if SECURE_HTTPS else []
)
# The Django admin's path: set a less guessable one in production. Its login is
# the portal's (throttled, with MFA).
ADMIN_URL = env("ADMIN_URL", default="admin/").strip("/") + "/"

# No inline script or style anywhere (htmx is configured by a meta tag).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The TOTP QR code is an SVG data: URI.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Security log (ccr_portal.security; django-auditlog for model changes) ---
AUDITLOG_INCLUDE_ALL_MODELS = False

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
