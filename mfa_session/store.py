"""The credentials file: one locked, verified, atomic edit per login.

Whatever happens, the file holds either its old content or the new one, every other
profile reads exactly as before, and comments stay. One `write_session`:

1. follows a symlinked file to its target (the link stays; a dangling link is an error);
2. takes an exclusive lock on `<name>.lock` beside the file, waiting at most
   `lock_timeout` seconds ("another mfa-login is writing this file"), and reads the file
   again under it;
3. refuses constructs configobj cannot carry over (a `;` comment, an indented continuation
   line, `[ name ]`, an inline `#` after a value, ...), naming the line (store_verify);
4. edits one section with configobj (store_edit), refusing a section that holds a long-term
   `AKIA` key or that another tool manages;
5. keeps one backup, `<name>.mfa-login-backup` (mode 0600), written before the first
   change of each day: restore it with `cp -p <name>.mfa-login-backup <name>`. While it
   holds the last plaintext copy of a key that left the file for the keyring
   (`backup_keeps`), it is not replaced; `drop_from_backup` ends that;
6. writes a temp file in the same folder with the file's owner and mode (a mode open to
   group or others is tightened to 0600, with a notice; a new file is 0600 in a 0700
   folder), fsyncs it, checks it with botocore's own loader, renames it over the file and
   fsyncs the folder (store_files).

docs/files.md describes the same for users, with what configobj changes in the layout.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mfa_session.errors import (
    BackupHoldsUnconfirmedKey,
    DanglingLink,
    UnkeepableConstruct,
    UnreadableFile,
    WriteFailed,
)
from mfa_session.models import LongTermKey, SessionCredentials
from mfa_session.store_files import (
    PRIVATE_DIR,
    PRIVATE_FILE,
    Ownership,
    backup_path,
    exclusive_lock,
    keep_daily_backup,
    remove_stale_temps,
    write_atomically,
)

if TYPE_CHECKING:
    from configobj import ConfigObj

    from mfa_session import store_verify

__all__ = ["CredentialsStore", "LongTermCopy", "WriteReport"]


@dataclass(frozen=True)
class LongTermCopy:
    """Move the long-term key found in the target section into this section first."""

    section: str


@dataclass(frozen=True)
class WriteReport:
    notices: tuple[str, ...]


def preload() -> None:
    """Import the edit and check machinery (configobj among it) on a background thread, so
    that after the person presses Enter only the request and the write remain. A failure
    there is left alone: the same import fails again, in the open, when the edit runs."""
    import threading

    def load() -> None:
        with contextlib.suppress(Exception):
            from mfa_session import store_edit, store_verify  # noqa: F401 - loading is the point

    threading.Thread(target=load, name="store-preload", daemon=True).start()


class CredentialsStore:
    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = 10.0,
        today: Callable[[], date] = date.today,
        backup_keeps: Callable[[], frozenset[str]] = frozenset,
    ) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.today = today
        self.backup_keeps = backup_keeps
        """The key ids whose last plaintext copy the backup holds (asked under the lock)."""

    def write_session(
        self,
        target: str,
        session: SessionCredentials,
        *,
        keep_long_term_in: LongTermCopy | None = None,
    ) -> WriteReport:
        """Put the session into `target` (moving a long-term key found there first)."""

        def change(document: ConfigObj) -> store_verify.Expected:
            from mfa_session.store_edit import apply_session
            from mfa_session.store_verify import Expected

            return Expected(written=apply_session(document, target, session, keep_long_term_in))

        return self._edit(change)

    def remove_long_term(self, key: LongTermKey) -> WriteReport:
        """Delete `key` from its section once it is kept elsewhere (the keyring).

        Only the two key lines go; other values (aws_mfa_device), comments and a commented
        header stay. The backup is left holding the key (or is made from the file as it was,
        when it does not): the last plaintext copy, until `drop_from_backup`.
        """

        def change(document: ConfigObj) -> store_verify.Expected:
            from mfa_session.store_edit import remove_long_term
            from mfa_session.store_verify import Expected

            return Expected(removed=remove_long_term(document, key.section, key.access_key_id))

        return self._edit(change, key_leaving=key)

    def drop_from_backup(self, key: LongTermKey) -> bool:
        """Remove `key`'s lines from the backup, once a later run read it from the keyring.

        True when the backup no longer holds its secret (or there is no backup); False when
        the secret is still in it after the edit (in a comment, say), and the backup is
        left as it was.
        """
        from mfa_session import store_edit

        real = self._real_path()
        backup = backup_path(real)
        secret = key.secret_access_key.encode()
        try:
            with exclusive_lock(real, self.lock_timeout):
                try:
                    content = backup.read_bytes()
                except FileNotFoundError:
                    return True
                if secret not in content:
                    return True
                document = store_edit.parse(backup, content)
                for name in list(document.sections):
                    held = store_edit.view(document[name]).get("aws_access_key_id")
                    if held == key.access_key_id:
                        store_edit.remove_long_term(document, name, key.access_key_id)
                new_bytes = store_edit.render(document)
                if secret in new_bytes:
                    return False
                info = backup.stat()
                private = Ownership(PRIVATE_FILE, info.st_uid, info.st_gid)
                write_atomically(backup, new_bytes, private, named=real)
        except OSError as err:
            raise WriteFailed(path=backup, reason=err.strerror or type(err).__name__) from err
        return True

    def _edit(
        self,
        change: Callable[[ConfigObj], store_verify.Expected],
        *,
        key_leaving: LongTermKey | None = None,
    ) -> WriteReport:
        """One locked, checked, atomic read-modify-write of the file."""
        # configobj and botocore load here, before the lock and off the still-valid path.
        from mfa_session import store_edit, store_verify

        real = self._real_path()
        notices: list[str] = []
        try:
            if not real.parent.is_dir():
                real.parent.mkdir(mode=PRIVATE_DIR, parents=True)
            with exclusive_lock(real, self.lock_timeout):
                remove_stale_temps(real)
                original = _read(real)
                text = _decode(real, original)
                layout = store_verify.find_pitfall(real, text)
                before = _botocore_before(real, original)
                document = store_edit.parse(real, original)
                expected = change(document)
                new_bytes = store_edit.render(document)
                ownership = _ownership(real, notices)
                kept = self.backup_keeps()
                if key_leaving is not None:
                    _keep_in_backup(real, original, ownership, key_leaving, kept)
                elif not (kept and backup_path(real).exists()):
                    keep_daily_backup(real, original, ownership, self.today())

                def check(temp: Path) -> None:
                    store_verify.verify_edit(
                        real, before, layout, temp, new_bytes.decode("utf-8"), expected
                    )

                write_atomically(real, new_bytes, ownership, check)
        except OSError as err:
            raise WriteFailed(path=real, reason=err.strerror or type(err).__name__) from err
        return WriteReport(tuple(notices))

    def _real_path(self) -> Path:
        """A symlinked file is edited where it lives, so the link itself stays."""
        if not self.path.is_symlink():
            return self.path
        try:
            return self.path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError, OSError) as err:
            raise DanglingLink(path=self.path, target=os.readlink(self.path)) from err


def _keep_in_backup(
    real: Path, original: bytes, ownership: Ownership, key: LongTermKey, kept: frozenset[str]
) -> None:
    """Before `key` leaves the file: make sure the backup holds it, as the last plaintext copy.

    A backup that holds it already stays. Otherwise the file as it is now (with the key)
    becomes the backup, unless that would drop another key the backup must keep (one that
    left the file earlier and has not yet been read from the keyring by a later run).
    """
    backup = backup_path(real)
    try:
        current = backup.read_bytes()
    except FileNotFoundError:
        current = b""
    if key.secret_access_key.encode() in current:
        return
    missing = sorted(
        key_id
        for key_id in kept - {key.access_key_id}
        if key_id.encode() in current and key_id.encode() not in original
    )
    if missing:
        raise BackupHoldsUnconfirmedKey(
            backup=backup,
            others=", ".join(missing),
            key_id=key.access_key_id,
            section=key.section,
        )
    write_atomically(
        backup, original, Ownership(PRIVATE_FILE, ownership.uid, ownership.gid), named=real
    )


def _read(real: Path) -> bytes:
    try:
        return real.read_bytes()
    except FileNotFoundError:
        return b""
    except OSError as err:
        raise UnreadableFile(path=real, reason=err.strerror or type(err).__name__) from err


def _decode(real: Path, original: bytes) -> str:
    try:
        return original.decode("utf-8")
    except UnicodeDecodeError as err:
        line = original[: err.start].count(b"\n") + 1
        raise UnkeepableConstruct(
            path=real,
            line=line,
            construct="bytes that are not UTF-8, which configobj cannot read: save the file "
            "as UTF-8",
        ) from err


def _botocore_before(real: Path, original: bytes) -> dict[str, dict[str, str]]:
    from botocore.exceptions import ConfigParseError

    from mfa_session.store_verify import botocore_view, error_line  # loaded before the lock

    if not original:
        return {}
    try:
        return botocore_view(real)
    except ConfigParseError as err:
        raise UnkeepableConstruct(
            path=real, line=error_line(err), construct="a line AWS tools cannot read"
        ) from err


def _ownership(real: Path, notices: list[str]) -> Ownership:
    """The file's own owner and mode; a new file is the user's, 0600."""
    try:
        info = real.stat()
    except FileNotFoundError:
        return Ownership(PRIVATE_FILE, os.geteuid(), os.getegid())
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        tightened = mode & 0o700 or PRIVATE_FILE
        notices.append(
            f"{real} was open to other users (mode {mode:03o}); it is now {tightened:03o}"
        )
        mode = tightened
    return Ownership(mode, info.st_uid, info.st_gid)
