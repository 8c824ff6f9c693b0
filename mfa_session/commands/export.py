"""Print the session as shell variables, logging in first when it is missing or about to end:

    eval "$(mfa-login export --profile admin)"                       sh, bash, zsh
    mfa-login export --profile admin --format fish | source
    mfa-login export --profile admin --format powershell | Invoke-Expression

--format dotenv prints a .env file; --format json the shape credential_process reads.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from mfa_session.commands.session_flags import configure_session
from mfa_session.output.session_formats import FORMATS, render
from mfa_session.rules.environment import kept_by_dotenv, unset_command
from mfa_session.rules.regions import configured_region, region_variables

if TYPE_CHECKING:
    from mfa_session.wiring import Wiring


def configure(parser: argparse.ArgumentParser) -> None:
    configure_session(parser)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="sh",
        help="how to print the variables (default: sh)",
    )


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    # The login machinery loads only when the command runs, never for --help.
    from mfa_session.output.render import show_result
    from mfa_session.usecases.session import SessionOptions

    run = wiring.session(SessionOptions.from_args(args, "export"))
    obtained = run.obtain()
    if obtained.result.notices or obtained.result.outcome.name == "RENEWED":
        show_result(obtained.result, wiring.stderr, wiring.environ, wiring.clock())
    kept = kept_by_dotenv(wiring.environ) if args.format == "dotenv" else []
    if kept:
        # The shell formats unset these; a dotenv file cannot.
        print(
            "mfa-login: a program that loads this dotenv file keeps what this shell already "
            f"exports ({', '.join(kept)}) over the file's session: {unset_command(kept)} first",
            file=wiring.stderr,
        )
    files = wiring.files()
    region = configured_region(run.logged_in(), files.credentials, files.config)
    region_values = region_variables(wiring.environ, region)
    wiring.stdout.write(render(obtained.credentials, args.format, region_values))
    wiring.stdout.flush()
    return 0
