"""`mfa-login [--profile NAME] ...`: the daily login."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mfa_session.commands.session_flags import (
    add_code_command_option,
    add_code_option,
    add_device_option,
    add_duration_option,
    add_min_remaining_option,
    add_role_options,
    profile,
)
from mfa_session.rules.flags import names_of
from mfa_session.visible import visible

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        type=profile,
        metavar="NAME",
        help="profile to log in (default: AWS_DEFAULT_PROFILE or AWS_PROFILE, else a picker on a "
        "terminal, else default)",
    )
    add_duration_option(
        parser,
        "session length, 900 to 129600 (default: duration_seconds of the config profile, "
        "else 43200)",
    )
    add_device_option(
        parser, "MFA device ARN (default: mfa_serial, aws_mfa_device, the last choice, else IAM)"
    )
    add_code_option(
        parser,
        "the 6-digit code (default: a line on stdin when it is not a terminal, else a prompt)",
    )
    parser.add_argument(
        "--force", action="store_true", help="log in even when the session is still valid"
    )
    add_min_remaining_option(parser, "renew when less than this is left of the session")
    parser.add_argument(
        *names_of("--write-profile"),
        dest="write_profile",
        type=profile,
        metavar="NAME",
        help="section that receives the session (default: the profile itself)",
    )
    parser.add_argument(
        "--no-keyring",
        action="store_true",
        help="keep this profile's long-term key in the credentials file: never read the OS "
        "keyring nor offer to move the key there (remembered; mfa-login setup undoes it)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    add_code_command_option(parser)
    add_role_options(parser)


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    # Imported here, not at the top: `--help` needs only configure(). The use case imports
    # no boto3, botocore, questionary or keyring at import time.
    from mfa_session.models import Outcome
    from mfa_session.output.render import show_result
    from mfa_session.rules.environment import after_login_notes
    from mfa_session.usecases.session import SessionOptions

    session = wiring.session(SessionOptions.from_args(args))
    obtained = session.obtain()
    if not args.quiet:
        result = obtained.result
        show_result(result, wiring.stderr, wiring.environ, wiring.clock())
        if result.outcome is Outcome.RENEWED:
            # Written, but this shell's variables may make AWS tools take something else.
            for note in after_login_notes(wiring.environ, result.profile):
                print(f"mfa-login: {visible(note)}", file=wiring.stderr)
        for line in session.keyring_offer(obtained):
            print(f"mfa-login: {visible(line)}", file=wiring.stderr)
    return 0
