"""What a person notices about the credentials file itself: its mode and owner, a symlink,
the lock, the daily backup, and exactly which bytes a login writes."""

from __future__ import annotations

import fcntl
import functools
import os
import stat
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from mfa_session.errors import (
    BackupHoldsUnconfirmedKey,
    DanglingLink,
    FileNotSafe,
    UnkeepableConstruct,
    UnwritableValue,
)
from mfa_session.exit_codes import ExitCode
from mfa_session.models import KeySource, LongTermKey, SessionCredentials
from mfa_session.rules.ini_layout import scan
from mfa_session.store.credentials import CredentialsStore
from mfa_session.store.edit import Edit
from mfa_session.store.verify import botocore_view, verify_edit
from tests.conftest import Home
from tests.fakes import FakeAws
from tests.store_support import login_args, run_command, store_aws, temp_files

LONG_TERM = (
    "[work-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
)
SESSION = SessionCredentials(
    "ASIASESSIONEXAMPLE",
    "session-secret",
    "session-token",
    datetime(2030, 1, 1, tzinfo=timezone.utc),
)
NOBODY = 65534


@pytest.fixture
def fake_aws() -> FakeAws:
    """The AWS every login of these tests is given (passed in, see run_command)."""
    return store_aws()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- permissions and owner ---------------------------------------------------------------


def test_new_file_is_0600_in_a_new_0700_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "fresh" / "aws" / "credentials"
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    CredentialsStore(credentials).write_session("work", SESSION)

    assert _mode(credentials) == 0o600
    assert _mode(credentials.parent) == 0o700
    assert botocore_view(credentials)["work"]["aws_session_token"] == "session-token"


def test_a_mode_open_to_others_is_tightened_with_a_notice(home: Home, fake_aws: FakeAws) -> None:
    home.credentials.write_text(LONG_TERM)
    home.credentials.chmod(0o644)

    code, stderr = run_command(fake_aws, login_args("work"))

    assert code == ExitCode.OK, stderr
    assert _mode(home.credentials) == 0o600
    assert f"mfa-login: {home.credentials} was open to other users (mode 644); it is now 600\n" in (
        stderr
    )


def test_a_private_mode_is_kept_without_a_notice(home: Home, fake_aws: FakeAws) -> None:
    home.credentials.write_text(LONG_TERM)
    home.credentials.chmod(0o400)

    code, stderr = run_command(fake_aws, login_args("work"))

    assert code == ExitCode.OK, stderr
    assert _mode(home.credentials) == 0o400
    assert "open to other users" not in stderr


def test_the_group_is_kept(home: Home, fake_aws: FakeAws) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can hand a file to any group")
    home.credentials.write_text(LONG_TERM)
    home.credentials.chmod(0o600)
    os.chown(home.credentials, os.geteuid(), NOBODY)

    code, stderr = run_command(fake_aws, login_args("work"))

    assert code == ExitCode.OK, stderr
    owner = home.credentials.stat()
    assert (owner.st_uid, owner.st_gid) == (os.geteuid(), NOBODY)
    backup = home.credentials.with_name("credentials.mfa-login-backup").stat()
    assert (backup.st_uid, backup.st_gid) == (os.geteuid(), NOBODY)


# --- symlinks ----------------------------------------------------------------------------


def test_a_symlinked_file_is_updated_where_it_lives_and_the_link_stays(
    home: Home, fake_aws: FakeAws
) -> None:
    dotfiles = home.root / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "aws-credentials"
    real.write_text(LONG_TERM)
    real.chmod(0o600)
    home.credentials.symlink_to("../dotfiles/aws-credentials")

    code, stderr = run_command(fake_aws, login_args("work"))

    assert code == ExitCode.OK, stderr
    assert home.credentials.is_symlink()
    assert os.readlink(home.credentials) == "../dotfiles/aws-credentials"
    assert botocore_view(real)["work"]["aws_access_key_id"].startswith("ASIA")
    assert temp_files(dotfiles) == []
    assert (dotfiles / "aws-credentials.lock").exists()


