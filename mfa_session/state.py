"""The product's own small state file: the MFA device chosen for each profile, the profiles
whose long-term key stays in the credentials file (`--no-keyring`), the sections mfa-login
has written, and hashes of the codes AWS accepted.

It lives in $XDG_STATE_HOME/mfa-session/state.json (default ~/.local/state/...), never in
~/.aws/config, which belongs to the person. It holds device ARNs, section names and
hashes: no secrets and never a code.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping

from mfa_session.regular import read_regular

# `status` reads this file on its quick path: pathlib, tempfile, hashlib and typing cost it
# milliseconds, so they load only where a write or a hash needs them (mypy treats any
# TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


def state_path(environ: Mapping[str, str]) -> str:
    """$XDG_STATE_HOME/mfa-session/state.json, default ~/.local/state/mfa-session/state.json."""
    base = environ.get("XDG_STATE_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".local", "state"
    )
    return os.path.join(base, "mfa-session", "state.json")


def state_file(environ: Mapping[str, str]) -> Path:
    from pathlib import Path

    return Path(state_path(environ))


class _StateFile:
    """One state file: `_load` for readers, `_update` for every change.

    Best effort both ways. A member of the wrong shape is dropped on load and the rest kept
    (a damaged file costs an IAM lookup or a used-code check, never the login); a state
    that cannot be saved (a read-only or full home, a link or another user's file there,
    a lock held too long) is skipped, said only with --debug. Each change is one locked
    read-modify-write with an atomic replace, so parallel logins keep every record.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path

    def _load(self) -> dict[str, Any]:
        try:
            raw = read_regular(self.path, strict=False)
            data = json.loads(raw) if raw else {}
        except (OSError, ValueError, RecursionError):
            # Missing, unreadable, not JSON or nested past the parser's depth.
            return {}
        return _validated(data)

    def _update(self, change: Callable[[dict[str, Any]], bool]) -> None:
        """Under the state file's lock: load, let `change(data)` mutate it in place and say
        whether it changed anything, and if it did, replace the file atomically."""
        from mfa_session.errors import MfaSessionError

        try:
            self._transaction(change)
        except (OSError, MfaSessionError) as err:
            import logging

            logging.getLogger("mfa_session").debug("state file %s not saved: %s", self.path, err)

    def _transaction(self, change: Callable[[dict[str, Any]], bool]) -> None:
        from pathlib import Path

        from mfa_session.store_files import (
            PRIVATE_FILE,
            Ownership,
            exclusive_lock,
            own_folder,
            remove_stale_temps,
            write_atomically,
        )

        path = Path(self.path)
        own_folder(path.parent)
        with exclusive_lock(path, LOCK_TIMEOUT):
            remove_stale_temps(path)
            data = self._load()
            if change(data):
                text = json.dumps(data, indent=2, sort_keys=True) + "\n"
                own = Ownership(PRIVATE_FILE, os.geteuid(), os.getegid())
                write_atomically(path, text.encode("utf-8"), own)


LOCK_TIMEOUT = 5.0
"""Seconds to wait for another login's state update (each holds the lock for one small
read and write)."""


def _text_values(value: object) -> dict[str, str]:
    """The entries of a {name: text} member that have that shape."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def _time_values(value: object) -> dict[str, float]:
    """The entries of a {hash: end time} member that have that shape."""
    if not isinstance(value, dict):
        return {}
    return {
        k: v
        for k, v in value.items()
        if isinstance(k, str)
        and isinstance(v, (int, float))
        and not isinstance(v, bool)
        and math.isfinite(v)
    }


_MEMBERS: dict[str, Callable[[object], dict[str, Any]]] = {
    "devices": _text_values,
    "long_term_keys": _text_values,
    "sections": _text_values,
    "used_steps": _time_values,
}
"""Each member mfa-login reads, and what keeps its well-formed entries. A member not named
here is kept as it is (a newer version's record) and must be checked by its own reader."""


def _validated(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    kept: dict[str, Any] = {}
    for name, value in data.items():
        shape = _MEMBERS.get(name)
        if shape is None:
            kept[name] = value
        elif entries := shape(value):
            kept[name] = entries
    return kept


class DeviceMemory(_StateFile):
    """The MFA device chosen for each profile."""

    def remembered_profiles(self) -> list[str]:
        return sorted(self._load().get("devices", {}))

    def recall(self, profile: str) -> str | None:
        serial = self._load().get("devices", {}).get(profile)
        return serial if isinstance(serial, str) else None

    def remember(self, profile: str, serial: str) -> None:
        self._update(lambda data: _set(data, "devices", profile, serial))

    def forget(self, profile: str) -> None:
        self._update(lambda data: _drop(data, "devices", profile))


class LayoutMemory(_StateFile):
    """Profiles whose long-term key stays in the credentials file: no keyring, no offer."""

    FILE = "file"

    def keeps_file(self, profile: str) -> bool:
        return bool(self._load().get("long_term_keys", {}).get(profile) == self.FILE)

    def keep_file(self, profile: str) -> None:
        self._update(lambda data: _set(data, "long_term_keys", profile, self.FILE))

    def clear(self, profile: str) -> None:
        self._update(lambda data: _drop(data, "long_term_keys", profile))


class WrittenSections(_StateFile):
    """Sections mfa-login has put a session or a role's credentials into (for `status`)."""

    def record(self, section: str, profile: str) -> None:
        self._update(lambda data: _set(data, "sections", section, profile))

    def sections(self) -> dict[str, str]:
        return dict(self._load().get("sections", {}))


STEP_SECONDS = 30
KEEP_STEPS_SECONDS = 300


class UsedSteps(_StateFile):
    """The codes AWS accepted, per device and 30-second step, as hashes only.

    Each entry is sha256(serial, step, code): enough to tell that a code typed now is one
    AWS already took in this step or the one before (so it would be refused), never the code
    itself. A code AWS accepted can never be used again, so the hash guards nothing of value.
    """

    def was_used(self, serial: str, code: str, moment: float) -> bool:
        seen = self._load().get("used_steps", {})
        step = _step(moment)
        return any(_step_hash(serial, s, code) in seen for s in (step - 1, step))

    def record(self, serial: str, code: str, moment: float) -> None:
        def add(data: dict[str, Any]) -> bool:
            step = _step(moment)
            kept = {
                digest: end
                for digest, end in data.get("used_steps", {}).items()
                if end > moment - KEEP_STEPS_SECONDS
            }
            kept[_step_hash(serial, step, code)] = (step + 1) * STEP_SECONDS
            data["used_steps"] = kept
            return True

        self._update(add)


def _set(data: dict[str, Any], member: str, name: str, value: str) -> bool:
    entries = data.setdefault(member, {})
    if entries.get(name) == value:
        return False
    entries[name] = value
    return True


def _drop(data: dict[str, Any], member: str, name: str) -> bool:
    return data.get(member, {}).pop(name, None) is not None


def seconds_to_next_step(moment: float) -> int:
    """Whole seconds until the next code appears, at least 1."""
    return max(1, int((_step(moment) + 1) * STEP_SECONDS - moment + 0.999))


def _step(moment: float) -> int:
    return int(moment // STEP_SECONDS)


def _step_hash(serial: str, step: int, code: str) -> str:
    import hashlib

    return hashlib.sha256(f"{serial}\n{step}\n{code}".encode()).hexdigest()[:32]
