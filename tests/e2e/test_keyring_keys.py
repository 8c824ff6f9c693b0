"""Where the long-term key lives once it leaves the credentials file, through the installed
command: one keyring item per profile *and credentials file*, a keyring that forgets, the
backup as the last plaintext copy, a keyring out of reach, and what `forget` says.

The keyring is `DiskKeyring` (items in a file, so they outlive each process, as a Secret
Service's do) or `SessionOnlyKeyring` (items gone with the process), chosen with
PYTHON_KEYRING_BACKEND; the real Secret Service is in test_keyring_integration.py.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pexpect
import pytest

from mfa_session.adapters.keyring import SERVICE, item_name
from mfa_session.adapters.state_file import KeyringRecords, StateFile, state_path
from tests.conftest import Home
from tests.e2e.helpers import Run, command_env, mfa_login, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator
from tests.keyring_backends import DISK, SESSION_ONLY, KeyringFile

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def keyring_env(emulator: Emulator, backend: str = DISK, **extra: str) -> dict[str, str]:
    """The test's environment with a test keyring backend the installed command can import."""
    return command_env(emulator, PYTHON_KEYRING_BACKEND=backend, PYTHONPATH=str(REPO), **extra)


def item_of(credentials: Path, profile: str) -> tuple[str, str]:
    return SERVICE, item_name(profile, os.path.realpath(credentials))


def key_json(user: EmulatedUser) -> str:
    return json.dumps(
        {"aws_access_key_id": user.access_key_id, "aws_secret_access_key": user.secret_access_key}
    )


def state(home: Home) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(
        (home.state / "mfa-session" / "state.json").read_text(encoding="utf-8")
    )
    return loaded


def backup_of(credentials: Path) -> Path:
    return Path(os.path.realpath(credentials) + ".mfa-login-backup")


def setup(
    emulator: Emulator, user: EmulatedUser, *extra: str, code: str | None = None, **env: str
) -> tuple[int, str]:
    """`code` defaults to the next step's, which a login just before has not spent."""
    done = mfa_login(
        emulator,
        "setup",
        "--profile",
        "admin",
        "--code",
        user.next_code() if code is None else code,
        *extra,
        env=keyring_env(emulator, **env),
    )
    return done.code, done.stderr


def long_term_text(user: EmulatedUser) -> str:
    return (
        f"[admin-long-term]\naws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
    )


def move_admin_key(
    home: Home, emulator: Emulator, user: EmulatedUser, code: str | None = None
) -> None:
    """admin's key written under [admin-long-term], then moved into the keyring by setup."""
    write_long_term(home, "admin", user, layout="long-term")
    done, err = setup(emulator, user, code=code)
    assert done == 0, err


def forced_login(emulator: Emulator, user: EmulatedUser, *extra: str, backend: str = DISK) -> Run:
    """A login of admin past its still-valid session (--force) with the next step's code."""
    return mfa_login(
        emulator,
        "--profile",
        "admin",
        "--force",
        *extra,
        "--code",
        user.next_code(),
        env=keyring_env(emulator, backend=backend),
    )


# --- one item per profile and credentials file ---------------------------------------------


def test_two_credentials_files_with_one_profile_name_keep_two_keyring_items(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    disk_keyring: KeyringFile,
    tmp_path: Path,
) -> None:
    """Regression: the second project's `setup` replaced the first project's item (both were
    named `admin`), and the first project's key then existed nowhere."""
    second = emulator.create_user(f"{aws_user.name}-b")
    write_long_term(home, "admin", aws_user, layout="long-term")
    project = tmp_path / "project"
    project.mkdir()
    other = project / "credentials"
    other.write_text(long_term_text(second), encoding="utf-8")
    other.chmod(0o600)

    # The current step's code here, so that the login below can send the next step's: sent
    # in this order, the two are never one code, whenever a step ends between them.
    code, err = setup(emulator, aws_user, code=aws_user.code())
    assert code == 0, err
    # The remembered device is per profile name, not per file: name this one's.
    code, err = setup(
        emulator,
        second,
        "--device",
        second.mfa_serials[0],
        AWS_SHARED_CREDENTIALS_FILE=str(other),
    )
    assert code == 0, err

    assert disk_keyring[item_of(home.credentials, "admin")] == key_json(aws_user)
    assert disk_keyring[item_of(other, "admin")] == key_json(second)
    assert aws_user.secret_access_key not in home.credentials.read_text(encoding="utf-8")

    # Each file's login signs with its own key.
    emulator.reset_counts()
    run = forced_login(emulator, aws_user)
    assert run.code == 0, run.stderr
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    assert emulator.request_count(second.access_key_id) == 0


