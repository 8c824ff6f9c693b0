"""Reading and writing the `expiration` value, and saying how long is left."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def format_expiration(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, the form AWS itself uses for Expiration."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_expiration(text: str, *, local: bool = False) -> datetime | None:
    """Read what we and other tools write; None when it is not a time at all.

    A time with a zone (ours, AWS's "2026-01-02T03:04:05Z", saml2aws's RFC 3339
    "2026-01-02T05:04:05+02:00") is that time. One without a zone ("2026-01-02 03:04:05")
    is UTC (aws-mfa), or the machine's local time when `local` (awsume). Python 3.10's
    fromisoformat rejects a trailing Z, so it is turned into +00:00 first.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None and not local:
        moment = moment.replace(tzinfo=timezone.utc)
    # A naive time is taken as local time by astimezone.
    return moment.astimezone(timezone.utc)


def format_remaining(span: timedelta) -> str:
    """12h00m, 7h12m, 45m: a person reads hours and minutes, rounded to the nearest minute."""
    minutes = max(0, round(span.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    if hours >= 24:
        days, hours = divmod(hours, 24)
        return f"{days}d{hours}h"
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"
