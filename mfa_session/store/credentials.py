"""The credentials file: one locked, verified, atomic edit per login.

Whatever happens, the file holds either its old content or the new one, every other
profile reads exactly as before, and comments stay. One `write_session`:

1. follows a symlinked file to its target (the link stays; a dangling link is an error,
   and so is a link of another user); the file must be a regular file of this user
   (store.files has the rules);
2. takes an exclusive lock on `<name>.lock` beside the file, waiting at most
   `lock_timeout` seconds ("another mfa-login is writing this file"), and reads the file
   again under it;
3. refuses a file botocore cannot read (a byte-order mark, bytes that are not UTF-8, a
   section or key twice, ...), naming the line (rules.files);
4. cuts the section(s) it writes out of the text where botocore finds them, edits them with
   configobj and puts them back (store.edit), refusing a section that holds a long-term
   `AKIA` key, that another tool manages, or whose name cannot be written; every other byte
   stays;
5. keeps one backup, `<name>.mfa-login-backup` (mode 0600), written before the first
   change of each day: restore it with `cp -p <name>.mfa-login-backup <name>`. While it
   holds the last plaintext copy of a key that left the file for the keyring
   (`backup_keeps`), it is not replaced; `drop_from_backup` ends that;
6. writes a temp file in the same folder with the file's mode and group (a mode open to
   group or others is tightened to 0600, with a notice; a new file is 0600 in a 0700
   folder), fsyncs it, checks it (store.verify: botocore reads it as before plus our keys,
   every comment is there, every byte outside our sections is the same), renames it over
   the file and fsyncs the folder (store.files).

`check_session_write` applies the same rules to the bytes the login already read, with
the standard library alone, before the code is spent.

docs/files.md describes the same for users: what is kept byte for byte, what is written.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mfa_session.errors import (
    BackupHoldsUnconfirmedKey,
    DanglingLink,
    OwnedByAnotherUser,
    UnreadableFile,
    WriteFailed,
)
from mfa_session.models import LongTermCopy, LongTermKey, SessionCredentials, WriteReport
from mfa_session.rules.files import Sections, ini_text, parse_ini
from mfa_session.rules.regular import read_regular
from mfa_session.store.files import (
    PRIVATE_DIR,
    PRIVATE_FILE,
    Ownership,
    backup_path,
    check_backup,
    exclusive_lock,
    folder_notice,
    keep_daily_backup,
    own_file,
    remove_stale_temps,
    write_atomically,
)
from mfa_session.store.refusals import refuse_target

if TYPE_CHECKING:
    from mfa_session.rules.ini_layout import IniLayout
    from mfa_session.store.edit import Edit

Change = Callable[["IniLayout", Sections], "Edit"]
"""An edit of the file's text, given the text as scanned and the file as botocore reads it."""

__all__ = ["CredentialsStore", "LongTermCopy", "WriteReport"]


