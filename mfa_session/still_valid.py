"""The daily case first: a session that is still valid, answered before anything heavy loads.

`cli.main` calls `still_valid_exit` before it imports argparse, the use cases or the error
classes, so `mfa-login`, `mfa-login export`, `mfa-login exec` and `mfa-login
credential-process` run again on a fresh session cost little more than Python's own start
(an SDK runs credential-process at every start). Each understands only its plain flags
(`rules.flags`); anything else, and any doubt (a picker would be needed, a file is
unreadable, a role is asked for), returns None and the full command runs and decides, so
every message and exit code stays the full command's own.

The rules are the ones the full command applies: which profile (`rules.profile_choice`),
whether its session is still valid (`rules.validity`), whether it was made for this request
(the state file's `WrittenSections.made_for`), and how it is printed
(`output.session_formats`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from mfa_session.rules.aws_values import mfa_serial
from mfa_session.rules.environment import kept_by_dotenv
from mfa_session.rules.files import AwsSnapshot, credentials_identity
from mfa_session.rules.flags import Check, profile_name, read_flags
from mfa_session.rules.profile_choice import profile_without_picker
from mfa_session.rules.profile_kinds import loginable_profiles, takes_precedence
from mfa_session.rules.regions import configured_region, region_variables
from mfa_session.rules.sections import StoredSession, long_term_owner, stored_session
from mfa_session.rules.validity import (
    DEFAULT_MIN_REMAINING,
    duration_seconds,
    min_remaining_minutes,
    session_seconds,
    valid_until,
)

# `typing` costs a few milliseconds to import; mypy treats any TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


def _format(text: str) -> str:
    from mfa_session.output.session_formats import FORMATS

    if text not in FORMATS:
        raise ValueError(text)  # argparse's "invalid choice"
    return text


_SESSION_FLAGS: dict[str, Check] = {
    "--profile": profile_name,
    "--min-remaining": min_remaining_minutes,  # the conversion argparse applies (type=)
    "--duration": duration_seconds,
    "--device": mfa_serial,
}
_FLAGS: dict[str, dict[str, Check]] = {
    "login": {**_SESSION_FLAGS, "--write-profile": profile_name},
    "export": {**_SESSION_FLAGS, "--code-command": str, "--format": _format},
    "exec": {**_SESSION_FLAGS, "--code-command": str},
    "credential-process": {**_SESSION_FLAGS, "--code-command": str},
}
"""The flags each command's fast path reads (the others send the line to argparse)."""


class _Asked:
    def __init__(self, command: str, flags: dict[str, str], rest: list[str]) -> None:
        self.command = command
        self.flags = flags
        self.rest = rest


def _asked(argv: Sequence[str], environ: Mapping[str, str]) -> _Asked | None:
    command = argv[0] if argv and argv[0] in _FLAGS and argv[0] != "login" else "login"
    words = argv[1:] if command != "login" else argv
    read = read_flags(
        words,
        _FLAGS[command],
        ("--quiet",) if command == "login" else (),
        rest=command == "exec",
    )
    if read is None:
        return None
    flags, rest = read
    if command == "exec" and not rest:
        return None  # the full command says that exec needs a command
    if command == "credential-process" and "--profile" not in flags:
        return None  # argparse's "the following arguments are required"
    if flags.get("--format") == "dotenv" and kept_by_dotenv(environ):
        return None  # the full command says which variables a dotenv reader would keep
    return _Asked(command, flags, rest)


def still_valid_exit(
    argv: Sequence[str],
    environ: Mapping[str, str],
    *,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
    clock: Callable[[], datetime],
) -> int | None:
    """Answer a command whose session is still valid (exit status 0); None to run in full."""
    asked = _asked(argv, environ)
    if asked is None:
        return None
    try:
        found = _valid_session(asked.flags, environ, stdin, clock())
        if found is None:
            return None
        target, session, region = found
        shown = _shown(asked, target, session, region, environ, stderr, clock())
    except Exception:  # noqa: BLE001 - any doubt goes to the full command, which reports it
        return None
    if asked.command == "exec":
        from mfa_session.adapters.command_exec import become
        from mfa_session.output.session_formats import session_environment

        become(asked.rest, session_environment(environ, session, region))
    out = stderr if asked.command == "login" else stdout
    if shown:
        print(shown, file=out, end="")
        out.flush()
    return 0


def _valid_session(
    flags: dict[str, str], environ: Mapping[str, str], stdin: TextIO, now: datetime
) -> tuple[str, StoredSession, str | None] | None:
    """The target section and its session when it serves the request as it stands, with the
    region of the profile logged in (`exec` and `export` hand it on)."""
    files = AwsSnapshot.from_environment(environ)
    named = profile_without_picker(
        flags.get("--profile"),
        environ,
        # A terminal on stdin can answer a picker, even with stderr redirected: the full
        # command then asks on /dev/tty (wiring.py).
        interactive=stdin.isatty(),
        choices=lambda: loginable_profiles(files.credentials, files.config),
    )
    if not isinstance(named, str):
        return None
    target = flags.get("--write-profile") or named
    if long_term_owner(named) is not None or long_term_owner(target) is not None:
        return None  # a mistake the full command names
    if takes_precedence(target, files.credentials, files.config) is not None:
        return None  # AWS tools would not use [target]: the full command refuses and says so
    minutes = min_remaining_minutes(flags.get("--min-remaining", str(DEFAULT_MIN_REMAINING)))
    duration = int(flags["--duration"]) if "--duration" in flags else None
    seconds = session_seconds(duration, files.config.get(named, {}).get("duration_seconds"))
    section = files.credentials.get(target, {})
    expiration = valid_until(section, now, timedelta(minutes=minutes), seconds)
    session = stored_session(section)
    if expiration is None or session is None:
        return None
    # Another profile's (or a role's) credentials in the target: the full command logs in.
    from mfa_session.adapters.state_file import StateFile, WrittenSections, state_path

    credentials = credentials_identity(files.credentials_path)
    state = StateFile(state_path(environ), credentials)
    if not WrittenSections(state).made_for(credentials, target, section, profile=named, role=None):
        return None
    return target, session, configured_region(named, files.credentials, files.config)


def _shown(
    asked: _Asked,
    target: str,
    session: StoredSession,
    region: str | None,
    environ: Mapping[str, str],
    stderr: TextIO,
    now: datetime,
) -> str:
    """What the command prints: the still-valid line (login), the variables (export), the
    credential_process JSON; nothing for exec."""
    if asked.command == "login":
        if "--quiet" in asked.flags:
            return ""
        from mfa_session.output.render import still_valid_line
        from mfa_session.output.style import Style

        style = Style(stderr, environ)
        line = still_valid_line(
            target,
            session.expiration,
            session.expiration - now,
            now,
            lambda text: style.paint(text, "green"),
        )
        return line + "\n"
    if asked.command == "exec":
        return ""
    from mfa_session.output.session_formats import credential_process_json, render

    if asked.command == "export":
        return render(session, asked.flags.get("--format", "sh"), region_variables(environ, region))
    return credential_process_json(session) + "\n"
