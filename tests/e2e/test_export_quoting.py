"""Every `export` format read back by its own reader gives the values byte for byte.

The values hold every quote character (' " ` and PowerShell's U+2018 to U+201B), $ and
$(...), \\, a newline and a carriage return. sh and fish output is evaluated by the real
shells (bash, zsh, dash, fish), dotenv by python-dotenv (the reader this format follows),
json by json.
There is no PowerShell here: its output is read by `powershell_assignments`, which follows
PowerShell's own tokenizer (a verbatim string ends at any of the five single-quote
characters unless the next one is one too; `| Invoke-Expression` runs each line alone).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from dotenv import dotenv_values

from mfa_session.models import SessionCredentials
from mfa_session.output.session_formats import render
from tests.conftest import Home
from tests.e2e.formats_helpers import shell_env
from tests.e2e.helpers import mfa_login
from tests.emulator import Emulator

pytestmark = pytest.mark.e2e

NAMES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
NASTY = "a'b\"c`d\u2019e\u2018f\u201ag\u201bh$HOME i$(touch pwned)j`touch pwned`k\\l\\\\m #n;o"
EXPIRATION = (datetime.now(timezone.utc) + timedelta(hours=2)).replace(microsecond=0)
DUMP = f"import json, os; print(json.dumps({{n: os.environ.get(n) for n in {NAMES!r}}}))"


def stored_nasty_session(home: Home) -> dict[str, str]:
    """A session whose values hold every quote character and, in the token, a newline (an
    indented line continues a value in an INI file); the values as every SDK reads them."""
    home.credentials.write_text(
        "[admin]\n"
        f"aws_access_key_id = ASIA{NASTY}\n"
        f"aws_secret_access_key = {NASTY}${{HOME}}\n"
        f"aws_session_token = first {NASTY}\n  second line {NASTY}\n"
        f"expiration = {EXPIRATION:%Y-%m-%dT%H:%M:%SZ}\n",
        encoding="utf-8",
    )
    return {
        "AWS_ACCESS_KEY_ID": f"ASIA{NASTY}",
        "AWS_SECRET_ACCESS_KEY": f"{NASTY}${{HOME}}",
        "AWS_SESSION_TOKEN": f"first {NASTY}\nsecond line {NASTY}",
    }


# A carriage return cannot be stored in an INI file (it reads as a line break), so the
# formats are also given it directly.
WITH_CR = SessionCredentials(
    access_key_id=f"ASIA{NASTY}\r",
    secret_access_key=f"{NASTY}\r\n\u2028\u0085\x1b[31m",
    session_token=f"\r{NASTY}\nexport X=1\n'\n",
    expiration=EXPIRATION,
)


def expected_of(session: SessionCredentials) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": session.access_key_id,
        "AWS_SECRET_ACCESS_KEY": session.secret_access_key,
        "AWS_SESSION_TOKEN": session.session_token,
    }


SHELLS = {
    "bash": (["bash", "--norc", "-c"], 'eval "$(cat)"'),
    "zsh": (["zsh", "-f", "-c"], 'eval "$(cat)"'),
    "dash": (["dash", "-c"], 'eval "$(cat)"'),
    "fish": (["fish", "--no-config", "-c"], "cat | source"),
}
FORMAT_OF = {"bash": "sh", "zsh": "sh", "dash": "sh", "fish": "fish"}


def evaluated(shell: str, text: str, emulator: Emulator, tmp_cwd: str) -> dict[str, str]:
    """What `shell` holds after evaluating `text`, read by a child process from its env."""
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    argv, load = SHELLS[shell]
    done = subprocess.run(
        [*argv, f"{load}\n{sys.executable} -c {json.dumps(DUMP)}"],
        input=text,
        capture_output=True,
        text=True,
        env=shell_env(emulator),
        cwd=tmp_cwd,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    values: dict[str, str] = json.loads(done.stdout)
    return values


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_export_in_every_shell_reads_back_every_quote_character(
    home: Home, emulator: Emulator, shell: str, tmp_path: Path
) -> None:
    expected = stored_nasty_session(home)
    run = mfa_login(emulator, "export", "--profile", "admin", "--format", FORMAT_OF[shell])
    assert run.code == 0, run.stderr

    assert evaluated(shell, run.stdout, emulator, str(tmp_path)) == expected
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_export_quoting_keeps_carriage_returns_and_line_breaks_in_every_shell(
    emulator: Emulator, shell: str, tmp_path: Path
) -> None:
    text = render(WITH_CR, FORMAT_OF[shell])
    assert evaluated(shell, text, emulator, str(tmp_path)) == expected_of(WITH_CR)


# --- PowerShell ----------------------------------------------------------------------------


# PowerShell's CharExtensions.IsSingleQuote: ' and SpecialChars QuoteSingleLeft (U+2018),
# QuoteSingleRight (U+2019), QuoteSingleBase (U+201A) and QuoteReversed (U+201B). Written here
# from PowerShell's source, not taken from the product, so the two cannot agree by mistake.
PS_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


class NotPowerShell(AssertionError):
    """The text would not be read as plain assignments (it would run something else)."""


def powershell_assignments(text: str) -> dict[str, str]:
    """`$Env:NAME = TERM [+ TERM ...]` lines, TERM a verbatim string or [char]0xHEX, read as
    PowerShell's tokenizer reads them, and `$Env:NAME = $null` (the variable removed);
    anything else on a line is refused."""
    found: dict[str, str] = {}
    for line in text.split("\n")[:-1]:
        if any(c in line for c in "\r\x85\u2028\u2029"):
            raise NotPowerShell(f"a line break inside a line: {line!r}")
        head, equals, rest = line.partition(" = ")
        if not head.startswith("$Env:") or not equals:
            raise NotPowerShell(line)
        if rest == "$null":  # removes the variable from the environment
            found.pop(head[len("$Env:") :], None)
            continue
        value, position = "", 0
        while True:
            if rest.startswith("[char]0x", position):
                end = position + len("[char]0x")
                while end < len(rest) and rest[end] in "0123456789ABCDEFabcdef":
                    end += 1
                value += chr(int(rest[position + len("[char]0x") : end], 16))
                position = end
            elif position < len(rest) and rest[position] in PS_SINGLE_QUOTES:
                literal, position = _verbatim(rest, position + 1)
                value += literal
            else:
                raise NotPowerShell(f"not a string: {rest[position:]!r}")
            if position == len(rest):
                break
            if not rest.startswith(" + ", position):
                raise NotPowerShell(f"code after a string: {rest[position:]!r}")
            position += len(" + ")
        found[head[len("$Env:") :]] = value
    return found


def _verbatim(text: str, position: int) -> tuple[str, int]:
    """PowerShell's ScanStringLiteral: a quote followed by a quote stands for the second."""
    value = ""
    while position < len(text):
        char = text[position]
        if char in PS_SINGLE_QUOTES:
            if position + 1 < len(text) and text[position + 1] in PS_SINGLE_QUOTES:
                value += text[position + 1]
                position += 2
                continue
            return value, position + 1
        value += char
        position += 1
    raise NotPowerShell("the string is missing its terminator")


