"""`exec` and `export` remove AWS_PROFILE and AWS_DEFAULT_PROFILE (the JS SDK v3 skips the
session's keys while AWS_PROFILE is set). Without them a command takes [default]'s region,
not the region of the profile logged in: `mfa-login exec --profile admin -- aws ...` ran
in us-west-2 though `[profile admin]` says eu-west-1. Both now hand the profile's region on
as AWS_REGION and AWS_DEFAULT_REGION, leaving a region the environment exports as it is."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pytest
from dotenv import dotenv_values

from tests.conftest import Home
from tests.e2e.formats_helpers import AWS, SHELLS_LOADING_EXPORT, shell_env
from tests.e2e.helpers import MFA_LOGIN, write_config, write_long_term
from tests.e2e.test_export_quoting import powershell_assignments
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

REGIONS = ("AWS_REGION", "AWS_DEFAULT_REGION")
DUMP = f"import json, os; print(json.dumps({{n: os.environ.get(n) for n in {REGIONS!r}}}))"


def admin_in(home: Home, user: EmulatedUser, *, admin_region: str, default_region: str) -> None:
    """[profile admin] with the user's device (and a region), [default] with another."""
    write_long_term(home, "admin", user, layout="long-term")
    admin = f"region = {admin_region}\n" if admin_region else ""
    default = f"[default]\nregion = {default_region}\n" if default_region else ""
    write_config(home, f"{default}[profile admin]\nmfa_serial = {user.mfa_serials[0]}\n{admin}")


def environment(emulator: Emulator, **extra: str) -> dict[str, str]:
    """The shell of a person who worked with admin through AWS_PROFILE, no region exported."""
    env = shell_env(emulator, AWS_PROFILE="admin")
    for name in REGIONS:
        env.pop(name, None)
    env.update(extra)
    return env


