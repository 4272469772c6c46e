"""Cross-language vectors: the browser sealing modules (static/openlpse/js/sealing/*.mjs), run in
Node 20 (the same WebCrypto API as browsers), against the Python side (sealedfile, pyshamir, the
personal key file). Security-reference §1.7 items 1 and 7.

Skipped, with the reason, only when `node` is not on PATH or `npm ci` has not installed
node_modules (the Shamir library): `make test` installs it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyshamir
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings

from openlpse.bids import keyfile, sealedfile
from openlpse.bids.sealedfile import OpenError

DRIVER = Path(__file__).parent / "js" / "driver.mjs"
NODE = shutil.which("node")
SHAMIR = Path(settings.BASE_DIR) / "node_modules" / "shamir-secret-sharing" / "esm" / "index.js"

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not on PATH (install nodejs 20 and npm)"),
    pytest.mark.skipif(
        not SHAMIR.exists(), reason="node_modules is missing: run `npm ci` (make test does it)"
    ),
]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def js(op: str, **payload: Any) -> Any:
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(DRIVER)],
        input=json.dumps({"op": op, **payload}).encode(),
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "NODE_NO_WARNINGS": "1"},
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return json.loads(done.stdout)


class Keys:
    def __init__(self) -> None:
        self.committee = ec.generate_private_key(ec.SECP256R1())
        self.system = ec.generate_private_key(ec.SECP256R1())
        self.committee_pub = sealedfile.public_raw(self.committee)
        self.system_pub = sealedfile.public_raw(self.system)

    def system_half(self, epk: bytes) -> bytes:
        return self.system.exchange(ec.ECDH(), sealedfile.load_public(epk))

    @property
    def kids(self) -> tuple[str, str]:
        return sealedfile.key_id(self.committee_pub), sealedfile.key_id(self.system_pub)

    def open(self, sealed: bytes) -> bytes:
        out = io.BytesIO()
        sealedfile.open_sealed(
            io.BytesIO(sealed),
            out,
            committee_key=self.committee,
            system_half=self.system_half,
            expected_kids=self.kids,
        )
        return out.getvalue()


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


def js_seal(keys: Keys, plaintext: bytes, *, chunk: int, tender: str = "T-2026-0001") -> Any:
    return js(
        "seal",
        plaintext=b64(plaintext),
        tender=tender,
        envelope="single",
        bidder="42",
        committee_public=b64(keys.committee_pub),
        system_public=b64(keys.system_pub),
        chunk=chunk,
    )


CHUNK = 1024


@pytest.mark.parametrize(
    ("length", "chunks"),
    [(0, 1), (1, 1), (CHUNK, 1), (3 * CHUNK, 3), (3 * CHUNK + CHUNK // 2, 4)],
    ids=["empty", "one-byte", "exactly-one-chunk", "exactly-three-chunks", "three-and-a-half"],
)
def test_js_sealed_file_opens_in_python(keys: Keys, length: int, chunks: int) -> None:
    plaintext = os.urandom(length)
    result = js_seal(keys, plaintext, chunk=CHUNK)
    sealed = unb64(result["sealed"])

    assert keys.open(sealed) == plaintext
    assert result["chunks"] == chunks
    assert result["size"] == len(sealed) == result["expected_size"]
    assert result["ciphertext_sha256"] == hashlib.sha256(sealed).hexdigest()
    assert result["plaintext_sha256"] == hashlib.sha256(plaintext).hexdigest()
    assert result["progress"][-1] == [length, length]
    # The server's finalize check accepts it, and the header says what was asked.
    header = sealedfile.check_framing(io.BytesIO(sealed), size=len(sealed))
    assert (header.tender, header.envelope, header.bidder) == ("T-2026-0001", "single", "42")
    assert (header.committee_kid, header.system_kid) == keys.kids


def test_js_header_has_python_layout(keys: Keys) -> None:
    """The header core is byte for byte what Python's seal writes for the same fields."""
    result = js_seal(keys, b"x", chunk=CHUNK, tender="T-2026-ÄÖ/é")
    core = result["core"].encode("utf-8")
    fields = json.loads(core)
    assert list(fields) == list(sealedfile.HEADER_FIELDS)
    assert core == json.dumps(fields, separators=(",", ":")).encode("utf-8")
    assert b"\\u00c4" in core  # ensure_ascii, as Python writes it
    assert fields["suite"] == sealedfile.SUITE
    assert fields["chunk"] == CHUNK

    py_out = io.BytesIO()
    sealedfile.seal(
        io.BytesIO(b"x"),
        py_out,
        tender="T-2026-ÄÖ/é",
        envelope="single",
        bidder="42",
        committee_pub=keys.committee_pub,
        system_pub=keys.system_pub,
        chunk=CHUNK,
    )
    py_header = sealedfile.read_header(io.BytesIO(py_out.getvalue()))
    sealed = unb64(result["sealed"])
    js_header = sealedfile.read_header(io.BytesIO(sealed))
    # Same fields but epk and nonce_prefix (fresh per file): same length, same layout.
    assert len(js_header.core) == len(py_header.core)
    assert js_header.body_offset == py_header.body_offset
    same = {k: v for k, v in js_header.fields.items() if k not in ("epk", "nonce_prefix")}
    assert same == {k: v for k, v in py_header.fields.items() if k not in ("epk", "nonce_prefix")}


