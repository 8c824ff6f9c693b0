"""pytest fixtures for the emulator; enable with `pytest_plugins = ["tests.emulator.fixtures"]`."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.emulator.client import EmulatedUser, Emulator

_user_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One emulator process for the whole run; tests keep apart by using their own users."""
    with Emulator() as emu:
        yield emu


@pytest.fixture
def aws_user(emulator: Emulator, request: pytest.FixtureRequest) -> EmulatedUser:
    """A fresh IAM user with one virtual MFA device, named after the test."""
    # IAM user names allow [\w+=,.@-] and at most 64 characters.
    stem = "".join(ch if ch.isalnum() else "-" for ch in request.node.name)[:48]
    return emulator.create_user(f"{stem}-{next(_user_numbers)}")
