"""mfa-login and its peers side by side, against the local AWS emulator.

    .venv/bin/python benchmarks/run.py [--rounds 15] [--json benchmarks/results/latest.json]
                                       [--compare NAME=CHECKOUT ...]

Run it from the repository root with a Python that has the dev extras (moto runs the
emulator, pexpect drives the terminal). It makes benchmarks/.venv holding this product (a
normal, non-editable install, as a person gets it) and the peers from the package registry
(aws-mfa, awsume, awscli), starts the emulator and runs every case interleaved: one run of
each case per round, in an order that rotates, so the machine's noise falls on all of them
alike. It prints medians, paired ratios (the median over rounds of case / baseline measured
in the same round), peak memory (ru_maxrss of each child) and AWS round trips, and writes
the same as JSON.

`--compare NAME=CHECKOUT` also installs another checkout of the product (a git worktree of
an earlier commit, say) into benchmarks/.venv-NAME and measures every mfa-login case for it
too, in the same rounds, as "mfa-login@NAME ...": before and after side by side.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pexpect

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.emulator import EmulatedUser, Emulator  # noqa: E402 - needs REPO on the path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / "bin"
PEERS = ["aws-mfa", "awsume", "awscli"]
KEYSTROKE_SECONDS = 0.2  # from the last digit to Enter
TYPING_SECONDS = 1.5  # a person reading the prompt and typing six digits
PROFILE = "bench"


@dataclass
class Sample:
    seconds: float
    max_rss_kb: int | None = None
    round_trips: int | None = None


@dataclass
class Case:
    name: str
    run: Callable[[int], Sample]
    """Round number to a sample; round -1 is the warm-up, which measures peak memory."""
    samples: list[Sample] = field(default_factory=list)
    peak_rss_kb: int | None = None


@dataclass
class Group:
    title: str
    baseline: str
    cases: list[Case]
    unit_note: str = ""


# --- the venv and the machine ---------------------------------------------------------------


def make_venv(venv: Path = VENV, checkout: Path = REPO, peers: list[str] = PEERS) -> dict[str, str]:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    # Always the checkout's code, built as a wheel, even when the version did not change.
    for extra in ([str(checkout), *peers], ["--force-reinstall", "--no-deps", str(checkout)]):
        done = subprocess.run([*pip, *extra], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pip install {extra} failed:\n{done.stderr[-3000:]}")
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    )
    wanted = {"mfa-session", "aws-mfa", "awsume", "awscli", "boto3", "botocore"}
    return {p["name"]: p["version"] for p in json.loads(listed.stdout) if p["name"] in wanted}


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    python = subprocess.run(
        [str(BIN / "python"), "-c", "import platform; print(platform.python_version())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": python,
        "kernel": platform.release(),
        "load_average_at_start": os.getloadavg(),
    }


# --- running one child ----------------------------------------------------------------------


def environment(home: Path, emulator: Emulator, **extra: str) -> dict[str, str]:
    env = {
        "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "TERM": "xterm",
        "AWS_ENDPOINT_URL": emulator.url,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    env.update(extra)
    return env


def timed(
    argv: list[str], env: dict[str, str], stdin_text: str = "", *, memory: bool = False
) -> Sample:
    """Wall time from spawn to exit; with `memory`, the child's peak RSS instead of a time.

    Peak memory comes from /usr/bin/time (GNU time's %M): a child forked from this big
    process would report this process's size in its own ru_maxrss.
    """
    report = tempfile.NamedTemporaryFile("r", suffix=".rss")  # noqa: SIM115 - closed below
    if memory:
        argv = ["/usr/bin/time", "-f", "%M", "-o", report.name, *argv]
    with report, tempfile.TemporaryFile("w+") as stdin, tempfile.TemporaryFile("w+") as output:
        stdin.write(stdin_text)
        stdin.seek(0)
        started = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdin=stdin, stdout=output, stderr=output)
        child.wait()
        seconds = time.perf_counter() - started
        if child.returncode != 0:
            output.seek(0)
            raise RuntimeError(f"{argv} exited {child.returncode}:\n{output.read()[-2000:]}")
        rss = int(report.read().split()[-1]) if memory else None
    return Sample(seconds, rss)


def in_terminal(
    argv: list[str], env: dict[str, str], prompt: str, code: Callable[[], str]
) -> Sample:
    """Enter-to-done: from the Enter that submits the code to the end of the process."""
    child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8", timeout=60)
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send by default
    try:
        child.expect(prompt)
        time.sleep(TYPING_SECONDS)
        typed = code()  # the code on the device at the moment the person types it
        # Digits first, as a person types them, then Enter: the clock measures only what
        # the Enter sets off, not the echo of the typing.
        child.send(typed)
        time.sleep(KEYSTROKE_SECONDS)
        started = time.perf_counter()
        child.send("\r")
        child.expect(pexpect.EOF)
        seconds = time.perf_counter() - started
    finally:
        child.close()
    if child.exitstatus != 0:
        raise RuntimeError(f"{argv} exited {child.exitstatus}:\n{child.before}")
    return Sample(seconds)


def to_prompt(argv: list[str], env: dict[str, str], prompt: str) -> Sample:
    """Time to the prompt: from the spawn until the prompt's text is on the terminal."""
    started = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, encoding="utf-8", timeout=60)
    child.delaybeforesend = None
    try:
        child.expect(prompt)
        seconds = time.perf_counter() - started
    finally:
        child.close(force=True)
    return Sample(seconds)


