"""Run a command with the session in its environment, logging in first when it is missing or
about to end: mfa-login exec --profile admin -- terraform plan. The command gets
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION,
loses AWS_PROFILE (which would point the SDKs elsewhere), and mfa-login's process becomes the
command's: every signal and the exit status are the command's own.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Mapping
from typing import NoReturn, TextIO

from mfa_session.commands.export import variables
from mfa_session.commands.session_flags import configure_session
from mfa_session.errors import CommandNotExecutable, CommandNotFound, UsageError

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
    from mfa_session.usecases.session import SessionOptions, obtain, show_result

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
    become(command, child_env)


PYTHONS_OWN_IGNORED = tuple(
    getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ") if hasattr(signal, name)
)
"""Signals the interpreter ignores for itself at start; a command must get them as a shell
gives them (subprocess's restore_signals resets the same two)."""


def become(command: list[str], env: dict[str, str]) -> NoReturn:
    """Replace this process with the command (execvpe), as a shell's `exec` does.

    Nothing stands between the command and its signals: Ctrl-C, SIGTERM from a container
    runtime (as PID 1 the command is PID 1), SIGHUP from a closed terminal reach it directly,
    and whoever started mfa-login sees the command's own exit status (a shell shows 128 + N
    for signal N). Dispositions are what mfa-login was started with: handlers the interpreter
    installed (SIGINT's) fall back to the default at exec, and the two signals it ignores are
    reset here. Everything mfa-login opened is closed at exec (Python opens files and sockets
    close-on-exec), which releases its locks; its buffered output is flushed first.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    for number in PYTHONS_OWN_IGNORED:
        signal.signal(number, signal.SIG_DFL)
    try:
        os.execvpe(command[0], command, env)  # noqa: S606 - the person's own command
    except OSError as err:
        for number in PYTHONS_OWN_IGNORED:
            signal.signal(number, signal.SIG_IGN)
        if isinstance(err, FileNotFoundError):
            raise CommandNotFound(program=command[0]) from err
        raise CommandNotExecutable(program=command[0], reason=err.strerror or str(err)) from err
