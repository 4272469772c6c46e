"""Settings shared by every mode. Values from the environment come only through config.env."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
VAR_DIR = env.var_dir()

DEBUG = False
SECRET_KEY = ""  # set by each mode
ALLOWED_HOSTS = env.get_list("OPENLPSE_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.get_list("OPENLPSE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "ninja",
    "openlpse.core",
    "openlpse.accounts",
    "openlpse.organizations",
    "openlpse.vendors",
    "openlpse.plans",
    "openlpse.tenders",
    "openlpse.bids",
    "openlpse.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers first, so that even an early refusal (bad Host, 400) carries CSP and frame denial.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "openlpse.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openlpse.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "openlpse.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "openlpse.accounts.middleware.SessionExpiryMiddleware",
    "openlpse.accounts.middleware.MfaEnforcementMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "openlpse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "openlpse.core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'openlpse.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the chronograph and the web server work on the same file at once.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["openlpse.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"

# Argon2id first (ASVS 11.4.2); the others only verify and upgrade old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# ASVS 6.2.1/6.2.4/6.2.5/6.2.9/6.2.11: length, not composition; common and context words refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "openlpse.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "openlpse.accounts.validators.ContextWordValidator"},
]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_IDLE_SECONDS = env.get_int("OPENLPSE_SESSION_IDLE_SECONDS")
SESSION_ABSOLUTE_SECONDS = env.get_int("OPENLPSE_SESSION_ABSOLUTE_SECONDS")
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "openlpse.core.views.csrf_failure"

LOGIN_FAILURES_PER_ACCOUNT = env.get_int("OPENLPSE_LOGIN_FAILURES_PER_ACCOUNT")
LOGIN_FAILURES_PER_IP = env.get_int("OPENLPSE_LOGIN_FAILURES_PER_IP")
LOGIN_LOCK_SECONDS = env.get_int("OPENLPSE_LOGIN_LOCK_SECONDS")
API_TOKEN_DAYS = env.get_int("OPENLPSE_API_TOKEN_DAYS")
TRUST_X_FORWARDED_FOR = env.get_bool("OPENLPSE_TRUST_X_FORWARDED_FOR")
CHRONOGRAPH_INTERVAL = env.get_int("OPENLPSE_CHRONOGRAPH_INTERVAL")
# Sealed bids (issue 5; ADR 0010): the key service holding the system keys, its token, and
# the Ed25519 key that signs receipts.
OPENLPSE_KEYSERVICE_URL = env.get_str("OPENLPSE_KEYSERVICE_URL")
OPENLPSE_KEYSERVICE_TOKEN_FILE = Path(
    env.get("OPENLPSE_KEYSERVICE_TOKEN_FILE") or VAR_DIR / "keyservice" / "token"
)
OPENLPSE_RECEIPT_KEY_FILE = Path(
    env.get("OPENLPSE_RECEIPT_KEY_FILE") or VAR_DIR / "keys" / "receipt-ed25519.pem"
)

OTP_TOTP_ISSUER = "OpenLPSE"
OTP_TOTP_THROTTLE_FACTOR = 1

# Indonesian is the default language; English is complete.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "openlpse" / "locale"]
LANGUAGE_COOKIE_NAME = "openlpse_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; shown in the LPSE's zone (openlpse.core.timezones)

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get("OPENLPSE_STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "openlpse" / "static"]
# The sealing widgets' Shamir library (npm shamir-secret-sharing, `make` installs it from the lock
# file), served as static files: never copied into the repository. Absent before `npm ci`.
_SHAMIR_ESM = BASE_DIR / "node_modules" / "shamir-secret-sharing" / "esm"
if _SHAMIR_ESM.is_dir():
    STATICFILES_DIRS.append(("openlpse/vendor/shamir-secret-sharing", _SHAMIR_ESM))
MEDIA_ROOT = Path(env.get("OPENLPSE_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"  # files are served only through permission-checked views
STORAGES = {
    "default": {"BACKEND": "openlpse.core.storage.DurableFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads stream to disk in chunks (never whole in memory), on the storage's own filesystem.
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
FILE_UPLOAD_HANDLERS = ["openlpse.core.storage.HashingFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / ".tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.get_int("OPENLPSE_MAX_REQUEST_BYTES")
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

EMAIL_BACKEND = env.get("OPENLPSE_EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.get_str("OPENLPSE_EMAIL_HOST")
EMAIL_PORT = env.get_int("OPENLPSE_EMAIL_PORT")
EMAIL_HOST_USER = env.get_str("OPENLPSE_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get_str("OPENLPSE_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.get_bool("OPENLPSE_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env.get_str("OPENLPSE_DEFAULT_FROM_EMAIL")
OPENLPSE_BASE_URL = env.get_str("OPENLPSE_BASE_URL")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# Security headers (ASVS 3.4). CSP: no inline script, nothing from other origins.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # NONCE: only pages that use {{ request.csp_nonce }} (the sealing widgets' import map)
        # get a nonce in the header; every other page keeps plain 'self'.
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "openlpse": {
            "handlers": ["console"],
            "level": env.get_str("OPENLPSE_LOG_LEVEL"),
            "propagate": False,
        }
    },
}

NINJA_PAGINATION_PER_PAGE = 50
