"""This checkout against another revision, side by side: the moons step and the chains.

    .venv/bin/python benchmarks/compare_revisions.py --base 70b5f4b   # `make bench-vs BASE=...`

The other revision is checked out in a temporary git worktree. For each workload the two
contenders run in alternation, ``--rounds`` times, each round in a fresh process of its
own (the base's package first on ``sys.path``), so a slow minute on a shared machine
falls on both. Each process times its workload with the CPU clock after a warm-up, and
the table gives each side's median, the median of the per-round ratios and how many
rounds stayed within ``--budget`` (5% by default).

Workloads (moons: make_moons(100, noise=0.1, seed=0), MLP(2, [16, 16, 1])):

* ``demo``: micrograd's demo step, its own code with our Value (forward, hinge loss and
  L2 written with operators, backward, SGD by hand), per step over 40 steps;
* ``fit``: ``fit(model, X, y, loss="hinge", l2=1e-4, epochs=40)``, per epoch;
* ``chain+`` and ``chain*``: ``x = x + y`` (and ``x * y``) 100,000 times, then
  ``backward()``, the best of three.

Both sides must compute the same final loss; the script says so when they do not.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = ["demo", "fit", "chain+", "chain*"]


def _moons() -> tuple[list[list[float]], list[float]]:
    from micrograd_like.data import make_moons, signed_labels

    X, y01 = make_moons(100, noise=0.1, seed=0)
    return X, signed_labels(y01)


def _demo() -> dict[str, float]:
    from micrograd_like.engine import Value
    from micrograd_like.nn import MLP

    X, y = _moons()
    model = MLP(2, [16, 16, 1], seed=1337)

    def step(k: int) -> float:
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        total = sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        return float(total.data)

    step(0)
    start = time.process_time()
    loss = [step(k) for k in range(1, 41)][-1]
    return {"seconds": (time.process_time() - start) / 40, "loss": loss}


def _fit() -> dict[str, float]:
    from micrograd_like.nn import MLP
    from micrograd_like.optim import SGD
    from micrograd_like.train import fit

    X, y = _moons()
    model = MLP(2, [16, 16, 1], seed=0)
    fit(model, X, y, loss="hinge", l2=1e-4, epochs=1, progress=False)
    start = time.process_time()
    opt = SGD(model.parameters(), lr=0.5)
    history = fit(model, X, y, loss="hinge", l2=1e-4, epochs=40, progress=False, optimizer=opt)
    return {"seconds": (time.process_time() - start) / 40, "loss": history.loss[-1]}


def _chain(op: str) -> dict[str, float]:
    from micrograd_like.engine import Value

    best = []
    for _ in range(3):
        gc.collect()
        gc.disable()
        x, y = Value(0.5), Value(1.0 if op == "*" else 1e-3)
        start = time.process_time()
        for _ in range(100_000):
            x = x * y if op == "*" else x + y
        x.backward()
        best.append(time.process_time() - start)
        del x
        gc.enable()
    return {"seconds": min(best), "loss": 0.0}


def worker(workload: str) -> dict[str, float]:
    """Run one workload in this process (its package comes from PYTHONPATH)."""
    if workload == "demo":
        return _demo()
    if workload == "fit":
        return _fit()
    return _chain(workload[-1])


def run(tree: Path, workload: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "MICROGRAD_LIKE_REFERENCE": ""}
    out = subprocess.run(
        [sys.executable, __file__, "--worker", workload],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def compare(base: Path, rounds: int, budget: float, workloads: list[str]) -> list[dict[str, Any]]:
    rows = []
    for workload in workloads:
        times: dict[str, list[float]] = {"base": [], "this": []}
        losses: dict[str, float] = {}
        for r in range(rounds):
            order = [("base", base), ("this", ROOT)]
            for name, tree in order if r % 2 == 0 else order[::-1]:
                result = run(tree, workload)
                times[name].append(result["seconds"])
                losses[name] = result["loss"]
        ratios = [t / b for t, b in zip(times["this"], times["base"])]
        rows.append(
            {
                "workload": workload,
                "base": statistics.median(times["base"]),
                "this": statistics.median(times["this"]),
                "ratio": statistics.median(ratios),
                "within": sum(r <= 1.0 + budget for r in ratios),
                "rounds": rounds,
                "same_loss": losses["base"] == losses["this"],
            }
        )
        row = rows[-1]
        print(
            f"{workload:8s} base {row['base'] * 1e3:9.3f} ms   this {row['this'] * 1e3:9.3f} ms   "
            f"this/base median {row['ratio']:.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}); "
            f"{row['within']}/{rounds} rounds within {budget:.0%}"
            + ("" if row["same_loss"] else f"   LOSSES DIFFER: {losses}"),
            flush=True,
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="the revision to compare with (a commit, tag or branch)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--budget", type=float, default=0.05, help="the allowed slow-down")
    parser.add_argument("--only", default=",".join(WORKLOADS), help="workloads, comma-separated")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return 0
    if not args.base:
        parser.error("--base REVISION is required")
    workloads = args.only.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "base"
        subprocess.run(
            [
                "git",
                "-C",
                str(ROOT),
                "worktree",
                "add",
                "--detach",
                "--quiet",
                str(tree),
                args.base,
            ],
            check=True,
        )
        try:
            print(
                f"{args.base} (base) against this checkout, {args.rounds} alternating rounds, CPU time"
            )
            compare(tree, args.rounds, args.budget, workloads)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
