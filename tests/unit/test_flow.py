"""The login use case with fakes for AWS and the prompts, and real files in tmp_path."""

from __future__ import annotations

import configparser
from datetime import timedelta
from pathlib import Path

import pytest

from mfa_session.adapters.state_file import RememberedDevices, WrittenSections
from mfa_session.errors import (
    CodeRejected,
    DeviceNotAssociated,
    DurationOutOfRange,
    IncompleteLongTermKey,
    LongTermKeyInTarget,
    NoLongTermKey,
    NoMfaDevice,
    OnlySecurityKeys,
    SessionKeyAsLongTerm,
    TooManyRejectedCodes,
    UsageError,
)
from mfa_session.models import LoginResult, Outcome
from mfa_session.rules.files import AwsSnapshot
from mfa_session.store.credentials import CredentialsStore
from mfa_session.usecases.login import LoginRequest, login, resolve_profile
from tests.conftest import Home
from tests.fakes import (
    KEY_ID,
    SECRET,
    EmptyVault,
    FakeAws,
    FakePrompter,
    ScriptedCodes,
    clock,
    state_at,
)

SERIAL = "arn:aws:iam::123456789012:mfa/alice"
U2F = "arn:aws:iam::123456789012:u2f/user/alice/key-ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def files(home: Home) -> AwsSnapshot:
    return AwsSnapshot(home.credentials, home.config)


def read(path: Path) -> dict[str, dict[str, str]]:
    parser = configparser.RawConfigParser()
    parser.read(path)
    return {name: dict(parser.items(name)) for name in parser.sections()}


def run(
    home: Home,
    request: LoginRequest,
    aws: FakeAws,
    codes: ScriptedCodes | None = None,
    prompter: FakePrompter | None = None,
) -> LoginResult:
    return login(
        request,
        files=files(home),
        store=CredentialsStore(home.credentials),
        aws=aws,
        codes=codes or ScriptedCodes(["123456"], interactive=False),
        prompter=prompter or FakePrompter(),
        memory=RememberedDevices(state_at(home.state / "state.json")),
        vault=EmptyVault(),
        origins=WrittenSections(state_at(home.state / "state.json")),
        clock=clock,
    )


def long_term(home: Home, profile: str = "admin", extra: str = "") -> None:
    home.credentials.write_text(
        f"# my keys\n[{profile}-long-term]\naws_access_key_id = {KEY_ID}\n"
        f"aws_secret_access_key = {SECRET}\n{extra}\n[other]\naws_access_key_id = AKIAOTHER\n"
        "aws_secret_access_key = other-secret\n"
    )


def config(home: Home, body: str) -> None:
    home.config.write_text(body)


def test_known_device_makes_one_round_trip_and_writes_the_session(home: Home) -> None:
    long_term(home)
    config(home, f"[profile admin]\nmfa_serial = {SERIAL}\nregion = eu-west-1\n")
    aws = FakeAws()

    result = run(home, LoginRequest("admin"), aws)

    assert aws.calls == [
        ("warm_up", "eu-west-1"),
        ("GetSessionToken", "eu-west-1", SERIAL, "123456", "43200"),
    ]
    written = read(home.credentials)
    assert written["admin"]["aws_access_key_id"] == "ASIAFAKESESSION00001"
    assert written["admin"]["aws_session_token"] == "session-token-1"
    assert written["admin"]["expiration"] == "2026-11-27T20:00:00Z"
    assert written["admin-long-term"]["aws_access_key_id"] == KEY_ID
    assert written["other"] == {
        "aws_access_key_id": "AKIAOTHER",
        "aws_secret_access_key": "other-secret",
    }
    assert "# my keys" in home.credentials.read_text()
    assert result.outcome is Outcome.RENEWED
    assert result.remaining == timedelta(hours=12)


def test_still_valid_session_makes_no_call(home: Home) -> None:
    long_term(home)
    with home.credentials.open("a") as handle:
        handle.write(
            "[admin]\naws_access_key_id = ASIAOLD\naws_secret_access_key = s\n"
            "aws_session_token = t\nexpiration = 2026-11-27T15:12:00Z\n"
        )
    before = home.credentials.read_bytes()

    result = run(home, LoginRequest("admin", device=SERIAL), FakeAws(answers=[]))

    assert result.outcome is Outcome.STILL_VALID
    assert result.remaining == timedelta(hours=7, minutes=12)
    assert home.credentials.read_bytes() == before


def test_session_closer_than_min_remaining_is_renewed(home: Home) -> None:
    long_term(home)
    with home.credentials.open("a") as handle:
        handle.write("[admin]\naws_session_token = t\nexpiration = 2026-11-27T08:10:00Z\n")
    aws = FakeAws()

    result = run(home, LoginRequest("admin", device=SERIAL), aws)

    assert result.outcome is Outcome.RENEWED
    assert len(aws.sts_calls()) == 1


