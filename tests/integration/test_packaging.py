"""The package as a registry or an installer gets it: the sdist and wheel `tasks.py wheel`
builds, their metadata, and the wheel installed into a fresh virtualenv."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import venv
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

import tasks
from mfa_session import __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mfa_session"
REPOSITORY = "https://github.com/mfa-session/mfa-session"


@dataclass(frozen=True)
class Distributions:
    sdist: Path
    wheel: Path

    def sdist_names(self) -> list[str]:
        """Member paths without the leading `mfa_session-VERSION/`."""
        with tarfile.open(self.sdist) as archive:
            return [name.partition("/")[2] for name in archive.getnames() if "/" in name]

    def wheel_file(self, name: str) -> bytes:
        with zipfile.ZipFile(self.wheel) as archive:
            return archive.read(name)

    def metadata(self) -> Message:
        text = self.wheel_file(f"mfa_session-{__version__}.dist-info/METADATA").decode()
        return Parser().parsestr(text)


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    """Built once for the module with the command `python3 tasks.py wheel` runs."""
    out = tmp_path_factory.mktemp("dist")
    scratch_home = tmp_path_factory.mktemp("build-home")
    env = {**os.environ, "HOME": str(scratch_home)}
    code = tasks.build_distributions(out, python=Path(sys.executable), env=env)
    assert code == 0
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Distributions(sdist, wheel)


def test_sdist_ships_the_package_and_none_of_the_test_suite(dists: Distributions) -> None:
    """The sdist shipped test files without the emulator and fixtures they import: the whole
    suite needs the repository (docs, benchmarks, tasks.py), so none of it ships."""
    names = dists.sdist_names()
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    )
    shipped_python = sorted(name for name in names if name.endswith(".py"))
    assert shipped_python == modules
    assert not [name for name in names if name.split("/")[0] in {"tests", "docs", "benchmarks"}]
    for name in ("LICENSE", "CHANGELOG.md", "PYPI.md", "README.md", "pyproject.toml"):
        assert name in names


def test_wheel_ships_the_licence_text(dists: Distributions) -> None:
    """pyproject said MIT and nothing shipped the text."""
    licence = dists.wheel_file(f"mfa_session-{__version__}.dist-info/licenses/LICENSE")
    assert licence == (ROOT / "LICENSE").read_bytes()
    assert licence.startswith(b"MIT License\n\nCopyright (c) 2026 mfa-session developers\n")
    metadata = dists.metadata()
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Author"] == "mfa-session developers"


def test_version_is_written_once_in_the_package(dists: Distributions) -> None:
    """pyproject, mfa_session/__init__.py and the docs each said 0.1.0: one source now."""
    tomllib = pytest.importorskip("tomllib", reason="reading pyproject.toml needs Python 3.11+")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "mfa_session.__version__"
    }
    assert dists.metadata()["Version"] == __version__
    assert dists.sdist.name == f"mfa_session-{__version__}.tar.gz"
    newest = re.search(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert newest is not None
    assert newest.group(1) == __version__


def test_the_built_wheel_installs_and_runs(dists: Distributions, tmp_path: Path) -> None:
    """The README's `pipx install dist/mfa_session-*.whl`: the wheel alone, with no network,
    gives a working `mfa-login` (its --version needs none of the dependencies)."""
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    install = [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python")]
    install += ["install", "--quiet", "--no-deps", "--no-index", str(dists.wheel)]
    subprocess.run(install, check=True, capture_output=True)
    run = subprocess.run(
        [str(target / "bin" / "mfa-login"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, f"mfa-login {__version__}\n", "")


def test_pypi_description_is_for_users(dists: Distributions) -> None:
    """The long description was the README, whose first lines are the developers' tasks.py
    commands; PyPI shows PYPI.md, whose links work off the repository."""
    metadata = dists.metadata()
    description = metadata.get_payload()
    assert isinstance(description, str)
    assert description.strip() == (ROOT / "PYPI.md").read_text().strip()
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert "tasks.py" not in description
    assert "pipx install mfa-session" in description
    assert "Windows is not supported yet" in description
    targets = re.findall(r"\]\(([^)]+)\)", description)
    assert [target for target in targets if not target.startswith("https://")] == []


def test_metadata_says_where_it_runs_and_where_it_lives(dists: Distributions) -> None:
    """Classifiers from requires-python up, POSIX only; the repository the README installs
    from is the one the metadata names."""
    metadata = dists.metadata()
    assert metadata["Requires-Python"] == ">=3.10"
    classifiers = metadata.get_all("Classifier") or []
    versions = [c.rsplit(":: ", 1)[1] for c in classifiers if re.fullmatch(r".*:: 3\.\d+", c)]
    assert versions[0] == "3.10"
    assert "Operating System :: POSIX" in classifiers
    assert not [c for c in classifiers if "Windows" in c or "OS Independent" in c]
    urls = dict(url.split(", ", 1) for url in metadata.get_all("Project-URL") or [])
    assert urls["Repository"] == REPOSITORY
    assert metadata["Keywords"]
    readme = (ROOT / "README.md").read_text()
    assert f"pipx install git+{REPOSITORY}" in readme
    assert "Windows is not supported yet" in readme


def test_registry_install_line_is_offered_only_as_once_published() -> None:
    """`pipx install mfa-session` failed for a newcomer: the package is on no registry yet.
    The README and the docs offer it only beside "published"; the working lines come first."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    unqualified = [
        f"{page.relative_to(ROOT)}: {line}"
        for page in pages
        for line in page.read_text().splitlines()
        if "pipx install mfa-session" in line and "published" not in line
    ]
    assert unqualified == []
    assert "git+<" not in (ROOT / "README.md").read_text()
