"""Show the session of every profile mfa-login manages, or of one: valid, expiring, expired or
none, with its end in local time and the time left.

A profile is managed by mfa-login when any of these holds:
  - the state file records that mfa-login wrote a session (or a role's credentials) into it;
  - the state file remembers an MFA device for it;
  - the credentials file has a [NAME-long-term] section (aws-mfa's layout);
  - [profile NAME] in the config file sets mfa_serial or mfa_code_command and is not itself
    an assume-role, SSO or credential_process profile (those belong to the AWS CLI).
The keyring is not consulted: status must stay as fast as a bare Python start.

Exit codes with --profile: 0 valid, 10 expiring (less than --min-remaining left),
11 expired or no session. Without --profile: 0.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TextIO

from mfa_session.exit_codes import ExitCode
from mfa_session.profiles import (
    LONG_TERM_SUFFIX,
    AwsFiles,
    Sections,
    holds_long_term_key,
    read_config_profiles,
    read_credentials,
)
from mfa_session.render import local_time
from mfa_session.state import DeviceMemory, WrittenSections, state_file
from mfa_session.style import Style
from mfa_session.timefmt import format_expiration, format_remaining, parse_expiration

_FOREIGN_CONFIG_KEYS = ("role_arn", "source_profile", "credential_process", "sso_session")
_COLOURS = {"valid": "green", "expiring": "yellow", "expired": "red", "no session": "dim"}
_EXIT = {
    "valid": ExitCode.OK,
    "expiring": ExitCode.SESSION_EXPIRING,
    "expired": ExitCode.NO_VALID_SESSION,
    "no session": ExitCode.NO_VALID_SESSION,
}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME", help="only this profile; sets the exit code")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.add_argument(
        "--min-remaining",
        type=int,
        default=15,
        metavar="MINUTES",
        help="a session with less than this left is 'expiring' (default: 15)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="print nothing; the exit code says it (prompts)"
    )
    parser.add_argument(
        "--names", action="store_true", help="print the managed profile names, one a line"
    )


@dataclass(frozen=True)
class ProfileStatus:
    profile: str
    state: str
    expiration: datetime | None

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


def run(
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str],
    stdin: TextIO,  # noqa: ARG001 - every command takes the same streams
    stderr: TextIO,  # noqa: ARG001
    stdout: TextIO | None = None,
) -> int:
    import sys

    out = stdout or sys.stdout
    files = AwsFiles.from_environment(environ)
    credentials = read_credentials(files)
    state = state_file(environ)
    names = managed_profiles(
        credentials,
        read_config_profiles(files),
        WrittenSections(state).sections(),
        DeviceMemory(state).remembered_profiles(),
    )
    if args.names:
        for name in names:
            print(name, file=out)
        return 0
    now = datetime.now(timezone.utc)
    minimum = timedelta(minutes=args.min_remaining)
    chosen = [args.profile] if args.profile else names
    found = [session_status(name, credentials.get(name, {}), now, minimum) for name in chosen]
    if not args.quiet:
        if args.json:
            print(json.dumps([status.as_json(now) for status in found], indent=2), file=out)
        elif not found:
            print("no profiles managed by mfa-login yet: run mfa-login --profile NAME", file=out)
        else:
            _print_lines(found, now, Style(out, environ), out)
    return int(_EXIT[found[0].state]) if args.profile else 0


def managed_profiles(
    credentials: Sections, config: Sections, written: Mapping[str, str], remembered: list[str]
) -> list[str]:
    names = set(written) | set(remembered)
    names.update(
        section[: -len(LONG_TERM_SUFFIX)]
        for section in credentials
        if section.endswith(LONG_TERM_SUFFIX)
    )
    for name, values in config.items():
        ours = values.get("mfa_serial") or values.get("mfa_code_command")
        if ours and not any(key in values for key in _FOREIGN_CONFIG_KEYS):
            names.add(name)
    return sorted(name for name in names if not name.endswith(LONG_TERM_SUFFIX))


def session_status(
    name: str, section: Mapping[str, str], now: datetime, minimum: timedelta
) -> ProfileStatus:
    expiration = parse_expiration(section.get("expiration", ""))
    if not section.get("aws_session_token") or holds_long_term_key(section) or expiration is None:
        return ProfileStatus(name, "no session", None)
    left = expiration - now
    if left <= timedelta(0):
        return ProfileStatus(name, "expired", expiration)
    return ProfileStatus(name, "expiring" if left <= minimum else "valid", expiration)


def _print_lines(found: list[ProfileStatus], now: datetime, style: Style, out: TextIO) -> None:
    width = max(len(status.profile) for status in found)
    for status in found:
        state = style.paint(f"{status.state:<10}", _COLOURS[status.state])
        line = f"{status.profile:<{width}}  {state}"
        if status.expiration is not None:
            when = local_time(status.expiration, now)
            if status.state == "expired":
                line += f"  since {when}"
            else:
                line += f"  until {when} ({format_remaining(status.expiration - now)} left)"
        print(line.rstrip(), file=out)
