"""Checking AWS Signature Version 4 on the server side.

Written by hand from the published algorithm rather than by driving botocore's signer: the
signer stamps its own clock into the request, while a verifier must reuse the client's.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, quote

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_SKEW = timedelta(minutes=15)

_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256\s+"
    r"Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,\s*"
    r"SignedHeaders=(?P<headers>[a-z0-9;\-]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})\s*$"
)


@dataclass(frozen=True)
class Authorization:
    """The parts of a SigV4 Authorization header."""

    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def parse_authorization(header: str | None) -> Authorization | None:
    """The header's parts, or None when it is not a SigV4 header we understand."""
    if not header:
        return None
    match = _AUTH_RE.match(header.strip())
    if match is None:
        return None
    return Authorization(
        access_key_id=match["key"],
        date=match["date"],
        region=match["region"],
        service=match["service"],
        signed_headers=tuple(match["headers"].split(";")),
        signature=match["signature"],
    )


def _uri_encode(value: str, *, keep_slash: bool = False) -> str:
    return quote(value, safe="-_.~/" if keep_slash else "-_.~")


def canonical_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    encoded = sorted((_uri_encode(k), _uri_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _canonical_header_value(value: str) -> str:
    return " ".join(value.strip().split())


def canonical_request(
    *,
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    signed_headers: tuple[str, ...],
    payload_hash: str,
) -> str:
    """`headers` maps lower-case names to values as they arrived."""
    lines = [f"{name}:{_canonical_header_value(headers.get(name, ''))}" for name in signed_headers]
    return "\n".join(
        [
            method.upper(),
            _uri_encode(path or "/", keep_slash=True),
            canonical_query(query_string),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def signature(secret: str, auth: Authorization, amz_date: str, canonical: str) -> str:
    string_to_sign = "\n".join(
        [ALGORITHM, amz_date, auth.scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest()]
    )
    key = _hmac(("AWS4" + secret).encode("utf-8"), auth.date)
    for part in (auth.region, auth.service, "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def signature_matches(
    secret: str,
    auth: Authorization,
    *,
    method: str,
    path: str,
    query_string: str,
    headers: dict[str, str],
    body: bytes,
) -> bool:
    payload_hash = headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
    canonical = canonical_request(
        method=method,
        path=path,
        query_string=query_string,
        headers=headers,
        signed_headers=auth.signed_headers,
        payload_hash=payload_hash,
    )
    expected = signature(secret, auth, headers.get("x-amz-date", ""), canonical)
    return hmac.compare_digest(expected, auth.signature)


def skew_message(amz_date: str, now: datetime) -> str | None:
    """AWS's clock-skew complaint for this X-Amz-Date, or None when it is close enough."""
    try:
        signed_at = datetime.strptime(amz_date, AMZ_DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'."
    now = now.astimezone(timezone.utc).replace(microsecond=0)
    stamp = now.strftime(AMZ_DATE_FORMAT)
    if signed_at < now - MAX_SKEW:
        earliest = (now - MAX_SKEW).strftime(AMZ_DATE_FORMAT)
        return f"Signature expired: {amz_date} is now earlier than {earliest} ({stamp} - 15 min.)"
    if signed_at > now + MAX_SKEW:
        latest = (now + MAX_SKEW).strftime(AMZ_DATE_FORMAT)
        return (
            f"Signature not yet current: {amz_date} is still later than {latest} "
            f"({stamp} + 15 min.)"
        )
    return None
