"""The step widget: the backward pass of an expression, one node at a time, in Jupyter.

:func:`step_widget` shows previous, next and play buttons, a slider and the arrow keys over
the steps of :func:`~micrograd_like.viz.steps.backward_steps`; the graph is shown at its own
size, scrolling in its box, with the step's node and the parents it updated in view; the
words of each step are :func:`~micrograd_like.viz.steps.explain`'s. It runs the player of
:mod:`micrograd_like.viz.player` over the kernel's copy of the steps, and its output also
carries that player as a page of its own, so it steps through without a kernel too (the
docs, nbconvert's HTML, nbviewer). It needs anywidget (the ``notebooks`` extra); without
it, it returns a :class:`~micrograd_like.viz.steps.StepGallery`.
"""

from __future__ import annotations

import functools
import numbers
import re
from typing import Any

from micrograd_like.engine import Value
from micrograd_like.viz import GraphvizNotFound, render
from micrograd_like.viz.player import (
    NO_DOT,
    PLAYER_CSS,
    PLAYER_JS,
    page_svg,
    player_html,
    step_frames,
)
from micrograd_like.viz.steps import BackwardStep, StepGallery

__all__ = ["step_widget"]

INSTALL_HINT = "pip install 'micrograd-like[notebooks]'"
"""What to install for the widgets (JupyterLab, ipywidgets, anywidget)."""


# --------------------------------------------------------------------------------------
# Pictures as text for a web page
# --------------------------------------------------------------------------------------


def svg_of(graph: Any) -> str:
    """A Graphviz picture as an ``<svg>`` element at Graphviz's size in points (for
    :func:`fit_svg`), or a note saying ``dot`` is missing."""
    try:
        text = render(graph, "svg").decode("utf-8")
    except GraphvizNotFound:
        return NO_DOT
    return text[text.find("<svg") :]


def fit_svg(svg: str) -> str:
    """The ``<svg>`` scaled to the width of its box, never wider than its own size.

    >>> fit_svg('<svg width="300pt" height="90pt" viewBox="0 0 300 90">')
    '<svg width="100%" style="max-width:300pt;height:auto;display:block" viewBox="0 0 300 90">'
    """
    match = re.match(r'<svg width="([\d.]+pt)" height="[\d.]+pt"', svg)
    if match is None:
        return svg
    style = f"max-width:{match.group(1)};height:auto;display:block"
    return f'<svg width="100%" style="{style}"' + svg[match.end() :]


# --------------------------------------------------------------------------------------
# step_widget
# --------------------------------------------------------------------------------------

_STEP_ESM = (
    PLAYER_JS
    + """
function render({ model, el }) {
  return mglPlayer(el, {
    count: () => model.get("texts").length,
    text: (i) => model.get("texts")[i],
    // a long walk sends its pictures one at a time: "drawn" holds step "drawn_step"'s
    picture: (i) =>
      model.get("svgs")[i] || (model.get("drawn_step") === i ? model.get("drawn") : ""),
    interval: () => model.get("interval_ms"),
    get: () => model.get("step"),
    set: (i) => { model.set("step", i); model.save_changes(); },
    on: (f) => ["step", "svgs", "texts", "drawn"].forEach((k) => model.on(`change:${k}`, f)),
  });
}
export default { render };
"""
)


