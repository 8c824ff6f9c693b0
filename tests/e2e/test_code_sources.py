"""--code-command and the used-code guard, through the installed command."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import time
from pathlib import Path

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import configured
from tests.e2e.helpers import mfa_login, sections, spawn
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def test_code_command_success(home: Home, emulator: Emulator, aws_user: EmulatedUser) -> None:
    configured(home, aws_user)
    run = mfa_login(
        emulator, "--profile", "admin", "--code-command", f"printf '%s\\n' {aws_user.code()}"
    )
    assert run.code == 0, run.stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")


def test_code_command_whose_background_child_keeps_stdout_open_does_not_stall_the_login(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """The program prints the code and exits, leaving a child that holds its stdout for five
    minutes: the login goes on when the program exits, not when the pipe closes."""
    configured(home, aws_user)
    pid_file = tmp_path / "background.pid"
    script = (
        f"echo {aws_user.code()}; sleep 300 2>/dev/null & echo $! > {shlex.quote(str(pid_file))}"
    )
    try:
        # The helper's time-out (60 s) is shorter than the child's life (300 s).
        run = mfa_login(
            emulator, "--profile", "admin", "--code-command", f"sh -c {shlex.quote(script)}"
        )
        background = int(pid_file.read_text())
        assert run.code == 0, run.stderr
        os.kill(background, 0)  # still running, holding the pipe: it was not waited for
        assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
    finally:
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid_file.read_text()), signal.SIGKILL)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("false", "the code command 'false' (--code-command) exited with 1"),
        ("echo hello-secret", "printed no 6-digit code (got 12 characters)"),
        ("true", "printed no 6-digit code (it printed nothing)"),
        ("no-such-otp-tool x", "the code command 'no-such-otp-tool' was not found"),
    ],
)
def test_code_command_failure_is_clear_and_sends_nothing(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, command: str, message: str
) -> None:
    configured(home, aws_user)
    before = home.credentials.read_bytes()
    run = mfa_login(emulator, "--profile", "admin", "--code-command", command)
    assert run.code == 12
    assert message in run.stderr
    assert "hello-secret" not in run.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        ("oathtool --totp -b 'JBSWY3DPEHPK3PXP", "a quotation is not closed"),
        ("oathtool --totp -b JBSWY3DPEHPK3PXP \\", "it ends in \\"),
    ],
)
def test_code_command_that_cannot_be_split_is_named_by_its_first_word_only(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, command: str, problem: str
) -> None:
    """Regression: the whole command was repeated, TOTP seed and all."""
    configured(home, aws_user)
    run = mfa_login(emulator, "--profile", "admin", "--code-command", command)
    assert run.code == 12
    assert run.stderr == (
        f"mfa-login: the code command 'oathtool' (--code-command) cannot be split into words "
        f"({problem}); no code was sent to AWS\n"
    )
    assert "JBSWY3DPEHPK3PXP" not in run.stderr


def test_code_command_from_the_config_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user, "mfa_code_command = sh -c 'exit 3'\n")
    run = mfa_login(emulator, "--profile", "admin")
    assert run.code == 12
    assert "(mfa_code_command of [profile admin]) exited with 3" in run.stderr


def test_a_used_code_is_not_sent_again_without_a_terminal(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    code = aws_user.code()
    assert mfa_login(emulator, "--profile", "admin", "--code", code).code == 0
    emulator.reset_counts()

    again = mfa_login(emulator, "--profile", "admin", "--force", "--code", code)

    assert again.code == 4
    assert "that code was already used" in again.stderr
    assert "s for the next code; nothing was sent to AWS" in again.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0
    state = (home.state / "mfa-session" / "state.json").read_text()
    assert code not in state


def test_a_used_code_on_a_terminal_counts_down_then_asks_again(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    code = aws_user.code()
    assert mfa_login(emulator, "--profile", "admin", "--code", code).code == 0

    child = spawn(emulator, "--profile", "admin", "--force")
    child.expect("MFA code for admin")
    child.sendline(code)
    child.expect("that code was already used")
    child.expect(r"next code in\s+\d+s")
    child.expect("the next code is out", timeout=45)
    child.expect("MFA code for admin")
    fresh = aws_user.code()
    while fresh == code:  # the same six digits twice in a row: wait one more step
        time.sleep(1)
        fresh = aws_user.code()
    child.sendline(fresh)
    child.expect("admin: session valid for")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
