"""The step widget: the backward pass of an expression, one node at a time, in Jupyter.

:func:`step_widget` shows previous, next and play buttons, a slider and the arrow keys over
the steps of :func:`~micrograd_like.steps.backward_steps`; the graph fits the cell and the
node of the step stays in view; the words of each step are
:func:`~micrograd_like.steps.explain`'s. It needs anywidget (the ``notebooks`` extra);
without it, it returns a :class:`~micrograd_like.steps.StepGallery`.
"""

from __future__ import annotations

import functools
import io
import numbers
import re
from typing import Any

from micrograd_like.engine import Value
from micrograd_like.viz import HIGHLIGHT, GraphvizNotFound, draw_dot, graph_nodes, render
from micrograd_like.viz.steps import BackwardStep, StepGallery, backward_steps, explain

__all__ = ["step_widget"]

INSTALL_HINT = "pip install 'micrograd-like[notebooks]'"
"""What to install for the widgets (JupyterLab, ipywidgets, anywidget)."""


# --------------------------------------------------------------------------------------
# Pictures as text for a web page
# --------------------------------------------------------------------------------------


def _svg(graph: Any) -> str:
    """A Graphviz picture as an ``<svg>`` element, or a note saying ``dot`` is missing."""
    try:
        text = render(graph, "svg").decode("utf-8")
    except GraphvizNotFound:
        return "<p><i>(Graphviz's dot program is missing: no picture)</i></p>"
    return text[text.find("<svg") :]


