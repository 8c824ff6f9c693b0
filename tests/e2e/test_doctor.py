"""`mfa-login doctor` through the installed command against the emulator: for each cause of
"The security token included in the request is invalid" (and its cousins), the exit code,
the line that names the cause and its fix, no secret in the output, and every file under
HOME byte-identical (doctor never writes)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import configured, logged_in, write_session
from tests.e2e.helpers import Run, command_env, mfa_login, write_config
from tests.e2e.test_keyring_keys import keyring_env
from tests.emulator import EmulatedUser, Emulator
from tests.keyring_backends import KeyringFile

pytestmark = pytest.mark.e2e

PROBLEMS_FOUND = 14


def masked(key_id: str) -> str:
    """A key id as the issue asks doctor to show it: AKIA…WXYZ (written here, not imported,
    so the product cannot agree with itself by mistake)."""
    return f"{key_id[:4]}…{key_id[-4:]}"


def every_file(home: Home) -> dict[str, bytes]:
    return {
        str(path.relative_to(home.root)): path.read_bytes()
        for path in sorted(home.root.rglob("*"))
        if path.is_file()
    }


def section_value(home: Home, section: str, key: str) -> str:
    lines = home.credentials.read_text(encoding="utf-8").splitlines()
    inside = False
    for line in lines:
        if line.startswith("["):
            inside = line.strip() == f"[{section}]"
        elif inside and line.split("=")[0].strip() == key:
            return line.split("=", 1)[1].strip()
    raise AssertionError(f"no {key} in [{section}]")


@pytest.fixture
def secrets(home: Home, emulator: Emulator, aws_user: EmulatedUser) -> list[str]:
    """A profile logged in as mfa-login leaves it; every secret that must never be shown."""
    configured(home, aws_user)
    logged_in(emulator, aws_user)
    return [
        aws_user.secret_access_key,
        section_value(home, "admin", "aws_secret_access_key"),
        section_value(home, "admin", "aws_session_token"),
        aws_user.seed(),
    ]


@pytest.fixture(autouse=True)
def aws_clock_back(emulator: Emulator) -> Iterator[None]:
    yield
    emulator.set_aws_clock_offset(0)


def doctor(
    home: Home, emulator: Emulator, secrets: list[str], *args: str, **env: str
) -> tuple[Run, list[str]]:
    """Run doctor; assert it wrote nothing and printed no secret; its stdout lines."""
    before = every_file(home)
    run = mfa_login(emulator, "doctor", *args, env=command_env(emulator, **env))
    assert every_file(home) == before, "doctor changed a file"
    for secret in secrets:
        assert secret not in run.stdout + run.stderr, "a secret reached the output"
    return run, run.stdout.splitlines()


def keyring_variables(env: dict[str, str]) -> dict[str, str]:
    """The variables of a keyring_env that choose the test keyring backend, for doctor()."""
    return {name: env[name] for name in ("PYTHON_KEYRING_BACKEND", "PYTHONPATH")}


def line_of(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.startswith(start)]
    assert len(found) == 1, "\n".join(lines)
    return found[0]


# --- all well, --offline, --json ------------------------------------------------------------


def test_doctor_of_a_fresh_session_exits_0_and_sends_no_code(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    emulator.reset_counts()
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == 0, run.stdout
    session = section_value(home, "admin", "aws_access_key_id")
    assert line_of(lines, "ok       aws-credentials:") == (
        f"ok       aws-credentials: AWS accepts {masked(session)} ([admin]): {aws_user.arn}"
    )
    assert line_of(lines, "ok       aws-long-term-key:") == (
        f"ok       aws-long-term-key: AWS accepts {masked(aws_user.access_key_id)} "
        f"([admin-long-term]): {aws_user.arn}"
    )
    assert lines[-1] == "mfa-login doctor: admin: no problems, no notes"
    # One GetCallerIdentity with each, never a code.
    assert emulator.request_count(session, "GetCallerIdentity") == 1
    assert emulator.request_count(aws_user.access_key_id, "GetCallerIdentity") == 1
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 0


def test_doctor_offline_asks_aws_nothing(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    emulator.reset_counts()
    run, lines = doctor(home, emulator, secrets, "--profile", "admin", "--offline")
    assert run.code == 0, run.stdout
    assert "note     aws-credentials: not asked: --offline" in lines
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert emulator.request_count(section_value(home, "admin", "aws_access_key_id")) == 0


def test_doctor_json_lists_each_check_and_the_problem_count(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    emulator.deactivate_key(aws_user)
    run, _ = doctor(home, emulator, secrets, "--profile", "admin", "--json")
    assert run.code == PROBLEMS_FOUND
    document = json.loads(run.stdout)
    assert (document["profile"], document["chosen_by"], document["problems"]) == (
        "admin",
        "--profile",
        1,
    )
    refused = [c for c in document["checks"] if c["level"] == "problem"]
    assert [c["check"] for c in refused] == ["aws-long-term-key"]
    assert "InvalidClientTokenId" in refused[0]["message"]
    assert "aws iam list-access-keys" in refused[0]["fix"]


def test_doctor_takes_the_profile_aws_tools_in_this_shell_take(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    run, lines = doctor(home, emulator, secrets, AWS_PROFILE="admin")
    assert run.code == 0, run.stdout
    assert lines[0].startswith("ok       profile: profile admin (named by AWS_PROFILE): [admin]")


# --- the environment ------------------------------------------------------------------------


def test_exported_keys_win_over_aws_profile_but_not_over_an_explicit_profile(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    other = emulator.create_user("doctor-exported")
    exported = {
        "AWS_ACCESS_KEY_ID": other.access_key_id,
        "AWS_SECRET_ACCESS_KEY": other.secret_access_key,
    }
    secrets = [*secrets, other.secret_access_key]
    run, lines = doctor(home, emulator, secrets, AWS_PROFILE="admin", **exported)
    assert run.code == PROBLEMS_FOUND
    line = line_of(lines, "problem  environment:")
    assert line.startswith(
        f"problem  environment: AWS tools here take the exported AWS_ACCESS_KEY_ID "
        f"({masked(other.access_key_id)}) before every profile (AWS_PROFILE too)"
    ), line
    assert line.endswith(
        "to fix: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY, or run AWS tools with "
        "--profile admin"
    ), line
    # The JS SDK v3 differs: said in the same line.
    assert "the JS SDK v3 skips them while AWS_PROFILE is set" in line
    # Both accepted, by different users: said, since a tool here acts as the other one.
    assert (
        f"note     aws-long-term-key: the credentials in use belong to {other.arn}, the "
        f"long-term key to {aws_user.arn}"
    ) in lines

    explicit, lines = doctor(home, emulator, secrets, "--profile", "admin", **exported)
    assert explicit.code == 0, explicit.stdout
    assert line_of(lines, "note     environment:").startswith(
        f"note     environment: AWS_ACCESS_KEY_ID ({masked(other.access_key_id)}) is exported: "
        "AWS tools use it only when run without --profile"
    )


def test_half_a_key_pair_exported(home: Home, emulator: Emulator, secrets: list[str]) -> None:
    run, lines = doctor(
        home, emulator, secrets, AWS_PROFILE="admin", AWS_ACCESS_KEY_ID="AKIAHALFAPAIRONLY123"
    )
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  environment:") == (
        "problem  environment: AWS_ACCESS_KEY_ID (AKIA…Y123) is set without "
        "AWS_SECRET_ACCESS_KEY: the AWS CLI and boto3 stop with 'Partial credentials found in "
        "env' (aws-sdk-go-v2 and the JS SDK v3 ignore half a pair); to fix: unset "
        "AWS_ACCESS_KEY_ID, or export its AWS_SECRET_ACCESS_KEY"
    )


@pytest.mark.parametrize("variable", ["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"])
def test_token_left_beside_an_exported_long_term_key(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str], variable: str
) -> None:
    """The switch back from a session to the long-term key, with the token left behind: AWS
    (the emulator, as AWS does) refuses the pair, and doctor says which variable to unset."""
    stale = "FwoGZXIvYXdzEleftover-token"
    run, lines = doctor(
        home,
        emulator,
        [*secrets, stale],
        AWS_ACCESS_KEY_ID=aws_user.access_key_id,
        AWS_SECRET_ACCESS_KEY=aws_user.secret_access_key,
        **{variable: stale},
    )
    assert run.code == PROBLEMS_FOUND
    env_lines = [line for line in lines if line.startswith("problem  environment:")]
    assert (
        f"problem  environment: {variable} is set beside the long-term key "
        f"{masked(aws_user.access_key_id)} in AWS_ACCESS_KEY_ID (left from another session?): "
        "AWS answers 'The security token included in the request is invalid'; to fix: unset "
        f"{variable}"
    ) in env_lines
    assert line_of(lines, "problem  aws-credentials:") == (
        f"problem  aws-credentials: AWS refused {masked(aws_user.access_key_id)} "
        "(AWS_ACCESS_KEY_ID): a session token was sent with the long-term key, and AWS refuses "
        "that pair (InvalidClientTokenId); to fix: unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN"
    )


def test_exported_session_key_without_its_token(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    session = section_value(home, "admin", "aws_access_key_id")
    run, lines = doctor(
        home,
        emulator,
        secrets,
        AWS_ACCESS_KEY_ID=session,
        AWS_SECRET_ACCESS_KEY=section_value(home, "admin", "aws_secret_access_key"),
    )
    assert run.code == PROBLEMS_FOUND
    assert (
        f"problem  environment: the session key {masked(session)} in AWS_ACCESS_KEY_ID has no "
        "AWS_SESSION_TOKEN"
    ) in run.stdout
    assert line_of(lines, "problem  aws-credentials:").startswith(
        f"problem  aws-credentials: AWS refused {masked(session)} (AWS_ACCESS_KEY_ID): a session "
        "key needs its session token (InvalidClientTokenId)"
    )


def test_security_token_of_another_session_is_read_first(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    stale = "FwoGZXIvYXdzEanother-session"
    run, lines = doctor(
        home,
        emulator,
        [*secrets, stale],
        AWS_PROFILE="admin",
        AWS_ACCESS_KEY_ID=section_value(home, "admin", "aws_access_key_id"),
        AWS_SECRET_ACCESS_KEY=section_value(home, "admin", "aws_secret_access_key"),
        AWS_SESSION_TOKEN=section_value(home, "admin", "aws_session_token"),
        AWS_SECURITY_TOKEN=stale,
    )
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  environment:").startswith(
        "problem  environment: AWS_SECURITY_TOKEN differs from AWS_SESSION_TOKEN: the AWS CLI "
        "and boto3 read AWS_SECURITY_TOKEN first"
    )
    assert line_of(lines, "problem  aws-credentials:").endswith(
        "the session token does not belong to this key (another session's token?) "
        "(InvalidClientTokenId); to fix: "
        'eval "$(mfa-login export --profile admin)", or unset AWS_ACCESS_KEY_ID '
        "AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION"
    )


def test_exported_credential_expiration_in_the_past(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    run, lines = doctor(
        home,
        emulator,
        secrets,
        AWS_PROFILE="admin",
        AWS_ACCESS_KEY_ID=section_value(home, "admin", "aws_access_key_id"),
        AWS_SECRET_ACCESS_KEY=section_value(home, "admin", "aws_secret_access_key"),
        AWS_SESSION_TOKEN=section_value(home, "admin", "aws_session_token"),
        AWS_CREDENTIAL_EXPIRATION="2020-01-01T00:00:00Z",
    )
    assert run.code == PROBLEMS_FOUND
    line = line_of(lines, "problem  environment:")
    assert line.startswith(
        "problem  environment: AWS_CREDENTIAL_EXPIRATION says the exported credentials expired"
    ), line
    assert 'to fix: eval "$(mfa-login export --profile admin)"' in line


def test_aws_profile_and_aws_default_profile_name_different_profiles(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    run, lines = doctor(home, emulator, secrets, AWS_DEFAULT_PROFILE="admin", AWS_PROFILE="other")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  environment:") == (
        "problem  environment: AWS_DEFAULT_PROFILE=admin and AWS_PROFILE=other name different "
        "profiles: the AWS CLI and boto3 take admin, aws-sdk-go-v2 (Terraform) and the JS SDK "
        "v3 take other; to fix: unset one of them, or set both to the same profile"
    )


# --- the profile and its files -------------------------------------------------------------


def test_profile_in_neither_file(home: Home, emulator: Emulator, secrets: list[str]) -> None:
    run, lines = doctor(home, emulator, secrets, "--profile", "admn")
    assert run.code == PROBLEMS_FOUND
    line = line_of(lines, "problem  profile:")
    assert "is in neither" in line
    assert "AWS tools stop with 'The config profile could not be found'" in line
    assert line.endswith("to fix: check the name: the files define admin, admin-long-term"), line


def test_section_header_written_the_other_files_way(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    with home.config.open("a", encoding="utf-8") as handle:
        handle.write("\n[ops]\nregion = eu-west-1\n")
    run, lines = doctor(home, emulator, secrets, "--profile", "ops", "--offline")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  section-names:") == (
        "problem  section-names: the config file has [ops], which AWS tools ignore (the config "
        f"file names profiles [profile ops]); to fix: rename it [profile ops] in {home.config}"
    )


def test_role_arn_in_the_config_takes_precedence_over_the_session(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    write_config(
        home,
        f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\nregion = us-east-1\n"
        "role_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\n",
    )
    run, lines = doctor(home, emulator, secrets, "--profile", "admin", "--offline")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  config:") == (
        "problem  config: [profile admin] sets role_arn: AWS tools assume the role "
        "arn:aws:iam::123456789012:role/ops with the credentials of base, not the credentials "
        "in [admin] of the credentials file; to fix: mfa-login --profile admin --assume-role "
        "(into [admin-role]), or log in its source_profile: mfa-login --profile base"
    )


def test_legacy_security_token_in_the_file_is_read_first(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    text = home.credentials.read_text(encoding="utf-8")
    home.credentials.write_text(
        text.replace("[admin]\n", "[admin]\naws_security_token = stale-legacy-token\n", 1),
        encoding="utf-8",
    )
    run, lines = doctor(home, emulator, [*secrets, "stale-legacy-token"], "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  legacy-keys:").endswith(
        "holds aws_security_token beside aws_session_token, and they differ: the AWS CLI and "
        "boto3 read aws_security_token first, aws-sdk-go-v2 and the JS SDK v3 only "
        "aws_session_token; to fix: remove the aws_security_token line"
    )
    # And AWS refuses what botocore sends: the key with the legacy token.
    assert "the session token does not belong to this key" in line_of(
        lines, "problem  aws-credentials:"
    )


def test_session_token_left_beside_a_long_term_key_in_the_file(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    home.credentials.write_text(
        f"[admin]\naws_access_key_id = {aws_user.access_key_id}\n"
        f"aws_secret_access_key = {aws_user.secret_access_key}\n"
        "aws_session_token = left-from-a-session\n",
        encoding="utf-8",
    )
    secrets = [aws_user.secret_access_key, "left-from-a-session"]
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  credentials:") == (
        "problem  credentials: [admin] holds aws_session_token beside the long-term key "
        f"{masked(aws_user.access_key_id)} (left from a session?): AWS answers 'The security "
        "token included in the request is invalid'; to fix: remove the aws_session_token line "
        "from [admin]"
    )
    assert "AWS refuses that pair (InvalidClientTokenId)" in line_of(
        lines, "problem  aws-credentials:"
    )


# --- the session in the file -------------------------------------------------------------


def test_session_expired_by_the_file(home: Home, emulator: Emulator) -> None:
    from datetime import timedelta

    write_session(home, "admin", timedelta(minutes=-5))
    run, lines = doctor(home, emulator, ["session-secret", "session-token"], "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    line = line_of(lines, "problem  credentials:")
    assert line.startswith("problem  credentials: the session ASIA…0000 in [admin] expired at")
    assert line.endswith("to fix: mfa-login --profile admin"), line


def write_stored_session(home: Home, *lines: str) -> None:
    """[admin] holding a session (with its long-term sibling) and the given expiry lines."""
    home.credentials.write_text(
        "[admin-long-term]\naws_access_key_id = AKIAEXAMPLEADMIN0000\n"
        "aws_secret_access_key = long-term-secret\n\n"
        "[admin]\naws_access_key_id = ASIAEXAMPLE0000000000\n"
        "aws_secret_access_key = session-secret\naws_session_token = session-token\n"
        + "".join(f"{line}\n" for line in lines),
        encoding="utf-8",
    )


NO_VALID_SESSION = 11


def status_code(emulator: Emulator, **env: str) -> int:
    return mfa_login(
        emulator, "status", "--profile", "admin", env=command_env(emulator, **env)
    ).code


def test_awsume_session_is_read_in_local_time_as_the_login_reads_it(
    home: Home, emulator: Emulator
) -> None:
    """awsume writes `expiration` in the machine's local time (manager = awsume): doctor
    read it as UTC and called a session valid for two more hours expired."""
    from datetime import datetime, timedelta, timezone

    west = timezone(timedelta(hours=-5))  # TZ=UTC+5 in POSIX spelling
    end = (datetime.now(timezone.utc) + timedelta(hours=2)).astimezone(west)
    write_stored_session(home, f"expiration = {end:%Y-%m-%d %H:%M:%S}", "manager = awsume")
    run, lines = doctor(
        home,
        emulator,
        ["session-secret", "session-token"],
        "--profile",
        "admin",
        "--offline",
        TZ="UTC+5",
    )
    assert run.code == 0, run.stdout
    line = line_of(lines, "ok       credentials:")
    assert line.startswith("ok       credentials: [admin] holds the session ASIA…0000, valid until")
    assert "(2h00m left)" in line or "(1h59m left)" in line, line
    assert status_code(emulator, TZ="UTC+5") == 0


def test_earlier_of_expiration_and_x_security_token_expires_counts(
    home: Home, emulator: Emulator
) -> None:
    """Both keys hold a time and they differ: the login takes the earlier one; doctor took
    `expiration` and called an expired session valid."""
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    write_stored_session(
        home,
        f"expiration = {now + timedelta(hours=8):%Y-%m-%dT%H:%M:%SZ}",
        f"x_security_token_expires = {now - timedelta(minutes=5):%Y-%m-%dT%H:%M:%S+00:00}",
    )
    run, lines = doctor(
        home, emulator, ["session-secret", "session-token"], "--profile", "admin", "--offline"
    )
    assert run.code == PROBLEMS_FOUND, run.stdout
    line = line_of(lines, "problem  credentials:")
    assert line.startswith("problem  credentials: the session ASIA…0000 in [admin] expired at")
    assert line.endswith("to fix: mfa-login --profile admin"), line
    assert status_code(emulator) == NO_VALID_SESSION


def test_expiration_further_ahead_than_any_aws_session_is_no_session(
    home: Home, emulator: Emulator
) -> None:
    """An expiration 48 hours ahead was not written as AWS answered (36 h 15 min at most):
    the login counts no session there and logs in again; doctor called it valid."""
    from datetime import datetime, timedelta, timezone

    end = datetime.now(timezone.utc) + timedelta(hours=48)
    write_stored_session(home, f"expiration = {end:%Y-%m-%dT%H:%M:%SZ}")
    run, lines = doctor(
        home, emulator, ["session-secret", "session-token"], "--profile", "admin", "--offline"
    )
    assert run.code == 0, run.stdout
    line = line_of(lines, "note     credentials:")
    start = "note     credentials: [admin] holds the session ASIA…0000 with an expiration ("
    assert line.startswith(start), line
    assert line.endswith(
        "further ahead than any AWS session lasts: mfa-login does not trust it, and the next "
        "login replaces it (mfa-login --profile admin)"
    ), line
    assert not any(line.startswith("ok       credentials:") for line in lines)
    assert status_code(emulator) == NO_VALID_SESSION


def test_session_expired_by_aws_clock(home: Home, emulator: Emulator, secrets: list[str]) -> None:
    session = section_value(home, "admin", "aws_access_key_id")
    emulator.expire_session(session)
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  aws-credentials:") == (
        f"problem  aws-credentials: AWS says the session {masked(session)} ([admin]) has "
        "expired (ExpiredToken); to fix: mfa-login --profile admin --force"
    )


# --- AWS's answers about the long-term key ---------------------------------------------------


@pytest.mark.parametrize("how", ["inactive", "deleted"])
def test_inactive_or_deleted_key_while_its_session_still_works(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str], how: str
) -> None:
    if how == "inactive":
        emulator.deactivate_key(aws_user)
    else:
        emulator.delete_key(aws_user)
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  aws-long-term-key:") == (
        f"problem  aws-long-term-key: AWS does not know {masked(aws_user.access_key_id)} "
        "([admin-long-term]) as an active key (InvalidClientTokenId): it was made inactive or "
        "deleted in IAM, is mistyped, or belongs to another partition (a China or GovCloud key "
        "works only with a region there); to fix: check its status in the IAM console (Users "
        "> the user > Security credentials > Access keys) or with aws iam list-access-keys, "
        "then put a working key under [admin-long-term] (or mfa-login setup --profile admin)"
    )
    assert line_of(lines, "note     aws-long-term-key:").startswith(
        "note     aws-long-term-key: the credentials in use still work: AWS does not end a "
        "session when its key is made inactive or deleted"
    )


def test_unknown_or_other_partition_key(home: Home, emulator: Emulator) -> None:
    """AWS answers a key of another partition (aws-cn, aws-us-gov) as an unknown one."""
    home.credentials.write_text(
        "[admin-long-term]\naws_access_key_id = AKIAUNKNOWNKEY000001\n"
        "aws_secret_access_key = not-a-real-secret\n",
        encoding="utf-8",
    )
    run, lines = doctor(home, emulator, ["not-a-real-secret"], "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    line = line_of(lines, "problem  aws-long-term-key:")
    assert line.startswith(
        "problem  aws-long-term-key: AWS does not know AKIA…0001 ([admin-long-term]) as an "
        "active key (InvalidClientTokenId)"
    ), line
    assert "belongs to another partition" in line


def test_device_named_only_in_the_long_term_section_sets_the_partition_asked(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """A GovCloud device named only as aws_mfa_device in [admin-long-term] (aws-mfa's
    layout), no region: the login asks us-gov-west-1, and doctor asked us-east-1 because it
    read the partition from mfa_serial alone."""
    home.credentials.write_text(
        f"[admin-long-term]\naws_access_key_id = {aws_user.access_key_id}\n"
        f"aws_secret_access_key = {aws_user.secret_access_key}\n"
        "aws_mfa_device = arn:aws-us-gov:iam::123456789012:mfa/admin\n",
        encoding="utf-8",
    )
    write_config(home, "[profile admin]\nduration_seconds = 3600\n")
    key = aws_user.access_key_id

    run, lines = doctor(home, emulator, [aws_user.secret_access_key], "--profile", "admin")

    assert line_of(lines, "ok       aws-long-term-key:").startswith(
        f"ok       aws-long-term-key: AWS accepts {masked(key)} ([admin-long-term])"
    )
    assert emulator.request_count(key, "GetCallerIdentity", "us-gov-west-1") == 1
    assert emulator.request_count(key, "GetCallerIdentity") == 1
    assert run.code == PROBLEMS_FOUND  # [admin] holds no session yet


def test_wrong_secret_of_the_long_term_key(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    text = home.credentials.read_text(encoding="utf-8")
    home.credentials.write_text(
        text.replace(aws_user.secret_access_key, "wrong" + aws_user.secret_access_key[5:]),
        encoding="utf-8",
    )
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  aws-long-term-key:").startswith(
        f"problem  aws-long-term-key: AWS refused the signature of "
        f"{masked(aws_user.access_key_id)} ([admin-long-term]): the secret stored with it is "
        "wrong (SignatureDoesNotMatch)"
    )


# --- the clock and the network --------------------------------------------------------------


def test_clock_off_by_minutes_is_read_from_the_date_header(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    emulator.set_aws_clock_offset(600)
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  clock:") == (
        "problem  clock: this machine's clock is 10 min behind AWS's (the Date of its answer): "
        "AWS refuses requests past 15 minutes, and sessions end earlier or later than shown; "
        "to fix: set the right time (NTP)"
    )


def test_clock_off_by_more_than_aws_accepts(
    home: Home, emulator: Emulator, secrets: list[str]
) -> None:
    emulator.set_aws_clock_offset(-1800)
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    line = line_of(lines, "problem  clock:")
    assert line.startswith("problem  clock: AWS refused "), line
    assert line.endswith("to fix: set the right time (NTP)"), line


def test_no_network(home: Home, emulator: Emulator, secrets: list[str]) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    run, lines = doctor(
        home, emulator, secrets, "--profile", "admin", AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}"
    )
    assert run.code == PROBLEMS_FOUND
    line = line_of(lines, "problem  aws-credentials:")
    assert line.startswith("problem  aws-credentials: AWS could not be asked about"), line
    assert line.endswith(
        "to fix: check the network, proxy or VPN (mfa-login doctor --offline checks the rest)"
    ), line


def test_doctor_help_is_listed_and_flags_are_not_abbreviated(emulator: Emulator) -> None:
    listed = mfa_login(emulator, "--help")
    assert "\n  doctor " in listed.stdout
    abbreviated = mfa_login(emulator, "doctor", "--off")
    assert abbreviated.code == 2
    assert "unrecognized arguments: --off" in abbreviated.stderr


# --- the long-term key from the OS keyring ---------------------------------------------------


def test_long_term_key_is_checked_where_the_login_takes_it_from_the_keyring(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    configured(home, aws_user)
    env = keyring_env(emulator)
    moved = mfa_login(emulator, "setup", "--profile", "admin", "--code", aws_user.code(), env=env)
    assert moved.code == 0, moved.stderr
    assert len(disk_keyring) == 1
    assert aws_user.secret_access_key not in home.credentials.read_text(encoding="utf-8")
    secrets = [aws_user.secret_access_key, aws_user.seed()]
    keyring = keyring_variables(env)
    shown = masked(aws_user.access_key_id)

    run, lines = doctor(home, emulator, secrets, "--profile", "admin", **keyring)
    assert run.code == 0, run.stdout
    assert (
        f"ok       long-term-key: the long-term key {shown} of admin is in the OS keyring"
    ) in lines
    assert (
        f"ok       aws-long-term-key: AWS accepts {shown} (the OS keyring): {aws_user.arn}"
    ) in lines

    emulator.deactivate_key(aws_user)
    run, lines = doctor(home, emulator, secrets, "--profile", "admin", **keyring)
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  aws-long-term-key:").endswith(
        "then mfa-login setup --profile admin"
    )

    # A keyring that stays locked: the key the state file says went there is out of reach.
    locked = {**keyring, "PYTHON_KEYRING_BACKEND": "tests.keyring_backends.LockedKeyring"}
    run, lines = doctor(home, emulator, secrets, "--profile", "admin", "--offline", **locked)
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  long-term-key:").startswith(
        f"problem  long-term-key: the long-term key {shown} of admin went into the OS keyring, "
        "which cannot be read here; to fix: "
    )


def test_keyring_item_of_the_old_name_is_found_where_the_login_finds_it(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, disk_keyring: KeyringFile
) -> None:
    """An item an earlier version wrote (username = the profile alone), no key in the file:
    the login takes that item (and renames it); doctor looked only under the new name and
    said "no long-term key". doctor finds it and leaves it where it is."""
    from mfa_session.adapters.keyring import SERVICE

    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n")
    disk_keyring[(SERVICE, "admin")] = json.dumps(
        {
            "aws_access_key_id": aws_user.access_key_id,
            "aws_secret_access_key": aws_user.secret_access_key,
        }
    )
    keyring = keyring_variables(keyring_env(emulator))
    shown = masked(aws_user.access_key_id)

    run, lines = doctor(
        home, emulator, [aws_user.secret_access_key], "--profile", "admin", **keyring
    )

    assert line_of(lines, "ok       long-term-key:") == (
        f"ok       long-term-key: the long-term key {shown} of admin is in the OS keyring"
    )
    assert line_of(lines, "ok       aws-long-term-key:") == (
        f"ok       aws-long-term-key: AWS accepts {shown} (the OS keyring): {aws_user.arn}"
    )
    assert not any(line.startswith("problem  long-term-key:") for line in lines)
    assert list(disk_keyring) == [(SERVICE, "admin")]  # not renamed: doctor never writes
    # [admin] holds no session yet: that is the one problem.
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  credentials:").startswith(
        "problem  credentials: [admin] holds no credentials"
    )


@pytest.mark.parametrize(
    ("backend", "cause"),
    [
        (
            "LockedKeyring",
            "the OS keyring is locked (backend tests.keyring_backends.LockedKeyring): unlock it "
            "(log in to the desktop, or run gnome-keyring-daemon --unlock)",
        ),
        (
            "BrokenKeyring",
            "the OS keyring failed (backend tests.keyring_backends.BrokenKeyring: RuntimeError: "
            "org.freedesktop.DBus.Error.ServiceUnknown): check that its Secret Service is "
            "running and unlocked",
        ),
    ],
    ids=["locked", "failing"],
)
def test_keyring_that_cannot_be_read_while_the_file_holds_the_key_is_a_note(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    secrets: list[str],
    backend: str,
    cause: str,
) -> None:
    """The key never went into the keyring and is still in [admin-long-term]: the next login
    takes it there, so a keyring that cannot be read is a note, and AWS is asked with the
    file's key."""
    env = keyring_env(emulator, f"tests.keyring_backends.{backend}")
    keyring = keyring_variables(env)
    run, lines = doctor(home, emulator, secrets, "--profile", "admin", **keyring)
    assert run.code == 0, run.stdout
    assert line_of(lines, "note     long-term-key:") == (
        f"note     long-term-key: the OS keyring cannot be read ({cause}, or keep the key in "
        "the credentials file with mfa-login --no-keyring); the login takes the long-term key "
        f"{masked(aws_user.access_key_id)} in [admin-long-term]"
    )
    assert line_of(lines, "ok       aws-long-term-key:") == (
        f"ok       aws-long-term-key: AWS accepts {masked(aws_user.access_key_id)} "
        f"([admin-long-term]): {aws_user.arn}"
    )
    assert lines[-1] == "mfa-login doctor: admin: no problems, 1 note"


