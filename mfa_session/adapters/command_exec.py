"""Replacing this process with the person's command, as a shell's `exec` does (`exec`).

Standard library only: the still-valid fast path of `exec` ends here too.
"""

from __future__ import annotations

import os
import signal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

PYTHONS_OWN_IGNORED = tuple(
    getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ") if hasattr(signal, name)
)
"""Signals the interpreter ignores for itself at start; a command must get them as a shell
gives them (subprocess's restore_signals resets the same two)."""


def become(command: list[str], env: dict[str, str]) -> NoReturn:
    """Replace this process with the command (execvpe), as a shell's `exec` does.

    Nothing stands between the command and its signals: Ctrl-C, SIGTERM from a container
    runtime (as PID 1 the command is PID 1), SIGHUP from a closed terminal reach it directly,
    and whoever started mfa-login sees the command's own exit status (a shell shows 128 + N
    for signal N). Dispositions are what mfa-login was started with: handlers the interpreter
    installed (SIGINT's) fall back to the default at exec, and the two signals it ignores are
    reset here. Everything mfa-login opened is closed at exec (Python opens files and sockets
    close-on-exec), which releases its locks; its buffered output is flushed first.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    for number in PYTHONS_OWN_IGNORED:
        signal.signal(number, signal.SIG_DFL)
    try:
        os.execvpe(command[0], command, env)  # noqa: S606 - the person's own command
    except OSError as err:
        for number in PYTHONS_OWN_IGNORED:
            signal.signal(number, signal.SIG_IGN)
        from mfa_session.errors import CommandNotExecutable, CommandNotFound  # on failure only

        if isinstance(err, FileNotFoundError):
            raise CommandNotFound(program=command[0]) from err
        raise CommandNotExecutable(program=command[0], reason=err.strerror or str(err)) from err
