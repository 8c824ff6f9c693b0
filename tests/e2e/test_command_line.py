"""The command line as a newcomer meets it, through the installed command: help, typos,
abbreviations, the AWS CLI's flag names, --debug and --code on every command, and every
value checked before AWS is asked anything."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone

import pytest

from mfa_session import cli
from tests.conftest import Home
from tests.e2e.helpers import (
    login_with_code_argument,
    mfa_login,
    sections,
    write_config,
    write_long_term,
)
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e

CODE_IN_PS = "a code given with --code shows in the process list (ps)"


def valid_session(home: Home, section: str = "admin") -> None:
    until = datetime.now(timezone.utc) + timedelta(hours=8)
    with home.credentials.open("a", encoding="utf-8") as handle:
        handle.write(
            f"[{section}]\naws_access_key_id = ASIAEXAMPLEEXAMPLE01\n"
            "aws_secret_access_key = session-secret\naws_session_token = session-token\n"
            f"expiration = {until:%Y-%m-%dT%H:%M:%SZ}\n\n"
        )
    home.credentials.chmod(0o600)


# --- abbreviations and --code -------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "prints"),
    [
        pytest.param(["export"], "export AWS_SESSION_TOKEN=", id="export"),
        pytest.param(["exec"], "ASIA", id="exec"),
        pytest.param(["credential-process"], '"SessionToken"', id="credential-process"),
    ],
)
def test_code_on_export_exec_and_credential_process_is_the_code_not_code_command(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, command: list[str], prints: str
) -> None:
    """`mfa-login export --code 123456` was read as --code-command 123456 (exit 12): the
    session commands take the login's --code, and say that ps shows it."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    tail = ("--", "sh", "-c", 'echo "$AWS_ACCESS_KEY_ID"') if command == ["exec"] else ()
    run = login_with_code_argument(emulator, aws_user, *command, tail=tail)
    assert run.code == 0, run.stderr
    assert prints in run.stdout
    assert CODE_IN_PS in run.stderr
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["export", "--code-comm", "echo 123456"], id="export --code-comm"),
        pytest.param(["--pro", "admin"], id="--pro"),
        pytest.param(["status", "--nam"], id="status --nam"),
    ],
)
def test_an_abbreviated_flag_is_refused_never_guessed(
    home: Home, emulator: Emulator, aws_user: EmulatedUser, argv: list[str]
) -> None:
    write_long_term(home, "admin", aws_user, layout="long-term")
    run = mfa_login(emulator, *argv)
    assert run.code == 2
    abbreviated = next(word for word in argv if word.startswith("--"))
    assert f"error: unrecognized arguments: {abbreviated}" in run.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0


# --- help and typos -----------------------------------------------------------------------


def test_help_lists_every_command_with_its_one_line(emulator: Emulator) -> None:
    run = mfa_login(emulator, "--help")
    assert run.code == 0
    listed = run.stdout.split("commands (", 1)[1].splitlines()[1 : 1 + len(cli.SUBCOMMANDS)]
    assert [line.split()[0] for line in listed] == list(cli.SUBCOMMANDS)
    for line, name in zip(listed, cli.SUBCOMMANDS, strict=True):
        summary = line.strip()[len(name) :].strip()
        assert summary == cli.SUMMARIES[name], name


@pytest.mark.parametrize("name", ["", *cli.SUBCOMMANDS])
def test_help_command_prints_what_help_flag_prints(emulator: Emulator, name: str) -> None:
    via_command = mfa_login(emulator, "help", *([name] if name else []))
    via_flag = mfa_login(emulator, *([name] if name else []), "--help")
    assert (via_command.code, via_flag.code) == (0, 0)
    assert via_command.stdout == via_flag.stdout
    assert via_command.stdout.startswith(f"usage: mfa-login {name}".rstrip() + " ")


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["statu"], id="statu"),
        pytest.param(["--debug", "statu"], id="--debug statu"),
        pytest.param(["help", "statu"], id="help statu"),
        pytest.param(["stauts", "--profile", "admin"], id="stauts"),
    ],
)
def test_a_mistyped_command_is_answered_with_the_likeliest_one(
    emulator: Emulator, argv: list[str]
) -> None:
    run = mfa_login(emulator, *argv)
    assert run.code == 2
    word = next(word for word in argv if word not in ("--debug", "help"))
    assert run.stderr == (
        f"mfa-login: '{word}' is not a command of mfa-login: did you mean status?\n"
    )


