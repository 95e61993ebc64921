"""Correctly signed access tokens with raw JSON claims, absurd ones included.

`jwt.encode` cannot write `Infinity`, `NaN` or a 5,000-digit number, so the payload is
assembled as text and signed by hand (HS256, as the server signs).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime

from casino_club.config import Settings


def _segment(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def signed_with_times(settings: Settings, now: datetime, **times: str) -> str:
    """A token for user 7 in session s1, valid at `now`, but for the `iat`/`exp` given as
    raw JSON text (`exp="1e308"`)."""
    raw_times = {"iat": str(int(now.timestamp())), "exp": str(int(now.timestamp()) + 60)}
    raw_times.update(times)
    payload = {
        "sub": "7",
        "sid": "s1",
        "rank": "STANDARD",
        "role": "USER",
        "jti": "j1",
        "iss": settings.jwt_issuer,
        **{name: f"<{name}>" for name in raw_times},
    }
    text = json.dumps(payload)
    for name, value in raw_times.items():
        text = text.replace(f'"<{name}>"', value)
    signing_input = _segment(b'{"alg":"HS256","typ":"JWT"}') + b"." + _segment(text.encode())
    secret = settings.jwt_secret.get_secret_value().encode()
    signature = _segment(hmac.new(secret, signing_input, hashlib.sha256).digest())
    return (signing_input + b"." + signature).decode()
