"""A network as TensorFlow Playground draws it: columns of neurons, weights as edges.

:func:`draw_network` draws an MLP with every bias in its node, edges coloured by the
weight's sign and as wide as its size, weak weights faded, and (for a model of two
inputs) each neuron's activation over the input plane as a small heatmap.
"""

from __future__ import annotations

import html
import math
import numbers
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import graphviz

from micrograd_like.checks import boolean, integer
from micrograd_like.engine import Value, no_grad
from micrograd_like.nn import MLP
from micrograd_like.viz.colors import LEGEND, NEGATIVE, POSITIVE, colormap
from micrograd_like.viz.graph import COLORS, ReadableDigraph
from micrograd_like.viz.names import format_number

__all__ = ["draw_network"]


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

    Colours run orange (negative) - pale grey (0) - blue (positive), scaled per neuron,
    like the edges (:mod:`~micrograd_like.viz.colors`). The output neuron is the
    decision: pale at the threshold (0, or 0.5 after a sigmoid), a black line along it,
    and the data points on top.
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
            cmap=colormap(),
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
    weight and orange for a negative one, wider the larger ``|w|``; with ``fade`` (the
    default) weak weights are also paler, so a 16-16 layer still reads. Weights with
    ``|w| < threshold`` are left out. Edges carry no arrowheads (the signal runs left to
    right) and never reach a number or a title.

    ``heatmaps=True`` (a model with 2 inputs; needs matplotlib) draws in every node its
    value over the input plane, as TF Playground does: orange where it is negative,
    blue where positive. The output neuron's heatmap is the decision boundary, with ``data``
    (e.g. the training points, which also set the plane's range) drawn on it. Hover over
    an edge or a neuron in the SVG for its weight or bias. ``rankdir="TB"`` runs the
    columns top down.
    """
    if not isinstance(mlp, MLP):
        raise TypeError(f"draw_network expects an MLP, got {type(mlp).__name__}")
    integer(precision, "precision", minimum=1, maximum=17)
    boolean(heatmaps, "heatmaps")
    boolean(fade, "fade")
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
    dot = ReadableDigraph(
        engine="neato",
        graph_attr={
            "splines": "line",
            "outputorder": "edgesfirst",  # edges under the nodes: no line over a number
            "fontsize": "12",
            "labelloc": "b",
            "label": LEGEND
            + "\\nedges: the weights, wider"
            + (" and darker" if fade else "")
            + " for a larger |w|"
            + (f"; |w| < {threshold:g} not drawn" if threshold else "")
            + (
                "\\nin each node: its value over the input plane (x1 across, x2 up); "
                "the output's black line is the decision boundary"
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
        dot.image_folder = tempfile.TemporaryDirectory(prefix="micrograd_like_heatmaps_")
        images = _heatmap_files(mlp, extent, Path(dot.image_folder.name), 40, data)
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
                lines.append(format_number(acts[col][j], precision))
            tip = ""
            if col > 0:
                bias = layers[col - 1][j].b.data
                lines.append(f"b {format_number(bias, precision)}")
                tip = f"neuron {j + 1} of layer {col}: bias b = {format_number(bias, precision)}"
            along = ((count - 1) / 2 - j) * step[col]  # x1 on top, columns centred on 0
            attrs = {"pos": place(along, across), "tooltip": tip or f"input x{j + 1}"}
            if nid in images:
                cells = "".join(f"<TR><TD>{html.escape(t, quote=False)}</TD></TR>" for t in lines)
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
                    tooltip=f"L{col}.N{j + 1}.w{k + 1} = {format_number(w.data, precision)}",
                )
    return dot
