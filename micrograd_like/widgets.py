"""Widgets for Jupyter: step through backprop, and watch a network learn.

* :func:`step_widget` - the backward pass of an expression, one node at a time: previous,
  next, play, a slider and the arrow keys; the graph fits the cell and the node of the
  step stays in view; the words of each step are :func:`~micrograd_like.steps.explain`'s.
* :class:`Playground` - a small network learning a 2-D dataset, as in TensorFlow
  Playground, trained by the real engine and :func:`~micrograd_like.train.fit`: the
  decision boundary, the loss curves, the network's weights and the computation graph of
  one point, redrawn while it trains.
* :class:`TrainingRun` - the Playground's training without any widget: data, model,
  optimizer and history, advanced a chunk of epochs at a time.

The widgets need the ``notebooks`` extra (``pip install 'micrograd-like[notebooks]'``:
JupyterLab, ipywidgets, anywidget). :class:`TrainingRun` needs none of it.

>>> run = TrainingRun(dataset="xor", hidden=(4,), seed=0)
>>> run.epoch, len(run.X_train), len(run.X_test)      # 200 samples, 30% held out
(0, 140, 60)
>>> run.chunk(5); run.epoch
5
"""

from __future__ import annotations

import functools
import html
import inspect
import io
import math
import numbers
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from micrograd_like import data as _data
from micrograd_like.engine import Value, no_grad
from micrograd_like.losses import get_loss
from micrograd_like.nn import ACTIVATIONS, MLP
from micrograd_like.optim import SGD, Adam, Optimizer
from micrograd_like.train import TrainingDiverged, evaluate, fit
from micrograd_like.viz import (
    HIGHLIGHT,
    GraphvizNotFound,
    draw_dot,
    draw_network,
    graph_nodes,
    render,
)
from micrograd_like.viz.steps import BackwardStep, StepGallery, backward_steps, explain

__all__ = ["Playground", "Throttle", "TrainingRun", "step_widget"]

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


# --------------------------------------------------------------------------------------
# Training, a chunk at a time
# --------------------------------------------------------------------------------------


def _two_spirals(n_samples: int, noise: float, seed: int) -> tuple[list[list[float]], list[int]]:
    return _data.make_spiral(n_samples, classes=2, noise=noise, seed=seed)


DATASETS: dict[str, Callable[[int, float, int], tuple[list[list[float]], list[int]]]] = {
    "moons": lambda n, noise, seed: _data.make_moons(n, noise=noise, seed=seed),
    "circles": lambda n, noise, seed: _data.make_circles(n, noise=noise, seed=seed),
    "xor": lambda n, noise, seed: _data.make_xor(n, noise=noise, seed=seed),
    "spiral": _two_spirals,
}
"""The Playground's datasets: two classes of points in the plane."""

LOSSES = ("binary_cross_entropy_with_logits", "hinge", "mse")
"""The Playground's losses. One output s: hinge and mse read labels -1/+1, the other 0/1."""

LOSS_NAMES = {
    "binary_cross_entropy_with_logits": "cross-entropy (logistic)",
    "hinge": "hinge (max margin)",
    "mse": "mse (squared error)",
}
"""How the loss menu names them."""

OPTIMIZERS = ("adam", "sgd")


def _choice(value: object, valid: Sequence[str], what: str) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"{what} must be one of {', '.join(valid)}, got {value!r}")
    return value


