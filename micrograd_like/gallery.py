"""Every kind of picture the library draws, on the README's and the notebooks' examples.

``make pictures`` (or ``python -m micrograd_like.gallery build/pictures``) writes them
all to one folder, with an ``index.html`` that shows them one under the other, so that a
person can look at each one, as a learner would, and check its numbers. Every graph picture is drawn right after a fresh ``backward()`` (or at a
step of ``backward_steps``), so the gradients it shows are this graph's own.
"""

from __future__ import annotations

import html
import io
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from micrograd_like import examples
from micrograd_like.engine import Value

__all__ = ["readme_expression", "write_pictures"]


def readme_expression() -> Value:
    """micrograd's README expression ``g`` (a and b unlabelled, as the README writes it).

    >>> g = readme_expression()
    >>> g.backward(); round(g.data, 6)
    24.704082
    """
    return examples.readme_expression()[0]


def _micrograd_first_picture() -> Value:
    """L = (a*b + c) * f with a = 2, b = -3, c = 10, f = -2 (notebook 1)."""
    return examples.first_picture()["L"]


class _Writer:
    """Writes pictures to a folder and lists them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []

    def graph(self, name: str, graph: Any, svg: bool = False) -> None:
        from micrograd_like.viz import save_graph

        for ext in ("png", "svg") if svg else ("png",):
            path = self.folder / f"{name}.{ext}"
            save_graph(graph, path)
            self.written.append(path)

    def figure(self, name: str, fig: Any) -> None:
        path = self.folder / f"{name}.png"
        fig.savefig(path, dpi=110)
        self.written.append(path)

    def steps(self, name: str, root: Value) -> None:
        """The backward pass to share: one HTML page that plays it, and a GIF of it."""
        from micrograd_like.viz import save_steps_animation, save_steps_html

        for path in (self.folder / f"{name}.html", self.folder / f"{name}.gif"):
            (save_steps_html if path.suffix == ".html" else save_steps_animation)(root, path)
            self.written.append(path)

    def text(self, name: str, write: Callable[[], None]) -> None:
        buffer = io.StringIO()
        with redirect_stdout(buffer):
            write()
        path = self.folder / f"{name}.txt"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        self.written.append(path)


def _graphs(out: _Writer) -> None:
    """draw_dot, explain and the step pictures (README, notebooks 1, 2 and 8)."""
    from micrograd_like.higher_order import gradients
    from micrograd_like.nn import MLP, Neuron
    from micrograd_like.viz import draw_dot
    from micrograd_like.viz.steps import backward_steps, explain

    g = readme_expression()
    g.backward()
    out.graph("readme_expression", draw_dot(g), svg=True)
    out.graph("readme_expression_local_grads", draw_dot(g, show_local_grads=True))
    out.graph("readme_expression_compact", draw_dot(g, compact=True))
    out.graph("readme_expression_constants", draw_dot(g, show_constants=True))
    out.text("readme_expression_explain", lambda: explain(g))

    L = _micrograd_first_picture()
    L.backward()
    out.graph("first_picture", draw_dot(L))
    out.graph("first_picture_local_grads", draw_dot(L, show_local_grads=True))
    out.graph("first_picture_top_down", draw_dot(L, rankdir="TB"))
    steps = list(backward_steps(L))
    for s in steps:
        out.graph(f"first_picture_step{s.index + 1}", draw_dot(L, step=s))
    out.text("first_picture_explain", lambda: explain(L))
    out.steps("first_picture_steps", L)

    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    b.backward()
    out.graph("reused_node", draw_dot(b, show_local_grads=True))

    neuron = Neuron(3, activation="tanh", seed=1)
    xs = [Value(v, label=f"x{i}") for i, v in enumerate([2.0, -1.0, 0.5], start=1)]
    fused = neuron(xs)
    fused.label = "a"
    fused.backward()
    out.graph("neuron_fused", draw_dot(fused, model=neuron))
    neuron.zero_grad()
    fine = neuron(xs, step_by_step=True)
    fine.label = "a"
    fine.backward()
    out.graph("neuron_fine", draw_dot(fine, model=neuron, show_local_grads=True))

    model = MLP(2, [16, 16, 1], seed=0)
    score = model([0.5, -0.25])
    assert isinstance(score, Value)  # one output
    loss = (1.0 - score).relu()  # the hinge loss of one point of class +1
    loss.label = "loss"
    model.zero_grad()
    loss.backward()
    out.graph("collapse_neuron", draw_dot(loss, model=model, collapse="neuron"))
    out.graph("collapse_layer", draw_dot(loss, model=model, collapse="layer"))

    x = Value(0.5, label="x")
    y = x**3 - 2 * x
    (dy_dx,) = gradients(y, [x], create_graph=True)
    x.grad = 0.0
    dy_dx.backward()  # d2y/dx2 = 6x = 3
    out.graph("second_derivative", draw_dot(dy_dx))


def _networks_and_plots(out: _Writer) -> None:
    """draw_network and the plots (README, notebooks 2-5 and 7)."""
    from micrograd_like.data import (
        make_line,
        make_moons,
        make_spiral,
        signed_labels,
        train_test_split,
    )
    from micrograd_like.nn import MLP
    from micrograd_like.optim import LinearDecay
    from micrograd_like.train import fit
    from micrograd_like.viz import draw_network
    from micrograd_like.viz.plots import plot_decision_boundary, plot_history, plot_regression

    out.graph("network_3_4_4_1", draw_network(MLP(3, [4, 4, 1], seed=9), x=[1.0, -0.5, 2.0]))

    X, labels = make_moons(200, noise=0.1, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, labels, test_size=0.5, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    history = fit(
        model,
        X_train,
        signed_labels(y_train),
        loss="hinge",
        optimizer="sgd",
        epochs=100,
        l2=1e-4,
        schedule=LinearDecay(1.0, 0.1, 100),
        validation=(X_test, signed_labels(y_test)),
        seed=0,
        progress=False,
    )
    out.graph("network_moons", draw_network(model, x=X_train[0], precision=2))
    out.graph(
        "network_moons_heatmaps",
        draw_network(model, x=X_train[0], precision=2, heatmaps=True, data=X_train),
        svg=True,
    )
    out.graph("network_moons_threshold", draw_network(model, threshold=0.5))
    out.figure(
        "decision_boundary_moons",
        plot_decision_boundary(model, X_train, y_train, X_test=X_test, y_test=y_test),
    )
    out.figure(
        "decision_boundary_moons_flat",
        plot_decision_boundary(model, X_train, y_train, confidence=False),
    )
    out.figure("history_moons", plot_history(history, val_label="test"))

    Xs, ys = make_spiral(150, classes=3, seed=0)
    spiral = MLP(2, [16, 16, 3], output_activation="softmax", seed=0)
    spiral_history = fit(
        spiral, Xs, ys, loss="cross_entropy_from_probs", optimizer="adam", lr=0.02,
        epochs=60, batch_size=25, seed=0, progress=False,
    )  # fmt: skip
    out.figure("decision_boundary_spiral", plot_decision_boundary(spiral, Xs, ys))
    out.figure("history_spiral", plot_history(spiral_history))
    out.graph("network_spiral_heatmaps", draw_network(spiral, heatmaps=True, data=Xs))

    Xl, yl = make_line(60, seed=0)
    line = MLP(1, [1], seed=0)
    line_history = fit(line, Xl, yl, loss="mse", lr=0.5, epochs=60, progress=False)
    out.figure("regression_line", plot_regression(line, Xl, yl))
    out.figure("history_regression", plot_history(line_history))


def write_pictures(folder: str | Path = "build/pictures", demo: bool = True) -> list[Path]:
    """Write every kind of picture to ``folder``; returns the files written.

    ``demo=True`` also runs ``micrograd-like demo`` into ``folder/demo``.
    """
    import matplotlib

    matplotlib.use("Agg")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    out = _Writer(target)
    _graphs(out)
    _networks_and_plots(out)
    if demo:
        from micrograd_like.cli import main

        with redirect_stdout(io.StringIO()):
            code = main(["demo", "--out", str(target / "demo")])
        if code != 0:
            raise RuntimeError(f"micrograd-like demo failed with exit code {code}")
        out.written += sorted((target / "demo").glob("*.png"))
    out.written.append(_index(target, out.written))
    return out.written


def _index(folder: Path, files: list[Path]) -> Path:
    """``index.html``: every picture (and text) one under the other, for a browser.

    Each picture is shown at its own size (a wide one scrolls), so its text reads as it
    will in a notebook; a step page is linked, and shown in a frame.
    """
    parts = ["<!doctype html><meta charset='utf-8'><title>micrograd_like pictures</title>"]
    for path in files:
        name = html.escape(str(path.relative_to(folder)))
        if path.suffix in (".png", ".gif"):
            parts.append(f"<h2>{name}</h2><div style='overflow-x: auto'><img src='{name}'></div>")
        elif path.suffix == ".html":
            parts.append(
                f"<h2><a href='{name}'>{name}</a></h2>"
                f"<iframe src='{name}' style='width: 100%; height: 720px; border: 1px solid #ccc'>"
                "</iframe>"
            )
        elif path.suffix == ".txt":
            text = html.escape(path.read_text(encoding="utf-8"))
            parts.append(f"<h2>{name}</h2><pre>{text}</pre>")
    index = folder / "index.html"
    index.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return index


if __name__ == "__main__":
    started = time.perf_counter()
    files = write_pictures(sys.argv[1] if len(sys.argv) > 1 else "build/pictures")
    for path in files:
        print(f"  {path}")
    print(f"wrote {len(files)} files in {time.perf_counter() - started:.1f} s")
