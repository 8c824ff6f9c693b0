"""Developer tasks, runnable on a fresh machine with nothing but Python 3.

    python3 tasks.py demo    a real login in this terminal against the local AWS emulator
    python3 tasks.py check   install everything, then lint, types, tests and the docs build

Both create ./.venv on first use (pip install -e '.[dev]') and reuse it after; check also
runs `npm ci` for the JS SDK reader of the tests when npm is on PATH.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".installed-from"


def ensure_venv() -> None:
    """Create .venv and install the project with its dev extras, again when pyproject changes."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("tasks: creating .venv", flush=True)
        venv.create(VENV, with_pip=True)
    print("tasks: installing mfa-session and its dev tools into .venv", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def ensure_js_reader() -> None:
    """The JS SDK reader's npm packages (tests/thirdparty/js_reader), again when its lock file
    changes. Without npm, or offline, the tests that read files with it skip and say why."""
    from tests.thirdparty.js_install import install_js_reader, js_reader_current

    if js_reader_current():
        return
    print("tasks: installing the JS SDK reader's npm packages (npm ci)", flush=True)
    problem = install_js_reader()
    if problem is not None:
        print(f"tasks: {problem}; the JS SDK reader's tests will skip", file=sys.stderr)


def run_in_venv(*args: str) -> int:
    return subprocess.run([str(BIN / "python"), *args], cwd=ROOT, check=False).returncode


def check() -> int:
    """Every gate CI applies; stops at the first that fails and returns its code."""
    secret_service = ROOT / "scripts" / "with_secret_service.sh"
    pytest = [str(BIN / "python"), "-m", "pytest"]
    if secret_service.exists():
        # Runs the suite inside a private D-Bus session with an unlocked gnome-keyring when
        # the machine has one; the keyring integration tests skip (with the reason) otherwise.
        pytest = ["bash", str(secret_service), *pytest]
    steps = [
        ("ruff check", [str(BIN / "ruff"), "check", "."]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
        ("mypy --strict", [str(BIN / "mypy")]),
        ("pytest", pytest),
        (
            "mkdocs build --strict",
            [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(ROOT / "site")],
        ),
    ]
    for name, command in steps:
        if name.startswith("mkdocs") and not (ROOT / "mkdocs.yml").exists():
            continue
        print(f"tasks: {name}", flush=True)
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        env.setdefault("NO_MKDOCS_2_WARNING", "1")  # a banner about a future MkDocs, not ours
        code = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            print(f"tasks: {name} failed (exit {code})", file=sys.stderr)
            return code
    print("tasks: all checks passed")
    return 0


def main() -> int:
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    if task not in {"demo", "check"}:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    if task == "demo":
        return run_in_venv("-m", "tests.emulator.demo", *sys.argv[2:])
    ensure_js_reader()
    return check()


if __name__ == "__main__":
    raise SystemExit(main())
