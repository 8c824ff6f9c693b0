"""A write the store would refuse is refused before the code is asked for and before any
request, so no code is spent on it (through the installed command).

Each login here has its key in [admin-long-term] and no device named, so without the
check it would ask IAM for the device, then spend the code on GetSessionToken.
"""

from __future__ import annotations

import fcntl
import subprocess

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.helpers import MFA_LOGIN, Run, command_env, mfa_login, spawn, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

OTHER_KEY = "[ops]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = s\n"


def prepared(home: Home, user: EmulatedUser, extra: str = "") -> bytes:
    write_long_term(home, "admin", user, layout="long-term")
    with home.credentials.open("a") as handle:
        handle.write(extra)
    return home.credentials.read_bytes()


def refused_before_any_request(
    run: Run, home: Home, emulator: Emulator, user: EmulatedUser, raw: bytes, message: str
) -> None:
    assert run.code == 6, run.stderr
    assert run.stderr == f"mfa-login: {message}\n"
    assert home.credentials.read_bytes() == raw
    assert emulator.request_count(user.access_key_id) == 0


@pytest.mark.parametrize(
    ("extra", "args", "message"),
    [
        pytest.param(
            OTHER_KEY,
            ("--write-profile", "ops"),
            "[ops] holds a long-term key (AKIA...); a session never overwrites it: choose "
            "another --write-profile",
            id="long-term-key-in-target",
        ),
        pytest.param(
            "[admin]\nsso_session = corp\nsso_account_id = 123456789012\n",
            (),
            "[admin] is managed by AWS IAM Identity Center (sso_account_id is set); mfa-login "
            "leaves it alone",
            id="sso",
        ),
        pytest.param(
            "[admin]\ncredential_process = /usr/bin/true\n",
            (),
            "[admin] is managed by a credential_process (credential_process is set); mfa-login "
            "leaves it alone",
            id="credential-process",
        ),
        pytest.param(
            "[admin]\nmanager = awsume\n",
            (),
            "[admin] is managed by awsume (manager is set); mfa-login leaves it alone",
            id="manager",
        ),
        pytest.param(
            "",
            ("--write-profile", " ops"),
            "the section name ' ops' cannot be written to the credentials file: aws-sdk-go-v2 "
            "drops spaces at its start or end, which makes it another profile; choose another "
            "--write-profile",
            id="name-with-a-space",
        ),
        pytest.param(
            "",
            ("--write-profile", "ops\x1b[31m"),
            "the section name 'ops\\x1b[31m' cannot be written to the credentials file: it "
            "holds a line break, a tab or another control character; choose another "
            "--write-profile",
            id="name-with-an-escape",
        ),
        pytest.param(
            "",
            ("--write-profile", "DEFAULT"),
            "the section name 'DEFAULT' cannot be written to the credentials file: AWS tools "
            "read [DEFAULT] as defaults for every section, not as a profile; choose another "
            "--write-profile",
            id="name-DEFAULT",
        ),
    ],
)
def test_a_refusal_known_in_advance_spends_no_code(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    extra: str,
    args: tuple[str, ...],
    message: str,
) -> None:
    """Regression: each of these was found only after GetSessionToken had spent the code."""
    raw = prepared(home, aws_user, extra)

    run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code(), *args)

    refused_before_any_request(run, home, emulator, aws_user, raw, message)


def test_a_file_botocore_cannot_read_spends_no_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """A section twice: the AWS CLI and boto3 cannot read the file, so it is not written."""
    raw = prepared(home, aws_user, "[other]\nx = 1\n[other]\ny = 2\n")
    first = raw[: raw.index(b"[other]")].count(b"\n") + 1

    run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())

    refused_before_any_request(
        run,
        home,
        emulator,
        aws_user,
        raw,
        f"{home.credentials}, line {first + 2}: a second [other] section (the first is on "
        f"line {first}), which the AWS CLI and boto3 (botocore) cannot read: merge the two; "
        "the file was left as it was",
    )


def test_a_held_lock_spends_no_code(home: Home, emulator: Emulator, aws_user: EmulatedUser) -> None:
    """Another login holding the lock past the wait (10 s) is said before the code."""
    raw = prepared(home, aws_user)
    with home.credentials.with_name("credentials.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())

    refused_before_any_request(
        run,
        home,
        emulator,
        aws_user,
        raw,
        f"another mfa-login is writing {home.credentials}; nothing was written, try again",
    )


def test_a_read_only_folder_spends_no_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    raw = prepared(home, aws_user)
    folder = str(home.credentials.parent)
    # A private mount namespace: the read-only bind mount vanishes with the command.
    read_only = (
        "unshare",
        "--mount",
        "sh",
        "-c",
        'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"',
        folder,
    )
    probe = subprocess.run([*read_only, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only bind mount here: {probe.stderr.strip()}")

    done = subprocess.run(
        [*read_only, MFA_LOGIN, "--profile", "admin", "--code", aws_user.code()],
        capture_output=True,
        text=True,
        env=command_env(emulator),
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )

    refused_before_any_request(
        Run(done.returncode, done.stdout, done.stderr),
        home,
        emulator,
        aws_user,
        raw,
        f"{home.credentials} could not be written (Read-only file system); the file was left "
        "as it was",
    )


def test_a_refusal_known_in_advance_comes_before_the_code_prompt(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    raw = prepared(home, aws_user, OTHER_KEY)
    child = spawn(emulator, "--profile", "admin", "--write-profile", "ops")
    child.expect(pexpect.EOF)
    child.close()
    shown = child.before

    assert child.exitstatus == 6, shown
    assert "[ops] holds a long-term key (AKIA...)" in shown
    assert "MFA code" not in shown
    assert home.credentials.read_bytes() == raw
    assert emulator.request_count(aws_user.access_key_id) == 0
