"""Production: refuses to start without explicit secrets; passes `check --deploy` cleanly."""

import os

from config import env
from config.env import ConfigurationError

from .base import *  # noqa: F403

SECRET_KEY = env.get_str("OPENLPSE_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ConfigurationError(
        "OPENLPSE_SECRET_KEY must be set to a random string of at least 50 characters in production."
    )
if not env.get("DATABASE_URL"):
    raise ConfigurationError("DATABASE_URL must be set in production (PostgreSQL).")
if not env.get_list("OPENLPSE_ALLOWED_HOSTS") or "OPENLPSE_ALLOWED_HOSTS" not in os.environ:
    raise ConfigurationError(
        "OPENLPSE_ALLOWED_HOSTS must name the portal's host names in production."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env.get_bool("OPENLPSE_SECURE_SSL_REDIRECT")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.get_int("OPENLPSE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# ASVS 3.3.1: __Host- cookies are secure, host-only and path=/.
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
LANGUAGE_COOKIE_SECURE = True
