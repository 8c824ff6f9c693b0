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