def run(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [MFA_LOGIN, *argv], capture_output=True, text=True, env=env, timeout=90, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def cli_region(configure_list: str) -> tuple[str, str]:
    """The region the AWS CLI uses and where it read it (`aws configure list`)."""
    for line in configure_list.splitlines():
        words = line.split()
        if words and words[0] == "region":
            return words[1], words[2]
    raise AssertionError(f"no region line in {configure_list!r}")


def test_exec_hands_on_the_profiles_region_once_aws_profile_is_removed(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """The login's run (--code: the full command) and the still-valid one (the fast path)."""
    admin_in(home, aws_user, admin_region="eu-west-1", default_region="us-west-2")
    env = environment(emulator)
    code = ("--code", aws_user.code())
    logged_in = run(env, "exec", "--profile", "admin", *code, "--", AWS, "configure", "list")
    assert cli_region(logged_in.stdout) == ("eu-west-1", "env")
    still_valid = run(env, "exec", "--profile", "admin", "--", AWS, "configure", "list")
    assert cli_region(still_valid.stdout) == ("eu-west-1", "env")
    dumped = run(env, "exec", "--profile", "admin", "--", sys.executable, "-c", DUMP)
    assert json.loads(dumped.stdout) == dict.fromkeys(REGIONS, "eu-west-1")


BOTOCORE_REGION = (
    "import botocore.session; print(botocore.session.Session().get_config_variable('region'))"
)


def test_exec_leaves_an_exported_aws_default_region_as_it_is(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """Every tool takes AWS_DEFAULT_REGION over a profile's region: nothing to hand on."""
    admin_in(home, aws_user, admin_region="eu-west-1", default_region="us-west-2")
    env = environment(emulator, AWS_DEFAULT_REGION="ap-south-1")
    code = ("--code", aws_user.code())
    for argv in (code, ()):  # the full command, then the fast path
        dumped = run(env, "exec", "--profile", "admin", *argv, "--", sys.executable, "-c", DUMP)
        assert json.loads(dumped.stdout) == {"AWS_REGION": None, "AWS_DEFAULT_REGION": "ap-south-1"}


def test_exec_with_only_aws_region_exported_gives_botocore_the_profiles_region(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """botocore (boto3, the AWS CLI v1) never reads AWS_REGION: with AWS_PROFILE=admin it took
    admin's region, and with AWS_PROFILE removed it would take [default]'s. AWS_REGION, which
    the AWS CLI v2 and the Go and JS SDKs read first, is left as exported."""
    admin_in(home, aws_user, admin_region="eu-west-1", default_region="us-west-2")
    env = environment(emulator, AWS_REGION="ap-south-1")
    code = ("--code", aws_user.code())
    for argv in (code, ()):  # the full command, then the fast path
        dumped = run(env, "exec", "--profile", "admin", *argv, "--", sys.executable, "-c", DUMP)
        assert json.loads(dumped.stdout) == {
            "AWS_REGION": "ap-south-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
        }
    taken = run(env, "exec", "--profile", "admin", "--", sys.executable, "-c", BOTOCORE_REGION)
    assert taken.stdout.strip() == "eu-west-1"


def test_exec_sets_no_region_when_no_profile_names_one(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    admin_in(home, aws_user, admin_region="", default_region="")
    env = environment(emulator)
    code = ("--code", aws_user.code())
    for argv in (code, ()):
        dumped = run(env, "exec", "--profile", "admin", *argv, "--", sys.executable, "-c", DUMP)
        assert json.loads(dumped.stdout) == dict.fromkeys(REGIONS)


@pytest.mark.parametrize("shell", sorted(SHELLS_LOADING_EXPORT))
def test_export_sets_the_profiles_region_in_every_shell(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, shell: str
) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    admin_in(home, aws_user, admin_region="eu-west-1", default_region="us-west-2")
    env = environment(emulator)
    run(env, "--profile", "admin", "--code", aws_user.code())
    argv, load = SHELLS_LOADING_EXPORT[shell]
    script = f"{load}\n{sys.executable} -c {json.dumps(DUMP)}\n{AWS} configure list\n"
    done = subprocess.run(
        [*argv, script], capture_output=True, text=True, env=env, timeout=90, check=False
    )
    assert done.returncode == 0, done.stderr
    dumped, listed = done.stdout.split("\n", 1)
    assert json.loads(dumped) == dict.fromkeys(REGIONS, "eu-west-1")
    assert cli_region(listed) == ("eu-west-1", "env")


def test_export_dotenv_and_powershell_carry_the_profiles_region(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """The full command (the login's run, with --code) and the fast path print the same."""
    admin_in(home, aws_user, admin_region="eu-west-1", default_region="us-west-2")
    env = environment(emulator)
    full = run(env, "export", "--profile", "admin", "--format", "dotenv", "--code", aws_user.code())
    for printed in (
        full.stdout,
        run(env, "export", "--profile", "admin", "--format", "dotenv").stdout,
    ):
        read = dotenv_values(stream=io.StringIO(printed))
        assert {name: read.get(name) for name in REGIONS} == dict.fromkeys(REGIONS, "eu-west-1")
    powershell = run(env, "export", "--profile", "admin", "--format", "powershell").stdout
    read_ps = powershell_assignments(powershell)
    assert {name: read_ps.get(name) for name in REGIONS} == dict.fromkeys(REGIONS, "eu-west-1")


@pytest.mark.parametrize("form", ["sh", "fish", "powershell", "dotenv"])
def test_export_prints_no_region_when_the_environment_names_one(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, form: str
) -> None:
    admin_in(home, aws_user, admin_region="eu-west-1", default_region="us-west-2")
    env = environment(emulator, AWS_DEFAULT_REGION="ap-south-1")
    run(env, "--profile", "admin", "--code", aws_user.code())
    printed = run(env, "export", "--profile", "admin", "--format", form).stdout
    assert "AWS_SESSION_TOKEN" in printed
    assert "_REGION" not in printed
