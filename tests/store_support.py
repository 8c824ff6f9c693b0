"""Shared by the store tests: a fake AWS that checks how it is asked, a login through the
command, and the yardsticks every outcome is judged by (botocore's view, comment lines)."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import secrets
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

from mfa_session.models import LongTermKey, MfaDevice, SessionCredentials

DEVICE = "arn:aws:iam::123456789012:mfa/work"


def fresh_code() -> str:
    """A code as a person types it: a new one each login. The product remembers codes AWS
    took and refuses them a second time, so a fixed code would trip that guard."""
    return f"{secrets.randbelow(10**6):06d}"


TEMP_SUFFIX = ".mfa-login.tmp"
Sections = dict[str, dict[str, str]]


class FakeAws:
    """AwsApi for the store tests: the device is always named, so IAM is never asked.

    Each session's three values share one tag (`ASIA<tag>`, `secret-<tag>`, `token-<tag>`),
    so a test can tell a whole session from a mix of two; the tag holds the process id, so
    sessions from parallel processes differ too.
    """

    def __init__(self) -> None:
        self.issued: list[SessionCredentials] = []
        self._counter = itertools.count(1)

    def warm_up(self, key: LongTermKey, region: str) -> None:
        assert key.access_key_id.startswith("AKIA"), key.access_key_id
        assert region

    def list_mfa_devices(self, key: LongTermKey, region: str) -> list[MfaDevice]:  # noqa: ARG002
        raise AssertionError("the store tests name the device; IAM must not be asked")

    def get_session_token(
        self, key: LongTermKey, region: str, device: MfaDevice, code: str, duration: int
    ) -> SessionCredentials:
        assert key.access_key_id.startswith("AKIA"), key.access_key_id
        assert key.secret_access_key
        assert region
        assert device.serial == DEVICE
        assert len(code) == 6, code
        assert code.isascii(), code
        assert code.isdigit(), code
        assert 900 <= duration <= 129600
        tag = f"{os.getpid()}X{next(self._counter)}"
        session = SessionCredentials(
            access_key_id=f"ASIA{tag}",
            secret_access_key=f"secret-{tag}",
            session_token=f"token-{tag}",
            expiration=datetime.now(timezone.utc).replace(microsecond=0)
            + timedelta(seconds=duration),
        )
        self.issued.append(session)
        return session


def login_args(profile: str, *extra: str) -> list[str]:
    return ["--profile", profile, "--code", fresh_code(), "--device", DEVICE, "--force", *extra]


def run_command(args: list[str]) -> tuple[int, str]:
    """`mfa-login ARGS` in this process; returns the exit code and what went to stderr."""
    from mfa_session.cli import main

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main(args)
    return code, stderr.getvalue()


def botocore_view(path: Path) -> Sections:
    from botocore.configloader import raw_config_parse

    return raw_config_parse(str(path), parse_subsections=False)


def comment_lines(raw: bytes) -> Counter[str]:
    text = raw.decode("utf-8", errors="replace")
    return Counter(
        line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()[:1] == "#"
    )


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def secrets_in(raw: bytes) -> list[str]:
    """Every secret and token value in a credentials text, to check messages against."""
    found = []
    for line in raw.decode("utf-8", errors="replace").replace("\r", "\n").split("\n"):
        key, _, value = line.partition("=")
        if key.strip().lower() in ("aws_secret_access_key", "aws_session_token") and value.strip():
            found.append(value.strip())
    return found


def is_whole_session(values: Mapping[str, str]) -> bool:
    """The section holds one session from FakeAws, not parts of two."""
    key = values.get("aws_access_key_id", "")
    if not key.startswith("ASIA"):
        return False
    tag = key[len("ASIA") :]
    return (
        values.get("aws_secret_access_key") == f"secret-{tag}"
        and values.get("aws_session_token") == f"token-{tag}"
        and bool(values.get("expiration"))
    )


def assert_only_target_changed(
    before_raw: bytes,
    before: Sections,
    path: Path,
    target: str,
    *,
    moved_to: str | None = None,
) -> Sections:
    """The login's promise: other sections read as before, every comment stays, the target
    holds a whole session and keeps its other keys. Returns botocore's view after."""
    after = botocore_view(path)
    for name in set(before) | set(after):
        if name in (target, moved_to):
            continue
        assert after.get(name) == before.get(name), f"[{name}] changed"
    assert is_whole_session(after[target]), after[target]
    if "aws_security_token" in before.get(target, {}):
        # aws-mfa's second name for the token, which botocore reads first: renewed with it.
        assert after[target]["aws_security_token"] == after[target]["aws_session_token"]
    session_keys = {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
    }
    for key, value in before.get(target, {}).items():
        if key not in session_keys | {"expiration"}:
            assert after[target].get(key) == value, f"{key} in [{target}] changed"
    if moved_to is not None:
        for key in ("aws_access_key_id", "aws_secret_access_key"):
            assert after[moved_to][key] == before[target][key]
    missing = comment_lines(before_raw) - comment_lines(path.read_bytes())
    assert not missing, f"comments lost: {sorted(missing)}"
    return after
