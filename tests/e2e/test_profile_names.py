"""Profile names as botocore reads them, through the installed command."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Home
from tests.e2e.helpers import mfa_login, sections, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def test_a_quoted_profile_name_in_the_config_file_is_the_unquoted_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Regression: [profile "dev team"] is profile `dev team` to botocore; mfa-login read it
    as '"dev team"', so `--profile "dev team"` ignored its mfa_serial, region and
    duration_seconds, and status listed both names."""
    write_long_term(home, "dev team", aws_user, layout="long-term")
    write_config(
        home,
        f'[profile "dev team"]\nmfa_serial = {aws_user.mfa_serials[0]}\n'
        "region = eu-central-1\nduration_seconds = 3600\n",
    )

    run = mfa_login(
        emulator, "--profile", "dev team", "--code", aws_user.code(), "--debug", "--force"
    )

    assert run.code == 0, run.stderr
    # duration_seconds: a one-hour session.
    assert "dev team: session valid for 1h00m" in run.stderr
    # mfa_serial: the device was not looked up in IAM.
    assert emulator.request_count(aws_user.access_key_id, "ListMFADevices") == 0
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    # region: the client was built for the profile's own region.
    assert (
        f"device {aws_user.mfa_serials[0]} (from mfa_serial in the config file), "
        "region eu-central-1, 3600 s"
    ) in run.stderr
    assert sections(home.credentials)["dev team"]["aws_access_key_id"].startswith("ASIA")

    listed = mfa_login(emulator, "status", "--names")
    assert listed.stdout.splitlines() == ["dev team"]
    shown = mfa_login(emulator, "status", "--json")
    assert [entry["profile"] for entry in json.loads(shown.stdout)] == ["dev team"]
