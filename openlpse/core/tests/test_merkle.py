"""RFC 6962 Merkle trees against the transparency-dev/merkle reference vectors
(testonly/constants.go, as in security-reference Appendix B), proofs, signed checkpoints, and
checkpoints of the audit chain (audit_checkpoint, audit_verify --checkpoint)."""

from __future__ import annotations

import base64
import itertools
import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from openlpse.core import audit, merkle
from openlpse.core.models import AuditEvent

LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# NodeHashes(): [level][index] of the complete subtrees of the 8-leaf tree.
NODES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]


def node(level: int, index: int) -> bytes:
    return bytes.fromhex(NODES[level][index])


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_reference_vectors(size):
    assert merkle.root(iter(LEAVES[:size])) == (size, bytes.fromhex(ROOTS[size]))


def test_leaf_hashes_match_the_reference_node_hashes():
    assert [merkle.leaf_hash(leaf).hex() for leaf in LEAVES] == NODES[0]


@pytest.mark.parametrize(
    ("index", "size", "expected"),
    [
        (0, 1, []),
        (0, 8, [(0, 1), (1, 1), (2, 1)]),
        (5, 8, [(0, 4), (1, 3), (2, 0)]),
        (6, 7, [(1, 2), (2, 0)]),
        (2, 3, [(1, 0)]),
    ],
)
def test_inclusion_proofs_match_the_reference_tree(index, size, expected):
    proof = merkle.inclusion_proof(LEAVES[:size], index)
    assert proof == [node(level, i) for level, i in expected]
    assert merkle.verify_inclusion(LEAVES[index], index, size, proof, bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (1, 8, [(0, 1), (1, 1), (2, 1)]),
        (4, 8, [(2, 1)]),
        (6, 8, [(1, 2), (1, 3), (2, 0)]),
    ],
)
def test_consistency_proofs_match_the_reference_tree(old, new, expected):
    proof = merkle.consistency_proof(LEAVES[:new], old)
    assert proof == [node(level, i) for level, i in expected]
    assert merkle.verify_consistency(
        old, new, bytes.fromhex(ROOTS[old]), bytes.fromhex(ROOTS[new]), proof
    )


def test_every_inclusion_and_consistency_proof_up_to_16_leaves_verifies_and_resists_tampering():
    leaves = [bytes([i]) * (i % 5) for i in range(16)]
    roots = [merkle.root(leaves[:n])[1] for n in range(17)]
    for n in range(1, 17):
        for i in range(n):
            proof = merkle.inclusion_proof(leaves[:n], i)
            assert merkle.verify_inclusion(leaves[i], i, n, proof, roots[n])
            assert not merkle.verify_inclusion(leaves[i] + b"x", i, n, proof, roots[n])
            if n > 1:
                assert not merkle.verify_inclusion(leaves[i], (i + 1) % n, n, proof, roots[n])
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(leaves[:n], m)
            assert merkle.verify_consistency(m, n, roots[m], roots[n], proof)
            if m < n:
                assert not merkle.verify_consistency(m, n, roots[m], roots[n - 1], proof)
                forged = [b"\x00" * 32, *proof[1:]]
                assert not merkle.verify_consistency(m, n, roots[m], roots[n], forged)


def test_proof_arguments_out_of_range_are_refused():
    with pytest.raises(ValueError, match="not in a tree of size 3"):
        merkle.inclusion_proof(LEAVES[:3], 3)
    with pytest.raises(ValueError, match="no consistency proof from size 0"):
        merkle.consistency_proof(LEAVES[:3], 0)
    assert not merkle.verify_inclusion(LEAVES[0], 3, 3, [], bytes(32))
    assert not merkle.verify_consistency(3, 8, bytes(32), bytes(32), [])


# --- signed checkpoints --------------------------------------------------------------------------


def test_a_signed_checkpoint_has_the_c2sp_form_and_opens_with_its_key():
    key = Ed25519PrivateKey.generate()
    checkpoint = merkle.Checkpoint("lpse.example.go.id/audit", 8, bytes.fromhex(ROOTS[8]))
    note = merkle.sign_checkpoint(checkpoint, key_name="lpse-audit", private_key=key)
    lines = note.split("\n")
    assert lines[:4] == [
        "lpse.example.go.id/audit",
        "8",
        base64.b64encode(bytes.fromhex(ROOTS[8])).decode(),
        "",
    ]
    assert lines[4].startswith("\u2014 lpse-audit ")
    assert len(base64.b64decode(lines[4].split(" ")[2])) == 4 + 64
    assert (
        merkle.open_checkpoint(note, key_name="lpse-audit", public_key=key.public_key())
        == checkpoint
    )


