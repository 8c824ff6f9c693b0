"""Where the 6-digit code comes from, and what counts as one.

Only the ASCII digits 0-9 count: `str.isdigit` and the regex `\\d` also accept digits of
other scripts ("١٢٣٤٥٦"), which AWS would reject after a wasted round trip.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TextIO

from mfa_session.errors import MalformedCode, NoCodeOnStdin, NoTerminal
from mfa_session.interfaces import CodePrompter

ASCII_DIGITS = frozenset("0123456789")
CODE_LENGTH = 6
CODE_IN_ARGUMENTS = (
    "a code given with --code shows in the process list (ps) to every user of this machine, "
    "while it is still valid: pipe it on standard input, or leave --code out to be asked"
)
"""Said on stderr whenever --code is used (not with --quiet, which asks for silence)."""


LINE_LIMIT = 4096
"""Bytes read at most for one line of stdin: no code or key is anywhere near as long."""


def one_line(stream: TextIO) -> str:
    """The next line of `stream` and not a byte more, so that what follows it stays for
    whoever reads the stream next: the command `exec` becomes, the next command of a shell
    script. A text stream reads a whole buffer ahead to give one line; on a real file
    descriptor (a pipe, a file, a terminal) this reads byte by byte up to the newline
    instead. A stream without one (a test's StringIO) shares nothing and reads a line."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError):  # io.UnsupportedOperation is both
        return stream.readline()
    data = bytearray()
    while len(data) < LINE_LIMIT:
        byte = os.read(fd, 1)
        if not byte:
            break
        data += byte
        if byte == b"\n":
            break
    return data.decode(getattr(stream, "encoding", None) or "utf-8", errors="replace")


def code_problem(text: str) -> str | None:
    """Why `text` is not a code, in words that never repeat the input; None when it is one."""
    value = text.strip()
    if not value:
        return "nothing was entered"
    if len(value) != CODE_LENGTH:
        return f"got {len(value)} characters"
    for position, char in enumerate(value, start=1):
        if char not in ASCII_DIGITS:
            return f"character {position} is not a digit 0-9"
    return None


def checked_code(text: str) -> str:
    problem = code_problem(text)
    if problem is not None:
        raise MalformedCode(reason=problem)
    return text.strip()


class FixedCode:
    """--code: checked when the command line is read, before anything else happens."""

    interactive = False

    def __init__(self, code: str) -> None:
        self._code = checked_code(code)

    def next_code(self, label: str, *, after_rejection: bool) -> str:  # noqa: ARG002 - one code
        return self._code


class StdinCode:
    """One line from a pipe: `oathtool ... | mfa-login`; the rest of stdin is left unread."""

    interactive = False

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def next_code(self, label: str, *, after_rejection: bool) -> str:  # noqa: ARG002 - one code
        line = one_line(self._stream)
        if not line.strip():
            raise NoCodeOnStdin()
        return checked_code(line)


class PromptedCode:
    """A prompt on the terminal that refuses anything but six digits, saying why.

    After AWS rejected a code, the prompt says what most likely went wrong. Never "wait for
    the next code": a code mfa-login already used is caught before it is sent (the
    used-code guard), so one AWS rejects was mistyped, another entry's, or (typed long after
    the prompt appeared) expired, and in each case the app's current code is the one to type.
    """

    interactive = True

    def __init__(self, prompter: CodePrompter, clock: Callable[[], float] = time.monotonic) -> None:
        self._prompter = prompter
        self._clock = clock
        self._last_open = 0.0

    def next_code(self, label: str, *, after_rejection: bool) -> str:
        rejected = rejection_note(self._last_open) if after_rejection else None
        opened = self._clock()
        answer = self._prompter.ask_code(label, rejected=rejected)
        self._last_open = self._clock() - opened
        return checked_code(answer)


STALE_AFTER_SECONDS = 60
"""A prompt open longer than this may outlast its code: AWS takes a code for about its own
30-second step and the next."""


def rejection_note(prompt_open: float) -> str:
    """What a prompt says after AWS rejected the code typed at it `prompt_open` seconds
    after it appeared."""
    if prompt_open > STALE_AFTER_SECONDS:
        return (
            f"AWS rejected that code: typed {int(prompt_open)}s after the prompt appeared, it "
            "may have expired. Type the code the app shows now:"
        )
    return (
        "AWS rejected that code: most likely mistyped, or the code of another entry in the "
        "app. Type the code the app shows for this device:"
    )


class NoTerminalCode:
    """Stands in for a prompt where there is no terminal: asking for a code is the error."""

    interactive = False

    def __init__(self, profile: str, config_file: object) -> None:
        self._profile = profile
        self._config_file = config_file

    def next_code(self, label: str, *, after_rejection: bool) -> str:  # noqa: ARG002 - fails
        raise NoTerminal(profile=self._profile, config_file=self._config_file)
