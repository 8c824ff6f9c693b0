"""One function between every name and the terminal: what it writes out, what it leaves."""

from __future__ import annotations

import pytest

from mfa_session.errors import NoLongTermKey
from mfa_session.output.render import still_valid_line
from mfa_session.visible import visible


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("admin", "admin"),
        ("prod eu", "prod eu"),
        ("équipe-日本", "équipe-日本"),
        ("evil\x1b[2J", "evil\\x1b[2J"),
        ("two\nlines", "two\\nlines"),
        ("bell\x07", "bell\\x07"),
        ("del\x7f", "del\\x7f"),
        ("csi\x9b", "csi\\x9b"),
        ("abc\u202eevil", "abc\\u202eevil"),  # right-to-left override reorders the rest
        ("nbsp\u00a0", "nbsp\\xa0"),
        ("tag\U000e0041", "tag\\U000e0041"),
    ],
)
def test_visible_writes_out_what_a_terminal_would_act_on(name: str, shown: str) -> None:
    assert visible(name) == shown


def test_every_error_message_goes_through_visible() -> None:
    error = NoLongTermKey(profile="evil\x1b[2J", credentials_file="creds\nfake line")
    assert "\x1b" not in str(error)
    assert "\n" not in str(error)
    assert "evil\\x1b[2J" in str(error)


def test_result_lines_show_the_profile_through_visible() -> None:
    from datetime import datetime, timedelta, timezone

    now = datetime(2030, 1, 1, 8, tzinfo=timezone.utc)
    line = still_valid_line("evil\x1b[2J", now + timedelta(hours=2), timedelta(hours=2), now)
    assert line.startswith("evil\\x1b[2J: still valid for 2h00m")
