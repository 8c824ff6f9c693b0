"""Checks around the credentials-file edit: before (the raw text) and after (botocore's view).

configobj rewrites the whole file, and a few constructs that AWS tools accept do not survive
that rewrite. `find_pitfall` reads the raw text line by line the way botocore's parser
(configparser) does and names the first such construct with its line number, so the person
gets "line 4: a ';' comment ..." instead of a changed file. `verify_edit` is the backstop: it
parses the new text with botocore's own loader and refuses any difference outside the
section being written, and any comment line that went missing.

Messages name a line and a construct, never a line's content: it may hold a secret.
Imported only when a login writes (it loads botocore), never on the still-valid path.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from botocore.configloader import raw_config_parse
from botocore.exceptions import ConfigParseError

from mfa_session.errors import UnkeepableConstruct

Sections = dict[str, dict[str, str]]

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


def botocore_view(path: Path) -> Sections:
    """The file exactly as every AWS SDK reads it (botocore's loader, no sub-sections)."""
    return raw_config_parse(str(path), parse_subsections=False)


@dataclass(frozen=True)
class Expected:
    """What the edited sections must read after the edit; everything else reads as before."""

    written: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Section -> keys this edit set, with the values botocore must read back."""
    removed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Section -> keys this edit removed (a section left empty may go too)."""


def verify_edit(
    real: Path,
    before: Sections,
    layout: Layout,
    new_file: Path,
    new_text: str,
    expected: Expected,
) -> None:
    """Refuse unless botocore reads the new file as the old one plus exactly our keys."""
    try:
        after = botocore_view(new_file)
    except ConfigParseError as err:
        raise UnkeepableConstruct(
            path=real, line=error_line(err), construct="the edited file would not parse"
        ) from err
    for name in sorted(set(before) | set(after)):
        old = dict(before.get(name, {}))
        new = dict(after.get(name, {}))
        for key, value in expected.written.get(name, {}).items():
            if new.get(key) != value:
                raise UnkeepableConstruct(
                    path=real,
                    line=layout.line_of(name, key),
                    construct=f"{key} in [{name}] would not read back as written",
                )
            old.pop(key, None)
            new.pop(key, None)
        for key in expected.removed.get(name, ()):
            if key in new:
                raise UnkeepableConstruct(
                    path=real,
                    line=layout.line_of(name, key),
                    construct=f"{key} in [{name}] would still be there after removing it",
                )
            old.pop(key, None)
        if name in expected.written and name not in before:
            continue
        if old != new:
            key = next(k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k))
            raise UnkeepableConstruct(
                path=real,
                line=layout.line_of(name, key),
                construct=f"{key} in [{name}] would read differently after the edit",
            )
    _check_comments(real, layout, new_text)


def _check_comments(real: Path, layout: Layout, new_text: str) -> None:
    kept = Counter(line.strip() for line in split_lines(new_text) if line.strip().startswith("#"))
    for number, comment in layout.comments:
        if kept[comment] == 0:
            raise UnkeepableConstruct(
                path=real, line=number, construct="this comment would be lost"
            )
        kept[comment] -= 1


def error_line(err: Exception) -> int:
    cause = getattr(err, "kwargs", {}).get("error")
    line = getattr(cause, "lineno", None)
    if line is None and getattr(cause, "errors", None):
        line = cause.errors[0][0]  # type: ignore[union-attr]
    return int(line) if line else 1
