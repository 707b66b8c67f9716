"""Pictures of computation graphs and of networks, drawn with Graphviz.

* :func:`draw_dot` - the graph of an expression: a box per Value (name, data, grad) and
  a small node per op, edges running operand -> op -> result, as in micrograd's picture;
* :func:`draw_network` - an MLP as columns of neurons, as TensorFlow Playground draws it;
* :func:`save_graph` - write either to ``.png``, ``.svg``, ``.pdf`` (or ``.dot``/``.gv``).

Both return a ``graphviz.Digraph``; the last line of a Jupyter cell shows it, scaled to
the cell's width. Building it needs only the ``graphviz`` Python package; turning it into
a picture needs Graphviz's ``dot`` program (without it, :class:`GraphvizNotFound` says how
to install it).

How nodes are named (:func:`display_names`, which ``explain()`` uses too): a parameter of
``model`` by its place (``L1.N2.w3``: layer 1, neuron 2, weight 3), else its label, else
the short expression it computes (``a*b``, ``tanh(n)``) up to 12 characters, else ``t1``,
``t2``... which the legend spells out. Unlabelled leaves used by several ops are the
inputs ``x1``, ``x2``...; an unlabelled leaf that one op uses once is a constant (the ``2``
of ``a * 2``), drawn inside that op's node (``* 2``) unless ``show_constants=True``.

>>> from micrograd_like.engine import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b + 1; c.label = "c"
>>> print(draw_dot(c, legend=False).source)  # doctest: +NORMALIZE_WHITESPACE
digraph {
    graph [fontsize=14 nodesep=0.25 rankdir=LR ranksep=0.3]
    node [fontsize=14]
    v0 [label="{ a | data 2 | grad 0 }" fillcolor="#cfe2f3" shape=record style=filled]
    v1 [label="{ b | data -3 | grad 0 }" fillcolor="#cfe2f3" shape=record style=filled]
    v2 [label="{ a*b | data -6 | grad 0 }" fillcolor="#eeeeee" shape=record style=filled]
    v2_op [label="*" height=0.3 margin=0.02 shape=ellipse]
    v2_op -> v2
    v0 -> v2_op
    v1 -> v2_op
    v4 [label="{ c | data -5 | grad 0 }" fillcolor="#b6e3b6" shape=record style=filled]
    v4_op [label="+ 1" height=0.3 margin=0.02 shape=ellipse]
    v4_op -> v4
    v2 -> v4_op
}
"""

from __future__ import annotations

import base64
import math
import numbers
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import graphviz

from micrograd_like.engine import Value, no_grad
from micrograd_like.nn import MLP

if TYPE_CHECKING:
    from micrograd_like.steps import BackwardStep

__all__ = [
    "GraphvizNotFound",
    "display_names",
    "draw_dot",
    "draw_network",
    "graph_nodes",
    "natural_key",
    "render",
    "save_graph",
]

COLORS = {
    "input": "#cfe2f3",
    "parameter": "#fce5b0",
    "intermediate": "#eeeeee",
    "output": "#b6e3b6",
}
"""Fill colour of each kind of node."""
_KIND_TEXT = {
    "input": "input (leaf)",
    "parameter": "parameter (leaf)",
    "intermediate": "intermediate value",
    "output": "output (root)",
}
HIGHLIGHT = "#d62728"
"""Border colour of the node being processed at a backward step."""
POSITIVE, NEGATIVE = "#1f77b4", "#d62728"
"""draw_network's edge colours: blue for a weight > 0, red for a weight < 0."""
FONTSIZE = 14
"""Text size of the boxes, in points: Graphviz's default, the size micrograd's picture uses."""
MAX_WIDTH = 1600
"""``rankdir="auto"`` runs left to right while that is at most this many pixels wide."""
SHORT_NAME = 12
"""The longest sub-expression shown as a node's name; longer ones get a name ``t1``..."""

INSTALL_DOT = (
    "Graphviz's `dot` program is needed to render graphs and it was not found on PATH. "
    "Install it with one of: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`. "
    "Meanwhile `graph.source` (or save_graph(graph, 'graph.dot')) gives the DOT text."
)


class GraphvizNotFound(RuntimeError):
    """Rendering needs Graphviz's ``dot`` program, and it is not installed."""


_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_SVG_IMAGE = re.compile(r'xlink:href="([^"]+\.png)"')


class _Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that fits Jupyter's cell width and carries its images.

    Shown in Jupyter, the SVG scales down to the cell's width (never a horizontal
    scrollbar) and never up past its natural size. Images drawn inside nodes (the
    heatmaps of :func:`draw_network`) are embedded in the SVG, so it stands alone.
    Without ``dot``, Jupyter shows how to install it instead of a picture.
    """

    _images: tempfile.TemporaryDirectory[str] | None = None

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        data = super().pipe(*args, **kwargs)
        fmt = kwargs.get("format", args[0] if args else None)
        if fmt == "svg" and self._images is not None:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            text = _SVG_IMAGE.sub(_inline_png, text)
            data = text.encode("utf-8") if isinstance(data, bytes) else text
        return data

    def _repr_image_svg_xml(self) -> str:
        svg: str = self.pipe(format="svg", encoding="utf-8")
        return _fit_width(svg)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> Any:
        try:
            return super()._repr_mimebundle_(include, exclude, **kw)
        except graphviz.ExecutableNotFound:
            return {"text/plain": f"{INSTALL_DOT}\n\n{self.source}"}


def _fit_width(svg: str) -> str:
    """The SVG at 100% of its container's width, but no wider than its own size."""
    return _SVG_SIZE.sub(
        lambda m: f'<svg width="100%" style="max-width: {m.group(1)}pt; height: auto"', svg, 1
    )


def _inline_png(match: re.Match[str]) -> str:
    data = base64.b64encode(Path(match.group(1)).read_bytes()).decode("ascii")
    return f'xlink:href="data:image/png;base64,{data}"'


# --------------------------------------------------------------------------------------
# Small helpers shared with steps.py
# --------------------------------------------------------------------------------------


