"""The README's first command: the demo logs in against its own emulator, in a temp folder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import Home

pytestmark = pytest.mark.e2e


def test_demo_logs_in_and_hides_the_secrets(home: Home) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.emulator.demo"],
        stdin=subprocess.DEVNULL,  # no terminal: the demo pipes the code, as a script would
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    output = done.stdout + done.stderr
    assert "demo: session valid for 12h00m" in output
    assert "arn:aws:iam::123456789012:user/demo-user" in output
    assert "demo: still valid for" in output
    assert "(hidden)" in output
    # The demo works in a folder of its own; the test's home stays empty.
    assert not home.credentials.exists()


def test_the_demo_tells_a_true_story_at_every_step(home: Home) -> None:
    """The demo's credentials file kept its comment "the long-term key still sits in [demo]
    itself" above the new session: what it shows before and after the login is true."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.emulator.demo"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    before = done.stdout.split("before the first login", 1)[1].split("$ mfa-login", 1)[0]
    after = done.stdout.split("now holds", 1)[1].split("$ aws sts", 1)[0]

    assert "the long-term key sits in [demo] itself" in before
    assert sections_shown(before) == {"demo": "AKIA"}
    assert "the long-term key moved to [demo-long-term], the session in [demo]" in after
    assert sections_shown(after) == {"demo-long-term": "AKIA", "demo": "ASIA"}
    assert "#" not in after  # no comment of the first run left in the file
    assert not home.credentials.exists()


def sections_shown(text: str) -> dict[str, str]:
    """The sections of a credentials file as the demo prints it, and the kind of key each
    holds (the first four characters of its key id)."""
    found: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line.startswith("aws_access_key_id"):
            found[section] = line.split("=", 1)[1].strip()[:4]
    return found