def test_force_renews_a_valid_session(home: Home) -> None:
    long_term(home)
    with home.credentials.open("a") as handle:
        handle.write("[admin]\naws_session_token = t\nexpiration = 2026-11-28T08:00:00Z\n")
    aws = FakeAws()

    run(home, LoginRequest("admin", device=SERIAL, force=True), aws)

    assert len(aws.sts_calls()) == 1


def test_first_run_moves_the_key_out_of_the_profile_in_the_same_write(home: Home) -> None:
    home.credentials.write_text(
        f"[admin]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\nregion = x\n"
    )

    result = run(home, LoginRequest("admin", device=SERIAL), FakeAws())

    written = read(home.credentials)
    assert written["admin-long-term"] == {
        "aws_access_key_id": KEY_ID,
        "aws_secret_access_key": SECRET,
    }
    assert written["admin"]["aws_access_key_id"].startswith("ASIA")
    assert written["admin"]["region"] == "x"
    assert any("moved the long-term key" in notice for notice in result.notices)


def test_failed_first_run_leaves_the_key_where_it_was(home: Home) -> None:
    home.credentials.write_text(
        f"[admin]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"
    )
    before = home.credentials.read_bytes()

    with pytest.raises(CodeRejected):
        run(home, LoginRequest("admin", device=SERIAL), FakeAws(answers=[CodeRejected()]))

    assert home.credentials.read_bytes() == before


def test_discovery_leaves_out_security_keys_and_remembers_the_device(home: Home) -> None:
    long_term(home)
    aws = FakeAws(devices=[U2F, SERIAL])

    result = run(home, LoginRequest("admin"), aws)

    assert aws.round_trips() == 2
    assert aws.sts_calls()[0][2] == SERIAL
    assert any("security key" in notice for notice in result.notices)

    again = FakeAws(devices=[U2F, SERIAL])
    run(home, LoginRequest("admin", force=True), again)
    assert again.round_trips() == 1
    assert again.sts_calls()[0][2] == SERIAL


def test_only_security_keys_is_a_clear_error(home: Home) -> None:
    long_term(home)
    with pytest.raises(OnlySecurityKeys, match="only authenticator-app"):
        run(home, LoginRequest("admin"), FakeAws(devices=[U2F]))


def test_no_device_says_how_to_add_one(home: Home) -> None:
    long_term(home)
    with pytest.raises(NoMfaDevice, match="Assign MFA device"):
        run(home, LoginRequest("admin"), FakeAws(devices=[]))


def test_several_devices_on_a_terminal_give_a_picker(home: Home) -> None:
    long_term(home)
    second = "arn:aws:iam::123456789012:mfa/alice-phone"
    prompter = FakePrompter(device_answer=second)
    aws = FakeAws(devices=[SERIAL, second, U2F])

    run(home, LoginRequest("admin"), aws, ScriptedCodes(["123456"], interactive=True), prompter)

    assert prompter.offered == [[SERIAL, second]]
    assert aws.sts_calls()[0][2] == second


def test_several_devices_without_a_terminal_name_the_flag(home: Home) -> None:
    long_term(home)
    aws = FakeAws(devices=[SERIAL, "arn:aws:iam::123456789012:mfa/b"])
    with pytest.raises(UsageError, match="--device"):
        run(home, LoginRequest("admin"), aws)


def test_device_order_flag_then_config_then_long_term_section(home: Home) -> None:
    long_term(home, extra="aws_mfa_device = arn:aws:iam::1:mfa/from-section")
    config(home, "[profile admin]\nmfa_serial = arn:aws:iam::1:mfa/from-config\n")

    aws = FakeAws()
    run(home, LoginRequest("admin", device="arn:aws:iam::1:mfa/from-flag"), aws)
    assert aws.sts_calls()[0][2] == "arn:aws:iam::1:mfa/from-flag"

    aws = FakeAws()
    run(home, LoginRequest("admin", force=True), aws)
    assert aws.sts_calls()[0][2] == "arn:aws:iam::1:mfa/from-config"

    home.config.write_text("")
    aws = FakeAws()
    run(home, LoginRequest("admin", force=True), aws)
    assert aws.sts_calls()[0][2] == "arn:aws:iam::1:mfa/from-section"


def test_rejected_code_on_a_terminal_asks_again(home: Home) -> None:
    long_term(home)
    codes = ScriptedCodes(["111111", "222222"], interactive=True)
    aws = FakeAws(answers=[CodeRejected(), None])

    run(home, LoginRequest("admin", device=SERIAL), aws, codes)

    assert [after for _, after in codes.asked] == [False, True]
    assert [call[3] for call in aws.sts_calls()] == ["111111", "222222"]