def _hidden_sizes(hidden: object) -> tuple[int, ...]:
    """``(8, 8)`` or the text ``"8, 8"`` as a tuple of layer sizes (``()``: no hidden layer).

    >>> _hidden_sizes("8, 4"), _hidden_sizes([3]), _hidden_sizes("")
    ((8, 4), (3,), ())
    """
    if isinstance(hidden, str):
        parts = [p for p in re.split(r"[\s,]+", hidden.strip()) if p]
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"hidden must be layer sizes like '8, 8', got {hidden!r}")
        sizes = [int(p) for p in parts]
    elif isinstance(hidden, Sequence):
        sizes = list(hidden)
    else:
        raise TypeError(f"hidden must be layer sizes like (8, 8), got {type(hidden).__name__}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or not 1 <= s <= 64:
            raise ValueError(f"each hidden layer size must be an int in 1..64, got {s!r}")
    if len(sizes) > 6:
        raise ValueError(f"at most 6 hidden layers, got {len(sizes)}")
    return tuple(int(s) for s in sizes)


def _number(x: object, what: str, low: float, high: float) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a number, got {type(x).__name__}: {x!r}")
    value = float(x)
    if not low <= value <= high:
        raise ValueError(f"{what} must be in [{low}, {high}], got {value!r}")
    return value


def _int(x: object, what: str, low: int) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{what} must be an int, got {type(x).__name__}: {x!r}")
    if x < low:
        raise ValueError(f"{what} must be >= {low}, got {x}")
    return int(x)


@dataclass
class TrainingRun:
    """A 2-D classification problem and a network learning it, a chunk of epochs at a time.

    The data comes from :data:`DATASETS` (``test_size`` of it held out), the model is
    ``MLP(2, [*hidden, 1], activation)`` with one output score s, and every chunk is one
    call of :func:`~micrograd_like.train.fit` with the same optimizer object, so that
    Adam's moments carry over and ``chunk(5); chunk(5)`` trains exactly as ``fit(...,
    epochs=10)`` does. ``train_loss[k]`` and ``test_loss[k]`` are the losses after epoch
    k (k = 0: before training).
    """

    dataset: str = "moons"
    noise: float = 0.1
    hidden: Sequence[int] | str = (4, 4)
    activation: str = "tanh"
    loss: str = "binary_cross_entropy_with_logits"
    lr: float = 0.01
    optimizer: str = "adam"
    n_samples: int = 200
    test_size: float = 0.3
    batch_size: int | None = None
    seed: int = 0
    model: MLP = field(init=False, repr=False)
    opt: Optimizer = field(init=False, repr=False)
    epoch: int = field(init=False, default=0)
    train_loss: list[float] = field(init=False, repr=False, default_factory=list)
    test_loss: list[float] = field(init=False, repr=False, default_factory=list)
    test_accuracy: float | None = field(init=False, default=None)
    diverged: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        _choice(self.dataset, list(DATASETS), "dataset")
        self.noise = _number(self.noise, "noise", 0.0, 1.0)
        self.hidden = _hidden_sizes(self.hidden)
        _choice(self.activation, [a for a in ACTIVATIONS if a != "linear"], "activation")
        _choice(self.loss, LOSSES, "loss")
        self.lr = _number(self.lr, "lr", 1e-6, 10.0)
        _choice(self.optimizer, OPTIMIZERS, "optimizer")
        self.n_samples = _int(self.n_samples, "n_samples", 10)
        self.test_size = _number(self.test_size, "test_size", 0.05, 0.9)
        if self.batch_size is not None:
            self.batch_size = _int(self.batch_size, "batch_size", 1)
        self.seed = _int(self.seed, "seed", 0)
        X, y = DATASETS[self.dataset](self.n_samples, self.noise, self.seed)
        labels = y if self.loss == "binary_cross_entropy_with_logits" else _data.signed_labels(y)
        self.X_train, self.X_test, self.y_train, self.y_test = _data.train_test_split(
            X, labels, self.test_size, seed=self.seed
        )
        self.model = MLP(2, [*self.hidden, 1], activation=self.activation, seed=self.seed)
        params = self.model.parameters()
        self.opt = Adam(params, lr=self.lr) if self.optimizer == "adam" else SGD(params, lr=self.lr)
        self._shuffle = random.Random(self.seed)
        self.train_loss = [evaluate(self.model, self.X_train, self.y_train, self.loss).loss]
        self.test_loss = [self._test()]

    def _test(self) -> float:
        result = evaluate(self.model, self.X_test, self.y_test, self.loss)
        self.test_accuracy = self.accuracy(self.X_test, self.y_test)
        return result.loss

    def set_lr(self, lr: float) -> None:
        """Change the learning rate from the next step on (the weights stay)."""
        self.lr = _number(lr, "lr", 1e-6, 10.0)
        self.opt.lr = self.lr

    def chunk(self, epochs: int) -> None:
        """Train ``epochs`` more epochs with :func:`~micrograd_like.train.fit`.

        A diverged run (the loss became NaN or infinite) stops and says why in
        ``diverged``; its weights stay at their last finite values.
        """
        epochs = _int(epochs, "epochs", 1)
        if self.diverged is not None:
            return
        try:
            history = fit(
                self.model,
                self.X_train,
                self.y_train,
                loss=self.loss,
                optimizer=self.opt,
                epochs=epochs,
                batch_size=self.batch_size,
                validation=(self.X_test, self.y_test),
                progress=False,
                seed=self._shuffle,
            )
        except TrainingDiverged as exc:
            history = exc.history
            self.diverged = str(exc)
        self.epoch += history.epochs
        # fit's loss is the mean over the epoch, measured before each step's update
        self.train_loss.extend(history.loss)
        self.test_loss.extend(history.val_loss)
        self.test_accuracy = self.accuracy(self.X_test, self.y_test)

    def scores(self, points: Sequence[Sequence[float]]) -> list[float]:
        """The model's output s for each point, with no graph recorded."""
        with no_grad():
            return [self.model(p).data for p in points]  # type: ignore[union-attr]

    def confidence(self, score: float) -> float:
        """How sure the model is that a point is of class 1, from 0 to 1.

        The probability sigmoid(s) for the logistic loss; for hinge and mse, whose
        labels are -1/+1, the margin s clipped to [-1, 1], mapped to [0, 1].

        >>> TrainingRun(loss="hinge", n_samples=10).confidence(0.5)
        0.75
        """
        if self.loss == "binary_cross_entropy_with_logits":
            return 1.0 / (1.0 + math.exp(-score)) if score > -700 else 0.0
        return (max(-1.0, min(1.0, score)) + 1.0) / 2.0

    def accuracy(self, X: Sequence[Sequence[float]], y: Sequence[int]) -> float:
        """The fraction of points on the right side of the boundary (s > 0: class 1)."""
        positive = 1
        return sum((s > 0) == (label == positive) for s, label in zip(self.scores(X), y)) / len(y)

    def point_loss(self, index: int) -> Value:
        """The loss of training point ``index`` alone, after its backward pass.

        Its graph holds the forward pass (each node's data) and the backward pass (each
        node's grad). It writes the parameters' grads, which the next fit step resets.
        """
        index = _int(index, "index", 0)
        if index >= len(self.X_train):
            raise ValueError(f"index must be < {len(self.X_train)} (training points), got {index}")
        x = [Value(v, label=f"x{k + 1}") for k, v in enumerate(self.X_train[index])]
        self.model.zero_grad()
        out = self.model(x)
        loss = get_loss(self.loss)([out], [self.y_train[index]])
        loss.label = "L"
        loss.backward()
        return loss


class Throttle:
    """At most one event per ``interval`` seconds: ``ready()`` says whether one may happen now.

    >>> clock = iter([0.0, 0.1, 0.6, 0.7]).__next__
    >>> t = Throttle(0.5, clock=clock)
    >>> [t.ready() for _ in range(4)]        # at 0 yes, 0.1 no, 0.6 yes, 0.7 no
    [True, False, True, False]
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = _number(interval, "interval", 0.0, 3600.0)
        self.clock = clock
        self.last: float | None = None

    def ready(self) -> bool:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            return False
        self.last = now
        return True


# --------------------------------------------------------------------------------------
# The Playground's pictures
# --------------------------------------------------------------------------------------

ORANGE, BLUE = "#e8871e", "#1b6fb3"
"""TensorFlow Playground's colours: orange for class 0 (or -1), blue for class 1."""


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96)
    return buffer.getvalue()


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure drawn off screen (no pyplot, so no GUI backend is involved)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