def test_setup_without_a_terminal_never_replaces_an_item_holding_another_key(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    """Regression: `setup` stored the file's key over the item of an earlier one, without a
    word; that earlier key, maybe its only copy, was gone. Refused before AWS is asked."""
    second = emulator.create_user(f"{aws_user.name}-b")
    move_admin_key(home, emulator, aws_user)
    with home.credentials.open("a", encoding="utf-8") as handle:
        handle.write("\n" + long_term_text(second))
    before = home.credentials.read_bytes()
    emulator.reset_counts()

    code, err = setup(emulator, second, "--device", second.mfa_serials[0])

    assert code == 2, err
    item = item_of(home.credentials, "admin")[1]
    assert (
        f"mfa-login: the OS keyring already holds the long-term key {aws_user.access_key_id} "
        f"for admin (item {item}), not {second.access_key_id}; nothing was changed"
    ) in err
    assert disk_keyring[item_of(home.credentials, "admin")] == key_json(aws_user)
    assert home.credentials.read_bytes() == before
    assert emulator.request_count(second.access_key_id) == 0


def test_setup_on_a_terminal_asks_before_replacing_an_item_holding_another_key(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    second = emulator.create_user(f"{aws_user.name}-b")
    move_admin_key(home, emulator, aws_user)
    with home.credentials.open("a", encoding="utf-8") as handle:
        handle.write("\n" + long_term_text(second))
    question = f"The OS keyring already holds the long-term key {aws_user.access_key_id} for admin"

    no = wide_spawn(emulator, "setup", "--profile", "admin", "--device", second.mfa_serials[0])
    no.expect(question)
    no.expect(f"Replace it with {second.access_key_id}\\?")
    no.sendline("n")
    no.expect("the keyring item was left as it was; nothing was changed")
    no.expect(pexpect.EOF)
    no.close()
    assert no.exitstatus == 0
    assert disk_keyring[item_of(home.credentials, "admin")] == key_json(aws_user)

    yes = wide_spawn(emulator, "setup", "--profile", "admin", "--device", second.mfa_serials[0])
    yes.expect(f"Replace it with {second.access_key_id}\\?")
    yes.sendline("y")
    yes.expect("MFA code for admin")
    yes.sendline(second.next_code())
    yes.expect("admin: session valid for")
    yes.expect(pexpect.EOF)
    yes.close()
    assert yes.exitstatus == 0
    assert disk_keyring[item_of(home.credentials, "admin")] == key_json(second)


def wide_spawn(emulator: Emulator, *args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    """`mfa-login` in a pty wide enough that no question wraps."""
    from tests.e2e.helpers import MFA_LOGIN

    child = pexpect.spawn(
        MFA_LOGIN,
        list(args),
        env=env or keyring_env(emulator),
        encoding="utf-8",
        timeout=30,
        dimensions=(30, 400),
    )
    child.logfile_read = io.StringIO()
    return child


# --- items of the old name -------------------------------------------------------------------


def test_an_item_named_after_the_profile_alone_is_used_and_renamed(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    """Items of earlier versions (username = the profile) keep working: the first login that
    needs one reads it, stores it under this file's name, checks it, and removes the old one."""
    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n")
    disk_keyring[(SERVICE, "admin")] = key_json(aws_user)

    run = mfa_login(
        emulator, "--profile", "admin", "--code", aws_user.code(), env=keyring_env(emulator)
    )

    assert run.code == 0, run.stderr
    assert disk_keyring == {item_of(home.credentials, "admin"): key_json(aws_user)}
    assert state(home)["keyring_keys"] == {
        os.path.realpath(home.credentials): {"admin": aws_user.access_key_id}
    }


def test_an_item_of_the_old_name_is_left_alone_when_the_file_holds_a_key(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    """With a key in this file, the old item may be another project's: it is not taken."""
    second = emulator.create_user(f"{aws_user.name}-b")
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n")
    disk_keyring[(SERVICE, "admin")] = key_json(second)

    run = mfa_login(
        emulator, "--profile", "admin", "--code", aws_user.code(), env=keyring_env(emulator)
    )

    assert run.code == 0, run.stderr
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    assert emulator.request_count(second.access_key_id) == 0
    assert disk_keyring == {(SERVICE, "admin"): key_json(second)}


# --- a keyring that does not keep what it reads back ------------------------------------------


def test_a_session_only_keyring_never_costs_the_plaintext_key(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Regression: a keyring that reads an item back in the same process but keeps nothing
    (a session collection, an unsaved KeePassXC database) passed the read-back; setup removed
    the key from the file and the backup, and nothing held it afterwards."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    before = home.credentials.read_bytes()

    code, err = setup(emulator, aws_user, backend=SESSION_ONLY)

    assert code == 8, err
    assert (
        "the OS keyring did not keep the key (backend tests.keyring_backends.SessionOnlyKeyring: "
        "a second process reading it found nothing); the credentials file was left as it was"
    ) in err
    assert home.credentials.read_bytes() == before
    assert aws_user.secret_access_key not in err


def test_the_backup_keeps_the_key_until_a_later_login_reads_it_from_the_keyring(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    credentials = os.path.realpath(home.credentials)

    code, err = setup(emulator, aws_user, code=aws_user.code())

    assert code == 0, err
    backup = backup_of(home.credentials)
    assert f"({backup} keeps a copy until a later login has read the key from the keyring)" in err
    assert aws_user.secret_access_key not in home.credentials.read_text(encoding="utf-8")
    assert aws_user.secret_access_key in backup.read_text(encoding="utf-8")
    assert state(home)["backup_keeps"] == {credentials: [aws_user.access_key_id]}

    # The next run that reads the key from the keyring is the proof: the copy goes.
    run = forced_login(emulator, aws_user)

    assert run.code == 0, run.stderr
    assert aws_user.secret_access_key not in backup.read_text(encoding="utf-8")
    assert aws_user.access_key_id not in backup.read_text(encoding="utf-8")
    assert state(home)["backup_keeps"] == {}
    assert disk_keyring[item_of(home.credentials, "admin")] == key_json(aws_user)


# --- the key is in the keyring, and the keyring is out of reach -----------------------------


def test_a_key_moved_to_an_unreachable_keyring_is_said_as_such(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    """Regression: over SSH (no D-Bus) the login said "profile admin has no long-term key: put
    aws_access_key_id ... under [admin-long-term]" (exit 3), telling the person to put the key
    back in plain text, and --debug said nothing about the keyring."""
    move_admin_key(home, emulator, aws_user, code=aws_user.code())
    assert disk_keyring  # the key is there; this machine's next session cannot reach it
    emulator.reset_counts()

    run = forced_login(emulator, aws_user, "--debug", backend="keyring.backends.fail.Keyring")

    assert run.code == 8, run.stderr
    assert (
        f"mfa-login: the long-term key {aws_user.access_key_id} of admin is in the OS keyring, "
        "which cannot be reached here (backend keyring.backends.fail.Keyring): run mfa-login "
        "where that keyring is unlocked, or over SSH reach your desktop session's keyring with "
        f"DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/{os.getuid()}/bus"
    ) in run.stderr
    assert "debug: keyring: no OS keyring is available" in run.stderr
    assert "put aws_access_key_id" not in run.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_a_keyring_that_lost_the_item_names_the_backup_copy(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    move_admin_key(home, emulator, aws_user, code=aws_user.code())
    del disk_keyring[item_of(home.credentials, "admin")]  # a keyring reset, say

    run = forced_login(emulator, aws_user)

    assert run.code == 8, run.stderr
    item = item_of(home.credentials, "admin")[1]
    assert (
        f"the OS keyring (backend {DISK}) no longer holds item {item}, where mfa-login put the "
        f"long-term key {aws_user.access_key_id} of admin: its last plaintext copy is in "
        f"{backup_of(home.credentials)}"
    ) in run.stderr


# --- forget says whether the file really keeps a copy ----------------------------------------

OTHER_KEY = "AKIAOTHEROTHEROTHER1"


@pytest.mark.parametrize(
    ("section", "note"),
    [
        pytest.param(
            "aws_access_key_id = {id}\naws_secret_access_key = {secret}\n",
            "(the credentials file keeps a copy)",
            id="same-key",
        ),
        pytest.param(
            f"aws_access_key_id = {OTHER_KEY}\naws_secret_access_key = other\n",
            "(this is the only copy of it on this machine: [admin-long-term] holds another "
            f"key, {OTHER_KEY})",
            id="another-key",
        ),
        pytest.param(
            "aws_access_key_id = {id}\n",
            "(this is the only copy of it on this machine: [admin-long-term] has its key id "
            "but not its secret)",
            id="key-id-without-secret",
        ),
        pytest.param(
            "aws_access_key_id = {id}\naws_secret_access_key = not-the-secret\n",
            "(this is the only copy of it on this machine: [admin-long-term] has its key id "
            "with another secret)",
            id="key-id-with-another-secret",
        ),
    ],
)
def test_forget_says_keeps_a_copy_only_for_the_same_key_and_secret(
    section: str,
    note: str,
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    disk_keyring: KeyringFile,
) -> None:
    """Regression: forget's question said "(the credentials file keeps a copy)" whenever
    [NAME-long-term] named any key; answering yes removed the only copy."""
    disk_keyring[item_of(home.credentials, "admin")] = key_json(aws_user)
    home.credentials.write_text(
        "[admin-long-term]\n"
        + section.format(id=aws_user.access_key_id, secret=aws_user.secret_access_key),
        encoding="utf-8",
    )

    child = wide_spawn(emulator, "forget", "--profile", "admin")
    child.expect(
        f"Remove the long-term key {aws_user.access_key_id} of admin from the OS keyring\\? "
        + note.replace("(", "\\(").replace(")", "\\)").replace("[", "\\[").replace("]", "\\]")
    )
    child.sendline("n")
    child.expect("the keyring item was left as it was")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 0
    assert disk_keyring[item_of(home.credentials, "admin")] == key_json(aws_user)


def test_forget_removes_a_damaged_item_it_tells_people_to_forget(
    home: Home, emulator: Emulator, disk_keyring: KeyringFile
) -> None:
    """The damaged-item message says "run mfa-login forget"; forget used to stop on the same
    damage and could never remove it."""
    disk_keyring[item_of(home.credentials, "admin")] = "not json"
    disk_keyring[(SERVICE, "other")] = "kept"

    run = mfa_login(emulator, "forget", "--profile", "admin", "--yes", env=keyring_env(emulator))

    assert run.code == 0, run.stderr
    assert f"removed the damaged keyring item {item_of(home.credentials, 'admin')[1]}" in run.stderr
    assert disk_keyring == {(SERVICE, "other"): "kept"}


# --- a keyring setup and forget cannot use ---------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        pytest.param(
            "tests.keyring_backends.PlaintextKeyring", "keeps secrets in a plain file", id="plain"
        ),
        pytest.param("keyring.backends.fail.Keyring", "no OS keyring is available", id="none"),
        pytest.param(
            "tests.keyring_backends.LockedKeyring", "the OS keyring is locked", id="locked"
        ),
    ],
)
def test_setup_with_a_keyring_it_cannot_use_stops_before_asking_aws(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, backend: str, message: str
) -> None:
    """setup asked AWS twice (GetCallerIdentity, ListMFADevices) before it found that there
    is no keyring, or one that keeps secrets in a plain file: that is said first now, with
    nothing sent."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    before = home.credentials.read_bytes()

    code, err = setup(emulator, aws_user, backend=backend)

    assert code == 8, err
    assert message in err
    assert "AWS accepts" not in err
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param("keyring.backends.fail.Keyring", id="no keyring"),
        pytest.param("tests.keyring_backends.LockedKeyring", id="locked"),
        pytest.param("tests.keyring_backends.BrokenKeyring", id="failing"),
    ],
)
def test_forget_with_a_keyring_out_of_use_never_suggests_no_keyring(
    emulator: Emulator, backend: str
) -> None:
    """--no-keyring keeps a key in the file at login; to forget it means nothing."""
    run = mfa_login(
        emulator,
        "forget",
        "--profile",
        "admin",
        "--yes",
        env=keyring_env(emulator, backend=backend),
    )
    assert run.code == 8, run.stderr
    assert "--no-keyring" not in run.stderr
    assert run.stderr.rstrip().endswith(
        "or run mfa-login forget where the keyring that holds the key can be reached; "
        "nothing was removed"
    )
    assert len(run.stderr.splitlines()) == 1


# --- when a login asks the keyring --------------------------------------------------------------


def test_off_a_terminal_a_file_key_without_a_recorded_move_is_used_and_the_keyring_not_asked(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    """The file holds admin's key and the state file records no move of it into the keyring:
    off a terminal the keyring has nothing to give (no offer, no warning), so it is not asked,
    even when this file's item holds a key (one stored by a setup cut short before its record).
    Once the move is recorded, the keyring's key is the one used again."""
    second = emulator.create_user(f"{aws_user.name}-b")
    write_long_term(home, "admin", aws_user, layout="long-term")
    disk_keyring[item_of(home.credentials, "admin")] = key_json(second)

    run = mfa_login(
        emulator, "--profile", "admin", "--code", aws_user.code(), env=keyring_env(emulator)
    )

    assert run.code == 0, run.stderr
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    assert emulator.request_count(second.access_key_id) == 0

    credentials = os.path.realpath(home.credentials)
    records = KeyringRecords(StateFile(state_path(os.environ), credentials))
    records.record_moved(credentials, "admin", second.access_key_id)
    again = mfa_login(
        emulator,
        "--profile",
        "admin",
        "--force",
        "--device",
        second.mfa_serials[0],
        "--code",
        second.code(),
        env=keyring_env(emulator),
    )

    assert again.code == 0, again.stderr
    assert emulator.request_count(second.access_key_id, "GetSessionToken") == 1


def test_a_bad_region_in_the_credentials_file_is_named_there_by_login_and_setup(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    """botocore takes `region` from the credentials file's [NAME] over the config file's, and
    the message told the person to fix the config file, which holds a good one."""
    home.credentials.write_text(
        f"[admin]\nregion = not a region\naws_access_key_id = {aws_user.access_key_id}\n"
        f"aws_secret_access_key = {aws_user.secret_access_key}\n",
        encoding="utf-8",
    )
    home.credentials.chmod(0o600)
    write_config(home, "[profile admin]\nregion = eu-west-1\n")
    before = home.credentials.read_bytes()
    expected = (
        "mfa-login: region 'not a region' is not an AWS region name (such as eu-west-1): "
        "fix the region of profile admin in the credentials file\n"
    )

    login = mfa_login(
        emulator, "--profile", "admin", "--code", aws_user.code(), env=keyring_env(emulator)
    )
    code, err = setup(emulator, aws_user)

    assert login.code == 3, login.stderr
    assert login.stderr.endswith(expected)
    assert code == 3, err
    assert err.endswith(expected)
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before
    assert not disk_keyring
