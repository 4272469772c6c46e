"""Sealed-bid test data (issue 5). Set-up only: rows are written directly, the ceremony runs
in Python exactly as the chair's browser runs it (`openlpse.bids.ceremony`).

- `give_personal_keys(users)`: a confirmed PersonalKey per user; returns {user_id: private key}.
- `make_envelope_keys(tender, member_keys=None, with_system=True)`: the committee keys of
  every envelope of the tender, split among its current members (personal keys made when
  `member_keys` lacks one); with `with_system` also the key service's system key and the canary
  (what the announcement does). Use `with_system=False` before calling `tender_announce`.
- `sealed_bid(tender, envelope, vendor, plaintext)`: a sealed file for the envelope's keys.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from openlpse.bids import ceremony
from openlpse.bids import selectors_keys as selectors
from openlpse.bids.models import EnvelopeKeys, KeyShare, PersonalKey
from openlpse.bids.sealedfile import b64, fingerprint, key_id, public_raw, seal, unb64
from openlpse.tenders.models import Tender
from openlpse.tenders.sealing import envelopes_of


@dataclass
class EnvelopeMaterial:
    envelope: str
    keys: EnvelopeKeys
    committee_key: ec.EllipticCurvePrivateKey
    shares: dict[int, bytes]  # member id -> plain 33-byte share
    contexts: dict[int, str]

    @property
    def threshold(self) -> int:
        return self.keys.threshold


@dataclass
class KeyMaterial:
    tender: Tender
    member_keys: dict[int, ec.EllipticCurvePrivateKey]
    envelopes: dict[str, EnvelopeMaterial] = field(default_factory=dict)

    def __getitem__(self, envelope: str) -> EnvelopeMaterial:
        return self.envelopes[envelope]


def _lpse_of(user: Any, fallback: Any = None) -> int:
    lpse_id = selectors.member_lpse_id(user)
    if lpse_id is None:
        from openlpse.accounts.models import RoleAssignment

        row = RoleAssignment.objects.filter(user=user, lpse__isnull=False).first()
        lpse_id = row.lpse_id if row else getattr(fallback, "pk", None)
    if lpse_id is None:
        raise ValueError(f"user {user.pk} has no LPSE for a personal key")
    return int(lpse_id)


def personal_key_row(
    user: Any, key: ec.EllipticCurvePrivateKey, *, status: str = "confirmed", lpse: Any = None
) -> PersonalKey:
    raw = public_raw(key)
    now = timezone.now()
    return PersonalKey.objects.create(
        user=user,
        lpse_id=_lpse_of(user, lpse),
        public_key=b64(raw),
        fingerprint=fingerprint(raw),
        status=status,
        created_at=now,
        confirmed_at=now if status == "confirmed" else None,
    )


def give_personal_keys(users: Any, *, lpse: Any = None) -> dict[int, ec.EllipticCurvePrivateKey]:
    """A confirmed personal key for each user that has no live key (a user with a live key
    keeps it and is left out of the result unless it was made here)."""
    made: dict[int, ec.EllipticCurvePrivateKey] = {}
    for user in users:
        if selectors.live_key(user) is not None:
            continue
        key = ec.generate_private_key(ec.SECP256R1())
        personal_key_row(user, key, lpse=lpse)
        made[user.pk] = key
    return made


def make_envelope_keys(
    tender: Tender,
    *,
    member_keys: dict[int, ec.EllipticCurvePrivateKey] | None = None,
    with_system: bool = True,
) -> KeyMaterial:
    """Run the chair's ceremony in Python for every envelope of the tender and store it."""
    members = selectors.committee_users(tender)
    member_keys = dict(member_keys or {})
    member_keys.update(
        give_personal_keys([m for m in members if m.pk not in member_keys], lpse=tender.lpse)
    )
    rows = selectors.confirmed_keys([m.pk for m in members])
    missing = [m.pk for m in members if m.pk not in rows or m.pk not in member_keys]
    if missing:
        raise ValueError(f"members {missing} have a live key whose private key is not given")
    for member in members:
        if b64(public_raw(member_keys[member.pk])) != rows[member.pk].public_key:
            raise ValueError(f"member {member.pk}: the given private key is not their live key")
    n = len(members)
    material_members = [{"user_id": m.pk, "public_key": rows[m.pk].public_key} for m in members]
    result = KeyMaterial(tender=tender, member_keys=member_keys)
    now = timezone.now()
    EnvelopeKeys.objects.filter(tender=tender).delete()
    made_by = members[0] if members else tender.created_by
    for env in envelopes_of(tender):
        contexts = {m.pk: selectors.share_context(tender.code, env, 1, m.pk) for m in members}
        key = ec.generate_private_key(ec.SECP256R1())
        shares, plain = ceremony.split_key(
            key,
            material_members,
            {str(uid): ctx for uid, ctx in contexts.items()},
            selectors.threshold_for(n),
        )
        raw = public_raw(key)
        row = EnvelopeKeys.objects.create(
            tender=tender,
            envelope=env,
            committee_public=b64(raw),
            committee_kid=key_id(raw),
            committee_fingerprint=fingerprint(raw),
            threshold=selectors.threshold_for(n),
            share_count=n,
            generation=1,
            made_by=made_by,
            made_at=now,
        )
        KeyShare.objects.bulk_create(
            [
                KeyShare(
                    keys=row,
                    generation=1,
                    member_id=m.pk,
                    personal_key=rows[m.pk],
                    x=shares[str(m.pk)]["x"],
                    sealed=shares[str(m.pk)]["sealed"],
                    share_sha256=shares[str(m.pk)]["share_sha256"],
                    created_at=now,
                )
                for m in members
            ]
        )
        if with_system:
            from openlpse.bids.services.committee import prepare_envelope

            prepare_envelope(row, tender, now=now)
        result.envelopes[env] = EnvelopeMaterial(
            envelope=env, keys=row, committee_key=key, shares=plain, contexts=contexts
        )
    return result


def sealed_bid(
    tender: Tender, envelope: str, vendor: Any, plaintext: bytes, *, chunk: int | None = None
) -> bytes:
    """`plaintext` sealed to the envelope's committee and system keys, bidder = the vendor."""
    row = EnvelopeKeys.objects.get(tender=tender, envelope=envelope)
    if not row.system_public:
        raise ValueError("the envelope has no system key yet (announce the tender first)")
    out = io.BytesIO()
    options: dict[str, Any] = {"chunk": chunk} if chunk else {}
    seal(
        io.BytesIO(plaintext),
        out,
        tender=tender.code,
        envelope=envelope,
        bidder=str(getattr(vendor, "pk", vendor)),
        committee_pub=unb64(row.committee_public),
        system_pub=unb64(row.system_public),
        **options,
    )
    return out.getvalue()
