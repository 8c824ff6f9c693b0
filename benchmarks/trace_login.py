"""One forced login of the installed mfa-login, traced: module moves, file opens, round trips.

    .venv/bin/python benchmarks/trace_login.py [--python .venv/bin/python]
                                               [--json benchmarks/results/trace_login.json]

Starts the local AWS emulator, makes a user with one TOTP device and a throwaway home
(the key in [bench-long-term], the device as mfa_serial of [profile bench]), then runs
`mfa-login --profile bench --force --code CODE` once in a child of `--python` (the venv the
product is installed in; default: this interpreter). The child is a small `-c` bootstrap
that installs the hooks, then loads and calls the `mfa-login` console script's entry point
with that command line, as the installed script does; the hooks only count, and the exit
code, output and files are the command's own. It counts:

- moves between package modules: `sys.setprofile`/`threading.setprofile` call events where
  a frame of one mfa_session module calls a frame of another ("direct"); separately, calls
  into a package module whose nearest package caller is another module but with stdlib or
  third-party frames between them (a callback, a thread's target: "through other code").
  A module's body running (an import) is counted apart, not as a move. Per module: frames
  run, and how often it was entered from another package module;
- package modules taking part: loaded (in sys.modules at the end), with any frame run, with
  a function (not only the module body) run;
- opens of the credentials file, the config file and state.json, from the `open` audit
  event, which both `open()` and `os.open` raise: reads and writes apart, `os.open` apart,
  and the os.replace (audit event os.rename) of a temp file onto each; other files under
  the home (lock, backup, temp files) are listed by name;
- the requests the emulator counted for the user's key.

It prints a table and writes the same as JSON (paths relative to the throwaway home).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from emulated_home import (
    add_config_profile,
    add_long_term_key,
    config_file,
    credentials_file,
    environment,
    session_sections,
    state_file,
)

from tests.emulator import Emulator

HERE = Path(__file__).resolve().parent
PROFILE = "bench"
COMMAND = "mfa-login"

# Runs in the child. It keeps its own work small and out of the way: counters under a lock
# (the product builds its AWS client on a second thread), no file opened while recording,
# the report written when the command exits (os._exit, a return or an exception).
BOOTSTRAP = r"""
import os, sys, threading
from importlib.metadata import entry_points

report_path, command, *arguments = sys.argv[1:]
(entry,) = entry_points(group="console_scripts", name=command)
PACKAGE = "mfa_session"
lock = threading.Lock()
frames, bodies, direct, through, returns, imports = {}, {}, {}, {}, {}, {}
opens, renames = [], []
recording = True
real_exit = os._exit


def ours(name):
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def bump(table, key):
    with lock:
        table[key] = table.get(key, 0) + 1


def nearest_package_caller(frame):
    outer = frame.f_back
    while outer is not None:
        name = outer.f_globals.get("__name__", "")
        if ours(name):
            return name
        outer = outer.f_back
    return None


def profile(frame, event, arg):
    if event not in ("call", "return") or not recording:
        return
    callee = frame.f_globals.get("__name__", "")
    if not ours(callee):
        return
    caller = frame.f_back
    name = caller.f_globals.get("__name__", "") if caller is not None else ""
    if event == "return":
        if ours(name) and name != callee:
            bump(returns, callee + " -> " + name)
        return
    bump(frames, callee)
    if frame.f_code.co_name == "<module>":
        bump(bodies, callee)
        importer = nearest_package_caller(frame)
        if importer is not None and importer != callee:
            bump(imports, importer + " -> " + callee)
        return
    if ours(name):
        if name != callee:
            bump(direct, name + " -> " + callee)
        return
    outer = nearest_package_caller(frame)
    if outer is not None and outer != callee:
        bump(through, outer + " -> " + callee)


def opener():
    # The innermost package function on the stack: who asked for the file.
    frame = sys._getframe(2)
    while frame is not None:
        if ours(frame.f_globals.get("__name__", "")):
            return frame.f_globals["__name__"] + "." + frame.f_code.co_name
        frame = frame.f_back
    return "-"


def audit(event, args):
    if not recording:
        return
    if event == "open" and not isinstance(args[0], int):
        opens.append((args[0], args[1], args[2], opener()))
    elif event == "os.rename":
        renames.append((args[0], args[1]))


def report():
    global recording
    if not recording:
        return
    recording = False
    sys.setprofile(None)
    threading.setprofile(None)
    import json

    data = {
        "frames": frames,
        "bodies": bodies,
        "direct": direct,
        "through": through,
        "returns": returns,
        "imports": imports,
        "loaded": sorted(n for n in sys.modules if ours(n)),
        "opens": [[os.fsdecode(p), m, f, who] for p, m, f, who in opens],
        "renames": [[os.fsdecode(s), os.fsdecode(t)] for s, t in renames],
    }
    with open(report_path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)


def traced_exit(code):
    report()
    real_exit(code)


os._exit = traced_exit
sys.argv = [command, *arguments]
sys.addaudithook(audit)
threading.setprofile(profile)
sys.setprofile(profile)
try:
    result = entry.load()()
