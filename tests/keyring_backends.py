"""Keyring backends for the tests, chosen by name through PYTHON_KEYRING_BACKEND.

`MemoryKeyring` keeps its items in a class-level dict, so every instance in one process sees
the same keyring (the product builds its own instance); the `memory_keyring` fixture empties
it. The others fail the way real keyrings do.
"""

from __future__ import annotations

from typing import ClassVar, NoReturn

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

MEMORY = "tests.keyring_backends.MemoryKeyring"


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]  # keyring declares it as a classproperty
    items: ClassVar[dict[tuple[str, str], str]] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt.file.PlaintextKeyring, which keyring picks without a word."""


class LockedKeyring(KeyringBackend):
    """A Secret Service whose collection stays locked (the unlock prompt was dismissed)."""

    priority = 1  # type: ignore[assignment]

    def _fail(self, *_args: str) -> NoReturn:
        raise KeyringLocked("Failed to unlock the collection!")

    get_password = set_password = delete_password = _fail


class BrokenKeyring(KeyringBackend):
    """A backend that raises something of its own, as D-Bus errors do."""

    priority = 1  # type: ignore[assignment]

    def _fail(self, *_args: str) -> NoReturn:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    get_password = set_password = delete_password = _fail


class WriteOnlyKeyring(MemoryKeyring):
    """Reads fine, but a write lands nowhere: read-back finds the old value."""

    def set_password(self, *_args: str) -> None:
        return None


class EchoingKeyring(MemoryKeyring):
    """A backend whose error quotes what it was asked to store, escaped on the way (as a
    D-Bus error's text can): blanking the exact payload would miss it."""

    def set_password(self, _service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {username}: {password.encode('unicode_escape')!r}")