def test_three_rejected_codes_stop_and_write_nothing(home: Home) -> None:
    long_term(home)
    before = home.credentials.read_bytes()
    codes = ScriptedCodes(["111111", "222222", "333333"], interactive=True)
    aws = FakeAws(answers=[CodeRejected(), CodeRejected(), CodeRejected()])

    with pytest.raises(TooManyRejectedCodes):
        run(home, LoginRequest("admin", device=SERIAL), aws, codes)

    assert home.credentials.read_bytes() == before


def test_rejected_code_without_a_terminal_is_not_retried(home: Home) -> None:
    long_term(home)
    aws = FakeAws(answers=[CodeRejected()])
    with pytest.raises(CodeRejected):
        run(home, LoginRequest("admin", device=SERIAL), aws)
    assert len(aws.sts_calls()) == 1


def test_session_key_offered_as_long_term_never_reaches_aws(home: Home) -> None:
    home.credentials.write_text(
        "[admin-long-term]\naws_access_key_id = ASIAXXXX\naws_secret_access_key = s\n"
    )
    aws = FakeAws()
    with pytest.raises(SessionKeyAsLongTerm):
        run(home, LoginRequest("admin", device=SERIAL), aws)
    assert aws.calls == []


def test_missing_secret_names_the_section(home: Home) -> None:
    home.credentials.write_text(f"[admin-long-term]\naws_access_key_id = {KEY_ID}\n")
    with pytest.raises(IncompleteLongTermKey, match=r"\[admin-long-term\].*aws_secret_access_key"):
        run(home, LoginRequest("admin", device=SERIAL), FakeAws())


def test_no_key_anywhere(home: Home) -> None:
    with pytest.raises(NoLongTermKey, match="profile admin has no long-term key"):
        run(home, LoginRequest("admin", device=SERIAL), FakeAws())


def test_duration_comes_from_the_config_and_is_checked_before_any_call(home: Home) -> None:
    long_term(home)
    config(home, "[profile admin]\nduration_seconds = 3600\n")
    aws = FakeAws()
    run(home, LoginRequest("admin", device=SERIAL), aws)
    assert aws.sts_calls()[0][4] == "3600"

    config(home, "[profile admin]\nduration_seconds = 60\n")
    aws = FakeAws()
    with pytest.raises(DurationOutOfRange, match="duration_seconds in the config"):
        run(home, LoginRequest("admin", device=SERIAL, force=True), aws)
    assert aws.sts_calls() == []


def test_region_follows_the_device_partition(home: Home) -> None:
    long_term(home)
    aws = FakeAws()
    run(home, LoginRequest("admin", device="arn:aws-cn:iam::123456789012:mfa/alice"), aws)
    assert aws.sts_calls()[0][1] == "cn-north-1"

    aws = FakeAws()
    gov = "arn:aws-us-gov:iam::123456789012:mfa/alice"
    run(home, LoginRequest("admin", device=gov, force=True), aws)
    assert aws.sts_calls()[0][1] == "us-gov-west-1"


def test_remembered_device_that_aws_rejects_is_forgotten(home: Home) -> None:
    long_term(home)
    memory = RememberedDevices(state_at(home.state / "state.json"))
    memory.remember("admin", SERIAL)
    aws = FakeAws(answers=[DeviceNotAssociated(serial=SERIAL, hint="")])

    with pytest.raises(DeviceNotAssociated, match="remembered choice was cleared"):
        run(home, LoginRequest("admin"), aws)

    assert memory.recall("admin") is None


def test_write_profile_never_overwrites_a_long_term_key(home: Home) -> None:
    long_term(home)
    before = home.credentials.read_bytes()
    with pytest.raises(LongTermKeyInTarget, match=r"\[other\]"):
        run(home, LoginRequest("admin", write_profile="other", device=SERIAL), FakeAws())
    assert home.credentials.read_bytes() == before


def test_write_profile_receives_the_session(home: Home) -> None:
    long_term(home)
    run(home, LoginRequest("admin", write_profile="work", device=SERIAL), FakeAws())
    assert read(home.credentials)["work"]["aws_access_key_id"].startswith("ASIA")


def test_profile_resolution_order(home: Home) -> None:
    long_term(home, "admin")
    with home.credentials.open("a") as handle:
        handle.write(f"[dev]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = x\n")
    aws_files = files(home)
    prompter = FakePrompter(profile_answer="dev")

    def resolve(explicit: str | None, env: dict[str, str], interactive: bool) -> str:
        return resolve_profile(
            explicit, env, interactive=interactive, files=aws_files, prompter=prompter
        )

    assert resolve("x", {"AWS_PROFILE": "y"}, interactive=True) == "x"
    assert resolve(None, {"AWS_PROFILE": "y"}, interactive=True) == "y"
    assert resolve(None, {}, interactive=False) == "default"
    assert resolve(None, {}, interactive=True) == "dev"
    # [other] holds an AKIA key too, so it can log in; -long-term sections are not offered.
    assert prompter.offered == [["admin", "dev", "other"]]
