"""The entry point: parse the command line, run one command, turn errors into exit codes.

Every expected failure is an `MfaSessionError`, printed as one line on stderr with its exit
code. Anything else is a bug: its traceback is printed without exception messages, which
can quote secrets (bug_report.py), and the exit code is 1. An interrupt says what was
written before it (journal.py).
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping, Sequence

from mfa_session import __version__
from mfa_session.exit_codes import ExitCode

# argparse and typing cost milliseconds that a still-valid session does not need (see
# still_valid.py); mypy treats any TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import ArgumentParser, Namespace
    from datetime import datetime
    from types import ModuleType
    from typing import TextIO

    from mfa_session.wiring import Wiring

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
    "doctor": "doctor",
    "help": "help",
}

SUMMARIES: dict[str, str] = {
    # name: the one line `mfa-login --help` shows for it (every command has one).
    "status": "show the sessions: valid, expiring, expired or none",
    "export": "print the session as variables for a shell or a .env file",
    "credential-process": "hand the session to the AWS SDKs and CLI (credential_process)",
    "exec": "run a command with the session in its environment",
    "completion": "print the shell completion script for bash, zsh or fish",
    "setup": "move a profile's long-term key into the OS keyring",
    "forget": "remove a profile's long-term key from the OS keyring",
    "doctor": "explain why AWS rejects the credentials AWS tools take here",
    "help": "show this help, or a command's: mfa-login help COMMAND",
}

GLOBAL_SWITCHES = ("--debug",)
"""Accepted by every command, before or after its name."""

DESCRIPTION = """\
Log in with your MFA code: turns the long-term AWS key of a profile into a temporary
session written to ~/.aws/credentials, so every AWS tool can use --profile NAME.

    mfa-login --profile admin"""


def new_parser(prog: str, description: str | None, epilog: str | None = None) -> ArgumentParser:
    """A parser as every command has it: no abbreviated flags (--code is never read as
    --code-command), paragraphs and examples kept as written, and --debug."""
    import argparse

    parser = argparse.ArgumentParser(
        prog=prog,
        description=description,
        epilog=epilog,
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--debug", action="store_true", help="explain each step on stderr (never a secret)"
    )
    return parser


def build_parser() -> ArgumentParser:
    """The login command's parser; the docs' command reference is generated from it."""
    from mfa_session.commands import login

    parser = new_parser(PROG, DESCRIPTION, _epilog())
    parser.add_argument("--version", action="version", version=version_line())
    login.configure(parser)
    return parser


def _epilog() -> str:
    import textwrap

    width = max(len(name) for name in SUBCOMMANDS) + 2
    commands = [f"  {name:<{width}}{SUMMARIES.get(name, '')}" for name in SUBCOMMANDS]
    codes = ", ".join(f"{code.value} {code.name.lower().replace('_', ' ')}" for code in ExitCode)
    return "\n".join(
        [
            f"commands (run one with --help, or {PROG} help COMMAND):",
            *commands,
            "",
            textwrap.fill(f"exit codes: {codes}", width=79),
        ]
    )


def version_line() -> str:
    return f"{PROG} {__version__}"


def build_subcommand_parser(name: str) -> tuple[ArgumentParser, ModuleType]:
    import importlib

    module = importlib.import_module(f"mfa_session.commands.{SUBCOMMANDS[name]}")
    parser = new_parser(f"{PROG} {name}", module.__doc__)
    module.configure(parser)
    # `completion` and `help` describe every command: their parsers go down with the args.
    parser.set_defaults(command_parsers=command_parsers)
    return parser, module


def command_parsers() -> list[tuple[str, ArgumentParser]]:
    """Every command's parser, the login's first (named "")."""
    found = [("", build_parser())]
    found.extend((name, build_subcommand_parser(name)[0]) for name in SUBCOMMANDS)
    return found


def main(
    argv: Sequence[str] | None = None,
    *,
    whole_process: bool = False,
    wiring: Wiring | None = None,
    quick_paths: bool = True,
) -> int:
    """Run one command; its exit code.

    `whole_process` (the installed command): also keep the messages of exceptions on other
    threads and at the top level out of stderr. `wiring`: the collaborators (tests pass
    their own); by default the real ones, on this process's streams. `quick_paths=False`
    runs every command in full, as when the fast paths step aside.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    process = wiring if wiring is not None else ThisProcess()
    try:
        return _dispatch(arguments, whole_process, process, wiring, quick_paths)
    except (KeyboardInterrupt, EOFError) as stop:
        # SIGTERM or SIGHUP at a prompt arrive as Terminated, a KeyboardInterrupt.
        from mfa_session.adapters.interrupts import Terminated

        if isinstance(stop, Terminated):
            return _stopped(f"stopped by {stop.name}", 128 + stop.signum, process.stderr)
        return _stopped("cancelled", ExitCode.INTERRUPTED, process.stderr)
    except BrokenPipeError:
        # The reader of our output left (`| head -0`) or stdout is closed (`>&-`): there is
        # no one to tell, and a traceback would be noise.
        return int(ExitCode.OUTPUT_CLOSED)
    except Exception as error:  # noqa: BLE001 - every failure ends here: ours said, bugs reported
        # The error classes are loaded once one is raised: --help never needs them.
        from mfa_session.errors import MfaSessionError

        if isinstance(error, MfaSessionError):
            _say(f"{PROG}: {error}", process.stderr)
            return int(error.exit_code)
        from mfa_session.output.bug_report import report_bug

        report_bug(error, process.stderr)
        return int(ExitCode.UNEXPECTED)


