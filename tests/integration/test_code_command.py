"""`output_until_exit`: what a code command printed, read until the program exits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from mfa_session.adapters.code_command import OUTPUT_LIMIT, output_until_exit


def test_everything_printed_before_the_exit_is_read_although_a_child_keeps_the_pipe() -> None:
    script = "printf 'one\\ntwo\\n'; sleep 30 2>/dev/null & printf '%s\\n' $!"
    status, output = output_until_exit(["sh", "-c", script], timeout=60)
    *lines, child = output.decode().splitlines()
    os.kill(int(child), signal.SIGKILL)  # it was still running: proof it was not waited for
    assert (status, lines) == (0, ["one", "two"])


def test_a_program_that_prints_without_end_is_drained_and_kept_to_the_limit() -> None:
    """More than a pipe holds: the program is never left blocked on a full pipe."""
    status, output = output_until_exit(["head", "-c", "1000000", "/dev/zero"], timeout=60)
    assert status == 0
    assert output == b"\0" * OUTPUT_LIMIT


def test_a_program_that_never_ends_is_killed_at_the_time_out() -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        output_until_exit([sys.executable, "-c", "import time; time.sleep(60)"], timeout=0.5)


def test_a_missing_program_is_file_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        output_until_exit(["no-such-program-here"], timeout=5)
