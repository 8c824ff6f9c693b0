"""A local AWS (IAM + STS) for the tests and the demo: moto's server behind a layer of ours.

Tests: `with Emulator() as emu: user = emu.create_user("alice")`, then point boto3 or the
product at `emu.url` (AWS_ENDPOINT_URL). Fixtures: `pytest_plugins = ["tests.emulator.fixtures"]`.
Demo, from the repository root: `python -m tests.emulator --port 0 --seed-user demo --print-env`.
"""

from tests.emulator.client import (
    ADMIN_ACCESS_KEY_ID,
    ADMIN_SECRET_ACCESS_KEY,
    EmulatedUser,
    Emulator,
    EmulatorError,
)
from tests.emulator.totp import totp

__all__ = [
    "ADMIN_ACCESS_KEY_ID",
    "ADMIN_SECRET_ACCESS_KEY",
    "EmulatedUser",
    "Emulator",
    "EmulatorError",
    "totp",
]