class ThisProcess:
    """The environment, streams and clock of this process: all the fast paths need (the
    composition root is built only for a command that runs in full)."""

    def __init__(self) -> None:
        self.environ: Mapping[str, str] = os.environ
        self.stdin: TextIO = sys.stdin
        self.stdout: TextIO = sys.stdout
        self.stderr: TextIO = sys.stderr

    @staticmethod
    def clock() -> datetime:
        # Imported here: --version needs no clock.
        from datetime import datetime, timezone

        return datetime.now(timezone.utc)


def _dispatch(
    arguments: list[str],
    whole_process: bool,
    process: Wiring | ThisProcess,
    wiring: Wiring | None,
    quick: bool,
) -> int:
    if arguments == ["--version"]:
        # What argparse's version action prints (a test compares them), without argparse.
        print(version_line(), file=process.stdout)
        return 0
    # A request for help is never a still-valid session (the fast paths would step aside).
    if quick and not {"-h", "--help"} & set(arguments):
        early = _quick_exit(arguments, process)
        if early is not None:
            return early
    if wiring is None:
        from mfa_session.wiring import Wiring

        wiring = Wiring(
            process.environ, stdin=process.stdin, stdout=process.stdout, stderr=process.stderr
        )
    with wiring.closing:
        return _run_in_full(arguments, whole_process, wiring)


def _run_in_full(arguments: list[str], whole_process: bool, wiring: Wiring) -> int:
    arguments = _command_first(arguments)
    if arguments and arguments[0] in SUBCOMMANDS:
        parser, module = build_subcommand_parser(arguments[0])
        parsed = parser.parse_args(arguments[1:])
        _started(parsed, whole_process, wiring)
        exit_code: int = module.run(parsed, wiring)
        return exit_code

    from mfa_session.commands import login

    args = build_parser().parse_args(_no_stray_word(arguments))
    _started(args, whole_process, wiring)
    return login.run(args, wiring)


def _command_first(arguments: list[str]) -> list[str]:
    """`mfa-login --debug status` as `mfa-login status --debug`: a switch every command
    takes may come before the command's name."""
    leading = 0
    while leading < len(arguments) and arguments[leading] in GLOBAL_SWITCHES:
        leading += 1
    if leading and leading < len(arguments) and arguments[leading] in SUBCOMMANDS:
        return [arguments[leading], *arguments[:leading], *arguments[leading + 1 :]]
    return arguments


