"""The course notebooks are committed without outputs (make test executes them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# a learner's own Value class (notebook 09 and its solution) has private members of its
# own; micrograd's _backward and _prev are public API here, as in micrograd
MICROGRAD_NAMES = ("._backward", "._prev")
OWN_PRIVATE_NAMES = {"09_build_your_own_micrograd.ipynb", "solutions.ipynb"}
NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs_and_uses_public_names_only(path: Path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: strip the outputs"
            assert cell.get("execution_count") is None, f"{path.name}: strip execution counts"
            source = "".join(cell["source"])
            assert "import _" not in source, f"{path.name}: notebooks use the public API only"
            for name in MICROGRAD_NAMES:
                source = source.replace(name, "")
            if path.name not in OWN_PRIVATE_NAMES:
                assert "._" not in source.replace("__", ""), (
                    f"{path.name}: notebooks use the public API only"
                )
