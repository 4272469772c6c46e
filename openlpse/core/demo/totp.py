"""Deterministic TOTP secrets for the demo logins.

!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  DEMO ONLY. These secrets are derived from the user name with a key that is published   !!
!!  in this file, so ANYONE can compute them. They exist so that a person trying the demo  !!
!!  can add the printed secret to an authenticator app. Never load the demo data into a    !!
!!  database that holds real people or real procurements.                                   !!
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
"""

from __future__ import annotations

import hashlib
import hmac
from base64 import b32encode

# Public on purpose (see above): demo secrets are not secrets.
_DEMO_KEY = b"openlpse-demo-totp-v1"


def demo_totp_key(username: str) -> bytes:
    """20 bytes (160 bits, the RFC 4226 recommendation) derived from the user name."""
    return hmac.new(_DEMO_KEY, username.lower().encode("utf-8"), hashlib.sha256).digest()[:20]


def demo_totp_key_hex(username: str) -> str:
    """The form django-otp's TOTPDevice.key stores."""
    return demo_totp_key(username).hex()


def demo_totp_secret_base32(username: str) -> str:
    """The secret as an authenticator app wants it typed: base32 in groups of four."""
    raw = b32encode(demo_totp_key(username)).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
