"""SIGTERM and SIGHUP at a prompt: the terminal back as it was, and a clean exit 128+n.

prompt_toolkit puts the terminal into raw mode while it asks, and undoes that when the
question ends. A signal whose default is to end the process ends it before that: the
shell is left without echo and line editing. While a question is open, `terminal_kept`
catches both signals and raises `Terminated`, which unwinds like Ctrl-C (locks released,
nothing half-written), restores the terminal's saved mode itself (prompt_toolkit's own
undo may be skipped when the exception leaves its event loop), and the command line
exits with 128 + the signal's number, as a shell reports a process ended by it.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """A stopping signal arrived at a prompt.

    A KeyboardInterrupt: asyncio (prompt_toolkit's event loop) lets only that and SystemExit
    out of a callback the signal lands in; any other exception there goes to the loop's
    handler, and prompt_toolkit then waits for "Press ENTER to continue..."."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def terminal_kept(fd: int | None) -> Iterator[None]:
    """Inside: SIGTERM and SIGHUP raise Terminated. On the way out: the terminal `fd` (the
    prompt's input) is given back the mode it had on the way in."""
    import termios

    saved = None
    if fd is not None:
        with contextlib.suppress(termios.error, OSError):
            saved = termios.tcgetattr(fd)
    previous = {number: signal.signal(number, _stop) for number in STOPPING_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if fd is not None and saved is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(fd, termios.TCSANOW, saved)
