"""How cost grows: the moons step against width and depth, and the chain against length.

The moons step of ``bench_moons.py`` (100 samples, hinge + 1e-4 L2, SGD), on
``MLP(2, [w, w, 1])`` for hidden widths w = 8, 16, 32, 64 and on ``MLP(2, [16] * d +
[1])`` for depths d = 1..4. Contenders, each in a process of its own, alternating step
by step, each model trained on from step to step:

* ours: ``fit(model, X, y, loss="hinge", l2=1e-4, epochs=1)``, one full-batch step;
* torch eager, per sample, as ``bench_moons.py`` runs it (float64, one thread);
* the floor, written plainly and tuned (``floor.py``).

torch's per-sample time is mostly a flat cost per op, so it grows slowly with width,
while a scalar engine's grows with the number of weights: the table says where torch
per-sample overtakes us. The width-8 row is also the live-training speed: steps per
second of a 2-8-8-1 network on 100 points, the notebooks' playground size.

Then a chain ``x = x + y`` of 10^3 .. 10^6 nodes, forward + backward, ns per node.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import _harness as h
import _report as rep
from bench_moons import ALPHA, SEED, learning_rate, torch_step
from floor import Floor

from micrograd_like.data import make_moons, signed_labels
from micrograd_like.engine import Value
from micrograd_like.nn import MLP
from micrograd_like.train import fit

WIDTHS = [8, 16, 24, 32, 64]
DEPTHS = [1, 2, 3, 4]


def configs(quick: bool) -> list[tuple[str, tuple[int, ...]]]:
    """(row name, hidden sizes) of every row of the table."""
    if quick:
        return [("width 8", (8, 8)), ("depth 1", (16,))]
    rows = [(f"width {w}", (w, w)) for w in WIDTHS]
    return rows + [(f"depth {d}", (16,) * d) for d in DEPTHS]


def data(n: int) -> tuple[list[list[float]], list[int]]:
    X, y01 = make_moons(n, noise=0.1)
    return X, signed_labels(y01)


class Models:
    """A contender: one model per row, each trained one step per call ``(row, hidden)``."""

    def __init__(self, n: int, kind: str) -> None:
        self.X, self.y = data(n)
        self.kind = kind
        self.steps: dict[tuple[int, ...], Any] = {}

    def __call__(self, hidden: tuple[int, ...]) -> float:
        if hidden not in self.steps:
            self.steps[hidden] = self.make(hidden)
        return float(self.steps[hidden]())

    def make(self, hidden: tuple[int, ...]) -> Any:
        ref = MLP(2, [*hidden, 1], seed=SEED)
        X, y = self.X, self.y
        k = [0]

        def counted(step: Any) -> Any:
            def run() -> float:
                loss = step(k[0])
                k[0] += 1
                return float(loss)

            return run

        if self.kind == "ours":
            return counted(
                lambda i: fit(
                    ref, X, y, loss="hinge", l2=ALPHA, lr=learning_rate(i), epochs=1, progress=False
                ).loss[-1]
            )
        if self.kind == "torch":
            import torch

            return counted(torch_step(torch, X, y, ref)[0])
        net = Floor.like(ref)
        step = net.step if self.kind == "floor, tuned" else net.step_plain
        return counted(lambda i: step(X, y, learning_rate(i), ALPHA))


def chain_ns(n: int) -> float:
    """ns per node of ``x = x + y`` n times, then backward (GC off)."""
    with h.gc_disabled():
        t0 = h.now()
        x, y = Value(1.0), Value(1.0)
        for _ in range(n):
            x = x + y
        x.backward()
        seconds = h.now() - t0
        del x
    gc.collect()
    return 1e9 * seconds / n


def main(argv: list[str] | None = None) -> int:
    args = h.parse_args(__doc__.splitlines()[0], argv)
    n, rounds = (20, 1) if args.quick else (100, 7)
    report = rep.Report("bench_growth")
    torch = h.installed("torch")
    names = ["ours", "torch", "floor, written plainly", "floor, tuned"]
    factories: h.Specs = {
        name: h.Spec(Models, (n, name)) for name in names if name != "torch" or torch
    }
    rows_spec = configs(args.quick)
    print(f"moons step vs size: {n} samples; {rounds} steps per row (+1 warm-up), contenders")
    print("alternating step by step, each in a process of its own; median ms per step\n")
    workers = h.Workers(factories)
    results: dict[str, dict[str, list[float]]] = {}
    try:
        for row, hidden in rows_spec:
            results[row], _ = h.run_rounds(workers, rounds, warmup=1, arg=hidden)
    finally:
        workers.close()

    table = []
    for (row, hidden), times in zip(rows_spec, results.values()):
        ms = {name: 1e3 * rep.median(ts) for name, ts in times.items()}
        r_torch = rep.per_round_ratios(times, "ours", "torch")
        r_floor = rep.per_round_ratios(times, "ours", "floor, written plainly")
        table.append(
            [
                f"{row}: MLP(2, {[*hidden, 1]})",
                rep.fmt(ms["ours"], " ms"),
                rep.fmt(ms.get("torch"), " ms") if torch else h.skipped("torch"),
                rep.fmt(ms["floor, written plainly"], " ms"),
                rep.fmt(ms["floor, tuned"], " ms"),
                rep.fmt(rep.median(r_torch), "x") if r_torch else "-",
                rep.fmt(rep.median(r_floor), "x"),
            ]
        )
        report.add(f"growth {row} ours ms", ms["ours"], rep.fmt(ms["ours"], " ms"))
    print(
        rep.table(
            [
                "model",
                "ours (fit)",
                "torch per sample",
                "floor, plain",
                "floor, tuned",
                "ours/torch",
                "ours/floor plain",
            ],
            table,
        )
    )

    widths = [(row, times) for row, times in results.items() if row.startswith("width")]
    if torch and widths:
        for who in ("ours", "floor, written plainly"):
            slower = [
                row
                for row, ts in widths
                if rep.median(rep.per_round_ratios(ts, who, "torch")) > 1.0
            ]
            faster = [row for row, _ in widths if row not in slower]
            where = (
                f"from {slower[0]} (faster than torch up to {faster[-1]})"
                if slower and faster
                else (
                    f"from {slower[0]}"
                    if slower
                    else f"at none of the widths up to {widths[-1][0]}"
                )
            )
            print(f"torch per sample overtakes {who} {where}")
    first = results[rows_spec[0][0]]
    steps_per_s = 1.0 / rep.median(first["ours"])
    print(
        f"\nlive training, {rows_spec[0][0]} ({n} points): {steps_per_s:,.0f} steps per second "
        f"(fit, one full-batch step each); a live view drawing every step shows at most that "
        f"many frames per second, less its drawing time"
    )
    report.add("live training steps/s, 2-8-8-1", steps_per_s, f"{steps_per_s:,.0f}")

    sizes = [10**3, 10**4] if args.quick else [10**3, 10**4, 10**5, 10**6]
    print("\nchain x = x + y, forward + backward, GC off; median ns per node")
    chain_rows = []
    for size in sizes:
        reps = 1 if size >= 10**6 else 5
        ns = rep.median([chain_ns(size) for _ in range(reps)])
        chain_rows.append([f"{size:,}", f"{ns:,.0f}", str(reps)])
        report.add(f"chain {size:,} ns/node", ns, f"{ns:,.0f} ns")
    print(rep.table(["nodes", "ns per node", "runs"], chain_rows))
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
