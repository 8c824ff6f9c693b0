"""--assume-role after the session, and the completion scripts in real shells."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Home
from tests.e2e.formats_helpers import aws_cli, configured, run_captured, shell_env
from tests.e2e.helpers import mfa_login, sections, write_config
from tests.emulator import EmulatedUser, Emulator

pytestmark = pytest.mark.e2e


def in_shell(
    emulator: Emulator, shell: list[str], script: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`script` run by `shell` (its command line up to the script) with our venv on PATH."""
    return run_captured([*shell, script], shell_env(emulator), cwd=cwd)


FISH_COMPLETES_PROFILE = "mfa-login completion fish | source\ncomplete -C 'mfa-login --profile '\n"


def test_assume_role_writes_the_role_and_reuses_it_while_valid(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    role_arn = emulator.create_role(f"{aws_user.name}-deploy")
    configured(home, aws_user)

    run = mfa_login(
        emulator,
        "--profile",
        "admin",
        "--code",
        aws_user.code(),
        "--assume-role",
        role_arn,
        "--role-session-name",
        "alice-deploy",
    )

    assert run.code == 0, run.stderr
    assert "admin-role: session valid for 1h00m" in run.stderr or "for 59m" in run.stderr
    written = sections(home.credentials)
    assert written["admin"]["aws_access_key_id"].startswith("ASIA")  # the MFA session
    assert written["admin-role"]["aws_access_key_id"].startswith("ASIA")
    assert written["admin-role"]["aws_access_key_id"] != written["admin"]["aws_access_key_id"]
    cli = aws_cli(
        emulator, "sts", "get-caller-identity", "--profile", "admin-role", "--output", "json"
    )
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Arn"].endswith(
        ":assumed-role/" + role_arn.split("/")[-1] + "/alice-deploy"
    )

    emulator.reset_counts()
    again = mfa_login(emulator, "--profile", "admin", "--assume-role", role_arn)
    assert again.code == 0, again.stderr
    assert "admin-role: still valid" in again.stderr
    assert emulator.request_count(aws_user.access_key_id) == 0

    status = mfa_login(emulator, "status", "--names")
    assert status.stdout.split() == ["admin", "admin-role"]


def test_assume_role_from_the_config_and_its_absence(
    home: Home, emulator: Emulator, aws_user: EmulatedUser
) -> None:
    configured(home, aws_user)
    missing = mfa_login(emulator, "--profile", "admin", "--code", aws_user.code(), "--assume-role")
    assert missing.code == 3
    assert "has no role_arn" in missing.stderr

    role_arn = emulator.create_role(f"{aws_user.name}-ops")
    write_config(
        home, f"[profile admin]\nmfa_serial = {aws_user.mfa_serials[0]}\nrole_arn = {role_arn}\n"
    )
    run = mfa_login(
        emulator,
        "--profile",
        "admin",
        "--code",
        aws_user.code(),
        "--assume-role",
        "--write-profile",
        "ops",
    )
    assert run.code == 0, run.stderr
    assert sections(home.credentials)["ops"]["aws_access_key_id"].startswith("ASIA")

    refused = mfa_login(
        emulator, "--profile", "admin", "--assume-role", role_arn + "-gone", "--write-profile", "x"
    )
    assert refused.code == 5
    assert "AWS refused AssumeRole of" in refused.stderr


def test_bash_completion_loads_and_completes(home: Home, emulator: Emulator) -> None:
    (home.credentials).write_text("[work-long-term]\naws_access_key_id = AKIAX\n")
    script = (
        'eval "$(mfa-login completion bash)" || exit 3\n'
        # What bash does on Tab: the words, the index, then (command, current, previous).
        "COMP_WORDS=(mfa-login ex); COMP_CWORD=1; _mfa_login mfa-login ex mfa-login\n"
        'echo "${COMPREPLY[*]}"\n'
        "COMP_WORDS=(mfa-login status --pro); COMP_CWORD=2; _mfa_login mfa-login --pro status\n"
        'echo "${COMPREPLY[*]}"\n'
        "COMP_WORDS=(mfa-login export --profile ''); COMP_CWORD=3\n"
        "_mfa_login mfa-login '' --profile; echo \"${COMPREPLY[*]}\"\n"
        "COMP_WORDS=(mfa-login export --format p); COMP_CWORD=3; _mfa_login mfa-login p --format\n"
        'echo "${COMPREPLY[*]}"\n'
        "COMP_WORDS=(mfa-login exec -- aw); COMP_CWORD=3; _mfa_login mfa-login aw --\n"
        'echo "${COMPREPLY[*]}"\n'
    )
    done = in_shell(emulator, ["bash", "--norc", "-c"], script)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[:4] == ["export exec", "--profile", "work", "powershell"]
    assert "aws" in lines[4].split()  # after exec --: commands on PATH


