"""A tiny harness shared by the benchmark scripts.

* :func:`alternate` times several contenders *side by side in one run*: every round runs
  each contender once, in an order rotated from round to round, and the result is the
  median over the rounds. So a burst of noise from other processes hits every contender
  alike, and ratios are fair even on a busy machine.
* :func:`alternate_workers` does the same with every contender in a process of its own
  (:class:`Workers`), for workloads where the garbage collector is part of the cost.
* :func:`optional_import` imports micrograd or torch when installed; otherwise the
  contender is reported as ``skipped (<name> not installed)``.
* :func:`table`, :func:`ratio_line` print results; :class:`Report` collects the headline
  numbers that ``run_all.py`` puts in its summary table (``--json PATH``).

Timing rules: the heap is collected (``gc.collect()``) before every timed call, outside
the timing, so no contender pays for another's garbage; and :func:`alternate` freezes
the objects that exist before it starts (``gc.freeze()``: the imports, torch's ~170k
objects among them, and the set-up), so a contender that runs with the cyclic GC on
pays only for scanning its own objects, as in a fresh process.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import importlib.util
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any

Contender = Callable[[], "float | dict[str, float] | None"]
"""A zero-argument callable: one timed run. It may return its own measured seconds (a
float, to leave set-up out of the timing), or a dict of named parts ({"forward": s,
"backward": s}, the total being their sum); if it returns anything else (None) the
whole call is timed."""


now: Callable[[], float] = time.perf_counter
"""The clock every measurement reads: wall time, or with ``--clock cpu`` the process's
CPU time (``time.process_time``), which leaves out the time the process waits for a CPU
on a busy machine. Call it as ``h.now()`` (``--clock`` rebinds it)."""


def set_clock(name: str) -> None:
    """``"wall"`` (time.perf_counter, the default) or ``"cpu"`` (time.process_time)."""
    global now
    now = time.process_time if name == "cpu" else time.perf_counter


def skipped(name: str) -> str:
    """The text a column shows when a package is missing."""
    return f"skipped ({name} not installed)"


def optional_import(name: str) -> ModuleType | None:
    """``importlib.import_module(name)``, or None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def installed(name: str) -> bool:
    """Whether ``import name`` would find the package (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # e.g. an import hook that refuses the package
        return False


def add_clock_option(parser: argparse.ArgumentParser) -> None:
    """``--clock wall|cpu``, which every script and run_all.py take."""
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall time (default) or process CPU time (steadier on a busy machine)",
    )


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options every script takes: ``--quick``, ``--json PATH``, ``--profile``,
    ``--clock wall|cpu``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    parser.add_argument("--json", metavar="PATH", help="write the headline numbers here")
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of ours (top 15 tottime)"
    )
    add_clock_option(parser)
    args = parser.parse_args(argv)
    set_clock(args.clock)
    print(f"[clock: {args.clock} time]")
    return args


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------


class Timings(dict[str, list[float]]):
    """{contender: [seconds per round]}, plus ``parts``: {contender: {part: [seconds]}}."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        super().__init__((name, []) for name in names)
        self.parts: dict[str, dict[str, list[float]]] = {name: {} for name in self}

    def median(self, name: str, part: str | None = None) -> float | None:
        """Median seconds of a contender (or of one part of it); None if it did not run."""
        if name not in self:
            return None
        xs = self[name] if part is None else self.parts.get(name, {}).get(part, [])
        return median(xs) if xs else None


def run_once(fn: Contender) -> tuple[float, dict[str, float]]:
    """Seconds for one call of ``fn`` (or what it reports itself), and its parts."""
    gc.collect()
    t0 = now()
    measured = fn()
    elapsed = now() - t0
    if isinstance(measured, dict):
        return sum(measured.values()), measured
    if isinstance(measured, (int, float)) and not isinstance(measured, bool):
        return float(measured), {}
    return elapsed, {}  # None, or whatever the call returned: the whole call is timed


def alternate(
    contenders: dict[str, Contender | None],
    rounds: int,
    warmup: int = 1,
    after: Callable[[], None] | None = None,
) -> Timings:
    """Time every contender once per round, rotating their order; return all the times.

    Contenders that are None (not installed) are left out of the result. ``warmup``
    rounds run first and are not recorded. ``after`` runs after every call, untimed.
    """
    live = {name: fn for name, fn in contenders.items() if fn is not None}
    times = Timings(live)
    gc.collect()
    gc.freeze()  # the set-up and the imports are not the contenders' garbage to scan
    try:
        for name, recorded in _schedule(list(live), rounds, warmup):
            total, parts = run_once(live[name])
            if after is not None:
                after()
            if recorded:
                times[name].append(total)
                for part, t in parts.items():
                    times.parts[name].setdefault(part, []).append(t)
    finally:
        gc.unfreeze()
    return times


