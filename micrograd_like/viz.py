"""Pictures of computation graphs and of networks, drawn with Graphviz.

* :func:`draw_dot` - the graph of an expression: a box per Value (data and grad) and a
  small node per op, edges running operand -> op -> result, as in micrograd's picture;
* :func:`draw_network` - an MLP as columns of neurons, edges coloured by weight sign;
* :func:`save_graph` - write either to ``.png``, ``.svg``, ``.pdf`` (or ``.dot``/``.gv``).

Both return a ``graphviz.Digraph``; the last line of a Jupyter cell shows it. Building it
needs only the ``graphviz`` Python package; turning it into a picture needs Graphviz's
``dot`` program (without it, :class:`GraphvizNotFound` says how to install it).

>>> from micrograd_like.engine import Value
>>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
>>> c = a * b; c.label = "c"
>>> print(draw_dot(c, legend=False).source)  # doctest: +NORMALIZE_WHITESPACE
digraph {
    graph [rankdir=LR]
    v0 [label="{ a | data 2 | grad 0 }" fillcolor="#cfe2f3" shape=record style=filled]
    v1 [label="{ b | data -3 | grad 0 }" fillcolor="#cfe2f3" shape=record style=filled]
    v2 [label="{ c | data -6 | grad 0 }" fillcolor="#b6e3b6" shape=record style=filled]
    v2_op [label="*" fontsize=11 height=0.3 margin=0.02 shape=ellipse]
    v2_op -> v2
    v0 -> v2_op
    v1 -> v2_op
}
"""

from __future__ import annotations

import math
import numbers
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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

INSTALL_DOT = (
    "Graphviz's `dot` program is needed to render graphs and it was not found on PATH. "
    "Install it with one of: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`. "
    "Meanwhile `graph.source` (or save_graph(graph, 'graph.dot')) gives the DOT text."
)


class GraphvizNotFound(RuntimeError):
    """Rendering needs Graphviz's ``dot`` program, and it is not installed."""