def test_a_dangling_symlink_is_a_clear_error(home: Home, fake_aws: FakeAws) -> None:
    home.credentials.symlink_to(home.root / "gone" / "credentials")

    code, stderr = run_command(fake_aws, login_args("work"))

    assert code == ExitCode.FILE_UNSAFE
    assert stderr == (
        f"mfa-login: {home.credentials} is a symbolic link to {home.root}/gone/credentials, "
        "which does not exist: create the file there or remove the link; nothing was written\n"
    )
    assert home.credentials.is_symlink()
    assert not (home.root / "gone").exists()


def test_the_store_itself_refuses_a_dangling_symlink(home: Home) -> None:
    # The keyring path reaches the store without reading the file first.
    home.credentials.symlink_to("missing-target")

    with pytest.raises(DanglingLink):
        CredentialsStore(home.credentials).write_session("work", SESSION)
    assert not (home.credentials.parent / "missing-target").exists()


# --- the lock ----------------------------------------------------------------------------


def test_a_held_lock_means_nothing_is_written(home: Home, fake_aws: FakeAws) -> None:
    home.credentials.write_text(LONG_TERM)
    home.credentials.chmod(0o600)
    store = functools.partial(CredentialsStore, lock_timeout=0.2)
    with (home.credentials.parent / "credentials.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, stderr = run_command(fake_aws, login_args("work"), credentials_store=store)

    assert code == ExitCode.FILE_UNSAFE
    assert stderr == (
        f"mfa-login: another mfa-login is writing {home.credentials}; nothing was written, "
        "try again\n"
    )
    assert home.credentials.read_text() == LONG_TERM


def test_the_file_is_read_again_under_the_lock(home: Home, fake_aws: FakeAws) -> None:
    home.credentials.write_text(LONG_TERM)
    home.credentials.chmod(0o600)
    original = fake_aws.get_session_token

    def another_tool_writes_meanwhile(*args: object) -> SessionCredentials:
        with home.credentials.open("a") as handle:
            handle.write("[added-meanwhile]\nregion = eu-west-1\n")
        return original(*args)  # type: ignore[arg-type]

    fake_aws.get_session_token = another_tool_writes_meanwhile  # type: ignore[method-assign,assignment]

    code, stderr = run_command(fake_aws, login_args("work"))

    assert code == ExitCode.OK, stderr
    assert botocore_view(home.credentials)["added-meanwhile"] == {"region": "eu-west-1"}


def test_a_temp_file_left_by_a_killed_login_is_removed(home: Home) -> None:
    home.credentials.write_text(LONG_TERM)
    leftover = home.credentials.parent / ".credentials.k1ll3d.mfa-login.tmp"
    leftover.write_text("half a file")

    CredentialsStore(home.credentials).write_session("work", SESSION)

    assert temp_files(home.credentials.parent) == []


# --- the backup --------------------------------------------------------------------------


def test_one_backup_before_the_first_change_of_each_day(home: Home) -> None:
    home.credentials.write_text(LONG_TERM)
    home.credentials.chmod(0o644)
    backup = home.credentials.with_name("credentials.mfa-login-backup")

    CredentialsStore(home.credentials).write_session("work", SESSION)
    assert backup.read_text() == LONG_TERM
    assert _mode(backup) == 0o600

    second = home.credentials.read_bytes()
    CredentialsStore(home.credentials).write_session("other", SESSION)
    assert backup.read_text() == LONG_TERM, "later changes the same day keep the morning copy"

    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    CredentialsStore(home.credentials, today=lambda: tomorrow).write_session("work", SESSION)
    assert backup.read_bytes() != second
    assert "[other]" in backup.read_text()
    assert [p.name for p in home.credentials.parent.iterdir() if "backup" in p.name] == [
        backup.name
    ]


def test_no_backup_of_a_file_that_did_not_exist(home: Home) -> None:
    CredentialsStore(home.credentials).write_session("work", SESSION)
    assert not home.credentials.with_name("credentials.mfa-login-backup").exists()


# --- verification backstop ---------------------------------------------------------------


def _verify(tmp_path: Path, old: str, new: str, edit: Edit | None = None) -> None:
    real = tmp_path / "credentials"
    real.write_text(old)
    edited = tmp_path / "edited"
    edited.write_bytes(new.encode())
    edit = edit or Edit(new, {}, {})
    verify_edit(real, botocore_view(real), scan(old), edited, edit)


def test_verification_names_a_changed_value_and_its_line(tmp_path: Path) -> None:
    with pytest.raises(UnkeepableConstruct) as caught:
        _verify(tmp_path, "[a]\nregion = eu-west-1\n# note\n", "[a]\nregion = us-east-1\n# note\n")
    assert str(caught.value) == (
        f"{tmp_path / 'credentials'}, line 2: region in [a] would read differently after the "
        "edit; the file was left as it was"
    )


def test_verification_names_a_lost_comment_and_its_line(tmp_path: Path) -> None:
    with pytest.raises(UnkeepableConstruct, match="line 3: this comment would be lost"):
        _verify(tmp_path, "[a]\nregion = eu-west-1\n; note\n", "[a]\nregion = eu-west-1\n")


@pytest.mark.parametrize(
    "new",
    [
        pytest.param("[a]\nregion=eu-west-1\n[work]\nk = v\n", id="spacing"),
        pytest.param("[a]\r\nregion = eu-west-1\n[work]\nk = v\n", id="line-ending"),
        pytest.param("[a]\n\nregion = eu-west-1\n\n[work]\nk = v\n", id="blank-line-inside"),
    ],
)
def test_verification_refuses_a_byte_changed_outside_the_written_section(
    tmp_path: Path, new: str
) -> None:
    """Regression: configobj used to rewrite the whole file (spacing, line endings); a change
    that botocore reads alike is still a change outside the written section."""
    old = "[a]\nregion = eu-west-1\n\n[work]\nk = old\n"
    edit = Edit(new, {"work": {"k": "v"}}, {})
    with pytest.raises(UnkeepableConstruct, match="outside the written sections would change"):
        _verify(tmp_path, old, new, edit)


def test_verification_allows_blank_lines_around_the_written_section(tmp_path: Path) -> None:
    old = "[a]\nregion = eu-west-1\n[work]\nk = old\n\n\n[b]\nx = 1"
    new = "[a]\nregion = eu-west-1\n\n[work]\nk = v\n[b]\nx = 1\n\n[c]\nk = v\n"
    _verify(tmp_path, old, new, Edit(new, {"work": {"k": "v"}, "c": {"k": "v"}}, {}))


# --- bytes outside the written sections stay as they were (docs/files.md) -----------------

WRITTEN = (
    "aws_access_key_id = ASIASESSIONEXAMPLE\n"
    "aws_secret_access_key = session-secret\n"
    "aws_session_token = session-token\n"
    "expiration = 2030-01-01T00:00:00Z\n"
    "x_security_token_expires = 2030-01-01T00:00:00Z\n"
)


@pytest.mark.parametrize(
    "before",
    [
        pytest.param(b"[a]\r\nx = 1\r\n", id="CRLF"),
        pytest.param(b"[a]\r\nx = 1\ny = 2\rz = 3\n", id="mixed line endings"),
        pytest.param(b"[a]\n\tx\t=\t1\n", id="tabs around ="),
        pytest.param(b"[a]\nx = 1\n[b]\n  y = 2\n", id="indentation that differs"),
        pytest.param(b"[a]\nx=1\nY =2  \n", id="spacing and capitals"),
        pytest.param(b"[a]\nx =\n", id="an empty value"),
        pytest.param(b"[a]\n  # c\n; d\nx = 1 # e\n", id="comments"),
        pytest.param(b"[a]\nx: 1\ny = 2\n   more\n\n   more\n", id="colon and continuation"),
        pytest.param(b'[ a ]\n"k" = "v"\n[DEFAULT]\nz = 1\n', id="quotes and DEFAULT"),
        pytest.param(b"[a]\nx = 1\n\n\n", id="blank lines at the end"),
        pytest.param(b"[a]\nx = 1\n# end\n", id="a final comment"),
    ],
)
def test_a_new_section_leaves_every_other_byte_as_it_was(home: Home, before: bytes) -> None:
    home.credentials.write_bytes(before)
    CredentialsStore(home.credentials).write_session("work", SESSION)
    newline = b"\r\n" if before.startswith(b"[a]\r\n") else b"\n"
    blank = b"" if before.endswith(b"\n\n") else newline
    expected = before + blank + b"[work]" + newline + WRITTEN.encode().replace(b"\n", newline)
    assert home.credentials.read_bytes() == expected


def test_a_file_without_a_final_line_break_gets_one_before_the_new_section(home: Home) -> None:
    home.credentials.write_bytes(b"[a]\nx = 1")
    CredentialsStore(home.credentials).write_session("work", SESSION)
    assert home.credentials.read_bytes() == b"[a]\nx = 1\n\n[work]\n" + WRITTEN.encode()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "[work]\n; mine\nAWS_Session_Token: old\n  more\nregion = x # here\n",
            "[work]\n; mine\naws_session_token = session-token\nregion = x # here\n"
            "aws_access_key_id = ASIASESSIONEXAMPLE\naws_secret_access_key = session-secret\n"
            "expiration = 2030-01-01T00:00:00Z\nx_security_token_expires = 2030-01-01T00:00:00Z\n",
            id="comment, capitals, colon, continuation, a value with a hash",
        ),
        pytest.param(
            "[work]\r\n\taws_access_key_id = ASIAOLD\r\n\toutput = json\r\n[b]\r\nx = 1",
            "[work]\r\n\taws_access_key_id = ASIASESSIONEXAMPLE\r\n\toutput = json\r\n"
            "\taws_secret_access_key = session-secret\r\n\taws_session_token = session-token\r\n"
            "\texpiration = 2030-01-01T00:00:00Z\r\n"
            "\tx_security_token_expires = 2030-01-01T00:00:00Z\r\n[b]\r\nx = 1",
            id="tab indentation and CRLF: no line becomes a continuation",
        ),
    ],
)
def test_the_written_section_keeps_its_other_lines_as_they_are(
    home: Home, before: str, after: str
) -> None:
    home.credentials.write_bytes(before.encode())
    CredentialsStore(home.credentials).write_session("work", SESSION)
    assert home.credentials.read_bytes() == after.encode()


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("tok # en", id="a hash after a space, which Go and JS cut"),
        pytest.param('"token"', id="quotes, which Go strips"),
        pytest.param("tok\nen", id="a line break"),
    ],
)
def test_a_session_value_sdks_would_read_otherwise_is_never_written(home: Home, token: str) -> None:
    """Regression: a value of ours is written only in the form every SDK reads alike."""
    home.credentials.write_bytes(LONG_TERM.encode())
    odd = SessionCredentials("ASIASESSIONEXAMPLE", "session-secret", token, SESSION.expiration)
    with pytest.raises(UnwritableValue) as refused:
        CredentialsStore(home.credentials).write_session("work", odd)
    assert str(refused.value).startswith(f"the session's aws_session_token ({len(token)} ")
    assert token not in str(refused.value)
    assert refused.value.exit_code == ExitCode.FILE_UNSAFE
    assert home.credentials.read_bytes() == LONG_TERM.encode()
    assert temp_files(home.credentials.parent) == []


