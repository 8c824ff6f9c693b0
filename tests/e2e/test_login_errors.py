"""Every failure of a login, through the installed command: one line, its exit code, no write."""

from __future__ import annotations

import pytest

from tests.conftest import Home
from tests.e2e.helpers import Run, assert_no_secret, command_env, mfa_login, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def prepared(home: Home, user: EmulatedUser, layout: str = "profile") -> bytes:
    write_long_term(home, "admin", user, layout=layout)
    return home.credentials.read_bytes()


def login(
    emulator: Emulator,
    user: EmulatedUser,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> Run:
    return mfa_login(
        emulator, "--profile", "admin", "--device", user.mfa_serials[0], *args, stdin=stdin, env=env
    )


def single_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("12345", "got 5 characters"),
        ("1234567", "got 7 characters"),
        ("12a456", "character 3 is not a digit 0-9"),
        ("١٢٣٤٥٦", "character 1 is not a digit 0-9"),
    ],
)
def test_malformed_code_never_reaches_aws(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, code: str, reason: str
) -> None:
    before = prepared(home, aws_user)
    run = login(emulator, aws_user, "--code", code)
    assert run.code == 2
    assert (
        single_line(run.stderr) == f"mfa-login: the MFA code must be exactly 6 digits 0-9; {reason}"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before


def test_empty_stdin_is_a_usage_error(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    before = prepared(home, aws_user)
    run = login(emulator, aws_user, stdin="")
    assert run.code == 2
    assert "expected a 6-digit MFA code on standard input" in single_line(run.stderr)
    assert home.credentials.read_bytes() == before


def test_wrong_code_without_terminal_exits_4_and_never_says_to_wait(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """A code mfa-login never used that AWS rejects was mistyped or another entry's:
    waiting for the next code would not help, so the message does not say to."""
    before = prepared(home, aws_user)
    wrong = "000000" if aws_user.code() != "000000" else "111111"
    run = login(emulator, aws_user, "--code", wrong)
    assert run.code == 4
    assert single_line(run.stderr).startswith(
        "mfa-login: AWS rejected the MFA code, one mfa-login had not used before: most likely "
        "it was mistyped or is the code of another entry in the app"
    )
    assert "wait" not in run.stderr.lower()
    assert home.credentials.read_bytes() == before


def test_used_code_is_rejected_the_second_time(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    prepared(home, aws_user)
    code = aws_user.code()
    assert login(emulator, aws_user, "--code", code).code == 0
    again = login(emulator, aws_user, "--code", code, "--force")
    assert again.code == 4
    # The right code, already used: here (and only here) waiting is the advice.
    assert "that code was already used" in again.stderr
    assert "wait" in again.stderr


def test_device_of_another_user_exits_3(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    other = emulator.create_user(aws_user.name[:40] + "-other")
    before = prepared(home, aws_user)
    run = mfa_login(
        emulator, "--profile", "admin", "--device", other.mfa_serials[0], "--code", other.code()
    )
    assert run.code == 3
    assert f"AWS does not know MFA device {other.mfa_serials[0]} for this key" in run.stderr
    assert home.credentials.read_bytes() == before


def test_inactive_key_exits_7(home: Home, emulator: Emulator, aws_user: EmulatedUser) -> None:
    """InvalidClientTokenId at a login says what it means for this key and how to check it
    in IAM, not only AWS's words."""
    before = prepared(home, aws_user)
    emulator.deactivate_key(aws_user)
    run = login(emulator, aws_user, "--code", aws_user.code())
    assert run.code == 7
    line = single_line(run.stderr)
    assert line.startswith(
        f"mfa-login: AWS does not know access key {aws_user.access_key_id} (in "
        "[admin]) as an active key (InvalidClientTokenId): it was made inactive or "
        "deleted in IAM"
    ), line
    # How to check it in IAM, and where a working key goes.
    assert "aws iam list-access-keys" in line
    assert line.endswith("then put a working key under [admin]"), line
    assert home.credentials.read_bytes() == before


def test_wrong_secret_exits_7_and_never_shows_it(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    wrong_secret = "wrong" + aws_user.secret_access_key[5:]
    home.credentials.write_text(
        f"[admin-long-term]\naws_access_key_id = {aws_user.access_key_id}\n"
        f"aws_secret_access_key = {wrong_secret}\n"
    )
    before = home.credentials.read_bytes()
    run = login(emulator, aws_user, "--code", aws_user.code())
    assert run.code == 7
    assert "the secret access key stored for" in single_line(run.stderr)
    assert "[admin-long-term]" in run.stderr
    assert_no_secret(run.stderr + run.stdout, wrong_secret)
    assert home.credentials.read_bytes() == before


def test_session_key_as_long_term_exits_7_without_a_call(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    home.credentials.write_text(
        "[admin-long-term]\naws_access_key_id = ASIAEXAMPLEEXAMPLE12\naws_secret_access_key = x\n"
    )
    run = login(emulator, aws_user, "--code", aws_user.code())
    assert run.code == 7
    assert "holds a session key (ASIA...), not a long-term key" in run.stderr


def test_throttling_exits_5(home: Home, emulator: Emulator, aws_user: EmulatedUser) -> None:
    before = prepared(home, aws_user)
    emulator.fail_next("GetSessionToken", code="Throttling", message="Rate exceeded")
    run = login(emulator, aws_user, "--code", aws_user.code())
    assert run.code == 5
    assert single_line(run.stderr) == (
        "mfa-login: AWS is throttling requests (Rate exceeded): wait a minute and try again"
    )
    # No automatic retry: the code is single-use.
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    assert home.credentials.read_bytes() == before


def test_no_network_exits_5(home: Home, emulator: Emulator, aws_user: EmulatedUser) -> None:
    before = prepared(home, aws_user)
    env = command_env(emulator, AWS_ENDPOINT_URL="http://127.0.0.1:9")
    run = login(emulator, aws_user, "--code", aws_user.code(), env=env)
    assert run.code == 5
    assert "cannot reach AWS at http://127.0.0.1:9" in single_line(run.stderr)
    assert home.credentials.read_bytes() == before


def test_slow_aws_times_out_and_exits_5(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    before = prepared(home, aws_user)
    emulator.delay_next("GetSessionToken", seconds=20)
    run = login(emulator, aws_user, "--code", aws_user.code())
    assert run.code == 5
    assert "AWS did not answer in time" in single_line(run.stderr)
    assert home.credentials.read_bytes() == before


@pytest.mark.parametrize("duration", ["899", "129601"])
def test_duration_out_of_range_exits_2(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, duration: str
) -> None:
    before = prepared(home, aws_user)
    run = login(emulator, aws_user, "--code", aws_user.code(), "--duration", duration)
    assert run.code == 2
    assert f"to 36 hours, what AWS accepts), got '{duration}'" in run.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before


def test_no_key_exits_3(emulator: Emulator, aws_user: EmulatedUser) -> None:
    run = login(emulator, aws_user, "--code", aws_user.code())
    assert run.code == 3
    assert "profile admin has no long-term key" in single_line(run.stderr)


def test_no_mfa_device_exits_3(home: Home, emulator: Emulator) -> None:
    user = emulator.create_user("no-device-user", totp_devices=0)
    write_long_term(home, "admin", user, layout="long-term")
    run = mfa_login(emulator, "--profile", "admin", "--code", "123456")
    assert run.code == 3
    assert "no virtual MFA device is assigned" in single_line(run.stderr)


def test_only_security_keys_exits_3(home: Home, emulator: Emulator) -> None:
    user = emulator.create_user("u2f-only-user", totp_devices=0, u2f_devices=1)
    write_long_term(home, "admin", user, layout="long-term")
    run = mfa_login(emulator, "--profile", "admin", "--code", "123456")
    assert run.code == 3
    assert "AWS accepts only authenticator-app (TOTP) devices" in single_line(run.stderr)


def test_session_section_with_a_long_term_key_is_never_overwritten(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    before = prepared(home, aws_user, layout="long-term")
    with home.credentials.open("a") as handle:
        handle.write(
            "[prod]\naws_access_key_id = AKIAPRODPRODPROD0001\naws_secret_access_key = p\n"
        )
    before = home.credentials.read_bytes()
    run = login(emulator, aws_user, "--code", aws_user.code(), "--write-profile", "prod")
    assert run.code == 6
    assert "[prod] holds a long-term key (AKIA...); a session never overwrites it" in run.stderr
    assert home.credentials.read_bytes() == before


@pytest.mark.parametrize(("offset", "direction"), [(1800, "behind"), (-1800, "ahead of")])
def test_clock_skew_says_how_far_off_this_clock_is(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, offset: int, direction: str
) -> None:
    before = prepared(home, aws_user)
    emulator.set_aws_clock_offset(offset)
    try:
        run = login(emulator, aws_user, "--code", aws_user.code())
    finally:
        emulator.set_aws_clock_offset(0)
    assert run.code == 5
    assert single_line(run.stderr) == (
        f"mfa-login: this machine's clock is 30 min {direction} AWS's: "
        "set the right time (NTP) and retry"
    )
    assert home.credentials.read_bytes() == before