class BoundaryPicture:
    """The plane shaded by the model's confidence, with the training and test points.

    Made once per run and redrawn with :meth:`png`: only the shading, the chosen point
    and the title change from frame to frame. The model is evaluated under ``no_grad``
    on a ``resolution`` x ``resolution`` grid, smoothed by bilinear interpolation.
    """

    def __init__(self, run: TrainingRun, resolution: int = 40) -> None:
        from matplotlib.colors import LinearSegmentedColormap
        from matplotlib.lines import Line2D

        self.resolution = _int(resolution, "resolution", 2)
        X = run.X_train + run.X_test
        pad = 0.25
        x0, x1 = min(p[0] for p in X) - pad, max(p[0] for p in X) + pad
        y0, y1 = min(p[1] for p in X) - pad, max(p[1] for p in X) + pad
        n = self.resolution
        self.grid = [
            [x0 + (x1 - x0) * i / (n - 1), y0 + (y1 - y0) * j / (n - 1)]
            for j in range(n)
            for i in range(n)
        ]
        self.fig = _figure(4.8, 4.0)
        self.fig.subplots_adjust(left=0.13, right=0.8, bottom=0.12, top=0.92)
        ax = self.ax = self.fig.add_subplot()
        cmap = LinearSegmentedColormap.from_list("playground", [ORANGE, "#ffffff", BLUE])
        self.image = ax.imshow(
            [[0.5] * n] * n,
            origin="lower",
            extent=(x0, x1, y0, y1),
            cmap=cmap,
            vmin=0.0,
            vmax=1.0,
            alpha=0.75,
            interpolation="bilinear",
            aspect="auto",
        )
        for points, labels, marker, edge, size in (
            (run.X_train, run.y_train, "o", "white", 22),
            (run.X_test, run.y_test, "^", "black", 26),
        ):
            ax.scatter(
                [p[0] for p in points],
                [p[1] for p in points],
                c=[BLUE if label == 1 else ORANGE for label in labels],
                s=size,
                marker=marker,
                edgecolors=edge,
                linewidths=0.8,
            )
        self.chosen = ax.scatter(
            [0.0], [0.0], s=160, facecolors="none", edgecolors="black", linewidths=1.8
        )
        self.chosen_text = ax.annotate(
            "chosen point",
            (0.0, 0.0),
            xytext=(8, 8),
            textcoords="offset points",
            fontsize=8,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "alpha": 0.85, "lw": 0},
        )
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        keys = [
            Line2D([], [], ls="none", marker=m, color="#888888", markeredgecolor=e, label=name)
            for m, e, name in (("o", "white", "train"), ("^", "black", "test"))
        ]
        ax.legend(handles=keys, loc="upper right", fontsize=8, framealpha=0.8)
        bar = self.fig.add_axes((0.83, 0.12, 0.03, 0.8))
        self.fig.colorbar(self.image, cax=bar, label="confidence of class 1 (blue)")

    def png(self, run: TrainingRun, point: int | None = None) -> bytes:
        """The picture for the model as it is now, ``point`` (a training index) ringed."""
        n = self.resolution
        with no_grad():
            outs = run.model.forward_batch(self.grid)
        sure = [run.confidence(out.data) for out in outs]
        self.image.set_data([sure[j * n : (j + 1) * n] for j in range(n)])
        shown = point is not None and 0 <= point < len(run.X_train)
        if shown:
            assert point is not None
            px, py = run.X_train[point]
            self.chosen.set_offsets([[px, py]])
            self.chosen_text.xy = (px, py)
            left = px > sum(self.ax.get_xlim()) / 2  # the label on the side with room
            self.chosen_text.set_position((-8 if left else 8, 8))
            self.chosen_text.set_horizontalalignment("right" if left else "left")
        self.chosen.set_visible(shown)
        self.chosen_text.set_visible(shown)
        accuracy = "" if run.test_accuracy is None else f", test accuracy {run.test_accuracy:.0%}"
        self.ax.set_title(f"epoch {run.epoch}{accuracy}", fontsize=10)
        return _png(self.fig)


