"""The credentials file: one locked, verified, atomic edit per login.

Whatever happens, the file holds either its old content or the new one: the new text is
written to a temp file in the same folder, checked with botocore's own parser, and only
then renamed over the original.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import stat
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from configobj import ConfigObj, ConfigObjError

from mfa_session.errors import (
    AnotherLoginWriting,
    FileNotSafe,
    LongTermKeyInTarget,
    ManagedElsewhere,
)
from mfa_session.models import SessionCredentials
from mfa_session.profiles import holds_long_term_key
from mfa_session.timefmt import format_expiration

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SESSION_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration")


@dataclass(frozen=True)
class LongTermCopy:
    """Move the long-term key found in the target section into this section first."""

    section: str


@dataclass(frozen=True)
class WriteReport:
    notices: tuple[str, ...]


class CredentialsStore:
    def __init__(self, path: Path, *, lock_timeout: float = 10.0) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    def write_session(
        self,
        target: str,
        session: SessionCredentials,
        *,
        keep_long_term_in: LongTermCopy | None = None,
    ) -> WriteReport:
        real = self._real_path()
        notices: list[str] = []
        real.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        with self._locked(real):
            # Read again under the lock: another process may have written since we looked.
            original = real.read_bytes() if real.exists() else b""
            document = _parse(real, original)
            changed = _apply_session(document, target, session, keep_long_term_in)
            new_text = _render(document)
            mode = _target_mode(real, notices)
            self._replace(real, original, new_text, mode, changed)
        return WriteReport(tuple(notices))

    def remove_long_term(self, section: str, access_key_id: str) -> WriteReport:
        """Delete the key `access_key_id` from `section` once it is kept elsewhere (the keyring).

        Only the two key lines go; other values (aws_mfa_device) and a commented header stay.
        """
        real = self._real_path()
        notices: list[str] = []
        with self._locked(real):
            original = real.read_bytes() if real.exists() else b""
            document = _parse(real, original)
            values = document.get(section, {})
            if values.get("aws_access_key_id", "").strip() != access_key_id:
                raise FileNotSafe(path=real, reason=f"[{section}] no longer holds {access_key_id}")
            for name in ("aws_access_key_id", "aws_secret_access_key"):
                values.pop(name, None)
            if not values and not any(document.comments.get(section, [])):
                del document[section]
            new_text = _render(document)
            mode = _target_mode(real, notices)
            self._replace(real, original, new_text, mode, {section})
        return WriteReport(tuple(notices))

    def _real_path(self) -> Path:
        if self.path.is_symlink():
            target = self.path.resolve()
            if not target.parent.is_dir():
                raise FileNotSafe(
                    path=self.path, reason=f"it links to {target}, which cannot exist"
                )
            return target
        return self.path

    @contextlib.contextmanager
    def _locked(self, real: Path) -> Iterator[None]:
        # The rename replaces the file's inode, so the lock lives on a file of its own.
        lock_path = real.with_name(real.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise AnotherLoginWriting(path=real) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)

    def _replace(
        self, real: Path, original: bytes, new_text: bytes, mode: int, changed: set[str]
    ) -> None:
        fd, temp_name = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(new_text)
                handle.flush()
                os.fchmod(handle.fileno(), mode)
                os.fsync(handle.fileno())
            _verify(real, original, temp, changed)
            os.replace(temp, real)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
            raise
        _fsync_dir(real.parent)


def _parse(real: Path, original: bytes) -> ConfigObj:
    try:
        return ConfigObj(
            io.BytesIO(original),
            list_values=False,
            interpolation=False,
            encoding="utf-8",
            write_empty_values=True,
        )
    except ConfigObjError as err:
        raise FileNotSafe(path=real, reason=f"cannot be edited safely: {err}") from err


def _render(document: ConfigObj) -> bytes:
    document.filename = None
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _apply_session(
    document: ConfigObj,
    target: str,
    session: SessionCredentials,
    keep_long_term_in: LongTermCopy | None,
) -> set[str]:
    """Put the session into `target`; return the sections this changed."""
    changed = {target}
    current: Mapping[str, str] = document.get(target, {})
    _refuse_foreign(target, current)
    if holds_long_term_key(current):
        if keep_long_term_in is None:
            raise LongTermKeyInTarget(section=target)
        existing = document.get(keep_long_term_in.section)
        if existing is not None and holds_long_term_key(existing):
            raise FileNotSafe(
                path="the credentials file",
                reason=f"[{keep_long_term_in.section}] already holds another long-term key",
            )
        document[keep_long_term_in.section] = {
            "aws_access_key_id": current["aws_access_key_id"],
            "aws_secret_access_key": current.get("aws_secret_access_key", ""),
        }
        changed.add(keep_long_term_in.section)
    if target not in document:
        document[target] = {}
    section = document[target]
    section["aws_access_key_id"] = session.access_key_id
    section["aws_secret_access_key"] = session.secret_access_key
    section["aws_session_token"] = session.session_token
    section["expiration"] = format_expiration(session.expiration)
    return changed


def _refuse_foreign(target: str, values: Mapping[str, str]) -> None:
    """Sections that another tool fills are not ours to overwrite."""
    for key in values:
        if key.startswith("sso_"):
            raise ManagedElsewhere(section=target, manager="AWS IAM Identity Center", key=key)
    if "credential_process" in values:
        raise ManagedElsewhere(
            section=target, manager="a credential_process", key="credential_process"
        )
    manager = values.get("manager", "")
    if manager and manager != "mfa-session":
        raise ManagedElsewhere(section=target, manager=manager, key="manager")


def _target_mode(real: Path, notices: list[str]) -> int:
    try:
        current = stat.S_IMODE(real.stat().st_mode)
    except FileNotFoundError:
        return PRIVATE_FILE
    if current & 0o077:
        notices.append(f"{real} was readable by others (mode {current:o}); it is now 600")
        return current & 0o700 or PRIVATE_FILE
    return current


def _verify(real: Path, original: bytes, temp: Path, changed: set[str]) -> None:
    """Read the new file as every AWS SDK will; anything else that changed aborts."""
    from botocore.configloader import raw_config_parse  # the login path has botocore loaded
    from botocore.exceptions import ConfigParseError

    try:
        after = raw_config_parse(str(temp), parse_subsections=False)
    except ConfigParseError as err:
        raise FileNotSafe(path=real, reason=f"the edited file would not parse: {err}") from err
    before: dict[str, dict[str, str]] = {}
    if original:
        before = raw_config_parse(str(real), parse_subsections=False)
    for name in sorted(set(before) | set(after)):
        if name in changed:
            continue
        if before.get(name) != after.get(name):
            raise FileNotSafe(path=real, reason=f"editing it would change section [{name}]")
    new_lines = {line.strip() for line in temp.read_text(encoding="utf-8").splitlines()}
    for number, line in enumerate(original.decode("utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("#", ";")) and stripped not in new_lines:
            raise FileNotSafe(
                path=real, reason=f"editing it would lose the comment on line {number}"
            )


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
