"""A tiny harness shared by the benchmark scripts.

* :func:`alternate` times several contenders *side by side in one run*: every round runs
  each contender once, in an order rotated from round to round, and the result is the
  median over the rounds. So a burst of noise from other processes hits every contender
  alike, and ratios are fair even on a busy machine.
* :func:`alternate_workers` does the same with every contender in a process of its own
  (:class:`Workers`, built from a :class:`Spec`), for workloads where the garbage
  collector is part of the cost, or where a contender needs its own environment
  (``MICROGRAD_LIKE_REFERENCE=1``). :meth:`Workers.ask` asks a contender, untimed, for
  what it ended with (a final loss, a test accuracy).
* :func:`optional_import` imports micrograd or torch when installed; otherwise the
  contender is reported as ``skipped (<name> not installed)``.
* what the scripts print (tables, ratios, targets met, the summary) is :mod:`_report`'s.

Timing rules. In one process (:func:`alternate`) the heap is collected (``gc.collect()``)
before every timed call, outside the timing, so no contender pays for another's
garbage, and the objects that exist before it starts are frozen (``gc.freeze()``: the
imports, torch's ~170k objects among them, and the set-up), so a contender that runs
with the cyclic GC on pays only for scanning its own objects. In processes of their own
(:class:`Workers`) each contender has its own heap: with the GC on (``Spec.gc``, the
default) it pays for its own collections inside its timing; with it off the collection
runs after the clock stops and is timed apart (``"collect after"``).
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import Any, NamedTuple

from _report import median

Contender = Callable[[], "float | dict[str, float] | None"]
"""A zero-argument callable: one timed run. It may return its own measured seconds (a
float, to leave set-up out of the timing), or a dict of named parts ({"forward": s,
"backward": s}, the total being their sum); if it returns anything else (None) the
whole call is timed."""


now: Callable[[], float] = time.process_time
"""The clock every measurement reads: the process's CPU time (``time.process_time``, the
default), which leaves out the time the process waits for a CPU on a busy machine, or
with ``--clock wall`` wall time. Call it as ``h.now()`` (``--clock`` rebinds it)."""


def set_clock(name: str) -> None:
    """``"cpu"`` (time.process_time, the default) or ``"wall"`` (time.perf_counter)."""
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
    """``--clock cpu|wall``, which every script and run_all.py take."""
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="process CPU time (default: steady on a busy machine) or wall time",
    )


def parse_args(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options every script takes: ``--quick``, ``--json PATH``, ``--profile``,
    ``--clock cpu|wall``."""
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

Factory = Callable[..., Callable[..., Any]]
"""A module-level function that builds a contender in its worker process (so it can be
named across processes): ``factory(*args)`` returns the call to time."""


class Spec(NamedTuple):
    """How to build one contender in its own process, and how to run it there.

    * ``gc``: ``"on"`` (the default) leaves the cyclic garbage collector to its natural
      schedule, inside the timing, as in a training loop; ``"off"`` disables it for the
      timed call and, after the clock has stopped, runs the collection that the call
      put off (``gc.collect(0)``: the youngest generation, every object the call
      allocated that is still there), timed apart as the part ``"collect after"``.
    * ``env``: environment variables the process starts with (read at import time,
      such as ``MICROGRAD_LIKE_REFERENCE=1`` or a thread count).

    A plain ``(factory, args)`` pair is a Spec with the defaults.
    """

    factory: Factory
    args: tuple[Any, ...] = ()
    gc: str = "on"
    env: dict[str, str] | None = None


Specs = dict[str, "Spec | tuple[Factory, tuple[Any, ...]] | None"]
"""{contender: how to build it}; None means not installed (left out)."""


def _timed(call: Callable[[], Any], gc_mode: str) -> tuple[float, Any, dict[str, float]]:
    """Seconds of one call, its value, and (GC off) the collection after it, timed apart.

    With ``gc_mode == "off"`` the clock is read before the collector is enabled again:
    once re-enabled, the first object allocated would start a collection of everything
    allocated meanwhile, which the timing must not include.
    """
    if gc_mode == "on":
        t0 = now()
        value = call()
        return now() - t0, value, {}
    was = gc.isenabled()
    gc.disable()
    try:
        t0 = now()
        value = call()
        t1 = now()
    finally:
        if was:
            gc.enable()
    t2 = now()
    gc.collect(0)
    return t1 - t0, value, {"collect after": now() - t2}


def _worker(conn: Any, spec: Spec, clock: str) -> None:
    """A contender's process: build it, then answer requests until None.

    ``("time", arg, skip)``: run ``fn(arg)`` ``skip`` times untimed, then once timed
    (``arg`` None: ``fn()``). ``("ask", method, args)``: ``getattr(fn, method)(*args)``,
    untimed (a final loss, a test accuracy).
    """
    import traceback

    set_clock(clock)
    try:
        fn = spec.factory(*spec.args)
        conn.send(("ready", None))
        while (request := conn.recv()) is not None:
            if request[0] == "ask":
                _, method, args = request
                conn.send(("answer", getattr(fn, method)(*args)))
                continue
            _, arg, skip = request
            call = fn if arg is None else functools.partial(fn, arg)
            for _ in range(skip):
                call()
            conn.send(("timed", _timed(call, spec.gc)))
    except Exception:
        conn.send(("failed", traceback.format_exc()))  # the parent raises it, named
    conn.close()


