"""Backpropagation one node at a time: ``backward_steps``, ``explain`` and ``step_widget``.

:meth:`Value.backward` visits the non-leaf nodes from the output back to the inputs
(reverse topological order) and, at each node ``v``, adds one chain-rule term to each
parent ``p``::

    p.grad += d(v)/d(p) * v.grad        # local derivative times the gradient so far

:func:`backward_steps` does exactly that walk, the same arithmetic in the same order, but
stops after each node and hands you a :class:`BackwardStep` describing what it just did.
When the walk is over, every ``.grad`` is bit for bit what ``backward()`` leaves.

>>> from micrograd_like.engine import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b; c.label = "c"
>>> explain(c)
backward pass from c, one node at a time: 1 step
start: d(c)/d(c) = 1.0
step 1/1: c = a * b, with d(c)/d(c) = 1.0
  d(c)/d(a) += d(c)/d(c) * d(c)/d(a) = 1.0 * -3.0 = -3.0
  d(c)/d(b) += d(c)/d(c) * d(c)/d(b) = 1.0 * 2.0 = 2.0
>>> a.grad, b.grad        # explain() ran the backward pass
(-3.0, 2.0)
"""

from __future__ import annotations

import html
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import graphviz

from micrograd_like import engine
from micrograd_like.engine import Value, topological_order
from micrograd_like.viz import _check_bool, _check_int, display_names, graph_nodes

__all__ = [
    "BackwardStep",
    "Contribution",
    "StepGallery",
    "backward_steps",
    "explain",
    "step_widget",
]

_INFIX = {"+": "+", "*": "*", "**": "**"}


@dataclass(frozen=True)
class Contribution:
    """One chain-rule term of a step: ``parent.grad += local * grad`` (``product``).

    ``total`` is the parent's gradient right after the addition.
    """

    parent: Value
    local: Any
    product: Any
    total: Any


@dataclass
class _Walk:
    """What one run of ``backward_steps`` has done so far (shared by its steps)."""

    root: Value
    start: dict[Value, Any]  # every node's grad once the walk has begun
    steps: list[BackwardStep] = field(default_factory=list)


@dataclass(frozen=True)
class BackwardStep:
    """Backprop through one node: its gradient ``grad`` and one term per parent.

    ``index`` counts from 0; ``count`` is the number of steps of the whole walk. When
    ``grad`` is 0, ``contributions`` is empty: ``backward()`` skips such a node too.
    """

    index: int
    count: int
    node: Value
    grad: Any
    contributions: tuple[Contribution, ...]
    _walk: _Walk = field(compare=False, repr=False)

    @property
    def root(self) -> Value:
        """The output the walk started from."""
        return self._walk.root

    def __str__(self) -> str:
        """The step in words, as :func:`explain` prints it."""
        names = display_names(graph_nodes(self.root), None)
        return "\n".join(_step_lines(self, names, 4))

    def grads(self) -> dict[Value, Any]:
        """Every node's gradient right after this step (for drawing the graph at this step)."""
        grads = dict(self._walk.start)
        for step in self._walk.steps[: self.index + 1]:
            for c in step.contributions:
                grads[c.parent] = c.total
        return grads


def backward_steps(root: Value, zero_grad: bool = True) -> Iterator[BackwardStep]:
    """``root.backward()`` one node at a time: yields a :class:`BackwardStep` per node.

    The walk writes ``.grad`` as it goes, exactly as ``backward()`` does: the non-leaf
    nodes' gradients are first reset to 0, then ``root.grad += 1``, then for each node in
    reverse topological order ``parent.grad += local * node.grad``.

    ``zero_grad=True`` (the default) first sets the leaves' gradients to 0 as well, so
    the steps show this expression's gradients even after an earlier ``backward()``.
    With ``zero_grad=False`` leaves accumulate, exactly as a second ``backward()`` would.

    >>> x = Value(3.0, label="x"); y = x * x          # y = x^2, dy/dx = 2x = 6
    >>> [(s.node is y, s.grad, [c.product for c in s.contributions]) for s in backward_steps(y)]
    [(True, 1.0, [3.0, 3.0])]
    >>> x.grad                                         # 3 + 3: x is used twice
    6.0
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps expects a Value as root, got {type(root).__name__}")
    if _check_bool(zero_grad, "zero_grad"):
        for v in graph_nodes(root):
            v.grad = 0.0
    return _run(root)


def _run(root: Value) -> Iterator[BackwardStep]:
    order = topological_order(root)
    for v in order:  # the same reset as Value.backward
        v.grad = 0.0
    root.grad += 1.0
    walk = _Walk(root, {v: v.grad for v in graph_nodes(root)})
    count = len(order)
    for index, v in enumerate(reversed(order)):
        g = v.grad
        terms = []
        if g:  # as in Value.backward, a zero gradient passes nothing on
            for p, d in zip(v.parents, v.local_grads):
                product = d * g
                p.grad += product  # the very arithmetic of Value.backward: p.grad += d * g
                terms.append(Contribution(p, d, product, p.grad))
            if engine._anomaly is not None:  # inside detect_anomaly(), the same checks
                engine._check_backward(v)
        step = BackwardStep(index, count, v, g, tuple(terms), walk)
        walk.steps.append(step)
        yield step


def _num(x: Any, precision: int) -> str:
    """A float printed briefly, always looking like a float: 1 -> '1.0', -3 -> '-3.0'."""
    s = f"{float(x):.{precision}g}"
    return s if any(ch in s for ch in ".ein") else s + ".0"


def _expression(v: Value, names: dict[Value, str]) -> str:
    """``v``'s defining equation: 'c = a * b', 'o = tanh(n)', 's = sum(x, y, z)'."""
    args = [names[p] for p in v.parents]
    if v.op in _INFIX and len(args) == 2:
        return f"{names[v]} = {args[0]} {_INFIX[v.op]} {args[1]}"
    return f"{names[v]} = {v.op}({', '.join(args)})"


