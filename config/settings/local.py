"""Local mode (`make run`): SQLite under var/, secret key created on first run, mail to files."""

from config import env

from .base import *  # noqa: F403
from .base import STATIC_ROOT, VAR_DIR

SECRET_KEY = env.local_secret_key()
DEBUG = env.get_bool("OPENLPSE_DEBUG")
EMAIL_BACKEND = (
    env.get("OPENLPSE_EMAIL_BACKEND") or "django.core.mail.backends.filebased.EmailBackend"
)
(VAR_DIR / "mail").mkdir(parents=True, exist_ok=True)

# `manage.py serve` runs the development server with DEBUG off; WhiteNoise then serves the
# static files straight from the apps' folders, so no `collectstatic` is needed locally.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