def test_a_word_like_no_command_lists_the_commands(emulator: Emulator) -> None:
    run = mfa_login(emulator, "frobnicate")
    assert run.code == 2
    assert run.stderr == (
        "mfa-login: 'frobnicate' is not a command of mfa-login: the commands are "
        + ", ".join(cli.SUBCOMMANDS)
        + "\n"
    )


@pytest.mark.parametrize(
    ("command", "lines"),
    [
        pytest.param(
            "completion",
            [
                """    bash:  echo 'eval "$(mfa-login completion bash)"' >> ~/.bashrc""",
                """    zsh:   echo 'eval "$(mfa-login completion zsh)"' >> ~/.zshrc""",
                "    fish:  mfa-login completion fish > ~/.config/fish/completions/mfa-login.fish",
            ],
            id="completion",
        ),
        pytest.param(
            "credential-process",
            [
                "    [profile admin-cp]",
                "    credential_process = mfa-login credential-process --profile admin",
            ],
            id="credential-process",
        ),
        pytest.param(
            "status",
            [
                "  - the state file remembers an MFA device for it;",
                "  - the credentials file has a [NAME-long-term] section (aws-mfa's layout);",
            ],
            id="status",
        ),
        pytest.param(
            "export",
            ["    mfa-login export --profile admin --format fish | source"],
            id="export",
        ),
        pytest.param("exec", ["    mfa-login exec --profile admin -- terraform plan"], id="exec"),
    ],
)
def test_help_keeps_the_examples_and_lists_line_by_line(
    emulator: Emulator, command: str, lines: list[str]
) -> None:
    run = mfa_login(emulator, command, "--help")
    assert run.code == 0
    shown = run.stdout.splitlines()
    for line in lines:
        assert line in shown, line


@pytest.mark.parametrize("name", ["", *cli.SUBCOMMANDS])
def test_help_shows_no_internal_notes(emulator: Emulator, name: str) -> None:
    """Help speaks to the person: not of imports, argparse, fast paths or Python's start."""
    run = mfa_login(emulator, *([name] if name else []), "--help")
    assert run.code == 0
    for internal in ("Python start", "argparse", "fast path", "import", ".py", "shortcut"):
        assert internal not in run.stdout, (name, internal)


# --- --debug everywhere -------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["status"], id="status"),
        pytest.param(["completion", "bash"], id="completion"),
        pytest.param(["help", "export"], id="help"),
        pytest.param(["--profile", "admin"], id="login"),
        pytest.param(["export", "--profile", "admin"], id="export"),
        pytest.param(["exec", "--profile", "admin", "--", "true"], id="exec"),
        pytest.param(["credential-process", "--profile", "admin"], id="credential-process"),
    ],
)
@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_is_accepted_by_every_command_before_or_after_its_name(
    home: Home, emulator: Emulator, argv: list[str], where: str
) -> None:
    valid_session(home)
    if where == "before" and not argv[0].startswith("-"):
        args = ["--debug", *argv]
    elif "--" in argv:
        cut = argv.index("--")
        args = [*argv[:cut], "--debug", *argv[cut:]]
    else:
        args = [*argv, "--debug"]
    run = mfa_login(emulator, *args)
    assert run.code == 0, run.stderr
    assert "unrecognized arguments" not in run.stderr
    if "--profile" in argv:
        # The session commands explain their steps (the still-valid session is reused).
        assert "mfa-login: debug: profile admin, session into [admin]" in run.stderr


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["setup", "--profile", "nobody"], id="setup"),
        pytest.param(["forget", "--profile", "nobody", "--yes"], id="forget"),
    ],
)
def test_debug_is_accepted_by_the_keyring_commands(emulator: Emulator, argv: list[str]) -> None:
    for args in (["--debug", *argv], [*argv, "--debug"]):
        run = mfa_login(emulator, *args)
        assert "unrecognized arguments" not in run.stderr
        assert run.stderr.startswith("mfa-login: "), run.stderr  # the command's own answer


# --- the AWS CLI's names ------------------------------------------------------------------


