"""The edit itself: the sections mfa-login writes are cut out of the text exactly where
botocore's parser finds them (`rules.ini_layout`), edited with configobj, and put back.
Every other byte of the file stays as it was.

Inside a section it writes, configobj places the keys: a key of ours that is there already
keeps its line's place and indentation, a new one goes after the last key, a key that goes
takes its continuation lines with it. Every other line of the section (another key with
its continuation lines, a `;` or `#` comment, a blank line) reaches configobj as a
placeholder it keeps in its place, and comes back byte for byte. Our own keys are written
in the one form every AWS SDK reads alike: `key = value`, lower case, no quotes, nothing
after the value (docs/files.md, "What mfa-login writes").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from configobj import ConfigObj

from mfa_session.errors import FileNotSafe, UnwritableValue
from mfa_session.models import LongTermCopy, SessionCredentials
from mfa_session.rules.files import Sections
from mfa_session.rules.ini_layout import IniLayout, Line, Span
from mfa_session.rules.sections import holds_long_term_key
from mfa_session.store.refusals import refuse_target
from mfa_session.timefmt import format_expiration

SESSION_KEYS = (
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "expiration",
    "x_security_token_expires",
)
LONG_TERM_KEYS = ("aws_access_key_id", "aws_secret_access_key")

# What every SDK reads the same way after `key = `: no whitespace (aws-sdk-go-v2 and the JS
# SDK end a value at " #" or " ;"), no quote (aws-sdk-go-v2 strips quotes), nothing that a
# parser could take for an escape. AWS's key ids, secrets, tokens and our times fit it.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9+/=_.:@-]+")


@dataclass(frozen=True)
class Moved:
    """A key's own lines, taken as they are from another section (a first run moves the
    long-term key out of the section the session goes into): every SDK reads the moved key
    exactly as it read it where it was."""

    lines: tuple[Line, ...]


Value = str | Moved | None
"""A key's new value; None: the key goes."""


@dataclass(frozen=True)
class SectionEdit:
    name: str
    values: Mapping[str, Value]
    drop_when_empty: bool = False
    """The section goes once no key and no comment is left in it, unless a comment line
    stands right above its header."""


def edit_text(layout: IniLayout, edits: Sequence[SectionEdit]) -> str:
    """The text of `layout` each section of `edits` rewritten (or appended at the end)."""
    by_name = {edit.name: edit for edit in edits}
    newline = _file_newline(layout)
    out: list[str] = [line.raw for line in layout.lines[: layout.preamble_end()]]
    for index, span in enumerate(layout.spans):
        lines = layout.lines[span.first : span.end]
        edit = by_name.get(span.name)
        if edit is None:
            out.extend(line.raw for line in lines)
            continue
        following = layout.spans[index + 1] if index + 1 < len(layout.spans) else None
        next_indent = layout.lines[following.first].indent if following else ""
        section = _edit_section(layout, span, edit.values, next_indent, newline)
        if edit.drop_when_empty and _left_empty(section) and not _commented_header(out):
            continue
        out.extend(section)
    for edit in edits:
        if layout.span(edit.name) is None and any(v is not None for v in edit.values.values()):
            out.extend(_new_section(out, edit, newline))
    return "".join(out)


def _file_newline(layout: IniLayout) -> str:
    return next((line.ending for line in layout.lines if line.ending), "\n")


def _edit_section(
    layout: IniLayout, span: Span, values: Mapping[str, Value], next_indent: str, newline: str
) -> list[str]:
    """The section's lines after configobj set `values` in it."""
    header = layout.lines[span.first]
    ending = header.ending or newline
    placeholders: list[str] = []
    originals: dict[str, list[Line]] = {}
    owned_indent: dict[str, str] = {}
    blocks = dict(layout.blocks(span))
    index = span.first + 1
    while index < span.end:
        line = layout.lines[index]
        if index not in blocks:
            placeholders.append(f"#{index}")
            originals[f"#{index}"] = [line]
            index += 1
            continue
        end = blocks[index]
        block = layout.lines[index:end]
        if line.key in values:
            placeholders.append(f"{line.key} = ")
            owned_indent[str(line.key)] = line.indent
            # Its continuation lines go with the old value; comments between them stay.
            for inside in block[1:]:
                if inside.kind == "comment":
                    placeholders.append(f"#{inside.number}c")
                    originals[f"#{inside.number}c"] = [inside]
        else:
            placeholders.append(f"kept-{index} = ")
            originals[f"kept-{index}"] = list(block)
        index = end
    written = _configobj_edit(placeholders, values)
    return [
        _with_ending(header, ending),
        *_restore(written, originals, values, owned_indent, next_indent, ending),
    ]