def graph_nodes(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, leaves included, each listed after its parents.

    >>> a = Value(1.0); b = a * 2; c = b + a
    >>> [v.op or "leaf" for v in graph_nodes(c)]
    ['leaf', 'leaf', '*', '+']
    """
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        v, ready = stack.pop()
        if ready:
            order.append(v)
        elif v not in seen:
            seen.add(v)
            stack.append((v, True))
            stack.extend((p, False) for p in reversed(v.parents) if p not in seen)
    return order


def natural_key(text: str) -> list[Any]:
    """Sort key that orders the numbers in names by value: ``N2`` before ``N10``.

    >>> sorted(["N10", "N2", "N1"], key=natural_key)
    ['N1', 'N2', 'N10']
    """
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def short_parameter_name(dotted: str) -> str:
    """A parameter's dotted name, 1-based and short: ``layers.0.neurons.3.w.2`` -> ``L1.N4.w3``.

    >>> short_parameter_name("layers.1.neurons.0.b"), short_parameter_name("w.0")
    ('L2.N1.b', 'w1')
    """
    parts = dotted.split(".")
    out: list[str] = []
    i = 0
    while i < len(parts):
        word = parts[i]
        if i + 1 < len(parts) and parts[i + 1].isdigit():
            prefix = {"layers": "L", "neurons": "N"}.get(word, word)
            out.append(f"{prefix}{int(parts[i + 1]) + 1}")
            i += 2
        else:
            out.append(word)
            i += 1
    return ".".join(out)


def _parameter_names(model: Any) -> dict[Value, str]:
    if model is None:
        return {}
    named = getattr(model, "named_parameters", None)
    if not callable(named):
        raise TypeError(
            f"model must have named_parameters() (an MLP or Module), got {type(model).__name__}"
        )
    return {p: short_parameter_name(name) for name, p in named()}


# Operator precedence of a name inside a bigger expression: parenthesise lower ones.
_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5
_ATOM_NAME = re.compile(r"[\w.]+")


@dataclass
class Names:
    """How :func:`draw_dot` and ``explain()`` name the nodes of one graph.

    ``names[v]`` is v's name; ``constants`` the leaves (and constant sub-expressions)
    drawn inside their op's node; ``legend`` the short names (``t1``) and what they stand
    for; ``inputs`` the unlabelled leaves named ``x1``, ``x2``...
    """

    names: dict[Value, str]
    constants: set[Value]
    legend: dict[str, str] = field(default_factory=dict)
    inputs: list[Value] = field(default_factory=list)


def _constants(nodes: Sequence[Value], params: Mapping[Value, str]) -> set[Value]:
    """The unlabelled leaves one op uses once, and unlabelled ops of constants only.

    ``a * 2`` makes the leaf 2, ``f / 2`` the node ``2**-1``: both are constants. Leaves
    that meet a parameter of the model in an op (its inputs) are never constants, and an
    op whose operands would all be constants keeps them as boxes.
    """
    if not nodes:
        return set()
    root = nodes[-1]
    uses: Counter[Value] = Counter(p for v in nodes for p in v.parents)
    # what a model's parameters are combined with is the model's input, not a constant
    inputs = {p for v in nodes if any(q in params for q in v.parents) for p in v.parents}
    found: set[Value] = set()
    for v in nodes:
        if v is root or v.label or v in params or v in inputs:
            continue
        if not v.parents:
            if uses[v] == 1:
                found.add(v)
        elif all(p in found for p in v.parents):
            found.add(v)
    for v in reversed(nodes):  # from the root down, so that a given-back op gets its own
        if v.parents and v not in found and all(p in found for p in v.parents):
            found.difference_update(v.parents)
    return found


def _precedence(name: str) -> int:
    """How tightly a given name binds: ``a`` and ``w1*x1`` need no brackets in ``w1*x1 + b``."""
    if _ATOM_NAME.fullmatch(name):
        return _ATOM
    if re.fullmatch(r"[\w.]+(\*[\w.]+)+", name):
        return _MUL
    return 0


def _number(x: float) -> str:
    """A constant as it is written in an expression: 2.0 -> '2', 1/3 -> '0.3333'."""
    return f"{x:.4g}"


def _operand(text: str, prec: int, need: int) -> str:
    return text if prec >= need else f"({text})"


def _is_reciprocal(v: Value, names: dict[Value, str]) -> bool:
    """Is ``v`` an unlabelled ``x**-1``?"""
    return v.op == "**" and not v.label and names[v.parents[1]] == "-1" and not v.parents[1].parents


def _formula(v: Value, names: dict[Value, str], prec: dict[Value, int]) -> tuple[str, int]:
    """The expression ``v`` computes from its parents' names, and its precedence."""
    ps = v.parents
    if v.op == "+" and len(ps) == 2:
        a, b = ps
        left = _operand(names[a], prec[a], _ADD)
        if prec[b] == _NEG and names[b].startswith("-"):  # a + (-b) reads a - b
            return f"{left} - {_operand(names[b][1:], _NEG, _MUL)}", _ADD
        return f"{left} + {_operand(names[b], prec[b], _MUL)}", _ADD
    if v.op == "*" and len(ps) == 2:
        for x, k in ((ps[0], ps[1]), (ps[1], ps[0])):
            if not k.parents and k.data == -1.0 and names[k] == "-1":
                return "-" + _operand(names[x], prec[x], _POW), _NEG
        a, b = ps
        if _is_reciprocal(b, names):  # a * b**-1 is how the engine writes a / b
            base = b.parents[0]
            return (
                f"{_operand(names[a], prec[a], _MUL)}/{_operand(names[base], prec[base], _NEG)}",
                _MUL,
            )
        return f"{_operand(names[a], prec[a], _MUL)}*{_operand(names[b], prec[b], _NEG)}", _MUL
    if v.op == "/" and len(ps) == 2:
        a, b = ps
        return f"{_operand(names[a], prec[a], _MUL)}/{_operand(names[b], prec[b], _NEG)}", _MUL
    if v.op == "**" and len(ps) == 2:
        a, b = ps
        return f"{_operand(names[a], prec[a], _ATOM)}**{_operand(names[b], prec[b], _NEG)}", _POW
    return f"{v.op}({', '.join(names[p] for p in ps)})", _ATOM


def name_nodes(
    nodes: Iterable[Value],
    model: Any = None,
    show_constants: bool = False,
    given: Mapping[Value, str] | None = None,
) -> Names:
    """Name every node of a graph (``nodes`` as :func:`graph_nodes` lists them).

    ``given`` names some nodes outright (a collapsed view names a neuron's output by the
    neuron, ``L2.N3``); the others follow the rules of the module's opening comment.

    >>> a = Value(2.0, label="a"); b = Value(3.0, label="b")
    >>> nodes = graph_nodes(((a * b + 1) * (a + b)).tanh())
    >>> n = name_nodes(nodes)
    >>> [n.names[v] for v in nodes][2:]
    ['a*b', '1', 'a*b + 1', 'a + b', 't1', 'y']
    >>> n.legend       # the short names, and the unlabelled output y, spelled out
    {'t1': '(a*b + 1)*(a + b)', 'y': 'tanh(t1)'}
    """
    order = list(nodes)
    params = _parameter_names(model)
    constant_like = _constants(order, params)
    constants = set() if show_constants else constant_like
    fixed = dict(given or {})
    taken = {v.label for v in order if v.label} | set(params.values()) | set(fixed.values())
    names: dict[Value, str] = {}
    prec: dict[Value, int] = {}
    result = Names(names, constants)
    counters = {"x": 0, "t": 0, "out": 0}

    def fresh(letter: str) -> str:
        while True:
            counters[letter] += 1
            name = f"{letter}{counters[letter]}"
            if name not in taken:
                taken.add(name)
                return name

    for v in order:
        if v in fixed or v in params or v.label:
            names[v] = fixed.get(v) or params.get(v) or v.label
            prec[v] = _precedence(names[v])
        elif v in constants or (not v.parents and v in constant_like):
            names[v], prec[v] = _number(v.data), _NEG if v.data < 0 else _ATOM
        elif not v.parents:
            names[v], prec[v] = fresh("x"), _ATOM
            result.inputs.append(v)
        elif v is order[-1]:  # an unlabelled output: y, as in y = f(x1, x2)
            names[v], prec[v] = ("y" if "y" not in taken else fresh("out")), _ATOM
            taken.add(names[v])
            result.legend[names[v]] = _formula(v, names, prec)[0]
        else:
            text, p = _formula(v, names, prec)
            if len(text) <= SHORT_NAME:
                names[v], prec[v] = text, p
            else:
                names[v], prec[v] = fresh("t"), _ATOM
                result.legend[names[v]] = text
    return result


def display_names(nodes: Iterable[Value], model: Any = None) -> dict[Value, str]:
    """The name each node is shown by, in draw_dot and explain (see :func:`name_nodes`)."""
    return name_nodes(nodes, model).names


def _num(x: Any, precision: int) -> str:
    return f"{float(x):.{precision}g}"


def _escape(text: str) -> str:
    """Text made safe inside a Graphviz record label."""
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _check_int(x: object, name: str, low: int, high: int | None = None) -> int:
    if isinstance(x, bool) or not isinstance(x, int):
        raise TypeError(f"{name} must be an int, got {type(x).__name__}: {x!r}")
    if x < low or (high is not None and x > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}, got {x}")
    return x


def _check_bool(x: object, name: str) -> bool:
    if not isinstance(x, bool):
        raise TypeError(f"{name} must be a bool, got {type(x).__name__}: {x!r}")
    return x


def _legend(dot: graphviz.Digraph, kinds: Iterable[str], notes: Sequence[str]) -> None:
    rows = [
        f'<TR><TD BGCOLOR="{COLORS[k]}" BORDER="1" WIDTH="16"></TD>'
        f'<TD ALIGN="LEFT">{_KIND_TEXT[k]}</TD></TR>'
        for k in kinds
    ]
    rows += [f'<TR><TD COLSPAN="2" ALIGN="LEFT">{note}</TD></TR>' for note in notes]
    table = '<TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1">' + "".join(rows) + "</TABLE>"
    dot.node("legend", label=f"<{table}>", shape="plaintext", fontsize="12")


# --------------------------------------------------------------------------------------
# draw_dot
# --------------------------------------------------------------------------------------


def draw_dot(
    root: Value,
    rankdir: str = "auto",
    model: Any = None,
    show_local_grads: bool = False,
    max_nodes: int = 500,
    step: BackwardStep | None = None,
    collapse: str | None = None,
    precision: int = 4,
    legend: bool = True,
    show_constants: bool = False,
    compact: bool = False,
) -> graphviz.Digraph:
    """The computation graph of ``root`` as a ``graphviz.Digraph``.

    Each Value is a box ``{ name | data | grad }`` (``precision`` significant digits),
    each op a small node, edges operand -> op -> result. Colours tell inputs, parameters
    (leaves of ``model.named_parameters()``, shown as ``L1.N2.w3``), intermediate values
    and the output apart; names are those of :func:`name_nodes`. A constant (the ``3`` of
    ``b**3``) is written in its op's node, ``** 3``, with no box and no gradient of its
    own; ``show_constants=True`` draws it as a box. ``show_local_grads`` writes
    d(result)/d(operand) on each edge into an op, so the chain rule
    ``grad(operand) += local * grad(result)`` can be read off. ``step`` (from
    :func:`~micrograd_like.steps.backward_steps`) draws the gradients as they were after
    that step, the node just processed outlined in red.

    Layout: ``rankdir="LR"`` runs left to right as micrograd does, ``"TB"`` top down,
    ``"auto"`` (the default) picks LR when that fits in :data:`MAX_WIDTH` (1,600) pixels
    and TB when it is narrower, so that a picture fits a screen's width. ``compact=True``
    writes each op inside its result's box instead of a node of its own, which halves the
    depth of the picture.
    ``collapse="neuron"`` or ``"layer"`` (needs ``model``) draws a box per neuron or
    layer. Graphs with more than ``max_nodes`` Values are refused (they would be
    unreadable).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot expects a Value as root, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "auto"):
        raise ValueError(
            f"rankdir must be 'LR' (left to right), 'TB' (top down) or 'auto', got {rankdir!r}"
        )
    _check_int(max_nodes, "max_nodes", 1)
    _check_int(precision, "precision", 1, 17)
    _check_bool(show_local_grads, "show_local_grads")
    _check_bool(legend, "legend")
    _check_bool(show_constants, "show_constants")
    _check_bool(compact, "compact")
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    if collapse is not None and model is None:
        raise ValueError(
            f"collapse={collapse!r} needs the model: draw_dot(root, model=mlp, collapse={collapse!r})"
        )
    grads: Mapping[Value, Any] = {}
    if step is not None:
        from micrograd_like.steps import BackwardStep

        if not isinstance(step, BackwardStep):
            raise TypeError(f"step must be a BackwardStep, got {type(step).__name__}")
        if step.root is not root:
            raise ValueError("step comes from backward_steps() of another root: pass that root")
        grads = step.grads()
    drawing = _Drawing(root, model, grads, step, show_local_grads, precision, show_constants)
    drawing.compact = compact  # each op inside its result's box
    if collapse is None:
        drawing.full(max_nodes)
    else:
        drawing.collapsed(model, collapse, max_nodes)
    dot = drawing.dot
    if rankdir == "auto":
        across, down = drawing.width("LR"), drawing.width("TB")
        rankdir = "LR" if across <= MAX_WIDTH or across <= down else "TB"
    dot.graph_attr["rankdir"] = rankdir
    if step is not None:
        from micrograd_like.steps import _expression

        dot.attr(
            label=f"backward step {step.index + 1}/{step.count}: "
            f"{_expression(step.node, drawing.names)}, grad {_num(step.grad, precision)}",
            labelloc="t",
        )
    if legend:
        notes = []
        if show_local_grads:
            notes.append("edge numbers: local derivative d(result)/d(operand)")
        if step is not None:
            notes.append(f'<FONT COLOR="{HIGHLIGHT}">red outline: node of this step</FONT>')
        if drawing.naming.inputs and len(drawing.naming.inputs) <= 8:
            shown = ", ".join(drawing.names[v] for v in drawing.naming.inputs)
            notes.append(_html(f"{shown}: unlabelled inputs (Value(..., label=...) names them)"))
        elif drawing.naming.inputs:
            notes.append(f"x1..x{len(drawing.naming.inputs)}: unlabelled inputs")
        if any("." in name for name in drawing.params.values()) or collapse:
            notes.append("L1.N2.w3: layer 1, neuron 2, weight 3 (all numbered from 1)")
        shown_legend = [name for name in drawing.naming.legend if name in drawing.drawn_names]
        for name in sorted(shown_legend, key=natural_key):
            text = drawing.naming.legend[name]
            text = text if len(text) <= 48 else text[:45] + "..."
            notes.append(_html(f"{name} = {text}"))
        _legend(dot, [k for k in COLORS if k in drawing.kinds], notes)
    return dot


def _too_many(n: int, max_nodes: int) -> str:
    return (
        f"the graph has {n} Value nodes, more than max_nodes={max_nodes}: too many to read. "
        "Draw one box per neuron (draw_dot(root, model=mlp, collapse='neuron')) or per "
        f"layer (collapse='layer'), raise the limit (draw_dot(root, max_nodes={n})), "
        "or draw the network itself with draw_network(mlp)"
    )


class _Drawing:
    """What one draw_dot call draws with: the graph, its names, the grads to show."""

    def __init__(
        self,
        root: Value,
        model: Any,
        grads: Mapping[Value, Any],
        step: BackwardStep | None,
        show_local_grads: bool,
        precision: int,
        show_constants: bool,
    ) -> None:
        self.root, self.grads, self.precision = root, grads, precision
        self.show_local_grads = show_local_grads
        self.compact = False
        self.current = step.node if step is not None else None
        self.params = _parameter_names(model)
        self.nodes = graph_nodes(root)
        self.show_constants = show_constants
        self.naming = name_nodes(self.nodes, model, show_constants)
        self.names = self.naming.names
        self.constants = self.naming.constants
        self.ids = {v: f"v{i}" for i, v in enumerate(self.nodes)}
        self.kinds: set[str] = set()
        self.drawn: list[Value] = []
        self.drawn_names: set[str] = set()
        self.shapes: dict[str, list[str]] = {}  # node id -> its record's fields, or [op]
        self.arrows: list[tuple[str, str]] = []
        self.dot = _Digraph(
            graph_attr={"fontsize": str(FONTSIZE), "nodesep": "0.25", "ranksep": "0.3"},
            node_attr={"fontsize": str(FONTSIZE)},
        )

    def grad(self, v: Value) -> Any:
        """v's gradient: as after the step being drawn, else its ``.grad``."""
        return self.grads.get(v, v.grad)

    def kind(self, v: Value) -> str:
        if v is self.root:
            return "output"
        if not v.parents:
            return "parameter" if v in self.params else "input"
        return "intermediate"

    def arrow(self, tail: str, head: str, **attrs: str) -> None:
        self.arrows.append((tail, head))
        self.dot.edge(tail, head, **attrs)

    def width(self, rankdir: str) -> float:
        """Roughly how wide, in pixels at 96 dpi, Graphviz draws this graph in ``rankdir``.

        Nodes sit in ranks by their longest path from a leaf. Left to right, the width
        is the sum of each rank's widest node; top down, that of the widest rank's
        nodes side by side. A record's fields lie in a row across the picture left to
        right, in a column top down. A character of 14 pt text is about 8.5 px wide.
        """
        char, pad = 8.5, 16.0
        rank = {nid: 0 for nid in self.shapes}
        heads: dict[str, list[str]] = {}
        waiting: Counter[str] = Counter()
        for tail, head in self.arrows:
            heads.setdefault(tail, []).append(head)
            waiting[head] += 1
        ready = [nid for nid in rank if not waiting[nid]]
        while ready:  # Kahn's topological order: a node's rank is final once it is ready
            tail = ready.pop()
            for head in heads.get(tail, []):
                rank[head] = max(rank[head], rank[tail] + 1)
                waiting[head] -= 1
                if not waiting[head]:
                    ready.append(head)
        wide: dict[int, list[float]] = {}
        for nid, fields in self.shapes.items():
            if len(fields) == 1:  # an op's ellipse
                w = len(fields[0]) * char + 30
            elif rankdir == "LR" and fields[0]:  # a record; a stack starts with ""
                w = sum(len(f) * char + pad for f in fields)
            else:
                w = max(len(f) for f in fields) * char + pad
            wide.setdefault(rank[nid], []).append(w)
        if rankdir == "LR":  # edges between ranks take about a fifth more
            return 1.2 * sum(max(ws) for ws in wide.values()) + 40 * len(wide)
        return max(sum(ws) + 24 * len(ws) for ws in wide.values()) + 300  # + the legend

    def box(self, nid: str, fields: list[str], kind: str, current: bool) -> None:
        """A record node ``{ field | field | ... }`` filled with the colour of its kind."""
        self.kinds.add(kind)
        self.shapes[nid] = fields
        label = "{ " + " | ".join(fields) + " }"
        extra = {"color": HIGHLIGHT, "penwidth": "3"} if current else {}
        self.dot.node(
            nid, label=label, shape="record", style="filled", fillcolor=COLORS[kind], **extra
        )

    def stack(self, nid: str, lines: list[str], kind: str, current: bool) -> None:
        """A rounded box of lines one under the other, whichever way the graph runs."""
        self.kinds.add(kind)
        self.shapes[nid] = ["", *lines]  # a column in both directions: see width()
        extra = {"color": HIGHLIGHT, "penwidth": "3"} if current else {}
        label = "<" + "<BR/>".join(_html(line) for line in lines) + ">"
        self.dot.node(
            nid, label=label, shape="box", style="filled,rounded", fillcolor=COLORS[kind], **extra
        )

    def op_text(self, v: Value) -> str:
        """The op, with the constants it folds in: ``*``, ``** 3``, ``2 **``, ``+ 1``."""
        consts = [p for p in v.parents if p in self.constants]
        if not consts:
            return v.op
        numbers = ", ".join(self.names[p] for p in consts)
        if v.op == "**" and v.parents[0] in self.constants:
            return f"{numbers} **"
        return f"{v.op} {numbers}"

    def value(self, v: Value) -> None:
        """A Value's box and, unless it is a leaf, its op node and the edges into it."""
        p, current = self.precision, v is self.current
        self.drawn.append(v)
        self.drawn_names.add(self.names[v])
        fields = [
            _escape(self.names[v]),
            f"data {_num(v.data, p)}",
            f"grad {_num(self.grad(v), p)}",
        ]
        if self.compact and v.parents:
            fields.insert(0, _escape(self.op_text(v)))
        self.box(self.ids[v], fields, self.kind(v), current)
        if not v.parents:
            return
        into = self.ids[v]
        if not self.compact:
            into = self.ids[v] + "_op"
            extra = {"color": HIGHLIGHT, "penwidth": "3"} if current else {}
            self.dot.node(
                into, label=self.op_text(v), shape="ellipse", height="0.3", margin="0.02", **extra
            )
            self.shapes[into] = [self.op_text(v)]
            self.arrow(into, self.ids[v])
        locals_ = v.local_grads  # empty for an op whose _backward user code wrote
        for k, parent in enumerate(v.parents):
            if parent in self.constants:
                continue
            attrs = {}
            if self.show_local_grads and k < len(locals_):
                attrs = {"label": _num(locals_[k], p), "fontsize": "12"}
            if current:
                attrs.update(color=HIGHLIGHT, penwidth="2")
            self.arrow(self.ids[parent], into, **attrs)

    def full(self, max_nodes: int) -> None:
        """A box per Value (constants inside their op) and a node per op."""
        shown = [v for v in self.nodes if v not in self.constants]
        if len(shown) > max_nodes:
            raise ValueError(_too_many(len(shown), max_nodes))
        for v in shown:
            self.value(v)

    def collapsed(self, model: Any, collapse: str, max_nodes: int) -> None:
        """A box per neuron (or layer) call; the other Values and ops as in full."""
        boxes = _neuron_boxes(self.nodes, model)
        # a neuron's output is named by its neuron: -L3.N1, not a t-name never drawn
        given = {
            b.outputs[0]: b.name for b in boxes if not b.outputs[0].label and "(" not in b.name
        }
        self.naming = name_nodes(self.nodes, model, self.show_constants, given)
        self.names, self.constants = self.naming.names, self.naming.constants
        if collapse == "layer":
            boxes = _layer_boxes(boxes)
        owner = {m: f"box{b}" for b, box in enumerate(boxes) for m in box.members}
        used_outside = {p for v in self.nodes if v not in owner for p in v.parents}
        box_inputs = {p for box in boxes for p in box.inputs}
        # a leaf only boxes use (a weight, a bias, leaky_relu's slope) stays inside its box
        drawn = [
            v
            for v in self.nodes
            if v not in owner
            and v not in self.constants
            and (v.parents or v is self.root or v in used_outside or v in box_inputs)
        ]
        n = len(drawn) + len(boxes)
        if n > max_nodes:
            raise ValueError(
                f"the collapsed graph (collapse={collapse!r}) still has {n} boxes and Values, "
                f"more than max_nodes={max_nodes}. Raise the limit (max_nodes={n}), try "
                "collapse='layer', draw the graph of fewer samples, or draw_network(mlp)"
            )
        self.ids.update(owner)
        self.dot.graph_attr["ranksep"] = "0.8"  # room for the edges between layers
        for v in drawn:
            self.value(v)
        p = self.precision
        for b, box in enumerate(boxes):
            shown = box.outputs[:8]
            more = " ..." if len(box.outputs) > 8 else ""
            data = " ".join(_num(o.data, p) for o in shown) + more
            grad = " ".join(_num(self.grad(o), p) for o in shown) + more
            kind = "output" if self.root in box.members else "box"
            lines = [box.name, box.activation, f"data {data}", f"grad {grad}"]
            self.stack(f"box{b}", lines, kind, self.current in box.members)
            for src in dict.fromkeys(self.ids[p] for p in box.inputs):
                self.arrow(src, f"box{b}", color="#00000060", arrowsize="0.6")
        rows: dict[str, list[str]] = {}
        for b, box in enumerate(boxes):  # a layer call's neurons side by side, N1 first
            layer, _, rest = box.name.partition(".N")
            call = rest.partition(" ")[2]
            rows.setdefault(f"{layer} {call}", []).append(f"box{b}")
        for row in rows.values():
            if len(row) > 1:
                with self.dot.subgraph() as same:
                    same.attr(rank="same")
                    for left, right in zip(row, row[1:]):
                        same.edge(left, right, style="invis")


# --------------------------------------------------------------------------------------
# Collapsed views: one box per neuron (or per layer) of a model
# --------------------------------------------------------------------------------------

COLORS["box"] = "#e4d7f5"
_KIND_TEXT["box"] = "neuron or layer (collapsed)"


class _Box:
    """The nodes one call of a neuron (or of a layer) made, drawn as a single box."""

    def __init__(
        self,
        name: str,
        activation: str,
        outputs: list[Value],
        members: set[Value],
        inputs: list[Value],
    ) -> None:
        self.name, self.activation, self.outputs = name, activation, outputs
        self.members, self.inputs = members, inputs


def _model_neurons(model: Any) -> list[tuple[str, Any]]:
    """(dotted name, neuron) for each neuron of an MLP, a Layer or a Neuron, in order."""
    try:
        if hasattr(model, "layers"):
            found = [
                (f"layers.{i}.neurons.{j}", n)
                for i, layer in enumerate(model.layers)
                for j, n in enumerate(layer.neurons)
            ]
        elif hasattr(model, "neurons"):
            found = [(f"neurons.{j}", n) for j, n in enumerate(model.neurons)]
        else:
            found = [("neuron", model)]
        if all(isinstance(n.b, Value) and all(isinstance(w, Value) for w in n.w) for _, n in found):
            return found
    except (AttributeError, TypeError):
        pass
    raise TypeError(
        f"collapse needs an MLP, a Layer or a Neuron as model, got {type(model).__name__}"
    )


def _neuron_boxes(nodes: list[Value], model: Any) -> list[_Box]:
    """A box per call of each neuron found in the graph.

    A call is anchored at its pre-activation ``z``: the ``affine`` (or, for
    ``neuron(x, fine=True)``, the final ``+``) node that has the bias as an operand. The
    box holds ``z``, the nodes between the neuron's parameters and ``z`` (the ``*`` and
    ``+`` nodes of a fine graph), and the activation node applied to ``z``.
    """
    children: dict[Value, list[Value]] = {}
    for v in nodes:
        for p in v.parents:
            children.setdefault(p, []).append(v)
    boxes = []
    for name, neuron in _model_neurons(model):
        params = {*neuron.w, neuron.b}
        anchors = [z for z in children.get(neuron.b, []) if z.op in ("affine", "+")]
        stops = set(anchors)
        reached: set[Value] = set()  # nodes downstream of the parameters, up to a z
        stack = [c for p in params for c in children.get(p, [])]
        while stack:
            u = stack.pop()
            if u not in reached:
                reached.add(u)
                if u not in stops:
                    stack.extend(children.get(u, []))
        for k, z in enumerate(anchors):
            members, stack = {z}, [z]
            while stack:  # upstream from z, through what the parameters feed
                for p in stack.pop().parents:
                    if p in reached and p not in members and p not in stops:
                        members.add(p)
                        stack.append(p)
            out = z
            for c in children.get(z, []):
                if c.op == neuron.activation and c.parents[0] is z:
                    out = c
                    members.add(c)
                    members.update(p for p in c.parents[1:] if not p.parents)  # leaky slope
                    break
            inputs = {
                p: None for m in members for p in m.parents if p not in members and p not in params
            }
            short = short_parameter_name(name)
            label = f"{short} (call {k + 1})" if len(anchors) > 1 else short
            boxes.append(_Box(label, neuron.activation, [out], members, list(inputs)))
    return boxes


def _layer_boxes(boxes: list[_Box]) -> list[_Box]:
    """Neuron boxes merged per layer call: same layer, same inputs."""
    merged: dict[tuple[str, frozenset[Value]], _Box] = {}
    for box in boxes:
        layer = box.name.split(".N")[0] if ".N" in box.name else "layer"
        m = merged.setdefault(
            (layer, frozenset(box.inputs)), _Box(layer, box.activation, [], set(), [])
        )
        m.outputs += box.outputs
        m.members |= box.members
        m.inputs += [p for p in box.inputs if p not in m.inputs]
        if m.activation != box.activation:
            m.activation = "mixed"
    calls = Counter(layer for layer, _ in merged)
    seen: Counter[str] = Counter()
    for (layer, _), m in merged.items():
        if calls[layer] > 1:
            seen[layer] += 1
            m.name = f"{layer} (call {seen[layer]})"
    return list(merged.values())


# --------------------------------------------------------------------------------------
# save_graph
# --------------------------------------------------------------------------------------

_FORMATS = ("png", "svg", "pdf")


def render(graph: graphviz.Digraph, fmt: str) -> bytes:
    """The picture's bytes in ``fmt`` (png, svg, pdf), or GraphvizNotFound without dot."""
    if fmt not in _FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(_FORMATS)}, got {fmt!r}")
    try:
        data: bytes = graph.pipe(format=fmt)
    except graphviz.ExecutableNotFound as error:
        raise GraphvizNotFound(INSTALL_DOT) from error
    return data