# --- the homes each tool expects ------------------------------------------------------------


def fresh_home(root: Path, name: str) -> Path:
    home = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))
    (home / ".aws").mkdir()
    return home


def write_layout(home: Path, user: EmulatedUser, layout: str) -> None:
    """The files as each tool's own documentation asks for them."""
    serial = user.mfa_serials[0]
    key = (
        f"aws_access_key_id = {user.access_key_id}\n"
        f"aws_secret_access_key = {user.secret_access_key}\n"
    )
    if layout == "aws-mfa":  # key and device in [NAME-long-term]
        credentials = f"[{PROFILE}-long-term]\n{key}aws_mfa_device = {serial}\n"
        config = ""
    elif layout == "awsume":  # key in [NAME], mfa_serial in the config profile
        credentials = f"[{PROFILE}]\n{key}"
        config = f"[profile {PROFILE}]\nmfa_serial = {serial}\nregion = us-east-1\n"
    else:  # mfa-login and the bare scripts: aws-mfa's layout plus mfa_serial in the config
        credentials = f"[{PROFILE}-long-term]\n{key}"
        config = (
            f"[profile {PROFILE}]\nmfa_serial = {serial}\nregion = us-east-1\n"
            if layout == "mfa-login"
            else ""
        )
    (home / ".aws" / "credentials").write_text(credentials, encoding="utf-8")
    (home / ".aws" / "credentials").chmod(0o600)
    (home / ".aws" / "config").write_text(config, encoding="utf-8")


# --- the cases ------------------------------------------------------------------------------