def _configobj_edit(placeholders: list[str], values: Mapping[str, Value]) -> list[str]:
    """configobj sets, adds and removes our keys among the placeholders."""
    document = ConfigObj(
        placeholders, list_values=False, interpolation=False, write_empty_values=True
    )
    for key, value in values.items():
        if value is None:
            if key in document:
                _remove(document, key)
            continue
        document[key] = value if isinstance(value, str) else ""
    lines: list[str] = document.write()
    return lines


def _remove(document: ConfigObj, key: str) -> None:
    """Drop `key`; the comments configobj holds above it stay where they were in the text."""
    comments = list(document.comments.get(key, []))
    following = document.scalars[document.scalars.index(key) + 1 :]
    del document[key]
    if following:
        document.comments[following[0]] = [*comments, *document.comments.get(following[0], [])]
    elif document.scalars:
        document.final_comment = [*comments, *document.final_comment]
    else:
        document.initial_comment = [*document.initial_comment, *comments, *document.final_comment]
        document.final_comment = []


def _restore(
    written: list[str],
    originals: Mapping[str, list[Line]],
    values: Mapping[str, Value],
    owned_indent: Mapping[str, str],
    next_indent: str,
    ending: str,
) -> list[str]:
    """configobj's lines with every placeholder turned back into the lines it stands for.

    A key of ours keeps the indentation of the line it replaces; a new one takes that of
    the key before it (else of the next section's header): either way no line becomes the
    continuation of another, nor stops being one.
    """
    out: list[str] = []
    last_key_indent: str | None = None
    for text in written:
        if text.startswith("#") or text.startswith("kept-"):
            placeholder = text.split(" = ")[0]
            lines = originals[placeholder]
            if lines[0].kind == "option":
                last_key_indent = lines[0].indent
            out.extend(_with_ending(line, ending) for line in lines)
            continue
        key, _, value = text.partition(" = ")
        indent = owned_indent.get(key)
        if indent is None:
            indent = last_key_indent if last_key_indent is not None else next_indent
        last_key_indent = indent
        new = values[key]
        if isinstance(new, Moved):
            out.extend(_moved_lines(new, indent, ending))
        else:
            out.append(f"{indent}{key} = {value}{ending}")
    return out


def _moved_lines(moved: Moved, indent: str, ending: str) -> list[str]:
    """A moved key's lines under the indentation of its new place; its continuation lines
    stay deeper than its first line."""
    first, *rest = moved.lines
    out = [indent + first.text[len(first.indent) :] + (first.ending or ending)]
    for line in rest:
        deeper = line.kind != "continuation" or len(line.indent) > len(indent)
        out.append(("" if deeper else indent) + _with_ending(line, ending))
    return out


def _with_ending(line: Line, ending: str) -> str:
    return line.text + (line.ending or ending)


def _left_empty(section: list[str]) -> bool:
    """Nothing but the header and blank lines."""
    return all(not text.strip() for text in section[1:])


def _commented_header(before: list[str]) -> bool:
    """A comment line stands right above (blank lines between) the section's header."""
    for text in reversed(before):
        stripped = text.strip()
        if stripped:
            return stripped.startswith(("#", ";"))
    return False


def _new_section(before: list[str], edit: SectionEdit, newline: str) -> list[str]:
    """A section appended at the end, after a blank line; the file's last line gets a line
    ending first when it has none."""
    out: list[str] = []
    if before and not before[-1].endswith(("\n", "\r")):
        out.append(newline)
    if before and (before[-1].strip() or out):
        out.append(newline)
    values = {key: value for key, value in edit.values.items() if value is not None}
    written = _configobj_edit([], values)
    out.append(f"[{edit.name}]{newline}")
    out.extend(_restore(written, {}, values, {}, "", newline))
    return out


