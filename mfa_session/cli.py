"""The entry point: parse the command line, run one command, turn errors into exit codes.

Every expected failure is an `MfaSessionError`, printed as one line on stderr with its exit
code. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from mfa_session import __version__
from mfa_session.exit_codes import ExitCode

# argparse and typing cost milliseconds that a still-valid session does not need (see
# shortcut.py); mypy treats any TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import ModuleType

PROG = "mfa-login"

SUBCOMMANDS: dict[str, str] = {
    # name: module in mfa_session.commands with configure(parser) and run(args, ...).
    # Imported only when named, so one command's dependencies never slow another.
    "status": "status",
    "export": "export",
    "credential-process": "credential_process",
    "exec": "exec",
    "completion": "completion",
    "setup": "setup",
    "forget": "forget",
}

DESCRIPTION = (
    "Log in with your MFA code: turns the long-term AWS key of a profile into a temporary "
    "session written to ~/.aws/credentials, so every AWS tool can use --profile NAME."
)


def build_parser() -> argparse.ArgumentParser:
    """The login command's parser; the docs' command reference is generated from it."""
    import argparse

    from mfa_session.commands import login

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=DESCRIPTION,
        epilog="Commands: "
        + ", ".join(SUBCOMMANDS)
        + ". Exit codes: "
        + ", ".join(f"{code.value} {code.name.lower().replace('_', ' ')}" for code in ExitCode),
    )
    parser.add_argument("--version", action="version", version=version_line())
    login.configure(parser)
    return parser


def version_line() -> str:
    return f"{PROG} {__version__}"


def build_subcommand_parser(name: str) -> tuple[argparse.ArgumentParser, ModuleType]:
    import argparse
    import importlib

    module = importlib.import_module(f"mfa_session.commands.{SUBCOMMANDS[name]}")
    parser = argparse.ArgumentParser(prog=f"{PROG} {name}", description=module.__doc__)
    module.configure(parser)
    return parser, module


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--version"]:
        # What argparse's version action prints (a test compares them), without argparse.
        print(version_line())
        return 0
    # A request for help is never a still-valid login (the shortcut would step aside).
    if not {"-h", "--help"} & set(arguments):
        try:
            early = _quick_exit(arguments)
        except KeyboardInterrupt:
            early = _cancelled()
        if early is not None:
            return early

    try:
        if arguments and arguments[0] in SUBCOMMANDS:
            parser, module = build_subcommand_parser(arguments[0])
            exit_code: int = module.run(
                parser.parse_args(arguments[1:]),
                environ=os.environ,
                stdin=sys.stdin,
                stderr=sys.stderr,
            )
            return exit_code

        from mfa_session.commands import login

        args = build_parser().parse_args(arguments)
        return login.run(args, environ=os.environ, stdin=sys.stdin, stderr=sys.stderr)
    except (KeyboardInterrupt, EOFError):
        return _cancelled()
    except Exception as error:
        # The error classes are loaded once one is raised: --help never needs them.
        from mfa_session.errors import MfaSessionError

        if not isinstance(error, MfaSessionError):
            raise
        print(f"{PROG}: {error}", file=sys.stderr)
        return int(error.exit_code)


def _quick_exit(arguments: list[str]) -> int | None:
    """The daily cases first, before argparse and the commands' heavier modules are imported:
    a still-valid login (shortcut.py) and the common forms of status. None: run in full."""
    if arguments[:1] == ["status"]:
        from mfa_session.commands.status import quick_exit

        return quick_exit(arguments[1:], os.environ, stdout=sys.stdout)
    from mfa_session.shortcut import still_valid_exit

    return still_valid_exit(arguments, os.environ, stdin=sys.stdin, stderr=sys.stderr)


def run_program() -> None:
    """The installed `mfa-login`: main(), then exit without the interpreter's teardown.

    Freeing boto3's and prompt_toolkit's objects one by one at exit took 100-200 ms after
    the login was done (longer than the request itself); the OS frees the memory at once.
    Output is flushed first and files are closed by then. An unexpected exception still
    gets its traceback and the normal exit.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _cancelled() -> int:
    print(f"{PROG}: cancelled; nothing was written", file=sys.stderr)
    return int(ExitCode.INTERRUPTED)
