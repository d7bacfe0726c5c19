"""RFC 6238 codes computed by the test itself, as the person's authenticator app would."""

import base64
import hashlib
import hmac
import re
import struct
import time

PERIOD = 30


def totp(secret: str, at: float | None = None, digits: int = 6) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at if at is not None else time.time()) // PERIOD)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}d}"


def fresh_totp(secret: str) -> str:
    """A code with a few seconds of validity left (the server accepts the current period only)."""
    if PERIOD - time.time() % PERIOD < 3:
        time.sleep(PERIOD - time.time() % PERIOD + 0.1)
    return totp(secret)


def secret_on_page(html: str) -> str:
    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html) or re.search(
        r'value="([A-Z2-7]{16,})"[^>]*id="authenticator_secret"', html
    )
    assert match, "the activation page shows no secret"
    return match.group(1)