class _Digraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` that, shown in Jupyter without ``dot``, explains instead."""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> Any:
        try:
            return super()._repr_mimebundle_(include, exclude, **kw)
        except graphviz.ExecutableNotFound:
            return {"text/plain": f"{INSTALL_DOT}\n\n{self.source}"}


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


def _parameter_names(model: Any) -> dict[Value, str]:
    if model is None:
        return {}
    named = getattr(model, "named_parameters", None)
    if not callable(named):
        raise TypeError(
            f"model must have named_parameters() (an MLP or Module), got {type(model).__name__}"
        )
    return {p: name for name, p in named()}


def display_names(nodes: Iterable[Value], model: Any = None) -> dict[Value, str]:
    """The name each node is shown by: parameter name, else label, else ``v<i>``."""
    params = _parameter_names(model)
    return {v: params.get(v) or v.label or f"v{i}" for i, v in enumerate(nodes)}


def _num(x: Any, precision: int) -> str:
    return f"{float(x):.{precision}g}"


def _escape(text: str) -> str:
    """Text made safe inside a Graphviz record label."""
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


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
    table = '<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="2">' + "".join(rows) + "</TABLE>"
    dot.node("legend", label=f"<{table}>", shape="plaintext", fontsize="10")


# --------------------------------------------------------------------------------------
# draw_dot
# --------------------------------------------------------------------------------------


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    model: Any = None,
    show_local_grads: bool = False,
    max_nodes: int = 500,
    step: BackwardStep | None = None,
    collapse: str | None = None,
    precision: int = 4,
    legend: bool = True,
) -> graphviz.Digraph:
    """The computation graph of ``root`` as a ``graphviz.Digraph``.

    Each Value is a box ``{ name | data | grad }`` (``precision`` significant digits),
    each op a small node, edges operand -> op -> result. Colours tell inputs, parameters
    (leaves of ``model.named_parameters()``, shown by their dotted name), intermediate
    values and the output apart. ``show_local_grads`` writes d(result)/d(operand) on each
    edge into an op, so the chain rule ``grad(operand) += local * grad(result)`` can be
    read off. ``step`` (from :func:`~micrograd_like.steps.backward_steps`) draws the
    gradients as they were after that step, the node just processed outlined in red.
    ``collapse="neuron"`` or ``"layer"`` (needs ``model``) draws a box per neuron or layer.
    Graphs with more than ``max_nodes`` Values are refused (they would be unreadable).
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot expects a Value as root, got {type(root).__name__}")
    if rankdir not in ("LR", "TB"):
        raise ValueError(
            f"rankdir must be 'LR' (left to right) or 'TB' (top down), got {rankdir!r}"
        )
    _check_int(max_nodes, "max_nodes", 1)
    _check_int(precision, "precision", 1, 17)
    _check_bool(show_local_grads, "show_local_grads")
    _check_bool(legend, "legend")
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    if collapse is not None and model is None:
        raise ValueError(
            f"collapse={collapse!r} needs the model: draw_dot(root, model=mlp, collapse={collapse!r})"
        )
    grads: dict[Value, Any] = {}
    if step is not None:
        from micrograd_like.steps import BackwardStep

        if not isinstance(step, BackwardStep):
            raise TypeError(f"step must be a BackwardStep, got {type(step).__name__}")
        if step.root is not root:
            raise ValueError("step comes from backward_steps() of another root: pass that root")
        grads = step.grads()
    drawing = _Drawing(root, rankdir, model, grads, step, show_local_grads, precision)
    if collapse is None:
        drawing.full(max_nodes)
    else:
        drawing.collapsed(model, collapse, max_nodes)
    dot = drawing.dot
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
        _legend(dot, [k for k in COLORS if k in drawing.kinds], notes)
    return dot


def _too_many(n: int, max_nodes: int) -> str:
    return (
        f"the graph has {n} Value nodes, more than max_nodes={max_nodes}: too many to read. "
        f"Raise the limit (draw_dot(root, max_nodes={n})), draw one box per neuron or layer "
        "(draw_dot(root, model=mlp, collapse='neuron') or collapse='layer'), "
        "or draw the network itself with draw_network(mlp)"
    )


class _Drawing:
    """What one draw_dot call draws with: the graph, its names, the grads to show."""

    def __init__(
        self,
        root: Value,
        rankdir: str,
        model: Any,
        grads: dict[Value, Any],
        step: BackwardStep | None,
        show_local_grads: bool,
        precision: int,
    ) -> None:
        self.root, self.grads, self.precision = root, grads, precision
        self.show_local_grads = show_local_grads
        self.current = step.node if step is not None else None
        self.params = _parameter_names(model)
        self.nodes = graph_nodes(root)
        self.names = display_names(self.nodes, model)
        self.ids = {v: f"v{i}" for i, v in enumerate(self.nodes)}
        self.kinds: set[str] = set()
        self.dot = _Digraph(graph_attr={"rankdir": rankdir})

    def grad(self, v: Value) -> Any:
        """v's gradient: as after the step being drawn, else its ``.grad``."""
        return self.grads.get(v, v.grad)

    def kind(self, v: Value) -> str:
        if v is self.root:
            return "output"
        if not v.parents:
            return "parameter" if v in self.params else "input"
        return "intermediate"

    def box(self, nid: str, fields: list[str], kind: str, current: bool, style: str) -> None:
        """A record node ``{ field | field | ... }`` filled with the colour of its kind."""
        self.kinds.add(kind)
        label = "{ " + " | ".join(fields) + " }"
        extra = {"color": HIGHLIGHT, "penwidth": "3"} if current else {}
        self.dot.node(
            nid, label=label, shape="record", style=style, fillcolor=COLORS[kind], **extra
        )

    def value(self, v: Value) -> None:
        """A Value's box and, unless it is a leaf, its op node and the edges into it."""
        p, current = self.precision, v is self.current
        fields = [
            _escape(self.names[v]),
            f"data {_num(v.data, p)}",
            f"grad {_num(self.grad(v), p)}",
        ]
        self.box(self.ids[v], fields, self.kind(v), current, "filled")
        if not v.parents:
            return
        op_id = self.ids[v] + "_op"
        extra = {"color": HIGHLIGHT, "penwidth": "3"} if current else {}
        self.dot.node(
            op_id, label=v.op, shape="ellipse", fontsize="11", height="0.3", margin="0.02", **extra
        )
        self.dot.edge(op_id, self.ids[v])
        for parent, d in zip(v.parents, v.local_grads):
            attrs = {"label": _num(d, p), "fontsize": "10"} if self.show_local_grads else {}
            if current:
                attrs.update(color=HIGHLIGHT, penwidth="2")
            self.dot.edge(self.ids[parent], op_id, **attrs)

    def full(self, max_nodes: int) -> None:
        """A box per Value and a node per op."""
        if len(self.nodes) > max_nodes:
            raise ValueError(_too_many(len(self.nodes), max_nodes))
        for v in self.nodes:
            self.value(v)

    def collapsed(self, model: Any, collapse: str, max_nodes: int) -> None:
        """A box per neuron (or layer) call; the other Values and ops as in full."""
        boxes = _neuron_boxes(self.nodes, model)
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
        for v in drawn:
            self.value(v)
        p = self.precision
        for b, box in enumerate(boxes):
            shown = box.outputs[:8]
            more = " ..." if len(box.outputs) > 8 else ""
            data = " ".join(_num(o.data, p) for o in shown) + more
            grad = " ".join(_num(self.grad(o), p) for o in shown) + more
            kind = "output" if self.root in box.members else "box"
            fields = [_escape(box.name), box.activation, f"data {data}", f"grad {grad}"]
            self.box(f"box{b}", fields, kind, self.current in box.members, "filled,rounded")
            for src in dict.fromkeys(self.ids[p] for p in box.inputs):
                self.dot.edge(src, f"box{b}")


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
    """(dotted name, neuron) for each neuron of an MLP, a Layer or a Neuron."""
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
            label = f"{name} (call {k + 1})" if len(anchors) > 1 else name
            boxes.append(_Box(label, neuron.activation, [out], members, list(inputs)))
    return boxes


def _layer_boxes(boxes: list[_Box]) -> list[_Box]:
    """Neuron boxes merged per layer call: same layer, same inputs."""
    merged: dict[tuple[str, frozenset[Value]], _Box] = {}
    for box in boxes:
        layer = box.name.split(".neurons.")[0] if ".neurons." in box.name else "layer"
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


def draw_network(
    mlp: MLP, x: Sequence[float] | None = None, precision: int = 3
) -> graphviz.Digraph:
    """An MLP as columns of circles: input, hidden layers, output; one edge per weight.

    An edge is blue for a positive weight and red for a negative one, thicker the larger
    ``|w|``. With an input ``x``, each neuron shows its activation for that input (the
    forward pass runs under ``no_grad()``). Hover over an edge or neuron in the SVG for
    its weight or bias.
    """
    if not isinstance(mlp, MLP):
        raise TypeError(f"draw_network expects an MLP, got {type(mlp).__name__}")
    _check_int(precision, "precision", 1, 17)
    layers = [layer.neurons for layer in mlp.layers]
    nin = len(layers[0][0].w)
    acts: list[list[float]] | None = None
    if x is not None:
        xs = _input_vector(x, nin)
        acts = [xs]
        with no_grad():
            inputs: list[Value] = [Value(v) for v in xs]
            for layer in mlp.layers:
                out = layer(inputs)
                inputs = out if isinstance(out, list) else [out]
                acts.append([v.data for v in inputs])
            final = mlp(xs)
            acts[-1] = [v.data for v in (final if isinstance(final, list) else [final])]
    biggest = max((abs(w.data) for ns in layers for n in ns for w in n.w), default=0.0) or 1.0
    dot = _Digraph(
        graph_attr={
            "rankdir": "LR",
            "splines": "line",
            "nodesep": "0.12",
            "ranksep": "1.4",
            "fontsize": "11",
            "remincross": "false",  # with mclimit: keep x1, x2, ... in order, top down
            "mclimit": "0.01",
            "labelloc": "b",
            "label": "blue: weight > 0, red: weight < 0; thicker: larger |w|",
        },
        node_attr={
            "shape": "circle",
            "fixedsize": "true",
            "width": "0.7",
            "fontsize": "9",
            "style": "filled",
        },
    )
    output_act = getattr(mlp, "output_activation", layers[-1][0].activation)
    titles = ["input layer"]
    titles += [f"hidden layer {i} ({mlp.layers[i - 1].activation})" for i in range(1, len(layers))]
    titles.append(f"output layer ({output_act})")
    sizes = [nin] + [len(ns) for ns in layers]
    for col, (title, size) in enumerate(zip(titles, sizes)):
        fill = (
            COLORS["input"]
            if col == 0
            else COLORS["output" if col == len(layers) else "intermediate"]
        )
        with dot.subgraph(name=f"cluster_{col}") as sub:
            sub.attr(label=title, labelloc="t", style="rounded", color="#bbbbbb")
            for j in range(size):
                text = f"x{j + 1}" if col == 0 else ""
                if acts is not None:
                    text = f"{text}\n{_num(acts[col][j], precision)}".strip()
                tip = "" if col == 0 else f"bias b = {_num(layers[col - 1][j].b.data, precision)}"
                sub.node(f"n{col}_{j}", label=text, fillcolor=fill, tooltip=tip)
    for col, neurons in enumerate(layers, start=1):
        for j, neuron in enumerate(neurons):
            for k, w in enumerate(neuron.w):
                dot.edge(
                    f"n{col - 1}_{k}",
                    f"n{col}_{j}",
                    arrowsize="0.4",
                    color=POSITIVE if w.data >= 0 else NEGATIVE,
                    penwidth=f"{0.4 + 3.6 * abs(w.data) / biggest:.2f}",
                    tooltip=f"w = {_num(w.data, precision)}",
                )
    return dot
