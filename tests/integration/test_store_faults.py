"""Faults while writing, each in a process of its own: afterwards the credentials file is
byte-identical or wholly new, and no temp file remains.

The machine-level faults need root (a file-size limit does not): a read-only bind mount, a
64 KiB tmpfs, an immutable file, a child running as `nobody`. Where the machine does not
allow one, the test is skipped and says why.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mfa_session.exit_codes import ExitCode
from tests.store_support import (
    assert_only_target_changed,
    botocore_view,
    temp_files,
)

CHILD = Path(__file__).resolve().parents[1] / "store_child.py"
REPO = CHILD.parent.parent
NOBODY = 65534
PR_CAPBSET_DROP = 24
CAP_CHOWN = 0
CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2
ORIGINAL = b"""# my credentials
[default]
# sandbox
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY

[work-long-term]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
# the end
"""


def run_child(
    credentials: Path,
    *,
    mode: str = "login",
    fault: str = "",
    prefix: tuple[str, ...] = (),
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(credentials.parent),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_CONFIG_FILE": str(credentials.parent / "config"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONDONTWRITEBYTECODE": "1",
        "STORE_TEST_FAULT": fault,
    }
    return subprocess.run(
        [*prefix, sys.executable, str(CHILD), mode, "work"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=preexec_fn,  # only limits, signals and capabilities: safe before exec
        cwd=REPO,
    )


def assert_untouched(credentials: Path) -> None:
    assert credentials.read_bytes() == ORIGINAL
    assert temp_files(credentials.parent) == []


def assert_wholly_new(credentials: Path, before: dict[str, dict[str, str]]) -> None:
    assert credentials.read_bytes() != ORIGINAL
    assert_only_target_changed(ORIGINAL, before, credentials, "work")
    assert temp_files(credentials.parent) == []


@pytest.fixture
def credentials(tmp_path: Path) -> Path:
    folder = tmp_path / "aws"
    folder.mkdir(mode=0o700)
    path = folder / "credentials"
    path.write_bytes(ORIGINAL)
    path.chmod(0o600)
    return path


def test_file_size_limit_hit_during_the_write(credentials: Path) -> None:
    # Room for the backup (the old size), not for the new file. SIGXFSZ is ignored so that
    # write() fails with EFBIG instead of the process being killed.
    limit = len(ORIGINAL) + 16

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = run_child(credentials, preexec_fn=limit_file_size)

    assert result.returncode == ExitCode.FILE_UNSAFE, result.stderr
    assert "could not be written (File too large); the file was left as it was" in result.stderr
    assert_untouched(credentials)


def test_killed_between_temp_write_and_rename(credentials: Path) -> None:
    before = botocore_view(credentials)

    killed = run_child(credentials, fault="kill-before-replace")

    assert killed.returncode == -signal.SIGKILL
    assert credentials.read_bytes() == ORIGINAL
    # A killed process cannot clean up: its temp file waits for the next writer.
    assert len(temp_files(credentials.parent)) == 1
    again = run_child(credentials)
    assert again.returncode == 0, again.stderr
    assert_wholly_new(credentials, before)


def test_killed_right_after_the_rename(credentials: Path) -> None:
    before = botocore_view(credentials)

    killed = run_child(credentials, fault="kill-after-replace")

    assert killed.returncode == -signal.SIGKILL
    assert_wholly_new(credentials, before)


def test_read_only_folder(credentials: Path) -> None:
    folder = str(credentials.parent)
    # A private mount namespace: the read-only bind mount vanishes with the child.
    read_only = (
        "unshare",
        "--mount",
        "sh",
        "-c",
        'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"',
        folder,
    )
    probe = subprocess.run([*read_only, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a read-only bind mount here: {probe.stderr.strip()}")

    result = run_child(credentials, prefix=read_only)

    assert result.returncode == ExitCode.FILE_UNSAFE, result.stderr
    assert "could not be written (Read-only file system)" in result.stderr
    assert_untouched(credentials)


@contextlib.contextmanager
def small_tmpfs(folder: Path) -> Iterator[None]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a 64 KiB tmpfs here: {mounted.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb", buffering=0) as handle, contextlib.suppress(OSError):
        while True:
            handle.write(b"\0" * 4096)


@pytest.mark.parametrize("backup_done_today", [False, True], ids=["backup-hits-it", "temp-hits-it"])
def test_full_disk(tmp_path: Path, backup_done_today: bool) -> None:
    folder = tmp_path / "full"
    with small_tmpfs(folder):
        credentials = folder / "credentials"
        credentials.write_bytes(ORIGINAL)
        credentials.chmod(0o600)
        (folder / "credentials.lock").touch()
        if backup_done_today:
            # Today's backup exists, so the store goes straight to its temp file.
            shutil.copy(credentials, folder / "credentials.mfa-login-backup")
        _fill(folder)

        result = run_child(credentials)

        assert result.returncode == ExitCode.FILE_UNSAFE, result.stderr
        assert "could not be written (No space left on device)" in result.stderr
        assert_untouched(credentials)


def test_permission_denied_on_rename_immutable_file(credentials: Path) -> None:
    made = subprocess.run(
        ["chattr", "+i", str(credentials)], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {made.stderr.strip()}")
    try:
        result = run_child(credentials)
    finally:
        subprocess.run(["chattr", "-i", str(credentials)], check=True)

    assert result.returncode == ExitCode.FILE_UNSAFE, result.stderr
    assert "could not be written (Operation not permitted)" in result.stderr
    assert_untouched(credentials)


def _drop_capabilities(*capabilities: int) -> Callable[[], None]:
    """Root, minus some capabilities (dropped from the bounding set, so gone after exec)."""

    def drop() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in capabilities:
            if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return drop


def test_permission_denied_reading_the_file(credentials: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: the file must belong to another user")
    # Root's own file with no permission bits at all: unreadable once root cannot override
    # them. (Another user's file would be refused before it is read: see test_file_safety.)
    credentials.chmod(0)

    without_dac_override = _drop_capabilities(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
    result = run_child(credentials, mode="store", preexec_fn=without_dac_override)

    if "prctl" in result.stderr:
        pytest.skip(f"cannot drop CAP_DAC_OVERRIDE here: {result.stderr.strip()}")
    assert result.returncode == ExitCode.FILE_UNSAFE, result.stderr
    assert f"{credentials} cannot be read: Permission denied" in result.stderr
    assert_untouched(credentials)


def test_an_owner_that_cannot_be_kept_means_nothing_is_written(credentials: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: the file must belong to another user")
    # Root's file in a group root is not a member of: without CAP_CHOWN, the new file
    # cannot be given that group back.
    os.chown(credentials, 0, NOBODY)

    result = run_child(credentials, mode="store", preexec_fn=_drop_capabilities(CAP_CHOWN))

    if "prctl" in result.stderr:
        pytest.skip(f"cannot drop CAP_CHOWN here: {result.stderr.strip()}")
    assert result.returncode == ExitCode.FILE_UNSAFE, result.stderr
    assert (
        f"{credentials}: it belongs to user 0 group {NOBODY}, and this user cannot give "
        "the new file the same owner (fix it with chown); the file was left as it was"
    ) in result.stderr
    assert_untouched(credentials)
