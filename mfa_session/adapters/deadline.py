"""One deadline for a whole AWS request, from the first byte sent to the last byte read.

botocore's time-outs bound each step, not the request: 5 s to connect and 15 s for each
read from the socket. An answer that trickles in a byte every few seconds satisfies every
read and never ends. `deadline(seconds)` arms a real-time alarm (SIGALRM); when it rings,
its handler raises `DeadlinePassed` inside whatever read is waiting. urllib3 closes the
connection as that exception passes (it throws a connection away on any exception that
interrupts a request or a read), so the request ends at once, on the wire too, and no
thread is left behind.

`DeadlinePassed` derives from BaseException, as KeyboardInterrupt does: botocore catches
`Exception` around a request to retry or wrap it, and must not take the alarm for a failure
of the network. `aws.translated` turns it into our error.

Signals reach only the main thread; the requests are made there. Elsewhere (where no
alarm can be set) the per-step time-outs are all there is.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType


class DeadlinePassed(BaseException):
    """The request's deadline rang while it was still under way."""


def _ring(_signum: int, _frame: FrameType | None) -> None:
    raise DeadlinePassed


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise DeadlinePassed inside the block once `seconds` have passed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
