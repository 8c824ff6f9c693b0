"""`status` answered before argparse says exactly what the argparse path says, or steps aside."""

from __future__ import annotations

import io
import json
import os
import sys
from datetime import datetime, timedelta, timezone
from typing import TextIO

import pytest

from mfa_session import cli
from mfa_session.commands import status
from mfa_session.exit_codes import ExitCode
from mfa_session.wiring import Wiring
from tests.conftest import Home

NOW = datetime(2026, 3, 4, 10, 0, 30, 250_000, tzinfo=timezone.utc)
KEY = "aws_access_key_id = AKIAFAKEFAKEFAKE0001\naws_secret_access_key = long-term-secret\n"


def clock() -> datetime:
    """Both runs of a comparison read the same moment, so the seconds left cannot differ."""
    return NOW


def wiring(stdout: TextIO, stderr: TextIO) -> Wiring:
    return Wiring(os.environ, stdin=io.StringIO(""), stdout=stdout, stderr=stderr, clock=clock)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def session(name: str, left: timedelta) -> str:
    end = (NOW + left).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"[{name}]\naws_access_key_id = ASIAFAKEFAKEFAKE0001\n"
        "aws_secret_access_key = session-secret\naws_session_token = session-token\n"
        f"expiration = {end}\n\n"
    )


def write_files(home: Home) -> None:
    """Every way a profile counts as managed, and every state a session can be in."""
    home.credentials.write_text(
        f"[work-long-term]\n{KEY}\n"
        + session("work", timedelta(hours=7))
        + session("play", timedelta(minutes=5))
        + session("old", timedelta(days=-2))
        + session("role-out", timedelta(hours=1))
        + f"[plain]\n{KEY}\n",
        encoding="utf-8",
    )
    home.config.write_text(
        "[profile ci]\nmfa_serial = arn:aws:iam::123456789012:mfa/ci\n"
        "[profile assumed]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
        "source_profile = work\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n",
        encoding="utf-8",
    )
    state = home.state / "mfa-session"
    state.mkdir(parents=True)
    (state / "state.json").write_text(
        json.dumps({"sections": {"role-out": "work"}, "devices": {"play": "arn:x", "old": "y"}}),
        encoding="utf-8",
    )


def run_both(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, stdout: io.StringIO | None = None
) -> tuple[tuple[int, str, str], tuple[int, str, str]]:
    """(quick, full): exit code, stdout and stderr of `mfa-login status ...` both ways."""
    results = []
    for quick in (True, False):
        out, err = stdout.__class__() if stdout else io.StringIO(), io.StringIO()
        monkeypatch.setattr("sys.stdout", out)
        monkeypatch.setattr("sys.stderr", err)
        code = cli.main(["status", *argv], wiring=wiring(out, err), quick_paths=quick)
        results.append((code, out.getvalue(), err.getvalue()))
    return results[0], results[1]


COMMON_FORMS = [
    [],
    ["--profile", "work"],
    ["--profile=play"],
    ["--profile", "old"],
    ["--profile", "nobody"],
    ["--profile", "plain"],  # a long-term key is no session
    ["--json"],
    ["--json", "--profile", "play"],
    ["--quiet", "--profile", "play"],
    ["--quiet"],
    ["--names"],
    ["--names", "--json"],
    ["--min-remaining", "600"],
    ["--min-remaining", "4", "--profile", "play"],  # 4m59s left: valid, at 5 expiring
    ["--min-remaining=4"],
    ["--min-remaining=600", "--profile", "work"],
    ["--min-remaining", "0", "--profile", "play", "--json", "--quiet"],
    ["--min-remaining", "2160", "--profile", "work"],  # at most half of 12 hours
    ["--profile", "work", "--profile", "old"],  # the last one wins, as in argparse
]


