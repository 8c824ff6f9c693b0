"""setup, forget and the login with the OS keyring, through the command, against the emulator.

The keyring is a file-backed test backend (or one that fails like a real one) chosen with
PYTHON_KEYRING_BACKEND; the real Secret Service is in test_keyring_integration.py.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timedelta, timezone

import pytest

from mfa_session.cli import main
from tests.conftest import Home, keyring_item
from tests.emulator import EmulatedUser, Emulator
from tests.keyring_backends import KeyringFile

pytest_plugins = ["tests.emulator.fixtures"]


@pytest.fixture
def aws(emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    return emulator


class Command:
    """main(argv) in this process with `stdin` as a pipe (not a terminal); a call returns the
    exit code and stderr."""

    def __init__(self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, argv: list[str], stdin: str = "") -> tuple[int, str]:
        self._monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self._capsys.readouterr()
        code = main(argv)
        return code, self._capsys.readouterr().err


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Command:
    return Command(capsys, monkeypatch)


def item(home: Home, profile: str) -> str:
    """The keyring username of `profile`'s item for the test's credentials file."""
    return keyring_item(home, profile)[1]


def long_term_file(home: Home, user: EmulatedUser, section: str = "alice-long-term") -> bytes:
    home.credentials.write_text(
        "# my keys\n"
        f"[{section}]\n"
        f"aws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
        "\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\naws_secret_access_key = other\n",
        encoding="utf-8",
    )
    return home.credentials.read_bytes()


def put_key(items: KeyringFile, home: Home, profile: str, key_id: str, secret: str) -> str:
    """Stores a long-term key in `profile`'s keyring item as setup writes it; returns the
    item's text."""
    text = json.dumps({"aws_access_key_id": key_id, "aws_secret_access_key": secret})
    items[keyring_item(home, profile)] = text
    return text


