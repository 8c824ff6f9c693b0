"""`mfa-login [--profile NAME] ...`: the daily login."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from mfa_session.commands.session_flags import (
    add_code_command_option,
    add_min_remaining_option,
    add_role_options,
    profile,
)
from mfa_session.visible import visible

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring

LOGGER = "mfa_session"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        type=profile,
        metavar="NAME",
        help="profile to log in (default: AWS_DEFAULT_PROFILE or AWS_PROFILE, else a picker on a "
        "terminal, else default)",
    )
    parser.add_argument(
        "--duration",
        type=int,
        metavar="SECONDS",
        help="session length, 900 to 129600 (default: duration_seconds of the config "
        "profile, else 43200)",
    )
    parser.add_argument(
        "--device",
        metavar="SERIAL",
        help="MFA device ARN (default: mfa_serial, aws_mfa_device, the last choice, else IAM)",
    )
    parser.add_argument(
        "--code",
        metavar="CODE",
        help="the 6-digit code (default: a line on stdin when it is not a terminal, else a prompt)",
    )
    parser.add_argument(
        "--force", action="store_true", help="log in even when the session is still valid"
    )
    add_min_remaining_option(parser, "renew when less than this is left of the session")
    parser.add_argument(
        "--write-profile",
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
    parser.add_argument(
        "--debug", action="store_true", help="explain each step on stderr (never a secret)"
    )
    add_code_command_option(parser)
    add_role_options(parser)


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    # Imported here, not at the top: `--help` needs only configure(). The use case imports
    # no boto3, botocore, questionary or keyring at import time.
    from dataclasses import replace

    from mfa_session.adapters.code_sources import CODE_IN_ARGUMENTS
    from mfa_session.models import Outcome
    from mfa_session.output.render import show_result
    from mfa_session.rules.environment import after_login_notes
    from mfa_session.usecases.session import SessionOptions

    if args.debug:
        _debug_logging(wiring.stderr)
    session = wiring.session(SessionOptions.from_args(args))
    obtained = session.obtain()
    if not args.quiet:
        result = obtained.result
        if args.code is not None:
            # Said with the result, not before: a failure stays the one line that says it.
            result = replace(result, notices=(CODE_IN_ARGUMENTS, *result.notices))
        show_result(result, wiring.stderr, wiring.environ, wiring.clock())
        if result.outcome is Outcome.RENEWED:
            # Written, but this shell's variables may make AWS tools take something else.
            for note in after_login_notes(wiring.environ, result.profile):
                print(f"mfa-login: {visible(note)}", file=wiring.stderr)
        for line in session.keyring_offer(obtained):
            print(f"mfa-login: {visible(line)}", file=wiring.stderr)
    return 0


def _debug_logging(stderr: TextIO) -> None:
    import logging

    log = logging.getLogger(LOGGER)

    class Shown(logging.Formatter):
        """Debug lines name profiles, sections and devices: shown, not acted on."""

        def format(self, record: logging.LogRecord) -> str:
            return visible(super().format(record))

    handler = logging.StreamHandler(stderr)
    handler.setFormatter(Shown("mfa-login: debug: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    # botocore's own debug output prints request and response bodies, secrets included.
    logging.getLogger("botocore").setLevel(logging.WARNING)