class Bench:
    def __init__(self, emulator: Emulator, root: Path) -> None:
        self.emulator = emulator
        self.root = root
        self.users = 0

    def user(self) -> EmulatedUser:
        self.users += 1
        return self.emulator.create_user(f"bench-{self.users}")

    def command(
        self, argv: list[str], home: Path | None = None, **extra: str
    ) -> Callable[[int], Sample]:
        where = home or fresh_home(self.root, "plain")
        return lambda number: timed(
            argv, environment(where, self.emulator, **extra), memory=number < 0
        )

    # A login per run: a fresh user (its first code is unused), files in a fresh home.
    def login(
        self,
        layout: str,
        argv: Callable[[EmulatedUser, str], list[str]],
        *,
        stdin: bool = False,
        extra: Callable[[EmulatedUser], dict[str, str]] | None = None,
    ) -> Callable[[int], Sample]:
        def run(number: int) -> Sample:
            user = self.user()
            home = fresh_home(self.root, layout)
            write_layout(home, user, layout)
            env = environment(home, self.emulator, **(extra(user) if extra else {}))
            code = user.code()
            args = argv(user, code)
            sample = timed(args, env, stdin_text=code + "\n" if stdin else "", memory=number < 0)
            sample.round_trips = self.emulator.request_count(user.access_key_id)
            return sample

        return run

    def still_valid(
        self,
        layout: str,
        first: Callable[[EmulatedUser, str], list[str]],
        again: list[str],
        *,
        stdin: bool = False,
    ) -> Callable[[int], Sample]:
        """One real login by the tool itself, then the timed runs find its session valid."""
        user = self.user()
        home = fresh_home(self.root, layout)
        write_layout(home, user, layout)
        env = environment(home, self.emulator)
        code = user.code()
        timed(first(user, code), env, stdin_text=code + "\n" if stdin else "")
        before = self.emulator.request_count(user.access_key_id)

        def run(number: int) -> Sample:
            sample = timed(again, env, memory=number < 0)
            sample.round_trips = self.emulator.request_count(user.access_key_id) - before
            return sample

        return run

    def terminal(self, layout: str, argv: list[str], prompt: str) -> Callable[[int], Sample]:
        def run(_round: int) -> Sample:
            user = self.user()
            home = fresh_home(self.root, layout)
            write_layout(home, user, layout)
            env = environment(home, self.emulator)
            return in_terminal(argv, env, prompt, user.code)

        return run

    def prompt(self, layout: str, argv: list[str], prompt: str) -> Callable[[int], Sample]:
        def run(_round: int) -> Sample:
            user = self.user()
            home = fresh_home(self.root, layout)
            write_layout(home, user, layout)
            return to_prompt(argv, environment(home, self.emulator), prompt)

        return run

    def round_trip(self) -> Callable[[int], Sample]:
        """One GetSessionToken from a warm process: client built beforehand, not timed."""
        import botocore.session

        def run(_round: int) -> Sample:
            user = self.user()
            client: Any = botocore.session.get_session().create_client(
                "sts",
                region_name="us-east-1",
                endpoint_url=self.emulator.url,
                aws_access_key_id=user.access_key_id,
                aws_secret_access_key=user.secret_access_key,
            )
            time.sleep(0.05)
            code = user.code()
            started = time.perf_counter()
            client.get_session_token(SerialNumber=user.mfa_serials[0], TokenCode=code)
            return Sample(time.perf_counter() - started)

        return run


@dataclass(frozen=True)
class Product:
    """One installed mfa-login: this checkout ("mfa-login") or one named by --compare."""

    name: str
    bin: Path
    with_status: bool

    def command(self) -> str:
        return str(self.bin / "mfa-login")