def _step_lines(step: BackwardStep, names: dict[Value, str], precision: int) -> list[str]:
    """A step in words: the node, then one chain-rule line per parent."""
    out, v = names[step.root], names[step.node]
    g = _num(step.grad, precision)
    lines = [
        f"step {step.index + 1}/{step.count}: {_expression(step.node, names)}, "
        f"with d({out})/d({v}) = {g}"
    ]
    if not step.contributions:
        lines[0] += ": a zero gradient passes nothing on"
    for c in step.contributions:
        p = names[c.parent]
        line = (
            f"  d({out})/d({p}) += d({out})/d({v}) * d({v})/d({p}) = "
            f"{g} * {_num(c.local, precision)} = {_num(c.product, precision)}"
        )
        if c.total != c.product:  # the parent already had a gradient: show the sum
            line += f"; total {_num(c.total, precision)}"
        lines.append(line)
    return lines


def explain(
    root: Value,
    model: Any = None,
    precision: int = 4,
    file: TextIO | None = None,
    zero_grad: bool = True,
) -> None:
    """Print the backward pass in words, one chain-rule term a line, and run it.

    ``d(out)/d(a) += d(out)/d(c) * d(c)/d(a) = 1.0 * -3.0 = -3.0`` reads: the gradient
    reaching ``a`` through ``c`` is c's gradient times the local derivative dc/da. Nodes
    are named by label, by parameter name when ``model`` is given, else ``v0``, ``v1``...
    (the names :func:`~micrograd_like.viz.draw_dot` shows). Afterwards every ``.grad`` is
    what ``root.backward()`` leaves, from zero gradients unless ``zero_grad=False``.
    """
    steps = backward_steps(root, zero_grad)  # validates root
    _check_int(precision, "precision", 1, 17)
    stream = sys.stdout if file is None else file
    nodes = graph_nodes(root)
    names = display_names(nodes, model)
    count = len(topological_order(root))
    out = names[root]
    print(
        f"backward pass from {out}, one node at a time: {count} step{'s' * (count != 1)}",
        file=stream,
    )
    if count == 0:
        print(f"{out} is a leaf: nothing to pass a gradient on to", file=stream)
    print(f"start: d({out})/d({out}) = 1.0", file=stream)
    for step in steps:
        print("\n".join(_step_lines(step, names, precision)), file=stream)


class StepGallery:
    """The graphs of every backward step, shown one under the other in Jupyter.

    What :func:`step_widget` returns when ipywidgets is not installed. Index it for one
    step's ``graphviz.Digraph``: ``gallery[0]``.
    """

    def __init__(self, steps: list[BackwardStep], graphs: list[graphviz.Digraph], text: list[str]):
        self.steps, self.graphs, self.text = steps, graphs, text

    def __len__(self) -> int:
        return len(self.graphs)

    def __getitem__(self, i: int) -> graphviz.Digraph:
        return self.graphs[i]

    def __repr__(self) -> str:
        return f"StepGallery({len(self)} steps)\n" + "\n".join(self.text)

    def _repr_html_(self) -> str:
        parts = []
        for graph, text in zip(self.graphs, self.text):
            try:
                picture = graph.pipe(format="svg", encoding="utf-8")
            except graphviz.ExecutableNotFound:
                picture = "<i>(Graphviz's dot program is missing: no picture)</i>"
            parts.append(f"<pre>{html.escape(text)}</pre>{picture}")
        return "<div>" + "<hr>".join(parts) + "</div>"


def step_widget(root: Value, model: Any = None, zero_grad: bool = True, **draw_kwargs: Any) -> Any:
    """Step through the backward pass in Jupyter: :func:`micrograd_like.widgets.step_widget`."""
    from micrograd_like.widgets import step_widget as widget  # widgets imports this module

    return widget(root, model, zero_grad, **draw_kwargs)