finally:
    report()
sys.exit(result)
"""

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def run_traced(python: Path, home: Path, url: str, arguments: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="trace-report-") as folder:
        report = Path(folder) / "report.json"
        done = subprocess.run(
            [str(python), "-c", BOOTSTRAP, str(report), COMMAND, *arguments],
            cwd=home,  # `-c` puts the working folder on sys.path: not this checkout
            env=environment(home, url, python.parent),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if not report.exists():
            raise RuntimeError(f"the traced child wrote no report:\n{done.stderr[-3000:]}")
        data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    data["exit_code"] = done.returncode
    data["stderr"] = done.stderr
    return data


def relative(path: str, home: Path) -> str | None:
    """The path as ~/..., or None when it is outside the home."""
    absolute = os.path.abspath(path)
    root = str(home)
    if absolute == root or absolute.startswith(root + os.sep):
        return "~" + absolute[len(root) :]
    return None


def file_opens(data: dict[str, Any], home: Path) -> dict[str, Any]:
    targets = {
        "credentials": credentials_file(home),
        "config": config_file(home),
        "state.json": state_file(home),
    }
    temp_sources = {source for source, _target in data["renames"]}
    by_target: dict[str, Counter[str]] = {name: Counter() for name in targets}
    others: Counter[str] = Counter()
    outside = 0
    openers: dict[str, Counter[str]] = {name: Counter() for name in targets}
    for path, mode, flags, who in data["opens"]:
        absolute = os.path.abspath(path)
        name = next((n for n, p in targets.items() if str(p) == absolute), None)
        if mode is None:  # os.open
            kind = "os.open write" if flags & WRITE_FLAGS else "os.open read"
        else:
            kind = "open write" if set(mode) & set("wax+") else "open read"
        if name is not None:
            by_target[name][kind] += 1
            openers[name][f"{who} ({kind})"] += 1
            continue
        shown = relative(path, home)
        if shown is None:
            outside += 1
        elif path in temp_sources:
            others[f"temp file beside {Path(shown).parent}/ ({kind})"] += 1
        else:
            others[f"{shown} ({kind})"] += 1
    for _source, target in data["renames"]:
        name = next((n for n, p in targets.items() if str(p) == os.path.abspath(target)), None)
        if name is not None:
            by_target[name]["replaced by a temp file"] += 1
    figures: dict[str, Any] = {}
    for name, counts in by_target.items():
        figures[name] = {
            "reads": counts["open read"] + counts["os.open read"],
            "writes": counts["open write"]
            + counts["os.open write"]
            + counts["replaced by a temp file"],
            "detail": dict(sorted(counts.items())),
            "opened_by": dict(openers[name].most_common()),
        }
    return {
        "files": figures,
        "other_opens_under_home": dict(sorted(others.items())),
        "opens_outside_home": outside,
    }


def module_figures(data: dict[str, Any]) -> dict[str, Any]:
    pairs = {
        kind: Counter({k: int(v) for k, v in data[kind].items()})
        for kind in ("direct", "through", "returns", "imports")
    }
    entered: dict[str, Counter[str]] = {kind: Counter() for kind in pairs}
    for kind, counts in pairs.items():
        for pair, count in counts.items():
            entered[kind][pair.split(" -> ")[1]] += count
    frames = {k: int(v) for k, v in data["frames"].items()}
    bodies = {k: int(v) for k, v in data["bodies"].items()}
    direct = entered["direct"]
    per_module = {
        name: {
            "frames": frames[name],
            "entered_direct": direct[name],
            "entered_through_other_code": entered["through"][name],
            "returned_to": entered["returns"][name],
            "imported_by_another": entered["imports"][name],
        }
        for name in sorted(frames, key=lambda n: (-direct[n], -frames[n], n))
    }
    return {
        "moves_direct": sum(pairs["direct"].values()),
        "moves_through_other_code": sum(pairs["through"].values()),
        "returns_to_another_module": sum(pairs["returns"].values()),
        "imports_from_another_module": sum(pairs["imports"].values()),
        "modules_loaded": len(data["loaded"]),
        "modules_with_a_frame_run": len(frames),
        "modules_with_a_function_run": len([n for n in frames if frames[n] > bodies.get(n, 0)]),
        "modules_entered_from_another": len([n for n in frames if direct[n] > 0]),
        "per_module": per_module,
        "pairs": {kind: dict(counts.most_common()) for kind, counts in pairs.items()},
    }


def render(result: dict[str, Any]) -> str:
    m = result["modules"]
    same = "yes" if result["same_as_untraced"] else f"NO: {result['untraced_differs']}"
    lines = [
        f"exit code {result['exit_code']}; AWS requests counted: {result['aws_requests']}; "
        f"sessions written: {result['sessions_written']}; device: {result['device']}",
        f"exit code, requests, files and state entries as an untraced login's: {same}",
        "",
        f"package modules: {m['modules_loaded']} loaded, {m['modules_with_a_frame_run']} with a "
        f"frame run, {m['modules_with_a_function_run']} with a function run, "
        f"{m['modules_entered_from_another']} entered from another package module",
        f"moves between package modules (calls from one into another): {m['moves_direct']} "
        f"direct, {m['moves_through_other_code']} more through other code; also "
        f"{m['returns_to_another_module']} returns into another module and "
        f"{m['imports_from_another_module']} module bodies run on an import by another",
        "",
        "| module | frames run | entered (direct) | entered (through other code) | returned to "
        "| imported by another |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in m["per_module"].items():
        lines.append(
            f"| {name} | {row['frames']} | {row['entered_direct']} "
            f"| {row['entered_through_other_code']} | {row['returned_to']} "
            f"| {row['imported_by_another']} |"
        )
    lines += ["", "| file | reads | writes | detail |", "|---|---:|---:|---|"]
    for name, row in result["opens"]["files"].items():
        detail = ", ".join(f"{k} {v}" for k, v in row["detail"].items()) or "-"
        lines.append(f"| {name} | {row['reads']} | {row['writes']} | {detail} |")
    for name, row in result["opens"]["files"].items():
        lines.append(f"{name} opened by (innermost package function):")
        lines += [f"  {count} x {who}" for who, count in row["opened_by"].items()]
    lines += ["", "other opens under the home:"]
    for name, count in result["opens"]["other_opens_under_home"].items():
        lines.append(f"  {count} x {name}")
    lines.append(
        f"opens outside the home (code, certificates, ...): {result['opens']['opens_outside_home']}"
    )
    return "\n".join(lines)


def login_in_fresh_home(
    emulator: Emulator, python: Path, discover: bool, *, traced: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One login in a new home by a new user: its figures (traced) and what it left behind."""
    with tempfile.TemporaryDirectory(prefix="trace-home-") as folder:
        home = Path(folder)
        user = emulator.create_user(f"trace-login-{'traced' if traced else 'plain'}")
        add_long_term_key(home, PROFILE, user)
        add_config_profile(home, PROFILE, None if discover else user.mfa_serials[0])
        arguments = ["--profile", PROFILE, "--force", "--code", user.code()]
        figures: dict[str, Any] = {
            "command": [COMMAND, *arguments[:-1], "CODE"],
            "device": "discovered through IAM" if discover else "mfa_serial in the config",
        }
        if traced:
            data = run_traced(python, home, emulator.url, arguments)
            exit_code = data["exit_code"]
            figures["modules"] = module_figures(data)
            figures["opens"] = file_opens(data, home)
            if exit_code != 0:
                print(data["stderr"][-3000:], file=sys.stderr)
        else:
            exit_code = subprocess.run(
                [str(python.parent / COMMAND), *arguments],
                cwd=home,
                env=environment(home, emulator.url, python.parent),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=300,
                check=False,
            ).returncode
        left = {
            "exit_code": exit_code,
            "aws_requests": emulator.request_count(user.access_key_id),
            "sessions_written": sorted(session_sections(home)),
            "files_under_home": files_under(home),
            "state_entries": state_entries(home),
        }
        return figures | left, left


