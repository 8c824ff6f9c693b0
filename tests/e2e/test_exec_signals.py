"""`exec` gives the command its signals and its exit status: mfa-login becomes the command.

The command used to start with SIGINT ignored (an ignored signal survives exec), so Ctrl-C
could not stop it, and SIGTERM or SIGHUP sent to mfa-login killed mfa-login and left the
command running, orphaned, its exit status lost.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import shell_env, write_session
from tests.e2e.helpers import MFA_LOGIN, spawn
from tests.emulator import Emulator

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)"),
]

# Reports its signal dispositions, then waits; each caught signal ends it with 40 + N.
REPORTER = """
import signal, sys, time
caught = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP}
for name, number in caught.items():
    signal.signal(number, lambda n, _frame: (print("got", signal.Signals(n).name, flush=True),
                                             sys.exit(40 + n)))
print("ready", flush=True)
while True:
    time.sleep(1)
"""


@contextlib.contextmanager
def started(emulator: Emulator, *command: str) -> Iterator[subprocess.Popen[str]]:
    """`mfa-login exec --profile admin -- COMMAND` in a process group of its own, which is
    killed whole at the end: a command left running (the defect) fails the test, not the run."""
    process = subprocess.Popen(
        [MFA_LOGIN, "exec", "--profile", "admin", "--", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=shell_env(emulator),
        start_new_session=True,
    )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


def next_line(process: subprocess.Popen[str]) -> str:
    """The command's next line of output; "" when none comes within a minute (a hang guard)."""
    assert process.stdout is not None
    readable, _, _ = select.select([process.stdout], [], [], 60)
    return process.stdout.readline() if readable else ""


def dispositions(status: str) -> dict[str, str]:
    """The ignored and blocked signal masks of a /proc/PID/status text."""
    found = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    return {name: found[name].strip() for name in ("SigIgn", "SigBlk")}


def test_exec_command_starts_with_the_signal_dispositions_mfa_login_got(
    home: Home, emulator: Emulator
) -> None:
    """What a shell would give the command: nothing ignored or blocked that mfa-login's own
    parent did not ignore or block (SIGINT above all, and SIGPIPE, which Python ignores)."""
    write_session(home, "admin", timedelta(hours=2))
    env = shell_env(emulator)
    direct = subprocess.run(
        ["cat", "/proc/self/status"], capture_output=True, text=True, env=env, check=True
    )
    through = subprocess.run(
        [MFA_LOGIN, "exec", "--profile", "admin", "--", "cat", "/proc/self/status"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert through.returncode == 0, through.stderr
    assert dispositions(through.stdout) == dispositions(direct.stdout)
    ignored = int(dispositions(through.stdout)["SigIgn"], 16)
    for number in (signal.SIGINT, signal.SIGPIPE, signal.SIGTERM, signal.SIGHUP):
        assert not ignored & (1 << (number - 1)), f"{number.name} ignored in the command"


@pytest.mark.parametrize(
    "sent", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name
)
def test_a_signal_sent_to_exec_reaches_the_command_and_its_status_is_the_commands(
    home: Home, emulator: Emulator, sent: signal.Signals
) -> None:
    write_session(home, "admin", timedelta(hours=2))
    with started(emulator, sys.executable, "-c", REPORTER) as process:
        assert next_line(process) == "ready\n"
        process.send_signal(sent)
        assert next_line(process) == f"got {sent.name}\n"
        assert process.wait(timeout=60) == 40 + sent


def test_sigterm_to_exec_ends_a_command_that_keeps_the_default(
    home: Home, emulator: Emulator
) -> None:
    """No handler in the command: SIGTERM ends it, and its parent sees death by SIGTERM (a
    shell reports 143), not mfa-login's exit with the command left running."""
    write_session(home, "admin", timedelta(hours=2))
    with started(emulator, "sh", "-c", "echo ready; exec sleep 300") as process:
        assert next_line(process) == "ready\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == -signal.SIGTERM
        with pytest.raises(ProcessLookupError):  # nothing of it left running
            os.killpg(process.pid, 0)


def test_ctrl_c_stops_a_command_under_exec(home: Home, emulator: Emulator) -> None:
    write_session(home, "admin", timedelta(hours=2))
    child = spawn(
        emulator,
        "exec",
        "--profile",
        "admin",
        "--",
        "sh",
        "-c",
        "echo ready; exec sleep 300",
        env=shell_env(emulator),
    )
    try:
        child.expect_exact("ready")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.signalstatus == signal.SIGINT


def test_exec_status_as_a_shell_reports_it(home: Home, emulator: Emulator) -> None:
    write_session(home, "admin", timedelta(hours=2))
    script = 'mfa-login exec --profile admin -- sh -c "kill -TERM \\$\\$"; echo "status=$?"'
    done = subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=60,
        check=False,
    )
    assert done.stdout == f"status={128 + signal.SIGTERM}\n", done.stderr


def test_exec_pid_is_the_commands(home: Home, emulator: Emulator) -> None:
    """No mfa-login process is left between the caller and the command."""
    write_session(home, "admin", timedelta(hours=2))
    done = subprocess.run(
        ["sh", "-c", 'mfa-login exec --profile admin -- sh -c \'echo "$$ $PPID"\'; echo "$$"'],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=60,
        check=False,
    )
    (command_line, shell_line) = done.stdout.splitlines()
    _pid, parent = command_line.split()
    assert parent == shell_line, "the command's parent is not the shell that ran mfa-login"


def test_exec_of_a_script_without_interpreter_line_is_126_not_a_traceback(
    home: Home, emulator: Emulator, tmp_path: Path
) -> None:
    write_session(home, "admin", timedelta(hours=2))
    script = tmp_path / "no-shebang"
    script.write_text("echo hello\n")
    script.chmod(0o755)

    done = subprocess.run(
        [MFA_LOGIN, "exec", "--profile", "admin", "--", str(script)],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=60,
        check=False,
    )

    assert done.returncode == 126
    assert done.stderr == f"mfa-login: exec: cannot run {script}: Exec format error\n"
