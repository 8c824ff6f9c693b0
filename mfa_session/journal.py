"""What this run has written, so that the message of an interrupt tells the truth.

Ctrl-C, end of input, SIGTERM or SIGHUP can arrive after the session is in the credentials
file: at the keyring question that follows a login, or while the result is shown. "nothing
was written" would be false then. Whatever writes a file or the keyring on the person's
behalf does it inside `JOURNAL.writing(...)`; the command line's interrupt handler asks
`JOURNAL.summary()`. A write cut off half-way says that it may have happened.

One process runs one command, so one journal serves it; tests pass their own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

NOTHING = "nothing was written"


class WriteJournal:
    def __init__(self) -> None:
        self._done: list[str] = []
        self._under_way: list[str] = []

    @contextlib.contextmanager
    def writing(self, thing: str, verb: str = "written", detail: str = "") -> Iterator[None]:
        """Record `thing` (`the session for [admin]`) as `verb` (`written`, `stored in the OS
        keyring`) once the block has run; `detail` is added in brackets when it is done."""
        marker = f"{thing} may have been {verb}"
        self._under_way.append(marker)
        try:
            yield
        except Exception:
            # A failed write leaves its file as it was (the store guarantees it).
            self._under_way.remove(marker)
            raise
        # An interrupt inside the block (BaseException) leaves the marker: "may have been".
        self._under_way.remove(marker)
        done = f"{thing} was {verb}"
        self._done.append(f"{done} ({detail})" if detail else done)

    def summary(self) -> str:
        """`nothing was written`, or what was, in the order it happened."""
        said = self._done + self._under_way
        return "; ".join(said) if said else NOTHING


JOURNAL = WriteJournal()
"""The running command's journal."""
