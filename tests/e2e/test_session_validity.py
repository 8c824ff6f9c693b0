"""When a stored session is used: one rule for the login, its shortcut and `status`.

The margin (--min-remaining) is at most half the session's length, an expiration further
ahead than any AWS session lasts is not trusted, and --min-remaining outside 0..2160 is a
usage error before anything else.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import configured, write_session
from tests.e2e.helpers import mfa_login, sections
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def test_a_900_second_session_is_used_instead_of_renewed_at_every_run(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """The default 15-minute margin swallowed a 15-minute session: every run logged in."""
    configured(home, aws_user, extra_config="duration_seconds = 900\n")
    first = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())
    assert first.code == 0, first.stderr
    assert "admin: session valid for 15m" in first.stderr

    again = mfa_login(emulator, "--profile", "admin")  # the shortcut
    exported = mfa_login(emulator, "export", "--profile", "admin")  # the full path
    status = mfa_login(emulator, "status", "--profile", "admin")

    assert again.code == 0, again.stderr
    assert again.stderr.startswith("admin: still valid for 1")
    assert exported.code == 0, exported.stderr
    assert exported.stderr == ""
    assert sections(home.credentials)["admin"]["aws_session_token"] in exported.stdout
    assert (status.code, status.stdout.split()[:2]) == (0, ["admin", "valid"])
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1


def test_a_36_hour_session_from_aws_is_trusted(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    first = mfa_login(
        emulator, "--profile", "admin", "--duration", "129600", "--code", aws_user.code()
    )
    assert first.code == 0, first.stderr

    again = mfa_login(emulator, "--profile", "admin")

    assert again.code == 0, again.stderr
    assert again.stderr.startswith("admin: still valid for 1d1")  # 1d12h, or 1d11h
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1


@pytest.mark.parametrize(
    ("left", "state"),
    [
        pytest.param(timedelta(days=365 * 70), "no session", id="2099-is-not-trusted"),
        pytest.param(timedelta(hours=37), "no session", id="beyond-36-hours"),
        pytest.param(-timedelta(minutes=1), "expired", id="in-the-past"),
    ],
)
def test_a_session_no_aws_answer_could_hold_is_replaced_by_a_login(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, left: timedelta, state: str
) -> None:
    """An expiration in 2099 was trusted forever; one in the past read "valid for 0m" with a
    margin of 0 (or below)."""
    configured(home, aws_user)
    end = datetime.now(timezone.utc) + left
    with home.credentials.open("a", encoding="utf-8") as handle:
        handle.write(
            "[admin]\naws_access_key_id = ASIAEXAMPLE0000000000\n"
            "aws_secret_access_key = session-secret\naws_session_token = session-token\n"
            f"expiration = {end:%Y-%m-%dT%H:%M:%SZ}\n"
        )

    status = mfa_login(emulator, "status", "--profile", "admin", "--min-remaining", "0")
    run = mfa_login(
        emulator, "--profile", "admin", "--min-remaining", "0", "--code", aws_user.code()
    )

    assert (status.code, status.stdout.split()[:2]) == (11, ["admin", *state.split()[:1]])
    assert run.code == 0, run.stderr
    assert "admin: session valid for 12h00m" in run.stderr
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1


COMMANDS = [
    pytest.param([], id="login"),
    pytest.param(["export"], id="export"),
    pytest.param(["exec"], id="exec"),
    pytest.param(["credential-process"], id="credential-process"),
    pytest.param(["status"], id="status"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("minutes", ["-1", "2161", "99999999999999"])
def test_min_remaining_out_of_range_is_a_usage_error_before_anything_else(
    home: Home, emulator: Emulator, command: list[str], minutes: str
) -> None:
    """Even with a valid session at hand (the shortcut would answer) and no traceback."""
    write_session(home, "admin", timedelta(hours=6))
    before = home.credentials.read_bytes()
    tail = ["--", "true"] if command == ["exec"] else []

    run = mfa_login(emulator, *command, "--profile", "admin", "--min-remaining", minutes, *tail)

    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr.endswith(
        "error: argument --min-remaining: expected whole minutes from 0 to 2160 (36 hours), "
        f"got '{minutes}'\n"
    )
    assert home.credentials.read_bytes() == before
