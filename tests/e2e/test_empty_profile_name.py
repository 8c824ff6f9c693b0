"""`--profile ""` is a usage error everywhere: it used to mean `default`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import write_session
from tests.e2e.helpers import mfa_login
from tests.emulator import Emulator

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--profile", ""], id="login"),
        pytest.param(["--profile="], id="login-equals"),
        pytest.param(["--profile", "  "], id="login-blank"),
        pytest.param(["--profile", "default", "--write-profile", ""], id="write-profile"),
        pytest.param(["export", "--profile", ""], id="export"),
        pytest.param(["exec", "--profile", "", "--", "true"], id="exec"),
        pytest.param(["credential-process", "--profile", ""], id="credential-process"),
        pytest.param(["status", "--profile", ""], id="status"),
        pytest.param(["setup", "--profile", ""], id="setup"),
        pytest.param(["forget", "--profile", "", "--yes"], id="forget"),
    ],
)
def test_an_empty_profile_name_is_a_usage_error_not_default(
    home: Home, emulator: Emulator, args: list[str]
) -> None:
    """With a valid session in [default], which an empty name used to stand for."""
    write_session(home, "default", timedelta(hours=6))
    before = home.credentials.read_bytes()

    run = mfa_login(emulator, *args)

    assert run.code == 2, run.stderr
    assert run.stdout == ""
    option = "--write-profile/--update-profile" if "--write-profile" in args else "--profile"
    assert run.stderr.endswith(f"error: argument {option}: a profile name cannot be empty\n")
    assert home.credentials.read_bytes() == before
