"""A developer's first steps: the README's two commands, `tasks.py` itself, what the suite
needs from the OS, and what `tasks.py check` says about the tests that skipped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import tasks

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def run_tasks(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tasks.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def development_section() -> str:
    text = README.read_text()
    start = text.index("## Development")
    following = text.find("\n## ", start + 1)
    return text[start:] if following == -1 else text[start:following]


def test_readme_opens_with_the_demo_and_the_check() -> None:
    """The two commands a newcomer runs first stay the README's first lines."""
    lines = README.read_text().splitlines()
    demo = "python3 tasks.py demo     # a real login in this terminal, against a local AWS emulator"
    check = (
        "python3 tasks.py check    # installs everything into .venv; lint, types, tests, docs build"
    )
    assert lines[:6] == ["# mfa-session", "", "```sh", demo, check, "```"]


def test_tasks_help_exits_0_and_names_every_task() -> None:
    """`python3 tasks.py --help` printed the usage on stderr and exited 2."""
    for flag in ("--help", "-h", "help"):
        run = run_tasks(flag)
        assert (run.returncode, run.stderr) == (0, "")
        for task in tasks.TASKS:
            assert f"python3 tasks.py {task}" in run.stdout


def test_tasks_unknown_task_exits_2_naming_it() -> None:
    run = run_tasks("chek")
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.endswith("tasks: unknown task 'chek'\n")


def test_check_summary_counts_the_skipped_tests_by_reason(tmp_path: Path) -> None:
    """`tasks.py check` ends with how many tests skipped and why, read from a real pytest run's
    report (the reasons of `-ra` scroll away above the docs build)."""
    (tmp_path / "test_sample.py").write_text(
        textwrap.dedent(
            """
            import pytest

            def test_runs():
                pass

            @pytest.mark.parametrize("n", [1, 2])
            def test_needs_zsh(n):
                pytest.skip("no zsh on PATH (Debian: zsh)")

            def test_needs_go():
                pytest.skip("no go on PATH (Debian: golang-go)")

            @pytest.mark.xfail(reason="an expected failure is not a skip")
            def test_known_bug():
                raise AssertionError
            """
        )
    )
    report = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    assert tasks.skip_summary(report) == [
        "tasks: 3 tests skipped:",
        "  2 x no zsh on PATH (Debian: zsh)",
        "  1 x no go on PATH (Debian: golang-go)",
    ]


def test_check_summary_says_when_nothing_skipped(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text("def test_runs():\n    pass\n")
    report = tmp_path / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=tmp_path,
        capture_output=True,
        check=True,
    )
    assert tasks.skip_summary(report) == ["tasks: no test skipped"]


def test_keyring_skip_reason_names_missing_gnome_keyring(tmp_path: Path) -> None:
    """Without gnome-keyring the keyring tests said "run pytest inside
    scripts/with_secret_service.sh" though tasks.py already ran them there."""
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"MFA_SESSION_IN_PRIVATE_BUS", "DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL"}
    }
    env["PATH"] = str(empty_path)
    probe = (
        "from tests.integration.test_keyring_integration import unreachable_reason;"
        "print(unreachable_reason())"
    )
    run = subprocess.run(
        [
            "/bin/bash",
            str(ROOT / "scripts" / "with_secret_service.sh"),
            sys.executable,
            "-c",
            probe,
        ],
        capture_output=True,
        check=False,
        text=True,
        cwd=ROOT,
        env=env,
    )
    reason = "no dbus-run-session (Debian: dbus) and gnome-keyring-daemon (Debian: gnome-keyring)"
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"{reason} on PATH\n"
    assert f"with_secret_service: {reason} on PATH; running without\n" in run.stderr


def test_readme_names_every_package_and_variable_ci_sets() -> None:
    """The Development section missed zsh and MFA_SESSION_REQUIRE_KEYRING=1: whatever .ci/run
    installs or exports for the suite, the README names."""
    ci = (ROOT / ".ci" / "run").read_text()
    install = re.search(r"apt-get install (.*?)>/dev/null", ci, re.DOTALL)
    assert install is not None
    packages = [word for word in install.group(1).replace("\\", " ").split() if word[0] != "-"]
    required = re.findall(r"^export (MFA_SESSION_REQUIRE_\w+=1)$", ci, re.MULTILINE)
    assert "zsh" in packages
    assert "MFA_SESSION_REQUIRE_KEYRING=1" in required
    section = development_section()
    assert [name for name in packages if not re.search(rf"\b{re.escape(name)}\b", section)] == []
    assert [name for name in required if f"`{name}`" not in section] == []
