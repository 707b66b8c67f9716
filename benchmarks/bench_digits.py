"""Digits, one sample per step: ours against a plain floor and PyTorch, epoch by epoch.

scikit-learn's 8x8 digits (``data.load_digits()``), split 1437 train / 360 test (80/20),
``MLP(64, [32, 10])`` with relu hidden units and 10 logits, cross-entropy, SGD on one
sample at a time, lr 0.05, every contender visiting the samples in the same order
(``fit``'s: shuffled by ``random.Random(0)``, as each ``fit(..., epochs=1)`` call does).

1. Ten epochs, the contenders alternating epoch by epoch, each in a process of its own
   (CPU time), all from the same weights:

   * ours: ``fit(model, X, y, loss="cross_entropy", lr=0.05, epochs=1, batch_size=1)``
     per epoch;
   * the floor, written plainly (``floor.py``'s ``sgd_cross_entropy_plain``): the same
     steps in pure Python with hand-written gradients, a loop per index, as the moons
     floor is written;
   * PyTorch eager, float64, one thread: per-sample cross-entropy and torch.optim.SGD.

   After each epoch every contender reports its test accuracy (untimed). Targets: ours
   <= 1.5x the plain floor (median of the per-epoch ratios, issue 29) with the same test
   accuracy; <= 2 s per epoch; >= 95% test accuracy within 10 epochs.
2. micrograd 0.1.0 has no exp or log, so it cannot compute a cross-entropy: it runs the
   multiclass hinge loss beside ours on the same loss, 100 per-sample steps a round,
   EXTRAPOLATED to a full epoch (a micrograd epoch takes about a minute).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from typing import Any

import _harness as h
import _report as rep
from floor import Floor

from micrograd_like.data import load_digits, train_test_split
from micrograd_like.nn import MLP
from micrograd_like.train import fit

LR = 0.05
SEED = 0
EPOCHS = 10
CHUNK = 100
ONE_EPOCH: dict[str, Any] = {"epochs": 1, "batch_size": 1, "progress": False}
OURS, FLOOR, TORCH = "ours (fit)", "floor, written plainly", "torch"
SHORT = {OURS: "ours", FLOOR: "floor", TORCH: "torch"}
Split = tuple[list[list[float]], list[int], list[list[float]], list[int]]


def make_model() -> MLP:
    return MLP(64, [32, 10], init="kaiming", seed=SEED)


def digits(quick: bool) -> Split:
    """(X_train, y_train, X_test, y_test); --quick: 150 train and 50 test samples."""
    X, y = load_digits()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, seed=0)
    if quick:
        return Xtr[:150], ytr[:150], Xte[:50], yte[:50]
    return Xtr, ytr, Xte, yte


def epoch_order(n: int) -> list[int]:
    """The order ``fit(..., batch_size=1, epochs=1)`` visits n samples in (seed 0)."""
    order = list(range(n))
    random.Random(SEED).shuffle(order)
    return order


class Epochs:
    """A contender: each call trains one epoch, one sample per step, and returns the mean
    loss; :meth:`test_accuracy` (asked untimed) scores the test set."""

    def __init__(self, train: Callable[[], float], predict: Callable[[Any], int], test: Any):
        self.train, self.predict = train, predict
        self.X_test, self.y_test = test

    def __call__(self) -> float:
        return self.train()

    def test_accuracy(self) -> float:
        hits = sum(self.predict(x) == t for x, t in zip(self.X_test, self.y_test))
        return hits / len(self.y_test)


def ours_contender(quick: bool) -> Epochs:
    Xtr, ytr, Xte, yte = digits(quick)
    model = make_model()

    def train() -> float:
        return fit(model, Xtr, ytr, "cross_entropy", lr=LR, **ONE_EPOCH).loss[-1]

    def predict(x: Any) -> int:
        out = model(x)  # ten logits
        scores = [s.data for s in out] if isinstance(out, list) else [out.data]
        return max(range(len(scores)), key=scores.__getitem__)

    return Epochs(train, predict, (Xte, yte))


def floor_contender(quick: bool) -> Epochs:
    Xtr, ytr, Xte, yte = digits(quick)
    net = Floor.like(make_model())
    order = epoch_order(len(Xtr))
    return Epochs(lambda: net.sgd_cross_entropy_plain(Xtr, ytr, order, LR), net.predict, (Xte, yte))


def torch_contender(quick: bool) -> Epochs:
    """PyTorch eager, float64, one thread: per-sample cross-entropy and torch.optim.SGD."""
    import torch

    torch.set_num_threads(1)
    Xtr, ytr, Xte, yte = digits(quick)
    net = make_model().to_torch()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    xs = [torch.tensor([row], dtype=torch.float64) for row in Xtr]
    ts = [torch.tensor([t]) for t in ytr]
    cross_entropy = torch.nn.functional.cross_entropy
    order = epoch_order(len(Xtr))

    def train() -> float:
        total = 0.0
        for i in order:
            loss = cross_entropy(net(xs[i]), ts[i])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        return total / len(order)

    def predict(x: Any) -> int:
        with torch.no_grad():
            return int(net(torch.tensor([x], dtype=torch.float64)).argmax())

    return Epochs(train, predict, (Xte, yte))


def chunk_size(quick: bool) -> int:
    """Samples per round in part 2: 100 (--quick: 20)."""
    return 20 if quick else CHUNK


def ours_hinge_chunk(quick: bool) -> Callable[[], None]:
    """One call = ``fit`` over the first 100 training samples with the multiclass hinge."""
    Xtr, ytr, _, _ = digits(quick)
    X, y = Xtr[: chunk_size(quick)], ytr[: chunk_size(quick)]
    model = make_model()

    def run() -> None:
        fit(model, X, y, loss="multiclass_hinge", lr=LR, **ONE_EPOCH)

    return run


def micrograd_hinge_chunk(quick: bool) -> Callable[[], None]:
    """micrograd 0.1.0, per-sample SGD with the multiclass hinge loss (it has no exp/log),
    as its own code would write it, on the first 100 training samples."""
    from micrograd import nn as mg_nn

    Xtr, ytr, _, _ = digits(quick)
    X, y = Xtr[: chunk_size(quick)], ytr[: chunk_size(quick)]
    model = mg_nn.MLP(64, [32, 10])
    ref = make_model()
    for ls, ld in zip(ref.layers, model.layers):
        for ns, nd in zip(ls.neurons, ld.neurons):
            for ws, wd in zip(ns.w, nd.w):
                wd.data = ws.data
            nd.b.data = ns.b.data
    params = model.parameters()

    def run() -> None:
        for x, t in zip(X, y):
            scores = model(x)
            s_t = scores[t]
            loss = sum((s - s_t + 1.0).relu() for j, s in enumerate(scores) if j != t)
            model.zero_grad()
            loss.backward()
            for p in params:
                p.data -= LR * p.grad

    return run


def epochs_run(quick: bool, epochs: int) -> tuple[h.Timings, dict[str, list[float]]]:
    """Part 1: the timings per epoch, and every contender's test accuracy after each."""
    specs: h.Specs = {
        OURS: h.Spec(ours_contender, (quick,)),
        FLOOR: h.Spec(floor_contender, (quick,)),
        TORCH: h.Spec(torch_contender, (quick,)) if h.installed("torch") else None,
    }
    workers = h.Workers(specs)
    tests: dict[str, list[float]] = {name: [] for name in workers.conns}

    def after_round() -> None:
        for name, acc in workers.ask_all("test_accuracy").items():
            tests[name].append(acc)

    try:
        times, _ = h.run_rounds(workers, epochs, warmup=0, after_round=after_round)
    finally:
        workers.close()
    return times, tests


