"""The flags of the commands that hand out a session, declared without importing the work.

`--help` of every command builds its parser from here; the login machinery (obtain.py and
what it imports) is loaded only when a command runs.
"""

from __future__ import annotations

import argparse

from mfa_session.rules.flags import FROM_CONFIG, profile_name
from mfa_session.rules.validity import (
    DEFAULT_MIN_REMAINING,
    MAX_MIN_REMAINING,
    min_remaining_minutes,
)


def minutes(text: str) -> int:
    """argparse's type for --min-remaining: whole minutes, 0 to 36 hours (a usage error,
    exit 2, before anything else happens)."""
    try:
        return min_remaining_minutes(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole minutes from 0 to {MAX_MIN_REMAINING} (36 hours), got {text!r}"
        ) from None


def profile(text: str) -> str:
    """argparse's type for every option that names a profile: an empty name is a usage
    error (exit 2), never [default]."""
    try:
        return profile_name(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def add_min_remaining_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        "--min-remaining",
        type=minutes,
        default=DEFAULT_MIN_REMAINING,
        metavar="MINUTES",
        help=f"{help_text} (default: {DEFAULT_MIN_REMAINING}; at most half the session's length)",
    )


def add_code_command_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--code-command",
        metavar="CMD",
        help="get the code from this program's output, e.g. 'ykman oath accounts code -s NAME' "
        "(default: mfa_code_command of the config profile)",
    )


def add_role_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--assume-role",
        nargs="?",
        const=FROM_CONFIG,
        metavar="ARN",
        help="after the session, assume this role (no ARN: role_arn of the config profile) "
        "and write its credentials to --write-profile, default NAME-role",
    )
    parser.add_argument(
        "--role-session-name",
        metavar="NAME",
        help="the role session's name, shown in CloudTrail (default: mfa-login-PROFILE)",
    )


def configure_session(parser: argparse.ArgumentParser, *, profile_required: bool = False) -> None:
    """The flags of the commands that hand out the session (export, exec, credential-process)."""
    parser.add_argument(
        "--profile",
        type=profile,
        metavar="NAME",
        required=profile_required,
        help="profile whose session to use"
        + (
            ""
            if profile_required
            else " (default: AWS_DEFAULT_PROFILE or AWS_PROFILE, else a picker, else default)"
        ),
    )
    add_min_remaining_option(parser, "log in first when less than this is left of the session")
    parser.add_argument(
        "--duration", type=int, metavar="SECONDS", help="session length when a login is needed"
    )
    parser.add_argument("--device", metavar="SERIAL", help="MFA device ARN for a login")
    add_code_command_option(parser)
    add_role_options(parser)
