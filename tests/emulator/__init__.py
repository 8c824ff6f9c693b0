"""A local AWS (IAM + STS) for the tests and the demo: moto's server behind a layer of ours."""

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
