"""What a write of the credentials file refuses, told from the file's text alone.

configobj rewrites the whole file, and a few constructs that AWS tools accept do not survive
that rewrite. `find_pitfall` reads the raw text line by line the way botocore's parser
(configparser) does and names the first such construct with its line number, so the person
gets "line 4: a ';' comment ..." instead of a changed file. The section rules say which
sections a session never goes into (a long-term key, another tool's, a name that cannot be
written). The preflight (`CredentialsStore.check_session_write`) applies all of them to the
bytes the run already read, before the code is asked for; the write applies them again under
its lock, then `verify` checks the result with botocore's own loader.

Messages name a line and a construct, never a line's content: it may hold a secret.
Standard library only: configobj and botocore are not needed to know any of this.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mfa_session.errors import (
    FileNotSafe,
    LongTermKeyInTarget,
    ManagedElsewhere,
    UnkeepableConstruct,
    UnwritableSectionName,
)
from mfa_session.rules.sections import holds_long_term_key

OUR_MANAGER = "mfa-session"

# configparser ends a line at \n, \r\n or \r (universal newlines); str.splitlines also
# splits at form feeds and other characters configparser keeps inside a line.
_LINE_END = re.compile(r"\r\n|\r|\n")
# configparser: the option name runs to the first '=' or ':'.
_OPTION = re.compile(r"(?P<option>.*?)\s*(?P<delimiter>[=:])\s*(?P<value>.*)$")
# configparser: "very permissive", the name is everything between the outer brackets.
_SECTION = re.compile(r"\[(?P<name>.+)\]")
_QUOTES = ("'", '"')

_Note = Callable[[int, str], None]


@dataclass
class Layout:
    """Where each section and key starts in the original text (1-based line numbers)."""

    sections: dict[str, int] = field(default_factory=dict)
    keys: dict[tuple[str, str], int] = field(default_factory=dict)
    comments: list[tuple[int, str]] = field(default_factory=list)

    def line_of(self, section: str, key: str | None = None) -> int:
        if key is not None and (section, key) in self.keys:
            return self.keys[(section, key)]
        return self.sections.get(section, 1)


@dataclass(frozen=True)
class Pitfall:
    line: int
    construct: str


def split_lines(text: str) -> list[str]:
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def scan(text: str) -> tuple[Layout, Pitfall | None]:
    """The layout of the file, and the first construct configobj or botocore cannot keep.

    `text` comes from `inifiles.ini_text`, which has refused a byte-order mark and bytes
    that are not UTF-8 for every reader alike.
    """
    layout = Layout()
    first: Pitfall | None = None

    def note(line: int, construct: str) -> None:
        nonlocal first
        if first is None:
            first = Pitfall(line, construct)

    section: str | None = None
    in_value = False  # a key was read and no section header came since (configparser: optname)
    indent_level = 0
    for number, line in enumerate(split_lines(text), start=1):
        stripped = line.strip()
        if stripped.startswith(";"):
            note(number, "a ';' comment, which configobj cannot keep: start it with '#' instead")
            continue
        if stripped.startswith("#"):
            layout.comments.append((number, stripped))
            continue
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        if in_value and indent > indent_level:
            note(
                number,
                "an indented line, which AWS tools read as the continuation of the value "
                "above and configobj cannot keep: remove the indentation or join the lines",
            )
            continue
        indent_level = indent
        header = _SECTION.match(stripped)
        if header:
            section = header.group("name")
            in_value = False
            _check_section(section, number, layout, note)
            layout.sections.setdefault(section, number)
            continue
        if section is None:
            note(number, "a line before the first [section], which AWS tools cannot read")
            continue
        option = _OPTION.match(stripped)
        if option is None or not option.group("option"):
            note(
                number,
                "a line that is neither [section], key = value nor # comment, "
                "which AWS tools cannot read",
            )
            continue
        in_value = True
        key = option.group("option").rstrip().lower()
        if (section, key) in layout.keys:
            note(
                number,
                f"a second {key} in [{section}] (the first is on line "
                f"{layout.keys[(section, key)]}), which AWS tools cannot read",
            )
            continue
        layout.keys[(section, key)] = number
        problem = _value_problem(
            option.group("option"), option.group("delimiter"), option.group("value")
        )
        if problem:
            note(number, problem)
    return layout, first


def _check_section(name: str, number: int, layout: Layout, note: _Note) -> None:
    if name in layout.sections:
        note(
            number,
            f"a second [{name}] section (the first is on line "
            f"{layout.sections[name]}), which AWS tools cannot read",
        )
    elif name != name.strip():
        note(
            number,
            f"a section name with spaces inside the brackets ('[{name}]'), which "
            f"configobj would rename to [{name.strip()}]: remove the spaces",
        )
    elif name.startswith(_QUOTES) or name.startswith("["):
        note(number, "a section name in quotes or double brackets, which configobj would change")


def _value_problem(key: str, delimiter: str, value: str) -> str | None:
    if delimiter == ":":
        return "a ':' between key and value, which configobj cannot read: use '=' instead"
    if key.startswith(_QUOTES):
        return "a key name in quotes, which configobj would unquote"
    if value.startswith(("'''", '"""')):
        return "a value in triple quotes, which configobj would unquote"
    if value.startswith(_QUOTES):
        if len(value) < 2 or value[-1] != value[0]:
            return (
                "a value that opens a quote and does not end with it, which configobj cannot keep"
            )
        return None
    # A '#' after a value is part of it for botocore; store.edit writes it back as read.
    return None


