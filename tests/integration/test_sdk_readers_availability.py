"""The SDK readers' wiring: where a tool is missing, a test that reads files with the SDKs
skips and says what to install; with MFA_SESSION_REQUIRE_SDKS=1 (CI) it fails instead; the
JS reader's npm packages count as installed only at the versions package-lock.json pins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.thirdparty.js_install import js_reader_current
from tests.thirdparty.sdk_readers import ReadersUnavailable, locate_readers

pytest_plugins = ["pytester"]

NO_GO = "no Go toolchain on PATH (Debian: apt-get install golang-go)"


def test_missing_tools_name_everything_to_install(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", str(empty))
        with pytest.raises(ReadersUnavailable) as raised:
            locate_readers(tmp_path / "cache", gocode=empty, js_folder=empty)
    assert str(raised.value).split("; ") == [
        NO_GO,
        f"no aws-sdk-go-v2 source under {empty}"
        " (Debian: apt-get install golang-github-aws-aws-sdk-go-v2-dev)",
        "no node on PATH (install Node.js 18 or newer with npm)",
        "the JS reader's npm packages are not installed as package-lock.json pins them"
        " (python3 tasks.py check runs npm ci when npm is on PATH,"
        f" or run npm ci in {empty})",
    ]
    assert not (tmp_path / "cache").exists(), "nothing is built when a tool is missing"


@pytest.fixture
def suite_without_tools(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-test suite that asks for the readers, on a PATH with neither go nor node."""
    pytester.makeconftest('pytest_plugins = ["tests.thirdparty.fixtures"]\n')
    pytester.makepyfile("def test_reads(sdk_readers):\n    assert sdk_readers\n")
    (pytester.path / "no-tools").mkdir()
    monkeypatch.setenv("PATH", str(pytester.path / "no-tools"))
    monkeypatch.delenv("MFA_SESSION_REQUIRE_SDKS", raising=False)


@pytest.mark.usefixtures("suite_without_tools")
def test_missing_tools_skip_with_the_reason(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines([f"SKIPPED*{NO_GO}*"])


@pytest.mark.usefixtures("suite_without_tools")
def test_missing_tools_fail_when_the_sdks_are_required(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MFA_SESSION_REQUIRE_SDKS", "1")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*MFA_SESSION_REQUIRE_SDKS=1 but {NO_GO}*"])


def _lock(path: Path, version: str) -> None:
    """A lock file (or npm ci's record of the installed tree) pinning @smithy/core."""
    path.parent.mkdir(parents=True, exist_ok=True)
    packages = {"": {"name": "reader"}, "node_modules/@smithy/core": {"version": version}}
    path.write_text(json.dumps({"lockfileVersion": 3, "packages": packages}))


def test_js_packages_are_current_only_at_the_pinned_versions(tmp_path: Path) -> None:
    installed = tmp_path / "node_modules" / ".package-lock.json"
    _lock(tmp_path / "package-lock.json", "3.41.1")
    assert not js_reader_current(tmp_path), "nothing installed"
    _lock(installed, "3.40.0")
    assert not js_reader_current(tmp_path), "an older tree than the lock pins"
    _lock(installed, "3.41.1")
    assert js_reader_current(tmp_path)
