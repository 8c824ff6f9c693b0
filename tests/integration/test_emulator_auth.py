"""How the emulator refuses credentials: AWS's codes, HTTP statuses and texts, seen by a plain
boto3 client (not through mfa-login), for each cause `mfa-login doctor` has to tell apart.

The facts behind each answer, with where they were found, are beside the constants in
tests/emulator/layer.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.emulator import ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY, EmulatedUser, Emulator

INVALID_KEY = "The security token included in the request is invalid."
INVALID_TOKEN = "The security token included in the request is invalid"
EXPIRED = "The security token included in the request is expired"
WRONG_SECRET = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
NO_RETRIES = Config(retries={"total_max_attempts": 1})

Answer = tuple[int, str, str]


class Signer:
    """One set of credentials, with the calls a test makes with it (STS and IAM)."""

    def __init__(self, emu: Emulator, key_id: str, secret: str, token: str | None = None) -> None:
        def make(service: Literal["sts", "iam"]) -> Any:
            return boto3.client(
                service,
                endpoint_url=emu.url,
                region_name="us-east-1",
                aws_access_key_id=key_id,
                aws_secret_access_key=secret,
                aws_session_token=token,
                config=NO_RETRIES,
            )

        self.sts = make("sts")
        self.iam = make("iam")

    def calls(self, user: EmulatedUser) -> dict[str, Callable[[], Any]]:
        """A read-only call of each kind: STS ones the emulator answers, IAM ones moto does."""
        return {
            "sts:GetCallerIdentity": self.sts.get_caller_identity,
            "sts:GetSessionToken": lambda: self.sts.get_session_token(
                SerialNumber=user.mfa_serials[0], TokenCode=user.next_code()
            ),
            "iam:ListMFADevices": self.iam.list_mfa_devices,
            "iam:GetUser": lambda: self.iam.get_user(UserName=user.name),
        }


def refusal(call: Callable[[], Any]) -> Answer:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


def refusals(signer: Signer, user: EmulatedUser, names: list[str] | None = None) -> set[Answer]:
    calls = signer.calls(user)
    return {refusal(calls[name]) for name in names or list(calls)}


def long_term(emu: Emulator, user: EmulatedUser, token: str | None = None) -> Signer:
    return Signer(emu, user.access_key_id, user.secret_access_key, token)


def new_session(emu: Emulator, user: EmulatedUser, *, mfa: bool = True) -> dict[str, Any]:
    sts = long_term(emu, user).sts
    if mfa:
        answer = sts.get_session_token(SerialNumber=user.mfa_serials[0], TokenCode=user.code())
    else:
        answer = sts.get_session_token()
    credentials: dict[str, Any] = answer["Credentials"]
    return credentials


def session_signer(emu: Emulator, session: dict[str, Any]) -> Signer:
    return Signer(emu, session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])


def admin_iam(emu: Emulator) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=emu.url,
        region_name="us-east-1",
        aws_access_key_id=ADMIN_ACCESS_KEY_ID,
        aws_secret_access_key=ADMIN_SECRET_ACCESS_KEY,
        config=NO_RETRIES,
    )


def identity_of(user: EmulatedUser) -> dict[str, str]:
    return {"Arn": user.arn, "UserId": user.user_id, "Account": user.account_id}


def answered_identity(signer: Signer) -> dict[str, str]:
    answer = signer.sts.get_caller_identity()
    return {name: answer[name] for name in ("Arn", "UserId", "Account")}


def date_header(response: Mapping[str, Any]) -> datetime:
    return parsedate_to_datetime(response["ResponseMetadata"]["HTTPHeaders"]["date"])


@pytest.fixture
def aws_clock(emulator: Emulator) -> Iterator[Callable[[float], None]]:
    """Sets AWS's clock offset; puts it back for the tests that share the emulator."""
    yield emulator.set_aws_clock_offset
    emulator.set_aws_clock_offset(0)


# -- GetCallerIdentity -------------------------------------------------------------------------


