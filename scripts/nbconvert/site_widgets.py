"""An nbconvert preprocessor for the documentation site: widget outputs without a kernel.

mkdocs-jupyter executes each course notebook and nbconvert writes its page. A widget's
output then has the live widget's view, which needs a widget manager fetched from a CDN,
and nbconvert chooses it whenever the notebook keeps the widgets' state. After the run,
:class:`WidgetsWithoutKernel` drops that state, so each widget output shows its own HTML
instead: the step widget's player of its steps. A widget with no HTML of its own says it
needs a kernel, rather than showing its ``repr``. ``scripts/mkdocs_hooks.py`` adds it to
the preprocessors nbconvert runs.
"""

from __future__ import annotations

import html
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NOTE = (
    '<div class="mgl-needs-kernel"><p><b>{name}</b> is a live widget: it runs with a Python '
    "kernel. Open this notebook in JupyterLab (<code>make lab</code>) to use it.</p></div>"
)
"""What a widget without HTML of its own shows on the site."""


class WidgetsWithoutKernel(Preprocessor):
    """Drop the widgets' state; a widget output without HTML gets a note instead."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        nb.metadata.pop("widgets", None)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data and "text/html" not in data:
                    name = data.get("text/plain", "This widget").split("(", 1)[0]
                    data["text/html"] = NOTE.format(name=html.escape(name))
        return nb, resources
