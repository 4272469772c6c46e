"""The key service's own storage: the master key file, the keys table and the call log.

SQLite (stdlib) in DIR/keyservice.sqlite3 by default; PostgreSQL (psycopg) when `--database
postgres://...` is given, with its own role that the web application does not have. The table
of keys holds only sealed private scalars (AES-GCM under the master key, AAD = kid); the call
log is append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

MASTER_KEY_FILE = "master.key"
TOKEN_FILE = "token"  # noqa: S105 (a file name, not a secret)
DATABASE_FILE = "keyservice.sqlite3"


class StoreError(RuntimeError):
    """The store cannot be used as configured (wrong permissions, bad file)."""


@dataclass(frozen=True)
class KeyRow:
    kid: str
    tender_ref: str
    envelope: str
    opening_at: str  # ISO 8601 UTC, microseconds
    public_key: str  # base64 of the 65-byte raw point
    sealed_private: bytes  # nonce(12) || AES-GCM(master, scalar, aad=kid)
    created_at: str


class Store(Protocol):
    def insert_key(self, row: KeyRow) -> None: ...
    def get_key(self, kid: str) -> KeyRow | None: ...
    def update_opening(self, kid: str, opening_at: str) -> None: ...
    def log_call(
        self, *, at: str, action: str, kid: str, outcome: str, detail: str, client: str
    ) -> None: ...
    def calls(self, kid: str | None = None) -> list[dict[str, Any]]: ...
    def close(self) -> None: ...


# --- files ----------------------------------------------------------------------------------------


def ensure_data_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise StoreError(
            f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}` and start again."
        )


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Write a new 0600 file atomically; False when it already exists (another process won)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def load_master_key(data_dir: Path) -> bytes:
    """DIR/master.key: 32 random bytes, 0600, made on first start."""
    path = ensure_data_dir(data_dir) / MASTER_KEY_FILE
    if not path.exists():
        _create_exclusive(path, secrets.token_bytes(32))
    _check_private(path)
    key = path.read_bytes()
    if len(key) != 32:
        raise StoreError(f"{path} must hold exactly 32 bytes; it holds {len(key)}.")
    return key


def load_token(data_dir: Path) -> str:
    """DIR/token: the bearer token the web application sends, 0600, made on first start."""
    path = ensure_data_dir(data_dir) / TOKEN_FILE
    if not path.exists():
        _create_exclusive(path, (secrets.token_urlsafe(32) + "\n").encode("ascii"))
    _check_private(path)
    token = path.read_text(encoding="ascii").strip()
    if len(token) < 32:
        raise StoreError(f"{path} must hold a token of at least 32 characters.")
    return token


# --- SQLite ---------------------------------------------------------------------------------------

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS keys (
    kid TEXT PRIMARY KEY,
    tender_ref TEXT NOT NULL,
    envelope TEXT NOT NULL,
    opening_at TEXT NOT NULL,
    public_key TEXT NOT NULL,
    sealed_private BLOB NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    kid TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    client TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS calls_no_update BEFORE UPDATE ON calls
BEGIN SELECT RAISE(ABORT, 'the call log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS calls_no_delete BEFORE DELETE ON calls
BEGIN SELECT RAISE(ABORT, 'the call log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS keys_no_delete BEFORE DELETE ON keys
BEGIN SELECT RAISE(ABORT, 'system keys are never deleted'); END;
CREATE TRIGGER IF NOT EXISTS keys_fixed BEFORE UPDATE OF kid, public_key, sealed_private ON keys
BEGIN SELECT RAISE(ABORT, 'a system key cannot be changed'); END;
"""

_KEY_COLUMNS = "kid, tender_ref, envelope, opening_at, public_key, sealed_private, created_at"
_CALL_COLUMNS = ("seq", "at", "action", "kid", "outcome", "detail", "client")