def save_graph(graph: Value | graphviz.Digraph, path: str | os.PathLike[str], **draw: Any) -> str:
    """Write ``graph`` (a Digraph, or a Value drawn with ``draw_dot(graph, **draw)``) to ``path``.

    The extension picks the format: ``.png``, ``.svg``, ``.pdf`` render with ``dot``;
    ``.dot`` and ``.gv`` write the DOT source and need no ``dot``. Returns the path.
    """
    if isinstance(graph, Value):
        graph = draw_dot(graph, **draw)
    elif not isinstance(graph, (graphviz.Digraph, graphviz.Graph, graphviz.Source)):
        raise TypeError(
            f"save_graph expects a Value or a graphviz graph, got {type(graph).__name__}"
        )
    elif draw:
        raise TypeError(f"drawing options {sorted(draw)} only apply when graph is a Value")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path, got {type(path).__name__}")
    target = Path(path)
    ext = target.suffix.lower().lstrip(".")
    if ext in ("dot", "gv"):
        target.write_text(graph.source, encoding="utf-8")
    elif ext in _FORMATS:
        target.write_bytes(render(graph, ext))
    else:
        raise ValueError(f"path must end in .png, .svg, .pdf, .dot or .gv, got {os.fspath(path)!r}")
    return os.fspath(path)


