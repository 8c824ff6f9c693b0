"""A code on standard input: exactly one line is read, and the rest stays for the next reader
(the command `exec` becomes, the next command of a shell script), byte for byte."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import configured, shell_env
from tests.e2e.helpers import MFA_LOGIN, command_env, sections
from tests.emulator import EmulatedUser, Emulator
from tests.keyring_backends import DISK, disk_keyring_file

pytestmark = pytest.mark.e2e

REST = b"first line of data\n\x00\xff binary \r\n" + b"x" * 70000 + b"\nno final newline"
"""What follows the code: more than any read-ahead buffer, bytes that are not UTF-8, a NUL,
a CR LF, and no newline at the end."""


def run_with_stdin(
    argv: list[str], env: dict[str, str], data: bytes, *, kind: str, folder: Path
) -> subprocess.CompletedProcess[bytes]:
    """`argv` with `data` on stdin through a pipe, or from a file (`< file`)."""
    if kind == "pipe":
        return subprocess.run(
            argv, input=data, capture_output=True, env=env, timeout=60, check=False
        )
    path = folder / "stdin.bin"
    path.write_bytes(data)
    with path.open("rb") as stdin:
        return subprocess.run(
            argv, stdin=stdin, capture_output=True, env=env, timeout=60, check=False
        )


@pytest.mark.parametrize("kind", ["pipe", "file"])
def test_exec_with_the_code_on_stdin_gives_the_command_the_rest_of_stdin_byte_for_byte(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path, kind: str
) -> None:
    """printf '123456\\ndata' | mfa-login exec -- cat: cat gets "data" (it got nothing when
    the code was read through a buffer that swallowed the rest)."""
    configured(home, aws_user)
    done = run_with_stdin(
        [MFA_LOGIN, "exec", "--profile", "admin", "--", "cat"],
        shell_env(emulator),
        f"{aws_user.code()}\n".encode() + REST,
        kind=kind,
        folder=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == REST
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")


@pytest.mark.parametrize("kind", ["pipe", "file"])
@pytest.mark.parametrize("command", ["login", "export"])
def test_a_code_on_stdin_leaves_the_next_lines_to_the_next_command_of_a_script(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    tmp_path: Path,
    command: str,
    kind: str,
) -> None:
    """{ code; more lines } | sh -c 'mfa-login ...; cat': the script's cat gets the lines
    after the code."""
    configured(home, aws_user)
    args = "--profile admin" if command == "login" else "export --profile admin"
    script = f"{MFA_LOGIN} {args} > /dev/null || exit 9; cat"
    done = run_with_stdin(
        ["sh", "-c", script],
        shell_env(emulator),
        f"{aws_user.code()}\n".encode() + REST,
        kind=kind,
        folder=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == REST
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")


def test_setup_reads_the_secret_and_the_code_as_two_lines_of_one_pipe(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """Off a terminal, setup's secret is the first line of stdin and the code the next: each
    read is one line, so neither swallows the other (nor what follows them)."""
    env = command_env(
        emulator, PYTHON_KEYRING_BACKEND=DISK, PYTHONPATH=str(Path(__file__).parents[2])
    )
    script = (
        f"{MFA_LOGIN} setup --profile admin --access-key-id {aws_user.access_key_id} "
        "--device " + aws_user.mfa_serials[0] + " || exit 9; cat"
    )
    done = run_with_stdin(
        ["sh", "-c", script],
        env,
        f"{aws_user.secret_access_key}\n{aws_user.code()}\n".encode() + REST,
        kind="pipe",
        folder=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == REST
    assert aws_user.secret_access_key in "".join(disk_keyring_file().values())
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
