"""A real login in this terminal against the local emulator: `python3 tasks.py demo`.

Everything happens in a temporary folder: the real ~/.aws is never read or written. The
emulator plays AWS; this script plays the authenticator app by printing the current code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.emulator.client import Emulator
from tests.emulator.totp import STEP_SECONDS

MFA_LOGIN = str(Path(sys.executable).with_name("mfa-login"))
PROFILE = "demo"


def masked(text: str) -> str:
    """The credentials file as shown on screen: secrets cut to their first characters."""
    return re.sub(
        r"^(aws_secret_access_key|aws_session_token)( *= *)(\S{4})\S*",
        r"\1\2\3... (hidden)",
        text,
        flags=re.MULTILINE,
    )


def main() -> int:
    interactive = sys.stdin.isatty()
    with tempfile.TemporaryDirectory(prefix="mfa-login-demo-") as folder, Emulator() as emulator:
        home = Path(folder)
        aws = home / ".aws"
        aws.mkdir(mode=0o700)
        user = emulator.create_user("demo-user")
        credentials = aws / "credentials"
        # The story is told on screen, not in the file: a comment there would stay above
        # [demo] after the login and say what is no longer true.
        credentials.write_text(
            f"[{PROFILE}]\naws_access_key_id = {user.access_key_id}\n"
            f"aws_secret_access_key = {user.secret_access_key}\n"
        )
        credentials.chmod(0o600)
        (aws / "config").write_text(f"[profile {PROFILE}]\nregion = us-east-1\n")
        env = {
            **os.environ,
            "HOME": str(home),
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_CONFIG_FILE": str(aws / "config"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "AWS_ENDPOINT_URL": emulator.url,
            # The demo's key is a throwaway: it must not land in this desktop's real keyring.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(name, None)

        left = STEP_SECONDS - int(time.time()) % STEP_SECONDS
        print(f"Local AWS emulator at {emulator.url}; files in {home}")
        print(f"IAM user {user.name} with MFA device {user.mfa_serials[0]}")
        print(
            f"Your authenticator app shows: {user.code()}  ({left} s left; then {user.next_code()})"
        )
        print(
            f"\n{credentials} before the first login (secrets hidden here): the long-term "
            f"key sits in [{PROFILE}] itself"
        )
        print(masked(credentials.read_text()))
        print(f"$ mfa-login --profile {PROFILE}", flush=True)
        if interactive:
            login: subprocess.CompletedProcess[Any] = subprocess.run(
                [MFA_LOGIN, "--profile", PROFILE], env=env, check=False
            )
        else:
            # No terminal (a script or CI): the code arrives on stdin, as in a pipeline.
            login = subprocess.run(
                [MFA_LOGIN, "--profile", PROFILE],
                env=env,
                input=user.code() + "\n",
                text=True,
                check=False,
            )
        if login.returncode != 0:
            return login.returncode

        print(
            f"\n{credentials} now holds (secrets hidden here): the long-term key moved to "
            f"[{PROFILE}-long-term], the session in [{PROFILE}]"
        )
        print(masked(credentials.read_text()))
        print(f"$ aws sts get-caller-identity --profile {PROFILE}", flush=True)
        identity = subprocess.run(
            [
                sys.executable,
                "-m",
                "awscli",
                "sts",
                "get-caller-identity",
                "--profile",
                PROFILE,
                "--output",
                "text",
                "--query",
                "Arn",
            ],
            env=env,
            check=False,
        )
        print(f"\n$ mfa-login --profile {PROFILE}     # again: nothing to do", flush=True)
        again = subprocess.run([MFA_LOGIN, "--profile", PROFILE], env=env, check=False)
        return identity.returncode or again.returncode


if __name__ == "__main__":
    raise SystemExit(main())
