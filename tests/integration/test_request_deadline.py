"""The request deadline in the process itself: the connection is really closed when it rings.

The installed command exits at once after the deadline, which would close the socket anyway;
here the test process lives on, so the proxy seeing the client hang up proves that the
deadline itself ended the request on the wire (urllib3 closes a connection on any exception
inside a read), and that no request is left running.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mfa_session.adapters.aws import Boto3Aws
from mfa_session.adapters.client_settings import ClientSettings
from mfa_session.errors import AnswerTooSlow
from mfa_session.models import AwsFiles, KeySource, LongTermKey, MfaDevice
from mfa_session.rules.files import config_path, credentials_path
from tests.emulator import EmulatedUser
from tests.fault_proxy import Fault, FaultProxy


def settings() -> ClientSettings:
    return ClientSettings(
        "a", AwsFiles(Path(credentials_path(os.environ)), Path(config_path(os.environ)))
    )


def test_deadline_closes_the_connection_of_a_trickled_answer(
    aws_user: EmulatedUser, fault_proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.url)
    fault_proxy.fault_next("GetSessionToken", Fault.trickle(every_seconds=1))
    key = LongTermKey(
        aws_user.access_key_id, aws_user.secret_access_key, KeySource.LONG_TERM_SECTION, "a"
    )
    aws = Boto3Aws(settings(), deadline_seconds=3)

    with pytest.raises(AnswerTooSlow) as raised:
        aws.get_session_token(
            key, "us-east-1", MfaDevice(aws_user.mfa_serials[0]), aws_user.code(), 900
        )

    assert raised.value.code_may_be_spent
    assert "was not complete after 3 s" in str(raised.value)
    (exchange,) = fault_proxy.exchanges_of("GetSessionToken")
    assert exchange.client_hung_up.wait(timeout=30), "the connection stayed open"


def test_deadline_leaves_a_prompt_answer_alone(
    aws_user: EmulatedUser, fault_proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.url)
    key = LongTermKey(
        aws_user.access_key_id, aws_user.secret_access_key, KeySource.LONG_TERM_SECTION, "a"
    )

    session = Boto3Aws(settings(), deadline_seconds=3).get_session_token(
        key, "us-east-1", MfaDevice(aws_user.mfa_serials[0]), aws_user.code(), 900
    )

    assert session.access_key_id.startswith("ASIA")
    assert fault_proxy.exchanges_of("GetSessionToken")[0].answer
