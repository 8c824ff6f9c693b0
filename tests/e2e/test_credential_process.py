"""credential_process through the AWS CLI: a stored session, a login on the terminal, and the
clear failure when there is no terminal to ask on."""

from __future__ import annotations

import json
import subprocess

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import AWS, configured, logged_in, shell_env
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

CP_PROFILE = "\n[profile cp]\ncredential_process = mfa-login credential-process --profile admin\n"


def aws_as_cp(emulator: Emulator) -> subprocess.CompletedProcess[str]:
    # A new session has no controlling terminal: like a service or a detached job.
    return subprocess.run(
        [AWS, "sts", "get-caller-identity", "--profile", "cp", "--output", "json"],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=90,
        check=False,
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )


def test_cli_uses_the_stored_session_through_credential_process(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user, CP_PROFILE)
    logged_in(emulator, aws_user)
    emulator.reset_counts()

    done = aws_as_cp(emulator)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Arn"] == aws_user.arn
    assert emulator.request_count(aws_user.access_key_id) == 0  # no login was needed


def test_no_terminal_and_no_session_fails_with_a_clear_message(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user, CP_PROFILE)

    done = aws_as_cp(emulator)

    assert done.returncode != 0
    assert (
        "profile admin needs a login and there is no terminal to ask for the MFA code"
        in done.stderr
    )
    assert "mfa_code_command" in done.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_login_prompt_goes_to_the_terminal_not_to_the_sdk(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user, CP_PROFILE)
    child = pexpect.spawn(
        AWS,
        ["sts", "get-caller-identity", "--profile", "cp", "--output", "json"],
        env=shell_env(emulator),
        encoding="utf-8",
        timeout=60,
        dimensions=(30, 100),
    )
    child.expect("MFA code for admin")
    child.sendline(aws_user.code())
    child.expect(aws_user.arn)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_code_command_in_the_config_logs_in_without_a_terminal(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user, f"mfa_code_command = echo {aws_user.code()}\n" + CP_PROFILE)

    done = aws_as_cp(emulator)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Arn"] == aws_user.arn
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
