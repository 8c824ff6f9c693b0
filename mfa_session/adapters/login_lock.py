"""One login at a time per target section: a second one waits, then uses the first's session.

SDKs and Terraform start several `credential-process` calls at once; without this, each asks
for a code and each calls GetSessionToken. Every command that may log in (the login,
`export`, `exec`, `credential-process`, `setup`) holds the lock of each section it may write
from before it asks for a code until the section is written, and checks the section again
once it holds the lock: the one that waited finds the new session and uses it.

The locks live in the state folder, `locks/<digest>.lock`, one per credentials file and
section (a digest of both names, so any section name makes a file name). A command takes its
locks in sorted order, and before the store's `<file>.lock`, never while holding it, so two
commands never wait on each other. The wait is bounded; the holder's process id is written
into the lock file so that the message can name it. A folder that cannot be written never
costs a login: it goes on unlocked, as it does when the state file cannot be saved.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from mfa_session.errors import AnotherLoginRunning, MfaSessionError
from mfa_session.store.files import open_own_file, own_folder

log = logging.getLogger("mfa_session")

WAIT_SECONDS = 120.0
"""How long a login waits for another one: long enough for a person to type a code."""
POLL_SECONDS = 0.05


def lock_folder(state_file: Path) -> Path:
    return state_file.parent / "locks"


@contextlib.contextmanager
def login_lock(
    folder: Path,
    credentials: str,
    sections: Iterable[str],
    *,
    timeout: float = WAIT_SECONDS,
    waiting: Callable[[str], None] = lambda _section: None,
) -> Iterator[None]:
    """Hold the login lock of every section in `sections` (of the file named `credentials`).

    `waiting(section)` is called once when another process holds one of them.
    """
    with contextlib.ExitStack() as held:
        for section in sorted(set(sections)):
            held.enter_context(_section_lock(folder, credentials, section, timeout, waiting))
        yield


@contextlib.contextmanager
def _section_lock(
    folder: Path,
    credentials: str,
    section: str,
    timeout: float,
    waiting: Callable[[str], None],
) -> Iterator[None]:
    digest = hashlib.sha256(f"{credentials}\n{section}".encode()).hexdigest()[:32]
    path = folder / f"{digest}.lock"
    try:
        # A link, device or another user's file there is never followed: no lock, as below.
        own_folder(folder.parent)
        own_folder(folder)
        fd = open_own_file(path, os.O_RDWR | os.O_CREAT)
    except (OSError, MfaSessionError) as err:
        log.debug("login lock %s not taken: %s", path, err)
        yield
        return
    try:
        _acquire(fd, section, timeout, waiting)
        # For the message of whoever waits next (a full disk only costs that); the file
        # itself stays, since removing it would race.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        log.debug("holding the login lock of [%s]", section)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(fd: int, section: str, timeout: float, waiting: Callable[[str], None]) -> None:
    started = time.monotonic()
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not told:
                waiting(section)
                told = True
            if time.monotonic() - started >= timeout:
                raise AnotherLoginRunning(
                    holder=_holder(fd), section=section, seconds=round(timeout)
                ) from None
            time.sleep(POLL_SECONDS)
        else:
            return


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        text = ""
    return f"process {text}" if text.isdigit() else "another process"
