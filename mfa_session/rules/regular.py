"""Reading a file only when it is a regular file, without ever blocking.

Every file mfa-login reads goes through `read_regular`: the credentials file (the login,
the still-valid shortcut, `status`, the store under its lock), the config file and the
state file. A device (`AWS_SHARED_CREDENTIALS_FILE=/dev/null`), a FIFO, a socket or a
folder at the path is never read as a file: opening a device can act on it, and reading a
FIFO waits for a writer forever. The kind is checked before the open and again on the
opened file (fstat), and the open itself never waits (O_NONBLOCK), so a swap between the
two can neither block nor read something else.

Standard library only, and nothing loaded until a failure needs it: `status` and the
still-valid shortcut read through it on their quick paths.
"""

from __future__ import annotations

import os
import stat

_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISLNK, "a symbolic link"),
)


def read_regular(path: str | os.PathLike[str], *, strict: bool = True) -> bytes | None:
    """The bytes of the regular file at `path` (symbolic links followed); None when there is
    no file. Anything else at the path raises NotRegularFile, or reads as no file at all
    with `strict=False` (botocore's rule for the config file: `os.path.isfile`)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode):
        _other(path, info.st_mode, strict)
        return None
    fd = os.open(path, _READ_FLAGS)
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            _other(path, opened.st_mode, strict)
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def kind_of(mode: int) -> str:
    """What a file of this mode is, in words ("a character device")."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def not_regular(path: str | os.PathLike[str], mode: int) -> Exception:
    """The error for something other than a regular file at `path`; names a link's target."""
    from mfa_session.errors import NotRegularFile  # only on failure: errors loads typing

    kind = kind_of(mode)
    if os.path.islink(path):
        kind = f"a symbolic link to {kind} ({os.path.realpath(path)})"
    return NotRegularFile(path=path, kind=kind)


def _other(path: str | os.PathLike[str], mode: int, strict: bool) -> None:
    if strict:
        raise not_regular(path, mode)


def stamp(path: str | os.PathLike[str]) -> tuple[int, ...] | None:
    """What changes whenever the file is replaced or written (None: no file there): a file
    read once needs reading again only when this differs."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
