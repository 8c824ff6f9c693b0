"""Record a real login in a pseudo-terminal and render it as docs/images/login.svg.

    python scripts/record_terminal.py                      record against the local emulator
    python scripts/record_terminal.py --save-bytes F.bin   ... and keep the raw terminal bytes
    python scripts/record_terminal.py --from-bytes F.bin   render a saved recording again

Run it with the Python of a virtual environment where this checkout is installed with its
dev extras (`pip install -e '.[dev]'`): it starts the local AWS emulator, seeds an IAM user
with a virtual MFA device, writes a credentials file in a temporary home, runs the installed
`mfa-login --profile demo` in an 80x16 pseudo-terminal, types the current TOTP code, and feeds
every byte the terminal received into pyte, a terminal emulator. The final screen becomes an
SVG: monospace text with pyte's colours, no fonts or images needed to build the docs. Rerun it
whenever the prompts or messages change.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "images" / "login.svg"
COLUMNS, ROWS = 80, 16
PROFILE = "demo"
COMMAND = f"mfa-login --profile {PROFILE}"
SHELL_PROMPT = "$ "

# The picture: cell size in px for a 14 px monospace font, and a dark theme.
CELL_W, CELL_H, FONT_SIZE, PAD, BAR = 8.4, 18.0, 14, 14.0, 28.0
BACKGROUND, FOREGROUND = "#1e1e2e", "#d9e0ee"
PALETTE = {
    "black": "#45475a",
    "red": "#f38ba8",
    "green": "#a6e3a1",
    "brown": "#f9e2af",  # pyte's name for ANSI yellow
    "yellow": "#f9e2af",
    "blue": "#89b4fa",
    "magenta": "#f5c2e7",
    "cyan": "#94e2d5",
    "white": "#bac2de",
    "brightblack": "#585b70",
    "brightred": "#f38ba8",
    "brightgreen": "#a6e3a1",
    "brightbrown": "#f9e2af",
    "brightyellow": "#f9e2af",
    "brightblue": "#89b4fa",
    "brightmagenta": "#f5c2e7",
    "brightcyan": "#94e2d5",
    "brightwhite": "#ffffff",
}


# --- recording -------------------------------------------------------------------------------


def record() -> bytes:
    """Every byte the terminal receives during one first login against the emulator."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import pexpect

    from tests.emulator import Emulator
    from tests.emulator.totp import STEP_SECONDS

    mfa_login = Path(sys.executable).with_name("mfa-login")
    with tempfile.TemporaryDirectory(prefix="mfa-login-picture-") as folder, Emulator() as emu:
        home = Path(folder)
        aws = home / ".aws"
        aws.mkdir(mode=0o700)
        user = emu.create_user("alice")
        credentials = aws / "credentials"
        credentials.write_text(
            f"[{PROFILE}]\naws_access_key_id = {user.access_key_id}\n"
            f"aws_secret_access_key = {user.secret_access_key}\n",
            encoding="utf-8",
        )
        credentials.chmod(0o600)
        (aws / "config").write_text(f"[profile {PROFILE}]\nregion = us-east-1\n", encoding="utf-8")
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_CONFIG_FILE": str(aws / "config"),
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "AWS_ENDPOINT_URL": emu.url,
            "AWS_EC2_METADATA_DISABLED": "true",
            # A throwaway key: never offered to, nor stored in, a real keyring.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        captured = io.BytesIO()
        child = pexpect.spawn(
            str(mfa_login),
            ["--profile", PROFILE],
            env=env,
            dimensions=(ROWS, COLUMNS),
            timeout=30,
        )
        child.logfile_read = captured
        child.expect("MFA code")
        time.sleep(0.5)  # let the prompt finish drawing
        if STEP_SECONDS - time.time() % STEP_SECONDS < 5:
            time.sleep(6)  # a code about to change would be rejected as the step ends
        for digit in user.code():
            child.send(digit)
            time.sleep(0.05)
        child.send("\r")
        child.expect(pexpect.EOF)
        child.close()
        if child.exitstatus != 0:
            raise SystemExit(f"mfa-login exited {child.exitstatus}:\n{captured.getvalue()!r}")
        return captured.getvalue()


# --- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Cells of one row that share their look."""

    column: int
    text: str
    fg: str
    bg: str
    bold: bool
    underline: bool


def colour(name: str, default: str) -> str:
    if name == "default":
        return default
    if len(name) == 6 and all(c in "0123456789abcdefABCDEF" for c in name):
        return f"#{name.lower()}"  # 256-colour and true-colour cells: pyte gives the hex
    return PALETTE.get(name, default)


def screen_from(data: bytes) -> object:
    """The final screen after the shell line, the program's bytes, and the next shell prompt."""
    import pyte

    screen = pyte.Screen(COLUMNS, ROWS)
    stream = pyte.ByteStream(screen)
    # The shell's part: the typed command before, the next prompt after.
    stream.feed(f"{SHELL_PROMPT}{COMMAND}\r\n".encode())
    stream.feed(data)
    stream.feed(SHELL_PROMPT.encode())
    return screen