class LossPicture:
    """The train and test loss after each epoch; a log axis once they span two decades."""

    def __init__(self, run: TrainingRun) -> None:
        self.fig = _figure(4.8, 4.0)
        self.fig.subplots_adjust(left=0.16, right=0.97, bottom=0.12, top=0.92)
        ax = self.ax = self.fig.add_subplot()
        (self.train,) = ax.plot([], [], color="#333333")
        (self.test,) = ax.plot([], [], color="#d62728", ls="--")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"loss ({LOSS_NAMES[run.loss]})")
        ax.grid(alpha=0.3)
        ax.set_title("loss after each epoch", fontsize=10)

    def png(self, run: TrainingRun) -> bytes:
        epochs = list(range(len(run.train_loss)))
        self.train.set_data(epochs, run.train_loss)
        self.test.set_data(epochs, run.test_loss)
        self.train.set_label(f"train {run.train_loss[-1]:.4f}")
        self.test.set_label(f"test {run.test_loss[-1]:.4f}")
        values = [v for v in run.train_loss + run.test_loss if v > 0 and math.isfinite(v)]
        log = bool(values) and max(values) / min(values) > 100
        self.ax.set_yscale("log" if log else "linear")
        if values:
            low, high = min(values), max(values)
            margin = (high / low) ** 0.05 if log else 0.05 * (high - low) or 0.05 * high
            self.ax.set_ylim(
                *((low / margin, high * margin) if log else (low - margin, high + margin))
            )
        self.ax.set_xlim(0, max(1, len(epochs) - 1))
        self.ax.legend(fontsize=9, loc="upper right")
        return _png(self.fig)


