"""Every module imports on its own, in a fresh interpreter, and the library's core
imports without the picture libraries (graphviz, matplotlib)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import micrograd_like

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(micrograd_like.__path__, prefix="micrograd_like.")
    if info.name != "micrograd_like.__main__"
)

# the modules that draw: they may import graphviz or matplotlib when imported
PICTURES = {"viz", "steps", "plots", "gallery", "widgets"}

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
