"""Pictures: the decision boundary of a real network at the default grid, in seconds.

``plot_decision_boundary(model, X, y)`` evaluates the model at 120 x 120 = 14,400 grid
points (under ``no_grad``, in batches of 256 through ``MLP.forward_batch``) and builds
the figure; here it is also rendered to a PNG (matplotlib's Agg backend), as a notebook
shows it. The model is micrograd's demo network, MLP(2, [16, 16, 1]), on 100 moons.
Target: at most 10 s for the figure, rendered. The tests check what the plot computes
(tests/test_plots.py counts the batches), not how long it takes.
"""

from __future__ import annotations

import io
import sys

import _harness as h
import _report as rep

from micrograd_like.data import make_moons
from micrograd_like.nn import MLP

TARGET = 10.0  # seconds for the figure at the default grid


def main(argv: list[str] | None = None) -> int:
    args = h.parse_args(__doc__.splitlines()[0], argv)
    report = rep.Report("bench_pictures")
    if h.optional_import("matplotlib") is None:
        missing = h.skipped("matplotlib")
        print(rep.target_line("ours decision boundary, default grid", None, missing=missing))
        report.add("decision boundary, default grid", None, missing)
        report.save(args.json)
        return 0
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from micrograd_like.viz.plots import plot_decision_boundary

    resolution, rounds = (20, 1) if args.quick else (120, 3)
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)

    def figure() -> None:
        fig = plot_decision_boundary(model, X, y, resolution=resolution)
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)

    print(f"the decision boundary of MLP(2, [16, 16, 1]) on 100 moons, {resolution} x "
          f"{resolution} grid points (median of {rounds})")  # fmt: skip
    t = h.alternate({"ours": figure}, rounds=rounds, warmup=1)
    seconds = t.median("ours")
    points = resolution * resolution
    per_point = None if seconds is None else seconds / points
    print(rep.table(["grid", "seconds", "ns per point"],
                  [[f"{resolution} x {resolution}", rep.fmt(seconds, " s"), rep.ns(per_point)]]))  # fmt: skip
    label = f"ours decision boundary, {resolution} x {resolution} grid"
    print(rep.target_line(label, seconds, TARGET, at_least=False, unit=" s"))
    target = f"<= {TARGET:g} s: {rep.verdict(seconds, TARGET, False)}"
    report.add(f"decision boundary, {resolution} x {resolution}", seconds,
               rep.fmt(seconds, " s"), target)  # fmt: skip
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