def files_under(home: Path) -> list[str]:
    """Every file the login left in its home, relative to it (backup names carry the day).
    A login lock is named by a digest of the credentials file's path, which differs from one
    fresh home to the next: it is counted by its folder."""
    return sorted(
        str(p.parent.relative_to(home) / "<digest>.lock")
        if p.parent.name == "locks"
        else str(p.relative_to(home))
        for p in home.rglob("*")
        if p.is_file()
    )


def state_entries(home: Path) -> dict[str, int]:
    """state.json's tables and how many entries each holds."""
    try:
        data = json.loads(state_file(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: len(v) for k, v in sorted(data.items()) if isinstance(v, dict)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--python",
        type=Path,
        default=Path(sys.executable),
        help="the interpreter of the venv mfa-session is installed in (this one)",
    )
    parser.add_argument(
        "--discover",
        action="store_true",
        help="name no device anywhere: the login asks IAM for it and remembers it",
    )
    parser.add_argument("--json", type=Path, default=HERE / "results" / "trace_login.json")
    args = parser.parse_args()
    # The children run in their home: a relative path would point nowhere. Not resolved:
    # a venv's python is a symlink, and resolving it would leave the venv.
    args.python = args.python.absolute()
    with Emulator() as emulator:
        traced, result = login_in_fresh_home(emulator, args.python, args.discover, traced=True)
        _plain, untraced = login_in_fresh_home(emulator, args.python, args.discover, traced=False)
    traced["same_as_untraced"] = result == untraced
    traced["untraced_differs"] = {
        k: {"traced": v, "untraced": untraced.get(k)}
        for k, v in result.items()
        if untraced.get(k) != v
    }
    print(render(traced))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(traced, indent=2) + "\n", encoding="utf-8")
    return 0 if traced["exit_code"] == 0 and traced["same_as_untraced"] else 1


if __name__ == "__main__":
    sys.exit(main())
