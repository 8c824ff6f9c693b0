"""The daily case first: a session that is still valid, answered before anything heavy loads.

`cli.main` calls `still_valid_exit` before it imports argparse, the login's modules or the
error classes, so `mfa-login` run again on a fresh session costs little more than Python's
own start. It understands only the plain flags of a login (--profile, --write-profile,
--min-remaining, --duration, --device, --quiet). Anything else, and any doubt (a picker
would be needed, a file is unreadable, a number is not one), returns None and the full
command runs and decides, so every message and exit code stays the full command's own.

The rules here, which profile, whether its session is still valid (`validity`) and whether
it was made for this request (`state.WrittenSections.made_for`), are the ones `flow` applies
too; this module imports nothing but the standard library, `inifiles`, `validity` and
`state`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone

from mfa_session.adapters.state_file import WrittenSections, state_path
from mfa_session.rules.files import (
    Sections,
    config_path,
    config_profiles,
    credentials_identity,
    credentials_path,
    loginable_profiles,
    profile_name,
    read_config_file,
    read_credentials_file,
)
from mfa_session.rules.validity import (
    DEFAULT_MIN_REMAINING,
    min_remaining_minutes,
    session_seconds,
    valid_until,
)

# `typing` costs a few milliseconds to import; mypy treats any TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

_WITH_VALUE: dict[str, Callable[[str], object]] = {
    "--profile": profile_name,
    "--write-profile": profile_name,
    "--min-remaining": min_remaining_minutes,  # the conversion argparse applies (type=)
    "--duration": int,
    "--device": str,
}
_SWITCHES = frozenset({"--quiet"})
PROFILE_VARIABLES = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
"""Where botocore finds the profile when none is given, in its order."""


def profile_without_picker(
    explicit: str | None,
    environ: Mapping[str, str],
    *,
    interactive: bool,
    choices: Callable[[], list[str]],
) -> str | list[str]:
    """Step 1: --profile, else AWS_DEFAULT_PROFILE, else AWS_PROFILE, else the only choice on
    a terminal, else "default".

    On a terminal with several loginable profiles it returns them: a person picks one.
    """
    if explicit:
        return explicit
    from_environment = environment_profile(environ)
    if from_environment:
        return from_environment
    if interactive:
        found = choices()
        if len(found) > 1:
            return found
        if found:
            return found[0]
    return "default"


def environment_profile(environ: Mapping[str, str]) -> str | None:
    """The profile the shell names, read in botocore's order (AWS_DEFAULT_PROFILE first, kept
    for the AWS CLI's sake), so it is the one every AWS tool in that shell uses. A variable
    set to nothing (or to blanks) counts as unset."""
    for variable in PROFILE_VARIABLES:
        if environ.get(variable, "").strip():
            return environ[variable]
    return None


def still_valid_exit(
    argv: Sequence[str], environ: Mapping[str, str], *, stdin: TextIO, stderr: TextIO
) -> int | None:
    """Exit status 0 after saying so when the session is still valid; None to run in full."""
    flags = _plain_login_flags(argv)
    if flags is None:
        return None
    try:
        path = credentials_path(environ)
        credentials = read_credentials_file(path)
        read_config: list[Sections] = []

        def config() -> Sections:
            if not read_config:
                read_config.append(config_profiles(read_config_file(config_path(environ))))
            return read_config[0]

        named = profile_without_picker(
            flags.get("--profile"),
            environ,
            # A terminal on stdin can answer a picker, even with stderr redirected: the full
            # command then asks on /dev/tty (obtain.py).
            interactive=stdin.isatty(),
            choices=lambda: loginable_profiles(credentials, config()),
        )
        if not isinstance(named, str):
            return None
        target = flags.get("--write-profile") or named
        minutes = min_remaining_minutes(flags.get("--min-remaining", str(DEFAULT_MIN_REMAINING)))
        duration = int(flags["--duration"]) if "--duration" in flags else None
        seconds = session_seconds(duration, config().get(named, {}).get("duration_seconds"))
        now = datetime.now(timezone.utc)
        section = credentials.get(target, {})
        expiration = valid_until(section, now, timedelta(minutes=minutes), seconds)
        if expiration is None:
            return None
        # Another profile's (or a role's) credentials in the target: the full command logs in.
        made_for_us = WrittenSections(state_path(environ)).made_for(
            credentials_identity(path), target, section, profile=named, role=None
        )
    except Exception:  # noqa: BLE001 - any doubt goes to the full command, which reports it
        return None
    if not made_for_us:
        return None
    if "--quiet" not in flags:
        from mfa_session.output.render import still_valid_line
        from mfa_session.output.style import Style

        shown = datetime.now(timezone.utc)
        style = Style(stderr, environ)
        line = still_valid_line(
            target, expiration, expiration - now, shown, lambda text: style.paint(text, "green")
        )
        print(line, file=stderr)
    return 0


def _plain_login_flags(argv: Sequence[str]) -> dict[str, str] | None:
    """The flags as argparse would read them (the last one wins), or None for anything else."""
    flags: dict[str, str] = {}
    position = 0
    while position < len(argv):
        name, equals, value = argv[position].partition("=")
        position += 1
        if name in _SWITCHES and not equals:
            flags[name] = ""
            continue
        if name not in _WITH_VALUE:
            return None  # a subcommand, --help, --force, --code, an abbreviation, ...
        if not equals:
            if position == len(argv):
                return None
            value = argv[position]
            position += 1
        if value.startswith("-"):
            return None
        try:
            _WITH_VALUE[name](value)
        except ValueError:
            return None
        flags[name] = value
    return flags
