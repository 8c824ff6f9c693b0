"""What a login says on the terminal while it works (nothing off one, or with --quiet)."""

from __future__ import annotations

import logging
from typing import TextIO

from mfa_session.errors import KeyringUnusable, NoKeyring
from mfa_session.visible import visible

log = logging.getLogger("mfa_session")


class TerminalNotes:
    def __init__(self, terminal: TextIO | None, *, quiet: bool, wait_seconds: float) -> None:
        self._terminal = None if quiet else terminal
        self._wait_seconds = wait_seconds

    @property
    def speaks(self) -> bool:
        """Whether anything is said: a terminal to say it on, and no --quiet."""
        return self._terminal is not None

    def keyring_problem(self, problem: KeyringUnusable) -> None:
        # Said where a person can act on it; scripts go on quietly from the file layout.
        # A machine with no keyring at all cannot hold an item: saying so every morning
        # would be noise, so that case stays in --debug (setup still says it).
        if self._terminal is not None and not isinstance(problem, NoKeyring):
            print(f"mfa-login: {problem}; using the credentials file", file=self._terminal)

    def waiting(self, section: str) -> None:
        log.debug("another mfa-login is logging in to [%s]: waiting for it", section)
        if self._terminal is not None:
            print(
                f"mfa-login: another mfa-login is logging in to [{visible(section)}]; waiting "
                f"for it (at most {self._wait_seconds:.0f}s)",
                file=self._terminal,
            )
