"""20 logins at once in one home: how much of what they wrote survives in state.json.

    .venv/bin/python benchmarks/state_parallel.py [--logins 20] [--runs 3]
                                                  [--mfa-login .venv/bin/mfa-login]
                                                  [--json benchmarks/results/state_parallel.json]

Each run starts the local AWS emulator's users afresh in a new throwaway home: one IAM user
with one TOTP device per profile, its key in [pN-long-term], no device named anywhere. Then
it starts every `mfa-login --profile pN --force --code CODE` at once (each with the code its
own device shows), waits for all, and counts in state.json what each login should have left
there: its used-code entry (one per device and 30-second step), its remembered device (found
through IAM ListMFADevices) and its written section. It also counts the sessions in the
credentials file, whose store takes a lock, the exit codes and the emulator's requests.

A login is missing from the used-code entries when fewer entries than logins are left
(each login adds one entry for its own device; the file holds hashes only).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from emulated_home import (
    add_config_profile,
    add_long_term_key,
    environment,
    session_sections,
    state_file,
)

from tests.emulator import EmulatedUser, Emulator

HERE = Path(__file__).resolve().parent


def one_run(emulator: Emulator, mfa_login: Path, logins: int, number: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="state-parallel-") as folder:
        home = Path(folder)
        users: dict[str, EmulatedUser] = {}
        for index in range(1, logins + 1):
            profile = f"p{index}"
            users[profile] = emulator.create_user(f"parallel-{number}-{index}")
            add_long_term_key(home, profile, users[profile])
            add_config_profile(home, profile, None)  # a region, no device: IAM is asked
        env = environment(home, emulator.url, mfa_login.parent)
        # Codes first, so every process starts within a few milliseconds of the others.
        commands = [
            [str(mfa_login), "--profile", profile, "--force", "--code", user.code()]
            for profile, user in users.items()
        ]
        started = time.perf_counter()
        children = [
            subprocess.Popen(
                argv,
                cwd=home,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for argv in commands
        ]
        spawned = time.perf_counter() - started
        errors = [child.communicate(timeout=300)[1] for child in children]
        codes = [child.returncode for child in children]
        state = read_state(state_file(home))
        devices = per_file(state, "file_devices", "devices")
        sections = per_file(state, "file_sections", "sections")
        remembered = [p for p, user in users.items() if devices.get(p) == user.mfa_serials[0]]
        written = session_sections(home)
        return {
            "logins": logins,
            "seconds_to_start_all": round(spawned, 3),
            "exit_codes": {str(code): codes.count(code) for code in sorted(set(codes))},
            "failures": [
                (e.strip().splitlines() or ["(no output)"])[-1]
                for e, c in zip(errors, codes, strict=True)
                if c != 0
            ],
            "used_code_entries": len(state.get("used_steps", {})),
            "remembered_devices": len(remembered),
            "written_sections_recorded": len([p for p in users if sections.get(p) == p]),
            "sessions_in_credentials_file": len([p for p in users if p in written]),
            "aws_requests": sum(emulator.request_count(u.access_key_id) for u in users.values()),
        }


def per_file(state: dict[str, Any], member: str, flat: str) -> dict[str, str]:
    """Records kept per credentials file (this version), merged; or flat (before it)."""
    merged: dict[str, str] = dict(state.get(flat, {}))
    for entries in state.get(member, {}).values():
        merged.update(entries)
    return merged


def read_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def render(runs: list[dict[str, Any]]) -> str:
    logins = runs[0]["logins"] if runs else 0
    lines = [
        f"| run | exit codes | used-code entries kept (of {logins}) | remembered devices "
        "| written sections recorded | sessions in the credentials file | AWS requests |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for number, run in enumerate(runs, 1):
        exits = ", ".join(f"{n} x {code}" for code, n in run["exit_codes"].items())
        lines.append(
            f"| {number} | {exits} | {run['used_code_entries']} | {run['remembered_devices']} "
            f"| {run['written_sections_recorded']} | {run['sessions_in_credentials_file']} "
            f"| {run['aws_requests']} |"
        )
    for number, run in enumerate(runs, 1):
        for failure in run["failures"]:
            lines.append(f"run {number}: {failure}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20, help="logins started at once (20)")
    parser.add_argument("--runs", type=int, default=3, help="times to do it (3)")
    parser.add_argument(
        "--mfa-login",
        type=Path,
        default=Path(sys.executable).with_name("mfa-login"),
        help="the installed command (the one beside this interpreter)",
    )
    parser.add_argument("--json", type=Path, default=HERE / "results" / "state_parallel.json")
    args = parser.parse_args()
    # The children run in their home: a relative path would point nowhere. Not resolved:
    # a venv's python is a symlink, and resolving it would leave the venv.
    args.mfa_login = args.mfa_login.absolute()
    with Emulator() as emulator:
        runs = [one_run(emulator, args.mfa_login, args.logins, n) for n in range(1, args.runs + 1)]
    print(render(runs))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"runs": runs}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
