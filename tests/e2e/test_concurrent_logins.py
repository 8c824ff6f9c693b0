"""Two commands that need the same login at once: one code, one GetSessionToken, both answered.

SDKs and Terraform start several `credential_process` calls together. Each runs the installed
command here; the code command counts its runs in a file and takes a second to answer, as a
person reading a phone would, so the two calls overlap.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.e2e.helpers import MFA_LOGIN, command_env, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]

COUNTING_CODE_COMMAND = """\
import sys, time
sys.path.insert(0, {repo!r})
from tests.emulator.totp import totp

with open({counter!r}, "a", encoding="utf-8") as runs:
    runs.write("run\\n")
time.sleep(1.0)
print(totp({seed!r}))
"""


def test_two_credential_process_calls_at_once_send_one_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """Regression: each of two simultaneous credential-process calls asked for a code and
    called GetSessionToken. The second now waits for the first's login and uses its session."""
    counter = tmp_path / "code-command-runs"
    script = tmp_path / "code_command.py"
    script.write_text(
        COUNTING_CODE_COMMAND.format(repo=str(REPO), counter=str(counter), seed=aws_user.seed()),
        encoding="utf-8",
    )
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(
        home,
        f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\nregion = us-east-1\n"
        f"mfa_code_command = {sys.executable} {script}\n",
    )
    env = command_env(emulator)

    calls = [
        subprocess.Popen(
            [MFA_LOGIN, "credential-process", "--profile", "admin"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,  # no terminal, as an SDK's child has none
        )
        for _ in range(2)
    ]
    answers = [call.communicate(timeout=120) for call in calls]

    for call, (_out, err) in zip(calls, answers, strict=True):
        assert call.returncode == 0, err
    assert counter.read_text(encoding="utf-8") == "run\n"
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    first, second = (json.loads(out) for out, _err in answers)
    assert first == second
    assert first["AccessKeyId"].startswith("ASIA")
