"""The flags the commands share, declared without importing the work.

`--help` of every command builds its parser from here; the login machinery is loaded only
when a command runs. Every value is checked by its argparse type, with the rule the fast
paths apply too (rules/), so a value AWS would refuse is a usage error (exit 2) before
any file is read or any request made.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from mfa_session.rules.aws_values import mfa_serial, role_arn, role_session_name
from mfa_session.rules.flags import FROM_CONFIG, names_of, profile_name
from mfa_session.rules.validity import (
    DEFAULT_MIN_REMAINING,
    MAX_DURATION,
    MAX_MIN_REMAINING,
    MIN_DURATION,
    duration_seconds,
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


def duration(text: str) -> int:
    """argparse's type for --duration: the seconds GetSessionToken accepts."""
    try:
        return duration_seconds(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole seconds from {MIN_DURATION} to {MAX_DURATION} (15 minutes to "
            f"36 hours, what AWS accepts), got {text!r}"
        ) from None


def _aws_value(rule: Callable[[str], str]) -> Callable[[str], str]:
    """argparse's type for a value AWS checks (rules.aws_values): its reason, exit 2."""

    def checked(text: str) -> str:
        try:
            return rule(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(f"{err}, got {text!r}") from None

    checked.__name__ = rule.__name__  # argparse names the type in "invalid ... value"
    return checked


def _role_or_config(text: str) -> str:
    """--assume-role's type. argparse passes the bare flag's `const` through it too."""
    return text if text == FROM_CONFIG else _aws_value(role_arn)(text)


def non_blank(text: str) -> str:
    """argparse's type for a program to run: an empty one would be no program at all."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a program to run, got nothing")
    return text


def add_device_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        *names_of("--device"),
        dest="device",
        type=_aws_value(mfa_serial),
        metavar="SERIAL",
        help=help_text,
    )


def add_duration_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument(
        *names_of("--duration"),
        dest="duration",
        type=duration,
        metavar="SECONDS",
        help=help_text,
    )


def add_code_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """--code (the AWS CLI's --token-code). Its check is the code sources' own (FixedCode),
    made before any file is read, in one line that never repeats what was typed; a run
    that used it says that ps shows it."""
    parser.add_argument(*names_of("--code"), dest="code", metavar="CODE", help=help_text)


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
        type=non_blank,
        help="get the code from this program's output, e.g. 'ykman oath accounts code -s NAME' "
        "(default: mfa_code_command of the config profile)",
    )


def add_role_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--assume-role",
        nargs="?",
        const=FROM_CONFIG,
        type=_role_or_config,
        metavar="ARN",
        help="after the session, assume this role (no ARN: role_arn of the config profile) "
        "and write its credentials to --write-profile, default NAME-role",
    )
    parser.add_argument(
        "--role-session-name",
        type=_aws_value(role_session_name),
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
    add_duration_option(parser, "session length when a login is needed, 900 to 129600")
    add_device_option(parser, "MFA device ARN for a login")
    add_code_option(
        parser,
        "the 6-digit code when a login is needed (default: as the login; ps shows it to "
        "other users)",
    )
    add_code_command_option(parser)
    add_role_options(parser)
