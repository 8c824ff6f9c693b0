"""keyring starts without its macOS bindings off macOS, and without SecretStorage off a D-Bus
session, and chooses exactly as it would with them.

`adapters.keyring.skip_macos_bindings` spares the login three `find_library` subprocesses,
`skip_secret_service_without_a_bus` 8 MB of imports; these tests run keyring's own discovery
in a child process, with and without them, and compare the answers.
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


def probed(script: str, mode: str, home: Home, *unset: str) -> dict[str, object]:
    """What `script` prints (JSON) run with `mode` in a fresh Python, with the test's HOME and
    without the variables `unset`."""
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["HOME"] = str(home.root)
    done = subprocess.run(
        [sys.executable, "-c", script, mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    found: dict[str, object] = json.loads(done.stdout)
    return found


def discovered(mode: str, home: Home) -> dict[str, object]:
    return probed(DISCOVER, mode, home, "PYTHON_KEYRING_BACKEND")


@pytest.mark.skipif(sys.platform == "darwin", reason="the bindings are the backend on macOS")
def test_keyring_chooses_the_same_backend_without_the_macos_bindings(home: Home) -> None:
    pytest.importorskip("keyring")
    with_bindings = discovered("full", home)
    without = discovered("skip", home)

    assert without.pop("marked absent") is True
    assert with_bindings.pop("marked absent") is False
    assert without == with_bindings
    assert str(without["macOS"]).startswith("RuntimeError: macOS required")


WITHOUT_A_BUS = """
import json, os, sys
if sys.argv[1] == "skip":
    from mfa_session.adapters.keyring import skip_secret_service_without_a_bus
    skip_secret_service_without_a_bus(os.environ)
import keyring
from keyring import backend

chosen = keyring.get_keyring()
print(json.dumps({
    "chosen": f"{type(chosen).__module__}.{type(chosen).__qualname__}",
    "viable": sorted(f"{type(k).__module__}.{type(k).__qualname__} {k.priority}"
                     for k in backend.get_all_keyring()),
    "cryptography loaded": "cryptography" in sys.modules,
}))
"""


def discovered_without_a_bus(mode: str, home: Home) -> dict[str, object]:
    return probed(WITHOUT_A_BUS, mode, home, "PYTHON_KEYRING_BACKEND", "DBUS_SESSION_BUS_ADDRESS")


def test_without_a_dbus_session_keyring_chooses_the_same_backend_without_secretstorage(
    home: Home,
) -> None:
    """A login off a desktop (SSH, cron, CI) does not load SecretStorage and cryptography
    (8 MB of its peak memory) only to find no bus, and keyring chooses as it would."""
    pytest.importorskip("keyring")
    with_it = discovered_without_a_bus("full", home)
    without = discovered_without_a_bus("skip", home)

    assert without.pop("cryptography loaded") is False
    with_it.pop("cryptography loaded")
    assert without == with_it