def test_session_about_to_expire_is_a_note_with_the_command_that_renews_it(
    home: Home, emulator: Emulator
) -> None:
    from datetime import timedelta

    write_session(home, "admin", timedelta(minutes=4))
    run, lines = doctor(
        home, emulator, ["session-secret", "session-token"], "--profile", "admin", "--offline"
    )
    assert run.code == 0, run.stdout  # a note, not a problem: it still works
    line = line_of(lines, "note     credentials:")
    assert line.startswith("note     credentials: the session ASIA…0000 in [admin] ends in "), line
    assert line.endswith("(mfa-login --profile admin)"), line


def test_where_the_go_and_js_sdks_take_other_credentials_is_a_note(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    """botocore assumes the role with the web identity token; aws-sdk-go-v2 and the JS SDK v3
    take the keys in [admin] first."""
    write_config(
        home,
        f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n"
        f"web_identity_token_file = {home.root / 'token'}\n"
        "role_arn = arn:aws:iam::123456789012:role/ci\n",
    )
    run, lines = doctor(home, emulator, secrets, "--profile", "admin", "--offline")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  config:").startswith(
        "problem  config: [profile admin] sets web_identity_token_file: AWS tools assume "
        "role_arn with the web identity token in that file"
    )
    assert (
        "note     config: aws-sdk-go-v2 and the JS SDK v3 take the keys in [admin] before "
        "web_identity_token_file (Go then assumes role_arn with them)"
    ) in lines


