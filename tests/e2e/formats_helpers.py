"""Shared set-up for the tests of status, export, exec, credential-process and completion."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.conftest import Home
from tests.e2e.helpers import command_env, mfa_login, write_config, write_long_term
from tests.emulator import EmulatedUser, Emulator

BIN = Path(sys.executable).parent
AWS = str(BIN / "aws")


def shell_env(emulator: Emulator, **extra: str) -> dict[str, str]:
    """The isolated environment with our venv first on PATH, so `mfa-login` and `aws` resolve."""
    env = command_env(emulator, AWS_DEFAULT_REGION="us-east-1", **extra)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    return env


def run_captured(
    argv: list[str],
    env: dict[str, str],
    *,
    stdin: str | None = None,
    cwd: Path | None = None,
    timeout: int = 60,
) -> subprocess.CompletedProcess[str]:
    """`argv` run to its end in `env`, its stdout and stderr kept as text; the exit code is
    the caller's to check."""
    return subprocess.run(
        argv,
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def aws_cli(emulator: Emulator, *args: str) -> subprocess.CompletedProcess[str]:
    """The AWS CLI (`aws ARGS`) in the isolated shell environment, against the emulator."""
    return run_captured([AWS, *args], shell_env(emulator))


# How each shell loads `mfa-login export --profile admin`: its command line up to the script,
# then the script's first line.
EVAL_SH = 'eval "$(mfa-login export --profile admin)"'
SHELLS_LOADING_EXPORT = {
    "bash": (["bash", "--norc", "-c"], EVAL_SH),
    "zsh": (["zsh", "-f", "-c"], EVAL_SH),
    "dash": (["dash", "-c"], EVAL_SH),
    "fish": (
        ["fish", "--no-config", "-c"],
        "mfa-login export --profile admin --format fish | source",
    ),
}


def configured(home: Home, user: EmulatedUser, extra_config: str = "") -> None:
    """[admin-long-term] with the user's key, [profile admin] naming its device."""
    write_long_term(home, "admin", user, layout="long-term")
    write_config(
        home,
        f"[profile admin]\nmfa_serial = {user.mfa_serials[0]}\nregion = us-east-1\n" + extra_config,
    )


def logged_in(emulator: Emulator, user: EmulatedUser) -> None:
    run = mfa_login(emulator, "--profile", "admin", "--code", user.code())
    assert run.code == 0, run.stderr


def write_session(home: Home, profile: str, left: timedelta) -> None:
    """A session ending `left` from now, as mfa-login writes it (a long-term sibling too)."""
    end = (datetime.now(timezone.utc) + left).strftime("%Y-%m-%dT%H:%M:%SZ")
    with home.credentials.open("a", encoding="utf-8") as handle:
        handle.write(
            f"[{profile}-long-term]\naws_access_key_id = AKIAEXAMPLE{profile.upper():0<9}\n"
            "aws_secret_access_key = long-term-secret\n\n"
            f"[{profile}]\naws_access_key_id = ASIAEXAMPLE0000000000\n"
            "aws_secret_access_key = session-secret\naws_session_token = session-token\n"
            f"expiration = {end}\n\n"
        )