def test_caller_identity_of_a_long_term_key_is_its_user(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    assert re.fullmatch(r"AIDA[A-Z2-7]{17}", aws_user.user_id)
    assert answered_identity(long_term(emulator, aws_user)) == identity_of(aws_user)
    listed = admin_iam(emulator).get_user(UserName=aws_user.name)["User"]
    assert (listed["Arn"], listed["UserId"]) == (aws_user.arn, aws_user.user_id)


@pytest.mark.parametrize("mfa", [True, False], ids=["with-mfa", "without-mfa"])
def test_caller_identity_of_a_session_is_its_user_not_the_session(
    emulator: Emulator, aws_user: EmulatedUser, mfa: bool
) -> None:
    session = new_session(emulator, aws_user, mfa=mfa)
    assert answered_identity(session_signer(emulator, session)) == identity_of(aws_user)


def test_caller_identity_checks_the_signature_of_a_session(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    session = new_session(emulator, aws_user)
    signer = Signer(emulator, session["AccessKeyId"], "not-the-secret", session["SessionToken"])
    assert refusal(signer.sts.get_caller_identity) == (403, "SignatureDoesNotMatch", WRONG_SECRET)


def test_wrong_secret_of_a_long_term_key_is_a_signature_mismatch_everywhere(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    signer = Signer(emulator, aws_user.access_key_id, "not-the-secret")
    assert refusals(signer, aws_user) == {(403, "SignatureDoesNotMatch", WRONG_SECRET)}


# -- keys made inactive or deleted -------------------------------------------------------------


def _update_access_key(emu: Emulator, user: EmulatedUser) -> None:
    admin_iam(emu).update_access_key(
        UserName=user.name, AccessKeyId=user.access_key_id, Status="Inactive"
    )


def _delete_access_key(emu: Emulator, user: EmulatedUser) -> None:
    admin_iam(emu).delete_access_key(UserName=user.name, AccessKeyId=user.access_key_id)


REVOKE_KEY = {
    "iam-UpdateAccessKey-Inactive": _update_access_key,
    "iam-DeleteAccessKey": _delete_access_key,
    "helper-deactivate_key": Emulator.deactivate_key,
    "helper-delete_key": Emulator.delete_key,
}


@pytest.mark.parametrize("revoke", list(REVOKE_KEY.values()), ids=list(REVOKE_KEY))
def test_inactive_or_deleted_key_is_an_invalid_client_token_on_every_call(
    emulator: Emulator,
    aws_user: EmulatedUser,
    revoke: Callable[[Emulator, EmulatedUser], None],
) -> None:
    signer = long_term(emulator, aws_user)
    assert answered_identity(signer) == identity_of(aws_user)
    revoke(emulator, aws_user)
    assert refusals(signer, aws_user) == {(403, "InvalidClientTokenId", INVALID_KEY)}


def test_key_made_active_again_is_accepted_again(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    signer = long_term(emulator, aws_user)
    _update_access_key(emulator, aws_user)
    assert refusal(signer.sts.get_caller_identity)[1] == "InvalidClientTokenId"
    admin_iam(emulator).update_access_key(
        UserName=aws_user.name, AccessKeyId=aws_user.access_key_id, Status="Active"
    )
    assert answered_identity(signer) == identity_of(aws_user)


@pytest.mark.parametrize(
    "revoke", [_update_access_key, _delete_access_key], ids=["inactive", "deleted"]
)
def test_session_outlives_its_long_term_key(
    emulator: Emulator,
    aws_user: EmulatedUser,
    revoke: Callable[[Emulator, EmulatedUser], None],
) -> None:
    """AWS: "Temporary security credentials are valid until they expire, and they cannot be
    revoked" (IAM User Guide); deactivating the key that made them does not end them."""
    session = session_signer(emulator, new_session(emulator, aws_user))
    revoke(emulator, aws_user)
    assert answered_identity(session) == identity_of(aws_user)
    serials = [d["SerialNumber"] for d in session.iam.list_mfa_devices()["MFADevices"]]
    assert serials == aws_user.mfa_serials
    assert refusal(long_term(emulator, aws_user).sts.get_caller_identity) == (
        403,
        "InvalidClientTokenId",
        INVALID_KEY,
    )


# -- expired sessions --------------------------------------------------------------------------


def test_expired_session_is_an_expired_token_on_every_call(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    session = new_session(emulator, aws_user)
    signer = session_signer(emulator, session)
    emulator.set_session_expiry(session["AccessKeyId"], 120)
    assert answered_identity(signer) == identity_of(aws_user)
    expiration = emulator.expire_session(session["AccessKeyId"])
    with pytest.raises(ClientError) as caught:
        signer.sts.get_caller_identity()
    assert expiration < date_header(caught.value.response)
    calls = signer.calls(aws_user)
    names = ["sts:GetCallerIdentity", "iam:ListMFADevices", "iam:GetUser"]
    assert {refusal(calls[name]) for name in names} == {(403, "ExpiredToken", EXPIRED)}


def test_expired_role_session_is_an_expired_token(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    role_arn = emulator.create_role(f"{aws_user.name[:40]}-role")
    assumed = long_term(emulator, aws_user).sts.assume_role(
        RoleArn=role_arn, RoleSessionName="doctor"
    )["Credentials"]
    emulator.expire_session(assumed["AccessKeyId"], seconds_ago=3600)
    signer = session_signer(emulator, assumed)
    assert refusal(signer.sts.get_caller_identity) == (403, "ExpiredToken", EXPIRED)


def test_expiring_an_unknown_session_is_refused(emulator: Emulator) -> None:
    with pytest.raises(RuntimeError, match="sessions/expiry"):
        emulator.expire_session("ASIANOSUCHSESSION000")


# -- AWS's clock: signature dates, Date header, expirations ------------------------------------


def test_date_header_follows_aws_clock(
    emulator: Emulator, aws_user: EmulatedUser, aws_clock: Callable[[float], None]
) -> None:
    signer = long_term(emulator, aws_user)
    for offset in (0, 300, -300):  # within the 15 minutes a signature may be off
        aws_clock(offset)
        before = datetime.now(timezone.utc).replace(microsecond=0)
        answer = signer.sts.get_caller_identity()
        after = datetime.now(timezone.utc)
        shift = timedelta(seconds=offset)
        assert before + shift <= date_header(answer) <= after + shift


@pytest.mark.parametrize("offset", [1800, -1800], ids=["client-behind", "client-ahead"])
def test_skew_refusal_and_date_header_name_the_same_aws_time(
    emulator: Emulator, aws_user: EmulatedUser, aws_clock: Callable[[float], None], offset: int
) -> None:
    aws_clock(offset)
    with pytest.raises(ClientError) as caught:
        long_term(emulator, aws_user).sts.get_caller_identity()
    response = caught.value.response
    error = response["Error"]
    assert (response["ResponseMetadata"]["HTTPStatusCode"], error["Code"]) == (
        403,
        "SignatureDoesNotMatch",
    )
    match = re.fullmatch(
        r"Signature (?:expired|not yet current): (\d{8}T\d{6}Z) is (?:now earlier|still later)"
        r" than \d{8}T\d{6}Z \((\d{8}T\d{6}Z) [-+] 15 min\.\)",
        error["Message"],
    )
    assert match, error["Message"]
    signed, aws_time = (
        datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        for stamp in match.groups()
    )
    assert aws_time == date_header(response)
    assert abs(aws_time - signed - timedelta(seconds=offset)) <= timedelta(seconds=5)


def test_session_expiration_is_stamped_with_aws_clock(
    emulator: Emulator, aws_user: EmulatedUser, aws_clock: Callable[[float], None]
) -> None:
    aws_clock(300)
    answer = long_term(emulator, aws_user).sts.get_session_token(
        SerialNumber=aws_user.mfa_serials[0], TokenCode=aws_user.code(), DurationSeconds=900
    )
    assert answer["Credentials"]["Expiration"] == date_header(answer) + timedelta(seconds=900)


# -- a key id and a token that do not belong together ------------------------------------------


def test_session_token_left_beside_a_long_term_key_is_refused(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """AWS_SESSION_TOKEN (or aws_session_token) left behind after going back to the AKIA key."""
    token = new_session(emulator, aws_user)["SessionToken"]
    signer = long_term(emulator, aws_user, token=token)
    assert refusals(signer, aws_user) == {(403, "InvalidClientTokenId", INVALID_TOKEN)}


def test_session_key_without_its_token_is_an_unknown_key(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    session = new_session(emulator, aws_user)
    signer = Signer(emulator, session["AccessKeyId"], session["SecretAccessKey"])
    assert refusals(signer, aws_user) == {(403, "InvalidClientTokenId", INVALID_KEY)}


def test_token_of_another_session_or_a_forged_one_is_refused(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    first = new_session(emulator, aws_user)
    second = new_session(emulator, aws_user, mfa=False)  # a code is good once
    for token in (second["SessionToken"], "forged"):
        signer = Signer(emulator, first["AccessKeyId"], first["SecretAccessKey"], token)
        assert refusals(signer, aws_user) == {(403, "InvalidClientTokenId", INVALID_TOKEN)}


def test_unknown_key_id_is_an_invalid_client_token_on_every_call(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Also what the global endpoints answer for a key of another partition (aws-cn,
    aws-us-gov): the partitions share no keys, so the key id is simply unknown."""
    signer = Signer(emulator, "AKIAUNKNOWNPARTITION", "x" * 40)
    assert refusals(signer, aws_user) == {(403, "InvalidClientTokenId", INVALID_KEY)}


# -- sessions made without MFA -----------------------------------------------------------------


def test_session_without_mfa_is_refused_by_iam_only(
    emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """GetSessionToken: "You cannot call any IAM API operations unless MFA authentication
    information is included in the request"; STS GetCallerIdentity still answers."""
    without = session_signer(emulator, new_session(emulator, aws_user, mfa=False))
    assert answered_identity(without) == identity_of(aws_user)
    names = ["iam:ListMFADevices", "iam:GetUser"]
    assert refusals(without, aws_user, names) == {(403, "InvalidClientTokenId", INVALID_TOKEN)}
    with_mfa = session_signer(emulator, new_session(emulator, aws_user))
    assert with_mfa.iam.get_user(UserName=aws_user.name)["User"]["Arn"] == aws_user.arn
