"""The product's own small state file: the MFA device chosen for each profile, and the
profiles whose long-term key stays in the credentials file (`--no-keyring`).

It lives in $XDG_STATE_HOME/mfa-session/state.json (default ~/.local/state/...), never in
~/.aws/config, which belongs to the person. It holds device ARNs only, no secrets.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def state_file(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_STATE_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "mfa-session" / "state.json"


class _StateFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            # A damaged state file only costs one IAM lookup; it is rewritten on success.
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: Mapping[str, object]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".state.", suffix=".tmp")
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
