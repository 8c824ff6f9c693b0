"""The used-code guard with a fake clock: what is sent, what waits, what is kept on disk."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mfa_session.adapters.state_file import UsedSteps
from mfa_session.errors import CodeStepUsed
from mfa_session.models import KeySource, LongTermKey, MfaDevice
from mfa_session.usecases.used_codes import GuardedAws
from tests.fakes import KEY_ID, SECRET, FakeAws, ScriptedCodes, state_at

KEY = LongTermKey(KEY_ID, SECRET, KeySource.LONG_TERM_SECTION, "admin-long-term")
DEVICE = MfaDevice("arn:aws:iam::123456789012:mfa/alice")


class FakeTime:
    def __init__(self, start: float) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class RenewableCodes(ScriptedCodes):
    renewable = True


def guarded(
    tmp_path: Path, codes: ScriptedCodes, time: FakeTime, terminal: io.StringIO | None
) -> tuple[GuardedAws, FakeAws, UsedSteps]:
    steps = UsedSteps(state_at(tmp_path / "state.json"))
    aws = FakeAws()
    guard = GuardedAws(
        aws, steps, codes, profile="admin", terminal=terminal, clock=time.clock, sleep=time.sleep
    )
    return guard, aws, steps


def test_a_code_used_in_this_step_is_refused_before_sending(tmp_path: Path) -> None:
    time = FakeTime(1_000_025.0)  # 25 s left in its step (a step starts at 1_000_020)
    guard, aws, _ = guarded(tmp_path, ScriptedCodes([], interactive=False), time, None)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "123456", 3600)
    with pytest.raises(CodeStepUsed) as caught:
        guard.get_session_token(KEY, "us-east-1", DEVICE, "123456", 3600)
    assert "wait 25s for the next code" in str(caught.value)
    assert len(aws.sts_calls()) == 1


def test_another_code_in_the_same_step_is_sent(tmp_path: Path) -> None:
    time = FakeTime(1_000_025.0)
    guard, aws, _ = guarded(tmp_path, ScriptedCodes([], interactive=False), time, None)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "123456", 3600)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "654321", 3600)
    assert len(aws.sts_calls()) == 2


def test_a_person_sees_a_countdown_then_is_asked_again(tmp_path: Path) -> None:
    time = FakeTime(1_000_025.0)
    codes = ScriptedCodes(["222222"], interactive=True)
    terminal = io.StringIO()
    guard, aws, _ = guarded(tmp_path, codes, time, terminal)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "111111", 3600)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "111111", 3600)
    shown = terminal.getvalue()
    assert "that code was already used" in shown
    assert "next code in 25s" in shown
    assert "next code in  1s" in shown
    assert time.now >= 1_000_050.0  # the next step had begun before asking
    assert codes.asked == [(f"admin ({DEVICE.serial})", False)]
    assert [call[3] for call in aws.sts_calls()] == ["111111", "222222"]


def test_a_code_command_is_run_again_after_the_step(tmp_path: Path) -> None:
    time = FakeTime(1_000_049.5)
    codes = RenewableCodes(["333333"], interactive=False)
    guard, aws, _ = guarded(tmp_path, codes, time, None)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "111111", 3600)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "111111", 3600)
    assert [call[3] for call in aws.sts_calls()] == ["111111", "333333"]


def test_the_state_file_holds_no_code(tmp_path: Path) -> None:
    time = FakeTime(1_000_025.0)
    guard, _, steps = guarded(tmp_path, ScriptedCodes([], interactive=False), time, None)
    guard.get_session_token(KEY, "us-east-1", DEVICE, "987654", 3600)
    text = Path(steps.state.path).read_text()
    assert "987654" not in text
    assert DEVICE.serial not in text