SESSION_TEXT = (
    "[admin]\naws_access_key_id = ASIAEXAMPLE0000000000\naws_secret_access_key = session-secret\n"
    "aws_session_token = session-token\nexpiration = 2099-01-01T00:00:00Z\n"
)
LONG_TERM_TEXT = (
    "[admin-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n"
    "aws_secret_access_key = long-term-secret\n"
)


@pytest.mark.parametrize(
    ("credentials", "config", "env", "expected", "code"),
    [
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "",
            {"AWS_SECRET_ACCESS_KEY": "orphan-secret"},
            "note     environment: AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID: "
            "every SDK ignores it (unset AWS_SECRET_ACCESS_KEY)",
            0,
            id="secret-without-key-id",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "",
            {
                "AWS_PROFILE": "admin",
                "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE0000000000",
                "AWS_SECRET_ACCESS_KEY": "session-secret",
                "AWS_SECURITY_TOKEN": "session-token",
            },
            "note     environment: the token is only in AWS_SECURITY_TOKEN: aws-sdk-go-v2 and the "
            "JS SDK v3 read only AWS_SESSION_TOKEN",
            0,
            id="token-only-in-aws-security-token",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "",
            {"AWS_PROFILE": "admin", "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"},
            "problem  environment: AWS_WEB_IDENTITY_TOKEN_FILE is set: the AWS CLI, boto3 and "
            "aws-sdk-go-v2 assume AWS_ROLE_ARN with it instead of using profile admin",
            PROBLEMS_FOUND,
            id="web-identity-in-the-environment",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "",
            {
                "AWS_PROFILE": "admin",
                "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE0000000000",
                "AWS_SECRET_ACCESS_KEY": "session-secret",
                "AWS_SESSION_TOKEN": "session-token",
                "AWS_CREDENTIAL_EXPIRATION": "tomorrow",
            },
            "problem  environment: AWS_CREDENTIAL_EXPIRATION is not a time AWS tools can read",
            PROBLEMS_FOUND,
            id="unreadable-credential-expiration",
        ),
        pytest.param(
            "[profile admin]\naws_access_key_id = AKIAEXAMPLE000000001\n"
            "aws_secret_access_key = long-term-secret\n",
            "",
            {},
            "problem  section-names: the credentials file has [profile admin], which AWS tools "
            "read as a profile named 'profile admin'",
            PROBLEMS_FOUND,
            id="profile-header-in-the-credentials-file",
        ),
        pytest.param(
            SESSION_TEXT.replace("aws_session_token", "aws_security_token") + LONG_TERM_TEXT,
            "",
            {},
            "holds its token as aws_security_token, which only botocore reads (aws-sdk-go-v2 "
            "and the JS SDK v3 read aws_session_token)",
            0,
            id="token-only-as-aws-security-token",
        ),
        pytest.param(
            SESSION_TEXT + "aws_security_token = session-token\n\n" + LONG_TERM_TEXT,
            "",
            {},
            "holds aws_security_token beside the same aws_session_token (remove the "
            "aws_security_token line)",
            0,
            id="legacy-token-the-same",
        ),
        pytest.param(
            LONG_TERM_TEXT,
            "",
            {},
            "problem  credentials: [admin] holds no credentials; to fix: mfa-login --profile admin",
            PROBLEMS_FOUND,
            id="no-credentials-in-the-section",
        ),
        pytest.param(
            LONG_TERM_TEXT,
            "",
            {
                "AWS_PROFILE": "nosuch",
                "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE000000009",
                "AWS_SECRET_ACCESS_KEY": "orphan-secret",
            },
            "note     profile: profile nosuch (named by AWS_PROFILE) is in neither file; AWS "
            "tools here take the environment's credentials",
            PROBLEMS_FOUND,  # nosuch has no long-term key for a login either
            id="profile-in-neither-file-but-keys-exported",
        ),
        pytest.param(
            LONG_TERM_TEXT,
            "",
            {
                "AWS_PROFILE": "admin",
                "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE000000009",
                "AWS_SECRET_ACCESS_KEY": "orphan-secret",
            },
            "note     environment: AWS tools here take the exported AWS_ACCESS_KEY_ID "
            "(AKIA…0009); profile admin holds no credentials",
            PROBLEMS_FOUND,
            id="exported-keys-and-an-empty-profile",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "",
            {"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"},
            "note     environment: AWS_WEB_IDENTITY_TOKEN_FILE is set: AWS tools run without "
            "--profile assume AWS_ROLE_ARN with it instead of using a profile",
            0,
            id="web-identity-in-the-environment-with-an-explicit-profile",
        ),
        pytest.param(
            LONG_TERM_TEXT,
            "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
            "source_profile = base\n",
            {},
            "note     config: [profile admin] sets role_arn: AWS tools assume the role "
            "arn:aws:iam::123456789012:role/ops with the credentials of base; doctor checks "
            "only the credentials mfa-login makes (mfa-login doctor --profile base checks its "
            "source_profile)",
            0,
            id="role-profile-without-keys",
        ),
        pytest.param(
            LONG_TERM_TEXT,
            # With the section it names: without it botocore refuses the profile (below).
            "[profile admin]\nsso_session = corp\n\n[sso-session corp]\n"
            "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n",
            {},
            "note     config: [profile admin] sets sso_session (SSO profile); doctor checks only "
            "the credentials mfa-login makes",
            0,
            id="sso-profile-without-keys",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "[profile admin]\nsource_profile = base\n",
            {},
            "note     config: source_profile without role_arn: botocore and the JS SDK v3 ignore "
            "it, while aws-sdk-go-v2 (Terraform) refuses the profile (it requires role_arn)",
            0,
            id="go-refuses-source-profile-without-role-arn",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
            "source_profile = base\ncredential_source = Environment\n",
            {},
            "note     config: the JS SDK v3 assumes role_arn only with exactly one of "
            "source_profile and credential_source, so it takes the keys in [admin] instead",
            PROBLEMS_FOUND,
            id="js-takes-the-keys-beside-two-role-sources",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
            "source_profile = base\ncredential_source = Environment\n",
            {},
            "note     config: aws-sdk-go-v2 refuses a profile with more than one of "
            "source_profile, credential_source",
            PROBLEMS_FOUND,
            id="go-refuses-two-credential-types",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "[profile admin]\nsso_account_id = 123456789012\nsso_role_name = Dev\n",
            {},
            "note     config: aws-sdk-go-v2 and the JS SDK v3 take the keys in [admin] before SSO",
            PROBLEMS_FOUND,
            id="go-and-js-take-the-keys-before-sso",
        ),
        pytest.param(
            "[admin]\naws_access_key_id = ASIAEXAMPLE0000000000\n" + LONG_TERM_TEXT,
            "",
            {},
            "problem  credentials: [admin] has aws_access_key_id (ASIA…0000) but no "
            "aws_secret_access_key: AWS tools stop with 'Partial credentials found'",
            PROBLEMS_FOUND,
            id="half-a-pair-in-the-file",
        ),
        pytest.param(
            "[admin]\naws_access_key_id = AKIAEXAMPLE000000001\n"
            "aws_secret_access_key = long-term-secret\n",
            "",
            {},
            "note     credentials: [admin] holds the long-term key AKIA…0001 itself: AWS tools "
            "use it without MFA (mfa-login --profile admin moves it to [admin-long-term] and "
            "writes a session)",
            0,
            id="long-term-key-in-the-target",
        ),
        pytest.param(
            "[admin]\naws_access_key_id = ASIAEXAMPLE0000000000\n"
            "aws_secret_access_key = session-secret\n" + LONG_TERM_TEXT,
            "",
            {},
            "problem  credentials: [admin] holds the session key ASIA…0000 without "
            "aws_session_token",
            PROBLEMS_FOUND,
            id="session-key-without-its-token-in-the-file",
        ),
        pytest.param(
            SESSION_TEXT.replace("expiration = 2099-01-01T00:00:00Z\n", "") + LONG_TERM_TEXT,
            "",
            {},
            "note     credentials: [admin] holds the session ASIA…0000 without an expiration",
            0,
            id="session-without-expiration",
        ),
        pytest.param(
            SESSION_TEXT,
            "[profile admin]\nmfa_serial = arn:aws:iam::123456789012:mfa/a\n",
            {},
            "problem  long-term-key: no long-term key for admin in the OS keyring or the "
            "credentials file: the next login stops; to fix: mfa-login setup --profile admin",
            PROBLEMS_FOUND,
            id="no-long-term-key-anywhere",
        ),
        pytest.param(
            SESSION_TEXT + "[admin-long-term]\naws_access_key_id = AKIAEXAMPLE000000001\n",
            "",
            {},
            "problem  long-term-key: the next login stops:",
            PROBLEMS_FOUND,
            id="incomplete-long-term-key",
        ),
        pytest.param(
            SESSION_TEXT + LONG_TERM_TEXT,
            "[profile admin]\ncredential_process = /bin/false\n",
            {},
            "note     config: [profile admin] sets credential_process (process profile); botocore "
            "uses the keys in [admin] of the credentials file first",
            0,
            id="process-profile-with-keys",
        ),
    ],
)
def test_each_finding_of_the_files_and_the_environment(
    home: Home,
    emulator: Emulator,
    credentials: str,
    config: str,
    env: dict[str, str],
    expected: str,
    code: int,
) -> None:
    home.credentials.write_text(credentials, encoding="utf-8")
    home.config.write_text(config, encoding="utf-8")
    secrets = ["session-secret", "session-token", "long-term-secret", "orphan-secret"]
    # AWS_PROFILE in `env`: as a tool run without --profile takes it.
    named = () if "AWS_PROFILE" in env else ("--profile", "admin")
    run, lines = doctor(home, emulator, secrets, *named, "--offline", **env)
    assert run.code == code, run.stdout
    assert any(expected in line for line in lines), "\n".join(lines)