def find_pitfall(path: Path, text: str) -> Layout:
    """Refuse the first construct that would not survive; return the layout for messages."""
    layout, pitfall = scan(text)
    if pitfall is not None:
        raise UnkeepableConstruct(path=path, line=pitfall.line, construct=pitfall.construct)
    return layout


def refuse_target(
    target: str,
    values: Mapping[str, str],
    long_term_name: str | None,
    long_term: Mapping[str, str],
) -> None:
    """The section rules for a session written into `target` (whose values are `values`):
    its name, another tool's keys, and a long-term key there, which may only be moved into
    [long_term_name] (None: no move asked for) when that holds no long-term key of its own
    (`long_term`, its values)."""
    refuse_section_name(target)
    refuse_foreign(target, values)
    if holds_long_term_key(values):
        if long_term_name is None:
            raise LongTermKeyInTarget(section=target)
        refuse_second_long_term_key(long_term_name, long_term)


def refuse_second_long_term_key(name: str, values: Mapping[str, str]) -> None:
    """A key moved into [name] never replaces another long-term key there."""
    if holds_long_term_key(values):
        raise FileNotSafe(
            path="the credentials file", reason=f"[{name}] already holds another long-term key"
        )


def refuse_section_name(name: str) -> None:
    """A section name configobj writes and every reader reads back as the same section."""
    problem = _section_name_problem(name)
    if problem is not None:
        raise UnwritableSectionName(section=repr(name), reason=problem)


def _section_name_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if not name.isprintable():
        # Line breaks (configobj also splits at form feeds and U+2028), tabs, escapes.
        return "it holds a line break, a tab or another control character"
    if name != name.strip():
        return "configobj drops spaces at its start or end, which makes it another section"
    if name.startswith(("'", '"')):
        return "configobj would remove the quotes around it"
    if name.startswith("[") or name.endswith("]"):
        return "configobj would read the extra brackets as a nested section"
    if name == "DEFAULT":
        return "AWS tools read [DEFAULT] as defaults for every section, not as a profile"
    return None


def refuse_foreign(target: str, values: Mapping[str, str]) -> None:
    """Sections that another tool fills are not ours to overwrite."""
    for key in sorted(values):
        if key.startswith("sso_"):
            raise ManagedElsewhere(section=target, manager="AWS IAM Identity Center", key=key)
    if "credential_process" in values:
        raise ManagedElsewhere(
            section=target, manager="a credential_process", key="credential_process"
        )
    manager = values.get("manager", "")
    if manager and manager != OUR_MANAGER:
        raise ManagedElsewhere(section=target, manager=manager, key="manager")
