"""Demo personal keys and the chair's key ceremony in Python, for `python manage.py demo`.

DEMO ONLY: each demo Pokja member (and Pejabat Pengadaan) gets a personal key file in
`VAR_DIR/demo-keys/openlpse-kunci-<username>.json` whose passphrase is derived from the user
name (`passphrase_for`) and printed by the demo command, so the demo Pokja can open bids in
the browser with 2 of 3 key files. Real members make their keys in the browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.utils import timezone

from openlpse.bids import ceremony, keyfile
from openlpse.bids import selectors_keys as selectors
from openlpse.bids.enums import PersonalKeyStatus
from openlpse.bids.models import PersonalKey
from openlpse.bids.sealedfile import fingerprint, unb64

DEMO_ITERATIONS = 600_000


def key_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-keys"


def passphrase_for(username: str) -> str:
    return f"demo-{username}-kunci-rahasia"


def key_path(username: str) -> Path:
    return key_dir() / keyfile.file_name(username)


def ensure_personal_key(user: Any) -> ec.EllipticCurvePrivateKey:
    """The demo member's confirmed personal key, from their key file (made when missing or
    when the database holds another key)."""
    path = key_path(user.username)
    live = selectors.live_key(user)
    if path.exists():
        key = _read_cached(path, user.username)
        raw_fp = fingerprint(unb64(_public_of(path)))
        if live is not None and live.fingerprint == raw_fp:
            if live.status != PersonalKeyStatus.CONFIRMED:
                PersonalKey.objects.filter(pk=live.pk).update(
                    status=PersonalKeyStatus.CONFIRMED, confirmed_at=timezone.now()
                )
            return key
    else:
        key = None
    if live is not None:
        PersonalKey.objects.filter(pk=live.pk).update(
            status=PersonalKeyStatus.REVOKED,
            revoked_at=timezone.now(),
            revoke_reason="Demo key file replaced.",
        )
    lpse_id = selectors.member_lpse_id(user)
    lpse_slug = ""
    if lpse_id is not None:
        from openlpse.organizations.models import Lpse

        lpse_slug = Lpse.objects.get(pk=lpse_id).slug
    data, key = keyfile.make_key_file(
        user=user.username,
        lpse=lpse_slug,
        passphrase=passphrase_for(user.username),
        iterations=DEMO_ITERATIONS,
        private_key=key,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(keyfile.dumps(data))
    path.chmod(0o600)
    _cache[(str(path), path.read_bytes())] = key
    now = timezone.now()
    PersonalKey.objects.create(  # type: ignore[misc]
        user=user,
        lpse_id=lpse_id,
        public_key=data["public_key"],
        fingerprint=data["fingerprint"],
        status=PersonalKeyStatus.CONFIRMED,
        created_at=now,
        confirmed_at=now,
    )
    return key


_cache: dict[tuple[str, bytes], ec.EllipticCurvePrivateKey] = {}


def _read_cached(path: Path, username: str) -> ec.EllipticCurvePrivateKey:
    """PBKDF2 with 600 000 rounds is slow on purpose: read each demo file once per process."""
    content = path.read_bytes()
    cache_key = (str(path), content)
    if cache_key not in _cache:
        _cache[cache_key] = keyfile.read_key_file(content, passphrase_for(username))
    return _cache[cache_key]


def _public_of(path: Path) -> str:
    import json

    return str(json.loads(path.read_bytes())["public_key"])


def run_ceremony(*, chair: Any, tender: Any) -> dict[int, ec.EllipticCurvePrivateKey]:
    """Personal keys for the tender's committee, then the chair's ceremony through the
    service (audited), as the chair's browser would run it."""
    from openlpse.bids.services.committee import committee_keys_store, committee_material

    keys = {user.pk: ensure_personal_key(user) for user in selectors.committee_users(tender)}
    material = committee_material(actor=chair, tender=tender)
    result = ceremony.run_key_ceremony(material)
    committee_keys_store(actor=chair, tender=tender, envelopes=result.payload["envelopes"])
    return keys


def key_lines() -> list[str]:
    """What the demo command prints: each demo key file and its passphrase."""
    folder = key_dir()
    if not folder.exists():
        return []
    lines = []
    for path in sorted(folder.glob("openlpse-kunci-*.json")):
        username = path.name[len("openlpse-kunci-") : -len(".json")]
        lines.append(f"{username}: {path} passphrase {passphrase_for(username)}")
    return lines
