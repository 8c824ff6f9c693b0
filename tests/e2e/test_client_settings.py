"""The login's requests go where `aws --profile NAME` would send them, and nowhere else.

The client takes every setting (endpoint, services section, region, ...) from the profile
being logged in; a profile that neither file names yet takes only the environment's; the
profile itself is chosen as botocore chooses it. A recorder stands in for the endpoint
another profile points at: what reaches it is what a wrong client would have leaked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Home
from tests.e2e.helpers import command_env, mfa_login, sections, write_config, write_long_term
from tests.e2e.recorder import RequestRecorder
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


@pytest.fixture
def elsewhere() -> Iterator[RequestRecorder]:
    with RequestRecorder() as recorder:
        yield recorder


def env_without_endpoint(emulator: Emulator, **extra: str) -> dict[str, str]:
    """The test's environment with no AWS_ENDPOINT_URL: the files alone say where to go."""
    env = command_env(emulator, **extra)
    del env["AWS_ENDPOINT_URL"]
    return env


def assert_logged_in(home: Home, emulator: Emulator, user: EmulatedUser, profile: str) -> None:
    assert sections(home.credentials)[profile]["aws_access_key_id"].startswith("ASIA")
    assert emulator.request_count(user.access_key_id, "GetSessionToken") == 1


def test_exported_aws_profile_of_another_endpoint_never_gets_the_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, elsewhere: RequestRecorder
) -> None:
    """AWS_PROFILE=localstack in the shell, mfa-login --profile p: the signed request with
    the MFA code goes to p's endpoint, never to localstack's."""
    write_long_term(home, "p", aws_user, layout="long-term")
    write_config(
        home,
        f"[profile localstack]\nendpoint_url = {elsewhere.url}\n\n"
        f"[profile p]\nmfa_serial = {aws_user.mfa_serials[0]}\nendpoint_url = {emulator.url}\n",
    )
    code = aws_user.code()

    run = mfa_login(
        emulator,
        "--profile",
        "p",
        "--code",
        code,
        env=env_without_endpoint(emulator, AWS_PROFILE="localstack"),
    )

    assert run.code == 0, run.stderr
    assert elsewhere.requests == []
    assert_logged_in(home, emulator, aws_user, "p")


def endpoint_setting(form: str, name: str, url: str) -> str:
    """Config lines that send profile `name`'s STS and IAM requests to `url`."""
    if form == "endpoint_url":
        return f"endpoint_url = {url}\n"
    return (
        f"services = {name}-services\n\n[services {name}-services]\n"
        f"sts =\n  endpoint_url = {url}\niam =\n  endpoint_url = {url}\n"
    )


@pytest.mark.parametrize("form", ["endpoint_url", "services"])
def test_the_profiles_own_endpoint_is_used_and_defaults_is_not(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, elsewhere: RequestRecorder, form: str
) -> None:
    """[profile p]'s endpoint (endpoint_url, or its services section) takes the login;
    [default]'s is never read for --profile p."""
    write_long_term(home, "p", aws_user, layout="long-term")
    write_config(
        home,
        "[default]\n"
        + endpoint_setting(form, "default", elsewhere.url)
        + f"\n[profile p]\nmfa_serial = {aws_user.mfa_serials[0]}\n"
        + endpoint_setting(form, "p", emulator.url),
    )

    run = mfa_login(
        emulator, "--profile", "p", "--code", aws_user.code(), env=env_without_endpoint(emulator)
    )

    assert run.code == 0, run.stderr
    assert elsewhere.requests == []
    assert_logged_in(home, emulator, aws_user, "p")


def test_the_region_of_default_is_not_used_for_another_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """A region that is no region under [default] would stop a client built from [default]."""
    write_long_term(home, "p", aws_user, layout="long-term")
    write_config(
        home,
        "[default]\nregion = not a region\n\n"
        f"[profile p]\nmfa_serial = {aws_user.mfa_serials[0]}\n",
    )

    run = mfa_login(emulator, "--profile", "p", "--code", aws_user.code())

    assert run.code == 0, run.stderr
    assert_logged_in(home, emulator, aws_user, "p")


def test_aws_default_region_wins_over_the_profiles_region_as_in_botocore(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "p", aws_user, layout="long-term")
    write_config(home, f"[profile p]\nmfa_serial = {aws_user.mfa_serials[0]}\nregion = eu-west-1\n")
    env = command_env(emulator, AWS_DEFAULT_REGION="not a region")

    run = mfa_login(emulator, "--profile", "p", "--code", aws_user.code(), env=env)

    assert run.code == 3, run.stderr
    assert run.stderr == (
        "mfa-login: region 'not a region' is not an AWS region name (such as eu-west-1): "
        "fix AWS_DEFAULT_REGION\n"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0


def test_aws_profile_on_a_first_run_with_only_the_long_term_section_logs_in(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, elsewhere: RequestRecorder
) -> None:
    """aws-mfa's layout, AWS_PROFILE=p and no [p] anywhere yet: botocore would stop with
    ProfileNotFound for p. The client takes no profile's settings, [default]'s neither."""
    home.credentials.write_text(
        f"[p-long-term]\naws_access_key_id = {aws_user.access_key_id}\n"
        f"aws_secret_access_key = {aws_user.secret_access_key}\n"
        f"aws_mfa_device = {aws_user.mfa_serials[0]}\n",
        encoding="utf-8",
    )
    write_config(
        home,
        "[default]\nservices = local\n\n"
        f"[services local]\nsts =\n  endpoint_url = {elsewhere.url}\n",
    )

    run = mfa_login(emulator, "--code", aws_user.code(), env=command_env(emulator, AWS_PROFILE="p"))

    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "p: session valid for" in run.stderr
    assert elsewhere.requests == []
    assert_logged_in(home, emulator, aws_user, "p")


@pytest.mark.parametrize(
    ("variables", "chosen"),
    [
        pytest.param({"AWS_DEFAULT_PROFILE": "p"}, "p", id="AWS_DEFAULT_PROFILE-alone"),
        # botocore reads AWS_DEFAULT_PROFILE first (boto/botocore#1725), so do we.
        pytest.param({"AWS_DEFAULT_PROFILE": "p", "AWS_PROFILE": "other"}, "p", id="both-set"),
        pytest.param(
            {"AWS_DEFAULT_PROFILE": "", "AWS_PROFILE": "p"}, "p", id="empty-default-profile"
        ),
    ],
)
def test_aws_default_profile_picks_the_profile_as_botocore_does(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    variables: dict[str, str],
    chosen: str,
) -> None:
    write_long_term(home, chosen, aws_user, layout="long-term")
    write_config(home, f"[profile {chosen}]\nmfa_serial = {aws_user.mfa_serials[0]}\n")
    env = command_env(emulator, **variables)

    run = mfa_login(emulator, "--code", aws_user.code(), env=env)

    assert run.code == 0, run.stderr
    assert f"{chosen}: session valid for" in run.stderr
    assert_logged_in(home, emulator, aws_user, chosen)
    # The still-valid shortcut chooses by the same rule.
    again = mfa_login(emulator, env=env)
    assert again.code == 0, again.stderr
    assert again.stderr.startswith(f"{chosen}: still valid for")
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
