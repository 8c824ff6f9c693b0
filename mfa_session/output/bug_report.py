"""An unexpected exception, reported as a bug: its traceback, never its messages.

A bug keeps its traceback (it is not swallowed), but exception messages are left out of it:
a third-party exception's text can quote whatever it was handed. botocore's
ResponseParserError quotes the raw answer of AWS, the new session's secret and token among
it; a keyring backend's error can hold the item it was asked to store. So for each
exception of the chain (causes and contexts, oldest first, as Python prints them) the
report has its frames (file, line, function and source line: program text, no data) and its
class. Messages are kept only for our own errors, whose templates hold no secret
(errors.py), and OSError keeps its errno name (ENOSPC helps and reveals nothing).

Loaded only when a bug happens.
"""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType
from typing import Any, TextIO

HEADLINE = (
    "mfa-login: unexpected error: this is a bug, please report it with the traceback below "
    "(exception messages are left out: they can hold secrets)"
)
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n"


def format_bug(error: BaseException) -> str:
    """The traceback of `error` and its chain, without exception messages."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    lines: list[str] = []
    # Oldest first: each entry's link says how it led to the one printed after it.
    for position, (exception, _) in enumerate(reversed(chain)):
        if position:
            lines.append(chain[len(chain) - position][1])
        lines.append("Traceback (most recent call last):")
        lines.extend(line.rstrip("\n") for line in traceback.format_tb(exception.__traceback__))
        lines.append(describe(exception))
    return "\n".join(lines)


def describe(exception: BaseException) -> str:
    """The exception's class, and what of its message may be shown."""
    from mfa_session.errors import MfaSessionError

    kind = type(exception)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else (f"{kind.__module__}.{kind.__qualname__}")
    )
    if isinstance(exception, MfaSessionError):
        return f"{name}: {exception}"
    if isinstance(exception, OSError) and exception.errno is not None:
        import errno

        symbol = errno.errorcode.get(exception.errno, str(exception.errno))
        return f"{name} [{symbol}] (message left out)"
    return f"{name} (message left out)"


def report_bug(error: BaseException, stream: TextIO) -> None:
    try:
        print(HEADLINE, file=stream)
        print(format_bug(error), file=stream)
        stream.flush()
    except (OSError, ValueError):
        pass  # stderr is gone: nothing more can be said


def install_hooks(stream: TextIO | None = None) -> None:
    """Let no exception anywhere in the process print its message: an uncaught one on the
    main thread, on another thread, or one Python can only ignore (in __del__)."""

    def where() -> TextIO:
        return stream or sys.stderr

    def uncaught(
        _kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        report_bug(value.with_traceback(tb), where())

    def in_thread(args: Any) -> None:
        if args.exc_value is not None:
            report_bug(args.exc_value, where())

    def unraisable(args: Any) -> None:
        if args.exc_value is not None:
            report_bug(args.exc_value, where())

    sys.excepthook = uncaught
    threading.excepthook = in_thread
    sys.unraisablehook = unraisable