def test_zsh_script_is_the_bash_one_behind_bashcompinit(emulator: Emulator) -> None:
    run = mfa_login(emulator, "completion", "zsh")
    assert run.code == 0
    assert "bashcompinit" in run.stdout
    assert "complete -F _mfa_login mfa-login" in run.stdout


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed (Debian: zsh)")
def test_zsh_completion_loads_and_completes(home: Home, emulator: Emulator) -> None:
    (home.credentials).write_text("[work-long-term]\naws_access_key_id = AKIAX\n")
    script = (
        'eval "$(mfa-login completion zsh)" || exit 3\n'
        # What bashcompinit does on Tab: 1-based words, CURRENT-1, then the same arguments.
        "COMP_WORDS=(mfa-login export --profile ''); COMP_CWORD=3\n"
        "_mfa_login mfa-login '' --profile; echo \"${COMPREPLY[*]}\"\n"
        "COMP_WORDS=(mfa-login export --fo); COMP_CWORD=2; _mfa_login mfa-login --fo export\n"
        'echo "${COMPREPLY[*]}"\n'
    )
    done = in_shell(emulator, ["zsh", "-f", "-c"], script)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    first, second = done.stdout.splitlines()
    assert first == "work"
    # zsh filters by the typed prefix itself (compadd), so the list is whole here.
    assert "--format" in second.split()


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (Debian: fish)")
def test_fish_completion_loads_and_completes(home: Home, emulator: Emulator) -> None:
    (home.credentials).write_text("[work-long-term]\naws_access_key_id = AKIAX\n")
    script = (
        "mfa-login completion fish | source\n"
        "complete -C 'mfa-login ex'\n"
        "echo ---\n"
        "complete -C 'mfa-login exec --profile '\n"
    )
    done = in_shell(emulator, ["fish", "--no-config", "-c"], script)
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.split("---\n")
    assert sorted(line.split("\t")[0] for line in first.splitlines()) == ["exec", "export"]
    assert [line.split("\t")[0] for line in second.splitlines()] == ["work"]


# Profile names that are code to a shell which expands them (compgen -W did, on Tab).
HOSTILE_NAMES = ("$(touch pwned)", "`touch pwned2`", "dev team")


def hostile_profiles(home: Home, tmp_path: Path) -> Path:
    """The profiles, and an empty folder to complete in: a name that runs leaves a file.

    Each name is quoted in its section, as botocore needs it: unquoted, `[profile dev team]`
    splits into three words and is no profile to botocore, nor to mfa-login."""
    home.config.write_text(
        "".join(
            f'[profile "{name}"]\nmfa_serial = arn:aws:iam::123456789012:mfa/x\n\n'
            for name in HOSTILE_NAMES
        ),
        encoding="utf-8",
    )
    folder = tmp_path / "cwd"
    folder.mkdir()
    return folder


# Complete after --profile with nothing typed, then with a typed prefix (plain and quoted);
# then read each offered word back as the shell reads the command line it is inserted into.
# Each shell runs its command line given after the last item.
IN_BASH_AND_ZSH = pytest.mark.parametrize(
    "shell",
    [
        pytest.param(["bash", "--norc", "-c"], id="bash"),
        pytest.param(
            ["zsh", "-f", "-c"],
            id="zsh",
            marks=pytest.mark.skipif(
                shutil.which("zsh") is None, reason="zsh is not installed (Debian: zsh)"
            ),
        ),
    ],
)

COMPLETE_NAMES = r"""
COMP_WORDS=(mfa-login --profile ''); COMP_CWORD=2; _mfa_login mfa-login '' --profile
for w in "${COMPREPLY[@]}"; do echo "offered: $w"; eval "printf 'reads: %s\n' $w"; done
COMP_WORDS=(mfa-login --profile '$(to'); COMP_CWORD=2; _mfa_login mfa-login '$(to' --profile
echo "prefix: ${COMPREPLY[*]}"
COMP_WORDS=(mfa-login --profile '\$\(to'); COMP_CWORD=2; _mfa_login mfa-login '\$\(to' --profile
echo "quoted prefix: ${COMPREPLY[*]}"
"""