@functools.cache
def step_widget_class() -> type:
    """The anywidget class of :func:`step_widget` (made on first use: anywidget is optional)."""
    import anywidget
    import traitlets

    class StepWidget(anywidget.AnyWidget):
        """Previous, next, play, a slider and the keyboard over the steps of a backward pass.

        ``step`` is the step shown, counted from 0; ``steps`` the
        :class:`~micrograd_like.viz.steps.BackwardStep` list, ``texts`` and ``svgs`` what each
        step shows. The buttons move in the browser; :meth:`next`, :meth:`previous` and
        :meth:`go` move from Python. Shown in a notebook, the output also carries
        :meth:`html`, the same steps as a page that plays them without a kernel.
        """

        _esm = _STEP_ESM
        _css = PLAYER_CSS
        svgs = traitlets.List(traitlets.Unicode()).tag(sync=True)
        texts = traitlets.List(traitlets.Unicode()).tag(sync=True)
        step = traitlets.Int(0).tag(sync=True)
        interval_ms = traitlets.Int(900).tag(sync=True)
        drawn = traitlets.Unicode("").tag(sync=True)
        drawn_step = traitlets.Int(-1).tag(sync=True)

        def __init__(self, steps: list[BackwardStep], texts: list[str], graphs: list[Any]):
            # a short walk sends every picture at once; a long one, each when it is shown
            n = len(graphs)
            svgs = [page_svg(g) for g in graphs] if n <= PRERENDER else [""] * n
            super().__init__(svgs=svgs, texts=texts, step=0)
            self.steps, self.graphs = steps, graphs
            self._page: str | None = None
            self._draw({"new": 0})
            self.observe(self._draw, names="step")

        def _draw(self, change: dict[str, Any]) -> None:
            i = change["new"]
            if not self.svgs[i] and self.drawn_step != i:
                with self.hold_sync():
                    self.drawn = page_svg(self.graphs[i])
                    self.drawn_step = i

        @traitlets.validate("step")
        def _clamp(self, proposal: Any) -> int:
            return max(0, min(len(self.texts) - 1, int(proposal["value"])))

        @property
        def current(self) -> BackwardStep:
            """The step shown now."""
            return self.steps[self.step]

        def go(self, index: int) -> None:
            """Show step ``index`` (0 = the first step; -1 = the last)."""
            if isinstance(index, bool) or not isinstance(index, numbers.Integral):
                raise TypeError(f"index must be an int, got {type(index).__name__}")
            n = len(self.steps)
            if not -n <= index < n:
                raise ValueError(f"index must be in {-n}..{n - 1} ({n} steps), got {index}")
            self.step = int(index) % n

        def next(self) -> None:
            """One step on (stays at the last step)."""
            self.step = self.step + 1

        def previous(self) -> None:
            """One step back (stays at the first step)."""
            self.step = self.step - 1

        def html(self) -> str:
            """Every step as a page that plays them by itself, as save_steps_html writes it.

            Made once, on first use: a long walk draws its remaining pictures then.
            """
            if self._page is None:
                svgs = [svg or page_svg(g) for svg, g in zip(self.svgs, self.graphs)]
                self._page = player_html(self.texts, svgs, self.interval_ms)
            return self._page

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            # JupyterLab shows the live widget; a page without a kernel, the player
            bundle = super()._repr_mimebundle_(**kwargs)
            if bundle is None:  # a widget without a view
                return None
            data, metadata = bundle
            return {**data, "text/html": self.html()}, metadata

        def __repr__(self) -> str:
            return (
                f"step_widget: {len(self.steps)} steps; open this notebook in JupyterLab or "
                f"Notebook 7 to step through them. Step {self.step + 1}:\n{self.texts[self.step]}"
            )

    return StepWidget


PRERENDER = 24
"""step_widget sends the pictures of a walk of up to this many steps at once."""


def step_widget(root: Value, model: Any = None, zero_grad: bool = True, **draw_kwargs: Any) -> Any:
    """Step through the backward pass of ``root``: the graph and the words of each step.

    Previous, next and play buttons, a slider, and the keyboard (arrow keys, space,
    Home, End) move through the steps of :func:`~micrograd_like.viz.steps.backward_steps`. The
    graph (:func:`~micrograd_like.viz.draw_dot` with ``draw_kwargs``) is shown at its own
    size, its text at least 12 px, scrolling inside its box so that the node of the step,
    outlined in red, and the parents it just passed a gradient to stay in view; "fit in
    box" (or ``z``) shows the whole graph at once instead. The words are
    :func:`~micrograd_like.viz.steps.explain`'s, one chain-rule term a line.

    The output also carries the same steps as a page that plays them without a kernel
    (the widget's ``html()``, what :func:`~micrograd_like.viz.player.save_steps_html`
    writes), so the docs, nbconvert's HTML and nbviewer step through them too.

    Runs the backward pass: ``.grad`` ends as ``root.backward()`` leaves it. Without
    anywidget (the ``notebooks`` extra), prints a one-line hint and returns a
    :class:`~micrograd_like.viz.steps.StepGallery` with every step one under the other.

    >>> from micrograd_like.engine import Value
    >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
    >>> w = step_widget(y)                  # the last line of a cell shows it
    >>> len(w.steps), w.current.node is y, x.grad
    (1, True, 6.0)
    """
    frames = step_frames(root, model, zero_grad, caller="step_widget", **draw_kwargs)
    try:
        cls = step_widget_class()
    except ImportError:
        print(
            f"step_widget: for previous/next/play buttons, {INSTALL_HINT}; "
            f"here are all {len(frames.steps)} steps, one under the other."
        )
        return StepGallery(frames.steps, frames.graphs, frames.texts)
    return cls(frames.steps, frames.texts, frames.graphs)
