"""The backstop after the edit, before the rename: botocore's own loader reads the new file,
which must read as the old one plus exactly our keys; every comment line must still be
there; and every byte outside the sections the edit wrote must be as it was.

Imported only when a login writes (it loads botocore), never on a fast path.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from botocore.configloader import raw_config_parse
from botocore.exceptions import ConfigParseError

from mfa_session.errors import UnkeepableConstruct
from mfa_session.rules.files import Sections
from mfa_session.rules.ini_layout import IniLayout, Line, scan
from mfa_session.store.edit import Edit


def botocore_view(path: Path) -> Sections:
    """The file exactly as botocore reads it (its loader, no sub-sections)."""
    return raw_config_parse(str(path), parse_subsections=False)


def verify_edit(real: Path, before: Sections, old: IniLayout, new_file: Path, edit: Edit) -> None:
    """Refuse unless botocore reads the new file (`edit.text`, written to `new_file`) as the
    old one (`before`, whose text `old` scanned) plus exactly our keys, every comment stays,
    and the text outside our sections is the old text."""
    try:
        after = botocore_view(new_file)
    except ConfigParseError as err:
        raise UnkeepableConstruct(
            path=real, line=error_line(err), construct="the edited file would not parse"
        ) from err
    _check_values(real, old, before, after, edit)
    new = scan(edit.text)
    _check_comments(real, old, new)
    _check_outside(real, old, new, edit.ours)


def _check_values(
    real: Path, layout: IniLayout, before: Sections, after: Sections, edit: Edit
) -> None:
    for name in sorted(set(before) | set(after)):
        old = dict(before.get(name, {}))
        new = dict(after.get(name, {}))
        for key, value in edit.written.get(name, {}).items():
            if new.get(key) != value:
                raise UnkeepableConstruct(
                    path=real,
                    line=line_of(layout, name, key),
                    construct=f"{key} in [{name}] would not read back as written",
                )
            old.pop(key, None)
            new.pop(key, None)
        for key in edit.removed.get(name, ()):
            if key in new:
                raise UnkeepableConstruct(
                    path=real,
                    line=line_of(layout, name, key),
                    construct=f"{key} in [{name}] would still be there after removing it",
                )
            old.pop(key, None)
        if name in edit.written and name not in before:
            continue
        if old != new:
            key = next(k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k))
            raise UnkeepableConstruct(
                path=real,
                line=line_of(layout, name, key),
                construct=f"{key} in [{name}] would read differently after the edit",
            )


def _check_comments(real: Path, old: IniLayout, new: IniLayout) -> None:
    kept = Counter(line.text.strip() for line in new.lines if line.kind == "comment")
    for line in old.lines:
        if line.kind != "comment":
            continue
        if kept[line.text.strip()] == 0:
            raise UnkeepableConstruct(
                path=real, line=line.number, construct="this comment would be lost"
            )
        kept[line.text.strip()] -= 1


def _check_outside(real: Path, old: IniLayout, new: IniLayout, ours: tuple[str, ...]) -> None:
    """Every part of the file outside our sections (the lines before the first header, each
    other section from its header to the next) is the same, in the same order, byte for
    byte; only where such a part meets one of ours or the end of the file may blank lines
    at its end, and the line ending of its last line, differ."""
    old_parts = _outside(old, ours)
    new_parts = _outside(new, ours)
    for index, (was, now) in enumerate(zip(old_parts, new_parts, strict=False)):
        loose = was[2] or now[2]
        if was[0] != now[0] or _bytes(was[1], loose) != _bytes(now[1], loose):
            lines = was[1] or now[1]
            raise UnkeepableConstruct(
                path=real,
                line=lines[0].number if lines else 1,
                construct=f"part {index + 1} outside the written sections would change",
            )
    if len(old_parts) != len(new_parts):
        raise UnkeepableConstruct(
            path=real, line=1, construct="the sections outside the written ones would change"
        )


_Part = tuple[str | None, list[Line], bool]


def _outside(layout: IniLayout, ours: tuple[str, ...]) -> list[_Part]:
    """(section name or None for the lines before the first header, its lines, whether one
    of ours or the end of the file comes next) for every part outside `ours`."""
    preamble = layout.lines[: layout.preamble_end()]
    first_ours = not layout.spans or layout.spans[0].name in ours
    parts: list[_Part] = [(None, preamble, first_ours)]
    for index, span in enumerate(layout.spans):
        if span.name in ours:
            continue
        following = layout.spans[index + 1] if index + 1 < len(layout.spans) else None
        loose = following is None or following.name in ours
        parts.append((span.name, layout.lines[span.first : span.end], loose))
    return parts


def _bytes(lines: list[Line], loose: bool) -> str:
    if not loose:
        return "".join(line.raw for line in lines)
    kept = list(lines)
    while kept and not kept[-1].text.strip():
        kept.pop()
    return "".join(line.raw for line in kept[:-1]) + (kept[-1].text if kept else "")


def line_of(layout: IniLayout, section: str, key: str) -> int:
    """The line of `key` in [section], else of the section's header, else 1."""
    span = layout.span(section)
    if span is None:
        return 1
    for line in layout.lines[span.first : span.end]:
        if line.kind == "option" and line.key == key:
            return line.number
    return layout.lines[span.first].number


def error_line(err: Exception) -> int:
    cause = getattr(err, "kwargs", {}).get("error")
    line = getattr(cause, "lineno", None)
    if line is None and getattr(cause, "errors", None):
        line = cause.errors[0][0]  # type: ignore[union-attr]
    return int(line) if line else 1
