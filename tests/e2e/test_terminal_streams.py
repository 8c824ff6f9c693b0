"""The standard streams as people leave them: stderr in a file, stdout closed or cut off, a
code on the command line, and names that hold escape sequences."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import write_session
from tests.e2e.helpers import (
    MFA_LOGIN,
    command_env,
    login_with_code_argument,
    mfa_login,
    sections,
    spawn,
    write_config,
    write_long_term,
)
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

CODE_WARNING = (
    "mfa-login: a code given with --code shows in the process list (ps) to every user of "
    "this machine, while it is still valid: pipe it on standard input, or leave --code out "
    "to be asked"
)


# --- the prompt with stderr redirected -------------------------------------------------------


def test_prompt_is_on_the_terminal_when_stderr_goes_to_a_file(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """Regression: with `2>log` the prompt was drawn into the log; the command looked hung."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    log = tmp_path / "log"
    child = pexpect.spawn(
        "sh",
        [
            "-c",
            'exec "$0" --profile admin --device "$1" 2>"$2"',
            MFA_LOGIN,
            aws_user.mfa_serials[0],
            str(log),
        ],
        env=command_env(emulator),
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 100),
    )
    child.expect("MFA code for admin")
    child.sendline(aws_user.code())
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0, log.read_text()
    assert "admin: session valid for" in log.read_text()
    assert "MFA code for" not in log.read_text()
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")


# --- a closed stdout -------------------------------------------------------------------------


def test_export_into_a_reader_that_left_exits_141_without_a_traceback(home: Home) -> None:
    """The reader leaves before the command starts: closing it after the start raced the
    command (about 50 ms), which could write into the pipe first, say a GC pause here."""
    write_session(home, "admin", timedelta(hours=5))
    reader, writer = os.pipe()
    os.close(reader)  # `| head -0`: the reader is gone before anything is written
    try:
        process = subprocess.Popen(
            [MFA_LOGIN, "export", "--profile", "admin"],
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(writer)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 141
    assert stderr == b""


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["export", "--profile", "admin"], id="export"),
        pytest.param(["status"], id="status"),
    ],
)
def test_closed_stdout_exits_141_without_a_traceback(home: Home, command: list[str]) -> None:
    write_session(home, "admin", timedelta(hours=5))
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", MFA_LOGIN, *command],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 141
    assert done.stderr == ""


def test_login_with_stdout_closed_writes_a_whole_credentials_file(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """A file opened while descriptor 1 is closed would take its number and get our output."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    device = ["--device", aws_user.mfa_serials[0], "--code", aws_user.code()]
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", MFA_LOGIN, "--profile", "admin", *device],
        capture_output=True,
        text=True,
        env=command_env(emulator),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = sections(home.credentials)
    assert written["admin"]["aws_access_key_id"].startswith("ASIA")
    assert written["admin-long-term"]["aws_access_key_id"] == aws_user.access_key_id


# --- --code on the command line --------------------------------------------------------------


def test_code_on_the_command_line_warns_that_ps_shows_it(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    run = login_with_code_argument(emulator, aws_user)
    assert run.code == 0, run.stderr
    assert run.stderr.splitlines()[0] == CODE_WARNING
    assert "admin: session valid for" in run.stderr


def test_code_on_stdin_and_quiet_get_no_warning(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_long_term(home, "other", aws_user, layout="long-term")
    device = ("--device", aws_user.mfa_serials[0])
    piped = mfa_login(emulator, "--profile", "admin", *device, stdin=aws_user.code() + "\n")
    quiet = mfa_login(
        emulator, "--profile", "other", *device, "--quiet", "--code", aws_user.next_code()
    )
    assert piped.code == 0, piped.stderr
    assert "--code" not in piped.stderr
    assert quiet.code == 0, quiet.stderr
    assert quiet.stderr == ""


# --- names with escape sequences -------------------------------------------------------------

CLEAR_SCREEN = "\x1b[2J"


def test_escape_sequence_in_a_profile_name_is_shown_not_obeyed(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    profile = f"evil{CLEAR_SCREEN}"
    write_long_term(home, profile, aws_user, layout="long-term")  # another tool wrote it

    run = mfa_login(
        emulator, "--profile", profile, "--device", aws_user.mfa_serials[0], stdin=aws_user.code()
    )
    status = subprocess.run(
        [MFA_LOGIN, "status"], capture_output=True, text=True, timeout=60, check=False
    )

    # Such a section is never written; the refusal names it as text.
    assert run.code == 6, run.stderr
    assert "\x1b" not in run.stderr
    assert "the section name 'evil\\x1b[2J' cannot be written" in run.stderr
    assert "\x1b" not in status.stdout
    assert "evil\\x1b[2J  no session" in status.stdout


def test_escape_sequence_in_a_device_serial_is_shown_not_obeyed(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    serial = "arn:aws:iam::123456789012:mfa/x\x1b]0;pwned\x07\n"
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(home, f"[profile admin]\nmfa_serial = {serial.strip()}\x1b[1A\n")

    run = mfa_login(emulator, "--profile", "admin", stdin=aws_user.code())

    assert run.code == 3
    assert "\x1b" not in run.stderr
    assert "\x07" not in run.stderr
    assert "mfa/x\\x1b]0;pwned\\x07\\x1b[1A for this key" in run.stderr


def test_escape_sequence_in_a_profile_name_is_shown_in_the_prompts(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    profile = f"evil{CLEAR_SCREEN}"
    write_long_term(home, profile, aws_user, layout="long-term")
    write_long_term(home, "plain", aws_user, layout="long-term")
    env = command_env(emulator)

    picker = spawn(emulator, env=env)
    picker.expect("Profile to log in")
    picker.expect_exact("evil\\x1b[2J")
    picker.send("\x03")
    picker.expect(pexpect.EOF)
    picker.close()
    assert picker.exitstatus == 130

    args = ["--profile", profile, "--write-profile", "plain", "--device", aws_user.mfa_serials[0]]
    child = spawn(emulator, *args, env=env)
    child.expect_exact("MFA code for evil\\x1b[2J (")
    child.sendline(aws_user.code())
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
