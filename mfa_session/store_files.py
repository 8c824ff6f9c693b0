"""File mechanics for the store: the lock, the atomic replace, the daily backup.

Every file this module writes goes through `write_atomically`: a temp file in the same
folder (so the rename never crosses a file system), flushed and fsynced, given its final
mode and owner, then renamed over the destination, then the folder fsynced so the rename
itself survives a power cut. Temp files are named `.<name>.<random>.mfa-login.tmp`; a
failure removes its own, and a writer killed outright (SIGKILL, power cut) leaves one that
the next writer removes while it holds the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mfa_session.errors import AnotherLoginWriting, FileNotSafe

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
TEMP_SUFFIX = ".mfa-login.tmp"
LOCK_SUFFIX = ".lock"
BACKUP_SUFFIX = ".mfa-login-backup"
LOCK_POLL = 0.05


@dataclass(frozen=True)
class Ownership:
    mode: int
    uid: int
    gid: int


@contextlib.contextmanager
def exclusive_lock(real: Path, timeout: float) -> Iterator[None]:
    """Hold `<name>.lock` beside the file; the rename replaces the file's inode, so the
    file itself cannot carry the lock. The lock file stays: removing it would race."""
    fd = os.open(real.with_name(real.name + LOCK_SUFFIX), os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise AnotherLoginWriting(path=real) from None
                time.sleep(LOCK_POLL)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_stale_temps(real: Path) -> None:
    """Temp files left by a writer that was killed; only call this holding the lock."""
    for leftover in real.parent.glob(f".{glob_escape(real.name)}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def write_atomically(
    destination: Path,
    data: bytes,
    ownership: Ownership,
    check: Callable[[Path], None] | None = None,
    *,
    named: Path | None = None,
    commit: bool = True,
) -> None:
    """Replace `destination` with `data` in one rename; `check(temp)` may veto it first.

    `commit=False` does everything but the rename (and the syncs), then removes the temp:
    whether this write can happen, found out without changing anything. Errors name
    `named` (the credentials file when writing its backup), else `destination`.
    """
    fd, temp_name = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=TEMP_SUFFIX
    )
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), ownership.mode)
            _give_owner(handle.fileno(), named or destination, ownership)
            if commit:
                os.fsync(handle.fileno())
        if check is not None:
            check(temp)
        if not commit:
            temp.unlink()
            return
        os.replace(temp, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    fsync_dir(destination.parent)


def _give_owner(fd: int, destination: Path, ownership: Ownership) -> None:
    current = os.fstat(fd)
    if (current.st_uid, current.st_gid) == (ownership.uid, ownership.gid):
        return
    try:
        os.fchown(fd, ownership.uid, ownership.gid)
    except PermissionError as err:
        raise FileNotSafe(
            path=destination,
            reason=f"it belongs to user {ownership.uid} group {ownership.gid}, and this "
            "user cannot give the new file the same owner (fix it with chown)",
        ) from err


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_path(real: Path) -> Path:
    return real.with_name(real.name + BACKUP_SUFFIX)


def replace_backup(real: Path, content: bytes, ownership: Ownership) -> None:
    """Overwrite an existing backup with `content`: after a key left the file, its old copy
    must not linger in the backup."""
    backup = backup_path(real)
    if backup.exists():
        private = Ownership(PRIVATE_FILE, ownership.uid, ownership.gid)
        write_atomically(backup, content, private, named=real)


def keep_daily_backup(real: Path, original: bytes, ownership: Ownership, today: date) -> None:
    """Before the first change of a day, copy the file to `<name>.mfa-login-backup`.

    One copy, not one per day: every copy is another place the long-term key lives. A day
    of logins rewrites only session values, so the copy from before the day's first login
    is the one worth having.
    """
    if not original:
        return
    backup = backup_path(real)
    try:
        made = datetime.fromtimestamp(backup.stat().st_mtime).date()
    except FileNotFoundError:
        made = None
    if made == today:
        return
    private = Ownership(PRIVATE_FILE, ownership.uid, ownership.gid)
    write_atomically(backup, original, private, named=real)
