"""A stored session is reused only for the request that made it: the same source profile and
the same role. Through the installed command, against the emulator's request counts."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import AWS, configured, shell_env
from tests.e2e.helpers import mfa_login, sections, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def caller_arn(emulator: Emulator, profile: str) -> str:
    done = subprocess.run(
        [AWS, "sts", "get-caller-identity", "--profile", profile, "--output", "json"],
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    arn: str = json.loads(done.stdout)["Arn"]
    return arn


def test_asking_for_another_role_assumes_it_instead_of_returning_the_first(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Regression: after --assume-role A, asking for role B returned A's credentials from
    [admin-role], "still valid", without an AssumeRole."""
    role_a = emulator.create_role(f"{aws_user.name}-a")
    role_b = emulator.create_role(f"{aws_user.name}-b")
    configured(home, aws_user)
    first = mfa_login(
        emulator, "--profile", "admin", "--code", aws_user.code(), "--assume-role", role_a
    )
    assert first.code == 0, first.stderr
    session_key = sections(home.credentials)["admin"]["aws_access_key_id"]
    emulator.reset_counts()

    second = mfa_login(emulator, "--profile", "admin", "--assume-role", role_b)

    assert second.code == 0, second.stderr
    assert "still valid" not in second.stderr
    assert "admin-role: session valid for" in second.stderr
    # The MFA session is reused (no code, no GetSessionToken); the role is assumed anew.
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert emulator.request_count(session_key, "AssumeRole") == 1
    assert ":assumed-role/" + role_b.split("/")[-1] + "/" in caller_arn(emulator, "admin-role")

    # And back: A's credentials are gone from [admin-role], so A is assumed again.
    emulator.reset_counts()
    again = mfa_login(emulator, "--profile", "admin", "--assume-role", role_a)
    assert again.code == 0, again.stderr
    assert emulator.request_count(session_key, "AssumeRole") == 1
    # Asked once more for A, it is A's own now: reused.
    emulator.reset_counts()
    reused = mfa_login(emulator, "--profile", "admin", "--assume-role", role_a)
    assert "admin-role: still valid" in reused.stderr
    assert emulator.request_count(session_key) == 0


def test_two_profiles_sharing_a_write_profile_never_get_each_others_session(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Regression: with one --write-profile section for two profiles, the second got the
    first's session as "still valid". Both the still-valid shortcut (a plain login with the
    code on stdin) and the full command (--code) now log in for the other profile."""
    bob = emulator.create_user(f"{aws_user.name}-bob")
    write_long_term(home, "alice", aws_user, layout="long-term")
    write_long_term(home, "bob", bob, layout="long-term")
    write_config(
        home,
        f"[profile alice]\nmfa_serial = {aws_user.mfa_serials[0]}\nregion = us-east-1\n"
        f"[profile bob]\nmfa_serial = {bob.mfa_serials[0]}\nregion = us-east-1\n",
    )
    shared = ("--write-profile", "shared")
    alice = mfa_login(emulator, "--profile", "alice", *shared, "--code", aws_user.code())
    assert alice.code == 0, alice.stderr
    assert caller_arn(emulator, "shared") == aws_user.arn

    # The shortcut's path: only plain flags, the code on stdin.
    bob_login = mfa_login(emulator, "--profile", "bob", *shared, stdin=bob.code() + "\n")

    assert bob_login.code == 0, bob_login.stderr
    assert "still valid" not in bob_login.stderr
    assert emulator.request_count(bob.access_key_id, "GetSessionToken") == 1
    assert caller_arn(emulator, "shared") == bob.arn

    # The full command's path (--code): alice logs in again rather than taking bob's.
    emulator.reset_counts()
    back = mfa_login(emulator, "--profile", "alice", *shared, "--code", aws_user.next_code())
    assert back.code == 0, back.stderr
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    assert caller_arn(emulator, "shared") == aws_user.arn

    # Each is reused by its own profile while valid.
    emulator.reset_counts()
    same = mfa_login(emulator, "--profile", "alice", *shared)
    assert same.code == 0, same.stderr
    assert "shared: still valid" in same.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_a_session_written_before_the_record_still_counts_as_its_profiles(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """A plain [admin] with no record (written by hand, by aws-mfa or by an earlier version)
    is admin's own session, so upgrading costs no login; export uses it as it is."""
    configured(home, aws_user)
    logged_in = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())
    assert logged_in.code == 0, logged_in.stderr
    (home.state / "mfa-session" / "state.json").unlink()
    emulator.reset_counts()

    again = mfa_login(emulator, "export", "--profile", "admin")

    assert again.code == 0, again.stderr
    assert "AWS_SESSION_TOKEN" in again.stdout
    assert emulator.request_count(aws_user.access_key_id) == 0