def test_python_json_of_odd_strings() -> None:
    value = {"a": 'tab\tnl\n\u007f\u0001 "q" \\ / é 😀', "n": 5}
    assert js("python_json", value=value)["text"] == json.dumps(value, separators=(",", ":"))


def test_key_ids_match(keys: Keys) -> None:
    answer = js("key_id", public_key=b64(keys.committee_pub))
    assert answer["fingerprint"] == sealedfile.fingerprint(keys.committee_pub)
    assert answer["kid"] == sealedfile.key_id(keys.committee_pub)


@pytest.mark.parametrize(
    ("offset", "code"),
    [
        (0, sealedfile.E_FORMAT),  # magic
        (None, sealedfile.E_UNWRAP),  # the tender code inside the header core
        (-1, sealedfile.E_CHUNK_AUTH),  # the last chunk's tag
    ],
    ids=["magic", "header", "last-chunk"],
)
def test_tampered_js_output_gives_error_class(keys: Keys, offset: int | None, code: str) -> None:
    plaintext = os.urandom(2 * CHUNK + 7)
    sealed = bytearray(unb64(js_seal(keys, plaintext, chunk=CHUNK)["sealed"]))
    if offset is None:
        offset = sealed.index(b"T-2026-0001")
    sealed[offset] ^= 0x01
    with pytest.raises(OpenError) as caught:
        keys.open(bytes(sealed))
    assert caught.value.code == code


def test_every_single_byte_change_is_refused(keys: Keys) -> None:
    """Any one byte changed anywhere in a JS-sealed file: an OpenError, never plaintext."""
    plaintext = os.urandom(CHUNK + 100)
    original = unb64(js_seal(keys, plaintext, chunk=CHUNK)["sealed"])
    rng = random.Random(5)
    for position in rng.sample(range(len(original)), 60):
        tampered = bytearray(original)
        tampered[position] ^= rng.randrange(1, 256)
        with pytest.raises(OpenError) as caught:
            keys.open(bytes(tampered))
        assert caught.value.code in sealedfile.ERROR_CLASSES


def test_truncated_js_output(keys: Keys) -> None:
    sealed = unb64(js_seal(keys, os.urandom(3 * CHUNK), chunk=CHUNK)["sealed"])
    with pytest.raises(OpenError) as caught:
        keys.open(sealed[: -(CHUNK + 20)])  # the final chunk dropped
    assert caught.value.code == sealedfile.E_TRUNCATED


def test_own_sha256_against_webcrypto_and_hashlib() -> None:
    rng = random.Random(20261122)
    items = []
    datas = []
    for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000] + [
        rng.randrange(1, 300_000) for _ in range(12)
    ]:
        data = rng.randbytes(length)
        steps = [rng.randrange(0, 200) for _ in range(rng.randrange(0, 6))]
        datas.append(data)
        items.append({"data": b64(data), "steps": steps})
    answer = js("sha256", items=items)["digests"]
    for data, got in zip(datas, answer, strict=True):
        expected = hashlib.sha256(data).hexdigest()
        assert got == {"ours": expected, "webcrypto": expected}


def test_js_split_python_combine() -> None:
    secret = os.urandom(32)
    answer = js("split", secret=b64(secret), n=5, k=3)
    parts = [bytearray(unb64(s)) for s in answer["shares"]]
    assert all(len(p) == 33 for p in parts)
    assert len(set(answer["xs"])) == 5
    assert bytes(pyshamir.combine([parts[0], parts[2], parts[4]])) == secret
    assert bytes(pyshamir.combine([parts[4], parts[1], parts[3]])) == secret
    assert bytes(pyshamir.combine(parts[:2])) != secret  # fewer than k