def groups(bench: Bench, products: list[Product]) -> list[Group]:
    py = str(BIN / "python")
    aws_mfa = str(BIN / "aws-mfa")
    awsume = str(BIN / "awsumepy")
    aws = str(BIN / "aws")

    def ours(product: Product) -> Callable[[EmulatedUser, str], list[str]]:
        return lambda _user, code: [
            product.command(),
            "--profile",
            PROFILE,
            "--force",
            "--code",
            code,
        ]

    def theirs_aws_mfa(_user: EmulatedUser, _code: str) -> list[str]:
        return [aws_mfa, "--profile", PROFILE, "--force", "--log-level", "WARNING"]

    def theirs_awsume(_user: EmulatedUser, code: str) -> list[str]:
        return [awsume, PROFILE, "--mfa-token", code, "--refresh"]

    def bare(script: str) -> Callable[[EmulatedUser, str], list[str]]:
        return lambda user, code: [py, str(HERE / script), PROFILE, user.mfa_serials[0], code]

    def cli(user: EmulatedUser, code: str) -> list[str]:
        return [
            aws,
            "sts",
            "get-session-token",
            "--serial-number",
            user.mfa_serials[0],
            "--token-code",
            code,
        ]

    def cli_env(user: EmulatedUser) -> dict[str, str]:
        return {
            "AWS_ACCESS_KEY_ID": user.access_key_id,
            "AWS_SECRET_ACCESS_KEY": user.secret_access_key,
        }

    start = [Case("python -c pass", bench.command([py, "-c", "pass"]))]
    still = [Case("python -c pass", bench.command([py, "-c", "pass"]))]
    forced = [
        Case("bare boto3 script", bench.login("bare", bare("bare_boto3.py"))),
        Case("bare botocore script", bench.login("bare", bare("bare_botocore.py"))),
    ]
    enter = [Case("one round trip (warm process)", bench.round_trip())]
    prompt = [Case("python prompting at once", bench.prompt("bare", [py, "-c", PROMPT], "MFA"))]
    for product in products:
        login, name = product.command(), product.name
        start += [
            Case(f"{name} --version", bench.command([login, "--version"])),
            Case(f"{name} --help", bench.command([login, "--help"])),
        ]
        valid = [
            ("(still valid)", [login, "--profile", PROFILE]),
            ("export (still valid)", [login, "export", "--profile", PROFILE]),
            ("exec (still valid)", [login, "exec", "--profile", PROFILE, "--", "true"]),
            (
                "credential-process (still valid)",
                [login, "credential-process", "--profile", PROFILE],
            ),
        ]
        still += [
            Case(f"{name} {what}", bench.still_valid("mfa-login", ours(product), again))
            for what, again in valid
        ]
        if product.with_status:
            status_home = fresh_home(bench.root, "status")
            user = bench.user()
            write_layout(status_home, user, "mfa-login")
            timed(ours(product)(user, user.code()), environment(status_home, bench.emulator))
            still.append(Case(f"{name} status", bench.command([login, "status"], status_home)))
        forced.append(Case(f"{name} --force --code", bench.login("mfa-login", ours(product))))
        argv = [login, "--profile", PROFILE]
        enter.append(Case(name, bench.terminal("mfa-login", argv, "MFA code")))
        prompt.append(Case(name, bench.prompt("mfa-login", argv, "MFA code")))
    start.append(Case("python -c 'import boto3'", bench.command([py, "-c", "import boto3"])))
    still += [
        Case(
            "aws-mfa (still valid)",
            bench.still_valid(
                "aws-mfa",
                theirs_aws_mfa,
                [aws_mfa, "--profile", PROFILE, "--log-level", "WARNING"],
                stdin=True,
            ),
        ),
        Case(
            "awsume (cached session)", bench.still_valid("awsume", theirs_awsume, [awsume, PROFILE])
        ),
    ]
    forced += [
        Case("aws-mfa --force (code on stdin)", bench.login("aws-mfa", theirs_aws_mfa, stdin=True)),
        Case("awsume --refresh --mfa-token", bench.login("awsume", theirs_awsume)),
        Case("aws sts get-session-token", bench.login("bare", cli, extra=cli_env)),
    ]
    enter += [
        Case(
            "aws-mfa",
            bench.terminal(
                "aws-mfa", [aws_mfa, "--profile", PROFILE, "--log-level", "WARNING"], "MFA code"
            ),
        ),
        Case("awsume", bench.terminal("awsume", [awsume, PROFILE], "MFA token")),
    ]
    prompt += [
        Case(
            "aws-mfa",
            bench.prompt(
                "aws-mfa", [aws_mfa, "--profile", PROFILE, "--log-level", "WARNING"], "MFA code"
            ),
        ),
        Case("awsume", bench.prompt("awsume", [awsume, PROFILE], "MFA token")),
    ]
    return [
        Group("Start-up", "python -c pass", start),
        Group("Still valid (no AWS call)", "python -c pass", still),
        Group(
            "Forced login, device known, code given (one GetSessionToken + write)",
            "bare boto3 script",
            forced,
        ),
        Group(
            f"Enter-to-done in a terminal (digits typed {TYPING_SECONDS} s after the prompt, "
            f"Enter {KEYSTROKE_SECONDS} s later)",
            "one round trip (warm process)",
            enter,
        ),
        Group(TO_PROMPT, "python prompting at once", prompt),
    ]


