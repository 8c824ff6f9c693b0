"""The local AWS emulator, exercised through boto3 the way the product will use it."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import botocore.auth
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from tests.emulator import (
    ADMIN_ACCESS_KEY_ID,
    ADMIN_SECRET_ACCESS_KEY,
    EmulatedUser,
    Emulator,
    totp,
)
from tests.emulator.client import REPO_ROOT
from tests.emulator.totp import time_step

INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code. "
UNKNOWN_SERIAL = (
    "MultiFactorAuthentication failed, unable to validate MFA code.  "
    "Please verify your MFA serial number is valid and associated with this user."
)
NO_RETRIES = Config(retries={"total_max_attempts": 1}, parameter_validation=False)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 must never read the real ~/.aws of whoever runs the tests."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def client(
    emu: Emulator,
    service: str,
    key_id: str,
    secret: str,
    *,
    token: str | None = None,
    config: Config = NO_RETRIES,
) -> Any:
    make: Any = boto3.client  # the service is chosen by the caller: no overload to pick
    return make(
        service,
        endpoint_url=emu.url,
        region_name="us-east-1",
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=config,
    )


def sts_for(emu: Emulator, user: EmulatedUser) -> Any:
    return client(emu, "sts", user.access_key_id, user.secret_access_key)


def error_of(call: Any, **kwargs: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def wrong_code(user: EmulatedUser) -> str:
    """A code the device shows in none of the accepted steps."""
    now = time.time()
    near = {user.code(at=now + offset) for offset in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in near)


# -- TOTP --------------------------------------------------------------------------------------


def test_totp_matches_rfc_6238_vectors() -> None:
    seed = base64.b32encode(b"12345678901234567890").decode()
    # RFC 6238 appendix B (SHA1), last six of the eight digits
    assert totp(seed, 59) == "287082"
    assert totp(seed, 1111111109) == "081804"
    assert totp(seed, 2000000000) == "279037"


def test_user_codes_follow_the_clock(aws_user: EmulatedUser) -> None:
    now = time.time()
    assert aws_user.code(at=now) == totp(aws_user.seed(), now)
    assert re.fullmatch(r"\d{6}", aws_user.next_code())
    assert aws_user.mfa_serials == [f"arn:aws:iam::{aws_user.account_id}:mfa/{aws_user.name}"]


# -- GetSessionToken ---------------------------------------------------------------------------


def test_right_codes_give_distinct_session_keys(emulator: Emulator, aws_user: EmulatedUser) -> None:
    sts = sts_for(emulator, aws_user)
    serial = aws_user.mfa_serials[0]
    before = datetime.now(timezone.utc)
    first = sts.get_session_token(SerialNumber=serial, TokenCode=aws_user.code())["Credentials"]
    second = sts.get_session_token(
        SerialNumber=serial, TokenCode=aws_user.next_code(), DurationSeconds=900
    )["Credentials"]
    assert first["AccessKeyId"].startswith("ASIA")
    assert second["AccessKeyId"].startswith("ASIA")
    assert len(first["AccessKeyId"]) == 20
    assert first["AccessKeyId"] != second["AccessKeyId"]
    assert first["SessionToken"] != second["SessionToken"]
    default_expiry = before + timedelta(seconds=43200)
    assert abs((first["Expiration"] - default_expiry).total_seconds()) < 5
    assert abs((second["Expiration"] - before - timedelta(seconds=900)).total_seconds()) < 5


def test_wrong_code_is_refused(emulator: Emulator, aws_user: EmulatedUser) -> None:
    sts = sts_for(emulator, aws_user)
    assert error_of(
        sts.get_session_token, SerialNumber=aws_user.mfa_serials[0], TokenCode=wrong_code(aws_user)
    ) == (403, "AccessDenied", INVALID_CODE)


def test_used_code_is_refused(emulator: Emulator, aws_user: EmulatedUser) -> None:
    sts = sts_for(emulator, aws_user)
    serial, code = aws_user.mfa_serials[0], aws_user.next_code()
    sts.get_session_token(SerialNumber=serial, TokenCode=code)
    assert error_of(sts.get_session_token, SerialNumber=serial, TokenCode=code) == (
        403,
        "AccessDenied",
        INVALID_CODE,
    )


def test_previous_step_is_still_accepted(emulator: Emulator, aws_user: EmulatedUser) -> None:
    sts = sts_for(emulator, aws_user)
    previous = totp(aws_user.seed(), (time_step() - 1) * 30 + 15)
    credentials = sts.get_session_token(SerialNumber=aws_user.mfa_serials[0], TokenCode=previous)
    assert credentials["Credentials"]["AccessKeyId"].startswith("ASIA")


def test_serial_of_another_user_is_refused(emulator: Emulator, aws_user: EmulatedUser) -> None:
    other = emulator.create_user(f"{aws_user.name}-other")
    sts = sts_for(emulator, aws_user)
    assert error_of(
        sts.get_session_token, SerialNumber=other.mfa_serials[0], TokenCode=other.code()
    ) == (403, "AccessDenied", UNKNOWN_SERIAL)


def test_without_mfa_a_session_is_still_issued(emulator: Emulator, aws_user: EmulatedUser) -> None:
    credentials = sts_for(emulator, aws_user).get_session_token()["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")


@pytest.mark.parametrize(
    ("duration", "constraint"),
    [
        (60, "Member must have value greater than or equal to 900"),
        (129601, "Member must have value less than or equal to 129600"),
    ],
)
def test_duration_out_of_range_is_a_validation_error(
    emulator: Emulator, aws_user: EmulatedUser, duration: int, constraint: str
) -> None:
    sts = sts_for(emulator, aws_user)
    status, code, message = error_of(
        sts.get_session_token,
        SerialNumber=aws_user.mfa_serials[0],
        TokenCode=aws_user.next_code(),
        DurationSeconds=duration,
    )
    assert (status, code) == (400, "ValidationError")
    assert message == (
        f"1 validation error detected: Value '{duration}' at 'durationSeconds' "
        f"failed to satisfy constraint: {constraint}"
    )


# -- signatures and keys -----------------------------------------------------------------------


def test_unknown_key_is_an_invalid_client_token(emulator: Emulator) -> None:
    sts = client(emulator, "sts", "AKIAUNKNOWNUNKNOWN00", "x" * 40)
    assert error_of(sts.get_caller_identity) == (
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    )


def test_wrong_secret_is_a_signature_mismatch(emulator: Emulator, aws_user: EmulatedUser) -> None:
    sts = client(emulator, "sts", aws_user.access_key_id, "not-the-secret")
    assert error_of(sts.get_caller_identity) == (
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. "
        "Consult the service documentation for details.",
    )


@pytest.mark.parametrize(
    ("skew", "pattern"),
    [
        (-30, r"Signature expired: (\S+) is now earlier than (\S+) \((\S+) - 15 min\.\)"),
        (30, r"Signature not yet current: (\S+) is still later than (\S+) \((\S+) \+ 15 min\.\)"),
    ],
)
def test_skewed_clock_is_refused_with_aws_text(
    emulator: Emulator,
    aws_user: EmulatedUser,
    monkeypatch: pytest.MonkeyPatch,
    skew: int,
    pattern: str,
) -> None:
    auth: Any = botocore.auth  # get_current_datetime is not in the stubs
    real_now = auth.get_current_datetime
    monkeypatch.setattr(
        auth,
        "get_current_datetime",
        lambda remove_tzinfo=True: real_now(remove_tzinfo) + timedelta(minutes=skew),
    )
    status, code, message = error_of(sts_for(emulator, aws_user).get_caller_identity)
    assert (status, code) == (403, "SignatureDoesNotMatch")
    match = re.fullmatch(pattern, message)
    assert match, message
    signed, limit, now = (datetime.strptime(g, "%Y%m%dT%H%M%SZ") for g in match.groups())
    assert abs(limit - now) == timedelta(minutes=15)
    assert abs((signed - now) - timedelta(minutes=skew)) < timedelta(seconds=5)


def test_deactivated_key_is_an_invalid_client_token(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    sts = sts_for(emulator, aws_user)
    sts.get_caller_identity()
    emulator.deactivate_key(aws_user)
    assert error_of(sts.get_caller_identity)[:2] == (403, "InvalidClientTokenId")


def test_admin_key_seeds_through_plain_iam(emulator: Emulator) -> None:
    iam = client(emulator, "iam", ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY)
    iam.create_user(UserName="seeded-by-admin")
    key = iam.create_access_key(UserName="seeded-by-admin")["AccessKey"]
    identity = client(
        emulator, "sts", key["AccessKeyId"], key["SecretAccessKey"]
    ).get_caller_identity()
    assert identity["Arn"].endswith(":user/seeded-by-admin")
    assert emulator.request_count(ADMIN_ACCESS_KEY_ID) == 0


# -- IAM and sessions --------------------------------------------------------------------------


def test_list_mfa_devices_without_user_name_lists_the_callers(emulator: Emulator) -> None:
    user = emulator.create_user("lister", totp_devices=2, u2f_devices=1)
    emulator.create_user("lister-neighbour")
    iam = client(emulator, "iam", user.access_key_id, user.secret_access_key)
    devices = iam.list_mfa_devices()["MFADevices"]
    assert {d["UserName"] for d in devices} == {"lister"}
    serials = [d["SerialNumber"] for d in devices]
    assert serials[:2] == user.mfa_serials
    assert serials[2:] == user.u2f_serials
    assert re.fullmatch(r"arn:aws:iam::\d{12}:u2f/user/lister/mykey-[A-Z]{16}", serials[2])


def test_session_credentials_identify_the_user(emulator: Emulator, aws_user: EmulatedUser) -> None:
    session = sts_for(emulator, aws_user).get_session_token(
        SerialNumber=aws_user.mfa_serials[0], TokenCode=aws_user.next_code()
    )["Credentials"]
    sts = client(
        emulator,
        "sts",
        session["AccessKeyId"],
        session["SecretAccessKey"],
        token=session["SessionToken"],
    )
    identity = sts.get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{aws_user.account_id}:user/{aws_user.name}"
    assert emulator.request_count(session["AccessKeyId"], "GetCallerIdentity") == 1
    assert emulator.request_count(aws_user.access_key_id, "GetCallerIdentity") == 0
    wrong_token = client(
        emulator, "sts", session["AccessKeyId"], session["SecretAccessKey"], token="forged"
    )
    assert error_of(wrong_token.get_caller_identity)[1] == "InvalidClientTokenId"


def test_aws_cli_accepts_the_session_from_a_credentials_file(
    emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    session = sts_for(emulator, aws_user).get_session_token(
        SerialNumber=aws_user.mfa_serials[0], TokenCode=aws_user.next_code()
    )["Credentials"]
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[dev]\n"
        f"aws_access_key_id = {session['AccessKeyId']}\n"
        f"aws_secret_access_key = {session['SecretAccessKey']}\n"
        f"aws_session_token = {session['SessionToken']}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "HOME": str(tmp_path),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_ENDPOINT_URL": emulator.url,
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    aws = Path(sys.executable).with_name("aws")
    result = subprocess.run(
        [str(aws), "sts", "get-caller-identity", "--profile", "dev", "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout)["Arn"].endswith(f":user/{aws_user.name}")


# -- counting and faults -----------------------------------------------------------------------


def test_request_counts_are_exact(emulator: Emulator, aws_user: EmulatedUser) -> None:
    sts = sts_for(emulator, aws_user)
    iam = client(emulator, "iam", aws_user.access_key_id, aws_user.secret_access_key)
    iam.list_mfa_devices()
    sts.get_session_token(SerialNumber=aws_user.mfa_serials[0], TokenCode=aws_user.next_code())
    with pytest.raises(ClientError):
        sts.get_session_token(
            SerialNumber=aws_user.mfa_serials[0], TokenCode="000000", DurationSeconds=1
        )
    assert emulator.request_count(aws_user.access_key_id) == 3
    assert emulator.request_count(aws_user.access_key_id, "ListMFADevices") == 1
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 2
    assert emulator.request_count(aws_user.access_key_id, "GetCallerIdentity") == 0
    emulator.reset_counts()
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_fail_next_fails_exactly_one_request(emulator: Emulator, aws_user: EmulatedUser) -> None:
    sts = sts_for(emulator, aws_user)
    emulator.fail_next("GetSessionToken", code="Throttling", message="Rate exceeded", status=400)
    serial = aws_user.mfa_serials[0]
    assert error_of(sts.get_session_token, SerialNumber=serial, TokenCode=aws_user.code()) == (
        400,
        "Throttling",
        "Rate exceeded",
    )
    # The failed request did not spend the code.
    assert sts.get_session_token(SerialNumber=serial, TokenCode=aws_user.code())
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 2


def test_delay_next_trips_a_client_timeout(emulator: Emulator, aws_user: EmulatedUser) -> None:
    emulator.delay_next("GetCallerIdentity", seconds=2)
    impatient = Config(retries={"total_max_attempts": 1}, read_timeout=0.5, connect_timeout=2)
    sts = client(
        emulator, "sts", aws_user.access_key_id, aws_user.secret_access_key, config=impatient
    )
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError):
        sts.get_caller_identity()
    assert time.monotonic() - started < 1.5
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{aws_user.name}")


# -- the demo entry point ----------------------------------------------------------------------


def test_module_entry_point_seeds_a_user_and_prints_one_json_line() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.emulator",
            "--port",
            "0",
            "--seed-user",
            "demo",
            "--print-env",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())
        assert ready["url"].startswith("http://127.0.0.1:")
        assert ready["serial"] == "arn:aws:iam::123456789012:mfa/demo"
        assert ready["env"]["AWS_ACCESS_KEY_ID"] == ready["access_key_id"]
        sts = boto3.client(
            "sts",
            endpoint_url=ready["url"],
            region_name="us-east-1",
            aws_access_key_id=ready["access_key_id"],
            aws_secret_access_key=ready["secret_access_key"],
        )
        answer = sts.get_session_token(SerialNumber=ready["serial"], TokenCode=totp(ready["seed"]))
        assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
        if process.stdout is not None:
            process.stdout.close()
