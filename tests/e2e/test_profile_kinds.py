"""One profile-kind rule for the picker, status, the refusal before a login and doctor: role,
SSO and web identity profiles are never offered or logged into, a login is refused before
any code when AWS tools would not use the session it writes, and the settings botocore
reads only after the credentials file (credential_process, login_session, sso_session
alone) do not stop it."""

from __future__ import annotations

import json

import pexpect
import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import aws_cli, run_captured, shell_env
from tests.e2e.helpers import mfa_login, spawn, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

ROLE_ARN = "arn:aws:iam::123456789012:role/ops"


def kinds_config(user: EmulatedUser) -> str:
    """Two plain profiles, and a role and an SSO profile that also name an MFA device (as
    people configure them for the AWS CLI)."""
    serial = user.mfa_serials[0]
    return (
        f"[profile alpha]\nmfa_serial = {serial}\n\n"
        f"[profile prod]\nrole_arn = {ROLE_ARN}\nsource_profile = work\nmfa_serial = {serial}\n\n"
        f"[profile sso-dev]\nsso_account_id = 123456789012\nsso_role_name = Dev\n"
        f"sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
        f"mfa_serial = {serial}\n\n"
        f"[profile work]\nmfa_serial = {serial}\n"
    )


def test_picker_offers_only_profiles_a_login_can_start_from(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "alpha", aws_user, layout="long-term")
    write_long_term(home, "work", aws_user, layout="long-term")
    write_config(home, kinds_config(aws_user))

    child = spawn(emulator)
    child.expect("Profile to log in")
    child.expect("work")  # sorted: a role or SSO profile offered would come before it
    shown = str(child.before)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert "alpha" in shown
    assert "prod" not in shown
    assert "sso-dev" not in shown


def test_status_leaves_role_and_sso_profiles_out(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "alpha", aws_user, layout="long-term")
    write_long_term(home, "work", aws_user, layout="long-term")
    write_config(home, kinds_config(aws_user))
    run = mfa_login(emulator, "status", "--json")
    assert run.code == 0, run.stderr
    listed = {entry["profile"] for entry in json.loads(run.stdout)}
    assert listed == {"alpha", "work"}