PROMPT = "print('MFA code: ', end='', flush=True); input()"
"""The floor of the time to the prompt: a Python that prints the prompt as it starts."""
TO_PROMPT = "Time to the code prompt in a terminal (from the start to the prompt on screen)"


def discovery_round_trips(bench: Bench) -> int:
    """A first login with no device named anywhere: ListMFADevices, then GetSessionToken."""
    user = bench.user()
    home = fresh_home(bench.root, "discovery")
    write_layout(home, user, "bare")
    timed(
        [str(BIN / "mfa-login"), "--profile", PROFILE, "--code", user.code()],
        environment(home, bench.emulator),
    )
    return bench.emulator.request_count(user.access_key_id)


# --- measuring and reporting ----------------------------------------------------------------


def measure(group: Group, rounds: int) -> None:
    for case in group.cases:
        case.peak_rss_kb = case.run(-1).max_rss_kb  # warm-up: .pyc files, page cache
    for number in range(rounds):
        shift = number % len(group.cases)
        for case in group.cases[shift:] + group.cases[:shift]:
            case.samples.append(case.run(number))


def summary(group: Group) -> dict[str, Any]:
    base = next(c for c in group.cases if c.name == group.baseline)
    rows: dict[str, Any] = {}
    for case in group.cases:
        times = [s.seconds * 1000 for s in case.samples]
        paired = [s.seconds / b.seconds for s, b in zip(case.samples, base.samples, strict=True)]
        over = [
            (s.seconds - b.seconds) * 1000 for s, b in zip(case.samples, base.samples, strict=True)
        ]
        trips = {s.round_trips for s in case.samples if s.round_trips is not None}
        rows[case.name] = {
            "median_ms": statistics.median(times),
            "ratio": statistics.median(paired),
            "over_baseline_ms": statistics.median(over),
            "peak_rss_mb": case.peak_rss_kb / 1024 if case.peak_rss_kb else None,
            "round_trips": sorted(trips),
            "times_ms": [round(t, 2) for t in times],
        }
    return {"baseline": group.baseline, "cases": rows}


