"""Profile names in the config file read exactly as botocore reads them (rules.files)."""

from __future__ import annotations

from pathlib import Path

import botocore.configloader
import botocore.session
import pytest

from mfa_session.rules.files import AwsSnapshot, config_profiles, read_config_file

SECTION_NAMES = [
    "default",
    "profile admin",
    'profile "dev team"',
    "profile 'ops team'",
    'profile "quoted"',
    "profile  spaced ",
    "profile\ttabbed",
    "profile two words",
    "profile",
    "profileadmin",
    "profiles plural",
    "Profile upper",
    "profile default",
    'profile "unclosed',
    "profile back\\ slash",
    'profile "a"b',
    'profile ""',
    "profile café",
    "profile x\u00a0y",
    "sso-session corp",
    "services local",
    "preview",
    "DEFAULTS",
    "default ",
]
"""Section names of every kind botocore's loader treats in its own way."""


def config_with(names: list[str], tmp_path: Path) -> Path:
    path = tmp_path / "config"
    path.write_text(
        "".join(f"[{name}]\nmarker = {index}\n\n" for index, name in enumerate(names)),
        encoding="utf-8",
    )
    return path


def botocore_profiles(path: Path) -> dict[str, str]:
    """Each profile botocore finds in the config file, and the marker of its section."""
    profiles = botocore.configloader.load_config(str(path))["profiles"]
    return {name: values["marker"] for name, values in profiles.items()}


def test_every_kind_of_section_name_reads_as_botocore_reads_it(tmp_path: Path) -> None:
    """Regression: [profile "dev team"] was profile '"dev team"' to mfa-login and `dev team`
    to botocore, so its mfa_serial, region and duration_seconds were not used."""
    path = config_with(SECTION_NAMES, tmp_path)
    read = config_profiles(read_config_file(path))
    ours = {name: values["marker"] for name, values in read.items()}
    assert ours == botocore_profiles(path)
    assert ours["dev team"] == str(SECTION_NAMES.index('profile "dev team"'))


@pytest.mark.parametrize(
    "order",
    [["default", "profile default"], ["profile default", "default"]],
    ids=["profile-default-last", "default-last"],
)
def test_default_and_profile_default_the_later_one_wins_as_in_botocore(
    tmp_path: Path, order: list[str]
) -> None:
    path = config_with(order, tmp_path)
    ours = config_profiles(read_config_file(path))
    assert ours["default"]["marker"] == botocore_profiles(path)["default"] == "1"


def test_a_profile_section_in_the_credentials_file_keeps_its_name_as_written(
    tmp_path: Path,
) -> None:
    """botocore takes the credentials file's section names as they stand: [profile x] there is
    a profile named "profile x", and [dev team] is `dev team`."""
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[profile x]\naws_access_key_id = AKIAEXAMPLE\n[dev team]\naws_access_key_id = AKIAX\n",
        encoding="utf-8",
    )
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(tmp_path / "no-config"))
    session.set_config_variable("credentials_file", str(credentials))
    snapshot = AwsSnapshot(credentials, tmp_path / "no-config")
    assert set(snapshot.credentials) == set(session.available_profiles) == {"profile x", "dev team"}
