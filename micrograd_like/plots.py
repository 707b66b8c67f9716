"""Plots of what a model learned, drawn with matplotlib (``pip install 'micrograd-like[plot]'``).

* :func:`plot_decision_boundary` - the regions a 2-D classifier assigns to each class;
* :func:`plot_history` - loss and accuracy per epoch, training and validation;
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

from micrograd_like.engine import Value, no_grad

__all__ = ["plot_decision_boundary", "plot_history", "plot_regression"]

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
"""Class colours (matplotlib's tab10, with blue and red first)."""


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
    resolution: int = 60,
    threshold: float | None = None,
) -> Any:
    """Colour the plane by the class the model predicts there, and plot the points on top.

    One output: class 1 where ``output > threshold`` (0.5 after a sigmoid output, else 0,
    i.e. the sign), else class 0; the two labels of ``y`` (e.g. 0/1 or -1/+1), sorted,
    are classes 0 and 1. Several outputs: the class is the argmax, and ``y`` holds class
    numbers 0..k-1. The grid is ``resolution x resolution`` model calls (60 x 60 = 3600).
    """
    _check_model(model)
    points = _points(X, 2, "X")
    labels = [_real(t, f"y[{i}]") for i, t in enumerate(y)]
    if len(labels) != len(points):
        raise ValueError(f"X and y must have the same length, got {len(points)} and {len(labels)}")
    if any(not t.is_integer() for t in labels):
        raise ValueError("y must hold class labels (whole numbers such as 0, 1 or -1, +1)")
    n = _check_resolution(resolution, 2)
    (x0, x1), (y0, y1) = _span([p[0] for p in points]), _span([p[1] for p in points])
    gx = [x0 + (x1 - x0) * i / (n - 1) for i in range(n)]
    gy = [y0 + (y1 - y0) * j / (n - 1) for j in range(n)]
    grid, point_class, names = _decision_grid(model, points, labels, gx, gy, threshold)
    fig, ax = _figure_and_axes(ax, (5.0, 4.5))
    regions = len(names)
    colors = [PALETTE[c % len(PALETTE)] for c in range(regions)]
    from matplotlib.colors import ListedColormap  # matplotlib is there: we have a figure

    # one flat cell per grid point: contours would blend class 0 into class 2 through 1
    ax.pcolormesh(
        gx,
        gy,
        grid,
        cmap=ListedColormap(colors),
        vmin=-0.5,
        vmax=regions - 0.5,
        shading="nearest",
        alpha=0.25,
    )
    for c, label in enumerate(names):
        members = [p for p, pc in zip(points, point_class) if pc == c]
        if members:
            ax.scatter(
                [p[0] for p in members],
                [p[1] for p in members],
                s=18,
                c=colors[c],
                edgecolors="black",
                linewidths=0.4,
                label=f"class {label:g}",
            )
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x1", ylabel="x2", title="decision boundary")
    ax.legend(loc="best", fontsize="small")
    return fig


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
        k = len(_outputs(model, points[0]))
        if k == 1:
            names = sorted(set(labels))
            if len(names) > 2:
                raise ValueError(
                    f"a model with one output separates 2 classes, but y has {len(names)}"
                )
            if len(names) == 1:  # one class only: it is the positive one if its label is > 0
                names = [0.0, names[0]] if names[0] > 0 else [names[0], 1.0]
            if threshold is None:
                sigmoid = getattr(model, "output_activation", "") == "sigmoid"
                threshold = 0.5 if sigmoid else 0.0
            cut = _real(threshold, "threshold")
            grid = [[int(_outputs(model, [a, b])[0] > cut) for a in gx] for b in gy]
        else:
            bad = [t for t in labels if not 0 <= t < k]
            if bad:
                raise ValueError(
                    f"y holds label {bad[0]:g}, but the model has {k} outputs (0..{k - 1})"
                )
            names = [float(c) for c in range(k)]
            grid = [[_argmax(_outputs(model, [a, b])) for a in gx] for b in gy]
    return grid, [names.index(t) for t in labels], names


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


def plot_history(history: Any) -> Any:
    """Loss (and accuracy, when measured) per epoch, training and validation side by side.

    ``history`` is ``train.History`` (or any object or dict with ``loss``, ``accuracy``,
    ``val_loss``, ``val_accuracy`` lists). A falling training loss with a rising
    validation loss is overfitting.
    """
    if not isinstance(history, Mapping) and not hasattr(history, "loss"):
        raise TypeError(f"history must be a History (with .loss), got {type(history).__name__}")
    loss, val_loss = _series(history, "loss"), _series(history, "val_loss")
    acc, val_acc = _series(history, "accuracy"), _series(history, "val_accuracy")
    if not any(v is not None for v in loss + val_loss):
        raise ValueError("history has no epochs to plot (history.loss is empty)")
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
        _curve(a, val, "validation", "--")
        a.set(xlabel="epoch", ylabel=name, title=titles.get(name, name))
        a.grid(alpha=0.3)
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
