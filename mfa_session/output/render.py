"""The one line a person reads after a login. Times are shown in local time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from mfa_session.timefmt import format_remaining
from mfa_session.visible import visible

# The still-valid shortcut prints through this module: no typing, no models at import time
# (mypy treats any TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from mfa_session.models import LoginResult


def local_time(moment: datetime, now: datetime) -> str:
    local = moment.astimezone()
    same_day = local.date() == now.astimezone().date()
    return local.strftime("%H:%M") if same_day else local.strftime("%a %d %b %H:%M")


def _plain(text: str) -> str:
    return text


def result_line(result: LoginResult, now: datetime, paint: Callable[[str], str] = _plain) -> str:
    # Imported here: the still-valid shortcut uses still_valid_line without loading models.
    from mfa_session.models import Outcome

    if result.outcome is Outcome.STILL_VALID:
        return still_valid_line(result.profile, result.expiration, result.remaining, now, paint)
    until = local_time(result.expiration, now)
    left = paint(format_remaining(result.remaining))
    return f"{visible(result.profile)}: session valid for {left} (until {until})"


def still_valid_line(
    profile: str,
    expiration: datetime,
    remaining: timedelta,
    now: datetime,
    paint: Callable[[str], str] = _plain,
) -> str:
    until = local_time(expiration, now)
    left = paint(format_remaining(remaining))
    return f"{visible(profile)}: still valid for {left} (until {until}); --force renews it"


def show_result(
    result: LoginResult, stream: TextIO, environ: Mapping[str, str], now: datetime
) -> None:
    """The notices and the one line a person reads after a login, coloured on a terminal."""
    from mfa_session.output.style import Style

    style = Style(stream, environ)
    for notice in result.notices:
        print(f"mfa-login: {visible(notice)}", file=stream)
    print(result_line(result, now, paint=lambda text: style.paint(text, "green")), file=stream)
