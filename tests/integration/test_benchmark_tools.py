"""The measuring tools in benchmarks/ count what they say they count.

The package's structure, a traced login and parallel logins are measured before and after a
restructuring with the same tools; these tests run each tool as a person does (a script,
its JSON) on inputs whose figures are known.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"

# A package whose figures are known: b imports a at import time, a imports b only inside a
# function (a cycle at run time, none at import time), c names b only for type checking,
# d loads the modules of sub by name and sub.c imports d inside a function.
SYNTHETIC_PACKAGE = {
    "mfa_session/__init__.py": "",
    "mfa_session/a.py": (
        "from typing import Protocol\n"
        "\n"
        "class Port(Protocol):\n"
        "    def send(self) -> None: ...\n"
        "\n"
        "def branchy(x, y):\n"
        "    if x and y:\n"
        "        return 1\n"
        "    for item in x:\n"
        "        try:\n"
        "            pass\n"
        "        except ValueError:\n"
        "            pass\n"
        "    value = 1 if y else 2\n"
        "\n"
        "    def inner():\n"
        "        if x:\n"
        "            return 3\n"
        "\n"
        "    from mfa_session import b\n"
        "    return b, value, inner\n"
    ),
    "mfa_session/b.py": "from mfa_session.a import branchy\n",
    "mfa_session/sub/__init__.py": "",
    "mfa_session/sub/c.py": (
        "TYPE_CHECKING = False\n"
        "if TYPE_CHECKING:\n"
        "    from mfa_session import b\n"
        "\n"
        "def late():\n"
        "    import mfa_session.d\n"
    ),
    "mfa_session/d.py": (
        "import importlib\n"
        "\n"
        "def command(name):\n"
        '    return importlib.import_module(f"mfa_session.sub.{name}")\n'
    ),
    "tests/test_patch.py": (
        "from mfa_session import a\n"
        "from mfa_session.a import Port\n"
        "\n"
        "def test_x(monkeypatch):\n"
        '    monkeypatch.setattr("mfa_session.b.branchy", None)\n'
        '    monkeypatch.setattr(a, "branchy", None)\n'
        '    monkeypatch.setattr(Port, "send", None)\n'
        '    monkeypatch.setattr("os.getcwd", None)\n'
    ),
}


def run_tool(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_structure_counts_function_level_imports_cycles_complexity_and_patches(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    for name, text in SYNTHETIC_PACKAGE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    out = tmp_path / "structure.json"

    done = run_tool("structure.py", "--root", str(root), "--json", str(out))

    assert done.returncode == 0, done.stderr
    report = read_json(out)
    assert report["modules"] == {
        "files": 6,
        "files_directly_in_package": 4,
        "modules_directly_in_package_without_dunder_files": 3,
        "packages": ["mfa_session", "mfa_session.sub"],
    }
    imports = report["imports"]
    assert imports["mfa_session.a"]["module_level"] == []
    assert imports["mfa_session.a"]["function_level"] == ["mfa_session.b"]
    assert imports["mfa_session.b"]["module_level"] == ["mfa_session.a"]
    assert imports["mfa_session.sub.c"]["type_checking"] == ["mfa_session.b"]
    assert imports["mfa_session.sub.c"]["function_level"] == ["mfa_session.d"]
    assert imports["mfa_session.d"]["dynamic_targets"] == ["mfa_session.sub.c"]
    assert report["cycles"]["module_level"] == []
    assert report["cycles"]["at_run_time"] == [["mfa_session.a", "mfa_session.b"]]
    assert report["cycles"]["with_import_module_targets"] == [
        ["mfa_session.a", "mfa_session.b"],
        ["mfa_session.d", "mfa_session.sub.c"],
    ]
    biggest = report["functions"]["largest_by_lines"][0]
    # if, for, except: 1 + 3; with expressions also `and` and `x if y else z`: + 2.
    # inner() is counted on its own, not inside branchy().
    assert (biggest["name"], biggest["lines"]) == ("branchy", 16)
    assert (biggest["complexity"], biggest["complexity_with_expressions"]) == (4, 6)
    assert report["protocols"] == {
        "count": 1,
        "modules": 1,
        "by_module": {"mfa_session.a": ["Port"]},
    }
    assert report["test_patches"]["by_kind"] == {"string": 1, "module": 1, "object": 1}


@pytest.mark.e2e
def test_traced_login_counts_the_login_and_changes_nothing_it_does(tmp_path: Path) -> None:
    out = tmp_path / "trace.json"

    done = run_tool("trace_login.py", "--json", str(out))

    assert done.returncode == 0, done.stderr
    trace = read_json(out)
    assert trace["same_as_untraced"] is True
    assert trace["aws_requests"] == 1
    assert trace["sessions_written"] == ["bench"]
    assert trace["modules"]["moves_direct"] > 0
    files = trace["opens"]["files"]
    assert files["credentials"]["reads"] >= 1
    assert files["credentials"]["writes"] >= 1
    assert files["state.json"]["writes"] >= 1
    assert "CODE" in trace["command"]


@pytest.mark.e2e
def test_parallel_logins_report_every_login_and_its_state(tmp_path: Path) -> None:
    out = tmp_path / "parallel.json"

    done = run_tool("state_parallel.py", "--logins", "3", "--runs", "1", "--json", str(out))

    assert done.returncode == 0, done.stderr
    (run,) = read_json(out)["runs"]
    assert run["exit_codes"] == {"0": 3}
    assert run["sessions_in_credentials_file"] == 3
    assert run["aws_requests"] == 6  # each: ListMFADevices, then GetSessionToken
    assert 1 <= run["used_code_entries"] <= 3
    assert 1 <= run["remembered_devices"] <= 3