def _no_stray_word(arguments: list[str]) -> list[str]:
    """The login takes no word of its own: one in the place of a command's name is a
    command mistyped (`mfa-login statu`), said with the likeliest one."""
    words = [word for word in arguments if word not in GLOBAL_SWITCHES]
    if words and not words[0].startswith("-"):
        from mfa_session.commands.help import unknown_command

        raise unknown_command(words[0], list(SUBCOMMANDS))
    return arguments


def _started(args: Namespace, whole_process: bool, wiring: Wiring) -> None:
    """What every command does once its command line is read (after --help had its say)."""
    if whole_process:
        _no_message_escapes()
    if args.debug:
        from mfa_session.output.debug_log import debug_to

        debug_to(wiring.stderr)


def _no_message_escapes() -> None:
    """Once a command runs (after --help has had its say: it needs none of it), no
    exception on any thread may print its message (bug_report.py)."""
    from mfa_session.output.bug_report import install_hooks

    install_hooks()


def _quick_exit(arguments: list[str], wiring: Wiring | ThisProcess) -> int | None:
    """The daily cases first, before argparse and the commands' heavier modules are imported:
    a still-valid session for login, export, exec and credential-process (still_valid.py)
    and the common forms of status. None: run in full."""
    if arguments[:1] == ["status"]:
        from mfa_session.commands.status import quick_exit

        return quick_exit(
            arguments[1:],
            wiring.environ,
            stdout=wiring.stdout,
            stderr=wiring.stderr,
            now=wiring.clock(),
        )
    from mfa_session.still_valid import still_valid_exit

    return still_valid_exit(
        arguments,
        wiring.environ,
        stdin=wiring.stdin,
        stdout=wiring.stdout,
        stderr=wiring.stderr,
        clock=wiring.clock,
    )


def run_program() -> None:
    """The installed `mfa-login`: main(), then exit without the interpreter's teardown.

    Freeing boto3's and prompt_toolkit's objects one by one at exit took 100-200 ms after
    the login was done (longer than the request itself); the OS frees the memory at once.
    Output is flushed first and files are closed by then.

    Before main: a closed standard stream is opened on /dev/null, so that no file opened
    later takes its number (a credentials file on descriptor 1 would receive what is
    printed); a closed stdout then reads as a broken pipe when something is printed.
    """
    _standard_streams_open()
    code = main(whole_process=True)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = int(ExitCode.OUTPUT_CLOSED)
    except (OSError, ValueError):
        pass
    try:  # noqa: SIM105 - contextlib is not otherwise loaded on the quick paths
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


class _ClosedOutput(io.TextIOBase):
    """sys.stdout when descriptor 1 was closed at start: printing fails like a broken pipe."""

    def write(self, _text: str) -> int:
        import errno

        raise BrokenPipeError(errno.EPIPE, "standard output is closed")

    def isatty(self) -> bool:
        return False


def _standard_streams_open() -> None:
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)
            if name == "stdout":
                sys.stdout = _ClosedOutput()
            else:
                setattr(sys, name, open(fd, "r" if fd == 0 else "w", closefd=False))  # noqa: SIM115 - lives as long as the process


def _say(line: str, stderr: TextIO) -> None:
    try:  # noqa: SIM105 - contextlib is not otherwise loaded on the quick paths
        print(line, file=stderr)
    except (OSError, ValueError):
        pass  # stderr closed or hung up: the exit code still says it


def _stopped(what: str, code: int, stderr: TextIO) -> int:
    """Ctrl-C, end of input or a stopping signal: say so, and what was written before."""
    from mfa_session.journal import JOURNAL
    from mfa_session.visible import visible

    _say(f"{PROG}: {what}; {visible(JOURNAL.summary())}", stderr)
    return code
