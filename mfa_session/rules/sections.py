"""What a section of the credentials file holds, and where a profile's long-term key lives.

One rule each, for the login, the fast paths, `status`, `setup`, `forget` and the store:
- a long-term key id starts with AKIA, a session key id with ASIA;
- the key of profile NAME lives in [NAME-long-term] (aws-mfa's layout), else in [NAME]
  itself when that holds an AKIA key (a first run: the login moves it);
- a [NAME-long-term] section is where a key lives, never a profile to log in nor a section
  to receive a session (`long_term_owner`): `--profile admin-long-term` is a mistake for
  `--profile admin`, and is neither offered by the picker nor carried out;
- a section holds a stored session when it has a key id, a secret, a token and an
  expiry in any form other tools write (`stored_expiration`; whether it is still valid is
  `validity`'s rule).

Standard library only: the fast paths import it before anything heavy.
"""

from __future__ import annotations

from collections.abc import Mapping

from mfa_session.timefmt import parse_expiration

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    from mfa_session.rules.files import Sections

LONG_TERM_PREFIX = "AKIA"
"""Long-term access key ids start with it."""

SESSION_PREFIX = "ASIA"
"""Session key ids (GetSessionToken, AssumeRole) start with it."""

LONG_TERM_SUFFIX = "-long-term"
"""aws-mfa's layout: the key of profile NAME lives in [NAME-long-term]."""

ROLE_SUFFIX = "-role"
"""Where --assume-role writes the role's credentials of profile NAME by default: [NAME-role]."""

KEY_FIELDS = ("aws_access_key_id", "aws_secret_access_key")


def long_term_owner(name: str) -> str | None:
    """The profile whose long-term key [name] is for, when `name` is a NAME-long-term section:
    such a section is never logged into, nor written with a session. None for any other name."""
    if name.endswith(LONG_TERM_SUFFIX) and len(name) > len(LONG_TERM_SUFFIX):
        return name[: -len(LONG_TERM_SUFFIX)]
    return None


def holds_long_term_key(section: Mapping[str, str]) -> bool:
    """The section holds an AKIA key: never overwritten by a session."""
    return section.get("aws_access_key_id", "").strip().startswith(LONG_TERM_PREFIX)


def names_a_key(section: Mapping[str, str]) -> bool:
    """Either half of a key is there (a section left with only aws_mfa_device once its key
    moved into the keyring names none)."""
    return any(section.get(name, "").strip() for name in KEY_FIELDS)


def key_section(profile: str, credentials: Sections) -> tuple[str, bool] | None:
    """The section that holds `profile`'s long-term key, and whether it is [profile] itself
    (True) rather than [profile-long-term]; None when the file holds none."""
    long_term = profile + LONG_TERM_SUFFIX
    if names_a_key(credentials.get(long_term, {})):
        return long_term, False
    if holds_long_term_key(credentials.get(profile, {})):
        return profile, True
    return None


def defined_profiles(credentials: Sections, config: Sections) -> list[str]:
    """Every profile the two files define, as `--profile` completes them: each section of
    the credentials file ([NAME-long-term] as NAME, the profile it keeps the key of) and
    each profile of the config file ([profile NAME], [default])."""
    names = {long_term_owner(section) or section for section in credentials}
    names.update(config)
    return sorted(names)


class StoredSession:
    """A session as a section stores it (no dataclass: the fast paths build it)."""

    __slots__ = ("access_key_id", "expiration", "secret_access_key", "session_token")

    def __init__(
        self, access_key_id: str, secret_access_key: str, session_token: str, expiration: datetime
    ) -> None:
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.session_token = session_token
        self.expiration = expiration

    def __repr__(self) -> str:  # the secret and the token never show
        return f"StoredSession({self.access_key_id!r}, expiration={self.expiration!r})"


AWSUME = "awsume"
"""awsume marks the sections it writes `manager = awsume`, and writes their expiration in
the machine's local time."""


def stored_expiration(section: Mapping[str, str]) -> datetime | None:
    """When the session stored in `section` ends, in every form other tools write:

    - `expiration = 2026-01-02T03:04:05Z`: mfa-login's (AWS's ISO 8601, UTC);
    - `expiration = 2026-01-02 03:04:05`: aws-mfa's, in UTC; awsume's (with
      `manager = awsume`), in local time;
    - `x_security_token_expires = 2026-01-02T05:04:05+02:00`: saml2aws's RFC 3339, which
      mfa-login writes too, beside `expiration`, for shell prompts such as starship.

    When both keys hold a time, the earlier one counts. None when neither does.
    """
    local = section.get("manager", "").strip() == AWSUME
    times = [
        moment
        for moment in (
            parse_expiration(section.get("expiration", ""), local=local),
            parse_expiration(section.get("x_security_token_expires", "")),
        )
        if moment is not None
    ]
    return min(times) if times else None


def stored_session(section: Mapping[str, str]) -> StoredSession | None:
    """The session stored in `section`, as every SDK reads it; None when its key id, secret,
    token or expiry is missing."""
    key_id = section.get("aws_access_key_id", "").strip()
    secret = section.get("aws_secret_access_key", "").strip()
    token = section.get("aws_session_token", "").strip()
    expiration = stored_expiration(section)
    if not (key_id and secret and token) or expiration is None:
        return None
    return StoredSession(key_id, secret, token, expiration)
