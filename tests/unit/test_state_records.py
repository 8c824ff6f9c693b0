"""The state file's records of who made a section and where keys went: the rules for a missing
record, and members of the wrong shape dropped rather than crashing a login."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfa_session.adapters.state_file import KeyringRecords, WrittenSections
from tests.fakes import state_at

FILE = "/home/alice/.aws/credentials"
SESSION = {"aws_access_key_id": "ASIASESSION0001", "aws_session_token": "t"}


def written(tmp_path: Path, data: object) -> WrittenSections:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return WrittenSections(state_at(path, FILE))


def test_a_recorded_section_serves_only_its_own_profile_and_role(tmp_path: Path) -> None:
    sections = WrittenSections(state_at(tmp_path / "state.json", FILE))
    sections.record("shared", "alice", credentials=FILE, role=None, key_id="ASIASESSION0001")
    sections.record("ops", "alice", credentials=FILE, role="arn:r/a", key_id="ASIAROLE00000001")
    role_values = {"aws_access_key_id": "ASIAROLE00000001"}

    assert sections.made_for(FILE, "shared", SESSION, profile="alice", role=None)
    assert not sections.made_for(FILE, "shared", SESSION, profile="bob", role=None)
    assert not sections.made_for(FILE, "shared", SESSION, profile="alice", role="arn:r/a")
    assert sections.made_for(FILE, "ops", role_values, profile="alice", role="arn:r/a")
    assert not sections.made_for(FILE, "ops", role_values, profile="alice", role="arn:r/b")
    # The same section name in another credentials file has a record of its own (none here).
    assert not sections.made_for("/srv/p/credentials", "shared", SESSION, profile="a", role=None)
    assert sections.sections() == {"shared": "alice", "ops": "alice"}


def test_without_a_record_a_section_is_its_own_profiles_plain_session(tmp_path: Path) -> None:
    """The rule for sections written before this record existed (or by another tool)."""
    sections = written(tmp_path, {"sections": {"dev-session": "dev"}})

    # Named after the profile: its own session, never a role's credentials.
    assert sections.made_for(FILE, "admin", SESSION, profile="admin", role=None)
    assert not sections.made_for(FILE, "admin", SESSION, profile="admin", role="arn:r/a")
    assert not sections.made_for(FILE, "admin", SESSION, profile="other", role=None)
    # The older record of --write-profile sections names the profile.
    assert sections.made_for(FILE, "dev-session", SESSION, profile="dev", role=None)
    assert not sections.made_for(FILE, "dev-session", SESSION, profile="admin", role=None)


def test_a_record_of_other_contents_counts_as_no_record(tmp_path: Path) -> None:
    """The section was rewritten since (by hand, another tool, or a writer killed before it
    recorded): the record no longer speaks for what the section holds."""
    sections = WrittenSections(state_at(tmp_path / "state.json", FILE))
    sections.record("admin", "bob", credentials=FILE, role=None, key_id="ASIABOBSESSION01")

    assert sections.made_for(FILE, "admin", SESSION, profile="admin", role=None)


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"origins": []},
        {"origins": {FILE: []}},
        {"origins": {FILE: {"admin": "bob"}}},
        {"origins": {FILE: {"admin": {"profile": 5, "role": None, "key": "ASIASESSION0001"}}}},
        {"origins": {FILE: {"admin": {"profile": "bob", "role": 7, "key": "ASIASESSION0001"}}}},
        {"sections": [], "origins": {FILE: {"admin": {"profile": "bob"}}}},
        {"sections": {"admin": 3}},
    ],
)
def test_origins_of_the_wrong_shape_are_dropped(tmp_path: Path, data: object) -> None:
    sections = written(tmp_path, data)

    assert sections.made_for(FILE, "admin", SESSION, profile="admin", role=None)
    sections.record("admin", "admin", credentials=FILE, role=None, key_id="ASIASESSION0001")
    assert sections.made_for(FILE, "admin", SESSION, profile="admin", role=None)
    assert not sections.made_for(FILE, "admin", SESSION, profile="bob", role=None)


@pytest.mark.parametrize(
    "data",
    [
        {"keyring_keys": [], "backup_keeps": 5},
        {"keyring_keys": {FILE: ["admin"]}, "backup_keeps": {FILE: "AKIA"}},
        {"keyring_keys": {FILE: {"admin": 12}}, "backup_keeps": {FILE: [1, None]}},
    ],
)
def test_keyring_records_of_the_wrong_shape_are_dropped(tmp_path: Path, data: object) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    records = KeyringRecords(state_at(path, FILE))

    assert records.moved_key(FILE, "admin") is None
    assert records.backup_keeps(FILE) == frozenset()
    records.record_moved(FILE, "admin", "AKIAEXAMPLEEXAMPLE12")
    records.keep_in_backup(FILE, "AKIAEXAMPLEEXAMPLE12")
    assert records.moved_key(FILE, "admin") == "AKIAEXAMPLEEXAMPLE12"
    assert records.backup_keeps(FILE) == {"AKIAEXAMPLEEXAMPLE12"}
    records.release_backup(FILE, "AKIAEXAMPLEEXAMPLE12")
    records.forget_moved(FILE, "admin")
    assert records.moved_key(FILE, "admin") is None
    assert records.backup_keeps(FILE) == frozenset()