class SqliteStore:
    def __init__(self, path: Path) -> None:
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(SQLITE_SCHEMA)

    def insert_key(self, row: KeyRow) -> None:
        with self._lock:
            self._db.execute(
                f"INSERT INTO keys ({_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (
                    row.kid,
                    row.tender_ref,
                    row.envelope,
                    row.opening_at,
                    row.public_key,
                    row.sealed_private,
                    row.created_at,
                ),
            )

    def get_key(self, kid: str) -> KeyRow | None:
        with self._lock:
            found = self._db.execute(
                f"SELECT {_KEY_COLUMNS} FROM keys WHERE kid = ?",  # noqa: S608
                (kid,),
            ).fetchone()
        if found is None:
            return None
        values = list(found)
        values[5] = bytes(values[5])
        return KeyRow(*values)

    def update_opening(self, kid: str, opening_at: str) -> None:
        with self._lock:
            self._db.execute("UPDATE keys SET opening_at = ? WHERE kid = ?", (opening_at, kid))

    def log_call(
        self, *, at: str, action: str, kid: str, outcome: str, detail: str, client: str
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO calls (at, action, kid, outcome, detail, client) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (at, action, kid, outcome, detail, client),
            )

    def calls(self, kid: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT seq, at, action, kid, outcome, detail, client FROM calls"
        params: tuple[str, ...] = ()
        if kid is not None:
            query += " WHERE kid = ?"
            params = (kid,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", params).fetchall()
        return [dict(zip(_CALL_COLUMNS, row, strict=True)) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


# --- PostgreSQL -----------------------------------------------------------------------------------

POSTGRES_SCHEMA = """
CREATE TABLE IF NOT EXISTS keysvc_keys (
    kid TEXT PRIMARY KEY,
    tender_ref TEXT NOT NULL,
    envelope TEXT NOT NULL,
    opening_at TEXT NOT NULL,
    public_key TEXT NOT NULL,
    sealed_private BYTEA NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS keysvc_calls (
    seq BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    kid TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    client TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION keysvc_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'keysvc: % on % is not allowed', TG_OP, TG_TABLE_NAME; END; $$;
DROP TRIGGER IF EXISTS keysvc_calls_append_only ON keysvc_calls;
CREATE TRIGGER keysvc_calls_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON keysvc_calls
    FOR EACH STATEMENT EXECUTE FUNCTION keysvc_refuse();
DROP TRIGGER IF EXISTS keysvc_keys_no_delete ON keysvc_keys;
CREATE TRIGGER keysvc_keys_no_delete BEFORE DELETE OR TRUNCATE ON keysvc_keys
    FOR EACH STATEMENT EXECUTE FUNCTION keysvc_refuse();
"""


class PostgresStore:
    def __init__(self, url: str) -> None:
        import psycopg

        self._lock = threading.Lock()
        self._db = psycopg.connect(url, autocommit=True)
        with self._db.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(87900001)")
            try:
                cursor.execute(POSTGRES_SCHEMA)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(87900001)")

    def _execute(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock, self._db.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def insert_key(self, row: KeyRow) -> None:
        self._execute(
            f"INSERT INTO keysvc_keys ({_KEY_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
            (
                row.kid,
                row.tender_ref,
                row.envelope,
                row.opening_at,
                row.public_key,
                row.sealed_private,
                row.created_at,
            ),
        )

    def get_key(self, kid: str) -> KeyRow | None:
        rows = self._execute(
            f"SELECT {_KEY_COLUMNS} FROM keysvc_keys WHERE kid = %s",  # noqa: S608
            (kid,),
        )
        if not rows:
            return None
        values = list(rows[0])
        values[5] = bytes(values[5])
        return KeyRow(*values)

    def update_opening(self, kid: str, opening_at: str) -> None:
        self._execute("UPDATE keysvc_keys SET opening_at = %s WHERE kid = %s", (opening_at, kid))

    def log_call(
        self, *, at: str, action: str, kid: str, outcome: str, detail: str, client: str
    ) -> None:
        self._execute(
            "INSERT INTO keysvc_calls (at, action, kid, outcome, detail, client) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (at, action, kid, outcome, detail, client),
        )

    def calls(self, kid: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT seq, at, action, kid, outcome, detail, client FROM keysvc_calls"
        params: tuple[Any, ...] = ()
        if kid is not None:
            query += " WHERE kid = %s"
            params = (kid,)
        rows = self._execute(query + " ORDER BY seq", params)
        return [dict(zip(_CALL_COLUMNS, row, strict=True)) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_store(data_dir: Path, database: str | None = None) -> Store:
    if database and database.startswith(("postgres://", "postgresql://")):
        return PostgresStore(database)
    if database and database.startswith("sqlite:///"):
        return SqliteStore(Path(database.removeprefix("sqlite:///")))
    if database:
        raise StoreError("--database must be a postgres:// or sqlite:/// URL.")
    return SqliteStore(ensure_data_dir(data_dir) / DATABASE_FILE)