def _fit_svg(svg: str) -> str:
    """The ``<svg>`` scaled to the width of its box, never wider than its own size.

    >>> _fit_svg('<svg width="300pt" height="90pt" viewBox="0 0 300 90">')
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

_STEP_ESM = """
function fitToWidth(svg) {
  const width = svg.getAttribute("width");
  if (width && !width.endsWith("%")) svg.style.maxWidth = width;
  svg.setAttribute("width", "100%");
  svg.removeAttribute("height");
  svg.style.height = "auto";
  svg.style.display = "block";
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "mgl-steps";
  root.tabIndex = 0;
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.innerHTML = `
    <div class="mgl-bar">
      <button class="mgl-prev" title="previous step (left arrow)">&#9664; previous</button>
      <button class="mgl-play" title="play or pause (space)">&#9654; play</button>
      <button class="mgl-next" title="next step (right arrow)">next &#9654;</button>
      <input class="mgl-slider" type="range" min="1" step="1" aria-label="step">
      <span class="mgl-count"></span>
      <button class="mgl-zoom" title="fit the graph to the width, or show it at its size (z)">actual size</button>
      <span class="mgl-keys">keys: &larr; &rarr; space Home End z</span>
    </div>
    <pre class="mgl-text"></pre>
    <div class="mgl-graph"></div>`;
  el.appendChild(root);
  const find = (selector) => root.querySelector(selector);
  const graph = find(".mgl-graph");
  const slider = find(".mgl-slider");
  const playButton = find(".mgl-play");
  const zoomButton = find(".mgl-zoom");
  let timer = null;
  let fit = true; // the graph scaled to the width of the cell, or at its own size

  const count = () => model.get("texts").length;
  const go = (i) => {
    i = Math.max(0, Math.min(count() - 1, i));
    if (i !== model.get("step")) {
      model.set("step", i);
      model.save_changes();
    }
  };
  const stop = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playButton.innerHTML = "&#9654; play";
  };
  const play = () => {
    if (timer !== null) return stop();
    if (model.get("step") >= count() - 1) go(0);
    playButton.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(() => {
      go(model.get("step") + 1);
      if (model.get("step") >= count() - 1) stop();
    }, model.get("interval_ms"));
  };

  // The nodes outlined in the highlight colour: the Value of this step and its op.
  const current = () =>
    [...graph.querySelectorAll("g.node")].filter((g) =>
      [...g.querySelectorAll("[stroke]")].some(
        (s) => s.getAttribute("stroke").toLowerCase() === model.get("highlight").toLowerCase()
      )
    );
  // Scroll the graph's box (not the page) so that the current nodes are inside it.
  const reveal = () => {
    const nodes = current();
    if (!nodes.length) return;
    const rects = nodes.map((n) => n.getBoundingClientRect());
    const left = Math.min(...rects.map((r) => r.left));
    const right = Math.max(...rects.map((r) => r.right));
    const top = Math.min(...rects.map((r) => r.top));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    const box = graph.getBoundingClientRect();
    if (left < box.left) graph.scrollLeft -= box.left - left + 8;
    else if (right > box.right) graph.scrollLeft += right - box.right + 8;
    if (top < box.top) graph.scrollTop -= box.top - top + 8;
    else if (bottom > box.bottom) graph.scrollTop += bottom - box.bottom + 8;
  };

  const show = () => {
    const i = model.get("step");
    const n = count();
    slider.max = String(n);
    slider.value = String(i + 1);
    find(".mgl-count").textContent = `step ${i + 1}/${n}`;
    find(".mgl-text").textContent = model.get("texts")[i];
    const left = graph.scrollLeft;
    const top = graph.scrollTop;
    // a long walk sends its pictures one at a time: "drawn" holds step "drawn_step"'s
    const picture =
      model.get("svgs")[i] || (model.get("drawn_step") === i ? model.get("drawn") : "");
    if (!picture) {
      graph.classList.add("mgl-waiting"); // the old picture stays, greyed, until it comes
      return;
    }
    graph.classList.remove("mgl-waiting");
    graph.innerHTML = picture;
    const svg = graph.querySelector("svg");
    if (svg && fit) fitToWidth(svg);
    graph.scrollLeft = left;
    graph.scrollTop = top;
    find(".mgl-prev").disabled = i === 0;
    find(".mgl-next").disabled = i === n - 1;
    requestAnimationFrame(reveal);
  };

  find(".mgl-prev").addEventListener("click", () => { stop(); go(model.get("step") - 1); });
  find(".mgl-next").addEventListener("click", () => { stop(); go(model.get("step") + 1); });
  playButton.addEventListener("click", play);
  const zoom = () => {
    fit = !fit;
    zoomButton.textContent = fit ? "actual size" : "fit to width";
    show();
  };
  zoomButton.addEventListener("click", zoom);
  slider.addEventListener("input", () => { stop(); go(Number(slider.value) - 1); });
  root.addEventListener("keydown", (event) => {
    const moves = {
      ArrowLeft: -1, ArrowUp: -1, PageUp: -1, ArrowRight: 1, ArrowDown: 1, PageDown: 1,
    };
    const i = model.get("step");
    if (event.key in moves) {
      // a focused range input moves itself on arrow keys; do not move twice
      if (event.target !== slider) { stop(); go(i + moves[event.key]); }
    } else if (event.key === "Home") { stop(); go(0); }
    else if (event.key === "End") { stop(); go(count() - 1); }
    else if (event.key === "z") zoom();
    else if (event.key === " " && event.target.tagName !== "BUTTON") play();
    else return;
    if (event.target !== slider || !(event.key in moves)) event.preventDefault();
    event.stopPropagation();
  });
  model.on("change:step", show);
  model.on("change:svgs", show);
  model.on("change:texts", show);
  model.on("change:drawn", show);
  show();
  return () => stop();
}
export default { render };
"""

_STEP_CSS = """
.mgl-steps { font-family: var(--jp-ui-font-family, sans-serif); outline: none;
  border-radius: 4px; padding: 2px; }
