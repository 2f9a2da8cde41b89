"""The package layering holds: nothing imports upward, and no two packages import each other.

formats <- model <- (checks, datafile, importers) <- (render, widgets) <- batch <- cli; the
notebooks sit on top and import govkit only through its packages. Imports are read with ``ast``
(also those inside functions and ``TYPE_CHECKING`` blocks: a deferred import is still a dependency).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "govkit"

# Rank of every top-level module or package of govkit; a unit may import units of its own rank or lower.
LAYERS: dict[str, int] = {
    # foundations: no govkit imports beyond this rank
    "errors": 0,
    "paths": 0,
    "ordering": 1,
    "fs": 0,
    "formats": 0,
    "cells": 1,
    "model": 1,
    # reading, checking and writing report data
    "findings": 2,
    "checks": 2,
    "references": 2,
    "linkprose": 2,
    "standard": 2,
    "datafile": 2,
    "importers": 2,
    "xlsx": 2,
    "dataset": 2,
    "newreport": 2,
    "synthetic": 2,
    "__init__": 2,  # ``govkit`` itself re-exports load/save/Report
    # presenting one report
    "render": 3,
    "widgets": 3,
    "charts": 3,
    "kernels": 3,
    # many reports
    "batch": 4,
    "district": 4,
    "approvals": 4,  # sign-off before publishing
    # the command line
    "cli": 5,
    "__main__": 5,
}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every govkit module named by an import anywhere in ``tree``, relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {name for name in found if name == "govkit" or name.startswith("govkit.")}


def import_graph() -> dict[str, set[str]]:
    """``{unit: units it imports}`` over govkit's top-level modules and packages."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        unit = _unit(module)
        targets = {
            _unit(name)
            for name in _imports(ast.parse(path.read_text(encoding="utf-8")), module, path.name == "__init__.py")
        }
        graph.setdefault(unit, set()).update(targets - {unit})
    return graph


def test_every_unit_has_a_layer() -> None:
    unknown = sorted(set(import_graph()) - set(LAYERS))
    assert not unknown, f"add these govkit modules to LAYERS in tests/test_layering.py: {unknown}"


def test_nothing_imports_upward() -> None:
    upward = sorted(
        f"{unit} (layer {LAYERS[unit]}) imports {target} (layer {LAYERS[target]})"
        for unit, targets in import_graph().items()
        for target in targets
        if unit in LAYERS and target in LAYERS and LAYERS[target] > LAYERS[unit]
    )
    assert not upward, upward


def test_no_import_cycle_between_units() -> None:
    graph = import_graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[str]] = []

    def visit(unit: str, path: list[str]) -> None:
        state[unit] = 1
        for target in sorted(graph.get(unit, ())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target] if target in path else [unit, target])
            elif target not in state:
                visit(target, [*path, target])
        state[unit] = 2

    for unit in sorted(graph):
        if unit not in state:
            visit(unit, [unit])
    assert not cycles, cycles


def test_render_does_not_import_batch() -> None:
    assert "batch" not in import_graph()["render"]


def test_the_graph_sees_deferred_imports() -> None:
    # The graph must catch deferred imports: batch imports render inside functions.
    assert "render" in import_graph()["batch"]


@pytest.mark.parametrize("notebook", sorted((ROOT / "govkit" / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_import_govkit_packages_only(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    tree = ast.parse("\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))))
    names = _imports(tree, "notebook", False) | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    private = sorted(name for name in names if any(part.startswith("_") for part in name.split(".")))
    assert not private, f"{notebook.name} imports private govkit names: {private}"
    local = sorted(
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level
    )  # a notebook is not part of a package
    assert not local, local
    assert "sys.path" not in code, f"{notebook.name} must find govkit as installed, not by editing sys.path"