def test_python_split_js_combine_and_rebuild_check() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    scalar = sealedfile.scalar_of(key)
    public = b64(sealedfile.public_raw(key))
    parts = [b64(bytes(p)) for p in pyshamir.split(scalar, 3, 2)]

    assert unb64(js("combine", shares=parts[1:])["secret"]) == scalar
    rebuilt = js("rebuild", shares=[parts[2], parts[0]], public_key=public)
    assert rebuilt == {"ok": True, "secret": b64(scalar)}
    # Two shares of a 3-of-5 split rebuild a wrong scalar: refused against the published key.
    wide = [b64(bytes(p)) for p in pyshamir.split(scalar, 5, 3)]
    assert js("rebuild", shares=wide[:2], public_key=public) == {
        "ok": False,
        "code": "share_mismatch",
    }


def test_scalar_check_derives_the_public_key() -> None:
    answer = js("committee_key")
    key = sealedfile.private_from_scalar(unb64(answer["scalar"]))
    assert b64(sealedfile.public_raw(key)) == answer["public_key"]
    check = js("scalar_matches", scalar=answer["scalar"], public_key=answer["public_key"])
    assert check == {"matches": True, "derived": answer["public_key"]}
    other = b64(sealedfile.public_raw(ec.generate_private_key(ec.SECP256R1())))
    assert js("scalar_matches", scalar=answer["scalar"], public_key=other)["matches"] is False


