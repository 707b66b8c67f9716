"""Backpropagation one node at a time: ``backward_steps`` and ``explain``.

:meth:`Value.backward` visits the non-leaf nodes from the output back to the inputs
(reverse topological order) and, at each node ``v``, adds one chain-rule term to each
parent ``p``::

    p.grad += d(v)/d(p) * v.grad        # local derivative times the gradient so far

:func:`backward_steps` does exactly that walk, the same arithmetic in the same order, but
stops after each node and hands you a :class:`BackwardStep` describing what it just did.
When the walk is over, every ``.grad`` is bit for bit what the full walk of ``backward()``
leaves (the fast path's pruning may add a node's terms in another order, in the last bit).

>>> from micrograd_like.engine import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b; c.label = "c"
>>> explain(c)
backward pass from c, one node at a time: 1 step
(dc/dx: the gradient of c with respect to x; dv/dx: the local derivative of one op v)
start: dc/dc = 1.0
step 1/1: c = a * b, with dc/dc = 1.0
  dc/da += dc/dc * dc/da (local) = 1.0 * -3.0 = -3.0
  dc/db += dc/dc * dc/db (local) = 1.0 * 2.0 = 2.0
>>> a.grad, b.grad        # explain() ran the backward pass
(-3.0, 2.0)
"""

from __future__ import annotations

import bisect
import html
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import graphviz

from micrograd_like import modes
from micrograd_like.checks import boolean, integer
from micrograd_like.engine import Value, topological_order
from micrograd_like.viz.names import ATOM_NAME, graph_nodes, name_nodes

__all__ = [
    "BackwardStep",
    "Contribution",
    "StepGallery",
    "backward_steps",
    "explain",
]

_INFIX = {"+": "+", "*": "*", "/": "/", "**": "**"}


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
    """What one run of ``backward_steps`` has done so far (shared by its steps).

    ``totals[node]`` lists (step index, the node's grad after that step) for the steps
    that changed it, so a step can tell any node's grad without replaying the walk.
    """

    root: Value
    start: dict[Value, Any]  # every node's grad once the walk has begun
    steps: list[BackwardStep] = field(default_factory=list)
    totals: dict[Value, list[tuple[int, Any]]] = field(default_factory=dict)
    _naming: Any = None

    @property
    def naming(self) -> Any:
        """The picture's names for the graph's nodes, worked out once per walk."""
        if self._naming is None:
            self._naming = name_nodes(graph_nodes(self.root))
        return self._naming

    def record(self, step: BackwardStep) -> None:
        self.steps.append(step)
        for c in step.contributions:
            self.totals.setdefault(c.parent, []).append((step.index, c.total))


class _GradsAt(Mapping[Value, Any]):
    """Every node's gradient right after step ``index``: a view, read node by node."""

    def __init__(self, walk: _Walk, index: int) -> None:
        self._walk, self._index = walk, index

    def __getitem__(self, node: Value) -> Any:
        start = self._walk.start[node]  # a KeyError for a node outside the graph
        changes = self._walk.totals.get(node, ())
        k = bisect.bisect_right(changes, self._index, key=lambda change: change[0])
        return changes[k - 1][1] if k else start

    def __iter__(self) -> Iterator[Value]:
        return iter(self._walk.start)

    def __len__(self) -> int:
        return len(self._walk.start)


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
        naming = self._walk.naming
        return "\n".join(_step_lines(self, naming.names, 4, naming.constants))

    def grads(self) -> Mapping[Value, Any]:
        """Every node's gradient right after this step (for drawing the graph at this step).

        A read-only mapping, node -> grad; looking one node up does not replay the walk.
        """
        return _GradsAt(self._walk, self.index)


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
    if boolean(zero_grad, "zero_grad"):
        for v in graph_nodes(root):
            v.grad = 0.0
    return _run(root)


def _run(root: Value) -> Iterator[BackwardStep]:
    """Value.backward, one node's ``_backward()`` at a time, telling what each step did."""
    order = topological_order(root)
    for v in order:  # the same reset as Value.backward
        v.grad = 0.0
    root.grad += 1.0
    walk = _Walk(root, {v: v.grad for v in graph_nodes(root)})
    count = len(order)
    for index, v in enumerate(reversed(order)):
        g = v.grad
        terms = _terms(v, g)
        v._backward()  # the engine's own chain-rule step
        anomaly = modes.current().anomaly
        if anomaly is not None:  # inside detect_anomaly(), the same checks
            modes.check_backward(anomaly, v)
        if not v.local_grads:  # user code's _backward: read what it added
            terms = [(p, before) for p, before in terms if p.grad is not before]
            terms = [Contribution(p, (p.grad - b) / g, p.grad - b, p.grad) for p, b in terms]
        step = BackwardStep(index, count, v, g, tuple(terms), walk)
        walk.record(step)
        yield step