def test_the_aws_cli_flag_names_work_as_ours(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    """`aws configure mfa-login`'s --serial-number, --duration-seconds and --update-profile,
    and `aws sts get-session-token`'s --token-code, mean what our flags mean."""
    write_long_term(home, "admin", aws_user, layout="long-term")
    run = mfa_login(
        emulator,
        "--profile",
        "admin",
        "--serial-number",
        aws_user.mfa_serials[0],
        "--token-code",
        aws_user.code(),
        "--duration-seconds",
        "3600",
        "--update-profile",
        "admin-mfa",
    )
    assert run.code == 0, run.stderr
    assert "admin-mfa: session valid for 1h00m" in run.stderr
    assert sections(home.credentials)["admin-mfa"]["aws_access_key_id"].startswith("ASIA")
    assert emulator.request_count(aws_user.access_key_id, "ListMFADevices") == 0

    again = mfa_login(
        emulator,
        "--profile",
        "admin",
        "--update-profile",
        "admin-mfa",
        "--duration-seconds",
        "3600",
        "--serial-number",
        aws_user.mfa_serials[0],
    )
    assert again.code == 0
    assert "admin-mfa: still valid for" in again.stderr
    assert emulator.request_count(aws_user.access_key_id, "GetSessionToken") == 1


# --- every value checked before AWS -------------------------------------------------------

SESSION_FLAGS_BAD = {
    "--profile": "",
    "--duration": "100",
    "--duration-seconds": "129601",
    "--device": "short",
    "--serial-number": "arn:aws:iam::123456789012:mfa/a b",
    "--code": "12345",
    "--token-code": "12a456",
    "--min-remaining": "-5",
    "--code-command": "",
    "--assume-role": "role/admin",
    "--role-session-name": "a b",
}
BAD_VALUES: dict[str, dict[str, str]] = {
    "": {**SESSION_FLAGS_BAD, "--write-profile": "", "--update-profile": " "},
    "export": {**SESSION_FLAGS_BAD, "--format": "csh"},
    "exec": {**SESSION_FLAGS_BAD, "command": ""},
    "credential-process": SESSION_FLAGS_BAD,
    "setup": {
        "--profile": "",
        "--access-key-id": "not-a-key",
        "--device": "x",
        "--serial-number": "x" * 257,
        "--code": "1234567",
        "--token-code": "",
        "--duration": "899",
        "--duration-seconds": "soon",
    },
    "status": {"--profile": "", "--min-remaining": "99999"},
    "forget": {"--profile": " "},
    "doctor": {"--profile": ""},
    "completion": {"shell": "tcsh"},
    "help": {"command": "nosuch"},
}
"""A value AWS (or the command) would refuse, for every flag that takes one."""


def test_every_flag_that_takes_a_value_has_a_bad_value_checked_below() -> None:
    for name, parser in cli.command_parsers():
        declared = {
            flag if action.option_strings else action.dest
            for action in parser._actions
            if action.nargs != 0 and action.help != argparse.SUPPRESS
            for flag in (action.option_strings or [action.dest])
        }
        assert declared == set(BAD_VALUES[name]), name


@pytest.mark.parametrize(
    ("command", "flag", "value"),
    [
        pytest.param(command, flag, value, id=f"{command or 'login'} {flag}")
        for command, flags in BAD_VALUES.items()
        for flag, value in flags.items()
    ],
)
def test_a_bad_value_is_refused_before_any_request(
    home: Home,
    emulator: Emulator,
    aws_user: EmulatedUser,
    command: str,
    flag: str,
    value: str,
) -> None:
    """`--duration 100` was said only after IAM had been asked for the device (or as a
    network error offline): every value is checked first, exit 2, no request, no write."""
    # No device configured anywhere: a login would ask IAM first.
    write_long_term(home, "admin", aws_user, layout="long-term")
    write_config(home, "[profile admin]\nregion = us-east-1\n")
    before = home.credentials.read_bytes()
    words = [command] if command else []
    if flag in ("shell", "command"):
        # A positional: the value alone (exec's command: none at all).
        args = [*words, *(["--profile", "admin"] if command == "exec" else [])]
        args += [value] if value else []
    else:
        profile = [] if flag == "--profile" else ["--profile", "admin"]
        tail = ["--", "true"] if command == "exec" else []
        args = [*words, *profile, f"{flag}={value}", *tail]
    run = mfa_login(emulator, *args, stdin="")
    assert run.code == 2, run.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0
    assert home.credentials.read_bytes() == before
