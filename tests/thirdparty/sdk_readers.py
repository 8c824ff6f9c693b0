"""What botocore, aws-sdk-go-v2 and the JS SDK v3 read from a credentials file and a config
file, each through the SDK's own loader, in one shape (`FilesReading`). In a test, ask for
the `sdk_readers` fixture (tests/thirdparty/fixtures.py); elsewhere:

    readers = locate_readers(cache_folder)       # builds the Go reader once, checks the JS one
    readers.read_with_botocore(credentials, config)
    readers.read_with_go(credentials, config)
    readers.read_with_js(credentials, config)
    readers.read_all(credentials, config)        # {"botocore": ..., "go": ..., "js": ...}

For every profile a reader sees: the static credentials the SDK takes from it (credentials
file first, then config file; not whether another provider such as a role would win), its
region, the key/values it exposes, and the SDK's error for that profile as text. An empty value
reads as unset everywhere (Go cannot tell the two apart, the JS loader keeps no empty value),
so it is in neither `values` nor `region`. A value under a `key =` line (a sub-section such as
`s3 =` with indented lines) is `values["s3.key"]`, as the JS loader names it.

What each can see:
- botocore: every key and profile (Session.full_config: the config file's profiles with the
  credentials file's keys over them); an unreadable file is `error` of the whole reading.
- aws-sdk-go-v2 (`config.LoadSharedConfigProfile`, Debian's 1.17 source: the parser the SDK
  replaced in November 2023): only the settings its SharedConfig has as
  text (`visible_keys`), and no list of profiles: it is asked about every name botocore (by
  default; `read_all`: and JS) or a plain scan of the `[...]` lines finds. A file it cannot read
  (SharedConfigLoadError) is `error` of the whole reading.
- JS (`@smithy/shared-ini-file-loader`, `parseKnownFiles`): every key as parsed; it never fails
  (a file it cannot read gives no profiles), and it lists no profile without a non-empty value.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from tests.thirdparty.js_install import JS_READER, js_reader_current

GOCODE = Path("/usr/share/gocode")  # where Debian installs Go source packages
GO_SDK = Path("src", "github.com", "aws", "aws-sdk-go-v2")  # inside GOCODE
GO_READER_SOURCE = Path(__file__).resolve().parent / "go_reader" / "main.go"
READERS = ("botocore", "go", "js")
_BUILD_SECONDS = 300  # a hang guard only: the first build takes seconds
_READ_SECONDS = 60


class StaticCredentials(TypedDict):
    aws_access_key_id: str
    aws_secret_access_key: str
    aws_session_token: str | None


class ProfileReading(TypedDict):
    credentials: StaticCredentials | None
    region: str | None
    values: dict[str, str]
    error: str | None


class FilesReading(TypedDict):
    reader: str  # the SDK and its version
    visible_keys: list[str] | None  # None: every key is visible
    error: str | None  # the files as a whole could not be read
    profiles: dict[str, ProfileReading]


class ReadersUnavailable(Exception):
    """A toolchain or package a reader needs is missing; the message says what to install."""


class ReaderBuildFailed(Exception):
    """The tools are there but the Go reader does not build: a defect, never a skip."""


@dataclass(frozen=True)
class SdkReaders:
    go_reader: Path
    go_sdk_version: str
    node: str
    js_reader: Path

    def read_with_botocore(self, credentials: Path, config: Path) -> FilesReading:
        return read_with_botocore(credentials, config)

    def read_with_go(
        self, credentials: Path, config: Path, profiles: Iterable[str] | None = None
    ) -> FilesReading:
        if profiles is None:
            profiles = read_with_botocore(credentials, config)["profiles"]
        names = profile_candidates(credentials, config, profiles)
        out = _run_json([str(self.go_reader), str(credentials), str(config), *sorted(names)])
        read: dict[str, ProfileReading] = {}
        unreadable = None
        for name, seen in out["profiles"].items():
            if seen["status"] == "unreadable":
                unreadable = _without_paths(seen["error"], credentials, config)
            if seen["status"] in ("absent", "unreadable"):
                continue
            error = seen.get("error")
            read[name] = {
                "credentials": _credentials(seen["credentials"]),
                "region": seen["region"] or None,
                "values": _non_empty(seen["values"] or {}),
                "error": None if error is None else _without_paths(error, credentials, config),
            }
        return {
            "reader": f"aws-sdk-go-v2 {self.go_sdk_version}",
            "visible_keys": list(out["keys"]),
            "error": unreadable,
            "profiles": {} if unreadable else read,
        }

    def read_with_js(self, credentials: Path, config: Path) -> FilesReading:
        out = _run_json([self.node, str(self.js_reader), str(credentials), str(config)])
        read: dict[str, ProfileReading] = {}
        for name, seen in out["profiles"].items():
            read[name] = {
                "credentials": _credentials(seen["credentials"]),
                "region": seen["region"] or None,
                "values": _non_empty(seen["values"]),
                "error": None,
            }
        versions = out["versions"]
        return {
            "reader": (
                f"@smithy/shared-ini-file-loader {versions['@smithy/shared-ini-file-loader']}"
                f" (@smithy/core {versions['@smithy/core']})"
            ),
            "visible_keys": None,
            "error": None,
            "profiles": read,
        }

    def read_all(self, credentials: Path, config: Path) -> dict[str, FilesReading]:
        """The three readings; Go is asked about every profile the other two or a scan see."""
        botocore = self.read_with_botocore(credentials, config)
        js = self.read_with_js(credentials, config)
        go = self.read_with_go(credentials, config, [*botocore["profiles"], *js["profiles"]])
        return {"botocore": botocore, "go": go, "js": js}


def read_with_botocore(credentials: Path, config: Path) -> FilesReading:
    """botocore's own merge (Session.full_config) and its two static-key providers."""
    import botocore
    from botocore.configloader import load_config
    from botocore.credentials import ConfigProvider, SharedCredentialProvider
    from botocore.exceptions import BotoCoreError
    from botocore.session import Session

    reader = f"botocore {botocore.__version__}"
    session = Session()
    session.set_config_variable("credentials_file", str(credentials))
    session.set_config_variable("config_file", str(config))
    try:
        profiles: dict[str, dict[str, object]] = session.full_config["profiles"]
    except BotoCoreError as err:
        return {
            "reader": reader,
            "visible_keys": None,
            "error": _without_paths(str(err), credentials, config),
            "profiles": {},
        }
    read: dict[str, ProfileReading] = {}
    for name, raw in profiles.items():
        values = _non_empty(_flatten(raw))
        reading: ProfileReading = {
            "credentials": None,
            "region": values.get("region"),
            "values": values,
            "error": None,
        }
        providers = (
            SharedCredentialProvider(creds_filename=str(credentials), profile_name=name),
            ConfigProvider(str(config), name, config_parser=load_config),
        )
        try:
            for provider in providers:
                found = provider.load()
                if found is not None:
                    reading["credentials"] = _credentials(
                        {
                            "aws_access_key_id": found.access_key,
                            "aws_secret_access_key": found.secret_key,
                            "aws_session_token": found.token,
                        }
                    )
                    break
        except BotoCoreError as err:
            reading["error"] = _without_paths(str(err), credentials, config)
        read[name] = reading
    return {"reader": reader, "visible_keys": None, "error": None, "profiles": read}


