"""A login in a process of its own, for the fault-injection and concurrency tests.

    python tests/store_child.py login PROFILE   # mfa-login --profile PROFILE, AWS faked
    python tests/store_child.py store PROFILE   # CredentialsStore.write_session directly

The credentials file comes from AWS_SHARED_CREDENTIALS_FILE as for the product.
STORE_TEST_FAULT, read only by this script (never by the product), injects a fault:
  kill-before-replace   SIGKILL itself when the store renames the temp file over the file
  kill-after-replace    SIGKILL itself right after that rename, before the folder fsync
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

# Run as a script: make the repository importable (tests.* and the worktree's mfa_session).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mfa_session.errors import MfaSessionError
from tests.store_support import login_args, store_aws


def _install_fault(fault: str, credentials: Path) -> None:
    real_replace = os.replace

    def replace(source: str | os.PathLike[str], destination: str | os.PathLike[str]) -> None:
        hits_file = Path(destination).name == credentials.name
        if hits_file and fault == "kill-before-replace":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(source, destination)
        if hits_file and fault == "kill-after-replace":
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace  # type: ignore[assignment]


def main(mode: str, profile: str) -> int:
    credentials = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    fault = os.environ.get("STORE_TEST_FAULT", "")
    if fault:
        _install_fault(fault, credentials)
    if mode == "login":
        from mfa_session.cli import main as cli_main
        from mfa_session.wiring import Wiring

        fake = store_aws()
        wiring = Wiring(
            os.environ,
            stdin=sys.stdin,
            stdout=sys.stdout,
            stderr=sys.stderr,
            aws=lambda _settings: fake,
        )
        return cli_main(login_args(profile), wiring=wiring)

    from mfa_session.store.credentials import CredentialsStore

    session = store_aws().issue(12 * 3600)
    try:
        CredentialsStore(credentials).write_session(profile, session)
    except MfaSessionError as error:
        print(f"mfa-login: {error}", file=sys.stderr)
        return int(error.exit_code)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
