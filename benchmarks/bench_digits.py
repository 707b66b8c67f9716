"""Digits: seconds per epoch and test accuracy of per-sample SGD, and the same side by side.

scikit-learn's 8x8 digits (``data.load_digits()``), split 1437 train / 360 test (80/20),
``MLP(64, [32, 10])`` with relu hidden units and 10 logits, cross-entropy, SGD on one
sample at a time (``fit(..., loss="cross_entropy", batch_size=1)``).

1. Ours, 10 epochs: seconds per epoch (test evaluation not timed) and test accuracy after
   each epoch. Targets: <= 2 s per epoch; >= 95% test accuracy within 10 epochs.
2. Side by side, alternating rounds: 100 per-sample SGD steps of ours, of micrograd 0.1.0
   and of PyTorch (eager, float64, one thread), each EXTRAPOLATED to a full 1437-sample
   epoch. micrograd 0.1.0 has no exp or log, so it cannot compute a cross-entropy: its
   steps use the multiclass hinge loss, and ours is also timed with that loss.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import _harness as h

from micrograd_like.data import load_digits, train_test_split
from micrograd_like.nn import MLP
from micrograd_like.train import History, accuracy, fit

LR = 0.05
SEED = 0
EPOCHS = 10


def make_model() -> MLP:
    return MLP(64, [32, 10], init="kaiming", seed=SEED)


def train_ours(
    Xtr: list[list[float]], ytr: list[int], Xte: list[list[float]], yte: list[int], epochs: int
) -> list[tuple[float, float, float]]:
    """fit for ``epochs`` epochs; per epoch: (seconds, train accuracy, test accuracy)."""
    model = make_model()
    rows: list[tuple[float, float, float]] = []
    mark = [h.now()]

    def after_epoch(hist: History) -> None:
        seconds = h.now() - mark[0]
        test = accuracy(model, Xte, yte)  # untimed
        rows.append((seconds, hist.accuracy[-1], test if test is not None else float("nan")))
        mark[0] = h.now()

    fit(
        model,
        Xtr,
        ytr,
        loss="cross_entropy",
        lr=LR,
        epochs=epochs,
        batch_size=1,
        progress=False,
        callback=after_epoch,
    )
    return rows


def ours_chunk(X: list[list[float]], y: list[int], loss: str) -> Callable[[], None]:
    """One call = one epoch of fit over the chunk, one sample per step."""
    model = make_model()

    def run() -> None:
        fit(model, X, y, loss=loss, lr=LR, epochs=1, batch_size=1, progress=False)

    return run


def micrograd_chunk(mg_nn: Any, X: list[list[float]], y: list[int]) -> Callable[[], None]:
    """micrograd 0.1.0, per-sample SGD with the multiclass hinge loss (it has no exp/log)."""
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


def torch_chunk(torch: Any, X: list[list[float]], y: list[int]) -> Callable[[], None]:
    """PyTorch eager, float64, one thread: per-sample cross-entropy and torch.optim.SGD."""
    torch.set_num_threads(1)
    net = make_model().to_torch()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    xs = [torch.tensor([row], dtype=torch.float64) for row in X]
    ts = [torch.tensor([t]) for t in y]
    cross_entropy = torch.nn.functional.cross_entropy

    def run() -> None:
        for x, t in zip(xs, ts):
            loss = cross_entropy(net(x), t)
            opt.zero_grad()
            loss.backward()
            opt.step()

    return run


def main(argv: list[str] | None = None) -> int:
    args = h.parse_args(__doc__.splitlines()[0], argv)
    quick = args.quick
    report = h.Report("bench_digits")
    try:
        X, y = load_digits()
    except ImportError:
        why = h.skipped("scikit-learn")
        print(f"digits: {why}")
        for label in ("micrograd/ours", "ours/torch"):
            print(h.ratio_line(f"{label} [epoch]", None, missing=why))
        report.add("digits", None, why)
        report.save(args.json)
        return 0
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, seed=0)
    epochs, chunk, rounds, warmup = EPOCHS, 100, 3, 1
    if quick:
        Xtr, ytr, Xte, yte = Xtr[:150], ytr[:150], Xte[:50], yte[:50]
        epochs, chunk, rounds, warmup = 2, 5, 1, 0
    n_train = len(Xtr)

    # ---- 1. ours, full training ---------------------------------------------------------
    print(f"digits: {n_train} train / {len(Xte)} test, MLP(64, [32, 10]), cross-entropy,")
    print(f"SGD lr={LR}, batch_size=1 (one sample per step), {epochs} epochs\n")
    per_epoch = train_ours(Xtr, ytr, Xte, yte, epochs)
    rows = [
        [i + 1, f"{s:.2f}", f"{100 * tr:.1f}%", f"{100 * te:.1f}%"]
        for i, (s, tr, te) in enumerate(per_epoch)
    ]
    print(h.table(["epoch", "seconds", "train accuracy", "test accuracy"], rows))
    secs = h.median([s for s, _, _ in per_epoch])
    best = max(te for _, _, te in per_epoch)
    reached = next((i + 1 for i, (_, _, te) in enumerate(per_epoch) if te >= 0.95), None)
    print(h.target_line("ours seconds per epoch (median)", secs, 2.0, False, unit=" s"))
    print(h.target_line(f"ours best test accuracy in {epochs} epochs", 100 * best, 95.0, unit="%"))
    print(f"first epoch with test accuracy >= 95%: {reached if reached else 'none'}")
    report.add(
        "digits ours s/epoch", secs, h.fmt(secs, " s"), f"<= 2 s: {h.verdict(secs, 2.0, False)}"
    )
    report.add(
        "digits ours best test accuracy",
        best,
        f"{100 * best:.1f}% (>= 95% at epoch {reached})" if reached else f"{100 * best:.1f}%",
        f">= 95%: {h.verdict(best, 0.95, True)}",
    )

    # ---- 2. side by side ------------------------------------------------------------
    mg_nn = h.optional_import("micrograd.nn")
    torch = h.optional_import("torch")
    Xc, yc = Xtr[:chunk], ytr[:chunk]
    contenders: dict[str, Any] = {
        "ours, cross-entropy": ours_chunk(Xc, yc, "cross_entropy"),
        "ours, multiclass hinge": ours_chunk(Xc, yc, "multiclass_hinge"),
        "micrograd, multiclass hinge": micrograd_chunk(mg_nn, Xc, yc) if mg_nn else None,
        "torch, cross-entropy": torch_chunk(torch, Xc, yc) if torch else None,
    }
    scale = n_train / chunk
    print(f"\nside by side: {chunk} per-sample SGD steps, median of {rounds} alternating rounds,")
    print(f"EXTRAPOLATED x{scale:.2f} to one {n_train}-sample epoch")
    t = h.alternate(contenders, rounds=rounds, warmup=warmup)
    epoch_s = {name: t.median(name) for name in contenders}
    for name in epoch_s:
        if epoch_s[name] is not None:
            epoch_s[name] = epoch_s[name] * scale
    rows = []
    for name, fn in contenders.items():
        if fn is None:
            missing = "micrograd" if name.startswith("micrograd") else "torch"
            rows.append([name, h.skipped(missing)])
        else:
            rows.append([name, h.fmt(epoch_s[name], " s (extrapolated)")])
    print(h.table(["contender", "seconds per epoch"], rows))
    no_mg, no_torch = h.skipped("micrograd"), h.skipped("torch")
    r_same = h.ratio(epoch_s["micrograd, multiclass hinge"], epoch_s["ours, multiclass hinge"])
    r_ce = h.ratio(epoch_s["micrograd, multiclass hinge"], epoch_s["ours, cross-entropy"])
    r_torch = h.ratio(epoch_s["ours, cross-entropy"], epoch_s["torch, cross-entropy"])
    print(h.ratio_line("micrograd/ours [epoch, both multiclass hinge]", r_same, missing=no_mg))
    print(h.ratio_line("micrograd/ours [epoch, ours cross-entropy]", r_ce, missing=no_mg))
    print(h.ratio_line("ours/torch [epoch, cross-entropy]", r_torch, missing=no_torch))
    mg_s = epoch_s["micrograd, multiclass hinge"]
    report.add(
        "digits micrograd s/epoch (extrapolated)", mg_s, h.fmt(mg_s, " s") if mg_s else no_mg
    )
    report.add("digits micrograd/ours epoch", r_same, h.fmt(r_same, "x") if r_same else no_mg)
    report.add("digits ours/torch epoch", r_torch, h.fmt(r_torch, "x") if r_torch else no_torch)

    if args.profile:
        model = make_model()
        h.print_profile(
            lambda: fit(
                model, Xtr, ytr, loss="cross_entropy", lr=LR, epochs=1, batch_size=1, progress=False
            ),
            f"one digits epoch ({n_train} per-sample steps), fit",
        )
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
