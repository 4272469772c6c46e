"""Test mode: same as production in behaviour, fast hashing, mail kept in memory."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Argon2 with production cost makes a suite of thousands of logins slow; tests of the hasher
# order read PRODUCTION_PASSWORD_HASHERS.
PRODUCTION_PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="openlpse-test-media-"))
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / ".tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise warns at start-up when STATIC_ROOT does not exist.
STATIC_ROOT = MEDIA_ROOT / ".static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Sealed bids: the key service runs in-process over a per-process directory (its clock is
# clock.now, so tests can freeze it); receipts are signed with a throw-away key.
_KEYSERVICE_DIR = Path(tempfile.mkdtemp(prefix="openlpse-test-keyservice-"))
OPENLPSE_KEYSERVICE_URL = f"local:{_KEYSERVICE_DIR}"
OPENLPSE_KEYSERVICE_TOKEN_FILE = _KEYSERVICE_DIR / "token"
OPENLPSE_RECEIPT_KEY_FILE = (
    Path(tempfile.mkdtemp(prefix="openlpse-test-keys-")) / "receipt-ed25519.pem"
)
