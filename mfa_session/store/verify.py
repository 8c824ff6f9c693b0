"""The backstop after the edit: botocore's own loader reads the new file, and any
difference outside the sections being written, or a comment line that went missing, is
refused before the rename.

Imported only when a login writes (it loads botocore), never on a fast path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from botocore.configloader import raw_config_parse
from botocore.exceptions import ConfigParseError

from mfa_session.errors import UnkeepableConstruct
from mfa_session.store.refusals import Layout, split_lines

Sections = dict[str, dict[str, str]]


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