def stored(home: Home, items: KeyringFile, profile: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads(items[keyring_item(home, profile)])
    return loaded


# --- setup ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("aws")
def test_setup_moves_the_key_from_the_long_term_section_into_the_keyring(
    home: Home,
    aws_user: EmulatedUser,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    long_term_file(home, aws_user)

    code, err = run(["setup", "--profile", "alice", "--code", aws_user.next_code()])

    assert code == 0, err
    assert stored(home, disk_keyring, "alice") == {
        "aws_access_key_id": aws_user.access_key_id,
        "aws_secret_access_key": aws_user.secret_access_key,
    }
    text = home.credentials.read_text(encoding="utf-8")
    assert aws_user.secret_access_key not in text
    assert aws_user.access_key_id not in text
    assert "[other]" in text
    assert "# my keys" in text
    assert "aws_session_token" in text
    assert f"AWS accepts {aws_user.access_key_id}: {aws_user.arn}" in err
    assert "read it back" in err
    assert "removed the plaintext key from [alice-long-term]" in err
    assert "alice: session valid for" in err
    assert aws_user.secret_access_key not in err


@pytest.mark.usefixtures("aws")
def test_setup_moves_a_key_kept_in_the_profile_section_itself(
    home: Home,
    aws_user: EmulatedUser,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    long_term_file(home, aws_user, section="alice")

    code, err = run(["setup", "--profile", "alice", "--code", aws_user.next_code()])

    assert code == 0, err
    assert stored(home, disk_keyring, "alice")["aws_access_key_id"] == aws_user.access_key_id
    text = home.credentials.read_text(encoding="utf-8")
    assert aws_user.access_key_id not in text
    assert "alice-long-term" not in text
    assert "aws_session_token" in text


@pytest.mark.usefixtures("aws")
def test_setup_without_a_file_key_reads_the_secret_and_the_code_from_stdin(
    home: Home,
    aws_user: EmulatedUser,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    code, err = run(
        ["setup", "--profile", "alice", "--access-key-id", aws_user.access_key_id],
        stdin=f"{aws_user.secret_access_key}\n{aws_user.next_code()}\n",
    )

    assert code == 0, err
    assert (
        stored(home, disk_keyring, "alice")["aws_secret_access_key"] == aws_user.secret_access_key
    )
    text = home.credentials.read_text(encoding="utf-8")
    assert aws_user.secret_access_key not in text
    assert "[alice]" in text


@pytest.mark.usefixtures("aws")
def test_setup_with_a_wrong_secret_stores_nothing(
    home: Home,
    aws_user: EmulatedUser,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    home.credentials.write_text(
        f"[alice-long-term]\naws_access_key_id = {aws_user.access_key_id}\n"
        "aws_secret_access_key = not-the-secret\n",
        encoding="utf-8",
    )
    before = home.credentials.read_bytes()

    code, err = run(["setup", "--profile", "alice", "--code", "123456"])

    assert code == 7
    assert "AWS rejected the signature" in err
    assert disk_keyring == {}
    assert home.credentials.read_bytes() == before


def test_setup_refuses_a_session_key_id(
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    code, err = run(
        ["setup", "--profile", "a", "--access-key-id", "ASIAEXAMPLEEXAMPLE12"],
        stdin="secret\n",
    )

    assert code == 2
    assert "ASIA... is a session key; use the AKIA... key" in err
    assert disk_keyring == {}


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", id="the-secret-pasted-there"),
        pytest.param("AKIA 1234", id="a-space-in-it"),
    ],
)
def test_setup_never_repeats_a_mistyped_access_key_id(
    typed: str,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    """Regression: the message quoted what was typed, where people paste the secret."""
    code, err = run(["setup", "--profile", "a", "--access-key-id", typed], stdin="x\n")

    assert code == 2
    assert typed not in err
    assert typed[:8] not in err
    assert f"the access key ID entered ({len(typed)} characters) does not look like" in err
    assert disk_keyring == {}


@pytest.mark.usefixtures("aws")
def test_keyring_error_that_quotes_the_item_never_reaches_the_message(
    home: Home,
    aws_user: EmulatedUser,
    run: Command,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: only the exact payload was blanked in a keyring error's text."""
    before = long_term_file(home, aws_user)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_backends.EchoingKeyring")

    code, err = run(["setup", "--profile", "alice", "--code", "123456"])

    assert code == 8
    assert (
        "the OS keyring failed (backend tests.keyring_backends.EchoingKeyring: RuntimeError)" in err
    )
    assert aws_user.secret_access_key not in err
    assert aws_user.secret_access_key.encode("unicode_escape").decode()[:10] not in err
    assert home.credentials.read_bytes() == before


BROKEN_KEYRINGS = [
    pytest.param(
        "keyring.backends.fail.Keyring",
        "no OS keyring is available (backend keyring.backends.fail.Keyring): install a "
        "Secret Service",
        id="no-backend",
    ),
    pytest.param(
        "keyring.backends.null.Keyring",
        "the OS keyring did not keep the key (backend keyring.backends.null.Keyring: "
        "reading it back found nothing); the credentials file was left as it was",
        id="null-backend",
    ),
    pytest.param(
        "tests.keyring_backends.WriteOnlyKeyring",
        "reading it back found nothing",
        id="write-lands-nowhere",
    ),
    pytest.param(
        "tests.keyring_backends.LockedKeyring",
        "the OS keyring is locked (backend tests.keyring_backends.LockedKeyring): unlock it",
        id="locked",
    ),
    pytest.param(
        "tests.keyring_backends.BrokenKeyring",
        "the OS keyring failed (backend tests.keyring_backends.BrokenKeyring: RuntimeError: "
        "org.freedesktop.DBus.Error.ServiceUnknown)",
        id="raises",
    ),
    pytest.param(
        "tests.keyring_backends.PlaintextKeyring",
        "the keyring backend tests.keyring_backends.PlaintextKeyring keeps secrets in a plain file",
        id="plaintext",
    ),
    pytest.param(
        "no.such.Backend",
        "PYTHON_KEYRING_BACKEND='no.such.Backend' names no usable keyring backend "
        "(ModuleNotFoundError: No module named 'no')",
        id="wrong-variable",
    ),
    pytest.param(
        "", "PYTHON_KEYRING_BACKEND='' names no usable keyring backend (it is empty)", id="empty"
    ),
]


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize(("backend", "message"), BROKEN_KEYRINGS)
def test_setup_with_an_unusable_keyring_keeps_the_plaintext_copy(
    backend: str,
    message: str,
    home: Home,
    aws_user: EmulatedUser,
    run: Command,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = long_term_file(home, aws_user)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)

    code, err = run(["setup", "--profile", "alice", "--code", "123456"])

    assert code == 8, err
    assert message in err
    assert "mfa-login --no-keyring" in err
    assert home.credentials.read_bytes() == before
    assert aws_user.secret_access_key not in err


# --- the login -----------------------------------------------------------------------------


@pytest.mark.usefixtures("aws")
def test_login_reads_the_key_from_the_keyring(
    home: Home,
    aws_user: EmulatedUser,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    put_key(disk_keyring, home, "alice", aws_user.access_key_id, aws_user.secret_access_key)

    code, err = run(["--profile", "alice", "--code", aws_user.next_code()])

    assert code == 0, err
    text = home.credentials.read_text(encoding="utf-8")
    assert "[alice]" in text
    assert "aws_session_token" in text
    assert aws_user.access_key_id not in text


@pytest.mark.usefixtures("aws")
@pytest.mark.parametrize(("backend", "message"), BROKEN_KEYRINGS)
def test_login_goes_on_from_the_file_when_the_keyring_is_unusable(
    backend: str,
    message: str,
    home: Home,
    aws_user: EmulatedUser,
    run: Command,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long_term_file(home, aws_user)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)

    code, err = run(["--profile", "alice", "--code", aws_user.next_code()])

    assert code == 0, err
    assert "aws_session_token" in home.credentials.read_text(encoding="utf-8")
    # Off a terminal a script goes on quietly; on one, the message is shown (see e2e).
    assert message not in err


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        p
        for p in BROKEN_KEYRINGS
        if p.id not in {"no-backend", "null-backend", "write-lands-nowhere", "plaintext"}
    ],
)
def test_login_without_a_file_key_stops_on_an_unusable_keyring(
    backend: str,
    message: str,
    run: Command,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)

    code, err = run(["--profile", "alice", "--code", "123456"])

    assert code == 8, err
    assert message in err


def test_without_any_keyring_backend_a_missing_key_is_said_as_such(run: Command) -> None:
    # conftest's default is keyring's fail backend: a machine with no keyring at all.
    code, err = run(["--profile", "alice", "--code", "123456"])

    assert code == 3
    assert "profile alice has no long-term key" in err


def test_no_keyring_is_remembered_and_the_keyring_is_then_never_read(
    home: Home,
    disk_keyring: KeyringFile,
    run: Command,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    put_key(disk_keyring, home, "alice", "AKIAEXAMPLEEXAMPLE12", "s")

    code, err = run(["--profile", "alice", "--no-keyring", "--code", "123456"])
    assert code == 3
    assert "profile alice has no long-term key" in err
    state = json.loads((home.state / "mfa-session" / "state.json").read_text(encoding="utf-8"))
    assert state["file_layouts"] == {str(home.credentials.resolve()): {"alice": "file"}}

    # Remembered: a broken keyring setting is not even looked at.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "")
    code, err = run(["--profile", "alice", "--code", "123456"])
    assert code == 3
    assert "profile alice has no long-term key" in err


# --- forget --------------------------------------------------------------------------------


def test_forget_removes_the_keyring_item(
    home: Home,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    put_key(disk_keyring, home, "alice", "AKIAEXAMPLEEXAMPLE12", "s3cr3t")
    disk_keyring[keyring_item(home, "bob")] = "kept"

    code, err = run(["forget", "--profile", "alice", "--yes"])

    assert code == 0, err
    assert disk_keyring == {keyring_item(home, "bob"): "kept"}
    assert (
        "removed the long-term key AKIAEXAMPLEEXAMPLE12 of alice from the OS keyring "
        f"(tests.keyring_backends.DiskKeyring, service mfa-session, item {item(home, 'alice')}); "
        "this is the only copy of it on this machine: the credentials file holds no key for alice"
    ) in err
    assert "s3cr3t" not in err


def test_forget_without_a_terminal_needs_yes(
    home: Home,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    item = put_key(disk_keyring, home, "alice", "AKIAEXAMPLEEXAMPLE12", "s")

    code, err = run(["forget", "--profile", "alice"])

    assert code == 2
    assert "without a terminal, confirm with --yes (nothing was removed)" in err
    assert disk_keyring == {keyring_item(home, "alice"): item}


@pytest.mark.usefixtures("disk_keyring")
def test_forget_without_an_item_says_so(
    home: Home,
    run: Command,
) -> None:
    code, err = run(["forget", "--profile", "alice", "--yes"])

    assert code == 3
    assert (
        "the OS keyring holds no key for profile alice "
        f"(service mfa-session, item {item(home, 'alice')})"
    ) in err


@pytest.mark.parametrize(
    ("backend", "message"),
    [
        p
        for p in BROKEN_KEYRINGS
        if p.id not in {"null-backend", "write-lands-nowhere", "plaintext"}
    ],
)
def test_forget_on_an_unusable_keyring(
    backend: str, message: str, run: Command, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)

    code, err = run(["forget", "--profile", "alice", "--yes"])

    assert code == 8
    assert message in err


def test_a_damaged_item_is_named(
    home: Home,
    disk_keyring: KeyringFile,
    run: Command,
) -> None:
    disk_keyring[keyring_item(home, "alice")] = "not json"

    code, err = run(["--profile", "alice", "--code", "123456"])

    assert code == 3
    assert (
        f"the keyring item {item(home, 'alice')} of service mfa-session does not hold a key" in err
    )


def test_help_and_still_valid_do_not_import_keyring(home: Home) -> None:
    import subprocess

    home.credentials.write_text(
        "[alice]\naws_access_key_id = ASIAEXAMPLE\naws_secret_access_key = x\n"
        "aws_session_token = t\n"
        f"expiration = {datetime.now(timezone.utc) + timedelta(hours=8):%Y-%m-%dT%H:%M:%SZ}\n",
        encoding="utf-8",
    )
    # atexit also runs after --help's SystemExit.
    probe = (
        "import atexit, sys\nfrom mfa_session.cli import main\n"
        "atexit.register(lambda: 'keyring' in sys.modules and print('keyring imported'))\n"
        "main(sys.argv[1:])\n"
    )
    for argv in (["--profile", "alice"], ["setup", "--help"], ["--help"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=False
        )
        assert "keyring imported" not in done.stdout, (argv, done.stderr)
        assert done.returncode == 0, (argv, done.stderr)
