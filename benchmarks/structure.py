"""How the package is put together, read statically from its source (nothing is imported).

    .venv/bin/python benchmarks/structure.py [--root .] [--json benchmarks/results/structure.json]

Prints, and writes as JSON:

- modules: every .py file under mfa_session/, how many sit directly in mfa_session/ (with
  and without __init__.py and __main__.py), and the subpackages;
- imports: for each module, the other package modules it imports, from its AST, in three
  kinds: at module level (run at import time, also inside a module-level try or if), inside
  a function (run when the function is), and under `if TYPE_CHECKING:` (never run);
  `from mfa_session.x import y` counts mfa_session.x.y when y is a module, else
  mfa_session.x. Calls of importlib.import_module are listed, not resolved;
- cycles: groups of modules that import each other (strongly connected components), over
  the module-level imports alone, then adding in turn the imports inside functions, the
  modules import_module may load, and the TYPE_CHECKING imports;
- functions: the largest by lines (from the `def` line to the last line, docstring
  included, decorators not) and by cyclomatic complexity, counted two ways (see
  `complexity`);
- Protocol classes and the modules they live in;
- tests that patch the product: monkeypatch.setattr with a "mfa_session..." string, or on a
  module or an object the test imported from mfa_session.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "mfa_session"
DUNDER_FILES = {"__init__.py", "__main__.py"}


@dataclass
class ModuleImports:
    module_level: list[str] = field(default_factory=list)
    function_level: list[str] = field(default_factory=list)
    """Imported only inside functions (not also at module level)."""
    type_checking: list[str] = field(default_factory=list)
    """Only under `if TYPE_CHECKING:` (not also imported at run time)."""
    dynamic: list[str] = field(default_factory=list)
    """importlib.import_module(...) calls, as written."""
    dynamic_targets: list[str] = field(default_factory=list)
    """Modules those calls may load: every module under an f-string's constant prefix."""

    @property
    def at_run_time(self) -> list[str]:
        return sorted({*self.module_level, *self.function_level})

    @property
    def with_dynamic(self) -> list[str]:
        return sorted({*self.module_level, *self.function_level, *self.dynamic_targets})

    @property
    def every_edge(self) -> list[str]:
        return sorted(
            {*self.module_level, *self.function_level, *self.dynamic_targets, *self.type_checking}
        )


@dataclass
class FunctionSize:
    module: str
    name: str
    line: int
    lines: int
    complexity: int
    """1 + if/elif + for + while + except + case; nested functions count on their own."""
    complexity_with_expressions: int
    """The same plus `x if c else y`, each extra and/or operand, each comprehension's
    for and if: every point where the next line to run depends on a value."""


@dataclass
class Patch:
    path: str
    line: int
    target: str
    kind: str
    """"string" ("mfa_session.x.Name"), "module" (an imported package module) or "object"
    (a class or function imported from the package)."""


# --- modules --------------------------------------------------------------------------------


