"""Where botocore's parser finds each line of an INI text: its sections, keys, continuation
lines and comments, and the first line it cannot read.

botocore reads the credentials file with `configparser.RawConfigParser` (universal newlines,
`#` and `;` comment lines, `=` or `:` between key and value, a line indented deeper than
the key above it continuing that key's value, keys folded to lower case, a section or a key
twice an error). `scan` walks the text with the same rules, configparser's own patterns
and the same order of tests, and keeps what configparser throws away: where each line
starts and ends, with its line ending. The store cuts its sections out of the text exactly
where botocore finds them with it, and leaves every other byte alone.

Messages name a line and a construct, never a line's content: it may hold a secret.
Standard library only; nothing here runs on a fast path unless a file cannot be read.
"""

from __future__ import annotations

import re
from configparser import RawConfigParser
from dataclasses import dataclass, field
from typing import Literal

# configparser ends a line at \n, \r\n or \r (universal newlines); str.splitlines would also
# split at form feeds and other characters that configparser keeps inside a line.
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")
_SECTION = RawConfigParser.SECTCRE
_OPTION = RawConfigParser.OPTCRE
_NON_SPACE = RawConfigParser.NONSPACECRE
_COMMENT_PREFIXES = ("#", ";")
DEFAULT_SECTION = "DEFAULT"

NOT_READ_BY = "which the AWS CLI and boto3 (botocore) cannot read"

Kind = Literal["blank", "comment", "header", "option", "continuation"]


@dataclass(frozen=True)
class Line:
    """One line of the text, as configparser reads it."""

    number: int
    """1-based, as configparser counts (and as editors show)."""
    text: str
    """The line without its ending."""
    ending: str
    """"\\n", "\\r\\n", "\\r", or "" for a last line without one."""
    kind: Kind
    section: str | None
    """The section the line is in (a header: its own); None before the first header."""
    key: str | None = None
    """An option or continuation line: the key (lower case, as botocore names it)."""

    @property
    def indent(self) -> str:
        """The whitespace before the first character configparser counts."""
        found = _NON_SPACE.search(self.text)
        return self.text[: found.start()] if found else self.text

    @property
    def raw(self) -> str:
        return self.text + self.ending


@dataclass(frozen=True)
class Unreadable:
    """The first line botocore's parser refuses, and what it is."""

    line: int
    construct: str


@dataclass
class Span:
    """One section in the text: its header line and every line up to the next header."""

    name: str
    first: int
    """Index into `IniLayout.lines` of the header."""
    end: int
    """Index after the section's last line."""


@dataclass
class IniLayout:
    lines: list[Line] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    """Every section header in the order of the text (only [DEFAULT] may come twice)."""
    problem: Unreadable | None = None

    def span(self, name: str) -> Span | None:
        return next((span for span in self.spans if span.name == name), None)

    def preamble_end(self) -> int:
        """Index of the first header (the lines before it hold only comments and blanks)."""
        return self.spans[0].first if self.spans else len(self.lines)

    def blocks(self, span: Span) -> list[tuple[int, int]]:
        """(first, end) line indexes of each key in the section: its option line through its
        last continuation line (comment and blank lines between them included)."""
        found: list[tuple[int, int]] = []
        for index in range(span.first, span.end):
            line = self.lines[index]
            if line.kind == "option":
                found.append((index, index + 1))
            elif line.kind == "continuation" and found:
                found[-1] = (found[-1][0], index + 1)
        return found


def split_lines(text: str) -> list[tuple[str, str]]:
    """(text, ending) of every line, as universal newlines split them."""
    found = [(m.group(1), m.group(2)) for m in _LINE.finditer(text)]
    if found and found[-1] == ("", ""):
        found.pop()
    return found


def scan(text: str) -> IniLayout:
    """Every line of `text` as configparser reads it, and the first line it refuses.

    The order of the tests follows `RawConfigParser._read`: a comment line, a blank line, a
    line indented deeper than the key above it (the value goes on), a section header, a
    `key = value` line; anything else is an error, and so is a section or a key twice, or a
    key before the first header. A blank or comment line between a key and its next
    continuation line lies inside that key's block (configparser's empty_lines_in_values).
    """
    scanner = _Scanner()
    for number, (content, ending) in enumerate(split_lines(text), start=1):
        scanner.read(number, content, ending)
    layout = scanner.layout
    for index, span in enumerate(layout.spans):
        following = layout.spans[index + 1 :]
        span.end = following[0].first if following else len(layout.lines)
    return layout


class _Scanner:
    """configparser's state while it reads: the section, the key whose value may go on,
    and the indentation a continuation line must go deeper than."""

    def __init__(self) -> None:
        self.layout = IniLayout()
        self.section: str | None = None
        self.key: str | None = None
        self.indent_level = 0
        self.sections: dict[str, int] = {}
        self.keys: dict[tuple[str, str], int] = {}

    def read(self, number: int, content: str, ending: str) -> None:
        stripped = content.strip()
        if stripped.startswith(_COMMENT_PREFIXES):
            self._add(Line(number, content, ending, "comment", self.section))
            return
        if not stripped:
            self._add(Line(number, content, ending, "blank", self.section))
            return
        found = _NON_SPACE.search(content)
        level = found.start() if found else 0
        if self.section is not None and self.key is not None and level > self.indent_level:
            self._add(Line(number, content, ending, "continuation", self.section, self.key))
            return
        self.indent_level = level
        header = _SECTION.match(stripped)
        if header:
            self._header(number, content, ending, header.group("header"))
        elif self.section is None:
            self._refuse(
                number,
                f"a line before the first [section], {NOT_READ_BY}: move it into a section "
                "or start it with #",
            )
            self._add(Line(number, content, ending, "comment", None))
        else:
            self._option(number, content, ending, stripped, self.section)

    def _header(self, number: int, content: str, ending: str, name: str) -> None:
        self.section = name
        self.key = None
        if name != DEFAULT_SECTION:  # [DEFAULT] may come twice: configparser merges it
            if name in self.sections:
                self._refuse(
                    number,
                    f"a second [{name}] section (the first is on line "
                    f"{self.sections[name]}), {NOT_READ_BY}: merge the two",
                )
            self.sections.setdefault(name, number)
        index = len(self.layout.lines)
        self.layout.spans.append(Span(name, index, index + 1))
        self._add(Line(number, content, ending, "header", name))

    def _option(self, number: int, content: str, ending: str, stripped: str, section: str) -> None:
        option = _OPTION.match(stripped)
        if option is None or not option.group("option"):
            self._refuse(
                number,
                f"a line that is neither [section], key = value nor a comment, {NOT_READ_BY}",
            )
            self._add(Line(number, content, ending, "comment", section))
            self.key = None
            return
        key = option.group("option").rstrip().lower()
        if (section, key) in self.keys:
            self._refuse(
                number,
                f"a second {key} in [{section}] (the first is on line "
                f"{self.keys[(section, key)]}), {NOT_READ_BY}: keep one",
            )
        self.keys.setdefault((section, key), number)
        self.key = key
        self._add(Line(number, content, ending, "option", section, key))

    def _add(self, line: Line) -> None:
        self.layout.lines.append(line)

    def _refuse(self, number: int, construct: str) -> None:
        if self.layout.problem is None:
            self.layout.problem = Unreadable(number, construct)
