"""MkDocs hook: the parts of the docs that the code already knows, rendered at build time.

A page asks for a part with a marker on a line of its own:

    <!-- generated: command-reference -->   every parser's usage and arguments
    <!-- generated: exit-codes -->          the ExitCode table, with each member's docstring
    <!-- generated: troubleshooting -->     every error class: an example message, cause, fix
    <!-- generated: version -->              the version mfa-login --version prints, the repository

Every page's footer names that version and links the repository ([project.urls] Repository in
pyproject.toml); the link is a plain one, as the theme's repository widget would ask the
host's API for stars and tags from every reader's browser.

The command reference comes from `cli.build_parser()` and `cli.build_subcommand_parser(name)`
for each name in `cli.SUBCOMMANDS`, so a new command or flag appears without an edit here.
Titles, causes, fixes and the example values each message is shown with are written by hand in
docs/troubleshooting.yml, keyed by class name; a class without an entry (or an entry without a
class, or a message field without an example value) stops the build, and
tests/integration/test_docs.py checks the same.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib
import inspect
import itertools
import pkgutil
import re
import string
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ENTRIES_FILE = ROOT / "docs" / "troubleshooting.yml"
PYPROJECT = ROOT / "pyproject.toml"
EXAMPLE_VALUES = "example values"
"""The entry of docs/troubleshooting.yml that holds the values every message shares."""
MARKER = re.compile(r"^<!-- generated: (?P<part>[a-z-]+) -->$", re.MULTILINE)
USAGE_WIDTH = 88

# Document the code of this checkout, whichever copy of mfa_session is installed.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class GenerationError(Exception):
    """A generated part cannot be rendered truthfully; the build stops."""


# --- the command reference -------------------------------------------------------------------


def parsers() -> list[argparse.ArgumentParser]:
    """The login parser first, then one parser per subcommand, as `main` builds them."""
    from mfa_session import cli

    found = [cli.build_parser()]
    found.extend(cli.build_subcommand_parser(name)[0] for name in cli.SUBCOMMANDS)
    return found


def walk_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """A parser and any nested sub-parsers (a command with sub-commands of its own)."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from walk_parsers(child)


def _formatter(parser: argparse.ArgumentParser) -> argparse.HelpFormatter:
    # A fixed width: the page must not depend on the terminal the build ran in.
    parser.formatter_class = functools.partial(argparse.HelpFormatter, width=USAGE_WIDTH)
    return parser._get_formatter()


