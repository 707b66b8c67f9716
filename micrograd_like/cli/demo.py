"""``micrograd-like demo``: micrograd's moons demo, with its pictures."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from micrograd_like.cli.common import (
    PROG,
    matplotlib_ok,
    out_dir,
    percent,
    print_written,
    save_figure,
    save_graph,
)
from micrograd_like.engine import Value
from micrograd_like.examples import readme_expression

EPILOG = f"""\
example:
  {PROG} demo --out demo-output

Writes decision_boundary.png (shaded by the margin), loss.png (loss and accuracy per
epoch), network.png (the network, edges coloured by weight, each neuron's activation over
the plane) and neuron_graph.png (the backprop graph of one neuron on one sample, from
zero gradients, with data, grads and local derivatives)."""


NAME = "demo"
HELP = "train micrograd's moons MLP and draw it"
DESCRIPTION = (
    "Run micrograd's demo: train MLP(2, [16, 16, 1]) on 100 moons with the\n"
    "hinge loss, print the accuracy and write four pictures."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``demo``."""
    parser.add_argument(
        "--out",
        default="demo-output",
        metavar="DIR",
        help="folder for the pictures (default: demo-output)",
    )


def worked_example() -> tuple[Value, Value, Value]:
    """micrograd's README expression: returns (g, a, b) after ``g.backward()``."""
    g, a, b = readme_expression()
    a.label, b.label = "a", "b"
    g.backward()
    return g, a, b


def neuron_graph(model: Any, x: Sequence[float]) -> tuple[Value, Any]:
    """The step-by-step graph of one first-layer neuron of ``model`` on the input ``x``.

    Returns the neuron's output ``a`` and its picture.

    The neuron is the first whose ReLU is active on ``x`` (so gradients flow), drawn
    after ``backward()`` from zero gradients, with data, grads and local derivatives on
    the edges.
    """
    from micrograd_like.engine import no_grad
    from micrograd_like.viz import draw_dot

    neurons = model.layers[0].neurons
    chosen = neurons[0]
    with no_grad():
        for neuron in neurons:
            if neuron(list(x)).data > 0.0:
                chosen = neuron
                break
    inputs = [Value(v, label=f"x{i}") for i, v in enumerate(x, start=1)]
    a = chosen(inputs, step_by_step=True)
    a.label = "a"
    chosen.zero_grad()  # training left its gradients in w and b: this picture's are fresh
    a.backward()
    return a, draw_dot(a, model=chosen, show_local_grads=True)


def run(args: argparse.Namespace) -> int:
    """Train micrograd's moons MLP, print its accuracy, write the pictures."""
    from micrograd_like.data import make_moons, signed_labels
    from micrograd_like.evaluation import accuracy
    from micrograd_like.nn import MLP
    from micrograd_like.optim import LinearDecay
    from micrograd_like.train import fit

    started = time.perf_counter()
    folder = out_dir(args.out)

    g, a, b = worked_example()
    print("1. The engine, on micrograd's README expression (g.backward() has run):")
    print(f"   g.data = {g.data!r}")
    print(f"   a.grad = {a.grad!r}   (dg/da)")
    print(f"   b.grad = {b.grad!r}   (dg/db)")
    print()

    X, labels = make_moons(100, noise=0.1, seed=0)
    y = signed_labels(labels)  # the hinge loss wants -1/+1
    model = MLP(2, [16, 16, 1], seed=0)
    print(f"2. Training {model}")
    print("   on make_moons(100, noise=0.1): hinge loss + 1e-4 L2,")
    print("   SGD with lr falling linearly from 1.0 to 0.1 over 100 steps (full batch)", flush=True)
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer="sgd",
        epochs=100,
        l2=1e-4,
        schedule=LinearDecay(1.0, 0.1, 100),
        seed=0,
    )
    acc = accuracy(model, X, y, loss="hinge")
    print(
        f"   final loss {history.loss[-1]:.4g}, accuracy {percent(acc)} "
        f"on the 100 training points ({history.seconds:.1f} s)"
    )
    print()

    print("3. Pictures:", flush=True)
    written: list[Path] = []
    plots = matplotlib_ok()
    if plots:
        from micrograd_like.viz.plots import plot_decision_boundary, plot_history

        fig = plot_decision_boundary(model, X, labels)  # classes 0/1, as make_moons gives
        save_figure(fig, folder / "decision_boundary.png", written)
        save_figure(plot_history(history), folder / "loss.png", written)
    from micrograd_like.viz import draw_network

    # with matplotlib, each neuron shows its activation over the plane (TF Playground)
    network = draw_network(model, X[0], precision=2, heatmaps=plots, data=X if plots else None)
    save_graph(network, folder / "network.png", written)
    save_graph(neuron_graph(model, X[0])[1], folder / "neuron_graph.png", written)
    print_written(written, folder)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0
