"""Profile names as botocore reads them, through the installed command."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import write_session
from tests.e2e.helpers import (
    command_env,
    mfa_login,
    sections,
    spawn,
    write_config,
    write_long_term,
)
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def test_a_quoted_profile_name_in_the_config_file_is_the_unquoted_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Regression: [profile "dev team"] is profile `dev team` to botocore; mfa-login read it
    as '"dev team"', so `--profile "dev team"` ignored its mfa_serial, region and
    duration_seconds, and status listed both names."""
    write_long_term(home, "dev team", aws_user, layout="long-term")
    write_config(
        home,
        f'[profile "dev team"]\nmfa_serial = {aws_user.mfa_serials[0]}\n'
        "region = eu-central-1\nduration_seconds = 3600\n",
    )

    run = mfa_login(
        emulator, "--profile", "dev team", "--code", aws_user.code(), "--debug", "--force"
    )

    assert run.code == 0, run.stderr
    # duration_seconds: a one-hour session.
    assert "dev team: session valid for 1h00m" in run.stderr
    # mfa_serial: the device was not looked up in IAM.
    assert emulator.request_count(aws_user.access_key_id, "ListMFADevices") == 0
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    # region: the client was built for the profile's own region.
    assert (
        f"device {aws_user.mfa_serials[0]} (from mfa_serial in the config file), "
        "region eu-central-1, 3600 s"
    ) in run.stderr
    assert sections(home.credentials)["dev team"]["aws_access_key_id"].startswith("ASIA")

    listed = mfa_login(emulator, "status", "--names")
    assert listed.stdout.splitlines() == ["dev team"]
    shown = mfa_login(emulator, "status", "--json")
    assert [entry["profile"] for entry in json.loads(shown.stdout)] == ["dev team"]


# --- a NAME-long-term section is never logged into --------------------------------------------

LONG_TERM_REFUSAL = (
    "mfa-login: [p-long-term] is where the long-term key of profile p is kept, not a profile "
    "to log in: run mfa-login {command}--profile p\n"
)


def p_with_its_key(home: Home, user: EmulatedUser) -> bytes:
    """Profile p as aws-mfa keeps it: its key in [p-long-term], its device in the config."""
    write_long_term(home, "p", user, layout="long-term")
    write_config(home, f"[profile p]\nmfa_serial = {user.mfa_serials[0]}\n")
    return home.credentials.read_bytes()


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["--profile", "p-long-term"], ""),
        (["export", "--profile", "p-long-term"], "export "),
        (["exec", "--profile", "p-long-term", "--", "true"], "exec "),
        (["credential-process", "--profile", "p-long-term"], "credential-process "),
        (["setup", "--profile", "p-long-term"], "setup "),
        (["--profile", "p-long-term", "--force", "--device", "arn:aws:iam::1:mfa/x"], ""),
    ],
    ids=["login", "export", "exec", "credential-process", "setup", "login-forced"],
)
def test_the_long_term_sections_name_as_the_profile_is_a_usage_error_naming_the_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, args: list[str], command: str
) -> None:
    """Regression: `--profile p-long-term` (the section's name typed for the profile's) logged
    into [p-long-term]: its key moved to [p-long-term-long-term], a session took its place,
    and profile p broke."""
    before = p_with_its_key(home, aws_user)

    run = mfa_login(emulator, *args, stdin=f"{aws_user.code()}\n")

    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == LONG_TERM_REFUSAL.format(command=command)
    assert home.credentials.read_bytes() == before
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_the_long_term_sections_name_in_aws_profile_is_the_same_usage_error(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    before = p_with_its_key(home, aws_user)

    run = mfa_login(
        emulator, stdin=f"{aws_user.code()}\n", env=command_env(emulator, AWS_PROFILE="p-long-term")
    )

    assert (run.code, run.stderr) == (2, LONG_TERM_REFUSAL.format(command=""))
    assert home.credentials.read_bytes() == before
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_a_long_term_section_as_write_profile_is_a_usage_error(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    before = p_with_its_key(home, aws_user)

    run = mfa_login(
        emulator, "--profile", "p", "--write-profile", "p-long-term", "--code", aws_user.code()
    )

    assert run.code == 2
    assert run.stderr == (
        "mfa-login: --write-profile p-long-term: [p-long-term] is where the long-term key of "
        "profile p is kept, and never receives a session: name another section\n"
    )
    assert home.credentials.read_bytes() == before
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_a_session_left_in_a_long_term_section_is_not_answered_as_still_valid(
    home: Home, emulator: Emulator
) -> None:
    """What the earlier bug left behind ([p-long-term] holding a session, the key moved on)
    is not handed out by the still-valid path either: the same usage error."""
    write_session(home, "p", timedelta(hours=8))
    text = home.credentials.read_text(encoding="utf-8").replace("[p-long-term]", "[x]")
    home.credentials.write_text(
        text.replace("[p]", "[p-long-term]").replace("[x]", "[p-long-term-long-term]"),
        encoding="utf-8",
    )
    before = home.credentials.read_bytes()

    for args in (["--profile", "p-long-term"], ["export", "--profile", "p-long-term"]):
        run = mfa_login(emulator, *args)
        assert (run.code, run.stdout) == (2, ""), args
        assert run.stderr == LONG_TERM_REFUSAL.format(command=f"{args[0]} " * (len(args) == 3))
    assert home.credentials.read_bytes() == before


def test_the_picker_never_offers_a_long_term_section(home: Home, emulator: Emulator) -> None:
    """[q-long-term-long-term] (left by the earlier bug) and [profile r-long-term] with an
    mfa_serial would have been offered as profiles q-long-term and r-long-term."""
    user = emulator.create_user("picker-user")
    for profile in ("q", "s", "q-long-term"):
        write_long_term(home, profile, user, layout="long-term")
    write_config(home, f"[profile r-long-term]\nmfa_serial = {user.mfa_serials[0]}\n")
    shown = io.StringIO()

    child = spawn(emulator)
    child.logfile_read = shown
    child.expect("Profile to log in")
    child.expect_exact("s")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 130
    choices = shown.getvalue().split("Profile to log in", 1)[1]
    assert "q" in choices
    assert "long-term" not in choices
