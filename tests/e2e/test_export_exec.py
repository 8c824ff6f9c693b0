"""`export` evaluated by real shells, and `exec`, each then running the AWS CLI."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import AWS, configured, logged_in, shell_env
from tests.e2e.helpers import MFA_LOGIN, assert_no_secret, mfa_login, sections
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def identity(output: str) -> str:
    return str(json.loads(output)["Arn"])


def test_export_in_bash_logs_in_with_a_code_command_then_the_cli_works(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    script = (
        f'eval "$(mfa-login export --profile admin --code-command "echo {aws_user.code()}")"\n'
        'test -n "$AWS_CREDENTIAL_EXPIRATION" || exit 9\n'
        "aws sts get-caller-identity --output json\n"
    )
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert identity(done.stdout) == aws_user.arn
    assert "admin: session valid for" in done.stderr  # a login happened, said on stderr
    token = sections(home.credentials)["admin"]["aws_session_token"]
    assert_no_secret(done.stderr, token)


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (Debian: fish)")
def test_export_in_fish_uses_the_stored_session(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    emulator.reset_counts()
    script = (
        "mfa-login export --profile admin --format fish | source\n"
        "aws sts get-caller-identity --output json\n"
    )
    done = subprocess.run(
        ["fish", "--no-config", "-c", script],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert identity(done.stdout) == aws_user.arn
    assert done.stderr == ""  # still valid: quiet
    # No login: the one request is the CLI's own, made with the session's key.
    assert emulator.request_count(aws_user.access_key_id) == 0


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("json", '"Version": 1'),
        ("dotenv", 'AWS_SESSION_TOKEN="'),
        ("powershell", "$Env:AWS_SESSION_TOKEN = '"),
        ("sh", "export AWS_SESSION_TOKEN='"),
    ],
)
def test_export_formats(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, form: str, expected: str
) -> None:
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    run = mfa_login(emulator, "export", "--profile", "admin", "--format", form)
    assert run.code == 0, run.stderr
    assert expected in run.stdout
    stored = sections(home.credentials)["admin"]
    assert stored["aws_session_token"] in run.stdout
    if form == "json":
        data = json.loads(run.stdout)
        assert data["AccessKeyId"] == stored["aws_access_key_id"]
        assert data["Expiration"] == stored["expiration"]
        assert set(data) == {
            "Version",
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration",
        }


def test_exec_sets_the_session_drops_aws_profile_and_passes_the_exit_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    check = (
        'test -z "$AWS_PROFILE" && test -n "$AWS_SESSION_TOKEN" '
        '&& test -n "$AWS_CREDENTIAL_EXPIRATION" && exit 7'
    )
    done = subprocess.run(
        [MFA_LOGIN, "exec", "--", "sh", "-c", check],
        capture_output=True,
        text=True,
        env=shell_env(emulator, AWS_PROFILE="admin"),
        timeout=60,
        check=False,
    )
    assert done.returncode == 7, done.stderr

    cli = subprocess.run(
        [MFA_LOGIN, "exec", "--profile", "admin", "--", AWS, "sts", "get-caller-identity"],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=60,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert identity(cli.stdout) == aws_user.arn

    missing = mfa_login(emulator, "exec", "--profile", "admin", "--", "no-such-command-here")
    assert missing.code == 127
    assert missing.stderr == "mfa-login: exec: command not found: no-such-command-here\n"

    nothing = mfa_login(emulator, "exec", "--profile", "admin")
    assert nothing.code == 2
    assert "exec needs a command" in nothing.stderr
