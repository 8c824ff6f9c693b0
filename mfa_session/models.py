"""Plain frozen data passed between the parts of a login. Secret fields never show in repr."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path


@dataclass(frozen=True)
class AwsFiles:
    """Where the credentials and config files are."""

    credentials: Path
    config: Path


class KeySource(enum.Enum):
    KEYRING = "keyring"
    LONG_TERM_SECTION = "long-term section"
    PROFILE_SECTION = "profile section"
    ENTERED = "entered at setup"


@dataclass(frozen=True)
class LongTermKey:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    source: KeySource
    section: str
    """The credentials-file section it was read from (for messages); the profile for keyring."""


@dataclass(frozen=True)
class SessionCredentials:
    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime
    """Aware, in UTC."""


@dataclass(frozen=True)
class MfaDevice:
    serial: str
    """An ARN such as arn:aws:iam::123456789012:mfa/alice."""

    @property
    def is_security_key(self) -> bool:
        # FIDO security keys cannot sign API calls; only TOTP devices can.
        return ":u2f/" in self.serial

    @property
    def partition(self) -> str:
        parts = self.serial.split(":")
        return parts[1] if len(parts) > 2 and parts[0] == "arn" else "aws"


class Outcome(enum.Enum):
    RENEWED = "renewed"
    STILL_VALID = "still valid"


@dataclass(frozen=True)
class LoginResult:
    profile: str
    """The section in the credentials file that holds the session."""
    outcome: Outcome
    expiration: datetime
    remaining: timedelta
    credentials: SessionCredentials = field(repr=False)
    """The session (or the role's credentials) the section holds now."""
    notices: tuple[str, ...] = ()
    """One-line notes for the person, e.g. that a long-term key was moved."""


@dataclass(frozen=True)
class LongTermCopy:
    """Move the long-term key found in the target section into this section first."""

    section: str


@dataclass(frozen=True)
class WriteReport:
    """What a write of the credentials file has to tell the person."""

    notices: tuple[str, ...]


@dataclass(frozen=True)
class Probe:
    """Credentials to ask AWS about (doctor): a long-term key, or a session with its token."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(repr=False)
    origin: str
    """Where they come from, in words ("AWS_ACCESS_KEY_ID", "[admin]", "the OS keyring")."""


@dataclass(frozen=True)
class IdentityAnswer:
    """AWS's answer to GetCallerIdentity: the caller's ARN, or AWS's refusal (its error code
    and message), and when the answer came by AWS's clock (its Date header) and by ours."""

    arn: str | None
    code: str | None
    message: str
    aws_time: datetime | None
    local_time: datetime