def module_files(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package."""
    found: dict[str, Path] = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def walk_with_context(
    node: ast.AST, *, in_function: bool = False, type_only: bool = False
) -> Iterator[tuple[ast.AST, bool, bool]]:
    """Every node below `node`, with: inside a function? under `if TYPE_CHECKING:`?"""
    for child in ast.iter_child_nodes(node):
        yield child, in_function, type_only
        inner_function = in_function or isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
        )
        if isinstance(child, ast.If) and is_type_checking(child.test):
            for stmt in child.body:
                yield stmt, inner_function, True
                yield from walk_with_context(stmt, in_function=inner_function, type_only=True)
            for stmt in child.orelse:
                yield stmt, inner_function, type_only
                yield from walk_with_context(stmt, in_function=inner_function, type_only=type_only)
            continue
        yield from walk_with_context(child, in_function=inner_function, type_only=type_only)


def imported_modules(
    node: ast.Import | ast.ImportFrom, here: str, known: set[str], packages: set[str]
) -> set[str]:
    """The package modules an import statement loads (its own module excluded)."""
    names: set[str] = set()
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        base = node.module or ""
        if node.level:
            package = here if here in packages else here.rsplit(".", 1)[0]
            for _ in range(node.level - 1):
                package = package.rsplit(".", 1)[0]
            base = f"{package}.{base}" if base else package
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            names.add(candidate if candidate in known else base)
    return {n for n in names if n in known and n != here}


def imports_of(name: str, tree: ast.Module, known: set[str], packages: set[str]) -> ModuleImports:
    module_level: set[str] = set()
    function_level: set[str] = set()
    type_checking: set[str] = set()
    dynamic: list[str] = []
    dynamic_targets: set[str] = set()
    for node, in_function, type_only in walk_with_context(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            targets = imported_modules(node, name, known, packages)
            if type_only:
                type_checking |= targets
            elif in_function:
                function_level |= targets
            else:
                module_level |= targets
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
        ):
            dynamic.append(ast.unparse(node))
            dynamic_targets |= dynamic_prefix_targets(node, name, known)
    return ModuleImports(
        module_level=sorted(module_level),
        function_level=sorted(function_level - module_level),
        type_checking=sorted(type_checking - module_level - function_level),
        dynamic=dynamic,
        dynamic_targets=sorted(dynamic_targets),
    )


def dynamic_prefix_targets(call: ast.Call, here: str, known: set[str]) -> set[str]:
    """import_module(f"mfa_session.commands.{name}") may load any module under that prefix."""
    if not call.args:
        return set()
    first = call.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        prefix = first.value
        return {prefix} & known - {here}
    if isinstance(first, ast.JoinedStr) and first.values:
        head = first.values[0]
        if isinstance(head, ast.Constant) and isinstance(head.value, str):
            return {m for m in known if m.startswith(head.value) and m != here}
    return set()


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, []):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found, key=lambda c: (-len(c), c))


def mutual_pairs(graph: dict[str, list[str]]) -> list[list[str]]:
    """Two modules that import each other directly."""
    return sorted(
        [a, b] for a, targets in graph.items() for b in targets if a < b and a in graph.get(b, [])
    )


# --- functions ------------------------------------------------------------------------------


# Statements where the next line to run depends on a value (elif is an If in the AST).
DECISIONS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.match_case)


def complexity(function: ast.FunctionDef | ast.AsyncFunctionDef, *, expressions: bool) -> int:
    """1 + one per decision point in the function's own body (not in functions nested in it)."""
    count = 1
    for node in own_nodes(function):
        if isinstance(node, DECISIONS) or (expressions and isinstance(node, ast.IfExp)):
            count += 1
        elif expressions and isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif expressions and isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
    return count


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function's body, stopping at nested functions, lambdas and classes."""
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        pending.extend(ast.iter_child_nodes(node))


def functions_of(name: str, tree: ast.Module) -> list[FunctionSize]:
    sizes = []
    scopes: list[tuple[ast.AST, str]] = [(tree, "")]
    while scopes:
        scope, prefix = scopes.pop()
        for node in ast.iter_child_nodes(scope):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualified = f"{prefix}{node.name}"
                sizes.append(
                    FunctionSize(
                        module=name,
                        name=qualified,
                        line=node.lineno,
                        lines=(node.end_lineno or node.lineno) - node.lineno + 1,
                        complexity=complexity(node, expressions=False),
                        complexity_with_expressions=complexity(node, expressions=True),
                    )
                )
                scopes.append((node, f"{qualified}."))
            elif isinstance(node, ast.ClassDef):
                scopes.append((node, f"{prefix}{node.name}."))
            else:
                scopes.append((node, prefix))
    return sizes


def protocols_of(tree: ast.Module) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                target = base.value if isinstance(base, ast.Subscript) else base
                if (isinstance(target, ast.Name) and target.id == "Protocol") or (
                    isinstance(target, ast.Attribute) and target.attr == "Protocol"
                ):
                    found.append(node.name)
    return found


# --- tests that patch the product -----------------------------------------------------------


def package_names(tree: ast.Module, known: set[str]) -> dict[str, str]:
    """Names a test file binds to package modules ("module") or to objects in them ("object")."""
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    bound[alias.asname or alias.name.split(".")[0]] = "module"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == PACKAGE:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                bound[alias.asname or alias.name] = "module" if full in known else "object"
    return bound


def patches_in(path: Path, root: Path, known: set[str]) -> list[Patch]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound = package_names(tree, known)
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setattr"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "monkeypatch"
            and node.args
        ):
            continue
        first = node.args[0]
        relative = str(path.relative_to(root))
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            if first.value.split(".")[0] == PACKAGE:
                found.append(Patch(relative, node.lineno, first.value, "string"))
            continue
        root_name = first
        while isinstance(root_name, ast.Attribute):
            root_name = root_name.value
        if isinstance(root_name, ast.Name) and root_name.id in bound:
            attribute = node.args[1] if len(node.args) > 1 else None
            suffix = (
                f".{attribute.value}"
                if isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)
                else ""
            )
            kind = "module" if isinstance(first, ast.Attribute) else bound[root_name.id]
            found.append(Patch(relative, node.lineno, ast.unparse(first) + suffix, kind))
    return found


# --- the report -----------------------------------------------------------------------------


