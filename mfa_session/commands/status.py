"""Show the session of every profile mfa-login manages, or of one: valid, expiring, expired or
none, with its end in local time and the time left.

A profile is managed by mfa-login when any of these holds:
  - the state file records that mfa-login wrote a session (or a role's credentials) into it;
  - the state file remembers an MFA device for it;
  - the credentials file has a [NAME-long-term] section (aws-mfa's layout);
  - [profile NAME] in the config file sets mfa_serial or mfa_code_command and is a plain
    profile, not a role, SSO, web identity, credential_process or login_session one (those
    get their credentials elsewhere).

Exit codes with --profile: 0 valid, 10 expiring (less than --min-remaining left),
11 expired or no session. Without --profile: 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from mfa_session.adapters.state_file import (
    RememberedDevices,
    StateFile,
    WrittenSections,
    state_path,
)
from mfa_session.exit_codes import ExitCode
from mfa_session.output.render import local_time
from mfa_session.output.style import Style
from mfa_session.rules.files import AwsSnapshot, Sections, credentials_identity
from mfa_session.rules.flags import profile_name, read_flags
from mfa_session.rules.profile_kinds import profile_kind
from mfa_session.rules.sections import long_term_owner
from mfa_session.rules.validity import (
    DEFAULT_MIN_REMAINING,
    min_remaining_minutes,
    renewal_margin,
    session_seconds,
    session_state,
)
from mfa_session.timefmt import format_expiration, format_remaining
from mfa_session.visible import visible

# `cli.main` runs the common forms through `quick_exit` before argparse is imported, so
# nothing here may load argparse, dataclasses or typing at run time (mypy treats any
# TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import TextIO

    from mfa_session.wiring import Wiring

# The keyring is never consulted here: status must stay as fast as a bare Python start.
_COLOURS = {"valid": "green", "expiring": "yellow", "expired": "red", "no session": "dim"}
_EXIT = {
    "valid": ExitCode.OK,
    "expiring": ExitCode.SESSION_EXPIRING,
    "expired": ExitCode.NO_VALID_SESSION,
    "no session": ExitCode.NO_VALID_SESSION,
}


def configure(parser: argparse.ArgumentParser) -> None:
    # `_plain_options` reads the same flags without argparse: change both together.
    from mfa_session.commands.session_flags import add_min_remaining_option, profile

    parser.add_argument(
        "--profile", type=profile, metavar="NAME", help="only this profile; sets the exit code"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    add_min_remaining_option(parser, "a session with less than this left is 'expiring'")
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing; the exit code says it (prompts)"
    )
    parser.add_argument(
        "--names", action="store_true", help="print the managed profile names, one a line"
    )


class StatusOptions:
    """What the flags ask for, however they were parsed."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        json: bool = False,
        min_remaining: int = DEFAULT_MIN_REMAINING,
        quiet: bool = False,
        names: bool = False,
    ) -> None:
        self.profile = profile
        self.json = json
        self.min_remaining = min_remaining
        self.quiet = quiet
        self.names = names


class ProfileStatus:
    def __init__(self, profile: str, state: str, expiration: datetime | None) -> None:
        self.profile = profile
        self.state = state
        self.expiration = expiration

    def as_json(self, now: datetime) -> dict[str, object]:
        if self.expiration is None:
            return {"profile": self.profile, "state": self.state}
        return {
            "profile": self.profile,
            "state": self.state,
            "expiration": format_expiration(self.expiration),
            "expiration_local": self.expiration.astimezone().isoformat(timespec="seconds"),
            "seconds_left": max(0, int((self.expiration - now).total_seconds())),
        }


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    options = StatusOptions(
        profile=args.profile,
        json=args.json,
        min_remaining=args.min_remaining,
        quiet=args.quiet,
        names=args.names,
    )
    files = read_managed(wiring.environ)
    return report(options, files, wiring.environ, wiring.stdout, wiring.stderr, wiring.clock())


def quick_exit(
    argv: Sequence[str],
    environ: Mapping[str, str],
    *,
    stdout: TextIO,
    stderr: TextIO,
    now: datetime,
) -> int | None:
    """`run` for the common forms, without argparse; None sends anything else to `run`.

    `argv` follows "status". Flags argparse reads differently or rejects (--help, an
    abbreviation, a missing or bad value, anything unknown) and any failure to read the files
    return None before a word is printed, so every message and exit code stays argparse's
    or `run`'s own.
    """
    options = _plain_options(argv)
    if options is None:
        return None
    try:
        files = read_managed(environ)
    except Exception:  # noqa: BLE001 - the full command reports it in its own words
        return None
    return report(options, files, environ, stdout, stderr, now)