@pytest.mark.parametrize("argv", COMMON_FORMS)
def test_quick_and_argparse_paths_say_the_same(
    argv: list[str], home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(home)
    assert (
        status.quick_exit(argv, os.environ, stdout=io.StringIO(), stderr=io.StringIO(), now=NOW)
        is not None
    )
    quick, full = run_both(argv, monkeypatch)
    assert quick == full
    assert "session-secret" not in quick[1]


@pytest.mark.parametrize("argv", [[], ["--profile", "play"], ["--min-remaining", "1"]])
@pytest.mark.parametrize("no_color", ["", "1"])
def test_on_a_terminal_both_paths_colour_alike(
    argv: list[str], no_color: str, home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_files(home)
    if no_color:
        monkeypatch.setenv("NO_COLOR", no_color)
    quick, full = run_both(argv, monkeypatch, stdout=_Terminal())
    assert quick == full
    assert ("\x1b[" in quick[1]) is not bool(no_color)


@pytest.mark.parametrize(
    "files",
    ["nothing", "empty state", "damaged state", "sessions only"],
)
@pytest.mark.parametrize("argv", [[], ["--json"], ["--names"], ["--profile", "work"]])
def test_both_paths_agree_on_sparse_or_damaged_files(
    files: str, argv: list[str], home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    if files != "nothing":
        home.credentials.write_text(session("work", timedelta(hours=1)), encoding="utf-8")
    if files in ("empty state", "damaged state"):
        (home.state / "mfa-session").mkdir(parents=True)
        text = "{}" if files == "empty state" else '{"sections": [1, 2'
        (home.state / "mfa-session" / "state.json").write_text(text, encoding="utf-8")
    quick, full = run_both(argv, monkeypatch)
    assert quick == full


def test_unreadable_credentials_are_reported_by_the_full_command(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.credentials.write_text("[work\naws_session_token = x\n", encoding="utf-8")
    assert (
        status.quick_exit([], os.environ, stdout=io.StringIO(), stderr=io.StringIO(), now=NOW)
        is None
    )
    quick, full = run_both([], monkeypatch)
    assert quick == full
    assert quick[0] == ExitCode.FILE_UNSAFE
    assert quick[2] == (
        f"mfa-login: {home.credentials}, line 1: a line before the first [section], which "
        "the AWS CLI and boto3 (botocore) cannot read: move it into a section or start it "
        "with #; the file was left as it was\n"
    )


def test_a_link_to_nowhere_is_reported_by_the_full_command(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    home.credentials.symlink_to(home.root / "gone")
    assert (
        status.quick_exit(
            ["--names"], os.environ, stdout=io.StringIO(), stderr=io.StringIO(), now=NOW
        )
        is None
    )
    quick, full = run_both(["--names"], monkeypatch)
    assert quick == full
    assert quick[0] == ExitCode.FILE_UNSAFE
    assert "is a symbolic link to" in quick[2]


@pytest.mark.parametrize(
    "argv",
    [
        ["-h"],
        ["--help"],
        ["--prof", "work"],  # argparse's abbreviations are argparse's business
        ["--js"],
        ["--profile"],
        ["--profile", "-x"],
        ["--profile", "work", "--min-remaining"],
        ["--min-remaining", "soon"],
        ["--min-remaining", "-5"],
        ["--min-remaining=-5"],
        ["--min-remaining=2161"],
        ["--min-remaining=99999999999999"],
        ["--min-remaining=1.5"],
        ["--profile="],  # an empty name: argparse's usage error
        ["--profile", " "],
        ["--json=yes"],
        ["--quiet=1"],
        ["extra"],
        ["--", "--json"],
        ["--force"],
    ],
)
def test_anything_else_goes_to_argparse(argv: list[str], home: Home) -> None:
    write_files(home)
    out = io.StringIO()
    assert status.quick_exit(argv, os.environ, stdout=out, stderr=io.StringIO(), now=NOW) is None
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["--prof", "work"],
        ["--min-remaining", "soon"],
        ["--min-remaining=-5"],
        ["--min-remaining=99999999999999"],
        ["--profile="],
        ["--json=yes"],
        ["extra"],
    ],
)
def test_argparse_still_answers_what_the_quick_path_leaves(
    argv: list[str], home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(home)
    try:
        code = cli.main(["status", *argv], wiring=wiring(sys.stdout, sys.stderr))
    except SystemExit as done:  # argparse's way out
        code = int(str(done.code))
    _out, err = capsys.readouterr()
    # An abbreviation (--prof) is refused as any unknown flag is: never guessed.
    assert code == ExitCode.USAGE
    assert err.startswith("usage: mfa-login status ")