# --- the edits of a login, of a key leaving the file, of the backup -----------------------


def session_values(session: SessionCredentials, current: Mapping[str, str]) -> dict[str, str]:
    """The keys a session writes, with their values in the form every SDK reads alike."""
    expiration = format_expiration(session.expiration)
    values = {
        "aws_access_key_id": session.access_key_id,
        "aws_secret_access_key": session.secret_access_key,
        "aws_session_token": session.session_token,
        "expiration": expiration,
        # saml2aws's key, which shell prompts (starship) read for the time left: RFC 3339.
        "x_security_token_expires": expiration,
    }
    if "aws_security_token" in current:
        # aws-mfa writes the token twice, and botocore reads aws_security_token FIRST: left
        # alone, the old token would be sent with the new key.
        values["aws_security_token"] = session.session_token
    for key, value in values.items():
        refuse_unplain(key, value)
    return values


def refuse_unplain(key: str, value: str) -> None:
    """A value of ours that some SDK would read otherwise is never written."""
    if not _PLAIN_VALUE.fullmatch(value):
        raise UnwritableValue(key=key, length=len(value))


@dataclass(frozen=True)
class Edit:
    text: str
    written: Sections
    """Section -> keys this edit set, with the values botocore must read back."""
    removed: Mapping[str, tuple[str, ...]]
    """Section -> keys this edit removed."""

    @property
    def ours(self) -> tuple[str, ...]:
        """The sections it wrote (set or removed keys in): everything outside them stays
        byte for byte."""
        return tuple(dict.fromkeys([*self.written, *self.removed]))


def apply_session(
    layout: IniLayout,
    sections: Sections,
    target: str,
    session: SessionCredentials,
    keep_long_term_in: LongTermCopy | None,
) -> Edit:
    """Put the session into `target` of the text `layout` scanned (botocore reads it as
    `sections`), moving a long-term key found there to `keep_long_term_in` first."""
    current = sections.get(target, {})
    move_to = keep_long_term_in.section if keep_long_term_in is not None else None
    refuse_target(target, current, move_to, sections.get(move_to, {}) if move_to else {})
    edits: list[SectionEdit] = []
    written: Sections = {}
    if move_to is not None and holds_long_term_key(current):
        edits.append(SectionEdit(move_to, _moved_key(layout, target, current)))
        written[move_to] = {key: current.get(key, "") for key in LONG_TERM_KEYS}
    values = session_values(session, current)
    edits.insert(0, SectionEdit(target, values))
    written[target] = values
    return Edit(edit_text(layout, edits), written, {})


def _moved_key(layout: IniLayout, source: str, current: Mapping[str, str]) -> dict[str, Value]:
    """The key's lines as they are in [source]; a half that only [DEFAULT] gives is written
    as botocore reads it."""
    span = layout.span(source)
    blocks = {}
    if span is not None:
        for first, end in layout.blocks(span):
            blocks[layout.lines[first].key] = Moved(tuple(layout.lines[first:end]))
    return {key: blocks.get(key, current.get(key, "")) for key in LONG_TERM_KEYS}


def remove_long_term(
    layout: IniLayout, sections: Sections, names: Sequence[str], access_key_id: str
) -> Edit:
    """Drop the long-term key lines from each section of `names`; a section left with no key
    and no comment goes (unless a comment stands above its header)."""
    for name in names:
        if sections.get(name, {}).get("aws_access_key_id") != access_key_id:
            raise FileNotSafe(
                path="the credentials file", reason=f"[{name}] no longer holds {access_key_id}"
            )
    removal = dict.fromkeys(LONG_TERM_KEYS)
    edits = [SectionEdit(name, removal, drop_when_empty=True) for name in names]
    new_text = edit_text(layout, edits)
    return Edit(new_text, {}, {name: LONG_TERM_KEYS for name in names})
