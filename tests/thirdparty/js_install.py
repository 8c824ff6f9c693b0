"""Whether the JS reader's npm packages are installed as package-lock.json pins them, and the
install itself. Standard library only: tasks.py runs it before the venv exists."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

JS_READER = Path(__file__).resolve().parent / "js_reader"
NPM_CI = ("ci", "--no-audit", "--no-fund", "--loglevel=error")


def _pinned(lock: Path) -> dict[str, object]:
    packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
    # "" is the folder itself, not an installed package.
    return {name: entry.get("version") for name, entry in packages.items() if name}


def js_reader_current(folder: Path = JS_READER) -> bool:
    """True when node_modules holds exactly the versions package-lock.json pins (npm ci
    writes the tree it installed to node_modules/.package-lock.json, in the lock's format)."""
    installed = folder / "node_modules" / ".package-lock.json"
    if not installed.is_file():
        return False
    return _pinned(installed) == _pinned(folder / "package-lock.json")


def install_js_reader(folder: Path = JS_READER) -> str | None:
    """Run `npm ci` unless node_modules is current; None when done, else why it is not."""
    if js_reader_current(folder):
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not on PATH"
    done = subprocess.run([npm, *NPM_CI], cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"npm ci failed (exit {done.returncode}): {last}"
    return None
