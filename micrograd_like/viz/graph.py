"""The picture of a computation graph, drawn with Graphviz.

* :func:`draw_dot` - the graph of an expression: a box per Value (name, data, grad) and
  a small node per op, edges running operand -> op -> result, as in micrograd's picture;
* :func:`save_graph` - write it (or a network's picture) to ``.png``, ``.svg``, ``.pdf``
  (or ``.dot``/``.gv``).

Both return a ``graphviz.Digraph``; the last line of a Jupyter cell shows it at a size
its text can be read at (:func:`readable_size`), scrolling if it is wider than the cell.
Building it needs only the ``graphviz`` Python package; turning it into
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
import html
import os
import re
import tempfile
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import graphviz

from micrograd_like.checks import boolean, integer
from micrograd_like.engine import Value
from micrograd_like.viz.collapse import layer_boxes, neuron_boxes
from micrograd_like.viz.names import (
    format_number,
    graph_nodes,
    name_nodes,
    natural_key,
    parameter_names,
)
from micrograd_like.viz.steps import BackwardStep, equation

__all__ = ["COLORS", "HIGHLIGHT", "GraphvizNotFound", "draw_dot", "render", "save_graph"]

COLORS = {
    "input": "#cfe2f3",
    "parameter": "#fce5b0",
    "intermediate": "#eeeeee",
    "output": "#b6e3b6",
    "box": "#e4d7f5",
}
"""Fill colour of each kind of node ("box": a neuron or a layer drawn collapsed)."""
_KIND_TEXT = {
    "input": "input (leaf)",
    "parameter": "parameter (leaf)",
    "intermediate": "intermediate value",
    "output": "output (root)",
    "box": "neuron or layer (collapsed)",
}
HIGHLIGHT = "#d62728"
"""Border colour of the node being processed at a backward step."""
FONTSIZE = 14
"""Text size of the boxes, in points: Graphviz's default, the size micrograd's picture uses."""
MAX_WIDTH = 1600
"""``rankdir="auto"`` runs left to right while that is at most this many pixels wide."""
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
_FONT_SIZE = re.compile(r'font-size="([\d.]+)"')


class ReadableDigraph(graphviz.Digraph):
    """A ``graphviz.Digraph`` shown in Jupyter at a readable size, carrying its images.

    Shown in Jupyter, the SVG keeps its own size (:func:`readable_size`: 1 CSS pixel per
    point, or more if its smallest text would be under :data:`SMALLEST_TEXT` pixels) and
    a picture wider than the cell scrolls, rather than being scaled down until its text
    cannot be read. Images drawn inside nodes (the heatmaps of :func:`draw_network`) are
    embedded in the SVG, so it stands alone. Without ``dot``, Jupyter shows how to
    install it instead of a picture.
    """

    image_folder: tempfile.TemporaryDirectory[str] | None = None

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        data = super().pipe(*args, **kwargs)
        fmt = kwargs.get("format", args[0] if args else None)
        if fmt == "svg" and self.image_folder is not None:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            text = _SVG_IMAGE.sub(_inline_png, text)
            data = text.encode("utf-8") if isinstance(data, bytes) else text
        return data

    def _repr_image_svg_xml(self) -> str:
        svg: str = self.pipe(format="svg", encoding="utf-8")
        return readable_size(svg)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kw: Any) -> Any:
        try:
            data = super()._repr_mimebundle_(include, exclude, **kw)
        except graphviz.ExecutableNotFound:
            return {"text/plain": f"{INSTALL_DOT}\n\n{self.source}"}
        # JupyterLab shrinks an image to the cell's width unless it is "unconfined"
        metadata = {"image/svg+xml": {"unconfined": True}} if "image/svg+xml" in data else {}
        return data, metadata


SMALLEST_TEXT = 12
"""Pixels: pictures are shown so that their smallest text is at least this high."""


def readable_size(svg: str) -> str:
    """Graphviz's SVG at 1 CSS pixel per point, or larger if its smallest text needs it.

    Graphviz writes sizes in points (``width="300pt"``); at one pixel per point, 14 pt
    text is 14 px high. A picture whose smallest text is under :data:`SMALLEST_TEXT`
    points is enlarged until that text is ``SMALLEST_TEXT`` pixels.

    >>> readable_size('<svg width="300pt" height="90pt"><text font-size="12.00">a</text>')
    '<svg width="300px" height="90px"><text font-size="12.00">a</text>'
    >>> readable_size('<svg width="300pt" height="90pt"><text font-size="10.00">a</text>')[:33]
    '<svg width="360px" height="108px"'
    """
    sizes = [float(size) for size in _FONT_SIZE.findall(svg)]
    scale = max([1.0] + [SMALLEST_TEXT / size for size in sizes if size > 0])
    return _SVG_SIZE.sub(
        lambda m: (
            f'<svg width="{float(m.group(1)) * scale:g}px" height="{float(m.group(2)) * scale:g}px"'
        ),
        svg,
        1,
    )


def _inline_png(match: re.Match[str]) -> str:
    data = base64.b64encode(Path(match.group(1)).read_bytes()).decode("ascii")
    return f'xlink:href="data:image/png;base64,{data}"'


# --------------------------------------------------------------------------------------
# Small helpers shared with steps.py
# --------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Text made safe inside a Graphviz record label."""
    for ch in '\\{}|<>"':
        text = text.replace(ch, "\\" + ch)
    return text


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
    :func:`~micrograd_like.viz.steps.backward_steps`) draws the gradients as they were after
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
    integer(max_nodes, "max_nodes", minimum=1)
    integer(precision, "precision", minimum=1, maximum=17)
    boolean(show_local_grads, "show_local_grads")
    boolean(legend, "legend")
    boolean(show_constants, "show_constants")
    boolean(compact, "compact")
    if collapse not in (None, "neuron", "layer"):
        raise ValueError(f"collapse must be None, 'neuron' or 'layer', got {collapse!r}")
    if collapse is not None and model is None:
        raise ValueError(
            f"collapse={collapse!r} needs the model: draw_dot(root, model=mlp, collapse={collapse!r})"
        )
    grads: Mapping[Value, Any] = {}
    if step is not None:
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
        dot.attr(
            label=f"backward step {step.index + 1}/{step.count}: "
            f"{equation(step.node, drawing.names)}, grad {format_number(step.grad, precision)}",
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
            notes.append(
                html.escape(
                    f"{shown}: unlabelled inputs (Value(..., label=...) names them)", quote=False
                )
            )
        elif drawing.naming.inputs:
            notes.append(f"x1..x{len(drawing.naming.inputs)}: unlabelled inputs")
        if any("." in name for name in drawing.params.values()) or collapse:
            notes.append("L1.N2.w3: layer 1, neuron 2, weight 3 (all numbered from 1)")
        shown_legend = [name for name in drawing.naming.legend if name in drawing.drawn_names]
        for name in sorted(shown_legend, key=natural_key):
            text = drawing.naming.legend[name]
            text = text if len(text) <= 48 else text[:45] + "..."
            notes.append(html.escape(f"{name} = {text}", quote=False))
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
        self.updated = {c.parent for c in step.contributions} if step is not None else set()
        self.params = parameter_names(model)
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
        self.dot = ReadableDigraph(
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

    def marks(self, members: Collection[Value]) -> dict[str, str]:
        """How a node standing for ``members`` is marked at the step drawn.

        The step's node is outlined in red; in the SVG its node has the class
        ``mgl-current``, and the parents the step just added a gradient to have the
        class ``mgl-updated`` (the step player scrolls them into view).
        """
        attrs, classes = {}, []
        if self.current is not None and self.current in members:
            attrs = {"color": HIGHLIGHT, "penwidth": "3"}
            classes.append("mgl-current")
        if not self.updated.isdisjoint(members):
            classes.append("mgl-updated")
        if classes:
            attrs["class"] = " ".join(classes)
        return attrs

    def box(self, nid: str, fields: list[str], kind: str, members: Collection[Value]) -> None:
        """A record node ``{ field | field | ... }`` filled with the colour of its kind."""
        self.kinds.add(kind)
        self.shapes[nid] = fields
        label = "{ " + " | ".join(fields) + " }"
        extra = self.marks(members)
        self.dot.node(
            nid, label=label, shape="record", style="filled", fillcolor=COLORS[kind], **extra
        )

    def stack(self, nid: str, lines: list[str], kind: str, members: Collection[Value]) -> None:
        """A rounded box of lines one under the other, whichever way the graph runs."""
        self.kinds.add(kind)
        self.shapes[nid] = ["", *lines]  # a column in both directions: see width()
        extra = self.marks(members)
        label = "<" + "<BR/>".join(html.escape(line, quote=False) for line in lines) + ">"
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
            f"data {format_number(v.data, p)}",
            f"grad {format_number(self.grad(v), p)}",
        ]
        if self.compact and v.parents:
            fields.insert(0, _escape(self.op_text(v)))
        self.box(self.ids[v], fields, self.kind(v), (v,))
        if not v.parents:
            return
        into = self.ids[v]
        if not self.compact:
            into = self.ids[v] + "_op"
            extra = self.marks((v,)) if current else {}
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
                attrs = {"label": format_number(locals_[k], p), "fontsize": "12"}
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
        boxes = neuron_boxes(self.nodes, model)
        # a neuron's output is named by its neuron: -L3.N1, not a t-name never drawn
        given = {
            b.outputs[0]: b.name for b in boxes if not b.outputs[0].label and "(" not in b.name
        }
        self.naming = name_nodes(self.nodes, model, self.show_constants, given)
        self.names, self.constants = self.naming.names, self.naming.constants
        if collapse == "layer":
            boxes = layer_boxes(boxes)
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
            data = " ".join(format_number(o.data, p) for o in shown) + more
            grad = " ".join(format_number(self.grad(o), p) for o in shown) + more
            kind = "output" if self.root in box.members else "box"
            lines = [box.name, box.activation, f"data {data}", f"grad {grad}"]
            self.stack(f"box{b}", lines, kind, box.members)
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
