"""The fakes of the product's seams (mfa_session/interfaces.py), one for each collaborator a
test passes in. Each checks what it is given."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from mfa_session.adapters.state_file import StateFile
from mfa_session.errors import MfaSessionError
from mfa_session.models import IdentityAnswer, LongTermKey, MfaDevice, Probe, SessionCredentials

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
KEY_ID = "AKIAFAKEFAKEFAKE0001"
SECRET = "long-term-secret-never-shown"


def clock() -> datetime:
    return NOW


SESSION_PREFIX = "ASIAFAKESESSION"


@dataclass
class FakeAws:
    """interfaces.AwsApi, answering like AWS; it checks every input it is given.

    `expected_key` is the one long-term key it accepts (None: any AKIA key), `device` the
    one serial (None: any), `devices` what ListMFADevices lists (None: IAM must not be
    asked), `answers` scripts GetSessionToken (an error, or None for a session).

    Each session's three values share one tag (`ASIAFAKESESSION<label><n>`,
    `session-secret-<label><n>`, `session-token-<label><n>`), so `is_whole_session` tells a
    whole session from a mix of two; give each process its own `label` and sessions from
    parallel processes differ too.
    """

    devices: list[str] | None = field(default_factory=list)
    answers: list[MfaSessionError | None] = field(default_factory=list)
    calls: list[tuple[str, ...]] = field(default_factory=list)
    expected_key: tuple[str, str] | None = (KEY_ID, SECRET)
    device: str | None = None
    label: str = ""
    now: Callable[[], datetime] = clock
    issued: list[SessionCredentials] = field(default_factory=list)

    def _check(self, key: LongTermKey, region: str) -> None:
        assert region
        assert key.access_key_id.startswith("AKIA"), key.access_key_id
        assert key.secret_access_key
        if self.expected_key is not None:
            assert (key.access_key_id, key.secret_access_key) == self.expected_key

    def warm_up(self, key: LongTermKey, region: str) -> None:
        self._check(key, region)
        self.calls.append(("warm_up", region))

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]:
        self._check(key, region)
        assert self.devices is not None, "this test names the device; IAM must not be asked"
        self.calls.append(("ListMFADevices", region))
        return [MfaDevice(serial) for serial in self.devices]

    def get_caller_identity(self, key: LongTermKey, region: str) -> str:
        self._check(key, region)
        self.calls.append(("GetCallerIdentity", region))
        return "arn:aws:iam::123456789012:user/fake"

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials:
        self._check(key, region)
        if self.device is not None:
            assert device.serial == self.device
        assert len(code) == 6, code
        assert code.isascii(), code
        assert code.isdigit(), code
        assert 900 <= duration <= 129600
        self.calls.append(("GetSessionToken", region, device.serial, code, str(duration)))
        if self.answers:
            answer = self.answers.pop(0)
            if answer is not None:
                raise answer
        return self.issue(duration)

    def assume_role(
        self,
        session: SessionCredentials,
        region: str,
        role_arn: str,
        session_name: str,
        duration: int,
    ) -> SessionCredentials:
        assert region
        assert session.access_key_id.startswith("ASIA"), session.access_key_id
        assert role_arn.startswith("arn:"), role_arn
        assert 2 <= len(session_name) <= 64, session_name
        self.calls.append(("AssumeRole", region, role_arn, session_name, str(duration)))
        return self.issue(duration)

    def issue(self, duration: int) -> SessionCredentials:
        """A new session lasting `duration` seconds from now."""
        number = len(self.issued) + 1
        tag = f"{self.label}{number}"
        session = SessionCredentials(
            access_key_id=f"{SESSION_PREFIX}{self.label}{number:05d}",
            secret_access_key=f"session-secret-{tag}",
            session_token=f"session-token-{tag}",
            expiration=self.now().replace(microsecond=0) + timedelta(seconds=duration),
        )
        self.issued.append(session)
        return session

    def sts_calls(self) -> list[tuple[str, ...]]:
        return [call for call in self.calls if call[0] == "GetSessionToken"]

    def round_trips(self) -> int:
        return sum(1 for call in self.calls if call[0] != "warm_up")


def is_whole_session(values: Mapping[str, str]) -> bool:
    """The section holds one session from FakeAws, not parts of two."""
    key = values.get("aws_access_key_id", "")
    if not key.startswith(SESSION_PREFIX) or len(key) < len(SESSION_PREFIX) + 5:
        return False
    label, number = key[len(SESSION_PREFIX) : -5], int(key[-5:])
    return (
        values.get("aws_secret_access_key") == f"session-secret-{label}{number}"
        and values.get("aws_session_token") == f"session-token-{label}{number}"
        and bool(values.get("expiration"))
    )


class ScriptedCodes:
    """A code source that hands out the given codes and records how it was asked."""

    def __init__(self, codes: Iterable[str], *, interactive: bool) -> None:
        self._codes = list(codes)
        self.interactive = interactive
        self.asked: list[tuple[str, bool]] = []

    def next_code(self, label: str, *, after_rejection: bool) -> str:
        self.asked.append((label, after_rejection))
        assert self._codes, "asked for more codes than the test provided"
        return self._codes.pop(0)


class TypingPerson:
    """interfaces.CodePrompter: a person who types each code after `seconds` on a clock the
    test owns (`now`), and what each prompt said."""

    def __init__(self, codes: Iterable[str], seconds: Iterable[float]) -> None:
        self._codes = list(codes)
        self._seconds = list(seconds)
        self.now = 1000.0
        self.shown: list[str | None] = []

    def clock(self) -> float:
        return self.now

    def ask_code(self, label: str, *, rejected: str | None = None) -> str:
        assert label, "a prompt names the profile and device"
        assert self._codes, "asked for more codes than the test provided"
        self.shown.append(rejected)
        self.now += self._seconds.pop(0)
        return self._codes.pop(0)


@dataclass
class FakePrompter:
    profile_answer: str | None = None
    device_answer: str | None = None
    offered: list[list[str]] = field(default_factory=list)

    def choose_profile(self, profiles: list[str]) -> str:
        self.offered.append(profiles)
        assert self.profile_answer in profiles
        return self.profile_answer

    def choose_device(self, serials: list[str]) -> str:
        self.offered.append(serials)
        assert self.device_answer in serials
        return self.device_answer


class EmptyVault:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def load(self, profile: str) -> LongTermKey | None:
        self.asked.append(profile)
        return None


def state_at(path: object, credentials: str = "/test/credentials") -> StateFile:
    """A real state file in tmp_path, its per-file records those of `credentials`."""
    assert isinstance(path, (str, os.PathLike))
    return StateFile(path, credentials)


@dataclass
class FakeIdentity:
    """interfaces.IdentityCheck: GetCallerIdentity answered from `answers` (key id: ARN, or
    an (error code, message) refusal), stamped with AWS's clock `aws_offset` from ours. It
    checks that each probe is whole and records the key ids it was asked about."""

    answers: dict[str, str | tuple[str, str]]
    aws_offset: timedelta = timedelta(0)
    now: Callable[[], datetime] = clock
    asked: list[str] = field(default_factory=list)

    def identify(self, probe: Probe, region: str) -> IdentityAnswer:
        assert region
        assert probe.access_key_id[:4] in ("AKIA", "ASIA"), probe.access_key_id
        assert probe.secret_access_key
        self.asked.append(probe.access_key_id)
        answer = self.answers[probe.access_key_id]
        local = self.now()
        aws = (local + self.aws_offset).replace(microsecond=0)
        if isinstance(answer, tuple):
            return IdentityAnswer(None, answer[0], answer[1], aws, local)
        return IdentityAnswer(answer, None, "", aws, local)
