"""Colour for a person's terminal only: never in a pipe, a file, or when NO_COLOR is set.

NO_COLOR (https://no-color.org): any non-empty value turns colour off.
"""

from __future__ import annotations

# The still-valid shortcut colours its line too: nothing here may load typing at run time.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO

_CODES = {"green": "32", "yellow": "33", "red": "31", "dim": "2", "bold": "1"}


class Style:
    def __init__(self, stream: TextIO, environ: Mapping[str, str]) -> None:
        self.enabled = _isatty(stream) and not environ.get("NO_COLOR")

    def paint(self, text: str, colour: str) -> str:
        if not self.enabled:
            return text
        return f"\033[{_CODES[colour]}m{text}\033[0m"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False
