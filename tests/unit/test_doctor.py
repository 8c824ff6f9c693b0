"""The doctor use case in this process, with a fake GetCallerIdentity: what only a fake can
set up (AWS's clock ahead of or behind ours by a chosen amount), and that doctor never asks
for a session (no AwsApi is ever built)."""

from __future__ import annotations

import io
import json
import os
from datetime import timedelta

import pytest

from mfa_session import cli
from mfa_session.adapters.client_settings import ClientSettings
from mfa_session.interfaces import AwsApi, IdentityCheck
from mfa_session.wiring import Wiring
from tests.conftest import Home
from tests.fakes import KEY_ID, NOW, SECRET, FakeIdentity, clock

ARN = "arn:aws:iam::123456789012:user/alice"
SESSION_KEY = "ASIAFAKESESSION00001"


def no_aws(settings: ClientSettings) -> AwsApi:
    raise AssertionError(f"doctor built an AwsApi for {settings!r}: it never logs in")


def logged_in(home: Home) -> None:
    end = (NOW + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    home.credentials.write_text(
        f"[admin-long-term]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n\n"
        f"[admin]\naws_access_key_id = {SESSION_KEY}\naws_secret_access_key = session-secret\n"
        f"aws_session_token = session-token\nexpiration = {end}\n",
        encoding="utf-8",
    )


def run_doctor(identity: FakeIdentity, *args: str) -> tuple[int, str]:
    out = io.StringIO()

    def checks(settings: ClientSettings) -> IdentityCheck:
        # Each request with the settings of the profile it is about (its region, endpoint).
        assert settings.profile == "admin", settings.profile
        return identity

    wiring = Wiring(
        os.environ,
        stdin=io.StringIO(""),
        stdout=out,
        stderr=io.StringIO(),
        clock=clock,
        aws=no_aws,
        identity=checks,
    )
    code = cli.main(["doctor", "--profile", "admin", *args], wiring=wiring)
    text = out.getvalue()
    for secret in (SECRET, "session-secret", "session-token"):
        assert secret not in text
    return code, text


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(minutes=-8), "this machine's clock is 8 min ahead of AWS's"),
        (timedelta(minutes=7), "this machine's clock is 7 min behind AWS's"),
    ],
    ids=["ahead", "behind"],
)
def test_clock_off_by_more_than_five_minutes_is_said_with_its_direction(
    home: Home, offset: timedelta, expected: str
) -> None:
    logged_in(home)
    identity = FakeIdentity({SESSION_KEY: ARN, KEY_ID: ARN}, aws_offset=offset)
    code, text = run_doctor(identity)
    assert code == 14
    assert f"problem  clock: {expected} (the Date of its answer)" in text
    assert identity.asked == [SESSION_KEY, KEY_ID]


def test_a_few_seconds_off_is_within_the_dates_rounding(home: Home) -> None:
    logged_in(home)
    code, text = run_doctor(FakeIdentity({SESSION_KEY: ARN, KEY_ID: ARN}))
    assert code == 0, text
    assert "ok       clock: this machine's clock agrees with AWS's within 1 s" in text


def test_json_names_each_check_and_carries_no_secret(home: Home) -> None:
    logged_in(home)
    identity = FakeIdentity(
        {
            SESSION_KEY: ARN,
            KEY_ID: (
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ),
        }
    )
    code, text = run_doctor(identity, "--json")
    assert code == 14
    document = json.loads(text)
    assert [check["check"] for check in document["checks"]] == [
        "profile",
        "environment",
        "config",
        "credentials",
        "long-term-key",
        "aws-credentials",
        "aws-long-term-key",
        "aws-long-term-key",
        "clock",
    ]
    assert document["problems"] == 1


def test_another_refusal_is_said_with_awss_code_and_words(home: Home) -> None:
    logged_in(home)
    identity = FakeIdentity(
        {
            SESSION_KEY: ("AccessDenied", "not authorized to perform sts:GetCallerIdentity"),
            KEY_ID: ARN,
        }
    )
    code, text = run_doctor(identity)
    assert code == 14
    assert (
        "problem  aws-credentials: AWS refused GetCallerIdentity for ASIA…0001 ([admin]): "
        "AccessDenied: not authorized to perform sts:GetCallerIdentity"
    ) in text


def test_no_credentials_in_use_only_the_long_term_key_is_asked(home: Home) -> None:
    home.credentials.write_text(
        f"[admin-long-term]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n",
        encoding="utf-8",
    )
    identity = FakeIdentity({KEY_ID: ARN})
    code, text = run_doctor(identity)
    assert code == 14  # [admin] holds nothing: a problem of its own
    assert "note     aws-credentials: no credentials mfa-login can check are in use here" in text
    assert identity.asked == [KEY_ID]