def profile_candidates(credentials: Path, config: Path, seen: Iterable[str]) -> set[str]:
    """The names to ask a reader that cannot list profiles: those other readers `seen`, and
    every `[...]` line's text as written and trimmed (in the config file without `profile `)."""
    names = set(seen)
    for path, is_config in ((credentials, False), (config, True)):
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        for header in re.findall(r"^[ \t]*\[([^\]\r\n]*)\]", text, flags=re.MULTILINE):
            for written in (header, header.strip()):
                name = re.sub(r"^profile\s+", "", written) if is_config else written
                if name:
                    names.add(name)
    return names


def locate_readers(
    cache: Path, *, gocode: Path = GOCODE, js_folder: Path = JS_READER
) -> SdkReaders:
    """The readers ready to run: the Go reader built into `cache` (once per source, Go and SDK
    version), the JS reader's packages checked against package-lock.json.

    Raises ReadersUnavailable naming everything to install, ReaderBuildFailed when the
    tools are there but the build fails."""
    missing = []
    go = shutil.which("go")
    if go is None:
        missing.append("no Go toolchain on PATH (Debian: apt-get install golang-go)")
    if not (gocode / GO_SDK / "config" / "shared_config.go").is_file():
        missing.append(
            f"no aws-sdk-go-v2 source under {gocode}"
            " (Debian: apt-get install golang-github-aws-aws-sdk-go-v2-dev)"
        )
    node = shutil.which("node")
    if node is None:
        missing.append("no node on PATH (install Node.js 18 or newer with npm)")
    if not js_reader_current(js_folder):
        missing.append(
            "the JS reader's npm packages are not installed as package-lock.json pins them"
            " (python3 tasks.py check runs npm ci when npm is on PATH,"
            f" or run npm ci in {js_folder})"
        )
    if missing:
        raise ReadersUnavailable("; ".join(missing))
    assert go is not None
    assert node is not None
    version = go_sdk_version(gocode)
    return SdkReaders(
        go_reader=_build_go_reader(go, version, cache, gocode),
        go_sdk_version=version,
        node=node,
        js_reader=js_folder / "reader.mjs",
    )