def _schedule(names: list[str], rounds: int, warmup: int) -> Iterator[tuple[str, bool]]:
    """(name, recorded) for every call: ``warmup + rounds`` rounds, each calling every
    contender once in an order rotated by one from the round before; the ``warmup``
    rounds are not recorded."""
    for r in range(warmup + rounds):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            yield name, r >= warmup


# --------------------------------------------------------------------------------------
# Contenders in processes of their own
# --------------------------------------------------------------------------------------

Factory = Callable[..., Callable[[], Any]]
"""A module-level function that builds a contender in its worker process (so it can be
named across processes): ``factory(*args)`` returns the zero-argument call to time."""


def _worker(conn: Any, factory: Factory, args: tuple[Any, ...], clock: str) -> None:
    """A contender's process: build it, then time one call per request, until None.

    A request is ``"run"`` (call ``fn()``) or a tuple ``(skip, arg)``: run ``fn(arg)``
    ``skip`` times untimed, then once timed (``arg`` None: ``fn()``).
    """
    import traceback

    set_clock(clock)
    try:
        fn = factory(*args)
        conn.send(("ready", None))
        while (request := conn.recv()) is not None:
            skip, arg = (0, None) if request == "run" else request
            call = fn if arg is None else functools.partial(fn, arg)
            for _ in range(skip):
                call()
            t0 = now()
            value = call()
            conn.send(("timed", (now() - t0, value)))
    except Exception:
        conn.send(("failed", traceback.format_exc()))  # the parent raises it, named
    conn.close()


class Workers:
    """Contenders that each live in a process of their own, as in real use.

    Every contender's process imports only what it needs (torch's ~170k objects live in
    the torch contender's heap alone), and its garbage collector sees only its own
    objects, on their natural schedule: nothing is collected for it between calls. So a
    contender whose graphs are reference cycles (micrograd) pays for collecting them,
    as it does in a training loop, and no contender pays for another's garbage.
    """

    def __init__(self, factories: dict[str, tuple[Factory, tuple[Any, ...]] | None]) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter, not a fork
        clock = "cpu" if now is time.process_time else "wall"
        self.conns: dict[str, Any] = {}
        self.procs: list[Any] = []
        for name, spec in factories.items():
            if spec is None:
                continue
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child, spec[0], spec[1], clock), daemon=True)
            proc.start()
            self.conns[name] = parent
            self.procs.append(proc)
        for name in self.conns:
            self._receive(name)  # ("ready", None)

    def _receive(self, name: str) -> Any:
        """What the worker sent next; if it failed, stop every worker and raise its traceback."""
        tag, payload = self.conns[name].recv()
        if tag == "failed":
            self.close()
            raise RuntimeError(f"benchmark contender {name!r} failed in its process:\n{payload}")
        return payload

    def call(self, name: str, arg: Any = None, skip: int = 0) -> tuple[float, Any]:
        """Seconds one call of ``name`` (with ``arg``, after ``skip`` untimed calls) took
        in its process, and what it returned."""
        self.conns[name].send((skip, arg))
        seconds, value = self._receive(name)
        return seconds, value

    def close(self) -> None:
        """Stop every worker (again is harmless)."""
        for conn in self.conns.values():
            try:
                conn.send(None)
            except OSError:  # that worker has already stopped
                pass
        for proc in self.procs:
            proc.join(timeout=30)
        self.conns, self.procs = {}, []


def alternate_workers(
    factories: dict[str, tuple[Factory, tuple[Any, ...]] | None], rounds: int, warmup: int = 1
) -> tuple[Timings, dict[str, Any]]:
    """:func:`alternate` with every contender in its own process (see :class:`Workers`).

    Returns the timings and, per contender, the value its first call returned.
    """
    workers = Workers(factories)
    times = Timings(workers.conns)
    first: dict[str, Any] = {}
    try:
        for name, recorded in _schedule(list(workers.conns), rounds, warmup):
            seconds, value = workers.call(name)
            first.setdefault(name, value)
            if recorded:
                times[name].append(seconds)
    finally:
        workers.close()
    return times, first


