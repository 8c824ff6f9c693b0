"""Run a command with the session in its environment, logging in first when it is missing or
about to end:

    mfa-login exec --profile admin -- terraform plan

The command gets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION, and loses AWS_PROFILE (which would point the SDKs elsewhere);
AWS_REGION and AWS_DEFAULT_REGION carry the profile's region instead, unless the
environment names a region already.
mfa-login becomes the command: every signal and the exit status are the command's own.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mfa_session.adapters.command_exec import become
from mfa_session.commands.session_flags import configure_session
from mfa_session.errors import UsageError
from mfa_session.output.session_formats import session_environment
from mfa_session.rules.regions import configured_region

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring


def configure(parser: argparse.ArgumentParser) -> None:
    configure_session(parser)
    parser.add_argument(
        "command", nargs=argparse.REMAINDER, metavar="-- COMMAND ARGS", help="what to run"
    )


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    # The login machinery loads only when the command runs, never for --help.
    from mfa_session.output.render import show_result
    from mfa_session.usecases.session import SessionOptions

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError(detail="exec needs a command: mfa-login exec [--profile NAME] -- COMMAND")
    run = wiring.session(SessionOptions.from_args(args, "exec"))
    obtained = run.obtain()
    if obtained.result.notices or obtained.result.outcome.name == "RENEWED":
        show_result(obtained.result, wiring.stderr, wiring.environ, wiring.clock())
    files = wiring.files()
    region = configured_region(run.logged_in(), files.credentials, files.config)
    become(command, session_environment(wiring.environ, obtained.credentials, region))
