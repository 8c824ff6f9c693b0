"""Keyring backends for the tests, chosen by name through PYTHON_KEYRING_BACKEND.

`DiskKeyring` keeps its items in a JSON file under $XDG_DATA_HOME (which conftest points
into the test's own folder), so they outlive the process, as a Secret Service's do: the
product's second-process check reads them, and so does a later `mfa-login`. The `keyring`
fixture empties it and hands the test a view of it (`KeyringFile`).

`MemoryKeyring` keeps its items in a class-level dict: every instance in one process sees
them, no other process does. `SessionOnlyKeyring` is the same, named for what it stands for
(a Secret Service session collection, an unsaved KeePassXC database). The others fail the
way real keyrings do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import ClassVar

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

DISK = "tests.keyring_backends.DiskKeyring"
SESSION_ONLY = "tests.keyring_backends.SessionOnlyKeyring"


class MemoryKeyring(KeyringBackend):
    priority = 1  # keyring declares it as a classproperty; a number reads the same
    items: ClassVar[dict[tuple[str, str], str]] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class SessionOnlyKeyring(MemoryKeyring):
    """Reads an item back in the process that wrote it; the next process finds nothing."""


class KeyringFile(MutableMapping[tuple[str, str], str]):
    """The items of `DiskKeyring`, {(service, username): secret}, read and written through."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[tuple[str, str], str]:
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return {(service, user): secret for service, user, secret in rows}

    def _write(self, items: dict[tuple[str, str], str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        rows = [[service, user, secret] for (service, user), secret in sorted(items.items())]
        self.path.write_text(json.dumps(rows), encoding="utf-8")

    def __getitem__(self, key: tuple[str, str]) -> str:
        return self._read()[key]

    def __setitem__(self, key: tuple[str, str], value: str) -> None:
        items = self._read()
        items[key] = value
        self._write(items)

    def __delitem__(self, key: tuple[str, str]) -> None:
        items = self._read()
        del items[key]
        self._write(items)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


def disk_keyring_file() -> KeyringFile:
    return KeyringFile(Path(os.environ["XDG_DATA_HOME"]) / "test-keyring.json")


class DiskKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return disk_keyring_file().get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        disk_keyring_file()[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        items = disk_keyring_file()
        if (service, username) not in items:
            raise PasswordDeleteError(username)
        del items[(service, username)]


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt.file.PlaintextKeyring, which keyring picks without a word."""


class LockedKeyring(KeyringBackend):
    """A Secret Service whose collection stays locked (the unlock prompt was dismissed)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:  # noqa: ARG002 - every call fails
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:  # noqa: ARG002 - every call fails
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:  # noqa: ARG002 - every call fails
        raise KeyringLocked("Failed to unlock the collection!")


class BrokenKeyring(KeyringBackend):
    """A backend that raises something of its own, as D-Bus errors do."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:  # noqa: ARG002 - every call fails
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:  # noqa: ARG002 - every call fails
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def delete_password(self, service: str, username: str) -> None:  # noqa: ARG002 - every call fails
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")


class WriteOnlyKeyring(MemoryKeyring):
    """Reads fine, but a write lands nowhere: read-back finds the old value."""

    def set_password(self, *_args: str) -> None:
        return None


class EchoingKeyring(MemoryKeyring):
    """A backend whose error quotes what it was asked to store, escaped on the way (as a
    D-Bus error's text can): blanking the exact payload would miss it."""

    def set_password(self, _service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {username}: {password.encode('unicode_escape')!r}")
