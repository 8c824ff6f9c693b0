"""Run a command with the session in its environment, logging in first when it is missing or
about to end: mfa-login exec --profile admin -- terraform plan. The command gets
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION,
loses AWS_PROFILE (which would point the SDKs elsewhere), and its exit code is ours.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
from collections.abc import Mapping
from typing import TextIO

from mfa_session.commands.export import variables
from mfa_session.errors import CommandNotExecutable, CommandNotFound, UsageError
from mfa_session.session_flags import configure_session

DROPPED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def configure(parser: argparse.ArgumentParser) -> None:
    configure_session(parser)
    parser.add_argument(
        "command", nargs=argparse.REMAINDER, metavar="-- COMMAND ARGS", help="what to run"
    )


def run(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,
    stderr: TextIO,
) -> int:
    # The login machinery loads only when the command runs, never for --help.
    from mfa_session.obtain import SessionOptions, obtain, show_result

    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if not command:
        raise UsageError(detail="exec needs a command: mfa-login exec [--profile NAME] -- COMMAND")
    obtained = obtain(SessionOptions.from_args(args), environ=environ, stdin=stdin, stderr=stderr)
    if obtained.result.notices or obtained.result.outcome.name == "RENEWED":
        show_result(obtained.result, stderr, environ)
    child_env = {name: value for name, value in environ.items() if name not in DROPPED}
    child_env.update(variables(obtained.credentials))
    # Ctrl-C reaches the child (same process group); we wait for its own exit code.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        done = subprocess.run(command, env=child_env, check=False)  # noqa: S603 - the person's
    except FileNotFoundError as err:
        raise CommandNotFound(program=command[0]) from err
    except PermissionError as err:
        raise CommandNotExecutable(program=command[0], reason="permission denied") from err
    finally:
        signal.signal(signal.SIGINT, previous)
    # A child killed by a signal exits, like in a shell, as 128 + the signal number.
    return done.returncode if done.returncode >= 0 else 128 - done.returncode