# --------------------------------------------------------------------------------------
# draw_network
# --------------------------------------------------------------------------------------


def _input_vector(x: object, nin: int) -> list[float]:
    if isinstance(x, (str, bytes, Mapping)) or not isinstance(x, Iterable):
        raise TypeError(f"x must be a list of {nin} numbers, got {type(x).__name__}")
    xs = list(x)  # a list, a tuple, a numpy row...
    if len(xs) != nin:
        raise ValueError(f"x has {len(xs)} values but the network takes {nin} inputs")
    out = []
    for i, v in enumerate(xs):
        v = v.data if isinstance(v, Value) else v
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"x[{i}] must be a number, got {type(v).__name__}: {v!r}")
        if not math.isfinite(v):
            raise ValueError(f"x[{i}] must be finite, got {v!r}")
        out.append(float(v))
    return out


def _activations(mlp: MLP, xs: list[float]) -> list[list[float]]:
    """Every column's values for one input: the inputs, each layer's outputs, the output."""
    acts = [xs]
    inputs: list[Value] = [Value(v) for v in xs]
    for layer in mlp.layers:
        out = layer(inputs)
        inputs = out if isinstance(out, list) else [out]
        acts.append([v.data for v in inputs])
    if mlp.output_activation == "softmax":  # applied after the last layer
        final = mlp(xs)
        acts[-1] = [v.data for v in (final if isinstance(final, list) else [final])]
    return acts