def main(argv: list[str] | None = None) -> int:
    args = h.parse_args(__doc__.splitlines()[0], argv)
    report = rep.Report("bench_digits")
    if not h.installed("sklearn"):
        why = h.skipped("scikit-learn")
        print(f"digits: {why}")
        for label in ("ours/floor", "micrograd/ours", "ours/torch"):
            print(rep.ratio_line(f"{label} [epoch]", None, missing=why))
        report.add("digits", None, why)
        report.save(args.json)
        return 0
    quick = args.quick
    epochs, rounds = (2, 1) if quick else (EPOCHS, 3)
    n_train = len(digits(quick)[0])

    # ---- 1. epoch by epoch ------------------------------------------------------------
    print(f"digits: {n_train} train samples, MLP(64, [32, 10]), cross-entropy, SGD lr={LR},")
    print(f"one sample per step; {epochs} epochs, the contenders alternating epoch by epoch,")
    print("each in a process of its own; test accuracy after each epoch (untimed)\n")
    times, tests = epochs_run(quick, epochs)
    names = list(times)
    rows = []
    for e in range(epochs):
        row: list[Any] = [e + 1]
        for name in names:
            row += [f"{times[name][e]:.2f}", f"{100 * tests[name][e]:.1f}%"]
        rows.append(row)
    headers = ["epoch"] + [f"{SHORT[name]} {what}" for name in names for what in ("s", "test")]
    print(rep.table(headers, rows))
    print()
    ratios = rep.per_round_ratios(times, OURS, FLOOR)
    print(rep.goal_line("ratio ours/floor [digits epoch, floor written plainly]", ratios, 1.5))
    report.add_goal("digits ours/floor [epoch, plain floor]", ratios, 1.5, "n/a")
    same = tests[OURS] == tests[FLOOR]
    print(
        f"test accuracy after each epoch, ours and the floor: "
        f"{'the same' if same else 'NOT the same'} (last: {100 * tests[OURS][-1]:.1f}% and "
        f"{100 * tests[FLOOR][-1]:.1f}%)"
    )
    report.add(
        "digits test accuracy, ours vs plain floor",
        tests[OURS][-1],
        f"{100 * tests[OURS][-1]:.1f}% and {100 * tests[FLOOR][-1]:.1f}%",
        f"the same after every epoch: {'PASS' if same else 'FAIL'}",
        goal=True,
    )
    r_torch = rep.per_round_ratios(times, OURS, TORCH)
    r_torch_value = rep.median(r_torch) if r_torch else None
    print(
        rep.ratio_line(
            "ours/torch [epoch, cross-entropy]", r_torch_value, missing=h.skipped("torch")
        )
    )
    report.add(
        "digits ours/torch epoch",
        r_torch_value,
        rep.fmt(r_torch_value, "x") if r_torch_value else h.skipped("torch"),
    )
    secs = rep.median(times[OURS])
    best = max(tests[OURS])
    reached = next((i + 1 for i, acc in enumerate(tests[OURS]) if acc >= 0.95), None)
    print(rep.target_line("ours seconds per epoch (median)", secs, 2.0, False, unit=" s"))
    print(
        rep.target_line(f"ours best test accuracy in {epochs} epochs", 100 * best, 95.0, unit="%")
    )
    print(f"first epoch with test accuracy >= 95%: {reached if reached else 'none'}")
    report.add(
        "digits ours s/epoch", secs, rep.fmt(secs, " s"), f"<= 2 s: {rep.verdict(secs, 2.0, False)}"
    )
    report.add(
        "digits ours best test accuracy",
        best,
        f"{100 * best:.1f}% (>= 95% at epoch {reached})" if reached else f"{100 * best:.1f}%",
        f">= 95%: {rep.verdict(best, 0.95, True)}",
    )

    # ---- 2. micrograd, on the multiclass hinge -------------------------------------------
    no_mg = h.skipped("micrograd")
    hinge: h.Specs = {
        "ours, multiclass hinge": h.Spec(ours_hinge_chunk, (quick,)),
        "micrograd, multiclass hinge": (
            h.Spec(micrograd_hinge_chunk, (quick,)) if h.installed("micrograd") else None
        ),
    }
    chunk = chunk_size(quick)
    scale = n_train / chunk
    print(f"\nmicrograd beside ours, multiclass hinge: {chunk} per-sample SGD steps a round,")
    print(f"median of {rounds} alternating rounds, EXTRAPOLATED x{scale:.2f} to one epoch")
    t, _ = h.alternate_workers(hinge, rounds=rounds, warmup=1)
    rows = []
    for name in hinge:
        s = t.median(name)
        rows.append([name, no_mg if s is None else rep.fmt(s * scale, " s (extrapolated)")])
    print(rep.table(["contender", "seconds per epoch"], rows))
    rs = rep.per_round_ratios(t, "micrograd, multiclass hinge", "ours, multiclass hinge")
    r_same = rep.median(rs) if rs else None
    print(rep.ratio_line("micrograd/ours [epoch, both multiclass hinge]", r_same, missing=no_mg))
    mg_s = t.median("micrograd, multiclass hinge")
    report.add(
        "digits micrograd s/epoch (extrapolated)",
        mg_s and mg_s * scale,
        rep.fmt(mg_s * scale, " s") if mg_s else no_mg,
    )
    report.add("digits micrograd/ours epoch", r_same, rep.fmt(r_same, "x") if r_same else no_mg)

    if args.profile:
        Xtr, ytr, _, _ = digits(quick)
        model = make_model()
        h.print_profile(
            lambda: fit(model, Xtr, ytr, loss="cross_entropy", lr=LR, **ONE_EPOCH),
            f"one digits epoch ({n_train} per-sample steps), fit",
        )
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
