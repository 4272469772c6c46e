"""The key ceremonies of the chair's browser, in Python (tests, the demo, the Python client).

The browser module (`key_ceremony`, `resplit_handover`, `resplit_complete`) does the same with
WebCrypto and the npm `shamir-secret-sharing` library; both produce the payloads that
`bids.services.committee.committee_keys_store` and `bids.services.resplit` accept. The
committee private scalar exists only inside these functions (and the browser) and is split
k-of-n with PyPI `pyshamir`: a share is 33 bytes, 32 y-bytes then the x byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import pyshamir
from cryptography.hazmat.primitives.asymmetric import ec

from openlpse.bids.sealedfile import (
    b64,
    open_from_personal_key,
    private_from_scalar,
    public_raw,
    scalar_of,
    seal_to_personal_key,
    unb64,
)


@dataclass
class CeremonyResult:
    payload: dict[str, Any]
    committee_keys: dict[str, ec.EllipticCurvePrivateKey] = field(default_factory=dict)
    shares: dict[str, dict[int, bytes]] = field(default_factory=dict)


def split_key(
    key: ec.EllipticCurvePrivateKey,
    members: list[dict[str, Any]],
    contexts: dict[str, str],
    threshold: int,
) -> tuple[dict[str, Any], dict[int, bytes]]:
    """Split the key's scalar among `members` ([{user_id, public_key}]) and seal each share
    to its member's personal key with the member's context."""
    parts = pyshamir.split(scalar_of(key), len(members), threshold) if len(members) > 1 else []
    if len(members) == 1:
        # A committee of one (pengadaan langsung): the "share" is the scalar itself, x = 1.
        parts = [bytearray(scalar_of(key) + b"\x01")]
    shares: dict[str, Any] = {}
    plain: dict[int, bytes] = {}
    for member, part in zip(members, parts, strict=True):
        uid = int(member["user_id"])
        share = bytes(part)
        shares[str(uid)] = {
            "x": share[-1],
            "sealed": seal_to_personal_key(
                share, recipient_pub=unb64(member["public_key"]), context=contexts[str(uid)]
            ),
            "share_sha256": hashlib.sha256(share).hexdigest(),
        }
        plain[uid] = share
    return shares, plain


def combine(shares: list[bytes]) -> ec.EllipticCurvePrivateKey:
    if len(shares) == 1:
        return private_from_scalar(shares[0][:32])
    return private_from_scalar(bytes(pyshamir.combine([bytearray(s) for s in shares])))


def run_key_ceremony(material: dict[str, Any]) -> CeremonyResult:
    """What the chair's browser does with `committee_material(...)`: per envelope a new
    P-256 committee key, split among the members, each share sealed to them."""
    result = CeremonyResult(payload={"envelopes": {}})
    for env in material["envelopes"]:
        key = ec.generate_private_key(ec.SECP256R1())
        shares, plain = split_key(key, material["members"], env["contexts"], material["threshold"])
        result.payload["envelopes"][env["envelope"]] = {
            "public_key": b64(public_raw(key)),
            "threshold": material["threshold"],
            "shares": shares,
        }
        result.committee_keys[env["envelope"]] = key
        result.shares[env["envelope"]] = plain
    return result


def open_share(sealed: dict[str, str], key: ec.EllipticCurvePrivateKey, context: str) -> bytes:
    """A member unlocks their share with their personal key (the browser's `share_unlock`)."""
    return open_from_personal_key(sealed, recipient=key, context=context)


def handover(
    sealed: dict[str, str],
    *,
    member_key: ec.EllipticCurvePrivateKey,
    context: str,
    chair_public: str,
    handover_context: str,
) -> dict[str, str]:
    """An old member re-seals their share to the chair for a re-split (`resplit_handover`)."""
    share = open_share(sealed, member_key, context)
    return seal_to_personal_key(share, recipient_pub=unb64(chair_public), context=handover_context)


def complete_resplit(
    material: dict[str, Any], *, chair_key: ec.EllipticCurvePrivateKey
) -> dict[str, Any]:
    """The chair rebuilds the committee key from k handed-over shares (and their own share),
    checks it against the committee public key, splits it for the new members
    (`resplit_complete`). `material` is `resplit_material(...)`."""
    shares = [open_share(h["sealed"], chair_key, h["context"]) for h in material["handovers"]]
    if material.get("own_share"):
        own = material["own_share"]
        shares.append(open_share(own["sealed"], chair_key, own["context"]))
    key = combine(shares[: material["old_threshold"]])
    if b64(public_raw(key)) != material["committee_public"]:
        raise ValueError("the shares do not rebuild the committee key")
    new_shares, _plain = split_key(
        key, material["members"], material["contexts"], material["threshold"]
    )
    return {
        "generation": material["generation"],
        "public_key": material["committee_public"],
        "threshold": material["threshold"],
        "shares": new_shares,
    }
