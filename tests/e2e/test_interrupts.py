"""Interrupts in a real terminal: what the message says was written, and the terminal's mode
after a stopping signal."""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.helpers import command_env, own_terminal, sections, spawn, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

REPO = str(Path(__file__).resolve().parents[2])
MOVE_QUESTION = "Move the long-term key"


def ctrl_c(child: pexpect.spawn) -> None:
    child.send("\x03")


def ctrl_d(child: pexpect.spawn) -> None:
    child.send("\x04")


def sigint(child: pexpect.spawn) -> None:
    child.kill(signal.SIGINT)


def sigterm(child: pexpect.spawn) -> None:
    child.kill(signal.SIGTERM)


@pytest.mark.parametrize(
    ("stop", "said", "status"),
    [
        pytest.param(ctrl_c, "cancelled", 130, id="ctrl-c"),
        pytest.param(ctrl_d, "cancelled", 130, id="ctrl-d"),
        pytest.param(sigint, "cancelled", 130, id="SIGINT"),
        pytest.param(sigterm, "stopped by SIGTERM", 143, id="SIGTERM"),
    ],
)
def test_interrupt_at_the_keyring_question_says_the_session_was_written(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    stop: Callable[[pexpect.spawn], None],
    said: str,
    status: int,
) -> None:
    """Regression: after the write, an interrupt said "cancelled; nothing was written"."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    env = command_env(
        emulator, PYTHON_KEYRING_BACKEND="tests.keyring_backends.MemoryKeyring", PYTHONPATH=REPO
    )
    child = spawn(emulator, "--profile", "admin", "--device", aws_user.mfa_serials[0], env=env)
    child.expect("MFA code for admin")
    child.sendline(aws_user.code())
    child.expect(MOVE_QUESTION)

    stop(child)

    child.expect(
        rf"mfa-login: {said}; the session for \[admin\] was written \(valid until [^)]+\)\r\n"
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == status
    written = sections(home.credentials)
    assert written["admin"]["aws_access_key_id"].startswith("ASIA")
    assert written["admin-long-term"]["aws_access_key_id"] == aws_user.access_key_id


@pytest.mark.parametrize(
    ("number", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGHUP, "SIGHUP")]
)
def test_stopping_signal_at_the_code_prompt_gives_the_terminal_back_cooked(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, number: int, name: str
) -> None:
    """Regression: SIGTERM and SIGHUP left the terminal raw (no echo, no line editing)."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    before = home.credentials.read_bytes()
    with own_terminal(emulator, "--profile", "admin", "--device", aws_user.mfa_serials[0]) as tty:
        assert tty.is_cooked()
        tty.screen.expect("MFA code for admin")
        assert not tty.is_cooked(), "the prompt did not put the terminal in raw mode"

        tty.process.send_signal(number)

        tty.screen.expect(f"mfa-login: stopped by {name}; nothing was written")
        assert tty.process.wait(timeout=30) == 128 + number
        assert tty.is_cooked()
    assert home.credentials.read_bytes() == before
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 0
