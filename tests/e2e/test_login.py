"""The daily login through the installed command, against the local AWS emulator."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import boto3
import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.helpers import (
    assert_no_secret,
    command_env,
    mfa_login,
    sections,
    spawn,
    write_config,
    write_long_term,
)
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def session_secrets(home: Home, profile: str) -> tuple[str, str]:
    section = sections(home.credentials)[profile]
    return section["aws_secret_access_key"], section["aws_session_token"]


def test_login_with_known_device_is_one_round_trip_and_works_for_aws_tools(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n")

    run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())

    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert "admin: session valid for 12h00m" in run.stderr
    assert emulator.request_count(aws_user.access_key_id) == 1
    secret, token = session_secrets(home, "admin")
    assert_no_secret(run.stdout + run.stderr, secret, token, aws_user.secret_access_key)

    # Every AWS tool now sees the session under --profile admin.
    credentials = boto3.Session(profile_name="admin").get_credentials()
    assert credentials is not None
    assert credentials.access_key.startswith("ASIA")
    assert credentials.token == token
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "sts",
            "get-caller-identity",
            "--profile",
            "admin",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=command_env(emulator),
        timeout=60,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Arn"] == aws_user.arn


def test_first_login_discovers_the_device_then_stays_valid_without_a_call(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="profile")

    first = mfa_login(emulator, "--profile", "admin", stdin=aws_user.code() + "\n")

    assert first.code == 0, first.stderr
    assert emulator.request_count(aws_user.access_key_id) == 2
    assert "moved the long-term key from [admin] to [admin-long-term]" in first.stderr
    written = sections(home.credentials)
    assert written["admin-long-term"]["aws_access_key_id"] == aws_user.access_key_id
    assert written["admin"]["aws_access_key_id"].startswith("ASIA")

    emulator.reset_counts()
    again = mfa_login(emulator, "--profile", "admin")
    assert again.code == 0, again.stderr
    assert (
        "admin: still valid for 11h59m" in again.stderr or "still valid for 12h00m" in again.stderr
    )
    assert emulator.request_count(aws_user.access_key_id) == 0

    forced = mfa_login(emulator, "--profile", "admin", "--force", "--code", aws_user.next_code())
    assert forced.code == 0, forced.stderr
    # The device was remembered: one round trip, no discovery.
    assert emulator.request_count(aws_user.access_key_id) == 1


def test_quiet_prints_nothing_and_debug_prints_no_secret(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    quiet = mfa_login(emulator, "--profile", "admin", "--quiet", "--code", aws_user.code())
    assert quiet.code == 0, quiet.stderr
    assert (quiet.stdout, quiet.stderr) == ("", "")

    debug = mfa_login(
        emulator, "--profile", "admin", "--debug", "--force", "--code", aws_user.next_code()
    )
    assert debug.code == 0, debug.stderr
    assert "debug: device " in debug.stderr
    assert "debug: GetSessionToken answered in" in debug.stderr
    secret, token = session_secrets(home, "admin")
    assert_no_secret(debug.stdout + debug.stderr, secret, token, aws_user.secret_access_key)


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mfa_session", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("mfa-login ")


# --- in a pseudo-terminal ------------------------------------------------------------------


def test_terminal_pickers_then_a_wrong_code_then_the_right_one(
    home: Home, emulator: Emulator
) -> None:
    alice = emulator.create_user("pty-alice", totp_devices=2)
    bob = emulator.create_user("pty-bob")
    write_long_term(home, "alpha", bob, layout="long-term")
    write_long_term(home, "work", alice, layout="long-term")
    second = alice.mfa_serials[1]

    child = spawn(emulator)
    child.expect("Profile to log in")
    child.send("\x1b[B")  # arrow down: from alpha to work
    child.send("\r")
    child.expect("MFA device")
    child.send("\x1b[B")
    child.send("\r")
    child.expect("MFA code for work")
    child.sendline("000000" if alice.code(second) != "000000" else "111111")
    child.expect("AWS rejected that code: most likely mistyped")
    child.sendline(alice.code(second))
    child.expect("work: session valid for")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0
    assert sections(home.credentials)["work"]["aws_access_key_id"].startswith("ASIA")
    # Discovery, one rejected code and the accepted one.
    assert emulator.request_count(alice.access_key_id) == 3


def test_terminal_code_prompt_refuses_what_is_not_six_ascii_digits(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    child = spawn(emulator, "--profile", "admin", "--device", aws_user.mfa_serials[0])
    child.expect("MFA code for admin")
    child.sendline("12345")
    child.expect("got 5 characters")
    child.send("\b" * 5 + "١٢٣٤٥٦")  # Arabic-Indic digits pass isdigit(), not AWS
    child.send("\r")
    child.expect("character 1 is not a digit 0-9")
    child.send("\b" * 6 + aws_user.code() + "\r")
    child.expect("admin: session valid for")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert emulator.request_count(aws_user.access_key_id) == 1


@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_interrupt_at_the_prompt_exits_130_and_writes_nothing(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, key: str
) -> None:
    write_long_term(home, "admin", aws_user, layout="profile")
    before = home.credentials.read_bytes()
    child = spawn(emulator, "--profile", "admin", "--device", aws_user.mfa_serials[0])
    child.expect("MFA code for admin")
    child.send(key)
    child.expect("cancelled; nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert home.credentials.read_bytes() == before
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 0


def test_unwritable_state_folder_never_costs_the_session(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """Regression: the used-code record was saved before the session and crashed the login."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = command_env(emulator, XDG_STATE_HOME=str(blocker / "state"))

    run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code(), env=env)

    assert run.code == 0, run.stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")


@pytest.mark.parametrize(
    ("backend", "said"),
    [
        ("tests.keyring_backends.LockedKeyring", "the OS keyring is locked"),
        # No keyring at all can hold no item: not worth a line every morning.
        ("keyring.backends.fail.Keyring", None),
    ],
    ids=["locked", "none"],
)
def test_terminal_login_from_the_file_when_the_keyring_fails(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, backend: str, said: str | None
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    env = command_env(
        emulator,
        PYTHON_KEYRING_BACKEND=backend,
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    child = spawn(emulator, "--profile", "admin", "--device", aws_user.mfa_serials[0], env=env)
    child.logfile_read = io.StringIO()  # everything the terminal showed
    child.expect("MFA code for admin")
    child.sendline(aws_user.code())
    child.expect(pexpect.EOF)
    child.close()
    screen = child.logfile_read.getvalue()

    assert child.exitstatus == 0, screen
    assert "admin: session valid for" in screen
    if said is None:
        assert "keyring" not in screen
    else:
        assert f"{said} (backend {backend})" in screen
        assert "using the credentials file" in screen


def test_a_mistyped_code_at_the_prompt_is_asked_again_without_advice_to_wait(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """The typo case: AWS rejects a code mfa-login never used. The prompt says it was most
    likely mistyped and asks for the code the app shows; "wait for the next code" would
    cost the person 30 seconds for nothing."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    child = spawn(emulator, "--profile", "admin", "--device", aws_user.mfa_serials[0])
    child.expect("MFA code for admin")
    right = aws_user.code()
    child.sendline(right[:5] + str((int(right[5]) + 1) % 10))  # one digit off
    child.expect("AWS rejected that code: most likely mistyped, or the code of another entry")
    rejection = str(child.before) + str(child.after)
    child.sendline(aws_user.code())
    child.expect("admin: session valid for")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0
    assert "wait" not in rejection.lower()
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
