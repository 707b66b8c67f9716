"""Depth: a chain of 1,000,000 nodes forward and backward (ours), and micrograd's limit.

Ours walks the graph iteratively, so depth is limited by memory only: the script times
building a 1,000,000-add chain, its backward, and freeing it (``del``, by reference
counting). micrograd 0.1.0 sorts the graph recursively: the deepest chain whose
``backward()`` works under the default recursion limit is found by bisection.
"""

from __future__ import annotations

import sys
from typing import Any

import _harness as h
import _report as rep

from micrograd_like.engine import Value


def chain(V: Any, n: int) -> Any:
    x, y = V(0.5), V(1e-6)
    for _ in range(n):
        x = x + y
    return x


def time_ours(n: int) -> dict[str, float]:
    """Seconds to build, differentiate and free an n-add chain (cyclic GC off)."""
    with h.gc_disabled():
        t0 = h.now()
        x = chain(Value, n)
        t1 = h.now()
        x.backward()
        t2 = h.now()
        ok = x.grad == 1.0
        del x
        t3 = h.now()
    if not ok:
        raise AssertionError("the chain's backward gave a wrong gradient")
    return {"forward": t1 - t0, "backward": t2 - t1, "free": t3 - t2}


def backward_works(V: Any, n: int) -> bool:
    """Does micrograd's backward() of an n-add chain finish without RecursionError?"""
    x = chain(V, n)
    try:
        x.backward()
    except RecursionError:
        return False
    return True


def deepest(V: Any, hi: int) -> tuple[int, int]:
    """The largest n <= hi whose backward works (bisection); and how many tries it took."""
    lo, tries = 1, 0  # backward_works(V, lo) is True
    while hi - lo > 1:
        mid = (lo + hi) // 2
        tries += 1
        if backward_works(V, mid):
            lo = mid
        else:
            hi = mid
    return lo, tries


def main(argv: list[str] | None = None) -> int:
    args = h.parse_args(__doc__.splitlines()[0], argv)
    n, rounds = (20_000, 1) if args.quick else (1_000_000, 3)
    report = rep.Report("bench_depth")
    mg = h.optional_import("micrograd.engine")
    no_mg = h.skipped("micrograd")

    print(f"depth: a chain of {n:,} adds, ours (median of {rounds}, cyclic GC off)")
    t = h.alternate({"ours": lambda: time_ours(n)}, rounds=rounds, warmup=0)
    parts = {p: t.median("ours", p) for p in ("forward", "backward", "free")}
    total = t.median("ours")
    rows = [[p, rep.fmt(s, " s"), rep.ns(None if s is None else s / n)] for p, s in parts.items()]
    rows.append(["total", rep.fmt(total, " s"), rep.ns(None if total is None else total / n)])
    print(rep.table(["stage", "seconds", "ns per node"], rows))
    fb = (parts["forward"] or 0.0) + (parts["backward"] or 0.0)
    print(rep.target_line(f"ours {n:,}-node chain, forward + backward", fb, unit=" s"))
    report.add(f"depth {n:,}-node chain fwd+bwd (ours)", fb, rep.fmt(fb, " s"), "completes")

    limit = sys.getrecursionlimit()
    print(f"\nmicrograd: deepest chain whose backward() works at recursion limit {limit}")
    if mg is None:
        print(f"micrograd deepest chain: {no_mg}")
        print(rep.ratio_line("ours/micrograd [max depth tested]", None, missing=no_mg))
        report.add("depth micrograd deepest chain", None, no_mg)
    else:
        depth, tries = deepest(mg.Value, hi=4 * limit)
        print(f"micrograd deepest chain: {depth:,} nodes ({tries} tries by bisection)")
        r = n / depth
        print(rep.ratio_line("ours/micrograd [max depth tested]", r))
        report.add("depth micrograd deepest chain", depth, f"{depth:,} nodes")
    report.save(args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