def table(title: str, result: dict[str, Any]) -> str:
    lines = [
        f"### {title}",
        "",
        f"| case | median | ratio to {result['baseline']} | difference | peak RSS "
        "| AWS round trips |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in result["cases"].items():
        rss = f"{row['peak_rss_mb']:.0f} MB" if row["peak_rss_mb"] is not None else "-"
        trips = "/".join(str(t) for t in row["round_trips"]) or "-"
        lines.append(
            f"| {name} | {row['median_ms']:.0f} ms | {row['ratio']:.2f}x "
            f"| {row['over_baseline_ms']:+.0f} ms | {rss} | {trips} |"
        )
    return "\n".join(lines)


def goals(results: dict[str, dict[str, Any]], discovery: int) -> list[dict[str, Any]]:
    start, still, forced, enter, _prompt = (results[k]["cases"] for k in list(results))
    checks: list[tuple[str, float, str, float]] = [
        (
            "mfa-login still valid / python -c pass",
            still["mfa-login (still valid)"]["ratio"],
            "<=",
            2.5,
        ),
        ("mfa-login --help / python -c pass", start["mfa-login --help"]["ratio"], "<=", 3.0),
        ("mfa-login --version / python -c pass", start["mfa-login --version"]["ratio"], "<=", 3.0),
        (
            "forced login / bare boto3 script",
            forced["mfa-login --force --code"]["ratio"],
            "<=",
            1.1,
        ),
        (
            "forced login / aws-mfa",
            forced["mfa-login --force --code"]["median_ms"]
            / forced["aws-mfa --force (code on stdin)"]["median_ms"],
            "<",
            1.0,
        ),
        (
            "forced login / awsume",
            forced["mfa-login --force --code"]["median_ms"]
            / forced["awsume --refresh --mfa-token"]["median_ms"],
            "<",
            1.0,
        ),
        (
            "Enter-to-done minus one round trip (ms)",
            enter["mfa-login"]["over_baseline_ms"],
            "<=",
            40.0,
        ),
        (
            "round trips, known device",
            max(forced["mfa-login --force --code"]["round_trips"]),
            "<=",
            1,
        ),
        ("round trips, first login with discovery", discovery, "<=", 2),
        ("round trips, still valid", max(still["mfa-login (still valid)"]["round_trips"]), "<=", 0),
    ]
    for command in ("export", "exec", "credential-process"):
        checks.insert(
            1,
            (
                f"mfa-login {command} still valid / python -c pass",
                still[f"mfa-login {command} (still valid)"]["ratio"],
                "<=",
                2.5,
            ),
        )
    if "mfa-login status" in still:
        checks.insert(
            1, ("mfa-login status / python -c pass", still["mfa-login status"]["ratio"], "<=", 2.5)
        )
    out = []
    for name, value, op, limit in checks:
        met = value <= limit if op == "<=" else value < limit
        out.append(
            {"goal": name, "measured": round(value, 3), "limit": f"{op} {limit}", "met": met}
        )
    return out


def has_status(bin_dir: Path) -> bool:
    done = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "from mfa_session.cli import SUBCOMMANDS; print('status' in SUBCOMMANDS)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() == "True"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="runs of each case (15)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="NAME=CHECKOUT",
        help="also measure the mfa-login of another checkout, named NAME in the tables",
    )
    args = parser.parse_args()

    versions = make_venv()
    products = [Product("mfa-login", BIN, has_status(BIN))]
    for given in args.compare:
        name, _, checkout = given.partition("=")
        venv = HERE / f".venv-{name}"
        make_venv(venv, Path(checkout).resolve(), peers=[])
        products.append(Product(f"mfa-login@{name}", venv / "bin", has_status(venv / "bin")))
    facts = machine()
    root = Path(tempfile.mkdtemp(prefix="mfa-bench-"))
    results: dict[str, Any] = {}
    try:
        with Emulator() as emulator:
            bench = Bench(emulator, root)
            for group in groups(bench, products):
                print(f"measuring: {group.title} ...", file=sys.stderr, flush=True)
                measure(group, args.rounds)
                results[group.title] = summary(group)
            discovery = discovery_round_trips(bench)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    report = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": facts | {"load_average_at_end": os.getloadavg()},
        "versions": versions,
        "rounds": args.rounds,
        "typing_seconds": TYPING_SECONDS,
        "groups": results,
        "goals": goals(results, discovery),
    }
    report["compared"] = {p.name: str(p.bin.parent) for p in products}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    m = report["machine"]
    print(
        f"{report['date']}; {m['cpu']}, {m['cores']} cores, Python {m['python']}; "
        f"{args.rounds} rounds; load {m['load_average_at_start'][0]:.1f} at start"
    )
    print("versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    for title, result in results.items():
        print()
        print(table(title, result))
    print()
    print("| goal | measured | limit | met |\n|---|---:|---:|---|")
    for goal in report["goals"]:
        print(
            f"| {goal['goal']} | {goal['measured']} | {goal['limit']} "
            f"| {'yes' if goal['met'] else 'NO'} |"
        )
    print(f"\nJSON: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
