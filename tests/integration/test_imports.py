"""Speed guarded by structure: what the installed `mfa-login` imports on its quick paths.

The still-valid path, `status` and `--help` must answer as fast as Python starts, which they
cannot once boto3, questionary or keyring is imported (each costs 70-300 ms). The command
runs in a subprocess with `-X importtime`, which names every module the process imports.
No timings are asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from mfa_session import cli
from tests.conftest import Home

MFA_LOGIN = str(Path(sys.executable).with_name("mfa-login"))

# Never on the quick paths (prompt_toolkit is questionary's own cost).
THIRD_PARTY = {"boto3", "botocore", "questionary", "prompt_toolkit", "keyring"}
# The login's machinery: the still-valid shortcut answers before any of it is imported.
LOGIN_MACHINERY = {
    "argparse",
    "configobj",
    "threading",
    "mfa_session.usecases.login",
    "mfa_session.adapters.aws",
    "mfa_session.store.credentials",
    "mfa_session.adapters.prompts",
}
VALID_SESSION = (
    "[work]\n"
    "aws_access_key_id = ASIAEXAMPLEEXAMPLE01\n"
    "aws_secret_access_key = session-secret\n"
    "aws_session_token = session-token\n"
    f"expiration = {datetime.now(timezone.utc) + timedelta(hours=8):%Y-%m-%dT%H:%M:%SZ}\n"
)


def imported(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """Every module the command imports (top-level package names and dotted names)."""
    environ = dict(env or os.environ)
    environ["PYTHONPROFILEIMPORTTIME"] = "1"
    done = subprocess.run(
        [MFA_LOGIN, *args],
        capture_output=True,
        text=True,
        env=environ,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names: set[str] = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            names.update({name, name.split(".")[0]})
    assert names, "no -X importtime output: is this the installed command?"
    return names


@pytest.fixture
def valid_session(home: Home) -> Home:
    home.credentials.write_text(VALID_SESSION, encoding="utf-8")
    return home


@pytest.mark.usefixtures("valid_session")
@pytest.mark.parametrize(
    ("args", "extra_env"),
    [
        pytest.param(["--profile", "work"], {}, id="--profile"),
        pytest.param(["--quiet"], {"AWS_PROFILE": "work"}, id="AWS_PROFILE"),
        pytest.param(["--profile=work", "--min-remaining", "30"], {}, id="--min-remaining"),
    ],
)
def test_still_valid_answers_before_the_login_machinery_loads(
    args: list[str], extra_env: dict[str, str]
) -> None:
    modules = imported(*args, env={**os.environ, **extra_env})
    assert "mfa_session.still_valid" in modules
    assert not modules & (THIRD_PARTY | LOGIN_MACHINERY)


@pytest.mark.usefixtures("valid_session")
def test_still_valid_through_the_full_command_imports_no_sdk_nor_prompt() -> None:
    # --debug is not one of the shortcut's flags: this is the full login command's path.
    modules = imported("--profile", "work", "--debug")
    assert "mfa_session.usecases.login" in modules
    assert not modules & THIRD_PARTY


def test_help_loads_only_the_parser() -> None:
    modules = imported("--help")
    assert not modules & (THIRD_PARTY | LOGIN_MACHINERY) - {"argparse"}
    # Neither the still-valid shortcut nor the error classes have anything to say to --help.
    assert not modules & {"mfa_session.still_valid", "mfa_session.errors"}


def test_version_answers_before_the_parser_loads() -> None:
    modules = imported("--version")
    assert not modules & (THIRD_PARTY | LOGIN_MACHINERY | {"mfa_session.still_valid"})


@pytest.mark.parametrize("name", sorted(set(cli.SUBCOMMANDS) | {"status"}))
def test_subcommand_help_imports_no_sdk_nor_prompt(name: str) -> None:
    if name not in cli.SUBCOMMANDS:
        pytest.skip(f"mfa-login has no {name!r} command in this build yet")
    assert not imported(name, "--help") & THIRD_PARTY


# What the quick forms of status read the files without: argparse's and dataclasses' own
# imports (typing, inspect) and the state file's writing half (tempfile, hashlib). Not
# pathlib: an editable install's import hook loads it before the command starts.
STATUS_HEAVY = {"argparse", "dataclasses", "inspect", "typing", "tempfile", "hashlib"}


@pytest.mark.usefixtures("valid_session")
@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="status"),
        pytest.param(["--profile", "work"], id="--profile"),
        pytest.param(["--json", "--profile=work", "--min-remaining", "30"], id="--json"),
        pytest.param(["--quiet"], id="--quiet"),
        pytest.param(["--names"], id="--names"),
    ],
)
def test_status_answers_before_argparse_loads(args: list[str]) -> None:
    modules = imported("status", *args)
    assert "mfa_session.commands.status" in modules
    assert not modules & (THIRD_PARTY | LOGIN_MACHINERY | STATUS_HEAVY)
    assert not modules & {"mfa_session.still_valid", "mfa_session.errors", "mfa_session.profiles"}


@pytest.mark.usefixtures("valid_session")
def test_status_imports_no_sdk_nor_prompt() -> None:
    if "status" not in cli.SUBCOMMANDS:
        pytest.skip("mfa-login has no 'status' command in this build yet")
    assert not imported("status") & THIRD_PARTY
