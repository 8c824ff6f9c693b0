"""The state file's records of where long-term keys went: members of the wrong shape are
dropped rather than crashing a login."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mfa_session.state import KeyringRecords

FILE = "/home/alice/.aws/credentials"


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
    records = KeyringRecords(path)

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
