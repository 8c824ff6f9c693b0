"""Small fakes for the login's collaborators. Each checks what it is given."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from mfa_session.errors import MfaSessionError
from mfa_session.models import LongTermKey, MfaDevice, SessionCredentials

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)
KEY_ID = "AKIAFAKEFAKEFAKE0001"
SECRET = "long-term-secret-never-shown"


def clock() -> datetime:
    return NOW


@dataclass
class FakeAws:
    """Answers like AWS for one key; `answers` scripts GetSessionToken (an error or None=ok)."""

    devices: list[str] = field(default_factory=list)
    answers: list[MfaSessionError | None] = field(default_factory=list)
    calls: list[tuple[str, ...]] = field(default_factory=list)
    expected_key: tuple[str, str] = (KEY_ID, SECRET)
    issued: int = 0

    def _check(self, key: LongTermKey) -> None:
        assert (key.access_key_id, key.secret_access_key) == self.expected_key

    def warm_up(self, key: LongTermKey, region: str) -> None:
        self._check(key)
        self.calls.append(("warm_up", region))

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]:
        self._check(key)
        self.calls.append(("ListMFADevices", region))
        return [MfaDevice(serial) for serial in self.devices]

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials:
        self._check(key)
        assert len(code) == 6, code
        assert code.isascii(), code
        assert code.isdigit(), code
        assert 900 <= duration <= 129600
        self.calls.append(("GetSessionToken", region, device.serial, code, str(duration)))
        if self.answers:
            answer = self.answers.pop(0)
            if answer is not None:
                raise answer
        self.issued += 1
        return SessionCredentials(
            access_key_id=f"ASIAFAKESESSION{self.issued:05d}",
            secret_access_key=f"session-secret-{self.issued}",
            session_token=f"session-token-{self.issued}",
            expiration=NOW + timedelta(seconds=duration),
        )

    def sts_calls(self) -> list[tuple[str, ...]]:
        return [call for call in self.calls if call[0] == "GetSessionToken"]

    def round_trips(self) -> int:
        return sum(1 for call in self.calls if call[0] != "warm_up")


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
