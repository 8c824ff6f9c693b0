"""The installed mfa-login against a real Secret Service (gnome-keyring in a private D-Bus).

Run the suite inside `bash scripts/with_secret_service.sh python -m pytest`. Without a
reachable Secret Service these tests skip and say why; with MFA_SESSION_REQUIRE_KEYRING=1
(CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.helpers import MFA_LOGIN, command_env, spawn, write_long_term
from tests.emulator import EmulatedUser, Emulator
from tests.emulator.totp import STEP_SECONDS, time_step

pytest_plugins = ["tests.emulator.fixtures"]
pytestmark = pytest.mark.keyring_integration

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
WRAPPER = Path(__file__).resolve().parents[2] / "scripts" / "with_secret_service.sh"


def unreachable_reason() -> str | None:
    """Why no Secret Service can be used here: the real cause, as the wrapper found it (no
    gnome-keyring), before the symptom (no D-Bus session)."""
    missing_tools = os.environ.get("MFA_SESSION_NO_SECRET_SERVICE")
    if missing_tools:
        return missing_tools
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no D-Bus session (run pytest inside scripts/with_secret_service.sh)"
    try:
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        _ = SecretService.Keyring.priority
        backend.set_password("mfa-session-probe", "probe", "probe")
        backend.delete_password("mfa-session-probe", "probe")
    except Exception as err:  # noqa: BLE001 - any failure means: no usable Secret Service here
        return f"no usable Secret Service: {type(err).__name__}: {err}"
    return None


@pytest.fixture
def secret_service(home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A profile name unique to the test, and keyring left to choose its backend itself."""
    reason = unreachable_reason()
    if reason is not None:
        if os.environ.get("MFA_SESSION_REQUIRE_KEYRING") == "1":
            pytest.fail(f"MFA_SESSION_REQUIRE_KEYRING=1 but {reason}")
        pytest.skip(reason)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    profile = f"it-{uuid.uuid4().hex[:10]}"
    yield profile
    from keyring.backends import SecretService

    # Already gone is what most tests wanted.
    for username in (profile, item_of(home, profile)):
        with contextlib.suppress(Exception):
            SecretService.Keyring().delete_password("mfa-session", username)


def item_of(home: Home, profile: str) -> str:
    """The username of `profile`'s item for the test's credentials file."""
    from mfa_session.adapters.keyring import item_name

    return item_name(profile, os.path.realpath(home.credentials))


def keyring_item(home: Home, profile: str) -> dict[str, str] | None:
    from keyring.backends import SecretService

    text = SecretService.Keyring().get_password("mfa-session", item_of(home, profile))
    return None if text is None else dict(json.loads(text))


def secret_service_env(emulator: Emulator, **env: str) -> dict[str, str]:
    """The command's environment without PYTHON_KEYRING_BACKEND: keyring chooses the real
    Secret Service itself, as on a desktop."""
    environment = command_env(emulator, **env)
    environment.pop("PYTHON_KEYRING_BACKEND", None)
    return environment


