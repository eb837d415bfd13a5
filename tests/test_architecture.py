"""The package reads as its pipeline: stages in order, each behind its façade.

Every import of every module under build/hortus, at the top of a file or inside a function,
is read from the source (nothing is imported), so a lazy import cannot hide a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "build" / "hortus"

# Each stage may import the ones before it and never one after. The foundation (settings,
# diagnostics, processes, caches) may be used by all, and uses no stage.
LAYERS: list[set[str]] = [
    {"hortus.version", "hortus.config", "hortus.diagnostics", "hortus.parallel", "hortus.cache"}
    | {"hortus.facade"},
    {"hortus.vault"},
    {"hortus.markdown"},
    {"hortus.links"},
    {"hortus.queries"},
    {"hortus.cells"},
    {"hortus.render"},
    {"hortus.site"},
    {"hortus.pipeline"},
    {"hortus.serve"},
    # The package itself maps the public names (`from hortus import claim`) onto the stages.
    {"hortus", "hortus.cli", "hortus.__main__"},
]
STAGES = {"vault", "markdown", "links", "queries", "cells", "render", "site", "cache"}
STAGES |= {"pipeline", "serve"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for every import in module `name`."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, [alias.name for alias in node.names], node.lineno))
    return [(m, names, line) for m, names, line in found if m.split(".")[0] == "hortus"]


def target_module(imported: str, names: list[str]) -> list[str]:
    """The hortus modules an import statement loads: `from hortus.x import y` may name a
    module y."""
    modules = [imported] if imported in MODULES else []
    modules += [f"{imported}.{n}" for n in names if f"{imported}.{n}" in MODULES]
    return modules


def stage_of(name: str) -> str:
    parts = name.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 and parts[1] in STAGES else name


def layer_of(name: str) -> int:
    stage = stage_of(name)
    for index, layer in enumerate(LAYERS):
        if stage in layer:
            return index
    raise AssertionError(f"{name} belongs to no layer of the pipeline: add it to LAYERS")


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        layer_of(name)


def test_no_stage_imports_a_later_stage() -> None:
    wrong = []
    for name in MODULES:
        for imported, names, line in imports_of(name):
            for target in target_module(imported, names) or [imported]:
                if layer_of(target) > layer_of(name):
                    wrong.append(f"{MODULES[name].relative_to(REPO)}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = {
        name: {t for imported, names, _ in imports_of(name) for t in target_module(imported, names)}
        for name in MODULES
    }
    # A package's __init__ is imported with each of its modules: that is not a cycle.
    graph = {n: {t for t in targets if not n.startswith(t + ".")} for n, targets in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_no_private_name_crosses_a_package() -> None:
    """Outside its package, a module's `_private` names are not used; tests included."""
    wrong = []
    sources = [(name, MODULES[name]) for name in MODULES]
    sources += [("tests", p) for p in sorted((REPO / "tests").rglob("*.py"))]
    for name, path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("hortus"):
                continue
            if stage_of(node.module) == stage_of(name) and name != "tests":
                continue
            for alias in node.names:
                dunder = alias.name.startswith("__") and alias.name.endswith("__")
                if (alias.name.startswith("_") and not dunder) or any(
                    p.startswith("_") for p in node.module.split(".")
                ):
                    wrong.append(f"{path.relative_to(REPO)}:{node.lineno} imports {alias.name}")
    assert not wrong, "\n".join(wrong)


def test_other_packages_use_the_facade() -> None:
    """`from hortus.links import link_notes`, not `from hortus.links.resolve import ...`."""
    wrong = []
    for name in MODULES:
        for imported, _names, line in imports_of(name):
            stage = stage_of(imported)
            if stage != imported and stage != stage_of(name) and stage.count(".") == 1:
                wrong.append(f"{MODULES[name].relative_to(REPO)}:{line} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_every_package_names_its_public_api() -> None:
    for name, path in MODULES.items():
        if path.name != "__init__.py" or name == "hortus":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path.relative_to(REPO)} has no docstring"
        names = {
            t.id
            for n in tree.body
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        if stage_of(name) == name:  # a stage's façade; its sub-folders may be plain folders
            assert "__all__" in names, f"{path.relative_to(REPO)} does not name its API"


def test_files_stay_small() -> None:
    too_long = []
    for path in MODULES.values():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > 450:
            too_long.append(f"{path.relative_to(REPO)}: {lines} lines")
    assert not too_long, "\n".join(too_long)
