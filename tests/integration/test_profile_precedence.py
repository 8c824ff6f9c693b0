"""The profile-kind rule against botocore's real credential chain: for each way a profile can
be configured beside keys in the credentials file's [p], `takes_precedence` names a setting
exactly when botocore (the AWS CLI, boto3) takes credentials other than those keys. A
botocore release that reorders its providers fails here, and the login's refusal, doctor
and the picker would be told what to follow."""

from __future__ import annotations

import botocore.session
import pytest

from mfa_session.rules.profile_kinds import loginable_profiles, profile_kind, takes_precedence
from tests.conftest import Home

SESSION_KEYS = {
    "aws_access_key_id": "ASIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key": "wJalrXUtnFEMIsessionsecret",
    "aws_session_token": "session-token",
}
BASE_KEYS = {"aws_access_key_id": "AKIABASEKEY000000001", "aws_secret_access_key": "base-secret"}
ROLE = "arn:aws:iam::123456789012:role/ops"

SSO = {
    "sso_start_url": "https://example.awsapps.com/start",
    "sso_region": "us-east-1",
}
SHARED = "shared-credentials-file"
"""botocore's method for the keys in the credentials file's [p]."""

# (id, [profile p] settings, [p]'s extra settings in the credentials file, botocore's method)
CASES: list[tuple[str, dict[str, str], dict[str, str], str]] = [
    ("plain", {"region": "us-east-1"}, {}, SHARED),
    ("role_arn, source_profile", {"role_arn": ROLE, "source_profile": "base"}, {}, "assume-role"),
    (
        "role_arn, credential_source",
        {"role_arn": ROLE, "credential_source": "Environment"},
        {},
        "assume-role",
    ),
    ("role_arn in [p]", {}, {"role_arn": ROLE, "source_profile": "base"}, "assume-role"),
    ("source_profile alone", {"source_profile": "base"}, {}, SHARED),
    ("credential_source alone", {"credential_source": "Environment"}, {}, SHARED),
    (
        "web_identity_token_file",
        {"web_identity_token_file": "token-file", "role_arn": ROLE},
        {},
        "assume-role-with-web-identity",
    ),
    (
        "sso_account_id",
        {"sso_account_id": "123456789012", "sso_role_name": "Dev", **SSO},
        {},
        "sso",
    ),
    ("sso_start_url alone", SSO, {}, SHARED),
    ("credential_process", {"credential_process": "/bin/false"}, {}, SHARED),
    ("login_session", {"login_session": "arn:aws:iam::123456789012:user/alice"}, {}, SHARED),
]


def ini(sections: dict[str, dict[str, str]]) -> str:
    return "".join(
        f"[{name}]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()) + "\n"
        for name, values in sections.items()
    )


@pytest.mark.parametrize(
    ("config_settings", "credentials_settings", "method"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_takes_precedence_names_a_setting_exactly_when_botocore_skips_the_keys(
    home: Home,
    monkeypatch: pytest.MonkeyPatch,
    config_settings: dict[str, str],
    credentials_settings: dict[str, str],
    method: str,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTKEY01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "environment-secret")
    credentials = {"p": {**SESSION_KEYS, **credentials_settings}, "base": BASE_KEYS}
    config = {"p": config_settings}
    home.credentials.write_text(ini(credentials), encoding="utf-8")
    home.config.write_text(
        ini({f"profile {name}": values for name, values in config.items()}), encoding="utf-8"
    )

    found = botocore.session.Session(profile="p").get_credentials()
    assert found is not None
    assert found.method == method
    setting = takes_precedence("p", credentials, config)
    assert (setting is None) == (method == SHARED), setting


def test_only_plain_profiles_are_offered_for_a_login() -> None:
    credentials = {
        "work-long-term": BASE_KEYS,
        "alpha": BASE_KEYS,
        "prod-long-term": BASE_KEYS,
    }
    config = {
        "alpha": {"mfa_serial": "arn:aws:iam::123456789012:mfa/a"},
        "prod": {"role_arn": ROLE, "source_profile": "work", "mfa_serial": "x"},
        "sso": {"sso_session": "corp", "mfa_serial": "x"},
        "cp": {"credential_process": "/bin/true", "mfa_serial": "x"},
        "work": {"mfa_serial": "x"},
    }
    assert loginable_profiles(credentials, config) == ["alpha", "work"]
    assert profile_kind("prod", credentials, config).kind == "role"
    assert profile_kind("sso", credentials, config).kind == "SSO"
    assert profile_kind("cp", credentials, config).kind == "process"


# (id, the config file's text after [profile p]'s mfa_serial, [p]'s extra in the credentials file)
SSO_SESSION_CASES: list[tuple[str, str, dict[str, str]]] = [
    ("no sso_session", "", {}),
    ("no section", "sso_session = corp\n", {}),
    ("empty section", "sso_session = corp\n\n[sso-session corp]\n", {}),
    ("another section", "sso_session = corp\n\n[sso-session other]\n" + ini({"x": SSO})[4:], {}),
    ("the section", "sso_session = corp\n\n[sso-session corp]\n" + ini({"x": SSO})[4:], {}),
    (
        "quoted section name",
        'sso_session = corp\n\n[sso-session "corp"]\n' + ini({"x": SSO})[4:],
        {},
    ),
    ("no sso_region", "sso_session = corp\n\n[sso-session corp]\nsso_start_url = u\n", {}),
    ("no sso_start_url", "sso_session = corp\n\n[sso-session corp]\nsso_region = r\n", {}),
    (
        "empty values",
        "sso_session = corp\n\n[sso-session corp]\nsso_start_url =\nsso_region =\n",
        {},
    ),
    ("empty sso_session", "sso_session =\n", {}),
    ("sso_session in [p]", "", {"sso_session": "corp"}),
]


@pytest.mark.parametrize(
    ("config_text", "credentials_settings"),
    [pytest.param(*case[1:], id=case[0]) for case in SSO_SESSION_CASES],
)
def test_sso_session_gap_names_exactly_what_makes_botocore_refuse_every_client(
    home: Home, config_text: str, credentials_settings: dict[str, str]
) -> None:
    """A sso_session botocore cannot follow: it makes no client for the profile at all
    (InvalidConfigError), which the login's refusal and doctor say before botocore does."""
    from mfa_session.rules.files import AwsSnapshot
    from mfa_session.rules.profile_kinds import sso_session_gap

    home.credentials.write_text(ini({"p": {**SESSION_KEYS, **credentials_settings}}), "utf-8")
    home.config.write_text("[profile p]\nmfa_serial = x\n" + config_text, encoding="utf-8")
    refused = False
    try:
        botocore.session.Session(profile="p").create_client("sts", region_name="us-east-1")
    except botocore.exceptions.InvalidConfigError:
        refused = True
    files = AwsSnapshot(home.credentials, home.config)
    gap = sso_session_gap("p", files.credentials, files.config, files.sso_sessions)
    assert (gap is not None) == refused, gap
