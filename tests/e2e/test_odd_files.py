"""Odd things at the file paths, through the installed command: a device, a FIFO, a socket
or a folder where the credentials file should be, a FIFO as the config file, a byte-order
mark, a session token holding " #".

The device is a node made in tmp_path with /dev/null's numbers; the real /dev/null is never
touched.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.e2e.helpers import mfa_login, sections, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

NOT_REGULAR = (
    "not a regular file: mfa-login reads and replaces only regular files, so it left it alone"
)


def _device(path: Path) -> str:
    if os.geteuid() != 0:
        pytest.skip("only root can make a device node")
    null = os.stat("/dev/null")
    os.mknod(path, 0o666 | stat.S_IFCHR, null.st_rdev)
    return "a character device"


def _fifo(path: Path) -> str:
    os.mkfifo(path, 0o600)
    return "a FIFO (named pipe)"


def _socket(path: Path) -> str:
    # bind() takes at most 107 bytes of path: bind by a short name from inside the folder.
    here = Path.cwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(here)
    return "a socket"


def _folder(path: Path) -> str:
    path.mkdir()
    return "a folder"


MAKERS: dict[str, Callable[[Path], str]] = {
    "device": _device,
    "fifo": _fifo,
    "socket": _socket,
    "folder": _folder,
}
COMMANDS = {
    "login": ("--profile", "admin", "--code", "123456", "--force"),
    "still-valid-path": ("--profile", "admin"),
    "status": ("status",),
}


def _node_kind(path: Path) -> int:
    return stat.S_IFMT(os.lstat(path).st_mode)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("through_link", [False, True], ids=["at-the-path", "through-a-link"])
@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_only_a_regular_file_is_read_or_replaced_as_the_credentials_file(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    tmp_path: Path,
    kind: str,
    through_link: bool,
    command: str,
) -> None:
    """Regression: /dev/null (or a link to it) was replaced by a file holding the session;
    a FIFO hung the login, the still-valid shortcut and status forever."""
    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n")
    node = tmp_path / "node" if through_link else home.credentials
    if through_link:
        node.parent.mkdir(exist_ok=True)
    described = MAKERS[kind](node)
    before = (_node_kind(node), os.lstat(node).st_rdev)
    if through_link:
        home.credentials.symlink_to(node)
        described = f"a symbolic link to {described} ({node})"

    run = mfa_login(emulator, *COMMANDS[command])

    assert run.code == 6, run.stderr
    assert run.stderr == f"mfa-login: {home.credentials} is {described}, {NOT_REGULAR}\n"
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert (_node_kind(node), os.lstat(node).st_rdev) == before
    assert sorted(p.name for p in home.credentials.parent.iterdir()) == sorted(
        ["config", "credentials"]
    )


def test_a_fifo_as_the_config_file_reads_as_no_config_file(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """botocore's rule (os.path.isfile): a config file that is not a regular file is no config
    file. Regression: the login, the still-valid shortcut and status blocked reading it."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    os.mkfifo(home.config, 0o600)
    device = aws_user.mfa_serials[0]

    login = mfa_login(emulator, "--profile", "admin", "--device", device, "--code", aws_user.code())
    again = mfa_login(emulator, "--profile", "admin")
    status = mfa_login(emulator, "status", "--profile", "admin")

    assert login.code == 0, login.stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
    assert again.code == 0, again.stderr
    assert "admin: still valid for" in again.stderr
    assert status.code == 0, status.stderr
    assert stat.S_ISFIFO(os.lstat(home.config).st_mode)


BOM_MESSAGE = (
    "line 1: a byte-order mark (BOM) at the start, which the AWS CLI and boto3 (botocore) "
    "cannot read: save the file as UTF-8 without BOM; the file was left as it was"
)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_byte_order_mark_is_named_by_every_command(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, command: str
) -> None:
    """Regression: configparser's "File contains no section headers" came first, so the
    message naming the BOM was never reached."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    raw = "\ufeff".encode() + home.credentials.read_bytes()
    home.credentials.write_bytes(raw)
    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n")

    run = mfa_login(emulator, *COMMANDS[command])

    assert run.code == 6, run.stderr
    assert run.stderr == f"mfa-login: {home.credentials}, {BOM_MESSAGE}\n"
    assert home.credentials.read_bytes() == raw
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_a_session_token_holding_space_hash_never_blocks_later_edits(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Regression: a token with " #" inside, once written, made every later edit refused
    ("a '#' after a value"), of its own section and of every other one."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    ended = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    kept_line = "aws_session_token = FwoGZXIvYXdzE #not-a-comment/ZXIvYXdz=="
    with home.credentials.open("a") as handle:
        handle.write(
            "[admin]\naws_access_key_id = ASIAOLDOLDOLDOLDOLD1\naws_secret_access_key = old\n"
            f"aws_session_token = FwoGZXIvYXdzE #old-token\nexpiration = {ended}\n\n"
            "[other]\naws_access_key_id = ASIAOTHEROTHEROTHER1\naws_secret_access_key = s\n"
            f"{kept_line}\nexpiration = {ended}\n"
        )
    other_before = sections(home.credentials)["other"]
    args = ("--profile", "admin", "--device", aws_user.mfa_serials[0], "--force", "--code")

    first = mfa_login(emulator, *args, aws_user.code())
    second = mfa_login(emulator, *args, aws_user.next_code())

    assert first.code == 0, first.stderr
    assert second.code == 0, second.stderr
    after = sections(home.credentials)
    assert after["admin"]["aws_access_key_id"].startswith("ASIA")
    assert "#" not in after["admin"]["aws_session_token"]
    assert after["other"] == other_before
    assert kept_line in home.credentials.read_text().splitlines()