class Managed:
    """The credentials file's sections, the config's profiles, and the profiles mfa-login
    manages."""

    def __init__(self, credentials: Sections, config: Sections, names: list[str]) -> None:
        self.credentials = credentials
        self.config = config
        self.names = names

    def status(self, name: str, now: datetime, minimum: timedelta) -> ProfileStatus:
        configured = self.config.get(name, {}).get("duration_seconds")
        section = self.credentials.get(name, {})
        return session_status(name, section, now, minimum, session_seconds(None, configured))


def read_managed(environ: Mapping[str, str]) -> Managed:
    files = AwsSnapshot.from_environment(environ)
    state = StateFile(state_path(environ), credentials_identity(files.credentials_path))
    names = managed_profiles(
        files.credentials,
        files.config,
        WrittenSections(state).sections(),
        RememberedDevices(state).remembered_profiles(),
    )
    return Managed(files.credentials, files.config, names)


def report(
    options: StatusOptions,
    files: Managed,
    environ: Mapping[str, str],
    out: TextIO,
    err: TextIO,
    now: datetime,
) -> int:
    """Print what `options` asks for (the data on `out`, a hint on `err`); the exit code."""
    if options.names:
        for name in files.names:
            print(name, file=out)
        return 0
    minimum = timedelta(minutes=options.min_remaining)
    chosen = [options.profile] if options.profile else files.names
    found = [files.status(name, now, minimum) for name in chosen]
    if not options.quiet:
        if options.json:
            import json

            print(json.dumps([status.as_json(now) for status in found], indent=2), file=out)
        elif not found:
            print(
                "mfa-login: no profiles managed by mfa-login yet: run mfa-login --profile NAME",
                file=err,
            )
        else:
            _print_lines(found, now, Style(out, environ), out)
    return int(_EXIT[found[0].state]) if options.profile else 0


def managed_profiles(
    credentials: Sections, config: Sections, written: Mapping[str, str], remembered: list[str]
) -> list[str]:
    # [NAME-long-term] is NAME's key, never a profile of its own (rules.sections): the
    # login's rule, so [-long-term] is a profile named "-long-term", not the key of "".
    names = set(written) | set(remembered)
    names.update(
        owner for section in credentials if (owner := long_term_owner(section)) is not None
    )
    for name, values in config.items():
        ours = values.get("mfa_serial") or values.get("mfa_code_command")
        if ours and profile_kind(name, credentials, config).loginable:
            names.add(name)
    return sorted(name for name in names if long_term_owner(name) is None)


def session_status(
    name: str, section: Mapping[str, str], now: datetime, minimum: timedelta, seconds: int
) -> ProfileStatus:
    """The rule of validity.py: "valid" exactly when a login would use the session as is."""
    state, expiration = session_state(section, now, renewal_margin(minimum, seconds))
    return ProfileStatus(name, state, expiration)


def _print_lines(found: list[ProfileStatus], now: datetime, style: Style, out: TextIO) -> None:
    shown = [visible(status.profile) for status in found]
    width = max(len(name) for name in shown)
    for name, status in zip(shown, found, strict=True):
        state = style.paint(f"{status.state:<10}", _COLOURS[status.state])
        line = f"{name:<{width}}  {state}"
        if status.expiration is not None:
            when = local_time(status.expiration, now)
            if status.state == "expired":
                line += f"  since {when}"
            else:
                line += f"  until {when} ({format_remaining(status.expiration - now)} left)"
        print(line.rstrip(), file=out)


def _plain_options(argv: Sequence[str]) -> StatusOptions | None:
    """The flags `configure` declares, read as argparse reads them (rules.flags), or None
    for anything argparse might read otherwise."""
    read = read_flags(
        argv,
        {"--profile": profile_name, "--min-remaining": min_remaining_minutes},
        ("--json", "--quiet", "--names"),
    )
    if read is None:
        return None
    flags = read[0]
    return StatusOptions(
        profile=flags.get("--profile"),
        json="--json" in flags,
        min_remaining=int(flags.get("--min-remaining", DEFAULT_MIN_REMAINING)),
        quiet="--quiet" in flags,
        names="--names" in flags,
    )
