"""RFC 6962 Merkle trees over the audit chain, and signed checkpoints of their heads.

A hash chain shows that a log is consistent with itself; a Merkle root published outside the
server (in a *Berita Acara*, with a witness) also shows later that the log only grew
(security-reference §2.2 step 2). Leaves are the audit events' `row_hash` bytes.

- `root()` streams the leaves with a stack of complete subtrees (O(log n) memory);
- `inclusion_proof()` / `verify_inclusion()`: this event is in the tree of that size
  (RFC 6962 §2.1.1, verification as in RFC 9162 §2.1.3.2);
- `consistency_proof()` / `verify_consistency()`: the tree of size n extends the one of size m
  (RFC 6962 §2.1.2, RFC 9162 §2.1.4.2);
- `sign_checkpoint()` / `open_checkpoint()`: a C2SP tlog-checkpoint (origin, size, base64 root)
  as a signed note with an Ed25519 key.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


EMPTY_ROOT = _sha256(b"")


def leaf_hash(data: bytes) -> bytes:
    return _sha256(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right)


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Iterable[bytes]) -> tuple[int, bytes]:
    """(size, Merkle tree hash) of the leaves, reading them once in order."""
    stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
    size = 0
    for data in leaves:
        size += 1
        subtree = (1, leaf_hash(data))
        while stack and stack[-1][0] == subtree[0]:
            left = stack.pop()
            subtree = (left[0] * 2, node_hash(left[1], subtree[1]))
        stack.append(subtree)
    if not stack:
        return 0, EMPTY_ROOT
    result = stack.pop()[1]
    while stack:
        result = node_hash(stack.pop()[1], result)
    return size, result


def _mth(leaves: Sequence[bytes]) -> bytes:
    return root(leaves)[1]


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(index, D[n]) of RFC 6962 §2.1.1."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError(f"leaf {index} is not in a tree of size {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(leaves[:k], index), _mth(leaves[k:])]
    return [*inclusion_proof(leaves[k:], index - k), _mth(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2, with `leaf` the entry's data (its leaf hash is computed here)."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    result = leaf_hash(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(p, result)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == expected_root


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2."""
    n = len(leaves)
    if not 0 < old_size <= n:
        raise ValueError(f"no consistency proof from size {old_size} to {n}")
    return _subproof(old_size, leaves, complete=True)


def _subproof(m: int, leaves: Sequence[bytes], *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [_mth(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete=complete), _mth(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], complete=False), _mth(leaves[:k])]


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- signed checkpoints (C2SP tlog-checkpoint in a signed note) ------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode('ascii')}\n"


def _key_id(name: str, public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _sha256(name.encode() + b"\n" + b"\x01" + raw)[:4]


def _check_name(name: str) -> None:
    if not name or any(ch.isspace() or ch == "+" for ch in name):
        raise ValueError("a key name has no spaces and no '+'")


def sign_checkpoint(
    checkpoint: Checkpoint, *, key_name: str, private_key: Ed25519PrivateKey
) -> str:
    """The checkpoint as a signed note: body, a blank line, `— name base64(key id || sig)`."""
    _check_name(key_name)
    if "\n" in checkpoint.origin or not checkpoint.origin:
        raise ValueError("the origin is one non-empty line")
    body = checkpoint.body()
    signature = private_key.sign(body.encode())
    blob = base64.b64encode(_key_id(key_name, private_key.public_key()) + signature).decode()
    return f"{body}\n\u2014 {key_name} {blob}\n"


def open_checkpoint(note: str, *, key_name: str, public_key: Ed25519PublicKey) -> Checkpoint:
    """Verify a signed checkpoint with the named key and return it; ValueError if it does not
    verify or is malformed."""
    _check_name(key_name)
    body, separator, signatures = note.partition("\n\n")
    if not separator:
        raise ValueError("not a signed note: no blank line before the signatures")
    body += "\n"
    wanted_id = _key_id(key_name, public_key)
    for line in signatures.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != "\u2014" or parts[1] != key_name:
            continue
        blob = base64.b64decode(parts[2])
        if blob[:4] != wanted_id:
            continue
        try:
            public_key.verify(blob[4:], body.encode())
        except InvalidSignature:
            raise ValueError("the checkpoint's signature does not verify") from None
        lines = body.split("\n")
        if len(lines) < 4:
            raise ValueError("a checkpoint has an origin, a size and a root")
        return Checkpoint(origin=lines[0], size=int(lines[1]), root=base64.b64decode(lines[2]))
    raise ValueError(f"no signature by {key_name} on this checkpoint")
