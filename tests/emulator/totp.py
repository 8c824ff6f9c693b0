"""RFC 6238 time-based one-time passwords, as virtual MFA devices compute them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

STEP_SECONDS = 30
DIGITS = 6


def time_step(at: float | None = None) -> int:
    """The RFC 6238 counter for a moment (now by default)."""
    return int((time.time() if at is None else at) // STEP_SECONDS)


def _seed_bytes(seed_b32: str) -> bytes:
    # IAM hands out unpadded base32; the decoder insists on padding.
    cleaned = seed_b32.strip().replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(seed_b32: str, counter: int) -> str:
    """RFC 4226 HOTP with SHA1 and six digits."""
    digest = hmac.new(_seed_bytes(seed_b32), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def totp(seed_b32: str, at: float | None = None) -> str:
    """The code a virtual MFA device with this seed shows at `at` (now by default)."""
    return hotp(seed_b32, time_step(at))
