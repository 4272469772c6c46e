"""Personal keys: register, confirm, revoke, the refusal matrix, one live key per user, and
the key file format."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import translation

from openlpse.accounts.enums import Role
from openlpse.accounts.tests.factories import UserFactory
from openlpse.bids import keyfile
from openlpse.bids.models import PersonalKey
from openlpse.bids.sealedfile import b64, public_raw
from openlpse.bids.services.personal_keys import (
    personal_key_confirm,
    personal_key_register,
    personal_key_revoke,
)
from openlpse.core import errors
from openlpse.core.models import AuditEvent
from openlpse.plans.tests.factories import grant, make_planning_officials
from openlpse.tenders.tests.factories import make_committee

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _en():
    with translation.override("en"):
        yield


def _pub() -> str:
    return b64(public_raw(ec.generate_private_key(ec.SECP256R1())))


@pytest.fixture
def scene():
    officials = make_planning_officials()
    committee = make_committee(officials)
    admin = UserFactory()
    grant(admin, Role.LPSE_ADMIN, lpse=officials.lpse)
    other_admin = UserFactory()
    grant(other_admin, Role.LPSE_ADMIN, lpse=make_planning_officials().lpse)
    return officials, committee, admin, other_admin


def test_member_registers_admin_confirms_with_the_fingerprint(scene):
    officials, committee, admin, _other = scene
    member = committee.pokja[0]
    key = personal_key_register(actor=member, public_key_b64=_pub())
    assert (key.status, key.lpse_id) == ("pending", officials.lpse.pk)
    with pytest.raises(errors.ValidationError) as caught:
        personal_key_confirm(actor=admin, key=key, fingerprint_read="0" * 64)
    assert caught.value.code == "fingerprint_mismatch"
    key.refresh_from_db()
    assert key.status == "pending"
    spaced = " ".join(key.fingerprint[i : i + 4] for i in range(0, 64, 4)).upper()
    key = personal_key_confirm(actor=admin, key=key, fingerprint_read=spaced)
    assert (key.status, key.confirmed_by) == ("confirmed", admin)
    assert AuditEvent.objects.filter(action="bids.personal_key_confirm").count() == 1


def test_refusal_matrix(scene):
    _officials, committee, admin, other_admin = scene
    member = committee.pokja[0]
    vendor_user = UserFactory()
    anonymous = type("Anon", (), {"is_authenticated": False, "pk": None})()
    for actor in (vendor_user, anonymous, admin):
        with pytest.raises(errors.PermissionDenied) as caught:
            personal_key_register(actor=actor, public_key_b64=_pub())
        assert caught.value.code == "not_key_holder"
    key = personal_key_register(actor=member, public_key_b64=_pub())
    for actor in (other_admin, vendor_user, anonymous, committee.pokja[1]):
        with pytest.raises(errors.NotFound):
            personal_key_confirm(actor=actor, key=key, fingerprint_read=key.fingerprint)
        with pytest.raises(errors.NotFound):
            personal_key_revoke(actor=actor, key=key, reason="x")
    key.refresh_from_db()
    assert key.status == "pending"


def test_one_live_key_per_user_and_revoke_allows_a_new_one(scene):
    _officials, committee, admin, _other = scene
    member = committee.pokja[1]
    first = personal_key_register(actor=member, public_key_b64=_pub())
    with pytest.raises(errors.Conflict) as caught:
        personal_key_register(actor=member, public_key_b64=_pub())
    assert caught.value.code == "personal_key_exists"
    with pytest.raises(errors.ValidationError) as caught:
        personal_key_revoke(actor=member, key=first, reason="  ")
    personal_key_revoke(actor=member, key=first, reason="Laptop hilang")
    second = personal_key_register(actor=member, public_key_b64=_pub())
    personal_key_confirm(actor=admin, key=second, fingerprint_read=second.fingerprint)
    personal_key_revoke(actor=admin, key=second, reason="Kunci bocor")
    assert list(PersonalKey.objects.filter(user=member).values_list("status", flat=True)) == [
        "revoked",
        "revoked",
    ]


def test_invalid_public_key_is_refused(scene):
    member = scene[1].pokja[0]
    with pytest.raises(errors.ValidationError) as caught:
        personal_key_register(actor=member, public_key_b64="AAAA")
    assert caught.value.code == "invalid_public_key"
    assert not PersonalKey.objects.exists()


def test_key_file_round_trip_and_wrong_passphrase():
    data, key = keyfile.make_key_file(
        user="pokja1", lpse="lampung", passphrase="kata sandi panjang", iterations=1000
    )
    assert data["format"] == "openlpse-personal-key"
    assert data["public_key"] == b64(public_raw(key))
    again = keyfile.read_key_file(keyfile.dumps(data), "kata sandi panjang")
    assert again.private_numbers() == key.private_numbers()
    with pytest.raises(keyfile.KeyFileError) as caught:
        keyfile.read_key_file(data, "salah")
    assert caught.value.code == "wrong_passphrase"
    with pytest.raises(keyfile.KeyFileError) as caught:
        keyfile.read_key_file(b'{"format": "x"}', "salah")
    assert caught.value.code == "not_a_key_file"
