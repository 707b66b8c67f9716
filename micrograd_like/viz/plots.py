"""Plots of what a model learned, drawn with matplotlib (``pip install 'micrograd-like[plot]'``).

* :func:`plot_decision_boundary` - the regions a 2-D classifier assigns to each class,
  shaded by how sure it is, training and test points marked apart;
* :func:`plot_history` - loss and accuracy per epoch, training and validation together
  (a log axis when the loss spans more than two decades);
* :func:`plot_regression` - 1-D data and the curve the model draws through it.

Each returns a ``matplotlib.figure.Figure``: the last line of a notebook cell shows it,
``fig.savefig("plot.png")`` saves it. The figures are not registered with ``pyplot``, so
nothing piles up in memory and no global state changes. Models run under ``no_grad()``:
drawing records no graph.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from micrograd_like.checks import boolean
from micrograd_like.engine import Value, no_grad
from micrograd_like.rules import softmax_weights
from micrograd_like.viz.colors import LEGEND, NEGATIVE, POSITIVE

__all__ = ["plot_decision_boundary", "plot_history", "plot_regression"]

PALETTE = (
    NEGATIVE,
    POSITIVE,
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
"""Class colours: class 0 orange and class 1 blue (:mod:`~micrograd_like.viz.colors`),
then matplotlib's tab10."""


def _new_figure(figsize: tuple[float, float]) -> Any:
    """A matplotlib Figure (not managed by pyplot); matplotlib is imported only now."""
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise ImportError(
            "plotting needs matplotlib: pip install 'micrograd-like[plot]'"
        ) from error
    return Figure(figsize=figsize, layout="constrained")


def _figure_and_axes(ax: Any, figsize: tuple[float, float]) -> tuple[Any, Any]:
    """A new Figure with one Axes, or the Figure of the Axes given."""
    if ax is None:
        fig = _new_figure(figsize)
        return fig, fig.add_subplot()
    if not hasattr(ax, "figure") or not hasattr(ax, "plot"):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    return ax.figure, ax


def _real(x: object, what: str) -> float:
    if isinstance(x, Value):
        x = x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a number, got {type(x).__name__}: {x!r}")
    f = float(x)
    if not math.isfinite(f):
        raise ValueError(f"{what} must be finite, got {f!r}")
    return f


def _points(X: object, dim: int, what: str) -> list[list[float]]:
    """``X`` as a list of rows of ``dim`` floats (a 1-D X is read as rows of one)."""
    if isinstance(X, (str, bytes)) or not hasattr(X, "__len__") or not hasattr(X, "__iter__"):
        raise TypeError(f"{what} must be a sequence of points, got {type(X).__name__}")
    rows: list[list[float]] = []
    for i, row in enumerate(X):
        cells = row if hasattr(row, "__len__") and not isinstance(row, str) else [row]
        if len(cells) != dim:
            raise ValueError(f"{what}[{i}] must have {dim} value(s), got {len(cells)}")
        rows.append([_real(c, f"{what}[{i}]") for c in cells])
    if not rows:
        raise ValueError(f"{what} must hold at least one point, got an empty sequence")
    return rows


def _outputs(model: Callable[[list[float]], Any], x: list[float]) -> list[float]:
    """The model's outputs at ``x`` as floats (a model returns a Value or a list)."""
    out = model(x)
    if isinstance(out, (Value, numbers.Real)):
        out = [out]
    if not isinstance(out, (list, tuple)) or not out:
        raise TypeError(f"model must return a Value or a list of Values, got {type(out).__name__}")
    return [_real(o, "model output") for o in out]


def _span(values: Sequence[float], pad: float = 0.1) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    margin = (hi - lo) * pad or 0.5
    return lo - margin, hi + margin


def _check_model(model: object) -> None:
    if not callable(model):
        raise TypeError(f"model must be callable (an MLP), got {type(model).__name__}")


def _check_resolution(resolution: object, low: int) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, int):
        raise TypeError(f"resolution must be an int, got {type(resolution).__name__}")
    if not low <= resolution <= 2000:
        raise ValueError(f"resolution must be between {low} and 2000, got {resolution}")
    return resolution


