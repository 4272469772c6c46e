"""The key service's PostgreSQL store (`--database postgres://...`): same behaviour as SQLite,
append-only log. Runs only when the suite runs on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection

from openlpse.bids import sealedfile
from openlpse.keyservice import core

pytestmark = pytest.mark.django_db


@pytest.fixture
def pg_url():
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite")
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_the_postgres_store_gates_and_logs(tmp_path, pg_url):
    opening = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    moments = [opening - dt.timedelta(seconds=1)]
    service = core.open_service(tmp_path / "ks", database=pg_url, now=lambda: moments[0])
    try:
        info = service.create_key(tender_ref="T-PG", envelope="single", opening_at=opening)
        eph = ec.generate_private_key(ec.SECP256R1())
        epk = sealedfile.public_raw(eph)
        with pytest.raises(core.TooEarly):
            service.halves(info.kid, [epk])
        moments[0] = opening
        (half,) = service.halves(info.kid, [epk])
        assert half == eph.exchange(ec.ECDH(), sealedfile.load_public(core.unb64(info.public_key)))
        assert [(c["action"], c["outcome"]) for c in service.store.calls(info.kid)] == [
            ("create", "ok"),
            ("halves", "too_early"),
            ("halves", "ok"),
        ]
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as other:
            with pytest.raises(psycopg.errors.RaiseException):
                other.execute("DELETE FROM keysvc_calls")
            with pytest.raises(psycopg.errors.RaiseException):
                other.execute("DELETE FROM keysvc_keys")
    finally:
        service.store.close()
