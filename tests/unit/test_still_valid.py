"""The still-valid shortcut in cli.main says exactly what the full command says, or steps aside."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone

import pytest

from mfa_session import cli, still_valid
from mfa_session.exit_codes import ExitCode
from tests.conftest import Home

KEY = "aws_access_key_id = AKIAFAKEFAKEFAKE0001\naws_secret_access_key = long-term-secret\n"


def session(name: str, left: timedelta) -> str:
    expiration = (datetime.now(timezone.utc) + left).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"[{name}]\naws_access_key_id = ASIAFAKEFAKEFAKE0001\n"
        "aws_secret_access_key = session-secret\naws_session_token = session-token\n"
        f"expiration = {expiration}\n\n"
    )


def run_main(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *,
    quick_paths: bool = True,
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    try:
        code = cli.main(argv, quick_paths=quick_paths)
    except SystemExit as done:  # argparse's way out
        code = int(str(done.code))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv",
    [
        ["--profile", "work"],
        ["--profile=work", "--quiet"],
        ["--profile", "work", "--write-profile", "work-session"],
        ["--min-remaining", "600", "--profile", "work"],
        ["--min-remaining", "30", "--profile", "almost"],  # 20 min left: not valid
        ["--profile", "work", "--duration", "900", "--device", "arn:aws:iam::1:mfa/x"],
        [],  # no profile on a pipe: "default", which holds no session
    ],
)
def test_shortcut_and_full_command_say_the_same(
    argv: list[str],
    home: Home,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home.credentials.write_text(
        session("work", timedelta(hours=7))
        + session("work-session", timedelta(hours=3))
        + session("almost", timedelta(minutes=20)),
        encoding="utf-8",
    )
    quick = run_main(argv, capsys, monkeypatch)
    full = run_main(argv, capsys, monkeypatch, quick_paths=False)
    assert quick == full


@pytest.mark.parametrize(
    ("argv", "answered"),
    [
        (["export", "--profile", "work"], True),
        (["export", "--format", "json", "--profile", "work"], True),
        (["export", "--format=fish", "--profile=work", "--min-remaining", "60"], True),
        (["export", "--format", "powershell", "--profile", "work", "--duration", "3600"], True),
        (["credential-process", "--profile", "work"], True),
        (["credential-process", "--profile", "work", "--code-command", "true"], True),
        (["export", "--profile", "almost", "--min-remaining", "30"], False),
        (["export", "--format", "yaml", "--profile", "work"], False),  # argparse's choice
        (["export", "--profile", "work", "--assume-role", "arn:aws:iam::1:role/x"], False),
        (["credential-process"], False),  # --profile is required
        (["exec", "--profile", "work"], False),  # exec needs a command
    ],
)
def test_export_and_credential_process_say_what_the_full_command_says(
    argv: list[str],
    answered: bool,
    home: Home,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The still-valid fast path of the commands an SDK or a shell runs at every start."""
    home.credentials.write_text(
        session("work", timedelta(hours=7)) + session("almost", timedelta(minutes=20)),
        encoding="utf-8",
    )
    stdout = io.StringIO()
    given = still_valid.still_valid_exit(
        argv,
        os.environ,
        stdin=io.StringIO(),
        stdout=stdout,
        stderr=io.StringIO(),
        clock=lambda: datetime.now(timezone.utc),
    )
    assert (given == 0) is answered
    quick = run_main(argv, capsys, monkeypatch)
    full = run_main(argv, capsys, monkeypatch, quick_paths=False)
    assert quick == full
    if answered:
        assert stdout.getvalue() == quick[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["--profile", "work", "--force"],
        ["--profile", "work", "--code", "123456"],
        ["--profile", "work", "--debug"],
        ["--prof", "work"],  # argparse's abbreviations are argparse's business
        ["--profile"],
        ["--profile", "-x"],
        ["--min-remaining", "soon", "--profile", "work"],
        ["--quiet=yes", "--profile", "work"],
        ["--help"],
        ["--version"],
        ["status"],
        ["--profile", "work", "extra"],
    ],
)
def test_anything_but_plain_login_flags_goes_to_the_full_command(
    argv: list[str], home: Home
) -> None:
    home.credentials.write_text(session("work", timedelta(hours=7)), encoding="utf-8")
    stderr = io.StringIO()
    assert quick(argv, {}, stdin=io.StringIO(), stderr=stderr) is None
    assert stderr.getvalue() == ""


def test_still_valid_on_a_terminal_with_one_profile_needs_no_picker(home: Home) -> None:
    home.credentials.write_text(
        f"[work-long-term]\n{KEY}\n" + session("work", timedelta(hours=2)), encoding="utf-8"
    )
    terminal = _Terminal()
    assert quick([], _environ(), stdin=_Terminal(), stderr=terminal) == 0
    # Coloured like the full command on a terminal.
    assert terminal.getvalue().startswith("work: still valid for \x1b[32m2h00m\x1b[0m (until ")


def test_several_profiles_on_a_terminal_leave_the_choice_to_the_picker(home: Home) -> None:
    home.credentials.write_text(
        f"[work-long-term]\n{KEY}\n[play-long-term]\n{KEY}\n" + session("work", timedelta(hours=2)),
        encoding="utf-8",
    )
    shown = _Terminal()
    assert quick([], _environ(), stdin=_Terminal(), stderr=shown) is None
    assert shown.getvalue() == ""


def test_unreadable_credentials_are_reported_by_the_full_command(
    home: Home, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home.credentials.write_text("[work\naws_session_token = x\n", encoding="utf-8")
    code, _, err = run_main(["--profile", "work"], capsys, monkeypatch)
    assert code == ExitCode.FILE_UNSAFE
    assert err == (
        f"mfa-login: {home.credentials}, line 1: a line before the first [section], which "
        "the AWS CLI and boto3 (botocore) cannot read: move it into a section or start it "
        "with #; the file was left as it was\n"
    )


def test_a_long_term_key_is_never_taken_for_a_session(home: Home) -> None:
    home.credentials.write_text(
        "[work]\naws_access_key_id = AKIAFAKEFAKEFAKE0001\naws_session_token = stale\n"
        "expiration = 2099-01-01T00:00:00Z\n",
        encoding="utf-8",
    )
    assert (
        quick(["--profile", "work"], _environ(), stdin=io.StringIO(), stderr=io.StringIO()) is None
    )


def quick(
    argv: list[str], environ: dict[str, str], *, stdin: io.StringIO, stderr: io.StringIO
) -> int | None:
    """The fast path alone (still_valid.still_valid_exit), on these streams."""
    return still_valid.still_valid_exit(
        argv,
        environ,
        stdin=stdin,
        stdout=io.StringIO(),
        stderr=stderr,
        clock=lambda: datetime.now(timezone.utc),
    )


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _environ() -> dict[str, str]:
    return dict(os.environ)