# --- removing a long-term key once the keyring holds it ----------------------------------

WORK_KEY = LongTermKey(
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", KeySource.LONG_TERM_SECTION, "work-long-term"
)


def test_removing_the_long_term_key_keeps_the_rest_and_every_comment(home: Home) -> None:
    home.credentials.write_text(
        "[other]\nregion = eu-west-1\n\n# work key, rotated in May\n[work-long-term]\n"
        "# the key\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI\n# my phone\n"
        "aws_mfa_device = arn:aws:iam::123456789012:mfa/work\n"
    )

    CredentialsStore(home.credentials).remove_long_term(WORK_KEY)

    assert home.credentials.read_text() == (
        "[other]\nregion = eu-west-1\n\n# work key, rotated in May\n[work-long-term]\n"
        "# the key\n# my phone\naws_mfa_device = arn:aws:iam::123456789012:mfa/work\n"
    )


def test_key_leaving_the_file_stays_in_the_backup_until_dropped_from_it(home: Home) -> None:
    """The backup is the key's last plaintext copy until a later run read it from the keyring:
    the removal leaves it there, the day's later writes do not replace the backup, and only
    `drop_from_backup` takes the key out of it (everything else in the backup stays)."""
    home.credentials.write_text(
        "[work-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI\n[work]\nregion = eu-west-1\n"
    )
    kept: set[str] = set()
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    store = CredentialsStore(home.credentials, backup_keeps=lambda: frozenset(kept))
    store.write_session("work", SessionCredentials("ASIAX", "s", "t", datetime.now(timezone.utc)))
    backup = home.credentials.with_name("credentials.mfa-login-backup")
    assert "wJalrXUtnFEMI" in backup.read_text()

    kept.add(WORK_KEY.access_key_id)
    store.remove_long_term(WORK_KEY)
    assert "wJalrXUtnFEMI" not in home.credentials.read_text()
    held = backup.read_bytes()
    assert b"wJalrXUtnFEMI" in held

    # Another day's first write would replace the backup; while it keeps a key, it does not.
    CredentialsStore(
        home.credentials, today=lambda: tomorrow, backup_keeps=lambda: frozenset(kept)
    ).write_session("work", SESSION)
    assert backup.read_bytes() == held

    assert store.drop_from_backup(WORK_KEY) is True
    # The backup is still the file as it was before that day's first write, minus the key.
    assert backup.read_text() == "[work]\nregion = eu-west-1\n"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_a_backup_without_the_leaving_key_is_made_from_the_file(home: Home) -> None:
    """Today's backup was made before the key was added to the file: it becomes the file as it
    was, with the key, before the key lines go."""
    home.credentials.write_text("[work]\nregion = eu-west-1\n")
    store = CredentialsStore(
        home.credentials, backup_keeps=lambda: frozenset({"AKIAIOSFODNN7EXAMPLE"})
    )
    store.write_session("other", SESSION)
    home.credentials.write_text(
        home.credentials.read_text()
        + "[work-long-term]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI\n"
    )
    with_key = home.credentials.read_bytes()

    store.remove_long_term(WORK_KEY)

    backup = home.credentials.with_name("credentials.mfa-login-backup")
    assert backup.read_bytes() == with_key


