"""What counts as a code, how an expiry is read, and how AWS's clock complaint is read."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from mfa_session.adapters.aws import clock_skew
from mfa_session.adapters.code_sources import (
    PromptedCode,
    StdinCode,
    checked_code,
    code_problem,
)
from mfa_session.errors import MalformedCode, NoCodeOnStdin
from mfa_session.models import MfaDevice
from mfa_session.rules.regions import region_for
from mfa_session.timefmt import format_expiration, format_remaining, parse_expiration
from tests.fakes import TypingPerson


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("123456", None),
        (" 123456\n", None),
        ("", "nothing was entered"),
        ("12345", "got 5 characters"),
        ("123 456", "got 7 characters"),
        ("12345x", "character 6 is not a digit 0-9"),
        ("١٢٣٤٥٦", "character 1 is not a digit 0-9"),  # Arabic-Indic: isdigit() says yes
        ("\uff11\uff12\uff13\uff14\uff15\uff16", "character 1 is not a digit 0-9"),  # full-width
    ],
)
def test_only_six_ascii_digits_are_a_code(text: str, problem: str | None) -> None:
    assert code_problem(text) == problem


def test_refusal_never_repeats_the_input() -> None:
    with pytest.raises(MalformedCode) as caught:
        checked_code("AKIASECRETPASTEDBYMISTAKE")
    assert "AKIA" not in str(caught.value)


def test_stdin_gives_one_line() -> None:
    source = StdinCode(io.StringIO("654321\n111111\n"))
    assert source.next_code("x", after_rejection=False) == "654321"
    with pytest.raises(NoCodeOnStdin):
        StdinCode(io.StringIO("")).next_code("x", after_rejection=False)


@pytest.mark.parametrize(
    ("seconds_to_type", "says"),
    [
        (8.0, "AWS rejected that code: most likely mistyped, or the code of another entry"),
        (75.0, "AWS rejected that code: typed 75s after the prompt appeared, it may have expired"),
    ],
)
def test_a_rejected_code_is_explained_by_how_long_it_was_typed_never_by_wait(
    seconds_to_type: float, says: str
) -> None:
    """A quick typo is a typo; a code typed long after the prompt appeared may have expired.
    Neither is helped by waiting for the next code (mfa-login never sends a used one)."""
    person = TypingPerson(["111111", "222222"], [seconds_to_type, 5.0])
    codes = PromptedCode(person, clock=person.clock)
    assert codes.next_code("admin (arn:aws:iam::1:mfa/a)", after_rejection=False) == "111111"
    assert codes.next_code("admin (arn:aws:iam::1:mfa/a)", after_rejection=True) == "222222"
    first, second = person.shown
    assert first is None
    assert second is not None
    assert second.startswith(says)
    assert "wait" not in second.lower()


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27T20:00:00Z",
        "2026-11-27T20:00:00+00:00",
        "2026-11-27 20:00:00",
        "2026-11-27T21:00:00+01:00",
    ],
)
def test_expiration_forms_written_by_us_and_by_aws_mfa(text: str) -> None:
    assert parse_expiration(text) == datetime(2026, 11, 27, 20, tzinfo=timezone.utc)


def test_expiration_round_trip_and_garbage() -> None:
    moment = datetime(2026, 11, 27, 20, 0, 5, tzinfo=timezone.utc)
    assert parse_expiration(format_expiration(moment)) == moment
    assert parse_expiration("tomorrow") is None


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(hours=12), "12h00m"),
        (timedelta(hours=7, minutes=12, seconds=29), "7h12m"),
        (timedelta(minutes=45), "45m"),
        (timedelta(hours=11, minutes=59, seconds=59), "12h00m"),
        (timedelta(hours=36), "1d12h"),
        (timedelta(-1), "0m"),
    ],
)
def test_remaining_reads_in_hours_and_minutes(span: timedelta, text: str) -> None:
    assert format_remaining(span) == text


def test_clock_skew_says_how_far_and_which_way() -> None:
    behind = clock_skew(
        "Signature expired: 20261127T080000Z is now earlier than 20261127T081500Z "
        "(20261127T083000Z - 15 min.)"
    )
    assert behind is not None
    assert str(behind) == (
        "this machine's clock is 30 min behind AWS's: set the right time (NTP) and retry"
    )
    ahead = clock_skew(
        "Signature not yet current: 20261127T090000Z is still later than 20261127T084500Z "
        "(20261127T083000Z + 15 min.)"
    )
    assert ahead is not None
    assert "30 min ahead of AWS's" in str(ahead)
    assert clock_skew("The request signature we calculated does not match") is None


def test_region_from_the_device_partition_unless_configured() -> None:
    assert region_for(None, MfaDevice("arn:aws-cn:iam::1:mfa/x")) == "cn-north-1"
    assert region_for(None, MfaDevice("arn:aws-us-gov:iam::1:mfa/x")) == "us-gov-west-1"
    assert region_for(None, MfaDevice("arn:aws:iam::1:mfa/x")) == "us-east-1"
    assert region_for("eu-west-1", MfaDevice("arn:aws-cn:iam::1:mfa/x")) == "eu-west-1"
