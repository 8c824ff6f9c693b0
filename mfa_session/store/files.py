"""File mechanics for the store and the state file: the lock, the atomic replace, the daily
backup, and the rules every file mfa-login writes must meet.

The rules, checked here and nowhere else:

- **Only a regular file of this user is written or replaced.** A file mfa-login replaces
  (the credentials file, its backup, the state file) or opens for writing (a lock) is
  either absent or a regular file whose owner is the user mfa-login runs as (the effective
  uid). Anything else is refused: a device or FIFO (NotRegularFile), another user's file
  (OwnedByAnotherUser). Root following a link into another user's file would otherwise
  leave that user the owner of root's session; under sudo with HOME kept, the invoking
  user's `~/.aws/credentials` is refused the same way (SUDO_UID is an environment
  variable, not a proof of anything).
- **Names beside the file are never followed.** The lock, the backup and the temp files
  are opened with O_NOFOLLOW (temp files are created with O_EXCL by mkstemp) and checked
  with lstat before and fstat after opening: a symbolic link planted at one of those names
  is refused (PlantedLink), so mfa-login never creates or changes the file a link names.
- **A folder others can write to is said** (`folder_notice`): anyone who can write there
  can plant such names.

Every file goes through `write_atomically`: a temp file in the same folder (so the rename
never crosses a file system), flushed and fsynced, given its final mode and group, then
renamed over the destination, then the folder fsynced so the rename itself survives a power
cut. Temp files are named `.<name>.<random>.mfa-login.tmp`; a failure removes its own, and a
writer killed outright (SIGKILL, power cut) leaves one that the next writer removes while it
holds the lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from mfa_session.errors import (
    AnotherLoginWriting,
    FileNotSafe,
    OwnedByAnotherUser,
    PlantedLink,
)
from mfa_session.rules.regular import not_regular

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
TEMP_SUFFIX = ".mfa-login.tmp"
LOCK_SUFFIX = ".lock"
BACKUP_SUFFIX = ".mfa-login-backup"
LOCK_POLL = 0.05
_OPEN_FLAGS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


@dataclass(frozen=True)
class Ownership:
    mode: int
    uid: int
    gid: int


# --- the rules ---------------------------------------------------------------------------


def own_file(path: Path) -> os.stat_result | None:
    """The status of the file at `path`, never following a link; None when there is none.
    Anything but a regular file of this user is refused."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    _check_own(path, info)
    return info


def _check_own(path: Path, info: os.stat_result) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise PlantedLink(path=path, folder=path.parent)
    if not stat.S_ISREG(info.st_mode):
        raise not_regular(path, info.st_mode)
    check_owner(path, info.st_uid)


def check_owner(path: Path, uid: int) -> None:
    """The one ownership rule: mfa-login writes only files of the user it runs as."""
    if uid != os.geteuid():
        raise OwnedByAnotherUser(path=path, owner=uid, user=os.geteuid())


def open_own_file(path: Path, flags: int) -> int:
    """Open a file of ours beside the credentials file (creating it 0600 with O_CREAT):
    never through a link, never a device, FIFO or another user's file."""
    own_file(path)
    try:
        fd = os.open(path, flags | _OPEN_FLAGS, PRIVATE_FILE)
    except OSError as err:
        if err.errno == errno.ELOOP:  # a link planted since the lstat
            raise PlantedLink(path=path, folder=path.parent) from err
        raise
    try:
        _check_own(path, os.fstat(fd))
    except BaseException:
        os.close(fd)
        raise
    return fd


def folder_notice(folder: Path) -> str | None:
    """One line when others can write to `folder` (and so plant names in it); else None."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return None
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        return (
            f"{folder} can be written by other users (mode {mode:03o}), who could plant "
            f"links or files beside the credentials file: chmod go-w {folder}"
        )
    if info.st_uid not in (os.geteuid(), 0):
        return (
            f"{folder} belongs to user {info.st_uid}, who could plant links or files beside "
            "the credentials file"
        )
    return None


def own_folder(folder: Path) -> None:
    """Make `folder` (0700, like Path.mkdir(parents=True): only the last one gets the mode)
    unless it exists; it must be a real folder of this user, not a link to one."""
    os.makedirs(folder, mode=PRIVATE_DIR, exist_ok=True)
    info = os.lstat(folder)
    if stat.S_ISLNK(info.st_mode):
        raise PlantedLink(path=folder, folder=folder.parent)
    check_owner(folder, info.st_uid)


# --- the lock and the replace ------------------------------------------------------------


def lock_path(real: Path) -> Path:
    return real.with_name(real.name + LOCK_SUFFIX)


@contextlib.contextmanager
def exclusive_lock(real: Path, timeout: float) -> Iterator[None]:
    """Hold `<name>.lock` beside the file; the rename replaces the file's inode, so the
    file itself cannot carry the lock. The lock file stays: removing it would race."""
    fd = open_own_file(lock_path(real), os.O_RDWR | os.O_CREAT)
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
    """Temp files left by a writer that was killed; only call this holding the lock.
    Unlinking removes the name only: a link planted there is not followed."""
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
    whether this write can happen, found out without changing anything. Errors about the
    owner name `named` (the credentials file when writing its backup), else `destination`.
    """
    own_file(destination)  # only a regular file of this user is replaced
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


# --- the backup --------------------------------------------------------------------------


def backup_path(real: Path) -> Path:
    return real.with_name(real.name + BACKUP_SUFFIX)


def check_backup(real: Path) -> os.stat_result | None:
    """The backup's status (lstat); a link, device or another user's file there is refused
    rather than followed or skipped."""
    return own_file(backup_path(real))


def keep_daily_backup(real: Path, original: bytes, ownership: Ownership, today: date) -> None:
    """Before the first change of a day, copy the file to `<name>.mfa-login-backup`.

    One copy, not one per day: every copy is another place the long-term key lives. A day
    of logins rewrites only session values, so the copy from before the day's first login
    is the one worth having.
    """
    existing = check_backup(real)
    if not original:
        return
    if existing is not None and datetime.fromtimestamp(existing.st_mtime).date() == today:
        return
    private = Ownership(PRIVATE_FILE, ownership.uid, ownership.gid)
    write_atomically(backup_path(real), original, private, named=real)
