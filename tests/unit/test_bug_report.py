"""The last line of defence: a bug's traceback without any exception's message."""

from __future__ import annotations

import errno
import io
import subprocess
import sys
import textwrap

import pytest
from botocore.parsers import ResponseParserError

from mfa_session import cli
from mfa_session.errors import AnswerUnreadable
from mfa_session.output.bug_report import format_bug

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN"
BODY = f"<SessionToken>{TOKEN}</SessionToken><SecretAccessKey>{SECRET}</SecretAccessKey>"


def parse_answer() -> None:
    # What botocore says of a cut answer: the raw body, secret and token in it.
    raise ResponseParserError(f"Unable to parse response, invalid XML received:\n{BODY}")


def translate() -> None:
    try:
        parse_answer()
    except ResponseParserError as err:
        raise KeyError(SECRET) from err


def test_bug_report_names_classes_and_frames_but_no_message() -> None:
    with pytest.raises(KeyError) as raised:
        translate()

    report = format_bug(raised.value)

    assert SECRET not in report
    assert TOKEN not in report
    assert "botocore.parsers.ResponseParserError (message left out)" in report
    assert "KeyError (message left out)" in report
    assert "The above exception was the direct cause of the following exception:" in report
    # Oldest first, as Python prints a chain; each with the frames it passed through.
    assert report.index("ResponseParserError") < report.index("KeyError")
    assert "in parse_answer" in report
    assert "in translate" in report


def disk_full() -> None:
    raise OSError(errno.ENOSPC, f"no space left writing {SECRET}")


def ours_instead(error: Exception) -> None:
    try:
        disk_full()
    except OSError:
        raise error from None


def test_bug_report_keeps_our_own_messages_and_errno_names() -> None:
    ours = AnswerUnreadable(operation="GetSessionToken", endpoint="x", what="y", next_step="z")
    with pytest.raises(AnswerUnreadable) as raised:
        ours_instead(ours)
    report = format_bug(raised.value)
    assert f"mfa_session.errors.AnswerUnreadable: {ours}" in report
    assert "OSError" not in report  # `from None`: the context is not part of the story

    with pytest.raises(OSError, match="no space") as disk:
        disk_full()
    report = format_bug(disk.value)
    assert "OSError [ENOSPC] (message left out)" in report
    assert SECRET not in report


def test_unexpected_error_in_a_command_is_a_bug_report_without_the_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class ExplodingStdin(io.StringIO):
        def isatty(self) -> bool:
            raise RuntimeError(f"unexpected: {SECRET}")

    monkeypatch.setattr(sys, "stdin", ExplodingStdin())

    code = cli.main(["--profile", "admin", "--force"])

    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("mfa-login: unexpected error: this is a bug, please report it")
    assert "RuntimeError (message left out)" in err
    assert "in isatty" in err
    assert SECRET not in err


def test_no_thread_nor_uncaught_exception_prints_its_message() -> None:
    """install_hooks covers what cli.main cannot catch: other threads, the top level."""
    program = textwrap.dedent(
        f"""
        import threading
        from mfa_session.output.bug_report import install_hooks

        install_hooks()
        thread = threading.Thread(target=lambda: {{}}[{SECRET!r}])
        thread.start()
        thread.join()
        raise ValueError({SECRET!r})
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 1
    assert SECRET not in done.stderr
    assert "KeyError (message left out)" in done.stderr
    assert "ValueError (message left out)" in done.stderr