def plot_decision_boundary(
    model: Callable[[list[float]], Any],
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    ax: Any = None,
    resolution: int = 120,
    threshold: float | None = None,
    X_test: Sequence[Sequence[float]] | None = None,
    y_test: Sequence[int] | None = None,
    confidence: bool = True,
) -> Any:
    """Shade the plane by the class the model predicts there and how sure it is; plot the points.

    One output: class 1 where ``output > threshold`` (0.5 after a sigmoid output, else 0,
    i.e. the sign), else class 0; the two labels of ``y`` (e.g. 0/1 or -1/+1), sorted,
    are classes 0 and 1. The shade is the confidence: the probability after a sigmoid,
    else the margin ``output - threshold``, full colour from a margin of 1 (where the
    hinge loss stops pushing), white on the boundary, which is drawn as a black line.
    Several outputs: the class is the argmax, shaded by its probability (the softmax of
    the outputs), and ``y`` holds class numbers 0..k-1. ``confidence=False`` shades the
    classes flat. Class 0 is orange and class 1 blue, as in every picture of the library
    (:mod:`~micrograd_like.viz.colors`); the legend says so.

    The grid is ``resolution x resolution`` points, evaluated under ``no_grad()``, in
    batches for an MLP. ``X_test``, ``y_test``: held-out points, drawn as triangles next
    to the training points' circles.
    """
    _check_model(model)
    boolean(confidence, "confidence")
    points = _points(X, 2, "X")
    labels = _labels(y, len(points), "X", "y")
    test_points: list[list[float]] = []
    test_labels: list[float] = []
    if (X_test is None) != (y_test is None):
        raise ValueError("give both X_test and y_test, or neither")
    if X_test is not None and y_test is not None:
        test_points = _points(X_test, 2, "X_test")
        test_labels = _labels(y_test, len(test_points), "X_test", "y_test")
    n = _check_resolution(resolution, 2)
    everything = points + test_points
    (x0, x1), (y0, y1) = _span([p[0] for p in everything]), _span([p[1] for p in everything])
    gx = [x0 + (x1 - x0) * i / (n - 1) for i in range(n)]
    gy = [y0 + (y1 - y0) * j / (n - 1) for j in range(n)]
    with no_grad():
        outputs = _grid_outputs(model, points[0], gx, gy)
    reading = _Reading(model, outputs, labels + test_labels, threshold)
    fig, ax = _figure_and_axes(ax, (5.6, 4.5))
    colors = [PALETTE[c % len(PALETTE)] for c in range(len(reading.names))]
    ax.imshow(
        reading.image(outputs, colors, confidence),
        origin="lower",
        extent=(x0, x1, y0, y1),
        interpolation="bilinear" if confidence else "nearest",
        aspect="auto",
    )
    if reading.k == 1:
        scores = [[o[0] for o in row] for row in outputs]
        lo, hi = min(map(min, scores)), max(map(max, scores))
        if lo < reading.cut < hi:
            ax.contour(gx, gy, scores, levels=[reading.cut], colors="black", linewidths=1.0)
    for marker, pts, lbls, kind in (
        ("o", points, labels, "train"),
        ("^", test_points, test_labels, "test"),
    ):
        classes = [reading.names.index(t) for t in lbls]
        for c, label in enumerate(reading.names):
            members = [p for p, pc in zip(pts, classes) if pc == c]
            if members:
                ax.scatter(
                    [p[0] for p in members],
                    [p[1] for p in members],
                    s=22 if marker == "o" else 30,
                    c=colors[c],
                    marker=marker,
                    edgecolors="black" if marker == "o" else "white",
                    linewidths=0.5 if marker == "o" else 0.9,
                    label=f"class {label:g}" + (f" ({kind})" if test_points else ""),
                )
    title = "decision boundary"
    if confidence:
        title += f", shaded by {reading.shade}"
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x1", ylabel="x2", title=title)
    # two classes: the legend says the colour convention as every picture does
    key = LEGEND.replace(" · ", "\n") if len(reading.names) == 2 else None
    ax.legend(loc="best", fontsize="small", framealpha=0.8, title=key, title_fontsize="small")
    return fig


def _labels(y: object, n: int, xname: str, yname: str) -> list[float]:
    if isinstance(y, (str, bytes)) or not hasattr(y, "__iter__"):
        raise TypeError(f"{yname} must be a sequence of class labels, got {type(y).__name__}")
    labels = [_real(t, f"{yname}[{i}]") for i, t in enumerate(y)]
    if len(labels) != n:
        raise ValueError(
            f"{xname} and {yname} must have the same length, got {n} and {len(labels)}"
        )
    if any(not t.is_integer() for t in labels):
        raise ValueError(f"{yname} must hold class labels (whole numbers such as 0, 1 or -1, +1)")
    return labels


BATCH = 256
"""Grid points per batch when an MLP is evaluated over the plane."""