def boundary_png(run: TrainingRun, resolution: int = 40, point: int | None = None) -> bytes:
    """:class:`BoundaryPicture` of ``run``, drawn once."""
    return BoundaryPicture(run, resolution).png(run, point)


def loss_png(run: TrainingRun) -> bytes:
    """:class:`LossPicture` of ``run``, drawn once."""
    return LossPicture(run).png(run)


def _takes(fn: Callable[..., Any], name: str) -> bool:
    return name in inspect.signature(fn).parameters


def network_svg(run: TrainingRun, point: int | None = None) -> str:
    """draw_network's picture of the model (with per-neuron heatmaps where it has them)."""
    options: dict[str, Any] = {}
    if point is not None:
        options["x"] = run.X_train[point]
    if _takes(draw_network, "heatmaps"):
        options["heatmaps"] = True
    return _fit_svg(_svg(draw_network(run.model, **options)))


def point_svg(run: TrainingRun, point: int) -> str:
    """The computation graph of one point's loss, a box per neuron, with data and grads.

    Drawn top down: a layer's neurons side by side, as wide as the widest layer.
    """
    loss = run.point_loss(point)
    graph = draw_dot(loss, model=run.model, collapse="neuron", rankdir="TB", max_nodes=2000)
    return _fit_svg(_svg(graph))


# --------------------------------------------------------------------------------------
# The Playground
# --------------------------------------------------------------------------------------


