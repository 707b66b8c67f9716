"""Every module imports on its own, in a fresh interpreter, and the library's core
imports without the picture libraries (graphviz, matplotlib)."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import micrograd_like

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(micrograd_like.__path__, prefix="micrograd_like.")
    if info.name != "micrograd_like.__main__"
)

# the modules that draw: they may import graphviz or matplotlib when imported
PICTURES = {"viz", "gallery", "widgets"}

_IMPORT = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None  # importing it now raises ImportError
import {module}
"""


def _pictures(module: str) -> bool:
    return module.split(".")[1] in PICTURES


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_alone_in_a_fresh_interpreter(module: str) -> None:
    # a cycle that breaks an import order shows up here as an ImportError; the core
    # must also import with graphviz and matplotlib missing
    blocked = [] if _pictures(module) else ["graphviz", "matplotlib"]
    code = _IMPORT.format(blocked=blocked, module=module)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_core_modules_are_listed() -> None:
    # the parametrisation above sees the engine, the losses, training and the CLI
    for name in ("engine", "checks", "losses", "train", "cli", "cli.train", "expression"):
        assert f"micrograd_like.{name}" in MODULES


PACKAGE = Path(micrograd_like.__file__).resolve().parent


def package_imports(path: Path) -> set[str]:
    """The package modules a file imports, anywhere in it but under ``if TYPE_CHECKING:``."""
    found: set[str] = set()
    stack: list[ast.AST] = [ast.parse(path.read_text())]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "micrograd_like":
                found |= {f"micrograd_like.{a.name}" for a in node.names}
            elif node.module.startswith("micrograd_like."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("micrograd_like.")}
        stack.extend(ast.iter_child_nodes(node))
    return found


def test_the_modules_import_each_other_without_cycles() -> None:
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        name = "micrograd_like." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        graph[name] = {m for m in package_imports(path) if m != name}
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        if state.get(node) == "done" or node not in graph:
            return
        assert state.get(node) != "open", f"import cycle: {' -> '.join([*trail, node])}"
        state[node] = "open"
        for child in sorted(graph[node]):
            visit(child, [*trail, node])
        state[node] = "done"

    for node in sorted(graph):
        visit(node, [])
