"""The login lock on its own: who waits, for how long, and what it says when it gives up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mfa_session.adapters.login_lock import login_lock
from mfa_session.errors import AnotherLoginRunning

CREDENTIALS = "/home/alice/.aws/credentials"


def test_a_login_that_waits_too_long_names_the_holder_and_the_section(tmp_path: Path) -> None:
    folder = tmp_path / "locks"
    told: list[str] = []

    # flock locks belong to an open file, so a second opening conflicts like a process.
    with (
        login_lock(folder, CREDENTIALS, {"admin"}),
        pytest.raises(AnotherLoginRunning) as caught,
        login_lock(folder, CREDENTIALS, {"admin"}, timeout=1, waiting=told.append),
    ):
        pytest.fail("the lock was taken twice")

    assert str(caught.value) == (
        f"another mfa-login (process {os.getpid()}) is logging in to [admin] and had not "
        "finished after 1s; nothing was sent to AWS: finish that login (it may be waiting "
        "for a code), then try again"
    )
    assert told == ["admin"]


def test_other_sections_and_other_files_do_not_wait(tmp_path: Path) -> None:
    folder = tmp_path / "locks"
    told: list[str] = []

    with login_lock(folder, CREDENTIALS, {"admin"}):
        with login_lock(folder, CREDENTIALS, {"admin-role"}, timeout=0, waiting=told.append):
            pass
        with login_lock(folder, "/srv/project/credentials", {"admin"}, timeout=0):
            pass

    assert told == []
    assert all(oct(path.stat().st_mode)[-3:] == "600" for path in folder.iterdir())


def test_a_folder_that_cannot_be_made_never_costs_the_login(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    entered = False

    with login_lock(blocker / "locks", CREDENTIALS, {"admin"}):
        entered = True

    assert entered
