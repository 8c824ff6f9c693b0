"""The one rule of validity.py at its edges (the e2e tests show it through each command)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest

from mfa_session.rules.validity import (
    DEFAULT_DURATION,
    min_remaining_minutes,
    renewal_margin,
    session_expiration,
    session_seconds,
    valid_until,
)

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)


def section(left: timedelta) -> dict[str, str]:
    return {
        "aws_access_key_id": "ASIAFAKE",
        "aws_session_token": "token",
        "expiration": (NOW + left).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def test_an_expiration_is_trusted_up_to_36_hours_and_the_clock_skew_aws_accepts() -> None:
    edge = timedelta(hours=36, minutes=15)
    assert session_expiration(section(edge), NOW) == NOW + edge
    assert session_expiration(section(edge + timedelta(seconds=1)), NOW) is None


@pytest.mark.parametrize(
    ("minutes", "seconds", "margin"),
    [
        (15, 900, timedelta(seconds=450)),
        (15, 43200, timedelta(minutes=15)),
        (600, 3600, timedelta(minutes=30)),
        (0, 900, timedelta(0)),
    ],
)
def test_the_margin_is_at_most_half_the_sessions_length(
    minutes: int, seconds: int, margin: timedelta
) -> None:
    assert renewal_margin(timedelta(minutes=minutes), seconds) == margin


def test_a_session_is_valid_only_while_more_than_the_margin_is_left() -> None:
    minimum = timedelta(minutes=15)
    assert valid_until(section(timedelta(seconds=451)), NOW, minimum, 900) is not None
    assert valid_until(section(timedelta(seconds=450)), NOW, minimum, 900) is None
    assert valid_until(section(timedelta(seconds=-1)), NOW, timedelta(0), 900) is None


@pytest.mark.parametrize(
    ("flag", "configured", "seconds"),
    [
        (900, "3600", 900),
        (None, " 3600 ", 3600),
        (None, None, DEFAULT_DURATION),
        (None, "soon", DEFAULT_DURATION),  # the login itself says what is wrong
        (5, None, DEFAULT_DURATION),
        (None, "\u0663\u0666\u0660\u0660", DEFAULT_DURATION),  # digits of another script
    ],
)
def test_session_seconds(flag: int | None, configured: str | None, seconds: int) -> None:
    assert session_seconds(flag, configured) == seconds


@pytest.mark.parametrize("text", ["-1", "2161", "99999999999999999999"])
def test_min_remaining_outside_0_to_2160_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not between 0 and 2160 minutes"):
        min_remaining_minutes(text)


def test_min_remaining_is_whole_minutes() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        min_remaining_minutes("1.5")


def test_min_remaining_bounds_are_accepted() -> None:
    assert [min_remaining_minutes(text) for text in ("0", "2160")] == [0, 2160]


@pytest.fixture
def two_hours_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time is UTC+2 (a POSIX TZ string: no zone database needed)."""
    monkeypatch.setenv("TZ", "UTC-02")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


ENDS = NOW + timedelta(hours=2)


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param({"expiration": "2026-11-27T10:00:00Z"}, id="mfa-login, UTC with Z"),
        pytest.param({"expiration": "2026-11-27T11:00:00+01:00"}, id="a UTC offset"),
        pytest.param({"expiration": "2026-11-27 10:00:00"}, id="aws-mfa, UTC without zone"),
        pytest.param(
            {"expiration": "2026-11-27 12:00:00", "manager": "awsume"},
            id="awsume, local time without zone",
        ),
        pytest.param(
            {"x_security_token_expires": "2026-11-27T12:00:00+02:00"},
            id="saml2aws x_security_token_expires alone",
        ),
        pytest.param(
            {
                "expiration": "2026-11-27T10:00:00Z",
                "x_security_token_expires": "2026-11-27T11:00:00Z",
            },
            id="both keys: the earlier counts",
        ),
        pytest.param(
            {"expiration": "soon", "x_security_token_expires": "2026-11-27T10:00:00Z"},
            id="an expiration that is not a time, beside x_security_token_expires",
        ),
    ],
)
@pytest.mark.usefixtures("two_hours_east")
def test_every_form_of_expiry_other_tools_write_is_read(stored: dict[str, str]) -> None:
    values = {"aws_access_key_id": "ASIAFAKE", "aws_session_token": "token", **stored}
    assert session_expiration(values, NOW) == ENDS


@pytest.mark.usefixtures("two_hours_east")
def test_an_aws_mfa_expiration_is_utc_whatever_the_local_time() -> None:
    """Regression: only a section awsume manages holds local time."""
    values = {"aws_access_key_id": "ASIAFAKE", "aws_session_token": "token"}
    values["expiration"] = "2026-11-27 12:00:00"
    assert session_expiration(values, NOW) == NOW + timedelta(hours=4)
