"""An nbconvert preprocessor for the documentation site: widget outputs without a kernel.

mkdocs-jupyter executes each course notebook and nbconvert writes its page. A widget's
output then has the live widget's view, which needs a widget manager fetched from a CDN,
and nbconvert chooses it whenever the notebook keeps the widgets' state. After the run,
:class:`WidgetsWithoutKernel` drops that state, so a widget output shows HTML instead:

* a widget's own HTML, if it has some (the step widget's player of its steps);
* else a picture of the widget as the run left it, if it is made of text and progress
  bars only (tqdm's progress bar, at 100%);
* else a note that the widget needs a kernel (the Playground), not its ``repr``.

``scripts/mkdocs_hooks.py`` adds it to the preprocessors nbconvert runs.
"""

from __future__ import annotations

import html
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NOTE = (
    '<div class="mgl-needs-kernel"><p><b>This widget is live</b>: it runs with a Python '
    "kernel. Open this notebook in JupyterLab (<code>make lab</code>) to use it.</p></div>"
)
"""What a widget shows on the site when it has no HTML of its own and no snapshot."""
BOXES = {
    "HBoxModel": "display: flex; gap: 6px; align-items: center",
    "VBoxModel": "",
    "BoxModel": "",
}


def snapshot(model_id: str, states: dict[str, Any]) -> str | None:
    """The widget as HTML, as the run left it, if it is only boxes, text and progress bars.

    >>> states = {"b": {"model_name": "FloatProgressModel", "state": {"value": 3, "max": 4}},
    ...           "t": {"model_name": "HTMLModel", "state": {"value": "75%"}},
    ...           "h": {"model_name": "HBoxModel", "state": {"children": ["IPY_MODEL_t", "IPY_MODEL_b"]}}}
    >>> snapshot("h", states)
    '<div style="display: flex; gap: 6px; align-items: center"><span>75%</span><progress style="width: 10em" value="3" max="4"></progress></div>'
    """
    model = states.get(model_id)
    if model is None:
        return None
    kind, state = model.get("model_name"), model.get("state", {})
    if kind in BOXES:
        parts = [
            snapshot(str(c).removeprefix("IPY_MODEL_"), states) for c in state.get("children", [])
        ]
        if any(part is None for part in parts):
            return None
        return f'<div style="{BOXES[kind]}">' + "".join(str(p) for p in parts) + "</div>"
    if kind in ("HTMLModel", "HTMLMathModel"):
        return f"<span>{state.get('value', '')}</span>"
    if kind == "LabelModel":
        return f"<span>{html.escape(str(state.get('value', '')))}</span>"
    if kind in ("FloatProgressModel", "IntProgressModel"):
        value, top = state.get("value", 0), state.get("max", 100)
        return f'<progress style="width: 10em" value="{value}" max="{top}"></progress>'
    return None


class WidgetsWithoutKernel(Preprocessor):
    """Drop the widgets' state; give each widget output HTML a page can show without one."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        saved = nb.metadata.pop("widgets", None) or {}
        states = saved.get(WIDGET_STATE, {}).get("state", {})
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data and "text/html" not in data:
                    shown = snapshot(data[WIDGET_VIEW].get("model_id", ""), states)
                    data["text/html"] = shown if shown is not None else NOTE
        return nb, resources