def runs(screen: object) -> list[list[Run]]:
    rows: list[list[Run]] = []
    buffer = screen.buffer  # type: ignore[attr-defined]
    for y in range(ROWS):
        row: list[Run] = []
        line = buffer[y]
        for x in range(COLUMNS):
            char = line[x]
            fg, bg = colour(char.fg, FOREGROUND), colour(char.bg, BACKGROUND)
            if char.reverse:
                fg, bg = bg, fg
            look = (fg, bg, char.bold, char.underscore)
            text = char.data or " "
            last = row[-1] if row else None
            if last and (last.fg, last.bg, last.bold, last.underline) == look:
                row[-1] = Run(last.column, last.text + text, fg, bg, char.bold, char.underscore)
            else:
                row.append(Run(x, text, fg, bg, char.bold, char.underscore))
        rows.append(row)
    return rows


WORDS = re.compile(r"[^ ]+(?: [^ ]+)*")
"""Text between blanks, single blanks inside it: no leading, trailing or doubled blank."""


def words(run: Run) -> list[tuple[int, str]]:
    """The run's text as (column, text) pieces that hold no blank a renderer could collapse.

    SVG renderers do not agree on blanks: Chromium keeps them only under an xml:space on the
    <text> itself (not one inherited from its group) and otherwise drops leading and
    trailing blanks and makes a run of them one, and textLength then stretched what was left
    over the whole run. Every piece is placed at its own column instead, so a blank is only
    ever the distance between two pieces, or one blank between two words, which no renderer
    removes.
    """
    return [(run.column + found.start(), found.group()) for found in WORDS.finditer(run.text)]


def used_rows(screen: object) -> int:
    """Rows down to the last one with text or the cursor: the picture leaves out blank rows."""
    lines = screen.display  # type: ignore[attr-defined]
    filled = [y for y, line in enumerate(lines) if line.strip()]
    cursor_row = screen.cursor.y  # type: ignore[attr-defined]
    return int(max([*filled, cursor_row])) + 1


def render_svg(screen: object) -> str:
    shown = used_rows(screen)
    width = COLUMNS * CELL_W + 2 * PAD
    height = shown * CELL_H + 2 * PAD + BAR
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.1f} {height:.1f}" role="img" '
        f'aria-label="A terminal: {COMMAND} asks for the MFA code and reports the session">',
        f'<rect width="100%" height="100%" rx="8" fill="{BACKGROUND}"/>',
        f'<circle cx="{PAD + 6}" cy="{BAR / 2 + 2}" r="6" fill="#f38ba8"/>',
        f'<circle cx="{PAD + 26}" cy="{BAR / 2 + 2}" r="6" fill="#f9e2af"/>',
        f'<circle cx="{PAD + 46}" cy="{BAR / 2 + 2}" r="6" fill="#a6e3a1"/>',
        f"<g font-family=\"ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', "
        f'monospace" font-size="{FONT_SIZE}" xml:space="preserve">',
    ]
    top = PAD + BAR
    for y, row in enumerate(runs(screen)[:shown]):
        baseline = top + y * CELL_H + CELL_H * 0.75
        for run in row:
            x = PAD + run.column * CELL_W
            length = len(run.text) * CELL_W
            if run.bg != BACKGROUND:
                parts.append(
                    f'<rect x="{x:.1f}" y="{top + y * CELL_H:.1f}" width="{length:.1f}" '
                    f'height="{CELL_H:.1f}" fill="{run.bg}"/>'
                )
            if run.underline:
                # A terminal underlines the blanks of a run too: a line under the whole run.
                parts.append(
                    f'<rect x="{x:.1f}" y="{baseline + 2:.1f}" width="{length:.1f}" '
                    f'height="1" fill="{run.fg}"/>'
                )
            weight = ' font-weight="bold"' if run.bold else ""
            for column, text in words(run):
                # textLength holds each glyph to its cell; it spans the words' own
                # characters only, as blanks are not laid out alike in every renderer.
                parts.append(
                    f'<text x="{PAD + column * CELL_W:.1f}" y="{baseline:.1f}" '
                    f'fill="{run.fg}"{weight} textLength="{len(text) * CELL_W:.1f}" '
                    f'lengthAdjust="spacingAndGlyphs">{escape(text)}</text>'
                )
    cursor = screen.cursor  # type: ignore[attr-defined]
    if not cursor.hidden:
        parts.append(
            f'<rect x="{PAD + cursor.x * CELL_W:.1f}" y="{top + cursor.y * CELL_H:.1f}" '
            f'width="{CELL_W:.1f}" height="{CELL_H:.1f}" fill="{FOREGROUND}" opacity="0.7"/>'
        )
    parts += ["</g>", "</svg>", ""]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from-bytes", type=Path, help="render this recording, record nothing")
    parser.add_argument("--save-bytes", type=Path, help="also keep the raw recording here")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    data = args.from_bytes.read_bytes() if args.from_bytes else record()
    if args.save_bytes:
        args.save_bytes.write_bytes(data)
    args.output.write_text(render_svg(screen_from(data)), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
