"""Every seam of the product: what the use cases need from the world, as Protocols.

The use cases (usecases/) take these as parameters; the composition root (wiring.py) hands
them the real adapters (adapters/, store/), and the tests hand them the fakes in
tests/fakes.py, one for each Protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from mfa_session.models import (
    IdentityAnswer,
    LongTermCopy,
    LongTermKey,
    MfaDevice,
    Probe,
    SessionCredentials,
    WriteReport,
)


class SessionFields(Protocol):
    """A session's four values, from AWS (models.SessionCredentials) or as stored in a
    section (rules.sections.StoredSession)."""

    @property
    def access_key_id(self) -> str: ...

    @property
    def secret_access_key(self) -> str: ...

    @property
    def session_token(self) -> str: ...

    @property
    def expiration(self) -> datetime: ...


# --- AWS ----------------------------------------------------------------------------------


class AwsApi(Protocol):
    """What the product asks AWS; each call is signed with the key (or session) it is given."""

    def warm_up(self, key: LongTermKey, region: str) -> None:
        """Build the STS client in the background, while the person types the code."""

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]: ...

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials: ...

    def get_caller_identity(self, key: LongTermKey, region: str) -> str: ...

    def assume_role(
        self,
        session: SessionCredentials,
        region: str,
        role_arn: str,
        session_name: str,
        duration: int,
    ) -> SessionCredentials: ...


class IdentityCheck(Protocol):
    """GetCallerIdentity with exactly the credentials given (doctor): never an MFA code.
    AWS's refusals come back in the answer; a failure to reach AWS raises our error."""

    def identify(self, probe: Probe, region: str) -> IdentityAnswer: ...


# --- the person and the code ----------------------------------------------------------------


class CodeSource(Protocol):
    """Gives codes to try. `interactive` sources can be asked again after a rejection."""

    @property
    def interactive(self) -> bool: ...

    def next_code(self, label: str, *, after_rejection: bool) -> str: ...


class CodePrompter(Protocol):
    def ask_code(self, label: str, *, rejected: str | None = None) -> str: ...


class Prompter(Protocol):
    def choose_profile(self, profiles: list[str]) -> str: ...

    def choose_device(self, serials: list[str]) -> str: ...


class Confirm(Protocol):
    def confirm(self, message: str, *, default: bool) -> bool: ...


# --- the credentials file -----------------------------------------------------------------


class SessionStore(Protocol):
    def check_session_write(
        self,
        target: str,
        *,
        keep_long_term_in: LongTermCopy | None = None,
        current: bytes | None = None,
    ) -> None:
        """Raise what `write_session` would refuse, judged on `current` (the file's bytes as
        this run read them), before any code is asked for."""

    def write_session(
        self,
        target: str,
        session: SessionCredentials,
        *,
        keep_long_term_in: LongTermCopy | None = None,
    ) -> WriteReport: ...


class PlaintextRemover(Protocol):
    def remove_long_term(self, key: LongTermKey) -> WriteReport: ...


class BackupEditor(Protocol):
    def drop_from_backup(self, key: LongTermKey) -> bool: ...


# --- the state file -----------------------------------------------------------------------


class DeviceMemory(Protocol):
    """The MFA device chosen for each profile of this credentials file."""

    def recall(self, profile: str) -> str | None: ...

    def remember(self, profile: str, serial: str) -> None: ...

    def forget(self, profile: str) -> None: ...


class SectionOrigins(Protocol):
    """Which request made what a section holds (adapters.state_file.WrittenSections)."""

    def made_for(
        self,
        credentials: str,
        section: str,
        values: Mapping[str, str],
        *,
        profile: str,
        role: str | None,
    ) -> bool: ...


class SectionRecorder(Protocol):
    """Notes which request wrote a section (adapters.state_file.WrittenSections)."""

    def record(
        self, section: str, profile: str, *, credentials: str, role: str | None, key_id: str
    ) -> None: ...


class StepMemory(Protocol):
    """The 30-second steps whose code AWS already took (adapters.state_file.UsedSteps)."""

    def was_used(self, serial: str, code: str, moment: float) -> bool: ...

    def record(self, serial: str, code: str, moment: float) -> None: ...


class KeyRecords(Protocol):
    """Which key went into the keyring (adapters.state_file.KeyringRecords)."""

    def moved_key(self, credentials: str, profile: str) -> str | None: ...

    def record_moved(self, credentials: str, profile: str, key_id: str) -> None: ...

    def backup_keeps(self, credentials: str) -> frozenset[str]: ...


# --- the OS keyring -----------------------------------------------------------------------


class Vault(Protocol):
    """Long-term keys kept outside the credentials file (the OS keyring)."""

    def load(self, profile: str) -> LongTermKey | None: ...


class KeyKeeper(Protocol):
    """The keyring as the move of a key into it needs it."""

    @property
    def backend_name(self) -> str: ...

    @property
    def credentials_file(self) -> str: ...

    def item(self, profile: str) -> str: ...

    def store(self, profile: str, key: LongTermKey, *, replacing: str | None = None) -> None: ...
