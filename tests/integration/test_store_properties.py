"""Property: every credentials file botocore reads is logged into. The login writes the
session into [work], every byte outside [work] stays as it was, every other section reads
exactly as before with every comment kept, and the preflight (before any code) agrees: no
file botocore reads is refused.

The files hold what botocore accepts and configobj used to refuse: `;` comments, `key:
value`, continuation lines (also in [work] and under a session key), `[ name ]`, quotes,
indented headers, CR, CRLF or LF, no final line break, [DEFAULT], keys in capitals.
"""

from __future__ import annotations

import itertools
import stat

import pytest
from botocore.exceptions import ConfigParseError
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from mfa_session.store.credentials import CredentialsStore
from tests.conftest import Home
from tests.fakes import FakeAws
from tests.store_support import (
    assert_only_target_changed,
    botocore_view,
    login_args,
    run_command,
    store_aws,
    temp_files,
)

# Names and values people put in these files, plus the characters that trip parsers.
_plain_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=12)
_name = st.one_of(
    *[_plain_name] * 6,
    st.sampled_from([" default ", "with space", "[nested]", '"quoted"', "DEFAULT", "default"]),
)
# Keys that would make [work] another tool's (sso_*, credential_process, manager) are left
# out: those sections are refused on purpose (tests/integration/test_store_corpus.py).
_key = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC_", min_size=1, max_size=16).filter(
    lambda k: not k.lower().startswith(("sso_", "credential_process", "manager"))
)
_session_key = st.sampled_from(
    [
        "aws_access_key_id",
        "AWS_SESSION_TOKEN",
        "aws_session_token",
        "aws_secret_access_key",
        "expiration",
        "aws_security_token",
        "x_security_token_expires",
    ]
)
_value = st.lists(
    st.text(
        alphabet=st.characters(
            min_codepoint=32, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc", "Zs")
        ),
        min_size=1,
        max_size=6,
    )
    | st.sampled_from([" ", "\t", "#", ";", "'", '"', "=", ":", "[", "]", " #", " ;", "'''"]),
    max_size=4,
).map("".join)
_comment = st.builds(
    lambda indent, mark, text: f"{indent}{mark}{text}",
    st.sampled_from(["", "", "  ", "\t"]),
    st.sampled_from(["#", "# ", ";", "; "]),
    st.text(alphabet="abc xyz#;=[]é", max_size=15),
)
_separator = st.sampled_from([" = ", "=", " =", "= ", ": ", ":", " : ", "\t=\t"])


@st.composite
def _section_lines(draw: st.DrawFn, name: str, indent: str) -> list[str]:
    header_indent = draw(st.sampled_from(["", "", indent]))
    trailer = draw(st.sampled_from(["", "", " ; note", " # note"]))
    lines = [f"{header_indent}[{name}]{trailer}"]
    if name == "work-long-term":
        pairs = [
            ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
            ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG"),
        ]
    else:
        keys = _key if name != "work" else _session_key | _key
        pairs = draw(
            st.lists(st.tuples(keys, _value), max_size=5, unique_by=lambda p: p[0].lower())
        )
    for key, value in pairs:
        lines.extend(draw(st.lists(_comment, max_size=1)))
        lines.append(f"{indent}{key}{draw(_separator)}{value}")
        for _ in range(draw(st.integers(0, 2) if name != "work-long-term" else st.just(0))):
            # A line indented deeper than the key continues its value (blank lines and
            # comments may stand between).
            lines.extend(draw(st.lists(st.sampled_from(["", "  # inside"]), max_size=1)))
            lines.append(f"{indent}    more{draw(st.sampled_from(['', ' = x', ' [x]']))}")
    lines.extend(draw(st.lists(st.just(""), max_size=1)))
    return lines


@st.composite
def credentials_files(draw: st.DrawFn) -> bytes:
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    indent = draw(st.sampled_from(["", "", "\t", "  "]))
    lines: list[str] = draw(st.lists(_comment, max_size=2))
    names = draw(st.lists(_name, max_size=5, unique_by=str.strip))
    names = [n for n in names if n.strip() not in ("work", "work-long-term")]
    order = [*names, "work-long-term"]
    if draw(st.booleans()):
        order.append("work")
    for name in draw(st.permutations(order)):
        lines.extend(draw(_section_lines(name, indent)))
    text = newline.join(lines)
    if draw(st.booleans()):
        text += newline
    return text.encode("utf-8")


_runs = itertools.count()


@pytest.fixture
def fake_aws() -> FakeAws:
    """The AWS every login of these tests is given (passed in, see run_command)."""
    return store_aws()


@settings(
    max_examples=300,
    deadline=None,
    # One home for all examples is fine: each example writes a file of its own.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=credentials_files())
def test_every_file_botocore_reads_is_logged_into_and_kept_byte_for_byte(
    raw: bytes,
    home: Home,
    monkeypatch: pytest.MonkeyPatch,
    fake_aws: FakeAws,
) -> None:
    """Regression: configobj refused 51-65% of these files (a `;` comment, `key: value`, a
    continuation line anywhere) and rewrote the rest of every file it wrote."""
    folder = home.root / f"run{next(_runs)}"
    folder.mkdir()
    credentials = folder / "credentials"
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    credentials.write_bytes(raw)
    credentials.chmod(0o600)
    try:
        before = botocore_view(credentials)
    except ConfigParseError:
        before = None
    event("botocore reads it" if before is not None else "botocore cannot read it")
    assume(before is not None)  # only files botocore accepts are in scope
    assert before is not None
    assume(not before.get("work", {}).get("aws_access_key_id", "").strip().startswith("AKIA"))

    CredentialsStore(credentials).check_session_write("work")
    code, stderr = run_command(fake_aws, login_args("work"))

    assert temp_files(folder) == []
    assert code == 0, f"no file botocore reads is refused: {stderr}"
    event("logged in")
    assert_only_target_changed(raw, before, credentials, "work")
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
