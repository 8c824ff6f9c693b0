"""The product's own small state file: the MFA device chosen for each profile, the profiles
whose long-term key stays in the credentials file (`--no-keyring`), the sections mfa-login
has written, and hashes of the codes AWS accepted.

It lives in $XDG_STATE_HOME/mfa-session/state.json (default ~/.local/state/...), never in
~/.aws/config, which belongs to the person. It holds device ARNs, section names and
hashes: no secrets and never a code.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

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
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            raw = read_regular(self.path, strict=False)
            data = json.loads(raw) if raw else {}
        except (OSError, ValueError):
            # A missing, unreadable or damaged state file only costs one IAM lookup.
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: Mapping[str, object]) -> None:
        """Best effort: the state only saves round trips and guards codes, so a folder that
        cannot be written (a read-only or full home) must never cost the person a session."""
        try:
            self._write(data)
        except OSError as err:
            import logging

            logging.getLogger("mfa_session").debug("state file %s not saved: %s", self.path, err)

    def _write(self, data: Mapping[str, object]) -> None:
        import contextlib
        import tempfile

        folder = os.path.dirname(os.fspath(self.path)) or "."
        # Like Path.mkdir(parents=True): only the last folder gets the mode.
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".state.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise


class DeviceMemory(_StateFile):
    """The MFA device chosen for each profile."""

    def remembered_profiles(self) -> list[str]:
        return sorted(self._load().get("devices", {}))

    def recall(self, profile: str) -> str | None:
        serial = self._load().get("devices", {}).get(profile)
        return serial if isinstance(serial, str) else None

    def remember(self, profile: str, serial: str) -> None:
        data = self._load()
        devices = data.setdefault("devices", {})
        if devices.get(profile) != serial:
            devices[profile] = serial
            self._save(data)

    def forget(self, profile: str) -> None:
        data = self._load()
        if data.get("devices", {}).pop(profile, None) is not None:
            self._save(data)


class LayoutMemory(_StateFile):
    """Profiles whose long-term key stays in the credentials file: no keyring, no offer."""

    FILE = "file"

    def keeps_file(self, profile: str) -> bool:
        return self._load().get("long_term_keys", {}).get(profile) == self.FILE

    def keep_file(self, profile: str) -> None:
        data = self._load()
        layouts = data.setdefault("long_term_keys", {})
        if layouts.get(profile) != self.FILE:
            layouts[profile] = self.FILE
            self._save(data)

    def clear(self, profile: str) -> None:
        data = self._load()
        if data.get("long_term_keys", {}).pop(profile, None) is not None:
            self._save(data)


class WrittenSections(_StateFile):
    """Sections mfa-login has put a session or a role's credentials into (for `status`)."""

    def record(self, section: str, profile: str) -> None:
        data = self._load()
        sections = data.setdefault("sections", {})
        if sections.get(section) != profile:
            sections[section] = profile
            self._save(data)

    def sections(self) -> dict[str, str]:
        found = self._load().get("sections", {})
        return dict(found) if isinstance(found, dict) else {}


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
        data = self._load()
        steps = data.get("used_steps", {})
        kept = {
            digest: end
            for digest, end in steps.items()
            if isinstance(end, (int, float)) and end > moment - KEEP_STEPS_SECONDS
        }
        step = _step(moment)
        kept[_step_hash(serial, step, code)] = (step + 1) * STEP_SECONDS
        data["used_steps"] = kept
        self._save(data)


def seconds_to_next_step(moment: float) -> int:
    """Whole seconds until the next code appears, at least 1."""
    return max(1, int((_step(moment) + 1) * STEP_SECONDS - moment + 0.999))


def _step(moment: float) -> int:
    return int(moment // STEP_SECONDS)


def _step_hash(serial: str, step: int, code: str) -> str:
    import hashlib

    return hashlib.sha256(f"{serial}\n{step}\n{code}".encode()).hexdigest()[:32]
