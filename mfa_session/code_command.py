"""The code from a program's stdout: `--code-command` or `mfa_code_command` in the config.

For example `ykman oath accounts code -s NAME` or a password manager's OTP command. The
command line is split like a shell would (shlex) but run without a shell; wrap it in
`sh -c '...'` for pipes. Its stderr goes straight to ours (a YubiKey's "touch your key"),
its stdout is read and must be one 6-digit code. The output is never repeated in a message,
nor is the command beyond its first word: it can hold a TOTP seed (`oathtool --totp SEED`).
"""

from __future__ import annotations

import shlex
import subprocess

from mfa_session.codes import code_problem
from mfa_session.errors import CodeCommandFailed, CodeCommandNotFound, CodeCommandOutput

TIMEOUT_SECONDS = 120  # long enough to find and touch a security key


class CommandCode:
    """A CodeSource that runs a program for each code."""

    interactive = False
    renewable = True
    """Running it again after the next 30-second step gives a fresh code."""

    def __init__(self, command: str, origin: str) -> None:
        self.command = command
        self.origin = origin
        try:
            self._argv = shlex.split(command)
        except ValueError as err:
            # shlex fails only on an open quotation or a trailing backslash.
            problem = "a quotation is not closed" if "quotation" in str(err) else "it ends in \\"
            raise CodeCommandFailed(
                program=first_word(command),
                origin=origin,
                outcome=f"cannot be split into words ({problem})",
            ) from err
        if not self._argv:
            raise CodeCommandFailed(program="", origin=origin, outcome="is empty")

    def next_code(self, label: str, *, after_rejection: bool) -> str:  # noqa: ARG002 - no prompt
        program = self._argv[0]
        try:
            done = subprocess.run(  # noqa: S603 - the person's own configured command
                self._argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except FileNotFoundError as err:
            raise CodeCommandNotFound(program=program, origin=self.origin) from err
        except PermissionError as err:
            raise CodeCommandFailed(
                program=program, origin=self.origin, outcome="cannot be run (permission denied)"
            ) from err
        except subprocess.TimeoutExpired as err:
            raise CodeCommandFailed(
                program=program,
                origin=self.origin,
                outcome=f"gave no code within {TIMEOUT_SECONDS}s",
            ) from err
        if done.returncode != 0:
            raise CodeCommandFailed(
                program=program, origin=self.origin, outcome=f"exited with {done.returncode}"
            )
        try:
            text = done.stdout.decode("utf-8")
        except UnicodeDecodeError:
            raise CodeCommandOutput(
                program=program, origin=self.origin, reason="its output is not text"
            ) from None
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if len(lines) != 1:
            reason = "it printed nothing" if not lines else f"it printed {len(lines)} lines"
            raise CodeCommandOutput(program=program, origin=self.origin, reason=reason)
        problem = code_problem(lines[0])
        if problem is not None:
            raise CodeCommandOutput(program=program, origin=self.origin, reason=problem)
        return lines[0]


def first_word(command: str) -> str:
    """What a message may show of a command line: the program, never its arguments."""
    words = command.split(maxsplit=1)
    return words[0] if words else ""