def _grid_outputs(
    model: Callable[[list[float]], Any], probe: list[float], gx: list[float], gy: list[float]
) -> list[list[list[float]]]:
    """The model's outputs at every grid point, rows following ``gy`` (call under no_grad).

    The model is first called on ``probe`` (one point), which checks what it returns.
    An MLP is then run in batches of :data:`BATCH` points (``MLP.forward_batch``);
    any other callable once per point.
    """
    from micrograd_like.nn import MLP

    _outputs(model, probe)
    grid = [[a, b] for b in gy for a in gx]
    flat: list[list[float]] = []
    if isinstance(model, MLP):
        for start in range(0, len(grid), BATCH):
            for out in model.forward_batch(grid[start : start + BATCH]):
                outs = out if isinstance(out, list) else [out]
                flat.append([_real(o, "model output") for o in outs])
    else:
        flat = [_outputs(model, p) for p in grid]
    n = len(gx)
    return [flat[row * n : (row + 1) * n] for row in range(len(gy))]


class _Reading:
    """How a model's outputs become classes (and confidences) for these labels."""

    def __init__(
        self,
        model: Any,
        outputs: list[list[list[float]]],
        labels: list[float],
        threshold: float | None,
    ) -> None:
        self.k = len(outputs[0][0])
        activation = getattr(model, "output_activation", "")
        self.cut = 0.0
        if self.k == 1:
            names = sorted(set(labels))
            if len(names) > 2:
                raise ValueError(
                    f"a model with one output separates 2 classes, but y has {len(names)}"
                )
            if len(names) == 1:  # one class only: it is the positive one if its label is > 0
                names = [0.0, names[0]] if names[0] > 0 else [names[0], 1.0]
            if threshold is None:
                threshold = 0.5 if activation == "sigmoid" else 0.0
            self.cut = _real(threshold, "threshold")
            self.probability = activation == "sigmoid"
            self.shade = "probability" if self.probability else "margin"
        else:
            bad = [t for t in labels if not 0 <= t < self.k]
            if bad:
                raise ValueError(
                    f"y holds label {bad[0]:g}, but the model has {self.k} outputs "
                    f"(0..{self.k - 1})"
                )
            names = [float(c) for c in range(self.k)]
            self.probability = activation == "softmax"
            self.shade = "probability"
        self.names = names

    def classes(self, outputs: list[list[list[float]]]) -> list[list[int]]:
        if self.k == 1:
            return [[int(o[0] > self.cut) for o in row] for row in outputs]
        return [[_argmax(o) for o in row] for row in outputs]

    def sureness(self, o: list[float]) -> float:
        """0 on the boundary, 1 where the model is sure (margin >= 1, p = 1)."""
        if self.k == 1:
            if self.probability:
                return min(1.0, abs(o[0] - self.cut) / max(self.cut, 1.0 - self.cut))
            return min(1.0, abs(o[0] - self.cut))
        ps = o if self.probability else softmax_weights(o)
        top = max(ps)
        return (top - 1.0 / self.k) / (1.0 - 1.0 / self.k)

    def image(
        self, outputs: list[list[list[float]]], colors: list[str], confidence: bool
    ) -> list[list[tuple[float, float, float]]]:
        """An RGB image: each class's colour, paler where the model is less sure."""
        from matplotlib.colors import to_rgb

        rgb = [to_rgb(c) for c in colors]
        out = []
        for row, classes in zip(outputs, self.classes(outputs)):
            line = []
            for o, c in zip(row, classes):
                # flat shading at 35% of the colour; confidence runs from white to 60%
                t = 0.35 if not confidence else 0.6 * self.sureness(o)
                line.append(tuple(1.0 - t * (1.0 - ch) for ch in rgb[c]))
            out.append(line)
        return out  # type: ignore[return-value]


def _decision_grid(
    model: Callable[[list[float]], Any],
    points: list[list[float]],
    labels: list[float],
    gx: list[float],
    gy: list[float],
    threshold: float | None,
) -> tuple[list[list[int]], list[int], list[float]]:
    """The predicted class at each grid point (rows follow ``gy``), each point's class,
    and the label of each class number."""
    with no_grad():
        outputs = _grid_outputs(model, points[0], gx, gy)
    reading = _Reading(model, outputs, labels, threshold)
    return reading.classes(outputs), [reading.names.index(t) for t in labels], reading.names


def _argmax(xs: list[float]) -> int:
    return max(range(len(xs)), key=xs.__getitem__)