@IN_BASH_AND_ZSH
def test_completing_a_profile_named_like_code_runs_nothing_and_offers_it_literally(
    home: Home, emulator: Emulator, tmp_path: Path, shell: list[str]
) -> None:
    folder = hostile_profiles(home, tmp_path)
    name = "bash" if shell[0] == "bash" else "zsh"
    done = in_shell(
        emulator,
        shell,
        f'eval "$(mfa-login completion {name})" || exit 3\n{COMPLETE_NAMES}',
        folder,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert list(folder.iterdir()) == [], "a profile name ran as a command"
    lines = done.stdout.splitlines()
    assert [line for line in lines if line.startswith("reads: ")] == [
        f"reads: {name}" for name in sorted(HOSTILE_NAMES)
    ]
    assert "offered: \\$\\(touch\\ pwned\\)" in lines
    assert "prefix: \\$\\(touch\\ pwned\\)" in lines
    assert "quoted prefix: \\$\\(touch\\ pwned\\)" in lines


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (Debian: fish)")
def test_fish_completes_a_profile_named_like_code_literally(
    home: Home, emulator: Emulator, tmp_path: Path
) -> None:
    folder = hostile_profiles(home, tmp_path)
    done = in_shell(emulator, ["fish", "--no-config", "-c"], FISH_COMPLETES_PROFILE, folder)
    assert done.returncode == 0, done.stderr
    assert list(folder.iterdir()) == []
    assert sorted(line.split("\t")[0] for line in done.stdout.splitlines()) == sorted(HOSTILE_NAMES)


# A first login: nothing is managed yet, yet every profile the files define is offered.
UNMANAGED_FILES = (
    "[default]\naws_access_key_id = AKIADEFAULT\n\n"
    "[ci]\naws_access_key_id = AKIACI\n\n"
    "[admin-long-term]\naws_access_key_id = AKIAADMIN\n",
    "[default]\nregion = eu-west-1\n\n[profile dev]\nregion = eu-west-1\n\n"
    "[sso-session corp]\nsso_region = eu-west-1\n",
)
EVERY_PROFILE = ["admin", "ci", "default", "dev"]


def unmanaged_profiles(home: Home) -> None:
    credentials, config = UNMANAGED_FILES
    home.credentials.write_text(credentials, encoding="utf-8")
    home.config.write_text(config, encoding="utf-8")


@IN_BASH_AND_ZSH
def test_profile_completion_offers_every_profile_the_files_define(
    home: Home, emulator: Emulator, shell: list[str]
) -> None:
    """Completing --profile offered only the profiles mfa-login already managed, so a first
    login got nothing: it offers the credentials file's profiles ([NAME-long-term] as NAME)
    and the config file's, no other section."""
    unmanaged_profiles(home)
    name = "bash" if shell[0] == "bash" else "zsh"
    script = (
        f'eval "$(mfa-login completion {name})" || exit 3\n'
        "COMP_WORDS=(mfa-login --profile ''); COMP_CWORD=2; _mfa_login mfa-login '' --profile\n"
        'echo "${COMPREPLY[*]}"\n'
        "COMP_WORDS=(mfa-login export --profile d); COMP_CWORD=3\n"
        '_mfa_login mfa-login d --profile; echo "${COMPREPLY[*]}"\n'
    )
    done = in_shell(emulator, shell, script)
    assert done.returncode == 0, done.stderr
    every, with_d = done.stdout.splitlines()
    assert sorted(every.split()) == EVERY_PROFILE
    assert sorted(with_d.split()) == ["default", "dev"]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed (Debian: fish)")
def test_fish_profile_completion_offers_every_profile_the_files_define(
    home: Home, emulator: Emulator
) -> None:
    unmanaged_profiles(home)
    done = in_shell(emulator, ["fish", "--no-config", "-c"], FISH_COMPLETES_PROFILE)
    assert done.returncode == 0, done.stderr
    assert sorted(line.split("\t")[0] for line in done.stdout.splitlines()) == EVERY_PROFILE
