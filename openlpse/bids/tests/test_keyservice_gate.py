"""The key service's time gate and store (ADR 0010), through the web app's client on the
in-process `local:` transport whose clock is clock.now (so time can be frozen), and directly
on the service core."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import sqlite3

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils import timezone, translation

from openlpse.bids import keyclient, sealedfile
from openlpse.core import clock
from openlpse.keyservice import core
from openlpse.keyservice.store import DATABASE_FILE, MASTER_KEY_FILE, TOKEN_FILE


@pytest.fixture
def keydir(tmp_path, settings):
    directory = tmp_path / "keyservice"
    settings.OPENLPSE_KEYSERVICE_URL = f"local:{directory}"
    settings.OPENLPSE_KEYSERVICE_TOKEN_FILE = directory / TOKEN_FILE
    return directory


def _opening() -> dt.datetime:
    # Real-now-relative, whole second (the gate is tested to the second).
    return (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)


def _epk() -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    eph = ec.generate_private_key(ec.SECP256R1())
    return eph, sealedfile.public_raw(eph)


def _calls(directory):
    db = sqlite3.connect(directory / DATABASE_FILE)
    try:
        return db.execute("SELECT action, kid, outcome FROM calls ORDER BY seq").fetchall()
    finally:
        db.close()


def test_a_new_system_key_has_its_published_id_and_fingerprint(keydir):
    key = keyclient.create_system_key(tender_ref="T-1", envelope="single", opening_at=_opening())

    raw = base64.b64decode(key.public_key)
    assert len(raw) == 65
    assert key.fingerprint == sealedfile.fingerprint(raw)
    assert key.kid == sealedfile.key_id(raw)
    info = keyclient.describe(kid=key.kid)
    assert (info["tender_ref"], info["envelope"], info["public_key"]) == (
        "T-1",
        "single",
        key.public_key,
    )


def test_the_half_is_refused_one_second_before_and_given_at_the_opening_second(keydir):
    opening = _opening()
    key = keyclient.create_system_key(tender_ref="T-1", envelope="file_1", opening_at=opening)
    eph, epk = _epk()

    with (
        clock.frozen(opening - dt.timedelta(seconds=1)),
        translation.override("en"),
        pytest.raises(keyclient.TooEarly) as refused,
    ):
        keyclient.system_halves(kid=key.kid, epks=[epk])
    assert refused.value.code == "system_key_too_early"
    assert refused.value.http_status == 403
    assert refused.value.opening_at == opening
    assert str(refused.value) == (
        "The system key of this envelope can be used only from the opening time, "
        f"{opening.strftime('%Y-%m-%d %H:%M:%S')} UTC. Try again after that time."
    )

    with clock.frozen(opening - dt.timedelta(microseconds=1)), pytest.raises(keyclient.TooEarly):
        keyclient.system_halves(kid=key.kid, epks=[epk])

    with clock.frozen(opening):
        halves = keyclient.system_halves(kid=key.kid, epks=[epk])
    expected = eph.exchange(ec.ECDH(), sealedfile.load_public(base64.b64decode(key.public_key)))
    assert halves == [expected]

    outcomes = [(a, o) for a, k, o in _calls(keydir) if k == key.kid]
    assert outcomes == [
        ("create", "ok"),
        ("halves", "too_early"),
        ("halves", "too_early"),
        ("halves", "ok"),
    ]


def test_many_epks_in_one_call_give_one_half_each_in_order(keydir):
    opening = _opening()
    key = keyclient.create_system_key(tender_ref="T-1", envelope="single", opening_at=opening)
    pairs = [_epk() for _ in range(5)]
    system_pub = sealedfile.load_public(base64.b64decode(key.public_key))

    with clock.frozen(opening + dt.timedelta(hours=1)):
        halves = keyclient.system_halves(kid=key.kid, epks=[epk for _, epk in pairs])

    assert halves == [eph.exchange(ec.ECDH(), system_pub) for eph, _ in pairs]


def test_a_sealed_file_opens_only_with_the_system_half_after_the_opening(keydir):
    opening = _opening()
    key = keyclient.create_system_key(tender_ref="T-9", envelope="single", opening_at=opening)
    committee = ec.generate_private_key(ec.SECP256R1())
    sealed = io.BytesIO()
    sealedfile.seal(
        io.BytesIO(b"OPENLPSE-DEMO-PLAINTEXT bid"),
        sealed,
        tender="T-9",
        envelope="single",
        bidder="7",
        committee_pub=sealedfile.public_raw(committee),
        system_pub=base64.b64decode(key.public_key),
    )
    kids = (sealedfile.key_id(sealedfile.public_raw(committee)), key.kid)

    def system_half(epk: bytes) -> bytes:
        return keyclient.system_halves(kid=key.kid, epks=[epk])[0]

    with clock.frozen(opening - dt.timedelta(seconds=1)):
        sealed.seek(0)
        with pytest.raises(keyclient.TooEarly):
            sealedfile.open_sealed(
                sealed,
                io.BytesIO(),
                committee_key=committee,
                system_half=system_half,
                expected_kids=kids,
            )
    with clock.frozen(opening):
        sealed.seek(0)
        out = io.BytesIO()
        sealedfile.open_sealed(
            sealed, out, committee_key=committee, system_half=system_half, expected_kids=kids
        )
    assert out.getvalue() == b"OPENLPSE-DEMO-PLAINTEXT bid"


def test_the_opening_moves_later_freely_and_earlier_only_into_the_future(keydir):
    opening = _opening()
    key = keyclient.create_system_key(tender_ref="T-1", envelope="single", opening_at=opening)
    now = timezone.now().replace(microsecond=0)

    with clock.frozen(now):
        keyclient.set_opening_time(kid=key.kid, opening_at=opening + dt.timedelta(days=3))
        keyclient.set_opening_time(kid=key.kid, opening_at=now + dt.timedelta(hours=1))
        assert keyclient.describe(kid=key.kid)["opening_at"] == core.format_time(
            now + dt.timedelta(hours=1)
        )
        for earlier in (now, now - dt.timedelta(days=1)):
            with translation.override("en"), pytest.raises(keyclient.OpeningTimeRefused) as refused:
                keyclient.set_opening_time(kid=key.kid, opening_at=earlier)
            assert refused.value.code == "system_key_opening_refused"
            with translation.override("en"):
                assert str(refused.value) == (
                    "The opening time of the system key can be moved earlier only to a time "
                    "still in the future. Choose a later time and try again."
                )
        # Nothing changed by the refusals: still refused now, given one hour later.
        assert keyclient.describe(kid=key.kid)["opening_at"] == core.format_time(
            now + dt.timedelta(hours=1)
        )
        with pytest.raises(keyclient.TooEarly):
            keyclient.system_halves(kid=key.kid, epks=[_epk()[1]])
    with clock.frozen(now + dt.timedelta(hours=1)):
        assert len(keyclient.system_halves(kid=key.kid, epks=[_epk()[1]])) == 1

    outcomes = [(a, o) for a, k, o in _calls(keydir) if k == key.kid and a == "set_opening"]
    assert outcomes == [
        ("set_opening", "ok"),
        ("set_opening", "ok"),
        ("set_opening", "opening_refused"),
        ("set_opening", "opening_refused"),
    ]


def test_a_past_opening_can_still_be_moved_later(keydir):
    now = timezone.now().replace(microsecond=0)
    key = keyclient.create_system_key(
        tender_ref="T-1", envelope="single", opening_at=now - dt.timedelta(hours=1)
    )
    with clock.frozen(now):
        keyclient.set_opening_time(kid=key.kid, opening_at=now + dt.timedelta(days=1))
        with pytest.raises(keyclient.TooEarly):
            keyclient.system_halves(kid=key.kid, epks=[_epk()[1]])


def test_unknown_keys_and_bad_points_are_refused_and_logged(keydir):
    with translation.override("en"), pytest.raises(keyclient.KeyServiceError) as refused:
        keyclient.system_halves(kid="0" * 32, epks=[_epk()[1]])
    assert type(refused.value) is keyclient.KeyServiceError
    assert refused.value.code == "key_service_unavailable"
    with translation.override("en"):
        assert str(refused.value).endswith("contact the LPSE's help desk.")

    key = keyclient.create_system_key(
        tender_ref="T-1", envelope="single", opening_at=timezone.now() - dt.timedelta(days=1)
    )
    with pytest.raises(keyclient.KeyServiceError):
        keyclient.system_halves(kid=key.kid, epks=[b"\x04" + b"\x01" * 64])
    calls = _calls(keydir)
    assert ("halves", "0" * 32, "unknown_key") in calls
    assert ("halves", key.kid, "bad_request") in calls


def test_the_store_holds_no_raw_private_scalar(keydir):
    key = keyclient.create_system_key(
        tender_ref="T-1", envelope="single", opening_at=timezone.now() - dt.timedelta(days=1)
    )
    keyclient.system_halves(kid=key.kid, epks=[_epk()[1]])
    master = (keydir / MASTER_KEY_FILE).read_bytes()
    db = sqlite3.connect(keydir / DATABASE_FILE)
    (sealed,) = db.execute("SELECT sealed_private FROM keys WHERE kid = ?", (key.kid,)).fetchone()
    db.close()
    scalar = AESGCM(master).decrypt(sealed[:12], sealed[12:], key.kid.encode())
    # The sealed value really is the key: its scalar gives the published public key.
    assert sealedfile.public_raw(sealedfile.private_from_scalar(scalar)) == base64.b64decode(
        key.public_key
    )

    forms = [
        scalar,
        scalar.hex().encode(),
        base64.b64encode(scalar),
        str(int.from_bytes(scalar, "big")).encode(),
    ]
    files = [p for p in keydir.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {MASTER_KEY_FILE, TOKEN_FILE, DATABASE_FILE}
    for path in files:
        content = path.read_bytes()
        for form in forms:
            assert form not in content, f"{path.name} holds the private scalar"


def test_files_are_private_to_the_service_user(keydir):
    keyclient.health()
    assert (keydir.stat().st_mode & 0o777) == 0o700
    for name in (MASTER_KEY_FILE, TOKEN_FILE, DATABASE_FILE):
        assert ((keydir / name).stat().st_mode & 0o077) == 0, name
    assert len((keydir / MASTER_KEY_FILE).read_bytes()) == 32


def test_the_call_log_is_append_only(keydir):
    keyclient.health()
    db = sqlite3.connect(keydir / DATABASE_FILE)
    try:
        for statement in ("UPDATE calls SET outcome = 'x'", "DELETE FROM calls"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(statement)
    finally:
        db.close()


def test_a_master_key_readable_by_others_stops_the_service(tmp_path):
    core.open_service(tmp_path / "ks").store.close()
    (tmp_path / "ks" / MASTER_KEY_FILE).chmod(0o644)
    with pytest.raises(Exception, match="chmod 600"):
        core.open_service(tmp_path / "ks")


def test_a_wrong_master_key_cannot_unseal(tmp_path):
    past = timezone.now() - dt.timedelta(days=1)
    service = core.open_service(tmp_path / "ks")
    info = service.create_key(tender_ref="T", envelope="single", opening_at=past)
    other = core.KeyService(service.store, master_key=b"\x00" * 32)
    with pytest.raises(Exception):  # noqa: B017 - InvalidTag from AES-GCM
        other.halves(info.kid, [_epk()[1]])
    service.store.close()


def test_the_json_interface_answers_too_early_with_the_opening_time(tmp_path):
    opening = _opening()
    service = core.open_service(tmp_path / "ks", now=lambda: opening - dt.timedelta(seconds=1))
    status, created = core.handle(
        service,
        "POST",
        "/keys",
        json.dumps(
            {"tender_ref": "T", "envelope": "single", "opening_at": opening.isoformat()}
        ).encode(),
    )
    assert status == 201
    body = json.dumps({"epks": [base64.b64encode(_epk()[1]).decode()]}).encode()
    status, answer = core.handle(service, "POST", f"/keys/{created['kid']}/halves", body)
    assert (status, answer["code"], answer["opening_at"]) == (
        403,
        "too_early",
        core.format_time(opening),
    )
    assert core.handle(service, "POST", "/keys", b"[1]")[0] == 400
    assert core.handle(service, "GET", "/nothing", b"")[0] == 404
    service.store.close()


def test_more_epks_than_one_batch_are_sent_in_batches(keydir, monkeypatch):
    monkeypatch.setattr(keyclient, "BATCH", 2)
    key = keyclient.create_system_key(
        tender_ref="T-1", envelope="single", opening_at=timezone.now() - dt.timedelta(days=1)
    )
    pairs = [_epk() for _ in range(5)]
    system_pub = sealedfile.load_public(base64.b64decode(key.public_key))
    halves = keyclient.system_halves(kid=key.kid, epks=[epk for _, epk in pairs])
    assert halves == [eph.exchange(ec.ECDH(), system_pub) for eph, _ in pairs]
    assert [a for a, k, _ in _calls(keydir) if k == key.kid].count("halves") == 3


def test_keyservice_check_prints_the_health(keydir, capsys):
    from django.core.management import call_command

    call_command("keyservice_check")
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"Key service at local:{keydir}: ok"
    assert "service: openlpse-keyservice" in out
