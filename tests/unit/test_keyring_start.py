"""keyring starts without its macOS bindings off macOS, and chooses exactly as it would with them.

`vault.skip_macos_bindings` spares the login three `find_library` subprocesses; these tests
run keyring's own discovery in a child process, with and without it, and compare the answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import Home

DISCOVER = """
import json, sys
if sys.argv[1] == "skip":
    from mfa_session.adapters.keyring import skip_macos_bindings
    skip_macos_bindings()
import keyring
from keyring import backend
from keyring.backends import macOS

def priority(kind):
    try:
        return repr(kind.priority)
    except Exception as err:
        return f"{type(err).__name__}: {err}"

chosen = keyring.get_keyring()
print(json.dumps({
    "chosen": f"{type(chosen).__module__}.{type(chosen).__qualname__}",
    "viable": sorted(f"{type(k).__module__}.{type(k).__qualname__} {k.priority}"
                     for k in backend.get_all_keyring()),
    "macOS": priority(macOS.Keyring),
    "marked absent": sys.modules.get("keyring.backends.macOS.api", 0) is None,
}))
"""


def discovered(mode: str, home: Home) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["HOME"] = str(home.root)
    done = subprocess.run(
        [sys.executable, "-c", DISCOVER, mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    found: dict[str, object] = json.loads(done.stdout)
    return found


@pytest.mark.skipif(sys.platform == "darwin", reason="the bindings are the backend on macOS")
def test_keyring_chooses_the_same_backend_without_the_macos_bindings(home: Home) -> None:
    pytest.importorskip("keyring")
    with_bindings = discovered("full", home)
    without = discovered("skip", home)

    assert without.pop("marked absent") is True
    assert with_bindings.pop("marked absent") is False
    assert without == with_bindings
    assert str(without["macOS"]).startswith("RuntimeError: macOS required")