def test_powershell_reader_refuses_a_smart_quote_left_as_it_was() -> None:
    """The defect the reader guards: U+2019 closed the string and the rest ran as code."""
    with pytest.raises(NotPowerShell):
        powershell_assignments("$Env:X = 'a\u2019; Remove-Item ~ -Recurse; \u2019'\n")


def test_export_powershell_reads_back_every_quote_character(home: Home, emulator: Emulator) -> None:
    expected = stored_nasty_session(home)
    run = mfa_login(emulator, "export", "--profile", "admin", "--format", "powershell")
    assert run.code == 0, run.stderr

    read = powershell_assignments(run.stdout)
    assert {name: read[name] for name in NAMES} == expected
    assert read["AWS_CREDENTIAL_EXPIRATION"] == f"{EXPIRATION:%Y-%m-%dT%H:%M:%SZ}"


def test_export_powershell_writes_line_breaks_and_controls_as_chars() -> None:
    read = powershell_assignments(render(WITH_CR, "powershell"))
    assert {name: read[name] for name in NAMES} == expected_of(WITH_CR)


# --- dotenv and json -------------------------------------------------------------------------


def test_export_dotenv_reads_back_in_python_dotenv_one_line_per_value(
    home: Home, emulator: Emulator
) -> None:
    expected = stored_nasty_session(home)
    # python-dotenv expands ${VAR} and has no escape for it: that value is tested below.
    home.credentials.write_text(
        home.credentials.read_text(encoding="utf-8").replace("${HOME}", "$HOME"),
        encoding="utf-8",
    )
    expected["AWS_SECRET_ACCESS_KEY"] = f"{NASTY}$HOME"
    run = mfa_login(emulator, "export", "--profile", "admin", "--format", "dotenv")
    assert run.code == 0, run.stderr

    assert run.stdout.count("\n") == 4
    read = dotenv_values(stream=io.StringIO(run.stdout))
    assert {name: read[name] for name in NAMES} == expected


def test_export_dotenv_keeps_carriage_returns_and_line_breaks() -> None:
    session = WITH_CR
    text = render(session, "dotenv")
    assert text.count("\n") == 4  # python-dotenv's line breaks: \n, \r
    read = dotenv_values(stream=io.StringIO(text))
    assert {name: read[name] for name in NAMES} == expected_of(session)


def test_export_dotenv_refuses_a_value_python_dotenv_would_expand(
    home: Home, emulator: Emulator
) -> None:
    stored_nasty_session(home)
    run = mfa_login(emulator, "export", "--profile", "admin", "--format", "dotenv")
    assert run.code == 2
    assert run.stdout == ""
    assert run.stderr == (
        "mfa-login: export --format dotenv cannot write AWS_SECRET_ACCESS_KEY: its value holds "
        "'${', which dotenv readers expand as a variable; use another --format (sh, json, ...)\n"
    )


def test_export_json_reads_back_every_character(home: Home, emulator: Emulator) -> None:
    expected = stored_nasty_session(home)
    run = mfa_login(emulator, "export", "--profile", "admin", "--format", "json")
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert [data["AccessKeyId"], data["SecretAccessKey"], data["SessionToken"]] == list(
        expected.values()
    )
    read = json.loads(render(WITH_CR, "json"))
    assert [read["AccessKeyId"], read["SecretAccessKey"], read["SessionToken"]] == list(
        expected_of(WITH_CR).values()
    )
