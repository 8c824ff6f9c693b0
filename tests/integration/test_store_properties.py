"""Property: for any credentials file botocore accepts, a login either leaves every other
section reading exactly as before with every comment kept, or refuses with a one-line
message and leaves the file byte-identical. Never anything in between."""

from __future__ import annotations

import itertools
import stat

import pytest
from botocore.exceptions import ConfigParseError
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from mfa_session.exit_codes import ExitCode
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
    *[_plain_name] * 6, st.sampled_from([" default ", "with space", "[nested]", '"quoted"'])
)
_key = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=16)
_value = st.lists(
    st.text(
        alphabet=st.characters(
            min_codepoint=32, max_codepoint=0x2FF, blacklist_categories=("Cs", "Cc", "Zs")
        ),
        min_size=1,
        max_size=6,
    )
    | st.sampled_from([" ", "\t", "#", ";", "'", '"', "=", ":", "[", "]", " #", "'''"]),
    max_size=4,
).map("".join)
_comment = st.builds(
    lambda mark, text: f"{mark}{text}",
    st.sampled_from(["#", "# ", "#", "# ", "#", "  #", "#", ";"]),
    st.text(alphabet="abc xyz#;=[]é", max_size=15),
)


@st.composite
def credentials_files(draw: st.DrawFn) -> bytes:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    indent = draw(st.sampled_from(["", "", "\t", "  "]))
    lines: list[str] = draw(st.lists(_comment, max_size=2))
    names = draw(st.lists(_name, max_size=5, unique_by=str.strip))
    names = [n for n in names if n.strip() not in ("work", "work-long-term")]
    order = [*names, "work-long-term"]
    if draw(st.booleans()):
        order.append("work")
    order = draw(st.permutations(order))
    for name in order:
        lines.append(f"[{name}]")
        if name == "work-long-term":
            pairs = [
                ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
                ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG"),
            ]
        else:
            pairs = draw(st.lists(st.tuples(_key, _value), max_size=4, unique_by=lambda p: p[0]))
        for key, value in pairs:
            lines.extend(draw(st.lists(_comment, max_size=1)))
            separator = draw(st.sampled_from([" = ", "=", " =", "= "]))
            lines.append(f"{indent}{key}{separator}{value}")
        lines.extend(draw(st.lists(st.just(""), max_size=1)))
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
    max_examples=200,
    deadline=None,
    # One home for all examples is fine: each example writes a file of its own.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=credentials_files())
def test_login_keeps_everything_or_touches_nothing(
    raw: bytes,
    home: Home,
    monkeypatch: pytest.MonkeyPatch,
    fake_aws: FakeAws,
) -> None:
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
    assume(before is not None)  # only files botocore accepts are in scope
    assert before is not None

    code, stderr = run_command(fake_aws, login_args("work"))

    assert temp_files(folder) == []
    if code == ExitCode.OK:
        event("logged in")
        assert_only_target_changed(raw, before, credentials, "work")
        assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    else:
        assert code == ExitCode.FILE_UNSAFE, stderr
        event("refused: " + stderr.split(": ", 2)[-1].split(",")[0][:50])
        assert stderr.startswith("mfa-login: ")
        assert stderr.count("\n") == 1, stderr
        assert credentials.read_bytes() == raw