def preload() -> None:
    """Import the edit and check machinery (configobj among it) on a background thread, so
    that after the person presses Enter only the request and the write remain. A failure
    there is left alone: the same import fails again, in the open, when the edit runs."""
    import threading

    def load() -> None:
        with contextlib.suppress(Exception):
            from mfa_session.store import edit, verify  # noqa: F401 - loading is the point

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

    def check_session_write(
        self,
        target: str,
        *,
        keep_long_term_in: LongTermCopy | None = None,
        current: bytes | None = None,
    ) -> None:
        """Raise whatever `write_session(target, ...)` would refuse, without writing.

        The login asks this before the code is asked for and before any request, so a
        refusal known in advance (a long-term key or another tool's keys in the target, a
        section name that cannot be written, a file or folder that cannot be written, a lock
        held too long, a file botocore cannot read) never costs a code. It judges `current`,
        the file's bytes as this run read them (None: read them now), by the rules of
        `rules.files` and `refusals`, waits for the lock as the write would, and makes (and
        removes) a temp file beside the file. configobj and botocore are not needed for any
        of it, so they load while the code is typed (`preload`); the write checks everything
        again under its lock, with both.
        """
        move_to = keep_long_term_in.section if keep_long_term_in is not None else None
        try:
            real = self._real_path()
        except OSError as err:
            raise WriteFailed(path=self.path, reason=err.strerror or type(err).__name__) from err
        try:
            own_file(real)
            check_backup(real)
            if not real.parent.is_dir():
                # No file and no folder yet: only the section's name can be refused.
                refuse_target(target, {}, move_to, {})
                _check_creatable(real.parent)
                return
            original = _read(real) if current is None else current
            sections = parse_ini(real, original)
            long_term = sections.get(move_to, {}) if move_to is not None else {}
            refuse_target(target, sections.get(target, {}), move_to, long_term)
            ownership = _ownership(real, [])
            with exclusive_lock(real, self.lock_timeout):
                check_backup(real)
            write_atomically(real, original, ownership, commit=False)
        except OSError as err:
            raise WriteFailed(path=real, reason=err.strerror or type(err).__name__) from err

    def write_session(
        self,
        target: str,
        session: SessionCredentials,
        *,
        keep_long_term_in: LongTermCopy | None = None,
    ) -> WriteReport:
        """Put the session into `target` (moving a long-term key found there first)."""
        return self._edit(self._session_change(target, session, keep_long_term_in))

    @staticmethod
    def _session_change(
        target: str, session: SessionCredentials, keep_long_term_in: LongTermCopy | None
    ) -> Change:
        def change(layout: IniLayout, sections: Sections) -> Edit:
            from mfa_session.store.edit import apply_session

            return apply_session(layout, sections, target, session, keep_long_term_in)

        return change

    def remove_long_term(self, key: LongTermKey) -> WriteReport:
        """Delete `key` from its section once it is kept elsewhere (the keyring).

        Only the two keys' lines go; other values (aws_mfa_device), comments and a commented
        header stay, and so does every other byte of the file. The backup is left holding the
        key (or is made from the file as it was, when it does not): the last plaintext copy,
        until `drop_from_backup`.
        """

        def change(layout: IniLayout, sections: Sections) -> Edit:
            from mfa_session.store.edit import remove_long_term

            return remove_long_term(layout, sections, [key.section], key.access_key_id)

        return self._edit(change, key_leaving=key)

    def drop_from_backup(self, key: LongTermKey) -> bool:
        """Remove `key`'s lines from the backup, once a later run read it from the keyring.

        True when the backup no longer holds its secret (or there is no backup); False when
        the secret is still in it after the edit (in a comment, say), and the backup is
        left as it was.
        """
        from mfa_session.rules.ini_layout import scan
        from mfa_session.store import edit as store_edit

        real = self._real_path()
        backup = backup_path(real)
        secret = key.secret_access_key.encode()
        try:
            with exclusive_lock(real, self.lock_timeout):
                info = check_backup(real)
                if info is None:
                    return True
                content = _read(backup)
                if secret not in content:
                    return True
                sections = parse_ini(backup, content)
                holding = [
                    name
                    for name, values in sections.items()
                    if values.get("aws_access_key_id") == key.access_key_id
                ]
                edit = store_edit.remove_long_term(
                    scan(ini_text(backup, content)), sections, holding, key.access_key_id
                )
                new_bytes = edit.text.encode("utf-8")
                if secret in new_bytes:
                    return False
                private = Ownership(PRIVATE_FILE, info.st_uid, info.st_gid)
                write_atomically(backup, new_bytes, private, named=real)
        except OSError as err:
            raise WriteFailed(path=backup, reason=err.strerror or type(err).__name__) from err
        return True

    def _edit(
        self,
        change: Change,
        *,
        key_leaving: LongTermKey | None = None,
    ) -> WriteReport:
        """One locked, checked, atomic read-modify-write of the file."""
        # configobj and botocore load here (verify imports edit), before the lock and off the
        # still-valid path.
        from mfa_session.rules.ini_layout import scan
        from mfa_session.store import verify as store_verify

        try:
            real = self._real_path()
        except OSError as err:
            raise WriteFailed(path=self.path, reason=err.strerror or type(err).__name__) from err
        notices: list[str] = []
        try:
            # Before the lock too: a file that is refused gets no lock file beside it.
            own_file(real)
            check_backup(real)
            if not real.parent.is_dir():
                real.parent.mkdir(mode=PRIVATE_DIR, parents=True)
            notices.extend(self._folder_notices(real))
            with exclusive_lock(real, self.lock_timeout):
                remove_stale_temps(real)
                original = _read(real)
                # Scanned once: the edit cuts its sections out where this finds them, and the
                # check compares the new text with it.
                layout = scan(ini_text(real, original))
                # The file as botocore reads it, from the text read under the lock (it is
                # configparser's RawConfigParser over the same text, universal newlines).
                before = parse_ini(real, original)
                edit = change(layout, before)
                new_bytes = edit.text.encode("utf-8")
                ownership = _ownership(real, notices)
                kept = self.backup_keeps()
                if key_leaving is not None:
                    _keep_in_backup(real, original, ownership, key_leaving, kept)
                elif not (kept and check_backup(real) is not None):
                    keep_daily_backup(real, original, ownership, self.today())

                def check(temp: Path) -> None:
                    store_verify.verify_edit(real, before, layout, temp, edit)

                write_atomically(real, new_bytes, ownership, check)
        except OSError as err:
            raise WriteFailed(path=real, reason=err.strerror or type(err).__name__) from err
        return WriteReport(tuple(notices))

    def _real_path(self) -> Path:
        """A symlinked file is edited where it lives, so the link itself stays. A link is
        followed only when it is this user's or root's: one planted by another user (who
        can write to the folder) could point at any file this user may write."""
        if not self.path.is_symlink():
            return self.path
        owner = os.lstat(self.path).st_uid
        if owner not in (os.geteuid(), 0):
            raise OwnedByAnotherUser(path=self.path, owner=owner, user=os.geteuid())
        try:
            return self.path.resolve(strict=True)
        except (FileNotFoundError, RuntimeError, OSError) as err:
            raise DanglingLink(path=self.path, target=os.readlink(self.path)) from err

    def _folder_notices(self, real: Path) -> list[str]:
        """The folder of the link and the folder of the file, when others can write there."""
        folders = dict.fromkeys([self.path.parent, real.parent])
        return [notice for folder in folders if (notice := folder_notice(folder))]


