"""The session use case with fakes passed in: the stored session while it lasts, else a login,
then the role; what it returns is what it wrote."""

from __future__ import annotations

import configparser
import contextlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from mfa_session.adapters.state_file import RememberedDevices, WrittenSections
from mfa_session.errors import LongTermKeyInTarget
from mfa_session.models import Outcome
from mfa_session.rules.files import AwsSnapshot
from mfa_session.store.credentials import CredentialsStore
from mfa_session.usecases.session import (
    LoginParts,
    Obtained,
    RecordingStore,
    SessionOptions,
    no_lock,
    obtain_session,
    plan_session,
)
from tests.conftest import Home
from tests.fakes import (
    KEY_ID,
    NOW,
    SECRET,
    EmptyVault,
    FakeAws,
    FakePrompter,
    ScriptedCodes,
    clock,
    state_at,
)

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
ROLE = "arn:aws:iam::123456789012:role/admin"


def read(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read(path)
    return {name: dict(parser.items(name)) for name in parser.sections()}


def write_files(home: Home, session_left: timedelta | None = None) -> None:
    text = f"[admin-long-term]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    if session_left is not None:
        end = (NOW + session_left).strftime("%Y-%m-%dT%H:%M:%SZ")
        text += (
            "[admin]\naws_access_key_id = ASIASTORED\naws_secret_access_key = stored-secret\n"
            f"aws_session_token = stored-token\nexpiration = {end}\n"
        )
    home.credentials.write_text(text)
    home.config.write_text(f"[profile admin]\nmfa_serial = {SERIAL}\nregion = eu-west-1\n")


class Parts:
    """The login's collaborators, built on demand as the composition root builds them."""

    def __init__(self, home: Home, aws: FakeAws) -> None:
        self.home = home
        self.aws = aws
        self.built = 0

    def __call__(self) -> LoginParts:
        self.built += 1
        state = state_at(self.home.state / "state.json", str(self.home.credentials.resolve()))
        return LoginParts(
            store=RecordingStore(
                CredentialsStore(self.home.credentials),
                WrittenSections(state),
                "admin",
                str(self.home.credentials.resolve()),
                clock=clock,
            ),
            aws=self.aws,
            codes=ScriptedCodes(["123456"], interactive=False),
            prompter=FakePrompter(),
            memory=RememberedDevices(state),
            vault=EmptyVault(),
        )


def obtain(home: Home, options: SessionOptions, parts: Parts, locked: list[set[str]]) -> Obtained:
    files = AwsSnapshot(home.credentials, home.config)
    state = state_at(home.state / "state.json", str(home.credentials.resolve()))

    @contextlib.contextmanager
    def lock(sections: set[str]) -> Iterator[None]:
        locked.append(sections)
        with no_lock(sections):
            yield

    return obtain_session(
        plan_session(options, "admin", files),
        files=files,
        origins=WrittenSections(state),
        lock=lock,
        login_parts=parts,
        clock=clock,
    )


def test_a_stored_session_is_returned_without_a_lock_or_a_collaborator(home: Home) -> None:
    write_files(home, session_left=timedelta(hours=3))
    parts, locked = Parts(home, FakeAws()), list[set[str]]()

    obtained = obtain(home, SessionOptions(), parts, locked)

    assert obtained.result.outcome is Outcome.STILL_VALID
    assert obtained.credentials.access_key_id == "ASIASTORED"
    assert obtained.credentials.session_token == "stored-token"
    assert (parts.built, locked, parts.aws.calls) == (0, [], [])


def test_a_login_returns_the_session_it_wrote(home: Home) -> None:
    write_files(home, session_left=timedelta(minutes=5))
    parts, locked = Parts(home, FakeAws()), list[set[str]]()

    obtained = obtain(home, SessionOptions(), parts, locked)

    assert obtained.result.outcome is Outcome.RENEWED
    assert locked == [{"admin"}]
    written = read(home.credentials)["admin"]
    assert obtained.credentials == parts.aws.issued[0]
    assert written["aws_access_key_id"] == obtained.credentials.access_key_id
    assert written["aws_session_token"] == obtained.credentials.session_token


def test_a_role_is_assumed_through_the_same_aws_with_the_session(home: Home) -> None:
    write_files(home)
    parts, locked = Parts(home, FakeAws()), list[set[str]]()

    obtained = obtain(home, SessionOptions(assume_role=ROLE), parts, locked)

    session, role = parts.aws.issued
    assert [call[0] for call in parts.aws.calls] == ["warm_up", "GetSessionToken", "AssumeRole"]
    assert parts.aws.calls[-1] == ("AssumeRole", "eu-west-1", ROLE, "mfa-login-admin", "3600")
    assert locked == [{"admin", "admin-role"}]
    assert obtained.credentials == role
    assert obtained.result.profile == "admin-role"
    written = read(home.credentials)
    assert written["admin"]["aws_access_key_id"] == session.access_key_id
    assert written["admin-role"]["aws_access_key_id"] == role.access_key_id


def test_the_role_section_is_checked_before_a_code_is_spent(home: Home) -> None:
    """--assume-role into a section holding a long-term key: refused before GetSessionToken."""
    write_files(home)
    with home.credentials.open("a") as handle:
        handle.write("[admin-role]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n")
    parts = Parts(home, FakeAws())

    with pytest.raises(LongTermKeyInTarget, match=r"\[admin-role\] holds a long-term key"):
        obtain(home, SessionOptions(assume_role=ROLE), parts, [])

    assert parts.aws.sts_calls() == []
