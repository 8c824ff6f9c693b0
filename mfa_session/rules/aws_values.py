"""What AWS accepts for the values the flags pass on to it, as STS's own API model states
(botocore's `sts` service definition): checked when the command line is read, so a value
AWS would refuse is said before any request is made or any code is spent.

Each check returns the value as given, or raises ValueError with a reason that can be
shown: none of these values is a secret. Standard library only: the fast paths use them.
"""

from __future__ import annotations

# AWS's patterns use Java's \\w: ASCII letters, digits and the underscore only. Sets, not
# regular expressions: the fast paths do not load `re`.
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_SERIAL_CHARS = _WORD | frozenset("+=/:,.@-")
_SESSION_NAME_CHARS = _WORD | frozenset("+=,.@-")
ARN_PREFIX = "arn:"


def mfa_serial(text: str) -> str:
    """An MFA device: a virtual device's ARN or a hardware token's serial (SerialNumber:
    9 to 256 of letters, digits and _+=/:,.@-)."""
    if not (9 <= len(text) <= 256 and _SERIAL_CHARS.issuperset(text)):
        raise ValueError(
            "an MFA device is its ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or a hardware "
            "token's serial: 9 to 256 letters, digits or _+=/:,.@-"
        )
    return text


def role_arn(text: str) -> str:
    """A role's ARN (RoleArn: 20 to 2048 characters), which always starts with arn:."""
    if not text.startswith(ARN_PREFIX) or not 20 <= len(text) <= 2048 or not text.isprintable():
        raise ValueError("a role is named by its ARN: arn:aws:iam::ACCOUNT:role/NAME")
    return text


def role_session_name(text: str) -> str:
    """RoleSessionName: 2 to 64 of letters, digits and _+=,.@- (CloudTrail shows it)."""
    if not (2 <= len(text) <= 64 and _SESSION_NAME_CHARS.issuperset(text)):
        raise ValueError("a role session name is 2 to 64 letters, digits or _+=,.@-")
    return text
