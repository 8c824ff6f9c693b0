"""Shared by the store tests: the fake AWS they pass in, a login through the command, and the
yardsticks every outcome is judged by (botocore's view, comment lines, the bytes outside the
written sections)."""

from __future__ import annotations

import io
import os
import re
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from mfa_session.rules.files import Sections
from mfa_session.rules.ini_layout import scan
from mfa_session.store.credentials import CredentialsStore
from mfa_session.store.files import TEMP_SUFFIX
from tests.fakes import FakeAws, is_whole_session

DEVICE = "arn:aws:iam::123456789012:mfa/work"


_ISSUED: set[str] = set()
"""Every code this process handed out: drawn at random, two of a few hundred logins in one
home (the property tests) sometimes matched, and the used-code guard refused the second."""


def fresh_code() -> str:
    """A code as a person types it: a new one each login. The product remembers codes AWS
    took and refuses them a second time, so a code is never handed out twice."""
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in _ISSUED:
            _ISSUED.add(code)
            return code


def store_aws() -> FakeAws:
    """The AWS of the store tests: any long-term key, the device always named (IAM is never
    asked), sessions tagged with the process id so that parallel processes' differ."""
    return FakeAws(
        expected_key=None,
        device=DEVICE,
        devices=None,
        label=f"{os.getpid()}X",
        now=lambda: datetime.now(timezone.utc),
    )


def login_args(profile: str, *extra: str) -> list[str]:
    return ["--profile", profile, "--code", fresh_code(), "--device", DEVICE, "--force", *extra]


def run_command(
    aws: FakeAws,
    args: list[str],
    *,
    credentials_store: Callable[..., CredentialsStore] = CredentialsStore,
) -> tuple[int, str]:
    """`mfa-login ARGS` in this process with `aws` passed in as AWS (and the store from
    `credentials_store`); returns the exit code and what went to stderr."""
    from mfa_session.cli import main
    from mfa_session.wiring import Wiring

    stderr = io.StringIO()
    wiring = Wiring(
        os.environ,
        stdin=io.StringIO(""),
        stdout=io.StringIO(),
        stderr=stderr,
        aws=lambda _settings: aws,
        credentials_store=credentials_store,
    )
    code = main(args, wiring=wiring)
    return code, stderr.getvalue()


def botocore_view(path: Path) -> Sections:
    from botocore.configloader import raw_config_parse

    return raw_config_parse(str(path), parse_subsections=False)


def comment_lines(raw: bytes) -> Counter[str]:
    text = raw.decode("utf-8", errors="replace")
    return Counter(
        line.strip()
        for line in text.replace("\r", "\n").split("\n")
        if line.strip()[:1] in ("#", ";")
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
        if key not in session_keys | {"expiration", "x_security_token_expires"}:
            assert after[target].get(key) == value, f"{key} in [{target}] changed"
    if moved_to is not None:
        for key in ("aws_access_key_id", "aws_secret_access_key"):
            assert after[moved_to][key] == before[target][key]
    missing = comment_lines(before_raw) - comment_lines(path.read_bytes())
    assert not missing, f"comments lost: {sorted(missing)}"
    ours = (target,) if moved_to is None else (target, moved_to)
    assert_outside_unchanged(before_raw, path.read_bytes(), ours)
    return after


# A line break, then blank lines up to the end of the text: what may differ where a part
# outside the written sections meets one of them.
_LOOSE_END = re.compile(r"(?:\r\n|\r|\n)(?:[^\S\r\n]*(?:\r\n|\r|\n))*[^\S\r\n]*\Z")


def outside_parts(raw: bytes, ours: tuple[str, ...]) -> list[str]:
    """The text of the file outside the sections `ours`, cut where one of them stands (as
    botocore's parser finds them), each piece without the line break and blank lines at its
    end; empty pieces left out."""
    pieces = [""]
    # A line's section is the header above it (None before the first): the scan's spans
    # of `ours` hold exactly the lines whose section is one of `ours`.
    for line in scan(raw.decode("utf-8")).lines:
        if line.section in ours:
            if pieces[-1]:
                pieces.append("")
            continue
        pieces[-1] += line.raw
    return [_LOOSE_END.sub("", piece) for piece in pieces if _LOOSE_END.sub("", piece)]


def assert_outside_unchanged(before: bytes, after: bytes, ours: tuple[str, ...]) -> None:
    """The login's promise: every byte outside the sections it wrote is as it was, in the
    same order; only blank lines where a part meets a written section (or the file's end),
    and a line break added to a last line, may differ."""
    assert outside_parts(after, ours) == outside_parts(before, ours)
