"""Twenty real `mfa-login` processes against the local AWS emulator, all writing one
credentials file at once. Each profile has an IAM user and MFA device of its own (a code
works once per device), and every written session is checked by signing a request with it.
"""

from __future__ import annotations

import subprocess
from collections import Counter

import pytest

from tests.conftest import Home
from tests.e2e.helpers import MFA_LOGIN, command_env
from tests.emulator import EmulatedUser, Emulator
from tests.store_support import botocore_view, comment_lines, temp_files

PARALLEL = 20


@pytest.fixture(scope="module")
def users(emulator: Emulator) -> list[EmulatedUser]:
    return [emulator.create_user(f"store-concurrency-{n:02d}") for n in range(PARALLEL)]


def _write_file(home: Home, users: list[EmulatedUser]) -> bytes:
    parts = ["# one file, twenty people's worth of profiles\n"]
    for n, user in enumerate(users):
        parts.append(
            f"# profile p{n:02d}\n[p{n:02d}-long-term]\naws_access_key_id = {user.access_key_id}\n"
            f"aws_secret_access_key = {user.secret_access_key}\n\n"
        )
    parts.append("[unrelated]\nregion = eu-west-1\n# the end\n")
    raw = "".join(parts).encode()
    home.credentials.write_bytes(raw)
    home.credentials.chmod(0o600)
    return raw


def _run_all(emulator: Emulator, users: list[EmulatedUser], *extra: str, late: bool) -> None:
    env = command_env(emulator)
    processes = []
    for n, user in enumerate(users):
        code = user.next_code() if late else user.code()
        args = ["--profile", f"p{n:02d}", "--code", code, "--device", user.mfa_serials[0]]
        processes.append(
            subprocess.Popen(
                [MFA_LOGIN, *args, "--force", *extra],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    failures = []
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        if process.returncode != 0:
            failures.append(stderr)
    assert not failures, failures


def _caller(emulator: Emulator, section: dict[str, str]) -> str:
    """Who AWS (the emulator) says a session belongs to: proves the three values match."""
    import boto3

    sts = boto3.client(
        "sts",
        endpoint_url=emulator.url,
        region_name="us-east-1",
        aws_access_key_id=section["aws_access_key_id"],
        aws_secret_access_key=section["aws_secret_access_key"],
        aws_session_token=section["aws_session_token"],
    )
    return str(sts.get_caller_identity()["Arn"])


def test_twenty_profiles_at_once_keep_all_twenty(
    emulator: Emulator, users: list[EmulatedUser], home: Home
) -> None:
    raw = _write_file(home, users)
    before = botocore_view(home.credentials)

    _run_all(emulator, users, late=False)

    after = botocore_view(home.credentials)
    for name, values in before.items():
        assert after[name] == values
    for n, user in enumerate(users):
        section = after[f"p{n:02d}"]
        assert section["aws_access_key_id"].startswith("ASIA")
        assert _caller(emulator, section) == user.arn
    assert not comment_lines(raw) - comment_lines(home.credentials.read_bytes())
    assert temp_files(home.credentials.parent) == []


def test_twenty_logins_into_one_section_leave_one_whole_session(
    emulator: Emulator, users: list[EmulatedUser], home: Home
) -> None:
    raw = _write_file(home, users)
    before = botocore_view(home.credentials)

    _run_all(emulator, users, "--write-profile", "shared", late=True)

    after = botocore_view(home.credentials)
    assert {name: after[name] for name in before} == before
    assert _caller(emulator, after["shared"]) in {user.arn for user in users}
    text = home.credentials.read_text()
    assert Counter(line.strip() for line in text.splitlines())["[shared]"] == 1
    assert not comment_lines(raw) - comment_lines(home.credentials.read_bytes())
    assert temp_files(home.credentials.parent) == []
