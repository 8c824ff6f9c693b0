"""A throwaway home for runs of the installed mfa-login against the local AWS emulator.

Shared by trace_login.py and state_parallel.py: the environment a child gets (only this
home, the emulator's URL and no keyring service), and the files a person keeps.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.emulator import EmulatedUser  # noqa: E402 - needs REPO on the path


def environment(home: Path, emulator_url: str, venv_bin: Path) -> dict[str, str]:
    """What a child sees: this home (its ~/.aws and XDG defaults), the emulator as AWS.

    No D-Bus session is passed on, so keyring finds no Secret Service, as on a server; the
    login keeps the long-term key where the files have it.
    """
    return {
        "PATH": f"{venv_bin}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "xterm",
        "AWS_ENDPOINT_URL": emulator_url,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }


def credentials_file(home: Path) -> Path:
    return home / ".aws" / "credentials"


def config_file(home: Path) -> Path:
    return home / ".aws" / "config"


def state_file(home: Path) -> Path:
    """Where the product keeps its state with XDG_STATE_HOME unset."""
    return home / ".local" / "state" / "mfa-session" / "state.json"


def add_long_term_key(home: Path, profile: str, user: EmulatedUser) -> None:
    """aws-mfa's layout: the key in [PROFILE-long-term], the session goes into [PROFILE]."""
    path = credentials_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(
            f"[{profile}-long-term]\n"
            f"aws_access_key_id = {user.access_key_id}\n"
            f"aws_secret_access_key = {user.secret_access_key}\n\n"
        )
    path.chmod(0o600)


def add_config_profile(home: Path, profile: str, serial: str | None) -> None:
    """[profile PROFILE] with its region, and its MFA device when `serial` is given."""
    path = config_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    device = f"mfa_serial = {serial}\n" if serial else ""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"[profile {profile}]\n{device}region = us-east-1\n\n")


def session_sections(home: Path) -> dict[str, str]:
    """Section -> its aws_access_key_id, for every section holding a session (ASIA...) key."""
    import configparser

    parser = configparser.RawConfigParser()
    parser.read(credentials_file(home), encoding="utf-8")
    keys = {name: parser.get(name, "aws_access_key_id", fallback="") for name in parser.sections()}
    return {name: key for name, key in keys.items() if key.startswith("ASIA")}
