"""The one line a person reads after a login. Times are shown in local time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from mfa_session.models import LoginResult, Outcome
from mfa_session.timefmt import format_remaining


def local_time(moment: datetime, now: datetime) -> str:
    local = moment.astimezone()
    same_day = local.date() == now.astimezone().date()
    return local.strftime("%H:%M") if same_day else local.strftime("%a %d %b %H:%M")


def result_line(
    result: LoginResult, now: datetime, paint: Callable[[str], str] = lambda text: text
) -> str:
    until = local_time(result.expiration, now)
    left = paint(format_remaining(result.remaining))
    if result.outcome is Outcome.STILL_VALID:
        return f"{result.profile}: still valid for {left} (until {until}); --force renews it"
    return f"{result.profile}: session valid for {left} (until {until})"
