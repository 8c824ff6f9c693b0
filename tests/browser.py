"""A real headless browser (Chromium) laying out an SVG: where each glyph of each <text> lands.

The SVG is opened as its own document, as the docs' <img> shows it, with a script added at
its end that asks the browser's own layout for every character's start and advance
(`getStartPositionOfChar`, `getExtentOfChar`) and writes them into the document, which
`--dump-dom` then prints. Without Chromium the `browser` fixture skips and says what to
install; with MFA_SESSION_REQUIRE_BROWSER=1 (CI) it fails instead.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE = "MFA_SESSION_REQUIRE_BROWSER"
NAMES = ("chromium", "chromium-browser", "google-chrome")
MISSING = "no headless Chromium on PATH (Debian: apt-get install chromium)"

MEASURE = """<script><![CDATA[
var found = [];
var texts = document.getElementsByTagName("text");
for (var t = 0; t < texts.length; t++) {
  var text = texts[t], glyphs = [];
  for (var i = 0; i < text.getNumberOfChars(); i++) {
    glyphs.push([text.getStartPositionOfChar(i).x, text.getExtentOfChar(i).width]);
  }
  found.push({y: text.getStartPositionOfChar(0).y, text: text.textContent, glyphs: glyphs});
}
var out = document.createElementNS("http://www.w3.org/2000/svg", "desc");
out.setAttribute("id", "measured");
out.textContent = JSON.stringify(found);
document.documentElement.appendChild(out);
]]></script>
"""
_MEASURED = re.compile(r'<desc id="measured">(.*?)</desc>', re.DOTALL)


@dataclass(frozen=True)
class LaidOutText:
    """One <text> as the browser laid it out."""

    y: float
    text: str
    glyphs: list[tuple[float, float]]
    """(x where the character starts, its advance) for each character the browser kept."""


@pytest.fixture(scope="session")
def browser() -> str:
    for name in NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{REQUIRE}=1 but {MISSING}")
    pytest.skip(MISSING)


def lay_out(browser: str, svg: str, folder: Path) -> list[LaidOutText]:
    """Every <text> of `svg` as `browser` lays it out (offline: no request leaves it)."""
    page = folder / "measured.svg"
    page.write_text(svg.replace("</svg>", MEASURE + "</svg>"), encoding="utf-8")
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={folder / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = _MEASURED.search(done.stdout)
    assert done.returncode == 0, done.stderr[-3000:]
    assert found is not None, done.stderr[-3000:]
    return [
        LaidOutText(
            float(item["y"]), item["text"], [(float(x), float(w)) for x, w in item["glyphs"]]
        )
        for item in json.loads(html.unescape(found.group(1)))
    ]
