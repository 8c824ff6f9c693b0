"""questionary behind a narrow interface. Prompts draw on stderr, so stdout stays clean.

`unsafe_ask` lets Ctrl-C arrive as KeyboardInterrupt (and Ctrl-D as EOFError), which the
command line turns into exit 130 with nothing written. questionary is imported on first
use: the still-valid path never loads it.
"""

from __future__ import annotations

import sys
from typing import Any

from mfa_session.codes import code_problem


class QuestionaryPrompter:
    def choose_profile(self, profiles: list[str]) -> str:
        import questionary

        answer: str = questionary.select(
            "Profile to log in:", choices=profiles, **self._terminal()
        ).unsafe_ask()
        return answer

    def choose_device(self, serials: list[str]) -> str:
        import questionary

        answer: str = questionary.select(
            "MFA device:", choices=serials, **self._terminal()
        ).unsafe_ask()
        return answer

    def ask_code(self, label: str, *, after_rejection: bool) -> str:
        import questionary

        message = (
            "AWS rejected that code (wrong, expired or already used). "
            "Wait for the next code and enter it:"
            if after_rejection
            else f"MFA code for {label}:"
        )

        def validate(text: str) -> bool | str:
            problem = code_problem(text)
            return True if problem is None else f"6 digits 0-9: {problem}"

        answer: str = questionary.text(message, validate=validate, **self._terminal()).unsafe_ask()
        return answer

    @staticmethod
    def _terminal() -> dict[str, Any]:
        from prompt_toolkit.output import create_output

        return {"output": create_output(stdout=sys.stderr)}

    def confirm(self, message: str, *, default: bool) -> bool:
        import questionary

        answer: bool = questionary.confirm(
            message, default=default, **self._terminal()
        ).unsafe_ask()
        return answer

    def ask_access_key_id(self) -> str:
        import questionary

        answer: str = questionary.text("Access key ID (AKIA...):", **self._terminal()).unsafe_ask()
        return answer

    def ask_secret(self, access_key_id: str) -> str:
        import questionary

        # Typed hidden: a secret never shows on the screen or in a terminal recording.
        answer: str = questionary.password(
            f"Secret access key of {access_key_id}:", **self._terminal()
        ).unsafe_ask()
        return answer
