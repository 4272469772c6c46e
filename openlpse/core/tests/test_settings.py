"""Settings: production refuses to start without secrets, passes `check --deploy`, and every
environment variable is documented in the README."""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from config import env
from config.settings import base

ROOT = Path(env.BASE_DIR)
GOOD_SECRET = secrets.token_urlsafe(60)[:60]
PRODUCTION_ENV = {
    "OPENLPSE_SECRET_KEY": GOOD_SECRET,
    "DATABASE_URL": "sqlite:///:memory:",
    "OPENLPSE_ALLOWED_HOSTS": "lpse.example.go.id",
}


def _run(
    code_or_args: str | list[str], extra_env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Run Python in a clean environment: only what the test passes, nothing inherited."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "OPENLPSE_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        **extra_env,
    }
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_settings_refuse_to_load_without_each_required_variable(tmp_path, missing):
    given = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run("import config.settings.production", given, tmp_path)
    assert result.returncode != 0
    assert "ConfigurationError" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize("weak", ["short", "a" * 60])
def test_production_refuses_a_weak_secret_key(tmp_path, weak):
    result = _run(
        "import config.settings.production",
        {**PRODUCTION_ENV, "OPENLPSE_SECRET_KEY": weak},
        tmp_path,
    )
    assert result.returncode != 0
    assert "OPENLPSE_SECRET_KEY" in result.stderr


def test_production_cookies_are_secure_host_only_and_debug_is_off(tmp_path):
    code = (
        "import json; from config.settings import production as p; "
        "print(json.dumps({k: getattr(p, k) for k in ['DEBUG', 'SESSION_COOKIE_NAME', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_NAME', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'LANGUAGE_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'ALLOWED_HOSTS']}))"
    )
    result = _run(code, {**PRODUCTION_ENV, "OPENLPSE_DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SESSION_COOKIE_NAME": "__Host-sessionid",
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_NAME": "__Host-csrftoken",
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "ALLOWED_HOSTS": ["lpse.example.go.id"],
    }


def test_production_passes_check_deploy_without_any_warning(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_argon2_is_the_first_password_hasher():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_csp_forbids_framing_and_inline_script():
    directives = base.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert base.X_FRAME_OPTIONS == "DENY"


@pytest.mark.django_db
def test_every_response_carries_the_csp_header(client):
    header = client.get("/healthz")["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in header
    assert "default-src 'self'" in header


def test_indonesian_is_the_default_language():
    assert base.LANGUAGE_CODE == "id"
    assert [code for code, _ in base.LANGUAGES] == ["id", "en"]


def test_database_url_defaults_to_a_sqlite_file_under_var(tmp_path):
    code = "import json; from config.settings import base; print(json.dumps([base.DATABASES['default']['ENGINE'], str(base.DATABASES['default']['NAME'])]))"
    result = _run(code, {"DJANGO_SETTINGS_MODULE": "config.settings.local"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.db.backends.sqlite3",
        str(tmp_path / "var" / "openlpse.sqlite3"),
    ]


def test_local_mode_creates_its_secret_key_once_under_var(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENLPSE_SECRET_KEY", raising=False)
    monkeypatch.setenv("OPENLPSE_VAR_DIR", str(tmp_path))
    first = env.local_secret_key()
    path = tmp_path / "secret_key"
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert env.local_secret_key() == first


def test_undocumented_variables_cannot_be_read():
    with pytest.raises(env.ConfigurationError):
        env.get("OPENLPSE_NOT_A_SETTING")


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("0", False), ("", False)]
)
def test_booleans_are_parsed_strictly(monkeypatch, raw, expected):
    monkeypatch.setenv("OPENLPSE_DEBUG", raw)
    assert env.get_bool("OPENLPSE_DEBUG") is expected


def test_a_malformed_boolean_or_number_is_a_configuration_error(monkeypatch):
    monkeypatch.setenv("OPENLPSE_DEBUG", "maybe")
    monkeypatch.setenv("OPENLPSE_EMAIL_PORT", "twenty-five")
    with pytest.raises(env.ConfigurationError, match="OPENLPSE_DEBUG"):
        env.get_bool("OPENLPSE_DEBUG")
    with pytest.raises(env.ConfigurationError, match="OPENLPSE_EMAIL_PORT"):
        env.get_int("OPENLPSE_EMAIL_PORT")


def test_every_environment_variable_is_in_the_readme_configuration_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|", readme, flags=re.MULTILINE))
    assert set(env.VARIABLES) - documented == set(), "add these to the README's configuration table"
    assert documented - set(env.VARIABLES) == set(), (
        "the README documents variables config/env.py does not read"
    )
