"""Developer tasks, runnable on a fresh machine with nothing but Python 3.

    python3 tasks.py demo    a real login in this terminal against the local AWS emulator
    python3 tasks.py check   install everything, then lint, types, tests and the docs build
    python3 tasks.py wheel   build the wheel and the sdist into ./dist

Each creates ./.venv on first use (pip install -e '.[dev]') and reuses it after; check also
runs `npm ci` for the JS SDK reader of the tests when npm is on PATH, and ends with how many
tests skipped and why.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".installed-from"
DIST = ROOT / "dist"
TASKS = ("demo", "check", "wheel")
# The installed metadata holds the version too, so a changed version reinstalls as well.
INSTALL_INPUTS = (ROOT / "pyproject.toml", ROOT / "mfa_session" / "__init__.py")


def ensure_venv() -> None:
    """Create .venv and install the project with its dev extras, again when pyproject or the
    version changes."""
    wanted = hashlib.sha256(b"".join(path.read_bytes() for path in INSTALL_INPUTS)).hexdigest()
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


def build_distributions(
    outdir: Path, python: Path = BIN / "python", env: dict[str, str] | None = None
) -> int:
    """The sdist, then the wheel built from it (as an installer would), into outdir.

    --no-isolation: the build backend is the one .venv holds (the dev extras pin it), so the
    build needs no network."""
    command = [str(python), "-m", "build", "--no-isolation", "--outdir", str(outdir), str(ROOT)]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def skip_summary(junit_xml: Path) -> list[str]:
    """'N tests skipped' and one line per reason, most frequent first, from pytest's report
    (which records an expected failure as a skip too: those are left out)."""
    if not junit_xml.exists():
        return []
    report = ElementTree.parse(junit_xml)  # noqa: S314 - the report our own pytest run wrote
    reasons = Counter(
        (skipped.get("message") or "no reason given").strip()
        for skipped in report.iter("skipped")
        if skipped.get("type") != "pytest.xfail"
    )
    total = sum(reasons.values())
    if total == 0:
        return ["tasks: no test skipped"]
    lines = [f"tasks: {total} test{'s' if total > 1 else ''} skipped:"]
    lines += [f"  {count} x {reason}" for reason, count in reasons.most_common()]
    return lines


def check() -> int:
    """Every gate CI applies; stops at the first that fails and returns its code. Either way
    it ends with the tests that skipped and why."""
    with tempfile.TemporaryDirectory(prefix="mfa-session-check-") as scratch:
        junit_xml = Path(scratch) / "pytest.xml"
        code = run_gates(junit_xml)
        for line in skip_summary(junit_xml):
            print(line, flush=True)
    if code == 0:
        print("tasks: all checks passed")
    return code


def run_gates(junit_xml: Path) -> int:
    secret_service = ROOT / "scripts" / "with_secret_service.sh"
    pytest = [str(BIN / "python"), "-m", "pytest", f"--junitxml={junit_xml}"]
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
    return 0


def main(argv: list[str]) -> int:
    task = argv[0] if argv else ""
    if task in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    if task not in TASKS:
        print(__doc__, file=sys.stderr)
        print(f"tasks: unknown task {task!r}" if task else "tasks: name a task", file=sys.stderr)
        return 2
    ensure_venv()
    if task == "demo":
        return run_in_venv("-m", "tests.emulator.demo", *argv[1:])
    if task == "wheel":
        return build_distributions(DIST)
    ensure_js_reader()
    return check()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