def _series(history: object, name: str) -> list[float | None]:
    """One per-epoch list of the history, None entries kept (they mean 'not measured')."""
    if isinstance(history, Mapping):
        values = history.get(name, [])
    else:
        values = getattr(history, name, [])
    if values is None:
        return []
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise TypeError(f"history.{name} must be a list, got {type(values).__name__}")
    return [None if v is None else _real(v, f"history.{name}[{i}]") for i, v in enumerate(values)]


def _curve(ax: Any, values: list[float | None], label: str, style: str) -> bool:
    """Plot the non-None entries against their epoch (1, 2, ...); False when none."""
    pts = [(i + 1, v) for i, v in enumerate(values) if v is not None]
    if not pts:
        return False
    marker = "o" if len(pts) <= 30 else None
    ax.plot([p[0] for p in pts], [p[1] for p in pts], style, marker=marker, ms=3, label=label)
    return True


def plot_history(history: Any, log: bool | None = None, val_label: str = "validation") -> Any:
    """Loss (and accuracy, when measured) per epoch, training and validation curves together.

    ``history`` is ``train.History`` (or any object or dict with ``loss``, ``accuracy``,
    ``val_loss``, ``val_accuracy`` lists). A falling training loss with a rising
    validation loss is overfitting. The loss axis is logarithmic when ``log=True``, or,
    by default, when the (positive) losses span more than two decades, so the late
    epochs do not vanish against the first. ``val_label`` names the held-out curve
    (``"test"`` when that is what it measured).
    """
    if not isinstance(history, Mapping) and not hasattr(history, "loss"):
        raise TypeError(f"history must be a History (with .loss), got {type(history).__name__}")
    if log is not None:
        boolean(log, "log")
    if not isinstance(val_label, str):
        raise TypeError(f"val_label must be a str, got {type(val_label).__name__}")
    loss, val_loss = _series(history, "loss"), _series(history, "val_loss")
    acc, val_acc = _series(history, "accuracy"), _series(history, "val_accuracy")
    measured = [v for v in loss + val_loss if v is not None]
    if not measured:
        raise ValueError("history has no epochs to plot (history.loss is empty)")
    if log is None:
        log = min(measured) > 0 and max(measured) / min(measured) > 100.0
    elif log and min(measured) <= 0:
        raise ValueError("log=True needs positive losses; this history has a loss <= 0")
    has_acc = any(v is not None for v in acc + val_acc)
    fig = _new_figure((10.0 if has_acc else 5.0, 3.6))
    axes = list(fig.subplots(1, 2)) if has_acc else [fig.add_subplot()]
    panels = [(axes[0], "loss", loss, val_loss)]
    if has_acc:
        panels.append((axes[1], "accuracy", acc, val_acc))
    loss_name = getattr(history, "loss_name", "")
    titles = {"loss": f"loss ({loss_name})" if isinstance(loss_name, str) and loss_name else "loss"}
    for a, name, train, val in panels:
        _curve(a, train, "train", "-")
        _curve(a, val, val_label, "--")
        a.set(xlabel="epoch", ylabel=name, title=titles.get(name, name))
        if name == "loss" and log:
            a.set_yscale("log")
            a.set_ylabel("loss (log scale)")
        a.grid(alpha=0.3, which="both" if name == "loss" and log else "major")
        a.legend(fontsize="small")
    return fig


def plot_regression(
    model: Callable[[list[float]], Any],
    X: Sequence[Any],
    y: Sequence[float],
    ax: Any = None,
    resolution: int = 200,
) -> Any:
    """The data points (x, y) and the model's curve x -> model([x]) across their range."""
    _check_model(model)
    xs = [p[0] for p in _points(X, 1, "X")]
    ys = [_real(t, f"y[{i}]") for i, t in enumerate(y)]
    if len(xs) != len(ys):
        raise ValueError(f"X and y must have the same length, got {len(xs)} and {len(ys)}")
    n = _check_resolution(resolution, 2)
    lo, hi = _span(xs)
    grid = [lo + (hi - lo) * i / (n - 1) for i in range(n)]
    with no_grad():
        curve = [_outputs(model, [g])[0] for g in grid]
    fig, ax = _figure_and_axes(ax, (5.0, 3.6))
    ax.scatter(xs, ys, s=14, c=PALETTE[0], alpha=0.7, label="data")
    ax.plot(grid, curve, c=PALETTE[1], lw=2, label="model")
    ax.set(xlabel="x", ylabel="y", title="regression fit")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return fig
