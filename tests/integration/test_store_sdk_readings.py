"""The differential test: after each corpus login, aws-sdk-go-v2 and the JS SDK v3 read the
session mfa-login wrote exactly as botocore reads it, and every other profile exactly as
they read it before the login (each SDK against itself: they disagree with botocore on some
constructs other tools wrote, and the login must not change what any of them reads).

A first run that moves the long-term key to [NAME-long-term] is judged there too: each SDK
reads the moved key as it read it in [NAME] before.
"""

from __future__ import annotations

import random

import pytest

from tests.conftest import Home
from tests.fakes import FakeAws
from tests.integration.test_store_corpus import (
    CORPUS,
    GENERATED_COUNT,
    HAND_WRITTEN,
    _login_and_judge,
    generate,
)
from tests.store_support import store_aws
from tests.thirdparty.compare import differences
from tests.thirdparty.sdk_readers import READERS, FilesReading, SdkReaders

SESSION_KEYS = ("aws_session_token", "expiration", "x_security_token_expires")

# Files in which an SDK reads no profile at all, before the login as after it: a `"` that is
# not closed, in a key mfa-login does not own, makes aws-sdk-go-v2 1.17 read nothing of the
# file (docs/files.md, "How the AWS SDKs read these files"). The key stays as it was.
READS_NO_PROFILE: dict[str, set[str]] = {
    "ok_target_quotes.ini": {"go"},
    "ok_unclosed_quote.ini": {"go"},
}


@pytest.fixture
def fake_aws() -> FakeAws:
    return store_aws()


def _login_reads_alike(
    sdk_readers: SdkReaders, home: Home, fake_aws: FakeAws, raw: bytes, name: str
) -> None:
    home.credentials.write_bytes(raw)
    before = sdk_readers.read_all(home.credentials, home.config)
    ours = _login_and_judge(raw, home.credentials, name, fake_aws)
    assert ours is not None, "every ok_ file is logged into"
    after = sdk_readers.read_all(home.credentials, home.config)
    target = ours[0]
    for reader in READERS:
        changed = differences(before[reader], after[reader])
        others = {d for d in changed if d.partition(": ")[0] not in ours}
        assert others == set(), f"{reader} reads another profile differently after the login"
    written = after["botocore"]["profiles"][target]
    assert written["credentials"] is not None
    assert written["credentials"]["aws_session_token"] is not None
    for reader in ("go", "js"):
        if reader in READS_NO_PROFILE.get(name, set()):
            assert before[reader]["profiles"] == after[reader]["profiles"] == {}, reader
            continue
        session = after[reader]["profiles"].get(target)
        assert session is not None, f"{reader} sees no [{target}]"
        assert session["error"] is None, f"{reader}: {session['error']}"
        assert session["credentials"] == written["credentials"], reader
        for key in _visible(after[reader], SESSION_KEYS):
            assert session["values"].get(key) == written["values"][key], (reader, key)
    if len(ours) == 2:
        _moved_key_reads_as_before(before, after, target, ours[1])


def _visible(reading: FilesReading, keys: tuple[str, ...]) -> list[str]:
    visible = reading["visible_keys"]
    return [key for key in keys if visible is None or key in visible]


def _moved_key_reads_as_before(
    before: dict[str, FilesReading], after: dict[str, FilesReading], source: str, moved: str
) -> None:
    for reader in READERS:
        was = before[reader]["profiles"].get(source)
        now = after[reader]["profiles"].get(moved)
        was_key = was["credentials"] if was is not None else None
        now_key = now["credentials"] if now is not None else None
        assert now_key == was_key, f"{reader} reads the moved key otherwise"


@pytest.mark.parametrize("name", [n for n in HAND_WRITTEN if n.startswith("ok_")])
def test_corpus_login_reads_alike_in_every_sdk(
    name: str, sdk_readers: SdkReaders, home: Home, fake_aws: FakeAws
) -> None:
    raw = (CORPUS / name).read_bytes()
    _login_reads_alike(sdk_readers, home, fake_aws, raw, name)


@pytest.mark.parametrize("seed", range(GENERATED_COUNT))
def test_generated_login_reads_alike_in_every_sdk(
    seed: int, sdk_readers: SdkReaders, home: Home, fake_aws: FakeAws
) -> None:
    raw = generate(random.Random(seed))  # noqa: S311 - test data, not cryptography
    _login_reads_alike(sdk_readers, home, fake_aws, raw, f"ok_generated_{seed}")