def invocation(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """How the argument is written, as --help shows it: `--profile NAME`, `-h, --help`."""
    return _formatter(parser)._format_action_invocation(action)


def render_parser(parser: argparse.ArgumentParser) -> str:
    formatter = _formatter(parser)
    lines = [f"## `{parser.prog}`", ""]
    if parser.description:
        lines += [inspect.cleandoc(parser.description), ""]
    lines += ["```text", parser.format_usage().strip(), "```", ""]
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        if isinstance(action, argparse._SubParsersAction):
            names = ", ".join(f"`{name}`" for name in action.choices)
            lines += [f"`{parser.prog} COMMAND`", f":   one of {names}", ""]
            continue
        help_text = formatter._expand_help(action) if action.help else ""
        lines += [f"`{invocation(parser, action)}`", f":   {help_text or '(no help text)'}", ""]
    return "\n".join(lines)


def render_command_reference() -> str:
    blocks = [render_parser(p) for top in parsers() for p in walk_parsers(top)]
    return "\n".join(blocks)


def all_flags() -> list[tuple[str, str]]:
    """(prog, flag) for every option string of every parser: what the reference must show."""
    return [
        (parser.prog, flag)
        for top in parsers()
        for parser in walk_parsers(top)
        for action in parser._actions
        for flag in action.option_strings
    ]


# --- exit codes ------------------------------------------------------------------------------


def exit_code_docs() -> dict[str, str]:
    """Each ExitCode member's docstring: the string literal on the line after its value."""
    from mfa_session import exit_codes

    tree = ast.parse(inspect.getsource(exit_codes))
    found: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "ExitCode":
            for current, following in itertools.pairwise(node.body):
                if (
                    isinstance(current, ast.Assign)
                    and isinstance(current.targets[0], ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)
                ):
                    found[current.targets[0].id] = inspect.cleandoc(following.value.value)
    return found


def exit_code_label(code: Any) -> str:
    return str(code.name).lower().replace("_", " ")


def render_exit_codes() -> str:
    from mfa_session.exit_codes import ExitCode

    docs = exit_code_docs()
    lines = ["| Code | Name | Meaning |", "|---:|---|---|"]
    for code in ExitCode:
        if code.name not in docs:
            raise GenerationError(f"ExitCode.{code.name} has no docstring")
        lines.append(f"| {code.value} | {exit_code_label(code)} | {docs[code.name]} |")
    return "\n".join(lines)


# --- troubleshooting -------------------------------------------------------------------------


def _import_all_modules() -> None:
    """Error classes may live in any module; import them all so every subclass is known."""
    import mfa_session

    for module in pkgutil.walk_packages(mfa_session.__path__, prefix="mfa_session."):
        if module.name.rsplit(".", 1)[-1] == "__main__":
            continue  # running it would start the command
        importlib.import_module(module.name)


def error_classes() -> list[type[Any]]:
    """Every subclass of MfaSessionError, in the order of exit code, then of the source."""
    from mfa_session.errors import MfaSessionError

    _import_all_modules()
    seen: dict[type[Any], None] = {}
    pending: list[type[Any]] = list(MfaSessionError.__subclasses__())
    while pending:
        cls = pending.pop(0)
        if cls not in seen:
            seen[cls] = None
            pending.extend(cls.__subclasses__())

    def order(cls: type[Any]) -> tuple[int, str, int]:
        return (int(cls.exit_code), cls.__module__, inspect.getsourcelines(cls)[1])

    return sorted(seen, key=order)


def load_file(path: Path = ENTRIES_FILE) -> dict[str, Any]:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise GenerationError(f"{path} must map class names to entries")
    return data


def load_entries(path: Path = ENTRIES_FILE) -> dict[str, dict[str, Any]]:
    """Class name -> its entry (title, example, cause, fix)."""
    return {name: entry for name, entry in load_file(path).items() if name != EXAMPLE_VALUES}


def shared_examples(path: Path = ENTRIES_FILE) -> dict[str, Any]:
    return dict(load_file(path).get(EXAMPLE_VALUES) or {})


def message_fields(fmt: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(fmt) if field is not None]


def example_message(cls: type[Any], entry: dict[str, Any], shared: dict[str, Any]) -> str:
    """The message as a person would see it in the example case, every field filled in."""
    # The class's own defaults stand where a raiser leaves a field out, as when it is raised.
    values = {**shared, **getattr(cls, "defaults", {}), **(entry.get("example") or {})}
    missing = [field for field in message_fields(cls.fmt) if field not in values]
    if missing:
        raise GenerationError(f"{cls.__name__}: no example value for {', '.join(missing)}")
    return str(cls.fmt.format(**values))


def entry_problems(
    entries: dict[str, dict[str, Any]] | None = None, shared: dict[str, Any] | None = None
) -> list[str]:
    """What keeps the troubleshooting list from being complete and current."""
    entries = load_entries() if entries is None else entries
    shared = shared_examples() if shared is None else shared
    classes = error_classes()
    names = [cls.__name__ for cls in classes]
    problems = []
    for cls in classes:
        entry = entries.get(cls.__name__) or {}
        for field in ("title", "cause", "fix"):
            if not str(entry.get(field, "")).strip():
                problems.append(f"{cls.__name__}: no {field} in {ENTRIES_FILE.name}")
        try:
            example_message(cls, entry, shared)
        except GenerationError as err:
            problems.append(f"{err} in {ENTRIES_FILE.name}")
    problems.extend(
        f"{name}: in {ENTRIES_FILE.name} but no such error class"
        for name in entries
        if name not in names
    )
    return problems


def render_troubleshooting() -> str:
    from mfa_session.cli import PROG
    from mfa_session.exit_codes import ExitCode

    problems = entry_problems()
    if problems:
        raise GenerationError("troubleshooting entries: " + "; ".join(problems))
    entries = load_entries()
    shared = shared_examples()
    docs = exit_code_docs()
    classes = error_classes()
    lines: list[str] = []
    for code in ExitCode:
        members = [cls for cls in classes if cls.exit_code == code]
        if not members:
            continue
        lines += [f"## Exit code {code.value}: {exit_code_label(code)}", "", docs[code.name], ""]
        for cls in members:
            entry = entries[cls.__name__]
            lines += [
                f"### {str(entry['title']).strip()}",
                "",
                "```text",
                f"{PROG}: {example_message(cls, entry, shared)}",
                "```",
                "",
                f"**Cause.** {str(entry['cause']).strip()}",
                "",
                f"**Fix.** {str(entry['fix']).strip()}",
                "",
                f"<small>Exit code {code.value}.</small>",
                "",
            ]
    return "\n".join(lines)


# --- the version and the repository ----------------------------------------------------------


def version() -> str:
    """What `mfa-login --version` prints after the program's name."""
    from mfa_session import __version__

    return str(__version__)


def repository_url(path: Path = PYPROJECT) -> str:
    """[project.urls] Repository (read by pattern: tomllib is Python 3.11+, the docs 3.10+)."""
    table = re.search(
        r"^\[project\.urls\]\n(?P<body>(?:[^\[\n].*\n|\n)*)", path.read_text("utf-8"), re.M
    )
    found = re.search(
        r'^Repository\s*=\s*"(?P<url>https://[^"]+)"', table["body"] if table else "", re.M
    )
    if not found:
        raise GenerationError(f"{path.name}: [project.urls] has no https Repository URL")
    return found["url"]


def render_version() -> str:
    url = repository_url()
    return f"This is the documentation of mfa-session {version()}; its source code is at <{url}>."


def footer() -> str:
    url = repository_url()
    return f'mfa-session {version()} · <a href="{url}">source code</a>'


# --- the hook --------------------------------------------------------------------------------

PARTS: dict[str, Callable[[], str]] = {
    "command-reference": render_command_reference,
    "exit-codes": render_exit_codes,
    "troubleshooting": render_troubleshooting,
    "version": render_version,
}


def render_markers(markdown: str) -> str:
    def replace(found: re.Match[str]) -> str:
        part = found["part"]
        if part not in PARTS:
            raise GenerationError(f"unknown generated part {part!r}")
        return PARTS[part]()

    return MARKER.sub(replace, markdown)


def on_config(config: Any) -> Any:
    try:
        config["copyright"] = footer()
    except GenerationError as err:
        from mkdocs.exceptions import PluginError

        raise PluginError(str(err)) from err
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:  # noqa: ARG001 - MkDocs' hook signature
    try:
        return render_markers(markdown)
    except GenerationError as err:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"{page.file.src_path}: {err}") from err
