"""The product's own small state file, per credentials file: the MFA device chosen for each
profile, the profiles whose long-term key stays in that file (`--no-keyring`), the sections
mfa-login has written and for which request, the keys it moved into the OS keyring; and
hashes of the codes AWS accepted.

It lives in $XDG_STATE_HOME/mfa-session/state.json (default ~/.local/state/...), never in
~/.aws/config, which belongs to the person. It holds device ARNs, section names and
hashes: no secrets and never a code.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping

from mfa_session.rules.regular import read_regular, stamp

# `status` reads this file on its quick path: pathlib, tempfile, hashlib and typing cost it
# milliseconds, so they load only where a write or a hash needs them (mypy treats any
# TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def state_path(environ: Mapping[str, str]) -> str:
    """$XDG_STATE_HOME/mfa-session/state.json, default ~/.local/state/mfa-session/state.json."""
    base = environ.get("XDG_STATE_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".local", "state"
    )
    return os.path.join(base, "mfa-session", "state.json")


class StateFile:
    """One state file, as one run sees it: read once, and changed one locked
    read-modify-write at a time.

    Best effort both ways. A member of the wrong shape is dropped on load and the rest kept
    (a damaged file costs an IAM lookup or a used-code check, never the login); a state
    that cannot be saved (a read-only or full home, a link or another user's file there,
    a lock held too long) is skipped, said only with --debug. Each change loads the file
    again under its lock and replaces it atomically, so parallel logins keep every record;
    what it wrote is what this run reads from then on.

    `credentials` names this run's credentials file (its real path): the records of one
    file are never another's. Records written before they were kept per file (flat
    `devices`, `long_term_keys`, `sections`) are read for any file until this run's first
    change, which hands them to this run's file.
    """

    def __init__(self, path: str | os.PathLike[str], credentials: str) -> None:
        self.path = path
        self.credentials = credentials
        self._data: dict[str, Any] | None = None
        self._stamp: tuple[int, ...] | None = None

    def data(self) -> dict[str, Any]:
        """The state as this run loaded it (and as its own changes left it); loaded again
        only when another process changed the file since (a parallel login's used code)."""
        now = stamp(self.path)
        if self._data is None or now != self._stamp:
            self._stamp = now
            self._data = self._load()
        return self._data

    def _load(self) -> dict[str, Any]:
        try:
            raw = read_regular(self.path, strict=False)
            data = json.loads(raw) if raw else {}
        except (OSError, ValueError, RecursionError):
            # Missing, unreadable, not JSON or nested past the parser's depth.
            return {}
        return _validated(data)

    def update(self, change: Callable[[dict[str, Any]], bool]) -> None:
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

        from mfa_session.store.files import (
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
            adopted = _adopt_flat_records(data, self.credentials)
            if change(data) or adopted:
                text = json.dumps(data, indent=2, sort_keys=True) + "\n"
                own = Ownership(PRIVATE_FILE, os.geteuid(), os.getegid())
                write_atomically(path, text.encode("utf-8"), own)
            self._data, self._stamp = data, stamp(path)

    def of_file(self, member: str) -> dict[str, Any]:
        """This credentials file's entries of a per-file member (read only)."""
        found = self.data().get(member, {}).get(self.credentials)
        return found if isinstance(found, dict) else {}


_FLAT_RECORDS = {
    "devices": "file_devices",
    "long_term_keys": "file_layouts",
    "sections": "file_sections",
}
"""The records an earlier version kept by profile name alone, and their per-file members."""


def _adopt_flat_records(data: dict[str, Any], credentials: str) -> bool:
    """Hand the flat records to `credentials`' file (its own entries win); True if any."""
    adopted = False
    for flat, per_file in _FLAT_RECORDS.items():
        entries = data.pop(flat, None)
        if not entries:
            continue
        adopted = True
        mine = _file_member(data, per_file, credentials)
        for name, value in entries.items():
            mine.setdefault(name, value)
    return adopted


def _set_in_file(
    data: dict[str, Any], member: str, credentials: str, name: str, value: str
) -> bool:
    """data[member][credentials][name] = value; whether that changed anything."""
    mine = _file_member(data, member, credentials)
    if mine.get(name) == value:
        return False
    mine[name] = value
    return True


def _drop_in_file(data: dict[str, Any], member: str, credentials: str, name: str) -> bool:
    """Remove data[member][credentials][name]; whether it was there."""
    files = data.get(member)
    mine = files.get(credentials) if isinstance(files, dict) else None
    return isinstance(mine, dict) and mine.pop(name, None) is not None


def _file_member(data: dict[str, Any], member: str, credentials: str) -> dict[str, Any]:
    """data[member][credentials] as a dict, made when missing."""
    files = _dict_member(data, member)
    mine = files.get(credentials)
    if not isinstance(mine, dict):
        mine = files[credentials] = {}
    return mine


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


def _texts(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _origin_entries(value: object) -> dict[str, dict[str, Any]]:
    """{section: {"profile": text, "role": text or null, "key": text}}, as `record` writes."""
    if not isinstance(value, dict):
        return {}
    return {
        section: made
        for section, made in value.items()
        if isinstance(section, str)
        and isinstance(made, dict)
        and isinstance(made.get("profile"), str)
        and isinstance(made.get("key"), str)
        and (made.get("role") is None or isinstance(made.get("role"), str))
    }


def _per_file(entries: Callable[[object], Any]) -> Callable[[object], dict[str, Any]]:
    """A member keyed by credentials file, each value's well-formed entries kept."""

    def kept(value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            return {}
        return {k: entries(v) for k, v in value.items() if isinstance(k, str)}

    return kept


_MEMBERS: dict[str, Callable[[object], dict[str, Any]]] = {
    "devices": _text_values,
    "long_term_keys": _text_values,
    "sections": _text_values,
    "file_devices": _per_file(_text_values),
    "file_layouts": _per_file(_text_values),
    "file_sections": _per_file(_text_values),
    "used_steps": _time_values,
    "origins": _per_file(_origin_entries),
    "keyring_keys": _per_file(_text_values),
    "backup_keeps": _per_file(_texts),
}
"""Each member mfa-login reads, and what keeps its well-formed entries. A member not named
here is kept as it is (a newer version's record) and must be checked by its own reader."""


def _validated(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    kept: dict[str, Any] = {}
    for name, value in data.items():
        shape = _MEMBERS.get(name)
        kept[name] = value if shape is None else shape(value)
    return kept


class _Records:
    """A view of one kind of record in this run's state file."""

    def __init__(self, state: StateFile) -> None:
        self.state = state

    def _entries(self, per_file: str, flat: str) -> dict[str, str]:
        """This file's entries of a per-file member, over the flat records not yet handed
        to a file (see StateFile)."""
        return {**self.state.data().get(flat, {}), **self.state.of_file(per_file)}

    def _set(self, per_file: str, name: str, value: str) -> None:
        credentials = self.state.credentials
        self.state.update(lambda data: _set_in_file(data, per_file, credentials, name, value))

    def _drop(self, per_file: str, name: str) -> None:
        credentials = self.state.credentials
        self.state.update(lambda data: _drop_in_file(data, per_file, credentials, name))


class RememberedDevices(_Records):
    """The MFA device chosen for each profile of this credentials file."""

    def remembered_profiles(self) -> list[str]:
        return sorted(self._entries("file_devices", "devices"))

    def recall(self, profile: str) -> str | None:
        return self._entries("file_devices", "devices").get(profile)

    def remember(self, profile: str, serial: str) -> None:
        self._set("file_devices", profile, serial)

    def forget(self, profile: str) -> None:
        self._drop("file_devices", profile)


class LayoutMemory(_Records):
    """Profiles of this credentials file whose long-term key stays in it: no keyring, no
    offer to move it there."""

    FILE = "file"

    def keeps_file(self, profile: str) -> bool:
        return self._entries("file_layouts", "long_term_keys").get(profile) == self.FILE

    def keep_file(self, profile: str) -> None:
        self._set("file_layouts", profile, self.FILE)

    def clear(self, profile: str) -> None:
        self._drop("file_layouts", profile)


class WrittenSections(_Records):
    """Sections of this credentials file mfa-login has put a session or a role's
    credentials into, and for whom.

    `file_sections` maps each section to its profile (for `status`). `origins` says, per
    credentials file (its real path) and section, which request made what the section holds
    now: the source profile, the role ARN (None for a plain session) and the access key id
    written. A stored session is reused only for the request that made it (`made_for`).
    """

    def record(
        self, section: str, profile: str, *, credentials: str, role: str | None, key_id: str
    ) -> None:
        made = {"profile": profile, "role": role, "key": key_id}

        def change(data: dict[str, Any]) -> bool:
            sections = _file_member(data, "file_sections", credentials)
            in_file = _file_member(data, "origins", credentials)
            if sections.get(section) == profile and in_file.get(section) == made:
                return False
            sections[section] = profile
            in_file[section] = made
            return True

        self.state.update(change)

    def sections(self) -> dict[str, str]:
        return self._entries("file_sections", "sections")

    def origin(self, credentials: str, section: str) -> tuple[str, str | None] | None:
        """(profile, role) of the request that last wrote `section`, None when unrecorded."""
        made = _origin(self.state.data(), credentials, section)
        if made is not None:
            return made[0], made[1]
        owner = self.sections().get(section)
        return (owner, None) if isinstance(owner, str) else None

    def made_for(
        self,
        credentials: str,
        section: str,
        values: Mapping[str, str],
        *,
        profile: str,
        role: str | None,
    ) -> bool:
        """Whether what `section` holds was made for `profile` (and `role`, None for none).

        A record counts only while the section still holds the key id it names. Without a
        record that does (a section written before records existed, by hand, by another
        tool, or rewritten since), a section is a plain session of the profile it is named
        after; a section with no record at all, of the profile the older `sections` record
        names, if any. Never a role's credentials: the role is then assumed again (that
        needs no code).
        """
        data = self.state.data()
        key_id = values.get("aws_access_key_id", "").strip()
        made = _origin(data, credentials, section)
        if made is not None and made[2] == key_id:
            return made[:2] == (profile, role)
        if role is not None:
            return False
        owner = self.sections().get(section) if made is None else None
        return owner == profile if isinstance(owner, str) else section == profile


def _dict_member(data: dict[str, Any], name: str) -> dict[str, Any]:
    """data[name] as a dict, replaced by an empty one when it is anything else."""
    member = data.get(name)
    if not isinstance(member, dict):
        member = data[name] = {}
    return member


def _origin(
    data: Mapping[str, Any], credentials: str, section: str
) -> tuple[str, str | None, str] | None:
    """(profile, role, key id) of `section`'s record; None when it is absent or not the shape
    `record` writes."""
    origins = data.get("origins")
    in_file = origins.get(credentials) if isinstance(origins, dict) else None
    made = in_file.get(section) if isinstance(in_file, dict) else None
    if not isinstance(made, dict):
        return None
    profile, role, key_id = made.get("profile"), made.get("role"), made.get("key")
    if not (isinstance(profile, str) and isinstance(key_id, str)):
        return None
    if role is not None and not isinstance(role, str):
        return None
    return profile, role, key_id


class KeyringRecords(_Records):
    """Where long-term keys went: per credentials file (its real path), the key id each
    profile's keyring item holds (`keyring_keys`), and the key ids whose last plaintext copy
    the backup beside that file still holds (`backup_keeps`).

    The first lets a login say "the key is in the keyring, which cannot be reached" instead
    of "put the key in the file"; the second keeps the backup's plaintext copy until a later
    run has read the key from the keyring.
    """

    def moved_key(self, credentials: str, profile: str) -> str | None:
        found = self.state.data().get("keyring_keys")
        in_file = found.get(credentials) if isinstance(found, dict) else None
        key_id = in_file.get(profile) if isinstance(in_file, dict) else None
        return key_id if isinstance(key_id, str) else None

    def record_moved(self, credentials: str, profile: str, key_id: str) -> None:
        self.state.update(
            lambda data: _set_in_file(data, "keyring_keys", credentials, profile, key_id)
        )

    def forget_moved(self, credentials: str, profile: str) -> None:
        self.state.update(lambda data: _drop_in_file(data, "keyring_keys", credentials, profile))

    def backup_keeps(self, credentials: str) -> frozenset[str]:
        found = self.state.data().get("backup_keeps")
        kept = found.get(credentials) if isinstance(found, dict) else None
        if not isinstance(kept, list):
            return frozenset()
        return frozenset(key_id for key_id in kept if isinstance(key_id, str))

    def keep_in_backup(self, credentials: str, key_id: str) -> None:
        def change(data: dict[str, Any]) -> bool:
            kept = _dict_member(data, "backup_keeps")
            ids = kept.get(credentials)
            ids = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
            if key_id in ids:
                return False
            kept[credentials] = sorted({*ids, key_id})
            return True

        self.state.update(change)

    def release_backup(self, credentials: str, key_id: str) -> None:
        def change(data: dict[str, Any]) -> bool:
            kept = data.get("backup_keeps")
            if not isinstance(kept, dict):
                return False
            ids = kept.get(credentials)
            if not isinstance(ids, list) or key_id not in ids:
                return False
            remaining = [i for i in ids if isinstance(i, str) and i != key_id]
            if remaining:
                kept[credentials] = remaining
            else:
                del kept[credentials]
            return True

        self.state.update(change)


KEEP_STEPS_SECONDS = 300


class UsedSteps(_Records):
    """The codes AWS accepted, per device and 30-second step, as hashes only.

    Each entry is sha256(serial, step, code): enough to tell that a code typed now is one
    AWS already took in this step or the one before (so it would be refused), never the code
    itself. A code AWS accepted can never be used again, so the hash guards nothing of value.
    """

    def was_used(self, serial: str, code: str, moment: float) -> bool:
        # Loaded here: `status` reads this module on its quick path and needs no steps.
        from mfa_session.rules.code_steps import step_of

        seen = self.state.data().get("used_steps", {})
        step = step_of(moment)
        return any(_step_hash(serial, s, code) in seen for s in (step - 1, step))

    def record(self, serial: str, code: str, moment: float) -> None:
        from mfa_session.rules.code_steps import STEP_SECONDS, step_of

        def add(data: dict[str, Any]) -> bool:
            step = step_of(moment)
            kept = {
                digest: end
                for digest, end in data.get("used_steps", {}).items()
                if end > moment - KEEP_STEPS_SECONDS
            }
            kept[_step_hash(serial, step, code)] = (step + 1) * STEP_SECONDS
            data["used_steps"] = kept
            return True

        self.state.update(add)


def _step_hash(serial: str, step: int, code: str) -> str:
    import hashlib

    return hashlib.sha256(f"{serial}\n{step}\n{code}".encode()).hexdigest()[:32]
