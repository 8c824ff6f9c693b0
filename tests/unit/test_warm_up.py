"""The STS client is built while the person types the code, and its failure looks the same.

`Boto3Aws.warm_up` starts the slow part of a login (importing botocore, building the client)
on a background thread as soon as the device is known, before the code prompt. These tests
use the real Boto3Aws; only the client factory is replaced where a request would be made.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, cast

import pytest

from mfa_session import cli
from mfa_session.adapters import aws
from mfa_session.adapters.aws import Boto3Aws
from mfa_session.adapters.client_settings import ClientSettings
from mfa_session.adapters.state_file import RememberedDevices, WrittenSections
from mfa_session.errors import InvalidRegion
from mfa_session.models import AwsFiles, KeySource, LongTermKey, MfaDevice
from mfa_session.rules.files import AwsSnapshot
from mfa_session.store.credentials import CredentialsStore
from mfa_session.usecases.login import LoginRequest, login
from mfa_session.wiring import Wiring
from tests.conftest import Home
from tests.fakes import KEY_ID, SECRET, EmptyVault, FakePrompter, clock, state_at

if TYPE_CHECKING:
    from botocore.client import BaseClient

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
KEY = LongTermKey(KEY_ID, SECRET, KeySource.LONG_TERM_SECTION, "admin-long-term")
BAD_REGION = "not a region"


class FakeStsClient:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def get_session_token(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        return {
            "Credentials": {
                "AccessKeyId": "ASIAFAKESESSION00001",
                "SecretAccessKey": "session-secret",
                "SessionToken": "session-token",
                "Expiration": datetime(2026, 11, 27, 20, tzinfo=timezone.utc),
            }
        }


class CodeAfterTheClient:
    """A person typing: the code is given only once the client is ready, or the test fails."""

    interactive = True

    def __init__(self, built: threading.Event) -> None:
        self.built = built

    def next_code(self, label: str, *, after_rejection: bool) -> str:
        assert label == f"admin ({SERIAL})"
        assert not after_rejection
        # Without the warm-up nothing builds the client before the code is given: this waits
        # in vain and fails. The timeout only keeps a broken build from hanging the suite.
        assert self.built.wait(timeout=20), "the client was not built while the code was asked"
        return "123456"


def test_the_client_is_built_on_another_thread_while_the_code_is_asked(
    home: Home,
) -> None:
    home.credentials.write_text(
        f"[admin-long-term]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    home.config.write_text(f"[profile admin]\nmfa_serial = {SERIAL}\nregion = eu-west-1\n")
    built = threading.Event()
    builders: list[tuple[str, str, int]] = []
    client = FakeStsClient()

    files = AwsFiles(home.credentials, home.config)
    read = AwsSnapshot(home.credentials, home.config)

    def make_client(
        service: str, key: LongTermKey, region: str, settings: ClientSettings
    ) -> BaseClient:
        assert key == KEY
        assert settings == ClientSettings("admin", files)
        builders.append((service, region, threading.get_ident()))
        built.set()
        return cast("BaseClient", client)  # answers the one call the login makes

    result = login(
        LoginRequest("admin"),
        files=read,
        store=CredentialsStore(home.credentials),
        aws=Boto3Aws(ClientSettings("admin", files), make_client),
        codes=CodeAfterTheClient(built),
        prompter=FakePrompter(),
        memory=RememberedDevices(state_at(home.state / "state.json")),
        vault=EmptyVault(),
        origins=WrittenSections(state_at(home.state / "state.json")),
        clock=clock,
    )

    assert builders == [("sts", "eu-west-1", builders[0][2])]
    assert builders[0][2] != threading.get_ident()
    assert client.calls == [
        {"DurationSeconds": 43200, "SerialNumber": SERIAL, "TokenCode": "123456"}
    ]
    assert result.profile == "admin"


def test_a_failed_warm_up_raises_at_the_call_exactly_as_building_there_would(
    home: Home, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = ClientSettings("admin", AwsFiles(home.credentials, home.config))
    with pytest.raises(InvalidRegion) as without:
        aws._make_client("sts", KEY, BAD_REGION, settings)

    early = Boto3Aws(settings)
    early.warm_up(KEY, BAD_REGION)  # fails on its thread, silently for now
    with pytest.raises(InvalidRegion) as with_warm_up:
        early.get_session_token(KEY, BAD_REGION, MfaDevice(SERIAL), "123456", 3600)

    assert str(with_warm_up.value) == str(without.value)
    # The traceback still shows where the build failed, not only where it was collected.
    assert any(entry.name == "_make_client" for entry in with_warm_up.traceback)
    assert capsys.readouterr() == ("", "")  # nothing printed from the background thread


def test_a_failed_warm_up_ends_the_command_as_without_it(
    home: Home, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home.credentials.write_text(
        f"[admin-long-term]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    home.config.write_text(f"[profile admin]\nmfa_serial = {SERIAL}\nregion = {BAD_REGION}\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    argv = ["--profile", "admin", "--code", "123456"]
    original = home.credentials.read_text()

    code_with = cli.main(argv)
    shown_with = capsys.readouterr()

    code_without = cli.main(argv, wiring=wiring_without_warm_up())

    assert code_with == code_without == 3
    assert shown_with == capsys.readouterr()
    assert "region 'not a region' is not an AWS region name" in shown_with.err
    assert home.credentials.read_text() == original


class WithoutWarmUp(Boto3Aws):
    """Boto3Aws whose client is built only when the first request needs it."""

    def warm_up(self, key: LongTermKey, region: str) -> None:
        pass


def wiring_without_warm_up() -> Wiring:
    return Wiring(
        os.environ,
        stdin=sys.stdin,
        stdout=sys.stdout,
        stderr=sys.stderr,
        aws=WithoutWarmUp,
    )