def _keep_in_backup(
    real: Path, original: bytes, ownership: Ownership, key: LongTermKey, kept: frozenset[str]
) -> None:
    """Before `key` leaves the file: make sure the backup holds it, as the last plaintext copy.

    A backup that holds it already stays. Otherwise the file as it is now (with the key)
    becomes the backup, unless that would drop another key the backup must keep (one that
    left the file earlier and has not yet been read from the keyring by a later run).
    """
    backup = backup_path(real)
    current = _read(backup) if check_backup(real) is not None else b""
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
        return read_regular(real) or b""
    except OSError as err:
        raise UnreadableFile(path=real, reason=err.strerror or type(err).__name__) from err


def _check_creatable(folder: Path) -> None:
    """The folder the write would create can be created: its nearest existing parent is a
    folder this user may write to."""
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not (ancestor.is_dir() and os.access(ancestor, os.W_OK | os.X_OK)):
        raise WriteFailed(path=folder, reason=f"{ancestor} cannot be written by this user")


def _ownership(real: Path, notices: list[str]) -> Ownership:
    """The file's own mode and group; a new file is the user's, 0600."""
    info = own_file(real)
    if info is None:
        return Ownership(PRIVATE_FILE, os.geteuid(), os.getegid())
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        tightened = mode & 0o700 or PRIVATE_FILE
        notices.append(
            f"{real} was open to other users (mode {mode:03o}); it is now {tightened:03o}"
        )
        mode = tightened
    return Ownership(mode, info.st_uid, info.st_gid)
