"""Every test runs in a home of its own: nothing reads or writes the real ~/.aws or keyring."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.keyring_backends import KeyringFile

pytest_plugins = [
    "tests.emulator.fixtures",
    "tests.fault_proxy.fixtures",
    "tests.thirdparty.fixtures",
    "tests.browser",
]

# Variables that would let a test reach real credentials, a real profile or a real endpoint.
_LEAKY = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_IAM",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "NO_COLOR",
)


@dataclass(frozen=True)
class Home:
    root: Path
    credentials: Path
    config: Path
    state: Path


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    root = tmp_path / "home"
    aws = root / ".aws"
    aws.mkdir(parents=True)
    for name in _LEAKY:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(root))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(root / ".local" / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(root / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / ".cache"))
    # keyring's fail backend: a test that needs a keyring says which one it uses.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    # The metadata service is never asked, and no ~/.aws outside tmp_path is ever read.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return Home(root, aws / "credentials", aws / "config", root / ".local" / "state")


@pytest.fixture
def disk_keyring(monkeypatch: pytest.MonkeyPatch) -> KeyringFile:
    """An empty keyring whose items outlive the process (a file in the test's own folder),
    chosen as a person would: with PYTHON_KEYRING_BACKEND (after the autouse `home`)."""
    from tests.keyring_backends import DISK, disk_keyring_file

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", DISK)
    items = disk_keyring_file()
    assert not items.path.exists(), "each test's XDG_DATA_HOME is its own"
    return items


def keyring_item(home: Home, profile: str) -> tuple[str, str]:
    """The (service, username) of `profile`'s keyring item for the test's credentials file."""
    from mfa_session.adapters.keyring import SERVICE, item_name

    return SERVICE, item_name(profile, os.path.realpath(home.credentials))