.mgl-steps:focus-within { box-shadow: 0 0 0 2px var(--jp-brand-color2, #9ecaed); }
.mgl-bar { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.mgl-bar button { min-width: 5.5em; }
.mgl-slider { flex: 1 1 160px; }
.mgl-count { font-variant-numeric: tabular-nums; }
.mgl-keys { color: var(--jp-ui-font-color2, #777); font-size: 85%; }
.mgl-text { white-space: pre-wrap; font-family: var(--jp-code-font-family, monospace);
  margin: 6px 0; }
.mgl-graph { max-height: 70vh; overflow: auto; background: white; }
.mgl-graph.mgl-waiting { opacity: 0.4; }
"""


@functools.cache
def _step_widget_class() -> type:
    """The anywidget class of :func:`step_widget` (made on first use: anywidget is optional)."""
    import anywidget
    import traitlets

    class StepWidget(anywidget.AnyWidget):
        """Previous, next, play, a slider and the keyboard over the steps of a backward pass.

        ``step`` is the step shown, counted from 0; ``steps`` the
        :class:`~micrograd_like.steps.BackwardStep` list, ``texts`` and ``svgs`` what each
        step shows. The buttons move in the browser; :meth:`next`, :meth:`previous` and
        :meth:`go` move from Python.
        """

        _esm = _STEP_ESM
        _css = _STEP_CSS
        svgs = traitlets.List(traitlets.Unicode()).tag(sync=True)
        texts = traitlets.List(traitlets.Unicode()).tag(sync=True)
        step = traitlets.Int(0).tag(sync=True)
        highlight = traitlets.Unicode(HIGHLIGHT).tag(sync=True)
        interval_ms = traitlets.Int(900).tag(sync=True)
        drawn = traitlets.Unicode("").tag(sync=True)
        drawn_step = traitlets.Int(-1).tag(sync=True)

        def __init__(self, steps: list[BackwardStep], texts: list[str], graphs: list[Any]):
            # a short walk sends every picture at once; a long one, each when it is shown
            svgs = [_svg(g) for g in graphs] if len(graphs) <= PRERENDER else [""] * len(graphs)
            super().__init__(svgs=svgs, texts=texts, step=0)
            self.steps, self.graphs = steps, graphs
            self._draw({"new": 0})
            self.observe(self._draw, names="step")

        def _draw(self, change: dict[str, Any]) -> None:
            i = change["new"]
            if not self.svgs[i] and self.drawn_step != i:
                with self.hold_sync():
                    self.drawn = _svg(self.graphs[i])
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

        def __repr__(self) -> str:
            return (
                f"step_widget: {len(self.steps)} steps; open this notebook in JupyterLab or "
                f"Notebook 7 to step through them. Step {self.step + 1}:\n{self.texts[self.step]}"
            )

    return StepWidget


PRERENDER = 24
"""step_widget sends the pictures of a walk of up to this many steps at once."""


def _explain_blocks(root: Value, model: Any, zero_grad: bool) -> list[str]:
    """:func:`explain`'s words cut into one block per step (the grads are left as found)."""
    saved = {v: v.grad for v in graph_nodes(root)}
    buffer = io.StringIO()
    try:
        explain(root, model=model, file=buffer, zero_grad=zero_grad)
    finally:
        for v, g in saved.items():
            v.grad = g
    blocks: list[list[str]] = []
    for line in buffer.getvalue().splitlines():
        if re.match(r"step \d+/\d+", line):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return ["\n".join(b) for b in blocks]


def step_widget(root: Value, model: Any = None, zero_grad: bool = True, **draw_kwargs: Any) -> Any:
    """Step through the backward pass of ``root``: the graph and the words of each step.

    Previous, next and play buttons, a slider, and the keyboard (arrow keys, space,
    Home, End) move through the steps of :func:`~micrograd_like.steps.backward_steps`. The
    graph (:func:`~micrograd_like.viz.draw_dot` with ``draw_kwargs``) fits the cell's
    width; "actual size" (or ``z``) shows it at its own size instead, scrolled so that
    the node of the step, outlined in red, stays in view. The words are
    :func:`~micrograd_like.steps.explain`'s, one chain-rule term a line.

    Runs the backward pass: ``.grad`` ends as ``root.backward()`` leaves it. Without
    anywidget (the ``notebooks`` extra), prints a one-line hint and returns a
    :class:`~micrograd_like.steps.StepGallery` with every step one under the other.

    >>> from micrograd_like.engine import Value
    >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
    >>> w = step_widget(y)                  # the last line of a cell shows it
    >>> len(w.steps), w.current.node is y, x.grad
    (1, True, 6.0)
    """
    if not isinstance(root, Value):
        raise TypeError(f"step_widget expects a Value as root, got {type(root).__name__}")
    texts = _explain_blocks(root, model, zero_grad)
    steps = list(backward_steps(root, zero_grad))
    if not steps:
        raise ValueError("step_widget: root is a leaf, so there is no backward step to show")
    if len(texts) != len(steps):  # explain's words did not cut into steps: use each step's
        texts = [str(s) for s in steps]
    graphs = [draw_dot(root, model=model, step=s, **draw_kwargs) for s in steps]
    try:
        cls = _step_widget_class()
    except ImportError:
        print(
            f"step_widget: for previous/next/play buttons, {INSTALL_HINT}; "
            f"here are all {len(steps)} steps, one under the other."
        )
        return StepGallery(steps, graphs, texts)
    return cls(steps, texts, graphs)