def measure(root: Path) -> dict[str, Any]:
    files = module_files(root)
    known = set(files)
    trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in files.items()}
    packages = {name for name, path in files.items() if path.name == "__init__.py"}
    imports = {name: imports_of(name, tree, known, packages) for name, tree in trees.items()}
    at_import = {name: found.module_level for name, found in imports.items()}
    at_run = {name: found.at_run_time for name, found in imports.items()}
    dynamic = {name: found.with_dynamic for name, found in imports.items()}
    every = {name: found.every_edge for name, found in imports.items()}
    functions = [size for name, tree in trees.items() for size in functions_of(name, tree)]
    protocols = {name: p for name, tree in trees.items() if (p := protocols_of(tree))}
    patches = [
        patch
        for path in sorted((root / "tests").rglob("*.py"))
        for patch in patches_in(path, root, known)
    ]
    package_dir = root / PACKAGE
    top = [p for p in files.values() if p.parent == package_dir]
    by_lines = sorted(functions, key=lambda f: (-f.lines, f.module, f.name))
    by_complexity = sorted(functions, key=lambda f: (-f.complexity, -f.lines))
    by_expressions = sorted(functions, key=lambda f: (-f.complexity_with_expressions, -f.lines))
    return {
        "modules": {
            "files": len(files),
            "files_directly_in_package": len(top),
            "modules_directly_in_package_without_dunder_files": len(
                [p for p in top if p.name not in DUNDER_FILES]
            ),
            "packages": sorted(packages),
        },
        "imports": {
            name: {
                "module_level": found.module_level,
                "function_level": found.function_level,
                "type_checking": found.type_checking,
                "dynamic": found.dynamic,
                "dynamic_targets": found.dynamic_targets,
                "at_run_time": len(found.at_run_time),
            }
            for name, found in imports.items()
        },
        "imported_by": {
            name: sorted(other for other, targets in at_run.items() if name in targets)
            for name in files
        },
        "cycles": {
            "module_level": cycles(at_import),
            "at_run_time": cycles(at_run),
            "with_import_module_targets": cycles(dynamic),
            "every_edge": cycles(every),
            "mutual_pairs_at_run_time": mutual_pairs(at_run),
            "mutual_pairs_every_edge": mutual_pairs(every),
        },
        "functions": {
            "count": len(functions),
            "largest_by_lines": [asdict(f) for f in by_lines[:5]],
            "largest_by_complexity": [asdict(f) for f in by_complexity[:5]],
            "largest_by_complexity_with_expressions": [asdict(f) for f in by_expressions[:5]],
        },
        "protocols": {
            "count": sum(len(p) for p in protocols.values()),
            "modules": len(protocols),
            "by_module": protocols,
        },
        "test_patches": {
            "count": len(patches),
            "by_kind": {
                kind: len([p for p in patches if p.kind == kind])
                for kind in ("string", "module", "object")
            },
            "list": [asdict(p) for p in patches],
        },
    }


def render(report: dict[str, Any]) -> str:
    modules = report["modules"]
    imports = report["imports"]
    cyc = report["cycles"]
    functions = report["functions"]
    protocols = report["protocols"]
    patches = report["test_patches"]
    others = modules["files"] - 1
    lines = [
        f"modules: {modules['files']} files; {modules['files_directly_in_package']} directly in "
        f"{PACKAGE}/ ({modules['modules_directly_in_package_without_dunder_files']} without "
        f"__init__/__main__); packages: {', '.join(modules['packages'])}",
        "",
        f"| module | imports at run time (of {others} others) | module level | in functions "
        "| TYPE_CHECKING only | dynamic |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    ranked = sorted(imports.items(), key=lambda item: (-item[1]["at_run_time"], item[0]))
    for name, found in ranked:
        lines.append(
            f"| {name} | {found['at_run_time']} | {len(found['module_level'])} "
            f"| {len(found['function_level'])} | {len(found['type_checking'])} "
            f"| {len(found['dynamic'])} |"
        )
    lines += ["", "import cycles (strongly connected groups):"]
    for label, key in (
        ("module-level imports", "module_level"),
        ("+ imports in functions", "at_run_time"),
        ("+ import_module targets", "with_import_module_targets"),
        ("+ TYPE_CHECKING imports", "every_edge"),
    ):
        shown = "; ".join(" <-> ".join(g) for g in cyc[key]) or "none"
        lines.append(f"  {label}: {shown}")
    for label, key in (
        ("at run time", "mutual_pairs_at_run_time"),
        ("counting every edge", "mutual_pairs_every_edge"),
    ):
        pairs = ", ".join(" <-> ".join(p) for p in cyc[key]) or "none"
        lines.append(f"  modules importing each other directly, {label}: {pairs}")
    lines += ["", f"functions: {functions['count']}"]
    for label, key in (
        ("by lines", "largest_by_lines"),
        ("by complexity (statements)", "largest_by_complexity"),
        ("by complexity (with expressions)", "largest_by_complexity_with_expressions"),
    ):
        lines.append(f"  largest {label}:")
        for f in functions[key][:3]:
            lines.append(
                f"    {f['module']}:{f['line']} {f['name']}: {f['lines']} lines, complexity "
                f"{f['complexity']} (with expressions {f['complexity_with_expressions']})"
            )
    lines += [
        "",
        f"Protocol classes: {protocols['count']} in {protocols['modules']} modules",
    ]
    for name, found in protocols["by_module"].items():
        lines.append(f"  {name}: {', '.join(found)}")
    kinds = ", ".join(f"{n} {k}" for k, n in patches["by_kind"].items())
    lines += ["", f"tests patching the product: {patches['count']} ({kinds})"]
    for patch in patches["list"]:
        lines.append(f"  {patch['path']}:{patch['line']} {patch['target']} ({patch['kind']})")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="repository root (this one)")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args()
    report = measure(args.root.resolve())
    print(render(report))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
