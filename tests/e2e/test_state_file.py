"""A damaged state file never costs a login (through the installed command): each member of
the wrong shape is dropped, the well-formed ones are kept, and the login writes its session.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.e2e.helpers import command_env, mfa_login, sections, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

KEPT_SECTIONS = {"older": "older"}
KEPT_LAYOUTS = {"elsewhere": "file"}


@pytest.mark.parametrize(
    "damaged",
    [
        pytest.param({"used_steps": []}, id="used_steps-a-list"),
        pytest.param({"sections": []}, id="sections-a-list"),
        pytest.param({"devices": 5}, id="devices-a-number"),
        pytest.param({"long_term_keys": "file"}, id="long_term_keys-a-string"),
        pytest.param(
            {"devices": {"admin": 5, "other": ["x"]}, "used_steps": {"a": "x", "b": True}},
            id="entries-of-the-wrong-type",
        ),
    ],
)
def test_a_state_member_of_the_wrong_shape_is_dropped_and_the_rest_kept(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, damaged: dict[str, object]
) -> None:
    """Regression: these crashed the login, once after the code was spent."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    state = home.state / "mfa-session" / "state.json"
    state.parent.mkdir(parents=True)
    kept = {"sections": KEPT_SECTIONS, "long_term_keys": KEPT_LAYOUTS}
    state.write_text(json.dumps({**kept, **damaged}))

    run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())

    assert run.code == 0, run.stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
    after = json.loads(state.read_text())
    mine = str(home.credentials.resolve())
    # The flat records of an earlier version now belong to this run's credentials file.
    assert not {"devices", "sections", "long_term_keys"} & set(after)
    assert after["file_devices"][mine] == {"admin": aws_user.mfa_serials[0]}
    assert len(after["used_steps"]) == 1
    assert after["file_sections"][mine] == (
        {"admin": "admin"} if "sections" in damaged else {**KEPT_SECTIONS, "admin": "admin"}
    )
    if "long_term_keys" not in damaged:
        assert after["file_layouts"][mine] == KEPT_LAYOUTS


def test_a_state_file_nested_past_the_parsers_depth_reads_as_empty(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Regression: json raised RecursionError, which no one caught."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    state = home.state / "mfa-session" / "state.json"
    state.parent.mkdir(parents=True)
    state.write_text('{"devices": ' + "[" * 100_000 + "]" * 100_000 + "}")

    run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())
    status = mfa_login(emulator, "status")

    assert run.code == 0, run.stderr
    assert sections(home.credentials)["admin"]["aws_access_key_id"].startswith("ASIA")
    devices = json.loads(state.read_text())["file_devices"]
    assert devices == {str(home.credentials.resolve()): {"admin": aws_user.mfa_serials[0]}}
    assert status.code == 0, status.stderr


def test_a_second_credentials_file_never_gets_the_first_files_remembered_device(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, tmp_path: Path
) -> None:
    """Regression: the remembered device, the --no-keyring choice and the written sections
    were kept by profile name alone, so another project's credentials file (its own
    AWS_SHARED_CREDENTIALS_FILE) with the same profile name used the first file's device:
    AWS rejected it, and the choice was cleared."""
    second = emulator.create_user(f"{aws_user.name}-b")
    write_long_term(home, "admin", aws_user, layout="long-term")
    other = tmp_path / "project" / "credentials"
    other.parent.mkdir()
    other.write_text(
        f"[admin-long-term]\naws_access_key_id = {second.access_key_id}\n"
        f"aws_secret_access_key = {second.secret_access_key}\n",
        encoding="utf-8",
    )
    other.chmod(0o600)
    in_project = command_env(emulator, AWS_SHARED_CREDENTIALS_FILE=str(other))

    first = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())
    assert first.code == 0, first.stderr
    emulator.reset_counts()

    run = mfa_login(emulator, "--profile", "admin", "--code", second.code(), env=in_project)

    assert run.code == 0, run.stderr
    # The project's login found its own device through IAM and sent the code for it.
    assert emulator.request_count(second.access_key_id, "ListMFADevices") == 1
    assert emulator.request_count(second.access_key_id, "GetSessionToken") == 1
    assert sections(other)["admin"]["aws_access_key_id"].startswith("ASIA")
    devices = json.loads((home.state / "mfa-session" / "state.json").read_text())["file_devices"]
    assert devices == {
        str(home.credentials.resolve()): {"admin": aws_user.mfa_serials[0]},
        str(other.resolve()): {"admin": second.mfa_serials[0]},
    }
    # Each file's next login uses its own device, with no IAM lookup.
    emulator.reset_counts()
    again = mfa_login(emulator, "--profile", "admin", "--force", "--code", aws_user.next_code())
    assert again.code == 0, again.stderr
    assert emulator.request_count(aws_user.access_key_id, "ListMFADevices") == 0
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