class Workers:
    """Contenders that each live in a process of their own, as in real use.

    Every contender's process imports only what it needs (torch's ~170k objects live in
    the torch contender's heap alone), and its garbage collector sees only its own
    objects. With ``Spec.gc == "on"`` nothing is collected for it between calls: a
    contender whose graphs are reference cycles (micrograd) pays for collecting them
    inside its timing, as it does in a training loop. With ``"off"`` its collection
    runs after the clock stops and is reported apart. Either way no contender pays for
    another's garbage.
    """

    def __init__(self, factories: Specs) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter, not a fork
        clock = "cpu" if now is time.process_time else "wall"
        self.conns: dict[str, Any] = {}
        self.procs: list[Any] = []
        self.specs: dict[str, Spec] = {}
        for name, given in factories.items():
            if given is None:
                continue
            spec = Spec(*given)
            if spec.gc not in ("on", "off"):
                raise ValueError(f"contender {name!r}: gc must be 'on' or 'off', got {spec.gc!r}")
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker, args=(child, spec, clock), daemon=True)
            with environment(spec.env or {}):  # a spawned process copies os.environ
                proc.start()
            self.conns[name] = parent
            self.procs.append(proc)
            self.specs[name] = spec
        for name in self.conns:
            self._receive(name)  # ("ready", None)

    def _receive(self, name: str) -> Any:
        """What the worker sent next; if it failed, stop every worker and raise its traceback."""
        tag, payload = self.conns[name].recv()
        if tag == "failed":
            self.close()
            raise RuntimeError(f"benchmark contender {name!r} failed in its process:\n{payload}")
        return payload

    def call(
        self, name: str, arg: Any = None, skip: int = 0
    ) -> tuple[float, Any, dict[str, float]]:
        """Seconds one call of ``name`` (with ``arg``, after ``skip`` untimed calls) took
        in its process, what it returned, and its untimed parts (``"collect after"``)."""
        self.conns[name].send(("time", arg, skip))
        seconds, value, parts = self._receive(name)
        return seconds, value, parts

    def ask(self, name: str, method: str, *args: Any) -> Any:
        """``contender.method(*args)`` in its process, untimed."""
        self.conns[name].send(("ask", method, args))
        return self._receive(name)

    def ask_all(self, method: str, *args: Any) -> dict[str, Any]:
        """{contender: ``contender.method(*args)``}, each in its process, untimed."""
        return {name: self.ask(name, method, *args) for name in self.conns}

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


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """``os.environ`` updated with ``env`` inside the block (restored after)."""
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_rounds(
    workers: Workers,
    rounds: int,
    warmup: int = 1,
    arg: Any = None,
    after_round: Callable[[], None] | None = None,
) -> tuple[Timings, dict[str, list[Any]]]:
    """Alternate ``workers``' contenders for ``warmup + rounds`` rounds (order rotated each
    round, as :func:`alternate`); the timings of the recorded rounds and, per contender,
    the value of every call (warm-up included). ``after_round()`` runs after every
    round, untimed (to ask the contenders how far they have got)."""
    times = Timings(workers.conns)
    values: dict[str, list[Any]] = {name: [] for name in workers.conns}
    names = list(workers.conns)
    for i, (name, recorded) in enumerate(_schedule(names, rounds, warmup), start=1):
        seconds, value, parts = workers.call(name, arg)
        if after_round is not None and i % len(names) == 0:
            after_round()
        values[name].append(value)
        if recorded:
            times[name].append(seconds)
            for part, t in parts.items():
                times.parts[name].setdefault(part, []).append(t)
    return times, values


def alternate_workers(
    factories: Specs, rounds: int, warmup: int = 1
) -> tuple[Timings, dict[str, list[Any]]]:
    """:func:`alternate` with every contender in its own process (see :class:`Workers`).

    Returns the timings and, per contender, the value of every call (warm-up included).
    """
    workers = Workers(factories)
    try:
        return run_rounds(workers, rounds, warmup)
    finally:
        workers.close()


def alternate_and_ask(
    factories: Specs, rounds: int, warmup: int, method: str
) -> tuple[Timings, dict[str, list[Any]], dict[str, Any]]:
    """:func:`alternate_workers`, then every contender's ``method()`` (untimed, at the end:
    a final loss), as a third result."""
    workers = Workers(factories)
    try:
        times, values = run_rounds(workers, rounds, warmup)
        return times, values, workers.ask_all(method)
    finally:
        workers.close()


@contextmanager
def gc_disabled() -> Iterator[None]:
    """Turn the cyclic garbage collector off inside the block (restored after).

    Re-enabling it lets the next object allocated (already the block's own exit makes
    one) start a collection of everything allocated inside the block. So a timing that
    must leave that collection out reads its clock inside the block; a contender in a
    process of its own takes ``Spec(..., gc="off")`` instead.
    """
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
