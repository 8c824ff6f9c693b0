"""questionary behind a narrow interface. Prompts draw on stderr, so stdout stays clean, or on
a terminal opened by the caller (credential-process asks on /dev/tty: the AWS SDK reads its
stdout and swallows its stderr).

`unsafe_ask` lets Ctrl-C arrive as KeyboardInterrupt (and Ctrl-D as EOFError), which the
command line turns into exit 130, saying what was written. SIGTERM and SIGHUP at a question
restore the terminal and exit 128+n (interrupts.py). Names in questions and choices are
shown through `visible`; a choice still answers with the name itself. questionary is
imported on first use: the still-valid path never loads it.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from mfa_session.adapters.code_sources import code_problem
from mfa_session.adapters.interrupts import terminal_kept
from mfa_session.visible import visible


class QuestionaryPrompter:
    def __init__(self, tty_in: TextIO | None = None, tty_out: TextIO | None = None) -> None:
        self._tty_in = tty_in
        self._tty_out = tty_out

    def choose_profile(self, profiles: list[str]) -> str:
        return self._choose("Profile to log in:", profiles)

    def choose_device(self, serials: list[str]) -> str:
        return self._choose("MFA device:", serials)

    def _choose(self, message: str, names: list[str]) -> str:
        import questionary

        choices = [questionary.Choice(title=visible(name), value=name) for name in names]
        answer: str = self._ask(questionary.select(message, choices=choices, **self._terminal()))
        return answer

    def _ask(self, question: Any) -> Any:
        with terminal_kept(self._input_fd()):
            return question.unsafe_ask()

    def _input_fd(self) -> int | None:
        stream = self._tty_in if self._tty_in is not None else sys.stdin
        try:
            return stream.fileno()
        except (AttributeError, ValueError, OSError):  # a closed or fake stream
            return None

    def ask_code(self, label: str, *, rejected: str | None = None) -> str:
        """The code for `label`; after a rejection, `rejected` says why it likely was."""
        import questionary

        message = rejected if rejected is not None else f"MFA code for {visible(label)}:"

        def validate(text: str) -> bool | str:
            problem = code_problem(text)
            return True if problem is None else f"6 digits 0-9: {problem}"

        answer: str = self._ask(questionary.text(message, validate=validate, **self._terminal()))
        return answer

    def _terminal(self) -> dict[str, Any]:
        from prompt_toolkit.output import create_output

        if self._tty_in is None or self._tty_out is None:
            return {"output": create_output(stdout=sys.stderr)}
        from prompt_toolkit.input import create_input

        return {
            "input": create_input(stdin=self._tty_in),
            "output": create_output(stdout=self._tty_out),
        }

    def confirm(self, message: str, *, default: bool) -> bool:
        import questionary

        answer: bool = self._ask(
            questionary.confirm(visible(message), default=default, **self._terminal())
        )
        return answer

    def ask_access_key_id(self) -> str:
        import questionary

        answer: str = self._ask(questionary.text("Access key ID (AKIA...):", **self._terminal()))
        return answer

    def ask_secret(self, access_key_id: str) -> str:
        import questionary

        # Typed hidden: a secret never shows on the screen or in a terminal recording.
        message = f"Secret access key of {visible(access_key_id)}:"
        answer: str = self._ask(questionary.password(message, **self._terminal()))
        return answer