def go_sdk_version(gocode: Path = GOCODE) -> str:
    metadata = (gocode / GO_SDK / "config" / "go_module_metadata.go").read_text(encoding="utf-8")
    found = re.search(r'goModuleVersion\s*=\s*"([^"]+)"', metadata)
    return found.group(1) if found else "unknown"


def _build_go_reader(go: str, sdk_version: str, cache: Path, gocode: Path) -> Path:
    cache = cache.resolve()  # go refuses a relative GOCACHE or GOPATH
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cache),
        # GOPATH mode against Debian's source tree: offline, no module proxy, no go.mod.
        "GO111MODULE": "off",
        "GOPATH": f"{cache / 'gopath'}{os.pathsep}{gocode}",
        "GOCACHE": str(cache / "gocache"),
        "GOPROXY": "off",
        "GOFLAGS": "",
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",  # no C compiler needed
    }
    toolchain = subprocess.run(
        [go, "version"], env=env, capture_output=True, text=True, check=False
    )
    if toolchain.returncode != 0:
        raise ReaderBuildFailed(f"go version failed:\n{toolchain.stderr}")
    source = GO_READER_SOURCE.read_bytes()
    key = hashlib.sha256(b"\0".join([source, toolchain.stdout.encode(), sdk_version.encode()]))
    binary = cache / f"go_reader-{key.hexdigest()[:16]}"
    if binary.is_file():
        return binary
    cache.mkdir(parents=True, exist_ok=True)
    partial = cache / f".go_reader-{os.getpid()}.tmp"
    built = subprocess.run(
        [go, "build", "-buildvcs=false", "-o", str(partial), str(GO_READER_SOURCE)],
        cwd=cache,
        env=env,
        capture_output=True,
        text=True,
        timeout=_BUILD_SECONDS,
        check=False,
    )
    if built.returncode != 0:
        raise ReaderBuildFailed(f"go build of {GO_READER_SOURCE.name} failed:\n{built.stderr}")
    partial.replace(binary)
    for stale in cache.glob("go_reader-*"):  # built from an older source, Go or SDK
        if stale != binary:
            stale.unlink()
    return binary


def _run_json(command: list[str]) -> Any:  # the readers' JSON, read by key
    done = subprocess.run(
        command,
        env={"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/nonexistent")},
        capture_output=True,
        text=True,
        timeout=_READ_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} exited {done.returncode}:\n{done.stderr}")
    return json.loads(done.stdout)


def _credentials(found: Mapping[str, str | None] | None) -> StaticCredentials | None:
    if found is None:
        return None
    return {
        "aws_access_key_id": str(found["aws_access_key_id"]),
        "aws_secret_access_key": str(found["aws_secret_access_key"]),
        "aws_session_token": found["aws_session_token"] or None,
    }


def _flatten(raw: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in raw.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


def _non_empty(values: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in values.items() if value != ""}


def _without_paths(message: str, credentials: Path, config: Path) -> str:
    """An SDK's message with the test's folders out of it, so it reads the same every run."""
    return message.replace(str(credentials), "<credentials>").replace(str(config), "<config>")
