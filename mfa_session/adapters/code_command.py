"""The code from a program's stdout: `--code-command` or `mfa_code_command` in the config.

For example `ykman oath accounts code -s NAME` or a password manager's OTP command. The
command line is split like a shell would (shlex) but run without a shell; wrap it in
`sh -c '...'` for pipes. Its stderr goes straight to ours (a YubiKey's "touch your key"),
its stdout is read and must be one 6-digit code. The output is never repeated in a message,
nor is the command beyond its first word: it can hold a TOTP seed (`oathtool --totp SEED`).
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import subprocess
import threading
import time

from mfa_session.adapters.code_sources import code_problem
from mfa_session.errors import CodeCommandFailed, CodeCommandNotFound, CodeCommandOutput

TIMEOUT_SECONDS = 120  # long enough to find and touch a security key
OUTPUT_LIMIT = 64 * 1024  # a code is 7 bytes; more is read and dropped, never kept


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
            status, output = output_until_exit(self._argv, TIMEOUT_SECONDS)
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
        if status != 0:
            raise CodeCommandFailed(
                program=program, origin=self.origin, outcome=f"exited with {status}"
            )
        try:
            text = output.decode("utf-8")
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


def output_until_exit(argv: list[str], timeout: float) -> tuple[int, bytes]:
    """Run `argv` with stdin closed: its exit status and what it printed until it exited.

    Reading stops when the program exits, not when its stdout closes: a program that leaves
    a child in the background (an agent it starts, `sleep 300 &`) hands that child its
    stdout, which then stays open long after the code was printed. Whatever the program
    wrote before it exited is in the pipe by then, and is read to the end.
    Raises subprocess.TimeoutExpired, the program killed, after `timeout` seconds.
    """
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(  # noqa: S603 - the person's own configured command
            argv, stdin=subprocess.DEVNULL, stdout=write_end
        )
    except BaseException:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)  # the program's copy is the only one left
    exited, exit_signal = os.pipe()

    def say_exited() -> None:
        # This thread closes its own end: closed elsewhere, the number could be reused by
        # another file before the write.
        try:
            process.wait()
            with contextlib.suppress(OSError):  # the reader has stopped listening
                os.write(exit_signal, b"x")
        finally:
            os.close(exit_signal)

    threading.Thread(target=say_exited, daemon=True).start()
    output = bytearray()
    watched = [read_end, exited]
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                process.kill()
                process.wait()
                raise subprocess.TimeoutExpired(argv, timeout)
            readable, _, _ = select.select(watched, [], [], left)
            if read_end in readable and not _read_into(output, read_end):
                watched.remove(read_end)  # closed by every writer: only the exit is left
            if exited in readable:
                break
        if read_end in watched:
            # Without waiting for a writer that is still alive (the background child).
            os.set_blocking(read_end, False)
            with contextlib.suppress(BlockingIOError):
                while _read_into(output, read_end):
                    pass
    finally:
        os.close(exited)
        os.close(read_end)
    return process.wait(), bytes(output)


def _read_into(output: bytearray, pipe: int) -> bool:
    """One read from the pipe into `output` (up to OUTPUT_LIMIT kept); False at its end."""
    chunk = os.read(pipe, 4096)
    output += chunk[: max(0, OUTPUT_LIMIT - len(output))]
    return bool(chunk)


def first_word(command: str) -> str:
    """What a message may show of a command line: the program, never its arguments."""
    words = command.split(maxsplit=1)
    return words[0] if words else ""
