"""Memory per graph node (tracemalloc), and whether a graph is freed without the cyclic GC.

A chain ``x = x + y`` (and ``x = x * y``) with ``y`` a fixed leaf makes one node per
step. For ours and micrograd 0.1.0 it reports the bytes traced per node after the
forward pass, after ``backward()`` (each node now holds its own gradient), and the extra
peak while backward runs (its topological order). Then, with ``gc.disable()``, the last
reference is dropped (``del``): ours must go back to the baseline by reference counting
alone; micrograd's nodes are kept alive by the reference cycles of their ``_backward``
closures until ``gc.collect()``.

micrograd's chains are capped at 10,000 nodes: its backward recurses once per node, and
tracemalloc walks the whole Python stack at every allocation, so a deeper chain takes
quadratic time to measure (bytes per node do not depend on the length).

Then the graph of one moons training step (bench_moons.py's demo code: 100 samples
through MLP(2, [16, 16, 1]), the hinge loss and L2), built after a weight update as in
training: bytes traced while it is built, per node of the graph.

Target: <= 216 bytes per node (ours, after forward). On Python 3.11 a Value that takes
attributes (a ``__dict__``) costs 112 bytes before its number and its two tuples, so
the ``*`` chain's node, whose parents and local derivatives are two 2-tuples, takes 248.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import _harness as h
import _report as rep

from micrograd_like.engine import Value

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda x, y: x + y,
    "*": lambda x, y: x * y,
}
TARGET = 216.0
MICROGRAD_MAX = 10_000


def alive(V: Any) -> int:
    """How many instances of V exist (the cyclic GC tracks them even while disabled)."""
    return sum(1 for o in gc.get_objects() if o.__class__ is V)


def measure(V: Any, op: Callable[[Any, Any], Any], n: int) -> dict[str, float]:
    """Bytes per node at each stage of one chain of n nodes (GC off throughout).

    Whether the graph was freed is judged by counting live Value instances, not bytes:
    freed small tuples and floats go to CPython's free lists, which tracemalloc still counts.
    """
    with h.gc_disabled(), h.recursion_limit(n + 1000):
        gc.collect()
        nodes0 = alive(V)
        x, y = V(0.5), V(1.0)
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(n):
            x = op(x, y)
        built = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        x.backward()
        after_bwd, peak = tracemalloc.get_traced_memory()
        del x
        kept = alive(V) - nodes0 - 1  # y is still alive
        gc.collect()
        kept_gc = alive(V) - nodes0 - 1
    graph = built - base
    return {
        "forward": graph / n,
        "backward": (after_bwd - base) / n,
        "peak": (peak - after_bwd) / n,
        "kept": kept,
        "kept_gc": kept_gc,
    }


def moons_step(n: int) -> tuple[float, int]:
    """(bytes per node, nodes) of the graph of one moons step of the demo code, built
    after a weight update (so the neurons' shared weights are made anew, as in training)."""
    from micrograd_like.data import make_moons, signed_labels
    from micrograd_like.engine import topological_order
    from micrograd_like.nn import MLP

    X, y01 = make_moons(n, noise=0.1)
    y = signed_labels(y01)
    model = MLP(2, [16, 16, 1], seed=1337)

    def build() -> Value:
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        return data_loss + 1e-4 * sum(p * p for p in model.parameters())

    with h.gc_disabled():
        build()  # warm-up
        for p in model.parameters():
            p.data += 1e-9
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        total = build()
        built = tracemalloc.get_traced_memory()[0]
        nodes = len(topological_order(total))
        del total
    gc.collect()
    return (built - base) / nodes, nodes


def main(argv: list[str] | None = None) -> int:
    args = h.parse_args(__doc__.splitlines()[0], argv)
    n = 2_000 if args.quick else 100_000
    report = rep.Report("bench_memory")
    mg = h.optional_import("micrograd.engine")
    no_mg = h.skipped("micrograd")
    engines: dict[str, Any] = {"ours": Value, "micrograd": mg.Value if mg else None}

    sizes = f"{n:,} nodes (micrograd: {min(n, MICROGRAD_MAX):,})"
    print(f"memory per node: chains of {sizes}, tracemalloc, cyclic GC off\n")
    tracemalloc.start()
    results: dict[tuple[str, str], dict[str, float]] = {}
    rows = []
    for op_name, op in OPS.items():
        for engine, V in engines.items():
            if V is None:
                rows.append([engine, op_name, no_mg, "", "", "", ""])
                continue
            size = n if engine == "ours" else min(n, MICROGRAD_MAX)
            measure(V, op, min(size, 1_000))  # warm-up: first-call caches are not the graph
            r = measure(V, op, size)
            results[engine, op_name] = r
            freed = "yes" if r["kept"] == 0 else f"no: {r['kept']:,.0f} nodes kept"
            rows.append(
                [
                    engine,
                    op_name,
                    f"{r['forward']:.0f}",
                    f"{r['backward']:.0f}",
                    f"{r['peak']:.0f}",
                    freed,
                    f"{r['kept_gc']:,.0f} nodes left",
                ]
            )
    per_node, nodes = moons_step(20 if args.quick else 100)
    tracemalloc.stop()
    headers = [
        "engine",
        "op",
        "B/node after forward",
        "after backward",
        "extra peak in backward",
        "freed on del (GC off)",
        "after gc.collect()",
    ]
    print(rep.table(headers, rows))
    print()
    for op_name in OPS:
        ours = results["ours", op_name]
        whole = float(round(ours["forward"]))  # whole bytes: a one-off 64 B is not per node
        line = rep.target_line(
            f"ours bytes per node [{op_name} chain]", whole, TARGET, False, unit=" B"
        )
        print(line)
        report.add(
            f"memory ours B/node {op_name} chain",
            ours["forward"],
            f"{ours['forward']:.0f} B",
            f"<= 216 B: {rep.verdict(whole, TARGET, False)}",
            goal=True,
        )
        theirs = results.get(("micrograd", op_name))
        r = rep.ratio(theirs["forward"], ours["forward"]) if theirs else None
        print(rep.ratio_line(f"micrograd/ours [bytes per node, {op_name} chain]", r, missing=no_mg))
        if theirs:
            report.add(
                f"memory micrograd B/node {op_name} chain",
                theirs["forward"],
                f"{theirs['forward']:.0f} B",
            )
    whole = float(round(per_node))
    line = rep.target_line(
        "ours bytes per node [moons step, demo code]", whole, TARGET, False, unit=" B"
    )
    print(f"{line}   ({nodes:,} nodes)")
    report.add(
        "memory ours B/node moons step",
        per_node,
        f"{per_node:.0f} B",
        f"<= 216 B: {rep.verdict(whole, TARGET, False)}",
        goal=True,
    )
    freed = results["ours", "+"]["kept"] == 0 and results["ours", "*"]["kept"] == 0
    print(f"ours freed by reference counting alone (gc.disable(), del): {'yes' if freed else 'NO'}")
    answer = "yes" if freed else "NO"
    report.add("memory ours graph freed by refcount (GC off)", answer, answer)
    if ("micrograd", "+") in results:
        kept = results["micrograd", "+"]["kept"]
        print(f"micrograd freed by reference counting alone: {kept:,.0f} nodes kept until gc")
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