def _pkcs8(key: ec.EllipticCurvePrivateKey) -> str:
    return b64(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_js_share_envelope_opens_in_python_and_back() -> None:
    member = ec.generate_private_key(ec.SECP256R1())
    share = os.urandom(33)
    context = "T-2026-0001/single/g1/u7"
    sealed = js(
        "seal_share",
        message=b64(share),
        public_key=b64(sealedfile.public_raw(member)),
        context=context,
    )["sealed"]
    assert set(sealed) == {"epk", "iv", "ct"}
    assert sealedfile.open_from_personal_key(sealed, recipient=member, context=context) == share
    with pytest.raises(OpenError) as caught:  # moved to another slot
        sealedfile.open_from_personal_key(
            sealed, recipient=member, context="T-2026-0001/single/g1/u8"
        )
    assert caught.value.code == sealedfile.E_SHARES

    back = sealedfile.seal_to_personal_key(
        share, recipient_pub=sealedfile.public_raw(member), context=context
    )
    opened = js("open_share", sealed=back, pkcs8=_pkcs8(member), context=context)
    assert opened == {"ok": True, "message": b64(share)}
    wrong = js("open_share", sealed=back, pkcs8=_pkcs8(member), context=context + "x")
    assert wrong == {"ok": False, "code": "share_open"}


def test_js_ceremony_payload_opens_in_python() -> None:
    """What the chair's browser posts: k of the members' opened shares rebuild the key."""
    committee = ec.generate_private_key(ec.SECP256R1())
    members = {uid: ec.generate_private_key(ec.SECP256R1()) for uid in (3, 5, 9)}
    payload = js(
        "seal_members",
        scalar=b64(sealedfile.scalar_of(committee)),
        members=[
            {"user_id": uid, "public_key": b64(sealedfile.public_raw(k))}
            for uid, k in members.items()
        ],
        k=2,
        tender="T-2026-0009",
        envelope="file_1",
        generation=1,
    )
    assert payload["threshold"] == 2
    opened = []
    for uid, key in members.items():
        slot = payload["shares"][str(uid)]
        share = sealedfile.open_from_personal_key(
            slot["sealed"], recipient=key, context=f"T-2026-0009/file_1/g1/u{uid}"
        )
        assert share[-1] == slot["x"]
        assert hashlib.sha256(share).hexdigest() == slot["share_sha256"]
        opened.append(bytearray(share))
    rebuilt = sealedfile.private_from_scalar(bytes(pyshamir.combine(opened[1:])))
    assert sealedfile.public_raw(rebuilt) == sealedfile.public_raw(committee)


def _read_key_file_inline(doc: dict[str, Any], passphrase: str) -> ec.EllipticCurvePrivateKey:
    """The key file reader written from the brief's format with `cryptography` (used when
    D's openlpse/bids/keyfile.py is not there)."""
    assert doc["format"] == "openlpse-personal-key" and doc["v"] == 1
    assert doc["kdf"]["name"] == "PBKDF2" and doc["kdf"]["hash"] == "SHA-256"
    kek = PBKDF2HMAC(
        hashes.SHA256(), 32, unb64(doc["kdf"]["salt"]), doc["kdf"]["iterations"]
    ).derive(passphrase.encode("utf-8"))
    der = AESGCM(kek).decrypt(
        unb64(doc["cipher"]["iv"]), unb64(doc["private_key"]), doc["fingerprint"].encode("utf-8")
    )
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def test_js_key_file_reads_in_python() -> None:
    passphrase = "kuda lari di padang 2026"
    answer = js(
        "make_key_file",
        user="pokja.ani",
        lpse="kota-contoh",
        passphrase=passphrase,
        iterations=1000,
    )
    doc = answer["file"]
    assert answer["file_name"] == "openlpse-kunci-pokja.ani.json"
    assert list(doc) == [
        "format", "v", "user", "lpse", "public_key", "fingerprint", "created", "kdf", "cipher",
        "private_key",
    ]  # fmt: skip
    assert doc["kdf"] == {
        "name": "PBKDF2",
        "hash": "SHA-256",
        "iterations": 1000,
        "salt": doc["kdf"]["salt"],
    }
    assert len(unb64(doc["kdf"]["salt"])) == 16 and len(unb64(doc["cipher"]["iv"])) == 12
    assert doc["fingerprint"] == sealedfile.fingerprint(unb64(doc["public_key"]))
    assert doc["created"].endswith("Z")

    key = _read_key_file_inline(doc, passphrase)
    assert b64(sealedfile.public_raw(key)) == doc["public_key"]
    # D's reader (openlpse/bids/keyfile.py) reads it too, and refuses a wrong passphrase.
    read = keyfile.read_key_file(json.dumps(doc).encode(), passphrase)
    assert sealedfile.public_raw(read) == unb64(doc["public_key"])
    with pytest.raises(keyfile.KeyFileError) as caught:
        keyfile.read_key_file(json.dumps(doc).encode(), passphrase + "x")
    assert caught.value.code == "wrong_passphrase"


def test_python_keyfile_module_file_reads_in_js() -> None:
    """A key file made by openlpse/bids/keyfile.py opens in the browser module."""
    passphrase = "kuda lari di padang 2026"
    doc, key = keyfile.make_key_file(
        user="pokja.citra", lpse="kota-contoh", passphrase=passphrase, iterations=1000
    )
    context = "T-2026-0001/file_2/g1/u4"
    sealed = sealedfile.seal_to_personal_key(
        b"share", recipient_pub=sealedfile.public_raw(key), context=context
    )
    answer = js("read_key_file", file=doc, passphrase=passphrase, sealed=sealed, context=context)
    assert answer == {"ok": True, "public_key": doc["public_key"], "message": b64(b"share")}
    text = json.loads(keyfile.dumps(doc))
    wrong = js(
        "read_key_file", file=text, passphrase="nope nope nope", sealed=sealed, context=context
    )
    assert wrong == {"ok": False, "code": "wrong_passphrase"}


def test_python_made_key_file_reads_in_js() -> None:
    """A key file written to the format in Python opens in the browser module, and its key
    opens a share sealed to it; a wrong passphrase and a non-key file are told apart."""
    passphrase = "kuda lari di padang 2026"
    key = ec.generate_private_key(ec.SECP256R1())
    raw = sealedfile.public_raw(key)
    fp = sealedfile.fingerprint(raw)
    salt, iv = os.urandom(16), os.urandom(12)
    kek = PBKDF2HMAC(hashes.SHA256(), 32, salt, 1000).derive(passphrase.encode())
    der = unb64(_pkcs8(key))
    doc = {
        "format": "openlpse-personal-key", "v": 1, "user": "pokja.budi", "lpse": "kota-contoh",
        "public_key": b64(raw), "fingerprint": fp, "created": "2026-11-22T00:00:00.000Z",
        "kdf": {"name": "PBKDF2", "hash": "SHA-256", "iterations": 1000, "salt": b64(salt)},
        "cipher": {"name": "AES-GCM", "iv": b64(iv)},
        "private_key": b64(AESGCM(kek).encrypt(iv, der, fp.encode())),
    }  # fmt: skip
    context = "T-2026-0001/single/g1/u3"
    sealed = sealedfile.seal_to_personal_key(b"share-bytes", recipient_pub=raw, context=context)
    good = js("read_key_file", file=doc, passphrase=passphrase, sealed=sealed, context=context)
    assert good == {"ok": True, "public_key": b64(raw), "message": b64(b"share-bytes")}
    bad = js("read_key_file", file=doc, passphrase=passphrase + "!", sealed=sealed, context=context)
    assert bad == {"ok": False, "code": "wrong_passphrase"}
    other = js(
        "read_key_file", file={"format": "x"}, passphrase=passphrase, sealed=sealed, context=context
    )
    assert other == {"ok": False, "code": "not_a_key_file"}