def test_a_checkpoint_with_a_changed_size_or_another_key_does_not_open():
    key = Ed25519PrivateKey.generate()
    note = merkle.sign_checkpoint(
        merkle.Checkpoint("o", 8, bytes(32)), key_name="k", private_key=key
    )
    with pytest.raises(ValueError, match="does not verify"):
        merkle.open_checkpoint(
            note.replace("\n8\n", "\n9\n"), key_name="k", public_key=key.public_key()
        )
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(ValueError, match="no signature by k"):
        merkle.open_checkpoint(note, key_name="k", public_key=other)


# --- checkpoints of the audit chain --------------------------------------------------------------


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="test.checkpoint", changes={"i": i})


def _verify(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def signed(tmp_path):
    """A key pair on disk and a checkpoint of 6 events."""
    key_file, public_file = tmp_path / "audit.pem", tmp_path / "audit.pub.pem"
    public = StringIO()
    call_command("audit_checkpoint", "--new-key", str(key_file), stdout=public)
    public_file.write_text(public.getvalue())
    _append(6)
    out = StringIO()
    call_command("audit_checkpoint", "--private-key", str(key_file), "--origin", "test", stdout=out)
    note = tmp_path / "checkpoint.txt"
    note.write_text(out.getvalue())
    return note, public_file


def _checkpoint_args(signed) -> list[str]:
    note, public_file = signed
    return [
        "--checkpoint",
        str(note),
        "--public-key",
        str(public_file),
        "--key-name",
        "openlpse-audit",
    ]


@pytest.mark.django_db
def test_the_audit_checkpoint_signs_the_merkle_root_of_the_chain(signed):
    note, _public = signed
    size, root = audit.merkle_root()
    assert note.read_text().split("\n")[:3] == ["test", "6", base64.b64encode(root).decode()]
    assert size == 6
    _append(2)  # the log grows after the checkpoint: still consistent
    code, out, err = _verify(*_checkpoint_args(signed))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Checkpoint of 6 events matches."


def _as_superuser_attacker(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_removing_the_last_events_is_caught_by_the_checkpoint(signed):
    _as_superuser_attacker("DELETE FROM core_auditevent WHERE seq > %s", [4])
    assert audit.verify_chain().ok  # the chain alone cannot see it
    code, _out, err = _verify(*_checkpoint_args(signed))
    assert code == 1
    assert err.splitlines()[0] == (
        "FAILED: event #5: the log has 4 events but the checkpoint signed 6: "
        "events were removed from the end"
    )


@pytest.mark.django_db
def test_a_rewrite_with_every_later_hash_recomputed_is_caught_by_the_checkpoint(signed):
    # The attacker edits event 3 and recomputes the canon and hashes of 3..6 and deletes
    # nothing: the chain verifies, only the published root shows it.
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[1].row_hash
    for event in events[2:]:
        if event.seq == 3:
            event.changes = {"i": 999}
        event.prev_hash = prev
        canon = audit.canonical_bytes(audit.canonical_fields(event))
        row_hash = audit.chain_hash(prev, canon)
        cast = "::jsonb" if connection.vendor == "postgresql" else ""
        _as_superuser_attacker(
            f"UPDATE core_auditevent SET changes = %s{cast}, canon = %s, prev_hash = %s, "  # noqa: S608
            "row_hash = %s WHERE seq = %s",
            [json.dumps(event.changes), canon, prev, row_hash, event.seq],
        )
        prev = row_hash
    assert audit.verify_chain().ok
    code, _out, err = _verify(*_checkpoint_args(signed))
    assert code == 1
    assert err.splitlines()[0].startswith(
        "FAILED: events #1 to #6 no longer have the Merkle root of the signed checkpoint"
    )


@pytest.mark.django_db
def test_no_checkpoint_is_signed_over_a_broken_chain(signed, tmp_path):
    _as_superuser_attacker("DELETE FROM core_auditevent WHERE seq = %s", [2])
    with pytest.raises(CommandError, match="does not verify"):
        call_command(
            "audit_checkpoint", "--private-key", str(tmp_path / "audit.pem"), stdout=StringIO()
        )


def test_merkle_root_streaming_equals_the_recursive_definition():
    leaves = [bytes([i]) for i in range(37)]
    for n in itertools.chain(range(0, 37, 5), [36]):
        expected = merkle.EMPTY_ROOT if n == 0 else _reference_mth(leaves[:n])
        assert merkle.root(iter(leaves[:n]))[1] == expected


def _reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 written as the RFC does (Appendix B of security-reference)."""
    if len(leaves) == 1:
        return merkle.leaf_hash(leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_reference_mth(leaves[:k]), _reference_mth(leaves[k:]))
