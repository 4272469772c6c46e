"""Every setting that comes from the environment is read here, and only here.

The README's configuration table lists the same variables; `tests/test_settings.py` checks that
the two agree, so a variable cannot be added without being documented.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """Raised at start-up when a required setting is missing or malformed."""


@dataclass(frozen=True)
class Var:
    name: str
    default: str | None
    help: str


# name -> (default, documentation). Defaults of None mean "not set".
VARIABLES: dict[str, Var] = {
    v.name: v
    for v in [
        Var(
            "DJANGO_SETTINGS_MODULE",
            "config.settings.local",
            "Settings module: config.settings.local, .test or .production.",
        ),
        Var(
            "OPENLPSE_VAR_DIR",
            str(BASE_DIR / "var"),
            "Directory for local state: SQLite file, secret key, uploads, mail.",
        ),
        Var(
            "DATABASE_URL",
            None,
            "Database URL. Default: SQLite file `var/openlpse.sqlite3`. PostgreSQL: `postgres://user:pass@host:5432/db`.",
        ),
        Var(
            "OPENLPSE_SECRET_KEY",
            None,
            "Django secret key. Required in production; local mode creates `var/secret_key` on first run.",
        ),
        Var(
            "OPENLPSE_ALLOWED_HOSTS",
            "127.0.0.1,localhost",
            "Comma-separated host names the portal answers to. Required in production.",
        ),
        Var(
            "OPENLPSE_CSRF_TRUSTED_ORIGINS",
            "",
            "Comma-separated origins (https://lpse.example.go.id) trusted for CSRF behind a proxy.",
        ),
        Var(
            "OPENLPSE_DEBUG",
            "0",
            "1 turns on Django's debug pages (local settings only; production ignores it).",
        ),
        Var("OPENLPSE_MEDIA_ROOT", None, "Where uploaded files are stored. Default: `var/media`."),
        Var(
            "OPENLPSE_STATIC_ROOT",
            None,
            "Where `collectstatic` puts static files. Default: `var/static`.",
        ),
        Var(
            "OPENLPSE_EMAIL_BACKEND",
            None,
            "Django e-mail backend. Default: files under `var/mail` locally, SMTP in production.",
        ),
        Var("OPENLPSE_EMAIL_HOST", "localhost", "SMTP host."),
        Var("OPENLPSE_EMAIL_PORT", "25", "SMTP port."),
        Var("OPENLPSE_EMAIL_HOST_USER", "", "SMTP user name."),
        Var("OPENLPSE_EMAIL_HOST_PASSWORD", "", "SMTP password."),
        Var("OPENLPSE_EMAIL_USE_TLS", "0", "1 to use STARTTLS for SMTP."),
        Var(
            "OPENLPSE_BASE_URL",
            "http://127.0.0.1:8000",
            "Public address of the portal, used for links in e-mail.",
        ),
        Var(
            "OPENLPSE_DEFAULT_FROM_EMAIL",
            "OpenLPSE <noreply@localhost>",
            "Sender address of system e-mail.",
        ),
        Var(
            "OPENLPSE_SESSION_IDLE_SECONDS",
            "1800",
            "A session ends after this many seconds without a request (ASVS 7.3.1).",
        ),
        Var(
            "OPENLPSE_SESSION_ABSOLUTE_SECONDS",
            "43200",
            "A session ends this many seconds after login, active or not (ASVS 7.3.2).",
        ),
        Var(
            "OPENLPSE_LOGIN_FAILURES_PER_ACCOUNT",
            "5",
            "Failed logins on one account (from one IP) before that pair must wait.",
        ),
        Var(
            "OPENLPSE_LOGIN_FAILURES_PER_IP",
            "30",
            "Failed logins from one IP (any account) before that IP must wait.",
        ),
        Var(
            "OPENLPSE_LOGIN_LOCK_SECONDS", "900", "How long the wait lasts after too many failures."
        ),
        Var("OPENLPSE_API_TOKEN_DAYS", "90", "Lifetime of a new API token, in days."),
        Var(
            "OPENLPSE_MAX_REQUEST_BYTES",
            "10485760",
            "Largest request body accepted outside file uploads (bytes).",
        ),
        Var(
            "OPENLPSE_HSTS_SECONDS", "31536000", "Strict-Transport-Security max-age in production."
        ),
        Var(
            "OPENLPSE_SECURE_SSL_REDIRECT",
            "1",
            "Production: redirect HTTP to HTTPS (turn off only when a proxy does it).",
        ),
        Var(
            "OPENLPSE_TRUST_X_FORWARDED_FOR",
            "0",
            "1 when behind a reverse proxy that sets X-Forwarded-For (client IP for logs and throttling).",
        ),
        Var("OPENLPSE_CHRONOGRAPH_INTERVAL", "15", "Seconds between chronograph passes."),
        Var("OPENLPSE_LOG_LEVEL", "INFO", "Log level of the application loggers."),
        Var(
            "OPENLPSE_KEYSERVICE_URL",
            "http://127.0.0.1:8790",
            "Address of the key service (ADR 0010): http://host:port or unix:/path.",
        ),
        Var(
            "OPENLPSE_KEYSERVICE_TOKEN_FILE",
            None,
            "File holding the key service's bearer token. Default: `var/keyservice/token`.",
        ),
        Var(
            "OPENLPSE_RECEIPT_KEY_FILE",
            None,
            "Ed25519 key (PEM) that signs bid receipts; made on first use. Default: `var/keys/receipt-ed25519.pem`.",
        ),
    ]
}


def get(name: str) -> str | None:
    """Return the raw value of a documented variable, or its default."""
    if name not in VARIABLES:
        raise ConfigurationError(f"{name} is not a documented OpenLPSE setting")
    return os.environ.get(name, VARIABLES[name].default)


def get_str(name: str) -> str:
    value = get(name)
    return "" if value is None else value


def get_bool(name: str) -> bool:
    value = get_str(name).strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be 1 or 0, not {value!r}")


def get_int(name: str) -> int:
    value = get_str(name)
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from exc


def get_list(name: str) -> list[str]:
    return [item.strip() for item in get_str(name).split(",") if item.strip()]


def var_dir() -> Path:
    path = Path(get_str("OPENLPSE_VAR_DIR"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def local_secret_key() -> str:
    """The local-mode secret key: from the environment, or created once under var/."""
    explicit = get("OPENLPSE_SECRET_KEY")
    if explicit:
        return explicit
    path = var_dir() / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()
