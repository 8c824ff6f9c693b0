"""Whose files mfa-login writes, and which names it follows, through the installed command.

Only a regular file of the user mfa-login runs as is written: root never writes into
another user's file (nor its lock or backup), and a link planted at a name beside the
credentials file (the lock, the backup) or at the state file is never followed. Each
refusal comes before any request, so no code is spent. The tests of another user's files
need root (CI runs as root) and use `nobody` (65534).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.e2e.helpers import mfa_login, sections, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

NOBODY = 65534
LOCK = "credentials.lock"
BACKUP = "credentials.mfa-login-backup"


def needs_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: only root can give a file to another user")


def login(emulator: Emulator, user: EmulatedUser) -> tuple[int, str]:
    """A login that, unrefused, would ask IAM for the device and spend a code."""
    run = mfa_login(emulator, "--profile", "admin", "--code", user.code())
    return run.code, run.stderr


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def owned_by_nobody(path: Path) -> str:
    return (
        f"mfa-login: {path} belongs to user {NOBODY}, and mfa-login runs as user {os.geteuid()}: "
        f"it never writes a file of another user (run it as user {NOBODY}, not through sudo); "
        "nothing was written\n"
    )


def planted(path: Path) -> str:
    return (
        f"mfa-login: {path} is a symbolic link, and mfa-login never follows a link there: "
        f"remove it (anyone who can write to {path.parent} can plant one); nothing was written\n"
    )


# --- another user's files ------------------------------------------------------------------


def test_root_never_writes_into_another_users_file_through_a_link(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """Regression: the link was followed and `nobody` stayed the owner, able to read root's
    session and the backup."""
    needs_root()
    theirs = tmp_path / "nobody"
    theirs.mkdir()
    target = theirs / "credentials"
    target.write_text(
        f"[admin]\naws_access_key_id = {aws_user.access_key_id}\n"
        f"aws_secret_access_key = {aws_user.secret_access_key}\n"
    )
    target.chmod(0o600)
    os.chown(target, NOBODY, NOBODY)
    raw = target.read_bytes()
    home.credentials.symlink_to(target)

    code, stderr = login(emulator, aws_user)

    assert code == 6, stderr
    assert stderr == owned_by_nobody(target)
    assert target.read_bytes() == raw
    assert os.stat(target).st_uid == NOBODY
    assert names(theirs) == ["credentials"]  # no lock, temp or backup beside it
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_root_never_writes_another_users_credentials_file(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """The sudo-with-HOME-kept case: the file is the invoking user's, mfa-login runs as root."""
    needs_root()
    write_long_term(home, "admin", aws_user, layout="long-term")
    os.chown(home.credentials, NOBODY, NOBODY)
    raw = home.credentials.read_bytes()

    code, stderr = login(emulator, aws_user)

    assert code == 6, stderr
    assert stderr == owned_by_nobody(home.credentials)
    assert home.credentials.read_bytes() == raw
    assert names(home.credentials.parent) == ["credentials"]
    assert emulator.request_count(aws_user.access_key_id) == 0


@pytest.mark.parametrize("name", [LOCK, BACKUP])
def test_root_never_uses_a_lock_or_backup_of_another_user(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, name: str
) -> None:
    needs_root()
    write_long_term(home, "admin", aws_user, layout="long-term")
    raw = home.credentials.read_bytes()
    theirs = home.credentials.with_name(name)
    theirs.write_text("theirs\n")
    yesterday = time.time() - 86400
    os.utime(theirs, (yesterday, yesterday))  # a backup that is due today
    os.chown(theirs, NOBODY, NOBODY)

    code, stderr = login(emulator, aws_user)

    assert code == 6, stderr
    assert stderr == owned_by_nobody(theirs)
    assert home.credentials.read_bytes() == raw
    assert theirs.read_text() == "theirs\n"
    assert os.stat(theirs).st_uid == NOBODY
    assert names(home.credentials.parent) == sorted(["credentials", name])
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_root_never_follows_a_credentials_link_of_another_user(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """A link another user planted may point at any file root can write."""
    needs_root()
    target = tmp_path / "roots-file"
    write_long_term(home, "admin", aws_user, layout="long-term")
    home.credentials.rename(target)
    raw = target.read_bytes()
    home.credentials.symlink_to(target)
    os.chown(home.credentials, NOBODY, NOBODY, follow_symlinks=False)

    code, stderr = login(emulator, aws_user)

    assert code == 6, stderr
    assert stderr == owned_by_nobody(home.credentials)
    assert target.read_bytes() == raw
    assert emulator.request_count(aws_user.access_key_id) == 0


# --- links planted beside the file ---------------------------------------------------------


@pytest.mark.parametrize("name", [LOCK, BACKUP])
@pytest.mark.parametrize("target_exists", [False, True], ids=["dangling", "to-a-file"])
def test_a_link_planted_beside_the_credentials_file_is_never_followed(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    tmp_path: Path,
    name: str,
    target_exists: bool,
) -> None:
    """Regression: `<file>.lock` was opened with O_CREAT through a link, creating any file
    it named; a link at the backup name made the daily backup be skipped (or written where
    the link pointed)."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    raw = home.credentials.read_bytes()
    target = tmp_path / "named-by-the-link"
    if target_exists:
        target.write_text("not yours\n")
    link = home.credentials.with_name(name)
    link.symlink_to(target)

    code, stderr = login(emulator, aws_user)

    assert code == 6, stderr
    assert stderr == planted(link)
    assert home.credentials.read_bytes() == raw
    if target_exists:
        assert target.read_text() == "not yours\n"
    else:
        assert not target.exists()
    assert link.is_symlink()
    assert emulator.request_count(aws_user.access_key_id) == 0


STATE_NAMES = ["mfa-session", "mfa-session/state.json", "mfa-session/state.json.lock"]


@pytest.mark.parametrize("name", STATE_NAMES, ids=["folder", "file", "lock"])
def test_a_link_planted_in_the_state_folder_is_never_followed(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path, name: str
) -> None:
    """The state file is best effort: the login goes on, and the link's target is left alone."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    (home.state / "mfa-session").mkdir(parents=True, mode=0o700)
    link = home.state / name
    if name == "mfa-session":
        link.rmdir()
    target = tmp_path / "named-by-the-link"
    if name == "mfa-session":
        target.mkdir()
    link.symlink_to(target)

    code, stderr = login(emulator, aws_user)

    assert code == 0, stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
    assert link.is_symlink()
    if name == "mfa-session":
        assert names(target) == []
    else:
        assert not target.exists()


def test_a_credentials_folder_others_can_write_to_is_said(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    folder = home.credentials.parent
    folder.chmod(0o770)

    code, stderr = login(emulator, aws_user)

    assert code == 0, stderr
    assert (
        f"mfa-login: {folder} can be written by other users (mode 770), who could plant links "
        f"or files beside the credentials file: chmod go-w {folder}\n"
    ) in stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
