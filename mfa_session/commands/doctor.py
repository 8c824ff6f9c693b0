"""Explain why AWS rejects you: which credentials an AWS tool run from this shell takes for a
profile, and whether AWS accepts them. One line per check (ok, problem or note), each problem
with the one thing to do. It never writes a file, never prompts and never asks for an MFA
code; key ids are shown masked (AKIA…WXYZ) and no secret is printed. Exit 0 when nothing is
wrong, 14 when something is.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from mfa_session.commands.session_flags import profile
from mfa_session.exit_codes import ExitCode

if TYPE_CHECKING:
    from mfa_session.usecases.doctor import DoctorReport
    from mfa_session.wiring import Wiring

_COLOURS = {"ok": "green", "problem": "red", "note": "yellow"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        type=profile,
        metavar="NAME",
        help="the profile to examine, as AWS tools run with --profile NAME take it (default: "
        "the one AWS tools in this shell use: AWS_DEFAULT_PROFILE, else AWS_PROFILE, else "
        "default)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not ask AWS (no GetCallerIdentity); only the files and the environment",
    )


def run(args: argparse.Namespace, wiring: Wiring) -> int:
    from mfa_session.errors import MfaSessionError
    from mfa_session.usecases.doctor import DoctorRequest, examine, unreadable_files

    request = DoctorRequest(args.profile, offline=args.offline)
    try:
        files = wiring.files()
        # Read now: a file AWS tools cannot read is the one finding.
        config_sections = files.config_sections
    except MfaSessionError as err:
        report = unreadable_files(request, wiring.environ, err)
    else:
        credentials = wiring.credentials_identity()
        records, written = wiring.keyring_records(), wiring.written()
        report = examine(
            request,
            environ=wiring.environ,
            files=files,
            config_sections=config_sections,
            vault=wiring.keyring_reader(),
            moved_key=lambda name: records.moved_key(credentials, name),
            origin=lambda section: written.origin(credentials, section),
            remembered=wiring.devices().recall,
            identity=wiring.identity,
            clock=wiring.clock,
        )
    if args.json:
        _print_json(report, wiring.stdout)
    else:
        _print_lines(report, wiring)
    return int(ExitCode.PROBLEMS_FOUND if report.problems else ExitCode.OK)


def _print_json(report: DoctorReport, out: TextIO) -> None:
    import json

    document = {
        "profile": report.profile,
        "chosen_by": report.chosen_by,
        "problems": report.problems,
        "checks": [
            {"check": c.check, "level": c.level, "message": c.text, "fix": c.fix or None}
            for c in report.checks
        ],
    }
    print(json.dumps(document, indent=2, ensure_ascii=False), file=out)


def _print_lines(report: DoctorReport, wiring: Wiring) -> None:
    from mfa_session.output.style import Style
    from mfa_session.visible import visible

    out = wiring.stdout
    style = Style(out, wiring.environ)
    for check in report.checks:
        level = style.paint(f"{check.level:<7}", _COLOURS[check.level])
        line = f"{check.check}: {check.text}"
        if check.fix:
            line += f"; to fix: {check.fix}" if check.level == "problem" else f" ({check.fix})"
        print(f"{level}  {visible(line)}", file=out)
    notes = sum(check.level == "note" for check in report.checks)
    summary = f"{_count(report.problems, 'problem')}, {_count(notes, 'note')}"
    print(f"mfa-login doctor: {visible(report.profile)}: {summary}", file=out)


def _count(number: int, word: str) -> str:
    return f"{number or 'no'} {word}{'' if number == 1 else 's'}"
