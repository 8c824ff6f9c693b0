"""`exec` and `export` in a shell that another tool (aws-vault, awsume, an older session)
left credential variables in: every variable the session does not set is removed, so the
AWS CLI pairs the new key with nothing stale. Before, a leftover AWS_SECURITY_TOKEN (which
botocore reads before AWS_SESSION_TOKEN) made every call "The security token included in
the request is invalid"."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import (
    AWS,
    SHELLS_LOADING_EXPORT,
    configured,
    logged_in,
    run_captured,
    shell_env,
)
from tests.e2e.helpers import MFA_LOGIN, sections
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

STALE = {
    "AWS_SECURITY_TOKEN": "FwoGZXIvYXdzEstale-token-of-another-session",
    "AWS_ACCOUNT_ID": "999999999999",
    "AWS_DEFAULT_PROFILE": "someone-else",
    "AWS_PROFILE": "admin",
    "AWS_CREDENTIAL_EXPIRATION": "2020-01-01T00:00:00Z",
}
"""What another tool leaves behind (the expiration is another session's, long past)."""

WATCHED = (*STALE, "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN")
DUMP = f"import json, os; print(json.dumps({{n: os.environ.get(n) for n in {WATCHED!r}}}))"


def session_in_file(home: Home) -> dict[str, str]:
    return sections(home.credentials)["admin"]


def assert_only_the_session(seen: dict[str, str | None], home: Home) -> None:
    session = session_in_file(home)
    assert seen["AWS_ACCESS_KEY_ID"] == session["aws_access_key_id"]
    assert seen["AWS_SESSION_TOKEN"] == session["aws_session_token"]
    assert seen["AWS_CREDENTIAL_EXPIRATION"] == session["expiration"]
    for name in ("AWS_SECURITY_TOKEN", "AWS_ACCOUNT_ID", "AWS_DEFAULT_PROFILE", "AWS_PROFILE"):
        assert seen[name] is None, f"{name} was left in the environment"


def test_exec_removes_every_credential_variable_it_does_not_set(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    env = shell_env(emulator, **STALE)

    cli = run_captured(
        [MFA_LOGIN, "exec", "--profile", "admin", "--", AWS, "sts", "get-caller-identity"], env
    )
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Arn"] == aws_user.arn

    dumped = run_captured(
        [MFA_LOGIN, "exec", "--profile", "admin", "--", sys.executable, "-c", DUMP], env
    )
    assert dumped.returncode == 0, dumped.stderr
    assert_only_the_session(json.loads(dumped.stdout), home)


@pytest.mark.parametrize("shell", sorted(SHELLS_LOADING_EXPORT))
def test_export_unsets_stale_credential_variables_in_every_shell(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, shell: str
) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    argv, load = SHELLS_LOADING_EXPORT[shell]
    script = f"{load}\n{sys.executable} -c {json.dumps(DUMP)}\n{AWS} sts get-caller-identity\n"
    done = run_captured([*argv, script], shell_env(emulator, **STALE), timeout=90)
    assert done.returncode == 0, done.stderr
    dumped, caller = done.stdout.split("\n", 1)
    assert_only_the_session(json.loads(dumped), home)
    assert json.loads(caller)["Arn"] == aws_user.arn


def test_dotenv_export_names_what_this_shell_would_keep_over_the_file(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """A .env file cannot unset anything, and python-dotenv keeps what is already set: the
    export says which of this shell's variables a program loading it would keep."""
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    done = run_captured(
        [MFA_LOGIN, "export", "--profile", "admin", "--format", "dotenv"],
        shell_env(emulator, AWS_SECURITY_TOKEN=STALE["AWS_SECURITY_TOKEN"]),
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "mfa-login: a program that loads this dotenv file keeps what this shell already exports "
        "(AWS_SECURITY_TOKEN) over the file's session: unset AWS_SECURITY_TOKEN first\n"
    )
    assert 'AWS_SESSION_TOKEN="' in done.stdout
