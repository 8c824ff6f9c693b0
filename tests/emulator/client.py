"""The test side: start the emulator in a subprocess and drive it over its control API.

Nothing here imports moto, so the test process stays as light as the product under test.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tests.emulator.totp import STEP_SECONDS, totp

REPO_ROOT = Path(__file__).resolve().parents[2]
# Requests signed with this key pass the layer unchecked and uncounted (seeding, inspection).
ADMIN_ACCESS_KEY_ID = "AKIAEMULATORADMIN000"
ADMIN_SECRET_ACCESS_KEY = "emulator-admin-secret-not-a-real-key-000"
START_TIMEOUT_SECONDS = 30.0


class EmulatorError(RuntimeError):
    """The emulator process did not start, or refused a control request."""


@dataclass(frozen=True)
class EmulatedUser:
    """An IAM user in the emulator with a long-term key and MFA devices."""

    name: str
    arn: str
    account_id: str
    access_key_id: str
    secret_access_key: str
    mfa_seeds: dict[str, str]  # TOTP device serial -> base32 seed, in creation order
    u2f_serials: list[str] = field(default_factory=list)
    user_id: str = ""  # IAM's unique id (AIDA...), GetCallerIdentity's UserId

    @property
    def mfa_serials(self) -> list[str]:
        return list(self.mfa_seeds)

    def seed(self, serial: str | None = None) -> str:
        return self.mfa_seeds[serial or self.mfa_serials[0]]

    def code(self, serial: str | None = None, at: float | None = None) -> str:
        """The code the device shows now (or at `at`)."""
        return totp(self.seed(serial), at)

    def next_code(self, serial: str | None = None) -> str:
        """The code of the next 30 s step: accepted now, and not yet used."""
        return totp(self.seed(serial), time.time() + STEP_SECONDS)


class Emulator:
    """The emulator in a child process on 127.0.0.1; a context manager."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._process: subprocess.Popen[str] | None = None
        self._log: IO[str] | None = None
        self.url = ""

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Emulator:
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the process
            "w+", prefix="aws-emulator-", suffix=".log", delete=False
        )
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_ACCOUNT_ID"):
            env.pop(name, None)  # the server must not pick up the test's settings
        # Nor any real home: the server gets an empty one that lives as long as it does.
        self._home = tempfile.TemporaryDirectory(prefix="aws-emulator-home-")
        env["HOME"] = self._home.name
        env["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(self._home.name, "credentials")
        env["AWS_CONFIG_FILE"] = os.path.join(self._home.name, "config")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.emulator", "--port", str(self._port)],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        assert self._process.stdout is not None
        # The ready line is written once the port is bound; a hung child must not hang the tests.
        readable, _, _ = select.select([self._process.stdout], [], [], START_TIMEOUT_SECONDS)
        line = self._process.stdout.readline() if readable else ""
        if not line:
            self.stop()
            raise EmulatorError(f"emulator did not start; see {self.log_path}")
        self.url = json.loads(line)["url"]
        self._wait_healthy()
        return self

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                self._control("GET", "health")
            except (OSError, EmulatorError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            else:
                return

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process is not None and self._process.stdout is not None:
            self._process.stdout.close()
        if self._log is not None:
            self._log.close()
        if self._home is not None:
            self._home.cleanup()

    @property
    def log_path(self) -> str:
        return self._log.name if self._log is not None else ""

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- control API ------------------------------------------------------------------------

    def _control(self, method: str, route: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 - always our own http://127.0.0.1 url
            f"{self.url}/_emulator/{route}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise EmulatorError(f"{method} {route}: {error.read().decode()}") from None

    def create_user(self, name: str, totp_devices: int = 1, u2f_devices: int = 0) -> EmulatedUser:
        """An IAM user with an access key and enabled MFA devices (virtual and security keys)."""
        data = self._control(
            "POST",
            "users",
            {"name": name, "totp_devices": totp_devices, "u2f_devices": u2f_devices},
        )
        return EmulatedUser(
            name=data["name"],
            arn=data["arn"],
            account_id=data["account_id"],
            access_key_id=data["access_key_id"],
            secret_access_key=data["secret_access_key"],
            mfa_seeds=dict(data["mfa_seeds"]),
            u2f_serials=list(data["u2f_serials"]),
            user_id=data["user_id"],
        )

    def create_role(self, name: str) -> str:
        """An IAM role any user may assume (no trust policy is checked); returns its ARN."""
        return str(self._control("POST", "roles", {"name": name})["arn"])

    def request_count(
        self, access_key_id: str, action: str | None = None, region: str | None = None
    ) -> int:
        """Requests signed with that key id (all actions, or one; for any region, or the one
        of the signature's credential scope), failed ones included."""
        payload = {"access_key_id": access_key_id, "action": action, "region": region}
        return int(self._control("POST", "counts", payload)["count"])

    def reset_counts(self) -> None:
        self._control("POST", "counts/reset", {})

    def fail_next(
        self, action: str, code: str, message: str, status: int = 400, times: int = 1
    ) -> None:
        """The next `times` requests of `action` (by any non-admin key) get this error."""
        self._control(
            "POST",
            "faults",
            {
                "kind": "fail",
                "action": action,
                "code": code,
                "message": message,
                "status": status,
                "times": times,
            },
        )

    def delay_next(self, action: str, seconds: float, times: int = 1) -> None:
        """The next `times` requests of `action` wait `seconds` before being answered."""
        self._control(
            "POST",
            "faults",
            {"kind": "delay", "action": action, "seconds": seconds, "times": times},
        )

    def reset_faults(self) -> None:
        self._control("POST", "faults/reset", {})

    def set_aws_clock_offset(self, seconds: float) -> None:
        """Make AWS's clock run `seconds` ahead of ours (negative: behind): the clock AWS checks
        signature dates against, writes into every answer's Date header and stamps and checks
        session expirations with. MFA codes still follow this machine's clock (the phone's).
        The emulator is shared: set it back to 0 when done."""
        self._control("POST", "clock", {"offset_seconds": seconds})

    def deactivate_key(self, user: EmulatedUser) -> None:
        """IAM UpdateAccessKey Status=Inactive for the user's long-term key."""
        self._control("POST", "keys/deactivate", {"access_key_id": user.access_key_id})

    def delete_key(self, user: EmulatedUser) -> None:
        """IAM DeleteAccessKey for the user's long-term key."""
        self._control("POST", "keys/delete", {"access_key_id": user.access_key_id})

    def set_session_expiry(self, access_key_id: str, seconds_from_now: float) -> datetime:
        """Make the session (ASIA key id) expire `seconds_from_now` on AWS's clock; negative
        ages it into the past. Returns the new expiration (UTC, whole seconds)."""
        payload = {"access_key_id": access_key_id, "seconds_from_now": seconds_from_now}
        stamp = self._control("POST", "sessions/expiry", payload)["expiration"]
        return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)

    def expire_session(self, access_key_id: str, seconds_ago: float = 1.0) -> datetime:
        """Age the session so that it expired `seconds_ago`; returns its new expiration."""
        return self.set_session_expiry(access_key_id, -seconds_ago)

    def env(self, user: EmulatedUser) -> dict[str, str]:
        """Environment variables that point AWS tools at the emulator as `user`."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": user.access_key_id,
            "AWS_SECRET_ACCESS_KEY": user.secret_access_key,
            "AWS_DEFAULT_REGION": "us-east-1",
        }
