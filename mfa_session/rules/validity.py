"""Whether a stored session can be used: one rule for the login, its shortcut and `status`.

- A section holds a session when it has a session token, no long-term (AKIA) key, and an
  expiry (`sections.stored_expiration`: `expiration` or `x_security_token_expires`, in
  the forms mfa-login, aws-mfa, awsume and saml2aws write) that is a time no further ahead
  than any AWS session lasts: 36 hours (the longest GetSessionToken grants), plus the 15
  minutes a clock may be off and still sign a request. A later expiration was not written
  as AWS answered: it is not trusted, the section counts as holding no session, and a login
  replaces it.
- It is still valid while more than the margin is left. The margin is --min-remaining
  (0 to 2160 minutes, 15 by default), but at most half of how long the profile's sessions
  last (--duration, else duration_seconds, else 43200 s): a 900-second session is used for
  its first 7.5 minutes instead of being renewed at every run.
- `session_state` names where a section stands, for `status` and `doctor`: no session,
  expired (its end has passed), expiring (the margin or less left: the next login renews
  it) or valid.

Standard library only: the still-valid shortcut and `status` import it before anything
heavy.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from mfa_session.rules.sections import holds_long_term_key, stored_expiration

MIN_DURATION = 900
MAX_DURATION = 129600
DEFAULT_DURATION = 43200
"""GetSessionToken's range and our default length of a session, in seconds."""

LONGEST_AHEAD = timedelta(seconds=MAX_DURATION) + timedelta(minutes=15)
"""The furthest an expiration AWS gave can be from now: the longest session, plus the clock
skew SigV4 accepts (a clock further off could not have signed the request)."""

DEFAULT_MIN_REMAINING = 15
MAX_MIN_REMAINING = MAX_DURATION // 60
"""--min-remaining in minutes: 0 to 36 hours; more could never be met."""


def min_remaining_minutes(text: str) -> int:
    """--min-remaining as a number of minutes, for argparse's `type=` (ValueError otherwise)."""
    minutes = int(text)
    if not 0 <= minutes <= MAX_MIN_REMAINING:
        raise ValueError(f"{text} is not between 0 and {MAX_MIN_REMAINING} minutes")
    return minutes


def duration_seconds(text: str) -> int:
    """--duration as seconds, for argparse's `type=` and the fast paths (ValueError for
    anything GetSessionToken would refuse): checked before anything is asked of AWS."""
    seconds = int(text)
    if not MIN_DURATION <= seconds <= MAX_DURATION:
        raise ValueError(f"{text} is not between {MIN_DURATION} and {MAX_DURATION} seconds")
    return seconds


def session_seconds(flag: int | None, configured: str | None) -> int:
    """How long the profile's sessions last, for the margin: --duration, else
    duration_seconds, else the default. A value AWS would refuse counts as the default here;
    the login itself refuses it with a message."""
    raw = str(flag) if flag is not None else (configured or "").strip()
    if raw.isascii() and raw.isdigit() and MIN_DURATION <= int(raw) <= MAX_DURATION:
        return int(raw)
    return DEFAULT_DURATION


def session_expiration(section: Mapping[str, str], now: datetime) -> datetime | None:
    """When the session in `section` ends; None when the section holds no session (no token,
    a long-term key, an expiration that is not a time or is further ahead than AWS gives)."""
    if not section.get("aws_session_token") or holds_long_term_key(section):
        return None
    expiration = stored_expiration(section)
    if expiration is None or expiration - now > LONGEST_AHEAD:
        return None
    return expiration


def renewal_margin(min_remaining: timedelta, seconds: int) -> timedelta:
    """The time a session must still have to be used: --min-remaining, at most half of the
    session's length."""
    return min(min_remaining, timedelta(seconds=seconds) / 2)


NO_SESSION = "no session"
EXPIRED = "expired"
EXPIRING = "expiring"
VALID = "valid"


def session_state(
    section: Mapping[str, str], now: datetime, margin: timedelta
) -> tuple[str, datetime | None]:
    """Where the session in `section` stands (NO_SESSION, EXPIRED, EXPIRING or VALID), and
    its expiration (None with NO_SESSION). `margin` is `renewal_margin`'s: VALID exactly when
    a login would use the session as it is."""
    expiration = session_expiration(section, now)
    if expiration is None:
        return NO_SESSION, None
    left = expiration - now
    if left <= timedelta(0):
        return EXPIRED, expiration
    return (EXPIRING if left <= margin else VALID), expiration


def valid_until(
    section: Mapping[str, str], now: datetime, min_remaining: timedelta, seconds: int
) -> datetime | None:
    """The expiration of the session in `section` when more than the margin is left."""
    expiration = session_expiration(section, now)
    if expiration is None or expiration - now <= renewal_margin(min_remaining, seconds):
        return None
    return expiration