_Extent = tuple[float, float, float, float]


def _extent(data: object) -> _Extent:
    """The plane the heatmaps cover: the data's range plus 10%, else [-2, 2] squared."""
    if data is None:
        return (-2.0, 2.0, -2.0, 2.0)
    rows = [_input_vector(row, 2) for row in data]  # type: ignore[attr-defined]
    if not rows:
        raise ValueError("data must hold at least one point")
    spans = []
    for k in (0, 1):
        lo, hi = min(r[k] for r in rows), max(r[k] for r in rows)
        pad = (hi - lo) * 0.1 or 0.5
        spans += [lo - pad, hi + pad]
    return (spans[0], spans[1], spans[2], spans[3])


def _heatmap_files(
    mlp: MLP, extent: _Extent, folder: Path, resolution: int, data: object
) -> dict[str, str]:
    """A small PNG per node, its activation over the input plane: {node id: file}.

    Colours run red (negative) - white (0) - blue (positive), scaled per neuron, like the
    edges. The output neuron is the decision: white at the threshold (0, or 0.5 after
    a sigmoid), a black line along it, and the data points on top.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError("heatmaps=True needs matplotlib: pip install matplotlib") from error
    x0, x1, y0, y1 = extent
    n = resolution
    gx = [x0 + (x1 - x0) * (i + 0.5) / n for i in range(n)]
    gy = [y0 + (y1 - y0) * (j + 0.5) / n for j in range(n)]
    grids: dict[tuple[int, int], list[list[float]]] = {}
    with no_grad():
        for row, b in enumerate(gy):
            for a in gx:
                for col, values in enumerate(_activations(mlp, [a, b])):
                    for j, value in enumerate(values):
                        grids.setdefault((col, j), [[] for _ in gy])[row].append(value)
    last = len(mlp.layers)
    cut = 0.5 if mlp.output_activation in ("sigmoid", "softmax") else 0.0
    points = [_input_vector(p, 2) for p in data] if data is not None else []  # type: ignore[attr-defined]
    files = {}
    for (col, j), grid in grids.items():
        centre = cut if col == last else 0.0
        spread = max(abs(v - centre) for r in grid for v in r) or 1.0
        if col == last:  # the decision: full colour from a margin of 1, or p = 0 or 1
            spread = min(spread, 1.0 if cut == 0.0 else 0.5)
        inches = 1.6 if col == last else 0.9  # pixels for the node's 110 or 60 points
        fig = Figure(figsize=(inches, inches), dpi=100)
        ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
        ax.imshow(
            grid,
            origin="lower",
            extent=extent,
            cmap="RdBu",
            vmin=centre - spread,
            vmax=centre + spread,
            interpolation="bilinear",
            aspect="auto",
        )
        if col == last:
            lo = min(v for r in grid for v in r)
            hi = max(v for r in grid for v in r)
            if lo < cut < hi:
                ax.contour(gx, gy, grid, levels=[cut], colors="black", linewidths=0.8)
            if points:
                ax.scatter([p[0] for p in points], [p[1] for p in points], s=1.0, c="black", lw=0)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_axis_off()
        path = folder / f"n{col}_{j}.png"
        fig.savefig(path, dpi=100)
        files[f"n{col}_{j}"] = str(path)
    return files


def _rgba(color: str, alpha: float) -> str:
    return f"{color}{round(255 * alpha):02x}"


def draw_network(
    mlp: MLP,
    x: Sequence[float] | None = None,
    precision: int = 3,
    heatmaps: bool = False,
    data: Sequence[Sequence[float]] | None = None,
    fade: bool = True,
    threshold: float = 0.0,
    rankdir: str = "LR",
) -> graphviz.Digraph:
    """An MLP as TensorFlow Playground draws it: columns of neurons, an edge per weight.

    Each neuron shows its bias ``b``; with an input ``x``, also its activation for that
    input (the forward pass runs under ``no_grad()``). An edge is blue for a positive
    weight and red for a negative one, wider the larger ``|w|``; with ``fade`` (the
    default) weak weights are also paler, so a 16-16 layer still reads. Weights with
    ``|w| < threshold`` are left out. Edges carry no arrowheads (the signal runs left to
    right) and never reach a number or a title.

    ``heatmaps=True`` (a model with 2 inputs; needs matplotlib) draws in every node its
    value over the input plane, as TF Playground does: red where it is negative, blue
    where positive. The output neuron's heatmap is the decision boundary, with ``data``
    (e.g. the training points, which also set the plane's range) drawn on it. Hover over
    an edge or a neuron in the SVG for its weight or bias. ``rankdir="TB"`` runs the
    columns top down.
    """
    if not isinstance(mlp, MLP):
        raise TypeError(f"draw_network expects an MLP, got {type(mlp).__name__}")
    _check_int(precision, "precision", 1, 17)
    _check_bool(heatmaps, "heatmaps")
    _check_bool(fade, "fade")
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
    if not (math.isfinite(threshold) and threshold >= 0):
        raise ValueError(f"threshold must be a finite number >= 0, got {threshold!r}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(
            f"rankdir must be 'LR' (left to right) or 'TB' (top down), got {rankdir!r}"
        )
    layers = [layer.neurons for layer in mlp.layers]
    nin = len(layers[0][0].w)
    if heatmaps and nin != 2:
        raise ValueError(
            f"heatmaps=True draws each neuron over the input plane, so the model needs 2 "
            f"inputs; this one has {nin}"
        )
    extent = _extent(data) if heatmaps else None
    acts: list[list[float]] | None = None
    if x is not None:
        xs = _input_vector(x, nin)
        with no_grad():
            acts = _activations(mlp, xs)
    dot = _Digraph(
        engine="neato",
        graph_attr={
            "splines": "line",
            "outputorder": "edgesfirst",  # edges under the nodes: no line over a number
            "fontsize": "12",
            "labelloc": "b",
            "label": "blue: weight > 0, red: weight < 0; wider"
            + (" and darker" if fade else "")
            + ": larger |w|"
            + (f"; |w| < {threshold:g} not drawn" if threshold else "")
            + (
                "\\nin each node: its value over the input plane (x1 across, x2 up), "
                "red < 0 < blue; the output's black line is the decision boundary"
                if heatmaps
                else ""
            ),
        },
        node_attr={"fontsize": "10", "style": "filled", "penwidth": "1"},
        edge_attr={"arrowhead": "none"},
    )
    images: dict[str, str] = {}
    if heatmaps:
        assert extent is not None
        dot._images = tempfile.TemporaryDirectory(prefix="micrograd_like_heatmaps_")
        images = _heatmap_files(mlp, extent, Path(dot._images.name), 40, data)
    sizes = [nin] + [len(ns) for ns in layers]
    last = len(layers)
    text_lines = (1 if acts is not None else 0) + 1  # x1 or the bias, and the activation
    # a node's height along its column, in inches: a circle, or an image over its text
    image_pt = {col: 110 if col == last else 60 for col in range(last + 1)}
    height = {
        col: (image_pt[col] + 4 + 13 * text_lines) / 72 if heatmaps else 0.85
        for col in range(last + 1)
    }
    step = {col: height[col] + 0.22 for col in height}
    across_step = 2.3
    # titles sit above the tallest column: no edge ever runs there
    top = max((sizes[c] - 1) / 2 * step[c] + height[c] / 2 for c in height) + 0.4

    def place(along: float, across: float) -> str:
        if rankdir == "LR":
            return f"{across:.3f},{along:.3f}!"
        return f"{-along:.3f},{-across:.3f}!"

    titles = ["input"]
    titles += [f"hidden {i}\\n({mlp.layers[i - 1].activation})" for i in range(1, last)]
    titles.append(f"output\\n({mlp.output_activation})")
    for col, (title, count) in enumerate(zip(titles, sizes)):
        across = col * across_step
        dot.node(
            f"title{col}",
            label=title,
            shape="plaintext",
            style="",
            pos=place(top if rankdir == "LR" else top + 0.35, across),  # clear of every node
            fontsize="13",
        )
        fill = COLORS["input" if col == 0 else "output" if col == len(layers) else "intermediate"]
        for j in range(count):
            nid = f"n{col}_{j}"
            lines = [f"x{j + 1}"] if col == 0 else []
            if acts is not None:
                lines.append(_num(acts[col][j], precision))
            tip = ""
            if col > 0:
                bias = layers[col - 1][j].b.data
                lines.append(f"b {_num(bias, precision)}")
                tip = f"neuron {j + 1} of layer {col}: bias b = {_num(bias, precision)}"
            along = ((count - 1) / 2 - j) * step[col]  # x1 on top, columns centred on 0
            attrs = {"pos": place(along, across), "tooltip": tip or f"input x{j + 1}"}
            if nid in images:
                cells = "".join(f"<TR><TD>{_html(t)}</TD></TR>" for t in lines)
                label = (
                    '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
                    f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{image_pt[col]}" '
                    f'HEIGHT="{image_pt[col]}" BORDER="1">'
                    f'<IMG SRC="{images[nid]}" SCALE="TRUE"/></TD></TR>{cells}</TABLE>>'
                )
                dot.node(nid, label=label, shape="plain", style="", **attrs)
            else:
                dot.node(
                    nid,
                    label="\n".join(lines),
                    shape="circle",
                    fixedsize="true",
                    width=f"{height[col]}",
                    fillcolor=fill,
                    **attrs,
                )
    biggest = max((abs(w.data) for ns in layers for n in ns for w in n.w), default=0.0) or 1.0
    for col, neurons in enumerate(layers, start=1):
        for j, neuron in enumerate(neurons):
            for k, w in enumerate(neuron.w):
                if abs(w.data) < threshold:
                    continue
                strength = abs(w.data) / biggest
                color = POSITIVE if w.data >= 0 else NEGATIVE
                dot.edge(
                    f"n{col - 1}_{k}",
                    f"n{col}_{j}",
                    color=_rgba(color, 0.06 + 0.94 * strength**2) if fade else color,
                    penwidth=f"{0.4 + 3.6 * strength:.2f}",
                    tooltip=f"L{col}.N{j + 1}.w{k + 1} = {_num(w.data, precision)}",
                )
    return dot
