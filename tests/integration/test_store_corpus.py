"""A corpus of credentials files, each run through a login (`mfa-login` in this process,
AWS faked): either it succeeds, every byte outside the sections it wrote is as it was and
botocore reads every other section exactly as before, or it fails with a clear message and
the file byte-identical. Only a file botocore cannot read, and a target that is not ours to
write (another tool's, a long-term key), is refused; the preflight says the same as the
write, before any code is asked for.

Hand-written files live in tests/corpus/credentials (`ok_*` must succeed, `refuse_*` must fail
with the message in expected.json); more are generated here from a fixed seed.
"""

from __future__ import annotations

import json
import random
import stat
from pathlib import Path

import pytest

from mfa_session.errors import MfaSessionError
from mfa_session.exit_codes import ExitCode
from mfa_session.models import LongTermCopy
from mfa_session.rules.sections import key_section
from mfa_session.store.credentials import CredentialsStore
from tests.conftest import Home
from tests.fakes import FakeAws
from tests.store_support import (
    assert_only_target_changed,
    botocore_view,
    login_args,
    run_command,
    secrets_in,
    store_aws,
    temp_files,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "credentials"
EXPECTED: dict[str, dict[str, object]] = json.loads((CORPUS / "expected.json").read_text())
HAND_WRITTEN = sorted(p.name for p in CORPUS.glob("*.ini"))
GENERATED_COUNT = 20


@pytest.fixture
def fake_aws() -> FakeAws:
    """The AWS every login of these tests is given (passed in, see run_command)."""
    return store_aws()


def _login_and_judge(
    raw: bytes, credentials: Path, name: str, fake_aws: FakeAws
) -> tuple[str, ...] | None:
    """Log into the file and judge the outcome; the sections the login wrote (the target,
    then the section a first run moved the key to), or None when it was refused."""
    expectation = EXPECTED.get(name, {})
    profile = str(expectation.get("profile", "work"))
    extra = [str(a) for a in expectation.get("args", [])]  # type: ignore[attr-defined]
    credentials.write_bytes(raw)
    credentials.chmod(0o600)
    before = botocore_view(credentials) if _botocore_reads(credentials) else {}
    target = "ops" if "--write-profile" in extra else profile
    # As the login decides: a first run with the key in [NAME] itself moves it.
    in_profile = key_section(profile, before) == (profile, True)
    moved = f"{profile}-long-term" if in_profile and target == profile else None
    preflight = _preflight(credentials, target, moved)

    code, stderr = run_command(fake_aws, login_args(profile, *extra))

    assert temp_files(credentials.parent) == []
    for secret in secrets_in(raw):
        assert secret not in stderr
    if name.startswith("refuse_"):
        assert code == ExitCode.FILE_UNSAFE, stderr
        assert credentials.read_bytes() == raw
        assert str(expectation["message"]) in stderr, stderr
        assert stderr.count("\n") == 1, "one line, no traceback"
        assert stderr == f"mfa-login: {preflight}\n", "the preflight says what the write says"
        return None
    assert code == ExitCode.OK, stderr
    assert preflight is None, preflight
    assert_only_target_changed(raw, before, credentials, target, moved_to=moved)
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    return (target,) if moved is None else (target, moved)


def _preflight(credentials: Path, target: str, moved: str | None) -> str | None:
    """What the store's preflight refuses for this write, as the login would ask it."""
    keep = LongTermCopy(moved) if moved is not None else None
    try:
        CredentialsStore(credentials).check_session_write(target, keep_long_term_in=keep)
    except MfaSessionError as refused:
        return str(refused)
    return None


def _botocore_reads(path: Path) -> bool:
    from botocore.exceptions import ConfigParseError

    try:
        botocore_view(path)
    except ConfigParseError:
        return False
    return True


def test_corpus_is_large_enough_and_fully_described() -> None:
    assert len(HAND_WRITTEN) + GENERATED_COUNT >= 25
    assert all(n.startswith(("ok_", "refuse_")) for n in HAND_WRITTEN)
    refusals = {n for n in HAND_WRITTEN if n.startswith("refuse_")}
    assert refusals <= {n for n, e in EXPECTED.items() if "message" in e}


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_hand_written_file(name: str, home: Home, fake_aws: FakeAws) -> None:
    _login_and_judge((CORPUS / name).read_bytes(), home.credentials, name, fake_aws)


@pytest.mark.parametrize("seed", range(GENERATED_COUNT))
def test_generated_file(seed: int, home: Home, fake_aws: FakeAws) -> None:
    raw = generate(random.Random(seed))  # noqa: S311 - test data, not cryptography
    # Generated files are files botocore reads, so every one must log in.
    _login_and_judge(raw, home.credentials, f"ok_generated_{seed}", fake_aws)


def generate(rng: random.Random) -> bytes:
    """A plausible credentials file: many profiles, comments, and the layout quirks people
    have (CRLF, tabs, missing final newline, empty values, an old session in the target)."""
    newline = rng.choice(["\n", "\n", "\r\n"])
    indent = rng.choice(["", "", "\t", "    "])
    lines: list[str] = []
    if rng.random() < 0.5:
        lines.append(f"# generated file {rng.randrange(1000)}")
    names = [f"profile-{i}" for i in range(rng.randrange(1, 12))]
    sections = [*names, "work-long-term"]
    if rng.random() < 0.5:
        sections.append("work")
    rng.shuffle(sections)
    for name in sections:
        if rng.random() < 0.3:
            lines.append(f"# about {name}")
        lines.append(f"[{name}]")
        for key, value in _section_values(rng, name):
            if rng.random() < 0.15:
                lines.append(f"{indent}# note on {key}")
            lines.append(f"{indent}{key}{rng.choice([' = ', '=', ' =  '])}{value}".rstrip(" "))
        if rng.random() < 0.5:
            lines.append("")
    text = newline.join(lines)
    if rng.random() < 0.8:
        text += newline
    return text.encode("utf-8")


def _section_values(rng: random.Random, name: str) -> list[tuple[str, str]]:
    if name == "work-long-term":
        values = [
            ("aws_access_key_id", "AKIA" + "".join(rng.choices("ABCDEFGHIJ234567", k=16))),
            ("aws_secret_access_key", "".join(rng.choices("abcdefXYZ/+0123", k=40))),
        ]
        if rng.random() < 0.5:
            values.append(("aws_mfa_device", "arn:aws:iam::123456789012:mfa/work"))
        return values
    if name == "work":
        return [
            ("aws_access_key_id", "ASIAOLD" + str(rng.randrange(10**6))),
            ("aws_secret_access_key", "old-secret"),
            ("aws_session_token", "old-token"),
            ("expiration", "2020-01-01T00:00:00Z"),
        ]
    values = []
    for key in rng.sample(["region", "output", "aws_access_key_id", "note", "role_arn"], 3):
        values.append((key, rng.choice(["", "eu-west-1", "json", "a=b", "x#y", "ASIA123"])))
    return values
