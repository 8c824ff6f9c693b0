"""The documentation stays true to the code: every error explained, every flag listed."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

import mfa_session
from mfa_session import cli
from mfa_session.errors import MfaSessionError
from mfa_session.exit_codes import ExitCode
from mfa_session.output import bug_report

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hook() -> ModuleType:
    return load(DOCS / "hooks" / "reference.py", "docs_reference_hook")


@pytest.fixture(scope="module")
def recorder() -> ModuleType:
    return load(ROOT / "scripts" / "record_terminal.py", "record_terminal")


def every_error_class() -> set[type[MfaSessionError]]:
    for module in pkgutil.walk_packages(mfa_session.__path__, prefix="mfa_session."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[MfaSessionError]] = set()
    pending = list(MfaSessionError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def entries() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((DOCS / "troubleshooting.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def every_parser() -> list[argparse.ArgumentParser]:
    parsers = [cli.build_parser()]
    parsers += [cli.build_subcommand_parser(name)[0] for name in cli.SUBCOMMANDS]
    return parsers


def test_every_error_class_has_a_cause_and_a_fix() -> None:
    known = entries()
    missing = [
        f"{cls.__name__} ({field})"
        for cls in sorted(every_error_class(), key=lambda c: c.__name__)
        for field in ("cause", "fix")
        if not str((known.get(cls.__name__) or {}).get(field, "")).strip()
    ]
    assert not missing, f"add these to docs/troubleshooting.yml: {', '.join(missing)}"


def test_no_troubleshooting_entry_for_a_class_that_is_gone() -> None:
    names = {cls.__name__ for cls in every_error_class()}
    stale = sorted(set(entries()) - names)
    assert not stale, f"remove from docs/troubleshooting.yml: {', '.join(stale)}"


def test_troubleshooting_page_shows_each_message_and_exit_code(hook: ModuleType) -> None:
    page = hook.render_troubleshooting()
    for cls in every_error_class():
        assert f"mfa-login: {hook.message_template(cls.fmt, cls.defaults)}" in page
        assert f"Error class `{cls.__name__}`, exit code {int(cls.exit_code)}." in page


def test_message_template_shows_fields_by_name(hook: ModuleType) -> None:
    assert hook.message_template("{path}: {reason}; braces {{kept}}") == (
        "{path}: {reason}; braces {kept}"
    )


def test_reference_lists_every_flag_of_every_parser(hook: ModuleType) -> None:
    reference = hook.render_command_reference()
    for parser in every_parser():
        heading = f"## `{parser.prog}`"
        assert heading in reference
        section = reference.split(heading, 1)[1].split("\n## `", 1)[0]
        for action in parser._actions:
            if action.help == argparse.SUPPRESS:
                continue  # a flag only the completion scripts use, never a person
            for flag in action.option_strings:
                assert f"`{flag}" in section or f", {flag}" in section, (parser.prog, flag)
            if action.help and action.help != argparse.SUPPRESS:
                first_words = action.help.split("%(")[0][:30]
                assert first_words in section, (parser.prog, action.dest)


def test_all_flags_covers_every_parser(hook: ModuleType) -> None:
    progs = {prog for prog, _flag in hook.all_flags()}
    assert progs >= {parser.prog for parser in every_parser()}


def test_exit_code_table_has_every_code_with_its_docstring(hook: ModuleType) -> None:
    table = hook.render_exit_codes()
    docs = hook.exit_code_docs()
    for code in ExitCode:
        assert docs.get(code.name), f"ExitCode.{code.name} needs a docstring"
        assert f"| {code.value} | {code.name.lower().replace('_', ' ')} | {docs[code.name]} |" in (
            table
        )


def test_unknown_marker_stops_the_build(hook: ModuleType) -> None:
    with pytest.raises(hook.GenerationError, match="no-such-part"):
        hook.render_markers("text\n<!-- generated: no-such-part -->\n")


def test_messages_printed_by_the_command_line_itself_are_documented() -> None:
    page = (DOCS / "troubleshooting.md").read_text(encoding="utf-8")
    source = inspect.getsource(cli) + inspect.getsource(bug_report)
    for in_source, shown in (
        ('_stopped("cancelled"', "mfa-login: cancelled; nothing was written"),
        ('f"stopped by {stop.name}"', "mfa-login: stopped by SIGTERM; nothing was written"),
        ("OUTPUT_CLOSED", "exit code 141"),
        ("mfa-login: unexpected error: this is a bug", bug_report.HEADLINE),
    ):
        assert in_source in source, "cli.py changed: update docs/troubleshooting.md"
        assert shown in page


def test_site_builds_strict_offline(tmp_path: Path) -> None:
    # About two seconds; catches broken links, pages missing from nav and failing markers.
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    reference = (tmp_path / "reference" / "index.html").read_text(encoding="utf-8")
    assert "--min-remaining" in reference
    assert "generated:" not in reference


def test_terminal_picture_renders_colours_and_escapes_text(recorder: ModuleType) -> None:
    screen = recorder.screen_from(b"\x1b[31mred <tag>\x1b[0m plain\r\n")
    svg = recorder.render_svg(screen)
    assert f"$ {recorder.COMMAND}" in svg
    assert f'fill="{recorder.PALETTE["red"]}"' in svg
    assert "red &lt;tag&gt;" in svg
    assert "<tag>" not in svg


def test_terminal_picture_shows_the_current_prompt(recorder: ModuleType) -> None:
    from mfa_session.output.render import result_line

    svg = (DOCS / "images" / "login.svg").read_text(encoding="utf-8")
    prompt_source = inspect.getsource(importlib.import_module("mfa_session.adapters.prompts"))
    result_source = inspect.getsource(result_line)
    remake = "the prompts changed: remake it with `python scripts/record_terminal.py`"
    assert 'f"MFA code for {visible(label)}:"' in prompt_source, remake
    assert f"MFA code for {recorder.PROFILE} (arn:" in svg, remake
    assert "session valid for {left} (until {until})" in result_source, remake
    assert f"{recorder.PROFILE}: session valid for 12h00m (until " in svg, remake
