"""The OpenLPSE sealed-bid client, for integrators and tests: `python -m openlpse.bids.client`.

Seals a document in the same format as the browser (security-reference §1.4, via
`openlpse.bids.sealedfile`), uploads it through the resumable tus API with a bearer token,
finalizes it and saves the signed receipt; checks the status of a tender's bids and verifies
a receipt against the server's public key (/api/v1/keys). Only the standard library
(urllib) and `cryptography`: no Django, so it runs outside the server.

    export OPENLPSE_URL=https://lpse.example.go.id OPENLPSE_TOKEN=olp_...
    python -m openlpse.bids.client upload penawaran.pdf --tender 12345 --envelope single
    python -m openlpse.bids.client status --tender 12345
    python -m openlpse.bids.client verify penawaran.pdf.receipt.json
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from openlpse.bids import sealedfile

CHUNK = 1024 * 1024
TUS = "1.0.0"


class ClientError(Exception):
    """A refusal or failure, with the server's error code when there is one."""

    def __init__(self, message: str, *, code: str = "", status: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


# --- HTTP --------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


class Api:
    def __init__(self, base_url: str, token: str, *, timeout: float = 120.0) -> None:
        if not base_url:
            raise ClientError("Give the server's address with --url or OPENLPSE_URL.")
        self.base = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        auth: bool = True,
    ) -> Response:
        url = path if path.startswith("http") else self.base + path
        all_headers = {"Accept": "application/json", "Tus-Resumable": TUS}
        if auth:
            if not self.token:
                raise ClientError("Give your API token with --token or OPENLPSE_TOKEN.")
            all_headers["Authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        if not url.startswith(("http://", "https://")):
            raise ClientError("The server address must start with http:// or https://.")
        req = urllib.request.Request(url, data=body, method=method, headers=all_headers)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as raw:  # noqa: S310
                response = Response(raw.status, dict(raw.headers.items()), raw.read())
        except urllib.error.HTTPError as err:
            response = Response(err.code, dict(err.headers.items()), err.read())
        if response.status not in ok:
            code, message = "", response.body.decode("utf-8", "replace")[:500]
            try:
                error = response.json().get("error", {})
                code, message = error.get("code", ""), error.get("message", message)
            except (ValueError, AttributeError):
                pass
            raise ClientError(
                f"{method} {path}: {response.status} {message}", code=code, status=response.status
            )
        return response

    def get_json(self, path: str, *, auth: bool = True) -> Any:
        return self.request("GET", path, auth=auth).json()


# --- sealing ------------------------------------------------------------------------------------


def sealing_info(api: Api, tender: str) -> dict[str, Any]:
    return api.get_json(f"/api/v1/vendor/tenders/{tender}/sealing")  # type: ignore[no-any-return]


def seal_file(
    source: str,
    out: str,
    *,
    tender: str,
    envelope: str,
    bidder: str,
    committee_public: str,
    system_public: str,
    chunk: int = sealedfile.DEFAULT_CHUNK,
) -> sealedfile.SealResult:
    """Seal `source` into `out` (written whole, then renamed into place)."""
    partial = out + ".part"
    with open(source, "rb") as src, open(partial, "wb") as dst:
        result = sealedfile.seal(
            src,
            dst,
            tender=tender,
            envelope=envelope,
            bidder=bidder,
            committee_pub=sealedfile.unb64(committee_public),
            system_pub=sealedfile.unb64(system_public),
            chunk=chunk,
        )
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(partial, out)
    return result


def _keys_for(api: Api | None, args: argparse.Namespace) -> tuple[str, str, str]:
    """(committee_public, system_public, bidder) from the arguments or the API."""
    committee, system, bidder = args.committee_public, args.system_public, args.bidder
    if committee and system and bidder:
        return committee, system, bidder
    if api is None:
        raise ClientError(
            "Give --committee-public, --system-public and --bidder, or --url and --token."
        )
    info = sealing_info(api, args.tender)
    envelope = next((e for e in info["envelopes"] if e["envelope"] == args.envelope), None)
    if envelope is None:
        raise ClientError(f"Tender {args.tender} has no envelope {args.envelope!r}.")
    return (
        committee or envelope["committee_public"],
        system or envelope["system_public"],
        bidder or info["bidder"],
    )


# --- tus upload ---------------------------------------------------------------------------------


def _meta(values: dict[str, str]) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _sha256_file(path: str) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            hasher.update(block)
    return hasher.hexdigest()


def upload_sealed(
    api: Api,
    sealed: str,
    *,
    tender: str,
    envelope: str,
    file_name: str | None = None,
    chunk: int = CHUNK,
    state_file: str | None = None,
    progress: Any = None,
    stop_after: int | None = None,
) -> dict[str, Any]:
    """Upload a sealed file with tus (resuming from `state_file` when it names an upload of
    the same file), finalize it and return the signed receipt document."""
    size = os.path.getsize(sealed)
    digest = _sha256_file(sealed)
    state_file = state_file or sealed + ".upload.json"
    state: dict[str, Any] = {}
    if os.path.exists(state_file):
        with open(state_file, encoding="utf-8") as stream:
            state = json.load(stream)
        if state.get("sha256") != digest:
            state = {}
    location = state.get("location")
    if not location:
        upload_id = state.get("upload_id") or str(uuid.uuid4())
        response = api.request(
            "POST",
            "/api/v1/uploads/",
            headers={
                "Upload-Length": str(size),
                "Upload-Metadata": _meta(
                    {
                        "filename": file_name or os.path.basename(sealed),
                        "tender": tender,
                        "envelope": envelope,
                        "sha256": digest,
                        "upload_id": upload_id,
                    }
                ),
            },
            body=b"",
            ok=(201,),
        )
        location = response.headers.get("Location") or response.json()["location"]
        state = {"upload_id": upload_id, "location": location, "sha256": digest}
        with open(state_file, "w", encoding="utf-8") as stream:
            json.dump(state, stream)
    offset = int(api.request("HEAD", location).headers.get("Upload-Offset", "0"))
    sent = 0
    with open(sealed, "rb") as stream:
        while offset < size:
            if stop_after is not None and sent >= stop_after:
                raise ClientError("stopped (test)", code="stopped")
            stream.seek(offset)
            data = stream.read(min(chunk, size - offset))
            checksum = base64.b64encode(hashlib.sha256(data).digest()).decode()
            try:
                response = api.request(
                    "PATCH",
                    location,
                    body=data,
                    headers={
                        "Content-Type": "application/offset+octet-stream",
                        "Upload-Offset": str(offset),
                        "Upload-Checksum": f"sha256 {checksum}",
                    },
                    ok=(204,),
                )
            except ClientError as error:
                if error.status == 409:  # someone else moved the offset: ask again
                    offset = int(api.request("HEAD", location).headers.get("Upload-Offset", "0"))
                    continue
                raise
            offset = int(response.headers.get("Upload-Offset", offset + len(data)))
            sent += len(data)
            if progress:
                progress(offset, size)
    document = api.request("POST", location.rstrip("/") + "/finalize", body=b"").json()
    if document.get("receipt", {}).get("ciphertext_sha256") != digest:
        raise ClientError("The receipt's SHA-256 is not the one of the uploaded file.")
    with open(state_file, "w", encoding="utf-8") as stream:
        json.dump({**state, "finalized": True}, stream)
    return document  # type: ignore[no-any-return]


# --- receipts ------------------------------------------------------------------------------------


def canonical(value: Any) -> bytes:
    """RFC 8785 (JCS) for the receipt's values (strings, integers, objects)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _key_from_listing(listing: Any, key_id: str) -> dict[str, Any] | None:
    candidates: list[Any] = []
    if isinstance(listing, dict):
        candidates.append(listing)
        for value in listing.values():
            if isinstance(value, dict):
                candidates.append(value)
            elif isinstance(value, list):
                candidates.extend(v for v in value if isinstance(v, dict))
    elif isinstance(listing, list):
        candidates.extend(v for v in listing if isinstance(v, dict))
    for item in candidates:
        if item.get("key_id") == key_id and item.get("public_key"):
            return dict(item)
    return None


def verify_receipt(document: dict[str, Any], public_key_b64: str) -> tuple[bool, str]:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if document.get("format") != "openlpse-receipt" or document.get("v") != 1:
        return False, "not an OpenLPSE receipt document (format/v)"
    raw = base64.b64decode(public_key_b64)
    if hashlib.sha256(raw).hexdigest()[:16] != document.get("key_id"):
        return False, "the receipt's key id is not the one of this public key"
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(document.get("signature", "")), canonical(document["receipt"])
        )
    except (InvalidSignature, ValueError, KeyError):
        return False, "the signature does not match: the receipt was changed or is not ours"
    return True, "valid"


# --- command line -----------------------------------------------------------------------------------


def _api(args: argparse.Namespace, *, required: bool = True) -> Api | None:
    if not args.url and not required:
        return None
    return Api(args.url, args.token or "")


def cmd_seal(args: argparse.Namespace) -> int:
    api = _api(args, required=False)
    committee, system, bidder = _keys_for(api, args)
    out = args.output or args.input + ".lpsebid"
    result = seal_file(
        args.input,
        out,
        tender=args.tender,
        envelope=args.envelope,
        bidder=bidder,
        committee_public=committee,
        system_public=system,
    )
    print(json.dumps({"sealed": out, "size": result.size, "sha256": result.ciphertext_sha256}))
    return 0


def cmd_upload(args: argparse.Namespace) -> int:
    api = _api(args)
    assert api is not None
    if args.sealed:
        sealed = args.input
    else:
        committee, system, bidder = _keys_for(api, args)
        sealed = args.output or args.input + ".lpsebid"
        if not os.path.exists(sealed) or not os.path.exists(sealed + ".upload.json"):
            seal_file(
                args.input,
                sealed,
                tender=args.tender,
                envelope=args.envelope,
                bidder=bidder,
                committee_public=committee,
                system_public=system,
            )

    def progress(done: int, total: int) -> None:
        if not args.quiet:
            print(f"\r{done}/{total} bytes", end="", file=sys.stderr, flush=True)

    document = upload_sealed(
        api,
        sealed,
        tender=args.tender,
        envelope=args.envelope,
        file_name=os.path.basename(args.input) + ("" if args.sealed else ".lpsebid"),
        chunk=args.chunk_mib * CHUNK,
        progress=progress,
    )
    if not args.quiet:
        print(file=sys.stderr)
    receipt_path = args.receipt or sealed + ".receipt.json"
    with open(receipt_path, "w", encoding="utf-8") as stream:
        json.dump(document, stream, ensure_ascii=False, indent=2)
    print(json.dumps({"receipt": receipt_path, **document["receipt"]}, ensure_ascii=False))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    api = _api(args)
    assert api is not None
    rows = api.get_json(f"/api/v1/vendor/tenders/{args.tender}/submissions")
    for row in rows:
        state = (
            "in force"
            if row["is_effective"]
            else ("withdrawn" if row["withdrawn_at"] else "replaced")
        )
        print(
            f"{row['envelope']}\tv{row['version']}\t{row['receipt_number']}\t{row['received_at']}\t{row['sha256']}\t{state}"
        )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with open(args.receipt, encoding="utf-8") as stream:
        document = json.load(stream)
    public_key = args.public_key
    if not public_key:
        api = _api(args)
        assert api is not None
        item = _key_from_listing(
            api.get_json("/api/v1/keys", auth=False), document.get("key_id", "")
        )
        if item is None:
            print("INVALID: the server does not publish the key that signed this receipt")
            return 1
        public_key = item["public_key"]
    valid, reason = verify_receipt(document, public_key)
    print(("VALID: " if valid else "INVALID: ") + reason)
    if valid and args.sealed:
        if _sha256_file(args.sealed) != document["receipt"]["ciphertext_sha256"]:
            print("INVALID: the sealed file's SHA-256 differs from the receipt's")
            return 1
        print("The sealed file matches the receipt.")
    return 0 if valid else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m openlpse.bids.client",
        description=(
            "Seal a bid document for an OpenLPSE tender, upload it (resumable, tus), get the "
            "signed receipt, and verify receipts. The server address and API token come from "
            "--url/--token or the environment variables OPENLPSE_URL and OPENLPSE_TOKEN."
        ),
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("OPENLPSE_URL", ""),
        help="server address, e.g. https://lpse.example.go.id",
    )
    parser.add_argument(
        "--token", default=os.environ.get("OPENLPSE_TOKEN", ""), help="API token (Bearer)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def target(p: argparse.ArgumentParser) -> None:
        p.add_argument("--tender", required=True, help="tender code")
        p.add_argument(
            "--envelope", default="single", help="single, file_1, file_2 or qualification"
        )
        p.add_argument("--bidder", help="your vendor id (default: from the API)")
        p.add_argument(
            "--committee-public",
            help="committee public key, base64 of the 65-byte point (default: from the API)",
        )
        p.add_argument("--system-public", help="system public key, base64 (default: from the API)")

    seal = sub.add_parser("seal", help="seal a local file (no upload)")
    seal.add_argument("input", help="the document (PDF or ZIP)")
    seal.add_argument("-o", "--output", help="sealed file (default INPUT.lpsebid)")
    target(seal)
    seal.set_defaults(func=cmd_seal)

    upload = sub.add_parser(
        "upload", help="seal, upload with resume, finalize and save the receipt"
    )
    upload.add_argument("input", help="the document, or with --sealed an already sealed file")
    upload.add_argument("--sealed", action="store_true", help="INPUT is already sealed")
    upload.add_argument("-o", "--output", help="sealed file (default INPUT.lpsebid)")
    upload.add_argument(
        "--receipt", help="where to save the receipt JSON (default SEALED.receipt.json)"
    )
    upload.add_argument(
        "--chunk-mib",
        type=int,
        default=1,
        choices=range(1, 65),
        metavar="MIB",
        help="bytes per PATCH request in MiB, 1 to 64 (default 1; 4 or 8 is faster on a "
        "good connection, 1 resumes with less to resend on a poor one)",
    )
    upload.add_argument("-q", "--quiet", action="store_true")
    target(upload)
    upload.set_defaults(func=cmd_upload)

    status = sub.add_parser("status", help="list your company's bids in a tender")
    status.add_argument("--tender", required=True)
    status.set_defaults(func=cmd_status)

    verify = sub.add_parser(
        "verify", help="verify a receipt against the server's key (/api/v1/keys)"
    )
    verify.add_argument("receipt", help="the receipt JSON file")
    verify.add_argument(
        "--public-key", help="the receipt key (base64 raw Ed25519) instead of fetching it"
    )
    verify.add_argument(
        "--sealed", help="also check this sealed file's SHA-256 against the receipt"
    )
    verify.set_defaults(func=cmd_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ClientError as error:
        print(f"error: {error}" + (f" ({error.code})" if error.code else ""), file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