def run(emulator: Emulator, *args: str, stdin: str = "", **env: str) -> tuple[int, str]:
    environment = secret_service_env(emulator, **env)
    done = subprocess.run(
        [MFA_LOGIN, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stderr


def login_answering_the_move_offer(
    emulator: Emulator, user: EmulatedUser, profile: str, answer: str, then: str
) -> pexpect.spawn:
    """A terminal login of `profile` that answers `answer` to the offer to move its key into
    the keyring and runs to its end after showing `then`; the closed child is returned."""
    child = spawn(emulator, "--profile", profile, env=secret_service_env(emulator))
    child.expect("MFA code for")
    child.sendline(user.next_code())
    child.expect("Move the long-term key")
    child.sendline(answer)
    child.expect(then)
    child.expect(pexpect.EOF)
    child.close()
    return child


def test_setup_login_and_forget_with_gnome_keyring(
    secret_service: str, home: Home, aws_user: EmulatedUser, emulator: Emulator
) -> None:
    profile = secret_service
    write_long_term(home, profile, aws_user, layout="long-term")

    setup_at = time.time() + STEP_SECONDS  # the next step's code, as next_code() gives it
    code, err = run(emulator, "setup", "--profile", profile, "--code", aws_user.code(at=setup_at))

    assert code == 0, err
    assert (
        f"OS keyring ({SECRET_SERVICE}, service mfa-session, item {item_of(home, profile)}) "
        "and read it back, also from a second process"
    ) in err
    assert keyring_item(home, profile) == {
        "aws_access_key_id": aws_user.access_key_id,
        "aws_secret_access_key": aws_user.secret_access_key,
    }
    text = home.credentials.read_text(encoding="utf-8")
    assert aws_user.secret_access_key not in text
    assert "aws_session_token" in text
    assert aws_user.secret_access_key not in err
    # The last plaintext copy stays in the backup until a later run reads the item.
    backup = home.credentials.with_name("credentials.mfa-login-backup")
    assert aws_user.secret_access_key in backup.read_text(encoding="utf-8")

    # A code AWS accepts now from any step but the one setup used (setup may have taken
    # long enough for the clock to reach that step: its code would then be refused).
    other = next(
        step
        for step in (time_step() - 1, time_step(), time_step() + 1)
        if step != time_step(setup_at)
    )
    code, err = run(
        emulator, "--profile", profile, "--force", "--code", aws_user.code(at=other * STEP_SECONDS)
    )
    assert code == 0, err
    assert f"{profile}: session valid for" in err
    assert aws_user.secret_access_key not in backup.read_text(encoding="utf-8")

    code, err = run(emulator, "forget", "--profile", profile, "--yes")
    assert code == 0, err
    assert keyring_item(home, profile) is None


def test_first_terminal_login_offers_to_move_the_key(
    secret_service: str, home: Home, aws_user: EmulatedUser, emulator: Emulator
) -> None:
    profile = secret_service
    write_long_term(home, profile, aws_user, layout="profile")

    child = login_answering_the_move_offer(
        emulator, aws_user, profile, "y", then="removed the plaintext key from"
    )

    assert child.exitstatus == 0
    assert keyring_item(home, profile) is not None
    text = home.credentials.read_text(encoding="utf-8")
    assert aws_user.access_key_id not in text
    assert "aws_session_token" in text


def test_declining_the_offer_is_remembered(
    secret_service: str, home: Home, aws_user: EmulatedUser, emulator: Emulator
) -> None:
    profile = secret_service
    write_long_term(home, profile, aws_user, layout="long-term")

    child = login_answering_the_move_offer(
        emulator, aws_user, profile, "n", then="you will not be asked again"
    )

    assert child.exitstatus == 0
    assert keyring_item(home, profile) is None
    assert aws_user.secret_access_key in home.credentials.read_text(encoding="utf-8")
    state = json.loads((home.state / "mfa-session" / "state.json").read_text(encoding="utf-8"))
    assert state["file_layouts"] == {str(home.credentials.resolve()): {profile: "file"}}


def test_locked_collection_fails_setup_and_keeps_the_plaintext(
    secret_service: str, home: Home, aws_user: EmulatedUser, emulator: Emulator
) -> None:
    # Locking the shared collection would lock every later test out: this one runs in a
    # D-Bus session and gnome-keyring of its own, started by the same wrapper script.
    profile = secret_service
    write_long_term(home, profile, aws_user, layout="long-term")
    before = home.credentials.read_bytes()
    env = secret_service_env(emulator)
    env.pop("MFA_SESSION_IN_PRIVATE_BUS", None)
    lock_then_setup = (
        "import secretstorage, subprocess, sys\n"
        "secretstorage.get_default_collection(secretstorage.dbus_init()).lock()\n"
        "sys.exit(subprocess.run(sys.argv[1:]).returncode)\n"
    )
    python = str(Path(MFA_LOGIN).with_name("python"))
    done = subprocess.run(
        [
            "bash",
            str(WRAPPER),
            python,
            "-c",
            lock_then_setup,
            MFA_LOGIN,
            "setup",
            "--profile",
            profile,
            "--code",
            "123456",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert done.returncode == 8, done.stderr
    assert f"the OS keyring is locked (backend {SECRET_SERVICE}): unlock it" in done.stderr, (
        done.stderr
    )
    assert home.credentials.read_bytes() == before


def test_no_secret_service_at_all_is_said_and_the_plaintext_kept(
    secret_service: str, home: Home, aws_user: EmulatedUser, emulator: Emulator
) -> None:
    profile = secret_service
    write_long_term(home, profile, aws_user, layout="long-term")
    before = home.credentials.read_bytes()

    code, err = run(
        emulator,
        "setup",
        "--profile",
        profile,
        "--code",
        "123456",
        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/bus",
    )

    assert code == 8, err
    assert "no OS keyring is available (backend keyring.backends.fail.Keyring)" in err
    assert home.credentials.read_bytes() == before

    # The login itself goes on from the file layout.
    code, err = run(
        emulator,
        "--profile",
        profile,
        "--code",
        aws_user.next_code(),
        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent/bus",
    )
    assert code == 0, err


def test_a_key_in_gnome_keyring_out_of_reach_over_ssh_is_said_as_such(
    secret_service: str, home: Home, aws_user: EmulatedUser, emulator: Emulator
) -> None:
    """Regression: with the key moved into the keyring, a session without D-Bus (SSH) was
    told "no long-term key: put aws_access_key_id ... under [NAME-long-term]" (exit 3)."""
    profile = secret_service
    write_long_term(home, profile, aws_user, layout="long-term")
    code, err = run(emulator, "setup", "--profile", profile, "--code", aws_user.code())
    assert code == 0, err

    environment = secret_service_env(emulator)
    environment.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run(
        [MFA_LOGIN, "--profile", profile, "--force", "--debug", "--code", aws_user.next_code()],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )

    assert done.returncode == 8, done.stderr
    assert (
        f"the long-term key {aws_user.access_key_id} of {profile} is in the OS keyring, which "
        "cannot be reached here"
    ) in done.stderr
    assert "debug: keyring:" in done.stderr
    assert "put aws_access_key_id" not in done.stderr
