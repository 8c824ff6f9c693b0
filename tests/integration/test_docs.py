"""The documentation stays true to the code: every error explained, every flag listed."""

from __future__ import annotations

import argparse
import html
import importlib
import importlib.util
import inspect
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

import mfa_session
from mfa_session import cli
from mfa_session.errors import MfaSessionError
from mfa_session.exit_codes import ExitCode
from mfa_session.output import bug_report
from tests.browser import MISSING as NO_BROWSER
from tests.browser import REQUIRE as REQUIRE_BROWSER
from tests.browser import LaidOutText, lay_out

pytest_plugins = ["pytester"]

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


EXAMPLE_VALUES = "example values"


def troubleshooting_file() -> dict[str, Any]:
    data = yaml.safe_load((DOCS / "troubleshooting.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def entries() -> dict[str, dict[str, Any]]:
    return {name: e for name, e in troubleshooting_file().items() if name != EXAMPLE_VALUES}


def example_values(cls: type[MfaSessionError]) -> dict[str, Any]:
    """The values the page shows `cls`'s message with: the shared ones, the words the class
    fills itself when a raiser leaves them out, then the entry's."""
    shared = troubleshooting_file()[EXAMPLE_VALUES]
    return {**shared, **cls.defaults, **(entries()[cls.__name__].get("example") or {})}


def every_parser() -> list[argparse.ArgumentParser]:
    parsers = [cli.build_parser()]
    parsers += [cli.build_subcommand_parser(name)[0] for name in cli.SUBCOMMANDS]
    return parsers


def test_every_error_class_has_a_title_a_cause_and_a_fix() -> None:
    known = entries()
    missing = [
        f"{cls.__name__} ({field})"
        for cls in sorted(every_error_class(), key=lambda c: c.__name__)
        for field in ("title", "cause", "fix")
        if not str((known.get(cls.__name__) or {}).get(field, "")).strip()
    ]
    assert not missing, f"add these to docs/troubleshooting.yml: {', '.join(missing)}"


def test_no_troubleshooting_entry_for_a_class_that_is_gone() -> None:
    names = {cls.__name__ for cls in every_error_class()}
    stale = sorted(set(entries()) - names)
    assert not stale, f"remove from docs/troubleshooting.yml: {', '.join(stale)}"


def test_troubleshooting_page_shows_each_message_as_printed_in_an_example_case(
    hook: ModuleType,
) -> None:
    page = hook.render_troubleshooting()
    for cls in every_error_class():
        # What the program prints, every field filled: no "{detail}" left for the reader.
        shown = cls.fmt.format(**example_values(cls))
        assert "{" not in shown.replace("${", ""), cls.__name__
        section = page.split(f"mfa-login: {shown}\n", 1)
        assert len(section) == 2, f"{cls.__name__}'s message is not on the page"
        assert f"<small>Exit code {int(cls.exit_code)}.</small>" in section[1].split("###")[0]


def test_a_message_field_without_an_example_value_stops_the_build(hook: ModuleType) -> None:
    class Unexplained:  # not an MfaSessionError: the other tests list every subclass
        fmt = "{path}: {reason}; braces {{kept}}"

    entry = {"example": {"reason": "Permission denied"}}
    with pytest.raises(hook.GenerationError, match="Unexplained: no example value for path"):
        hook.example_message(Unexplained, entry, {})
    shown = hook.example_message(Unexplained, entry, {"path": "/home/alice/.aws/credentials"})
    assert shown == "/home/alice/.aws/credentials: Permission denied; braces {kept}"


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


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `mkdocs build --strict` makes it (about two seconds, once per module)."""
    where = tmp_path_factory.mktemp("site")
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(where)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return where


def page_text(site: Path, page: str) -> str:
    """A built page's words as a reader sees them: tags dropped, entities decoded."""
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    main = raw.split('<article class="md-content__inner md-typeset">', 1)[1]
    return html.unescape(re.sub(r"<[^>]+>", "", main.split("</article>", 1)[0]))


def test_site_builds_strict_offline(site: Path) -> None:
    # Catches broken links, pages missing from nav and failing markers.
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert "--min-remaining" in reference
    assert "generated:" not in reference


def test_every_page_shows_the_version_and_links_the_repository(site: Path) -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    url = pyproject.split("[project.urls]\n", 1)[1].split("Repository = ", 1)[1].split()[0]
    url = url.strip('"')
    link = f'<a href="{url}">'
    pages = sorted(site.rglob("index.html"))
    assert len(pages) >= 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        footer = text.split('class="md-copyright__highlight"', 1)[1].split("</div>", 1)[0]
        assert f"mfa-session {mfa_session.__version__} · {link}" in footer, page
    home = page_text(site, ".")
    assert f"This is the documentation of mfa-session {mfa_session.__version__};" in home
    assert f"its source code is at {url}." in home


def test_troubleshooting_page_speaks_to_the_person_not_of_classes_or_templates(
    site: Path,
) -> None:
    page = page_text(site, "troubleshooting")
    assert "Error class" not in page
    assert not [cls.__name__ for cls in every_error_class() if cls.__name__ in page]
    # A field name in braces ({detail}, {reason}) is a template, not what anyone is shown.
    assert not re.findall(r"(?<!\$)\{[a-z_]+(?:![rsa])?\}", page)
    assert "mfa-login: the MFA code must be exactly 6 digits 0-9; got 5 characters" in page


def test_benchmarks_page_shows_one_current_run_and_no_history(site: Path) -> None:
    page = page_text(site, "benchmarks")
    # One measured run, dated once; no commits or earlier versions compared.
    assert len(re.findall(r"\b20\d\d-\d\d-\d\d\b", page)) == 1
    assert not re.findall(r"\b[0-9a-f]{7,40}\b", page)
    assert "mfa-login@" not in page
    assert f"mfa-session {mfa_session.__version__}" in page


def test_terminal_picture_renders_colours_and_escapes_text(recorder: ModuleType) -> None:
    screen = recorder.screen_from(b"\x1b[31mred <tag>\x1b[0m plain\r\n")
    svg = recorder.render_svg(screen)
    assert f"$ {recorder.COMMAND}" in svg
    assert f'fill="{recorder.PALETTE["red"]}"' in svg
    assert "red &lt;tag&gt;" in svg
    assert "<tag>" not in svg


def drawn_texts(svg: str, recorder: ModuleType) -> list[LaidOutText]:
    """Each <text> of the picture where the SVG itself puts its glyphs: one cell each."""
    found = []
    picture = ElementTree.fromstring(svg)  # noqa: S314 - the repository's own picture
    for text in picture.iter("{http://www.w3.org/2000/svg}text"):
        x, content = float(text.attrib["x"]), text.text or ""
        cells = [(x + i * recorder.CELL_W, recorder.CELL_W) for i in range(len(content))]
        found.append(LaidOutText(float(text.attrib["y"]), content, cells))
    return found


def terminal_rows(texts: list[LaidOutText], recorder: ModuleType) -> dict[int, str]:
    """The terminal's rows as the glyphs of `texts` fill its cells. Every glyph must start on
    the edge of a cell and fit in it, every character must have a glyph, and no two glyphs
    may share a cell: what a person sees as a garbled picture fails here."""
    cell_w, cell_h = recorder.CELL_W, recorder.CELL_H
    rows: dict[int, list[str]] = {}
    for text in texts:
        assert len(text.glyphs) == len(text.text), f"blanks of {text.text!r} were dropped"
        row = round((text.y - recorder.PAD - recorder.BAR - cell_h * 0.75) / cell_h)
        cells = rows.setdefault(row, [" "] * recorder.COLUMNS)
        for char, (x, width) in zip(text.text, text.glyphs, strict=True):
            column = round((x - recorder.PAD) / cell_w)
            where = f"{char!r} of {text.text!r} at x={x:.1f}"
            assert abs(x - (recorder.PAD + column * cell_w)) < 0.5, f"{where}: off its cell"
            assert width < cell_w + 0.5, f"{where}: {width:.1f} px wide, the cell {cell_w}"
            assert 0 <= column < recorder.COLUMNS, f"{where}: outside the terminal"
            assert cells[column] == " ", f"{where}: on top of {cells[column]!r}"
            cells[column] = char
    return {row: "".join(cells).rstrip() for row, cells in rows.items()}


def test_terminal_picture_shows_the_current_prompt(recorder: ModuleType) -> None:
    from mfa_session.output.render import result_line

    svg = (DOCS / "images" / "login.svg").read_text(encoding="utf-8")
    rows = "\n".join(terminal_rows(drawn_texts(svg, recorder), recorder).values())
    prompt_source = inspect.getsource(importlib.import_module("mfa_session.adapters.prompts"))
    result_source = inspect.getsource(result_line)
    remake = "the prompts changed: remake it with `python scripts/record_terminal.py`"
    assert 'f"MFA code for {visible(label)}:"' in prompt_source, remake
    assert f"MFA code for {recorder.PROFILE} (arn:" in rows, remake
    assert "session valid for {left} (until {until})" in result_source, remake
    assert f"{recorder.PROFILE}: session valid for 12h00m (until " in rows, remake


BLANKS = (
    b"  two blanks first, \x1b[1mbold  with two inside\x1b[0m and blanks after   \r\n"
    b"\x1b[32mgreen\x1b[0m \x1b[33myellow\x1b[0m      \x1b[4munder lined\x1b[0m   x\r\n" + b"8" * 80
)
"""Blanks every way a line holds them: leading, doubled, trailing, between colours; a full row."""


def test_terminal_picture_in_a_real_browser_puts_every_glyph_in_its_cell(
    recorder: ModuleType, browser: str, tmp_path: Path
) -> None:
    """Regression: Chromium dropped the blanks of every <text> (xml:space is not inherited
    from the group there) and textLength stretched the rest across the row: the home page's
    picture was garbled. Each row as Chromium lays it out is the terminal's row."""
    screen = recorder.screen_from(BLANKS)
    laid_out = lay_out(browser, recorder.render_svg(screen), tmp_path)
    expected = {row: line.rstrip() for row, line in enumerate(screen.display) if line.strip()}
    assert terminal_rows(laid_out, recorder) == expected


def test_the_docs_terminal_picture_in_a_real_browser_is_as_drawn(
    recorder: ModuleType, browser: str, tmp_path: Path
) -> None:
    """The picture on the home page, as Chromium shows it: every glyph where the SVG puts it."""
    svg = (DOCS / "images" / "login.svg").read_text(encoding="utf-8")
    shown = terminal_rows(lay_out(browser, svg, tmp_path), recorder)
    assert shown == terminal_rows(drawn_texts(svg, recorder), recorder)
    assert shown[0] == f"$ {recorder.COMMAND}"


@pytest.fixture
def suite_without_a_browser(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-test suite that asks for the browser, on a PATH without one."""
    pytester.makeconftest('pytest_plugins = ["tests.browser"]\n')
    pytester.makepyfile("def test_draws(browser):\n    assert browser\n")
    (pytester.path / "no-browser").mkdir()
    monkeypatch.setenv("PATH", str(pytester.path / "no-browser"))
    monkeypatch.delenv(REQUIRE_BROWSER, raising=False)


@pytest.mark.usefixtures("suite_without_a_browser")
def test_without_a_browser_the_picture_tests_skip_with_the_reason(
    pytester: pytest.Pytester,
) -> None:
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines([f"SKIPPED*{NO_BROWSER}*"])


@pytest.mark.usefixtures("suite_without_a_browser")
def test_without_a_browser_the_picture_tests_fail_when_one_is_required(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(REQUIRE_BROWSER, "1")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"*{REQUIRE_BROWSER}=1 but {NO_BROWSER}*"])
