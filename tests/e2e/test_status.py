"""`mfa-login status`: states, exit codes, JSON, colour, and no boto3 on its path."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import configured, logged_in, write_session
from tests.e2e.helpers import MFA_LOGIN, command_env, mfa_login
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def test_status_of_each_state_sets_the_exit_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    write_session(home, "soon", timedelta(minutes=5))
    write_session(home, "old", timedelta(hours=-2))

    valid = mfa_login(emulator, "status", "--profile", "admin")
    assert valid.code == 0, valid.stderr
    assert valid.stdout.split()[:2] == ["admin", "valid"]
    assert "left)" in valid.stdout
    assert mfa_login(emulator, "status", "--profile", "soon").code == 10
    expired = mfa_login(emulator, "status", "--profile", "old")
    assert expired.code == 11
    assert "expired" in expired.stdout
    assert "since" in expired.stdout
    none = mfa_login(emulator, "status", "--profile", "nobody")
    assert none.code == 11
    assert none.stdout.split() == ["nobody", "no", "session"]
    quiet = mfa_login(emulator, "status", "--profile", "soon", "--quiet")
    assert (quiet.code, quiet.stdout) == (10, "")

    everything = mfa_login(emulator, "status")
    assert everything.code == 0
    assert [line.split()[0] for line in everything.stdout.splitlines()] == ["admin", "old", "soon"]
    assert "\033[" not in everything.stdout  # not a terminal: no colour
    names = mfa_login(emulator, "status", "--names")
    assert names.stdout.split() == ["admin", "old", "soon"]


def test_status_json(home: Home, emulator: Emulator, aws_user: EmulatedUser) -> None:
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    write_session(home, "old", timedelta(hours=-1))

    run = mfa_login(emulator, "status", "--json")

    assert run.code == 0, run.stderr
    found = {entry["profile"]: entry for entry in json.loads(run.stdout)}
    assert found["admin"]["state"] == "valid"
    assert found["admin"]["expiration"].endswith("Z")
    assert 11 * 3600 < found["admin"]["seconds_left"] <= 12 * 3600
    assert found["old"]["state"] == "expired"
    assert found["old"]["seconds_left"] == 0
    assert "session-secret" not in run.stdout

    one = mfa_login(emulator, "status", "--json", "--profile", "old")
    assert one.code == 11
    assert [entry["profile"] for entry in json.loads(one.stdout)] == ["old"]


def test_status_is_coloured_on_a_terminal_unless_no_color(home: Home, emulator: Emulator) -> None:
    write_session(home, "admin", timedelta(hours=3))
    coloured = pexpect.run(
        f"{MFA_LOGIN} status", env=command_env(emulator), encoding="utf-8", timeout=30
    )
    assert "\033[32mvalid" in coloured
    plain = pexpect.run(
        f"{MFA_LOGIN} status",
        env=command_env(emulator, NO_COLOR="1"),
        encoding="utf-8",
        timeout=30,
    )
    assert "admin  valid" in plain
    assert "\033[" not in plain


def test_status_never_imports_boto3_questionary_or_keyring(home: Home) -> None:
    write_session(home, "admin", timedelta(hours=3))
    probe = (
        "import sys\n"
        "from mfa_session.cli import main\n"
        "code = main(['status'])\n"
        "heavy = [m for m in ('boto3', 'botocore', 'questionary', 'keyring') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.stdout.splitlines()[-1] == "0 []", done.stderr


def test_status_with_nothing_managed_says_so_on_stderr_and_prints_nothing(
    emulator: Emulator,
) -> None:
    """stdout is for what status reports (a script reads it); the hint is a message."""
    for argv in (["status"], ["status", "--debug"]):  # the quick path, and the full command
        run = mfa_login(emulator, *argv)
        assert (run.code, run.stdout) == (0, ""), run.stderr
        assert run.stderr.splitlines()[-1] == (
            "mfa-login: no profiles managed by mfa-login yet: run mfa-login --profile NAME"
        )


def test_a_section_named_only_long_term_is_no_key_of_a_nameless_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """status cut "-long-term" off every section that ends with it, by hand, so [-long-term]
    made a profile with no name: a blank line in --names and a line with no profile. The
    login's rule (rules.sections.long_term_owner) reads [-long-term] as a profile of that
    name, whose key lives in it; it is managed only as any other profile is, and completion
    offers it as "-long-term"."""
    configured(home, aws_user)
    with home.credentials.open("a", encoding="utf-8") as handle:
        handle.write(
            "[-long-term]\naws_access_key_id = AKIAEXAMPLEDASHED000\n"
            "aws_secret_access_key = dashed-secret\n"
        )
    before = (home.credentials.read_bytes(), home.config.read_bytes())

    names = mfa_login(emulator, "status", "--names")
    lines = mfa_login(emulator, "status")
    offered = mfa_login(emulator, "completion", "--profile-names")

    assert names.code == 0, names.stderr
    assert names.stdout == "admin\n"
    assert lines.code == 0, lines.stderr
    assert lines.stdout.split() == ["admin", "no", "session"]
    assert offered.code == 0, offered.stderr
    assert offered.stdout.splitlines() == ["-long-term", "admin"]
    assert "dashed-secret" not in names.stdout + lines.stdout + offered.stdout
    assert (home.credentials.read_bytes(), home.config.read_bytes()) == before