class Playground:
    """Watch a network learn a 2-D dataset, as in TensorFlow Playground, in the notebook.

    Controls choose the dataset, the noise, the hidden layers, the activation, the loss,
    the learning rate and the optimizer (changing any but the learning rate starts over).
    Play trains in a background thread, a chunk of ``epochs_per_chunk`` epochs at a time
    (each chunk one :func:`~micrograd_like.train.fit` call), so the notebook stays free;
    the pictures are redrawn at most ``fps`` times a second, and the two Graphviz
    pictures at most once every ``graph_interval`` seconds. Step trains one chunk.

    The panels: the decision boundary shaded by confidence with the training (circles)
    and test (triangles) points; the train and test loss; the network with its weights;
    the computation graph of one chosen training point's loss, with each node's data
    (forward) and grad (backward). In a notebook cell::

        Playground(dataset="moons", hidden=(4, 4))
    """

    def __init__(
        self,
        dataset: str = "moons",
        noise: float = 0.1,
        hidden: Sequence[int] | str = (4, 4),
        activation: str = "tanh",
        loss: str = "binary_cross_entropy_with_logits",
        lr: float = 0.01,
        optimizer: str = "adam",
        n_samples: int = 200,
        seed: int = 0,
        epochs_per_chunk: int = 2,
        fps: float = 2.0,
        graph_interval: float = 2.0,
        max_epochs: int = 3000,
        point: int = 0,
    ) -> None:
        try:
            import ipywidgets as w
            import matplotlib  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                f"Playground needs ipywidgets and matplotlib: {INSTALL_HINT}"
            ) from exc
        self.run = TrainingRun(
            dataset, noise, hidden, activation, loss, lr, optimizer, n_samples, seed=seed
        )
        self.epochs_per_chunk = _int(epochs_per_chunk, "epochs_per_chunk", 1)
        self.max_epochs = _int(max_epochs, "max_epochs", 1)
        self.frames = Throttle(1.0 / _number(fps, "fps", 0.01, 60.0))
        self.graphs = Throttle(_number(graph_interval, "graph_interval", 0.0, 3600.0))
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._building = True
        self._pictures: tuple[Any, ...] = (None,)  # (run, BoundaryPicture, LossPicture)

        narrow = w.Layout(width="auto")
        style = {"description_width": "initial"}
        self.controls = {
            "dataset": w.Dropdown(options=list(DATASETS), value=dataset, description="dataset"),
            "noise": w.FloatSlider(
                value=self.run.noise,
                min=0.0,
                max=max(0.5, self.run.noise),
                step=0.05,
                description="noise",
                style=style,
            ),
            "hidden": w.Text(
                value=", ".join(map(str, self.run.hidden)),
                description="hidden layers",
                placeholder="8, 8",
                continuous_update=False,
                style=style,
                layout=w.Layout(width="210px"),
            ),
            "activation": w.Dropdown(
                options=[a for a in ACTIVATIONS if a != "linear"],
                value=activation,
                description="activation",
                style=style,
            ),
            "loss": w.Dropdown(
                options=[(LOSS_NAMES[name], name) for name in LOSSES],
                value=loss,
                description="loss",
                layout=w.Layout(width="300px"),
            ),
            "lr": w.FloatLogSlider(
                value=self.run.lr,
                base=10,
                min=min(-4, math.floor(math.log10(self.run.lr))),
                max=max(0, math.ceil(math.log10(self.run.lr))),
                step=0.25,
                description="learning rate",
                style=style,
            ),
            "optimizer": w.ToggleButtons(
                options=list(OPTIMIZERS), value=optimizer, description="optimizer"
            ),
        }
        self.controls["optimizer"].style.button_width = "4.5em"
        self.buttons = {
            name: w.Button(description=name, icon=icon, layout=narrow)
            for name, icon in (
                ("play", "play"),
                ("pause", "pause"),
                ("step", "step-forward"),
                ("reset", "undo"),
            )
        }
        for name, button in self.buttons.items():
            button.add_class(f"mgl-{name}")
        self.buttons["play"].button_style = "success"
        self.status = w.HTML()
        self.point = w.IntSlider(
            value=point,
            min=0,
            max=len(self.run.X_train) - 1,
            description="chosen point",
            style=style,
        )
        self.boundary = w.Image(format="png", layout=w.Layout(width="100%", max_width="460px"))
        self.curves = w.Image(format="png", layout=w.Layout(width="100%", max_width="460px"))
        self.network = w.HTML(layout=w.Layout(width="100%", max_width="760px"))
        self.graph = w.HTML(layout=w.Layout(width="100%", max_width="760px"))
        for name, widget in self.controls.items():
            widget.observe(functools.partial(self._changed, name), names="value")
        self.buttons["play"].on_click(lambda _: self.play())
        self.buttons["pause"].on_click(lambda _: self.pause())
        self.buttons["step"].on_click(lambda _: self.step())
        self.buttons["reset"].on_click(lambda _: self.reset())
        self.point.observe(lambda _: self._draw(graphs=True), names="value")

        def title(text: str) -> Any:
            return w.HTML(f"<b>{html.escape(text)}</b>")

        self.widget = w.VBox(
            [
                w.HBox(list(self.controls.values())[:4], layout=w.Layout(flex_flow="row wrap")),
                w.HBox(list(self.controls.values())[4:], layout=w.Layout(flex_flow="row wrap")),
                w.HBox(
                    [*self.buttons.values(), self.status], layout=w.Layout(flex_flow="row wrap")
                ),
                w.GridBox(
                    [
                        w.VBox([title("decision boundary"), self.boundary]),
                        w.VBox([title("train and test loss"), self.curves]),
                    ],
                    layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(320px, 1fr))"),
                ),
                title("the network: blue weights > 0, red < 0, thicker = larger |w|"),
                self.network,
                title(
                    "the loss of one training point: data (forward) and grad (backward), "
                    "a box per neuron"
                ),
                self.point,
                self.graph,
            ]
        )
        self.widget.add_class("mgl-playground")
        self._building = False
        self._set_buttons(running=False)
        self._draw(graphs=True)

    # ---- what the buttons do ----------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the background thread trains."""
        return self._thread is not None and self._thread.is_alive()

    def play(self) -> None:
        """Train in a background thread until :meth:`pause` (or ``max_epochs``)."""
        if self.running or self.run.diverged is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="playground", daemon=True)
        self._set_buttons(running=True)
        self._thread.start()

    def pause(self) -> None:
        """Stop training after the chunk in progress; the pictures show where it stopped."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10.0)
        self._set_buttons(running=False)

    def step(self) -> None:
        """Train one chunk of ``epochs_per_chunk`` epochs, then redraw everything."""
        if self.running:
            return
        with self._lock:
            self.run.chunk(self.epochs_per_chunk)
        self._draw(graphs=True)

    def reset(self) -> None:
        """Start over: new data and a new model from the controls' values."""
        self.pause()
        c = self.controls
        try:
            run = TrainingRun(
                c["dataset"].value,
                c["noise"].value,
                c["hidden"].value,
                c["activation"].value,
                c["loss"].value,
                c["lr"].value,
                c["optimizer"].value,
                self.run.n_samples,
                seed=self.run.seed,
            )
        except (TypeError, ValueError) as exc:
            self.status.value = f'<span style="color:#c00">{html.escape(str(exc))}</span>'
            return
        with self._lock:
            self.run = run
        self.point.max = len(run.X_train) - 1
        self._draw(graphs=True)

    def _changed(self, name: str, change: dict[str, Any]) -> None:
        if self._building:
            return
        if name == "lr":
            self.run.set_lr(change["new"])
            self._draw(graphs=False)
        else:
            self.reset()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                with self._lock:
                    self.run.chunk(self.epochs_per_chunk)
                done = self.run.diverged is not None or self.run.epoch >= self.max_epochs
                if done or self.frames.ready():
                    self._draw(graphs=done or self.graphs.ready())
                if done:
                    break
                time.sleep(0.001)  # let the kernel's thread take the GIL and answer clicks
            else:
                self._draw(graphs=True)
        except Exception as exc:  # shown in the widget: a thread's traceback goes nowhere
            self.status.value = (
                f'<span style="color:#c00">training stopped: {html.escape(repr(exc))}</span>'
            )
        finally:
            self._set_buttons(running=False)

    def _set_buttons(self, running: bool) -> None:
        self.buttons["play"].disabled = running
        self.buttons["step"].disabled = running
        self.buttons["pause"].disabled = not running

    # ---- drawing ----------------------------------------------------------------------

    def _status_html(self) -> str:
        run = self.run
        parts = [
            f"epoch <b class='mgl-epoch'>{run.epoch}</b>",
            f"train loss <b class='mgl-train-loss'>{run.train_loss[-1]:.4f}</b>",
            f"test loss <b class='mgl-test-loss'>{run.test_loss[-1]:.4f}</b>",
        ]
        if run.test_accuracy is not None:
            parts.append(f"test accuracy {run.test_accuracy:.0%}")
        text = " &middot; ".join(parts)
        if run.diverged:
            text += f'<br><span style="color:#c00">{html.escape(run.diverged)}</span>'
        elif run.epoch >= self.max_epochs:
            text += f" (stopped at max_epochs={self.max_epochs})"
        return f"<span class='mgl-status'>{text}</span>"

    def _draw(self, graphs: bool) -> None:
        """Redraw the panels (the Graphviz ones too when ``graphs``)."""
        with self._lock:
            point = min(self.point.value, len(self.run.X_train) - 1)
            self.status.value = self._status_html()
            if self._pictures[0] is not self.run:
                self._pictures = (self.run, BoundaryPicture(self.run), LossPicture(self.run))
            _, boundary, curves = self._pictures
            self.boundary.value = boundary.png(self.run, point)
            self.curves.value = curves.png(self.run)
            if graphs:
                self.network.value = network_svg(self.run, point)
                self.graph.value = point_svg(self.run, point)

    # ---- showing it -------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"Playground({self.run!r}): open this notebook in JupyterLab to play"