def test_a_backup_keeping_another_key_is_never_given_up_for_a_new_one(home: Home) -> None:
    """The backup keeps AKIA...FIRST for a run still to come and lacks the key now leaving: the
    removal is refused (the key stays in the file), since one backup cannot keep both."""
    backup = home.credentials.with_name("credentials.mfa-login-backup")
    backup.write_text(
        "[first-long-term]\naws_access_key_id = AKIAFIRSTFIRSTFIRST1\naws_secret_access_key = f\n"
    )
    home.credentials.write_text(LONG_TERM)
    before = home.credentials.read_bytes()
    kept = frozenset({"AKIAFIRSTFIRSTFIRST1", WORK_KEY.access_key_id})

    with pytest.raises(BackupHoldsUnconfirmedKey, match="keeps the last plaintext copy of AKIAF"):
        CredentialsStore(home.credentials, backup_keeps=lambda: kept).remove_long_term(WORK_KEY)

    assert home.credentials.read_bytes() == before
    assert "AKIAFIRSTFIRSTFIRST1" in backup.read_text()


def test_a_section_left_with_a_comment_keeps_it_in_place(home: Home) -> None:
    home.credentials.write_text(
        "[work-long-term]\n# the key\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI\n[other]\nregion = eu-west-1\n"
    )

    CredentialsStore(home.credentials).remove_long_term(WORK_KEY)

    assert home.credentials.read_text() == (
        "[work-long-term]\n# the key\n[other]\nregion = eu-west-1\n"
    )


def test_a_section_left_empty_goes_and_the_rest_stays_byte_for_byte(home: Home) -> None:
    home.credentials.write_bytes(
        b"[a]\r\nx=1\r\n\r\n[work-long-term]\r\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\r\n"
        b"aws_secret_access_key = wJalrXUtnFEMI\r\n\r\n[other]\r\nregion: eu-west-1"
    )

    CredentialsStore(home.credentials).remove_long_term(WORK_KEY)

    assert home.credentials.read_bytes() == b"[a]\r\nx=1\r\n\r\n[other]\r\nregion: eu-west-1"


def test_removing_a_key_the_section_no_longer_holds_changes_nothing(home: Home) -> None:
    home.credentials.write_text(LONG_TERM)

    with pytest.raises(FileNotSafe, match=r"\[work-long-term\] no longer holds AKIAOTHER"):
        CredentialsStore(home.credentials).remove_long_term(
            LongTermKey("AKIAOTHER", "x", KeySource.LONG_TERM_SECTION, "work-long-term")
        )
    assert home.credentials.read_text() == LONG_TERM
