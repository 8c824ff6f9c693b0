"""The layers of docs/architecture.md hold: no package module imports one of a layer above
it, and no import cycle, counting imports inside functions and under TYPE_CHECKING.

The source is read, not imported (ast), so an import anywhere in a module counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mfa_session"

# Top first. A module may import its own layer and the layers below it, never above.
LAYERS: list[tuple[str, ...]] = [
    ("mfa_session.__main__",),
    ("mfa_session.cli",),
    ("mfa_session.still_valid", "mfa_session.commands"),
    ("mfa_session.wiring",),
    ("mfa_session.usecases",),
    ("mfa_session.adapters", "mfa_session.store"),
    ("mfa_session.output",),
    ("mfa_session.interfaces",),
    ("mfa_session.rules",),
    (
        "mfa_session.models",
        "mfa_session.errors",
        "mfa_session.exit_codes",
        "mfa_session.timefmt",
        "mfa_session.visible",
        "mfa_session.journal",
        "mfa_session",
    ),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every package module `path` imports, wherever the import stands."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("mfa_session"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mfa_session"):
            base = str(node.module)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                is_module = (PACKAGE.parent / Path(*sub.split("."))).with_suffix(".py").exists()
                found.add(sub if is_module else base)
    return found


GRAPH = {module_name(p): imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    best = None
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            # The longest prefix decides ("mfa_session" is the package's face only).
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[1]):
                best = (number, len(prefix))
    assert best is not None, f"{module} is on no layer of docs/architecture.md"
    return best[0]


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_a_layer_above_its_own(module: str) -> None:
    above = sorted(m for m in GRAPH[module] if layer_of(m) < layer_of(module))
    assert not above, f"{module} imports {above}, above its layer"


def test_no_import_cycle() -> None:
    """A depth-first walk never meets a module that is still on its own path."""
    state: dict[str, str] = {}

    def walk(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(GRAPH.get(module, ())):
            if target == module:
                continue
            if state.get(target) == "open":
                cycle = [*path[path.index(target) :], target] if target in path else [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                walk(target, [*path, target])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            walk(module, [module])