def per_round_ratios(times: dict[str, list[float]], num: str, den: str) -> list[float]:
    """times[num][r] / times[den][r] for every round r both ran (they ran side by side)."""
    return [a / b for a, b in zip(times.get(num, []), times.get(den, [])) if b > 0.0]


def rounds_line(label: str, ratios: Sequence[float], bound: float, share: float) -> str:
    """``label: 0.81x (median), <= 1.0 in 87 of 100 rounds   (target >= 80%: PASS)``."""
    if not ratios:
        return f"{label}: n/a"
    met = sum(r <= bound for r in ratios)
    ok = met >= share * len(ratios)
    return (
        f"{label}: {median(ratios):.3g}x (median), <= {bound:g} in {met} of {len(ratios)} "
        f"rounds   (target >= {share:.0%} of rounds: {'PASS' if ok else 'FAIL'})"
    )


def median(xs: Sequence[float]) -> float:
    """The median, or NaN for an empty list."""
    return statistics.median(xs) if xs else math.nan


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    """{contender: median seconds}."""
    return {name: median(ts) for name, ts in times.items()}


@contextmanager
def gc_disabled() -> Iterator[None]:
    """Turn the cyclic garbage collector off inside the block (restored after)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def recursion_limit(limit: int) -> Iterator[None]:
    """Raise ``sys.setrecursionlimit`` inside the block (micrograd's backward recurses)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


# --------------------------------------------------------------------------------------
# Printing
# --------------------------------------------------------------------------------------


def fmt(x: float | None, unit: str = "", digits: int = 3) -> str:
    """A number with ``digits`` significant digits and a unit; '-' for None/NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if abs(x) >= 10**digits:
        return f"{x:,.0f}{unit}"
    return f"{x:.{digits}g}{unit}"


def ns(seconds: float | None) -> str:
    """Seconds as whole nanoseconds: 1.234e-6 -> '1,234'; '-' for None."""
    return "-" if seconds is None else f"{1e9 * seconds:,.0f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A markdown table, columns padded so it also reads well as plain text."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def ratio(num: float | None, den: float | None) -> float | None:
    """num / den, or None when either is missing."""
    if num is None or den is None or math.isnan(num) or math.isnan(den) or den == 0.0:
        return None
    return num / den


def verdict(value: float | None, target: float, at_least: bool) -> str:
    """PASS/FAIL of ``value`` against ``target`` (``>=`` if at_least else ``<=``)."""
    if value is None:
        return "n/a"
    ok = value >= target if at_least else value <= target
    return "PASS" if ok else "FAIL"


def target_line(
    label: str,
    value: float | None,
    target: float | None = None,
    at_least: bool = True,
    missing: str = "",
    unit: str = "",
) -> str:
    """``label: 612 ns   (target <= 1000 ns: PASS)``, or why the value is missing."""
    head = f"{label}: "
    if value is None:
        return head + (missing or "n/a")
    text = head + fmt(value, unit)
    if target is not None:
        sign = ">=" if at_least else "<="
        text += f"   (target {sign} {target:g}{unit}: {verdict(value, target, at_least)})"
    return text


def ratio_line(
    label: str,
    value: float | None,
    target: float | None = None,
    at_least: bool = True,
    missing: str = "",
) -> str:
    """``ratio micrograd/ours: 41.3x   (target >= 30x: PASS)``, or why it is missing."""
    return target_line(f"ratio {label}", value, target, at_least, missing, unit="x")


class Report:
    """Headline numbers of one script: ``add(key, value, text)``; ``save(path)`` as JSON."""

    def __init__(self, script: str) -> None:
        self.script = script
        self.headlines: list[dict[str, Any]] = []

    def add(self, key: str, value: float | str | None, text: str, target: str = "") -> None:
        """One summary-table row: a key, its value, how to show it, and the target."""
        self.headlines.append({"key": key, "value": value, "text": text, "target": target})

    def save(self, path: str | None) -> None:
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"script": self.script, "headlines": self.headlines}, f, indent=1)


def print_profile(fn: Callable[[], Any], title: str, top: int = 15) -> None:
    """Run ``fn`` under cProfile and print the ``top`` functions by own time (tottime)."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    with gc_disabled():
        profiler.enable()
        fn()
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    print(f"\n--- cProfile: {title} (top {top} by tottime) ---")
    lines = out.getvalue().splitlines()
    start = next((i for i, s in enumerate(lines) if "ncalls" in s), 0)
    print("\n".join(s for s in lines[start - 2 if start >= 2 else 0 :] if s.strip()))
