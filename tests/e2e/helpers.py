"""Running the installed `mfa-login` as a person would: a subprocess or a pseudo-terminal."""

from __future__ import annotations

import configparser
import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pexpect.fdpexpect

from tests.conftest import Home
from tests.emulator import EmulatedUser, Emulator

MFA_LOGIN = str(Path(sys.executable).with_name("mfa-login"))


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def command_env(emulator: Emulator, **extra: str) -> dict[str, str]:
    """The test's isolated environment (see conftest), pointed at the emulator."""
    env = dict(os.environ)
    env["AWS_ENDPOINT_URL"] = emulator.url
    env["PROMPT_TOOLKIT_NO_CPR"] = "1"
    env.update(extra)
    return env


def mfa_login(
    emulator: Emulator, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> Run:
    done = subprocess.run(
        [MFA_LOGIN, *args],
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        env=env or command_env(emulator),
        timeout=60,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def login_with_code_argument(
    emulator: Emulator,
    user: EmulatedUser,
    *command: str,
    tail: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Run:
    """`mfa-login [COMMAND] --profile admin --device SERIAL --code CODE [TAIL]`: admin's login
    with the user's first device and the current code on the command line."""
    return mfa_login(
        emulator,
        *command,
        "--profile",
        "admin",
        "--device",
        user.mfa_serials[0],
        "--code",
        user.code(),
        *tail,
        env=env,
    )


def spawn(emulator: Emulator, *args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    """`mfa-login` in a real pseudo-terminal, 100x30, as a person's shell runs it."""
    return pexpect.spawn(
        MFA_LOGIN,
        list(args),
        env=env or command_env(emulator),
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 100),
    )


def write_long_term(home: Home, profile: str, user: EmulatedUser, *, layout: str) -> None:
    """The key where a person keeps it: aws-mfa's [NAME-long-term], or [NAME] itself."""
    section = f"{profile}-long-term" if layout == "long-term" else profile
    with home.credentials.open("a", encoding="utf-8") as handle:
        handle.write(
            f"[{section}]\naws_access_key_id = {user.access_key_id}\n"
            f"aws_secret_access_key = {user.secret_access_key}\n\n"
        )
    home.credentials.chmod(0o600)  # as `aws configure` leaves it


def sections(path: Path) -> dict[str, dict[str, str]]:
    """A credentials or config file as botocore reads it."""
    parser = configparser.RawConfigParser()
    parser.read(path)
    return {name: dict(parser.items(name)) for name in parser.sections()}


def write_config(home: Home, text: str) -> None:
    home.config.write_text(text, encoding="utf-8")


def assert_no_secret(run_output: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in run_output, "a secret reached the output"


@dataclass
class OwnTerminal:
    """`mfa-login` on a pseudo-terminal whose slave end the test keeps open, so the
    terminal's mode can be read after the command has exited."""

    process: subprocess.Popen[bytes]
    screen: pexpect.fdpexpect.fdspawn
    """The master end, to expect what the terminal shows and to type."""
    slave: int

    def mode(self) -> list[int | list[bytes | int]]:
        return termios.tcgetattr(self.slave)

    def is_cooked(self) -> bool:
        """Echo and line editing on: the mode a shell's commands expect."""
        local_flags = self.mode()[3]
        assert isinstance(local_flags, int)
        return bool(local_flags & termios.ECHO) and bool(local_flags & termios.ICANON)


@contextmanager
def own_terminal(
    emulator: Emulator, *args: str, env: dict[str, str] | None = None
) -> Iterator[OwnTerminal]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [MFA_LOGIN, *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env or command_env(emulator),
        start_new_session=True,
    )
    screen = pexpect.fdpexpect.fdspawn(master, encoding="utf-8", timeout=30)
    try:
        yield OwnTerminal(process, screen, slave)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        os.close(slave)
        os.close(master)
