"""Twenty real `mfa-login` processes at once, each recording in the one state file: the
device IAM found, the used code's step and the section written. Every record survives.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import Home
from tests.e2e.helpers import MFA_LOGIN, command_env
from tests.emulator import EmulatedUser, Emulator

PARALLEL = 20


@pytest.fixture(scope="module")
def users(emulator: Emulator) -> list[EmulatedUser]:
    return [emulator.create_user(f"state-concurrency-{n:02d}") for n in range(PARALLEL)]


def test_twenty_parallel_logins_keep_all_twenty_state_records(
    emulator: Emulator, users: list[EmulatedUser], home: Home
) -> None:
    home.credentials.write_text(
        "".join(
            f"[p{n:02d}-long-term]\naws_access_key_id = {user.access_key_id}\n"
            f"aws_secret_access_key = {user.secret_access_key}\n\n"
            for n, user in enumerate(users)
        )
    )
    home.credentials.chmod(0o600)
    env = command_env(emulator)
    # No --device: each login asks IAM and remembers the device; each records its code.
    processes = [
        subprocess.Popen(
            [MFA_LOGIN, "--profile", f"p{n:02d}", "--code", user.code()],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, user in enumerate(users)
    ]
    failures = []
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        if process.returncode != 0:
            failures.append(stderr)
    assert not failures, failures

    state = json.loads((home.state / "mfa-session" / "state.json").read_text())
    mine = str(home.credentials.resolve())
    devices = {f"p{n:02d}": user.mfa_serials[0] for n, user in enumerate(users)}
    assert state["file_devices"] == {mine: devices}
    assert state["file_sections"] == {mine: {f"p{n:02d}": f"p{n:02d}" for n in range(PARALLEL)}}
    assert len(state["used_steps"]) == PARALLEL