def test_a_file_aws_tools_cannot_read_is_the_one_finding(home: Home, emulator: Emulator) -> None:
    home.credentials.write_text("[admin\naws_access_key_id = AKIA\n", encoding="utf-8")
    run, lines = doctor(home, emulator, [], "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert lines[0].startswith("problem  files: AWS tools cannot read the files: "), lines
    assert len(lines) == 2  # the finding and the summary


def test_sso_session_without_its_section_is_a_problem_and_aws_is_not_asked(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, secrets: list[str]
) -> None:
    """botocore builds no client for the profile (InvalidConfigError): doctor says why in
    one line with the way out, and does not report the SDK's failure as a network one."""
    with home.config.open("a", encoding="utf-8") as config:
        config.write("sso_session = corp\n")
    emulator.reset_counts()
    run, lines = doctor(home, emulator, secrets, "--profile", "admin")
    assert run.code == PROBLEMS_FOUND
    assert line_of(lines, "problem  config:") == (
        f"problem  config: [profile admin] sets sso_session = corp, but {home.config} has no "
        "[sso-session corp] section: the AWS CLI and boto3 (botocore) refuse every request for "
        "admin, and the next login stops; to fix: add the [sso-session corp] section with "
        "sso_start_url and sso_region to the config file, or remove the sso_session line from "
        "[profile admin]"
    )
    assert "note     aws-credentials: not asked: botocore builds no client for admin" in lines[-2]
    assert lines[-1] == "mfa-login doctor: admin: 1 problem, 2 notes"  # and: an SSO profile
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert emulator.request_count(section_value(home, "admin", "aws_access_key_id")) == 0
