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
from tests.e2e.helpers import command_env, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator

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


# The package's modules a still-valid session may load: the entry point, the reading rules,
# the state file's reading half and the output of each command. Not the composition root,
# the use cases, the models, the errors or the store.
FAST_PATH_MODULES = {
    "mfa_session",
    "mfa_session.cli",
    "mfa_session.exit_codes",
    "mfa_session.still_valid",
    "mfa_session.timefmt",
    "mfa_session.visible",
    "mfa_session.rules",
    "mfa_session.rules.files",
    "mfa_session.rules.regular",
    "mfa_session.rules.flags",
    "mfa_session.rules.aws_values",
    "mfa_session.rules.profile_choice",
    "mfa_session.rules.sections",
    "mfa_session.rules.validity",
    "mfa_session.rules.code_steps",
    "mfa_session.rules.environment",
    "mfa_session.rules.profile_kinds",
    "mfa_session.rules.regions",
    "mfa_session.adapters",
    "mfa_session.adapters.state_file",
    "mfa_session.adapters.command_exec",
    "mfa_session.output",
    "mfa_session.output.render",
    "mfa_session.output.style",
    "mfa_session.output.session_formats",
}
# What a Python start does not load by itself and a fast path must not either.
HEAVY_STDLIB = {"argparse", "dataclasses", "inspect", "typing", "logging", "tempfile", "hashlib"}


@pytest.mark.usefixtures("valid_session")
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--profile", "work"], id="login"),
        pytest.param(["export", "--profile", "work"], id="export"),
        pytest.param(["export", "--format=json", "--profile", "work"], id="export-json"),
        pytest.param(["exec", "--profile", "work", "--", "true"], id="exec"),
        pytest.param(["credential-process", "--profile", "work"], id="credential-process"),
    ],
)
def test_a_still_valid_session_is_answered_by_the_fast_path_alone(args: list[str]) -> None:
    """An SDK runs credential-process at every start: export, exec and credential-process
    answer a still-valid session as the login does, before anything heavy loads."""
    modules = imported(*args)
    ours = {name for name in modules if name.split(".")[0] == "mfa_session"}
    assert "mfa_session.still_valid" in ours
    assert ours <= FAST_PATH_MODULES, sorted(ours - FAST_PATH_MODULES)
    assert not modules & (THIRD_PARTY | LOGIN_MACHINERY | HEAVY_STDLIB)


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
    assert not modules & {"mfa_session.still_valid", "mfa_session.errors", "mfa_session.models"}


@pytest.mark.usefixtures("valid_session")
def test_status_imports_no_sdk_nor_prompt() -> None:
    if "status" not in cli.SUBCOMMANDS:
        pytest.skip("mfa-login has no 'status' command in this build yet")
    assert not imported("status") & THIRD_PARTY


def test_a_forced_login_off_a_terminal_from_a_file_key_imports_no_keyring(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """With the key in the credentials file, no move of it into the keyring recorded, and no
    terminal to offer a move or show a keyring's problem on, the keyring has nothing to give
    the login: keyring (its backend discovery reads every installed package's entry points)
    is never imported, and the login's peak memory stays at the bare boto3 script's."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\n")
    env = command_env(emulator)
    del env["PYTHON_KEYRING_BACKEND"]  # keyring left to choose, as on a person's machine

    modules = imported("--profile", "admin", "--force", "--code", aws_user.code(), env=env)

    assert "mfa_session.usecases.login" in modules  # a login ran
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1
    assert not modules & {"keyring", "secretstorage", "jeepney", "importlib_metadata"}
