"""A damaged state file never costs a login (through the installed command): each member of
the wrong shape is dropped, the well-formed ones are kept, and the login writes its session.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Home
from tests.e2e.helpers import mfa_login, sections, write_long_term
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
    assert after["devices"] == {"admin": aws_user.mfa_serials[0]}
    assert len(after["used_steps"]) == 1
    assert after["sections"] == (
        {"admin": "admin"} if "sections" in damaged else {**KEPT_SECTIONS, "admin": "admin"}
    )
    if "long_term_keys" not in damaged:
        assert after["long_term_keys"] == KEPT_LAYOUTS


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
    assert json.loads(state.read_text())["devices"] == {"admin": aws_user.mfa_serials[0]}
    assert status.code == 0, status.stderr