def test_role_profile_is_refused_before_a_code_with_the_ways_in(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "prod", aws_user, layout="profile")
    write_config(home, kinds_config(aws_user))
    before = (home.credentials.read_bytes(), home.config.read_bytes())
    emulator.reset_counts()

    run = mfa_login(emulator, "--profile", "prod", "--code", aws_user.code())
    assert run.code == 6
    assert run.stderr == (
        f"mfa-login: [profile prod] in {home.config} sets role_arn, so AWS tools assume the "
        f"role {ROLE_ARN} with the credentials of work instead of using the credentials in "
        "[prod] of the credentials file; nothing was written or sent to AWS: mfa-login "
        "--profile prod --assume-role (into [prod-role]), or log in its source_profile: "
        "mfa-login --profile work, or write it to another section with --write-profile NAME\n"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert (home.credentials.read_bytes(), home.config.read_bytes()) == before


@pytest.mark.parametrize(
    ("setting", "instead"),
    [
        pytest.param(
            "web_identity_token_file = /var/run/token\nrole_arn = " + ROLE_ARN,
            "AWS tools assume role_arn with the web identity token in that file",
            id="web_identity_token_file",
        ),
        pytest.param(
            "sso_account_id = 123456789012\nsso_role_name = Dev",
            "AWS tools take IAM Identity Center (SSO) credentials (aws sso login)",
            id="sso_account_id",
        ),
        pytest.param(
            "sso_role_name = Dev",
            "AWS tools take IAM Identity Center (SSO) credentials (aws sso login)",
            id="sso_role_name",
        ),
    ],
)
def test_a_setting_botocore_takes_first_stops_the_login_before_the_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, setting: str, instead: str
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n{setting}\n")
    before = (home.credentials.read_bytes(), home.config.read_bytes())
    emulator.reset_counts()
    # No --code and no terminal: asked for one, the login would stop on the empty stdin.
    run = mfa_login(emulator, "--profile", "admin")
    assert run.code == 6, run.stderr
    key = setting.split(" = ", maxsplit=1)[0]
    assert run.stderr == (
        f"mfa-login: [profile admin] in {home.config} sets {key}, so {instead} instead of "
        "using the credentials in [admin] of the credentials file; nothing was written or sent "
        "to AWS: write it to another section with --write-profile NAME\n"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert (home.credentials.read_bytes(), home.config.read_bytes()) == before


@pytest.mark.parametrize(
    "setting",
    [
        "credential_process = /bin/false",
        "login_session = arn:aws:iam::123456789012:user/alice",
        # With the section it names: botocore refuses to make any client without it.
        "sso_session = corp\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/"
        "start\nsso_region = us-east-1",
    ],
    ids=["credential_process", "login_session", "sso_session"],
)
def test_a_setting_botocore_reads_after_the_credentials_file_does_not_stop_the_login(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, setting: str
) -> None:
    """botocore's chain takes the keys of the credentials file's [NAME] before
    login_session and credential_process (ProfileProviderBuilder.providers), and starts SSO
    only with sso_account_id or sso_role_name: the AWS CLI uses the session written."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(
        home,
        f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\nregion = us-east-1\n{setting}\n",
    )
    run = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code())
    assert run.code == 0, run.stderr
    cli = aws_cli(emulator, "--profile", "admin", "sts", "get-caller-identity", "--output", "json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Arn"] == aws_user.arn


def test_login_says_when_exported_keys_would_be_used_instead(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """After a login: one line, with the fix, when this shell's variables make AWS tools
    take something other than the session just written."""
    other = emulator.create_user("kinds-exported")
    write_long_term(home, "admin", aws_user, layout="long-term")
    env = shell_env(
        emulator,
        AWS_ACCESS_KEY_ID=other.access_key_id,
        AWS_SECRET_ACCESS_KEY=other.secret_access_key,
    )
    done = run_captured(
        ["mfa-login", "--profile", "admin", "--device", aws_user.mfa_serials[0]],
        env,
        stdin=aws_user.code() + "\n",
    )
    assert done.returncode == 0, done.stderr
    masked = f"{other.access_key_id[:4]}…{other.access_key_id[-4:]}"
    assert (
        f"mfa-login: AWS tools in this shell take AWS_ACCESS_KEY_ID ({masked}) from the "
        "environment, not the session in [admin]: unset AWS_ACCESS_KEY_ID "
        "AWS_SECRET_ACCESS_KEY, or run them with --profile admin"
    ) in done.stderr.splitlines()
    assert other.secret_access_key not in done.stderr
    assert aws_user.secret_access_key not in done.stderr


def test_login_says_when_aws_default_profile_names_another_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    env = shell_env(emulator, AWS_DEFAULT_PROFILE="old", AWS_PROFILE="admin")
    done = run_captured(
        ["mfa-login", "--device", aws_user.mfa_serials[0], "--profile", "admin"],
        env,
        stdin=aws_user.code() + "\n",
    )
    assert done.returncode == 0, done.stderr
    assert (
        "mfa-login: AWS_DEFAULT_PROFILE=old takes precedence over AWS_PROFILE=admin in the AWS "
        "CLI and boto3: unset AWS_DEFAULT_PROFILE, or run them with --profile admin"
    ) in done.stderr.splitlines()


START = "sso_start_url = https://example.awsapps.com/start"


@pytest.mark.parametrize(
    ("sections", "problem"),
    [
        pytest.param("", "{config} has no [sso-session corp] section", id="no-section"),
        pytest.param(
            "\n[sso-session corp]\n", "{config} has no [sso-session corp] section", id="empty"
        ),
        pytest.param(
            f"\n[sso-session corp]\n{START}\n",
            "[sso-session corp] in {config} does not set sso_region",
            id="no-sso-region",
        ),
    ],
)
def test_sso_session_without_its_section_stops_the_login_before_a_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, sections: str, problem: str
) -> None:
    """botocore builds no client for such a profile (InvalidConfigError): the login used to
    fail with the SDK's setup error (exit 5). Now it names the profile, the section and the
    way out before it reads a code (none is given: stdin is empty)."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(
        home,
        f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\nsso_session = corp\n{sections}",
    )
    before = (home.credentials.read_bytes(), home.config.read_bytes())
    emulator.reset_counts()

    run = mfa_login(emulator, "--profile", "admin")
    assert run.code == 6, run.stderr
    assert run.stderr == (
        "mfa-login: profile admin sets sso_session = corp in [profile admin], but "
        f"{problem.format(config=home.config)}: the AWS CLI and boto3 (botocore) refuse every "
        "request for admin; nothing was written or sent to AWS: add the [sso-session corp] "
        "section with sso_start_url and sso_region to the config file, or remove the "
        "sso_session line from [profile admin]\n"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert (home.credentials.read_bytes(), home.config.read_bytes()) == before

    # What the rule follows: the AWS CLI itself refuses the profile, whatever its keys.
    cli = aws_cli(emulator, "--profile", "admin", "sts", "get-caller-identity")
    assert cli.returncode != 0
    assert 'The profile "admin" is configured to use the SSO token provider' in cli.stderr


def test_picker_with_only_role_and_sso_profiles_says_how_to_log_into_them(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Before, the picker found nothing to offer and the login went on with [default],
    failing with that profile's words. Now one line says how each role and SSO profile is
    used; nothing is asked, sent or written."""
    serial = aws_user.mfa_serials[0]
    write_config(
        home,
        f"[profile prod]\nrole_arn = {ROLE_ARN}\nsource_profile = work\nmfa_serial = {serial}\n\n"
        "[profile sso-dev]\nsso_account_id = 123456789012\nsso_role_name = Dev\n"
        "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
    )
    before = home.config.read_bytes()
    emulator.reset_counts()

    child = spawn(emulator)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    assert str(child.before).replace("\r\n", "\n") == (
        "mfa-login: no profile can be logged into with an MFA code here (prod is a role "
        "profile: mfa-login --profile prod --assume-role (into [prod-role]), or log in its "
        "source_profile: "
        "mfa-login --profile work; sso-dev is an SSO profile: aws sso login --profile sso-dev, "
        "not mfa-login); or give one a long-term key: mfa-login setup --profile NAME\n"
    )
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.config.read_bytes() == before
    assert not home.credentials.exists()


# --- the advice as a command a shell runs --------------------------------------------------

SPACED_ROLE = (
    f'[profile "prod eu"]\nrole_arn = {ROLE_ARN}\nsource_profile = dev team\n'
    "mfa_serial = arn:aws:iam::123456789012:mfa/me\n\n"
)


def commands_in(text: str) -> list[list[str]]:
    """Each `mfa-login ...` command in `text`, read back as a shell reads it (up to the next
    comma, semicolon, parenthesis or line end)."""
    import re
    import shlex

    found = re.findall(r"(mfa-login (?:'[^']*'|[^,;()\n'])*)", text)
    return [shlex.split(command) for command in found]


def test_role_ways_for_a_name_with_a_space_are_commands_a_shell_runs(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """The refusal before a login of a role profile printed `mfa-login --profile dev team`
    for a source_profile named "dev team": a shell runs that as profile "dev". Each printed
    command now quotes the names."""
    write_long_term(home, "prod eu", aws_user, layout="profile")
    write_config(home, SPACED_ROLE)
    before = (home.credentials.read_bytes(), home.config.read_bytes())

    run = mfa_login(emulator, "--profile", "prod eu", "--code", aws_user.code())

    assert run.code == 6, run.stderr
    assert (
        "mfa-login --profile 'prod eu' --assume-role (into [prod eu-role]), or log in its "
        "source_profile: mfa-login --profile 'dev team', or write it to another section"
    ) in run.stderr
    assert commands_in(run.stderr) == [
        ["mfa-login", "--profile", "prod eu", "--assume-role"],
        ["mfa-login", "--profile", "dev team"],
    ]
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert (home.credentials.read_bytes(), home.config.read_bytes()) == before


def test_picker_ways_in_quote_a_name_with_a_space(home: Home, emulator: Emulator) -> None:
    """With only role and SSO profiles, the login says how each is used: `way_in` printed the
    names bare, so `mfa-login --profile prod eu --assume-role` and `aws sso login --profile
    sso dev` ran for other profiles. It takes the names quoted, as doctor prints them."""
    write_config(
        home,
        SPACED_ROLE + '[profile "sso dev"]\nsso_account_id = 123456789012\n'
        "sso_role_name = Dev\nsso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n",
    )
    before = home.config.read_bytes()

    child = spawn(emulator)
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 3
    said = str(child.before).replace("\r\n", "\n")
    assert (
        "(prod eu is a role profile: mfa-login --profile 'prod eu' --assume-role (into "
        "[prod eu-role]), or log in its source_profile: mfa-login --profile 'dev team'; sso dev "
        "is an SSO profile: aws sso login --profile 'sso dev', not mfa-login)"
    ) in said, said
    assert commands_in(said) == [
        ["mfa-login", "--profile", "prod eu", "--assume-role"],
        ["mfa-login", "--profile", "dev team"],
        ["mfa-login", "setup", "--profile", "NAME"],
    ]
    assert home.config.read_bytes() == before
    assert not home.credentials.exists()