def _terms(v: Value, g: Any) -> list[Any]:
    """The chain-rule terms ``v._backward()`` is about to add, one per parent.

    For a node of the rule table: ``local * g``, and each parent's running total, as
    the step's own additions will give them. For a node whose ``_backward`` user code
    set: (parent, its grad before the step), to be compared after it; the local
    derivative is then read back as what was added, divided by ``g``.
    """
    if not v.local_grads:
        return [(p, p.grad) for p in dict.fromkeys(v.parents)]
    if isinstance(g, float) and g == 0.0:  # the step passes nothing on
        return []
    totals: dict[Value, Any] = {}
    terms = []
    for p, d in zip(v.parents, v.local_grads):
        product = d * g
        totals[p] = totals.get(p, p.grad) + product
        terms.append(Contribution(p, d, product, totals[p]))
    return terms


def _num(x: Any, precision: int) -> str:
    """A float printed briefly, always looking like a float: 1 -> '1.0', -3 -> '-3.0'."""
    s = f"{float(x):.{precision}g}"
    return s if any(ch in s for ch in ".ein") else s + ".0"


def _wrapped(name: str) -> str:
    """A name as an operand in an equation: ``a``, ``a*b``, ``tanh(n)``, but ``(a*b + 1)``."""
    return f"({name})" if " " in name or name.startswith("-") else name


def equation(v: Value, names: dict[Value, str]) -> str:
    """``v``'s defining equation: 'c = a * b', 'o = tanh(n)', 's = sum(x, y, z)'.

    A node named by the expression it computes is just that: 'a*b', and so is a node
    whose label spells out that expression (the lecture's ``x1*w1`` of ``x1 * w1``).
    """
    if v.parents and not v.label and not ATOM_NAME.fullmatch(names[v]):
        return names[v]
    args = [_wrapped(names[p]) for p in v.parents]
    if v.op in _INFIX and len(args) == 2:
        formula = f"{args[0]} {_INFIX[v.op]} {args[1]}"
    else:
        formula = f"{v.op}({', '.join(names[p] for p in v.parents)})"
    if "".join(formula.split()) == "".join(names[v].split()):
        return names[v]
    return f"{names[v]} = {formula}"


def _d(out: str, x: str) -> str:
    """The derivative symbol dy/dx, brackets only where a name needs them: dy/d(a*b)."""

    def part(name: str) -> str:
        return name if ATOM_NAME.fullmatch(name) else f"({name})"

    return f"d{part(out)}/d{part(x)}"


def _step_lines(
    step: BackwardStep,
    names: dict[Value, str],
    precision: int,
    constants: set[Value] | frozenset[Value] = frozenset(),
) -> list[str]:
    """A step in words: the node, then one chain-rule line per parent.

    ``dL/dx += dL/dv * dv/dx = 1.0 * 3.0 = 3.0   (dL/dx is now 6.0)``: the gradient of
    the output L with respect to x grows by L's gradient at v times the local derivative
    of v's op. At the output itself, ``dL/dx (local)`` marks the local factor. Terms
    that reach a constant (``constants``: drawn inside their op) are left out.
    """
    out, v = names[step.root], names[step.node]
    g = _num(step.grad, precision)
    lines = [f"step {step.index + 1}/{step.count}: {equation(step.node, names)}, with "]
    lines[0] += f"{_d(out, v)} = {g}"
    if not step.contributions:
        lines[0] += ": a zero gradient passes nothing on"
    for c in step.contributions:
        if c.parent in constants:
            continue
        p = names[c.parent]
        local = _d(v, p) + (" (local)" if step.node is step.root else "")
        line = (
            f"  {_d(out, p)} += {_d(out, v)} * {local} = "
            f"{g} * {_num(c.local, precision)} = {_num(c.product, precision)}"
        )
        if c.total != c.product:  # the parent already had a gradient: show the sum
            line += f"   ({_d(out, p)} is now {_num(c.total, precision)})"
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

    ``dL/da += dL/dc * dc/da = 1.0 * -3.0 = -3.0`` reads: the gradient of the output L
    with respect to ``a`` grows by L's gradient at ``c`` times the local derivative of
    c's op with respect to ``a``; ``(dL/da is now 6.0)`` follows when ``a`` already had
    a gradient. Nodes are named as :func:`~micrograd_like.viz.draw_dot` names them (by
    parameter name when ``model`` is given, by label, by their short expression, else
    ``t1``...), and constants, drawn inside their op, get no line. Afterwards every
    ``.grad`` is what ``root.backward()`` leaves, from zero gradients unless
    ``zero_grad=False``.
    """
    steps = backward_steps(root, zero_grad)  # validates root
    integer(precision, "precision", minimum=1, maximum=17)
    stream = sys.stdout if file is None else file
    naming = name_nodes(graph_nodes(root), model)
    names = naming.names
    count = len(topological_order(root))
    out = names[root]
    print(
        f"backward pass from {out}, one node at a time: {count} step{'s' * (count != 1)}",
        file=stream,
    )
    if count == 0:
        print(f"{out} is a leaf: nothing to pass a gradient on to", file=stream)
    else:
        print(
            f"({_d(out, 'x')}: the gradient of {out} with respect to x; "
            "dv/dx: the local derivative of one op v)",
            file=stream,
        )
    for name, text in naming.legend.items():
        print(f"where {name} = {text}", file=stream)
    print(f"start: {_d(out, out)} = 1.0", file=stream)
    for step in steps:
        print("\n".join(_step_lines(step, names, precision, naming.constants)), file=stream)


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
