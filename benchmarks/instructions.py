"""The instruction-count gate: CPU instructions per step of fixed workloads, under callgrind.

An instruction count does not depend on the machine's load, so unlike a timing it can
fail a build. Each workload runs in a process of its own under valgrind's callgrind,
twice in the same set-up: with N steps and with 0 steps (``PYTHONHASHSEED=0``, the
same imports, data and one warm-up step in both); the difference over N is the count
per step, with the interpreter's start-up, the imports and the set-up cancelled out.

Workloads (the fast path, the cyclic GC on as a user has it, the set-up's objects
frozen so that the collector does not scan them):

* ``moons fit step``: ``fit(model, X, y, loss="hinge", l2=1e-4, epochs=1)`` on
  make_moons(100), MLP(2, [16, 16, 1]) (``bench_moons.py``'s contender);
* ``demo step``: one step of micrograd's demo code on our Value (``bench_moons.py``);
* ``digits chunk``: ``fit(..., loss="cross_entropy", batch_size=1, epochs=1)`` over 20
  training digits, MLP(64, [32, 10]) (``bench_digits.py``'s model);
* ``chain``: ``x = x + y`` 10,000 times, then ``backward()``.

    .venv/bin/python benchmarks/instructions.py            # check (make bench-gate)
    .venv/bin/python benchmarks/instructions.py --update   # new baseline (make bench-baseline)

The check compares with ``instructions_baseline.json`` (kept in the repo, with the
Python it was measured on) and fails, naming the workload, when one rose by more than
3%. Counts differ between Python versions, so on another Python the check says so and
is skipped. Refresh the baseline on purpose, after a change that moves a count.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "instructions_baseline.json"
THRESHOLD = 0.03
DIGITS_CHUNK = 20
STEPS: dict[str, int] = {"moons fit step": 4, "demo step": 4, "digits chunk": 2, "chain": 3}
"""Workload -> N, the steps of the measured run (the other run takes 0)."""


# --------------------------------------------------------------------------------------
# The workloads (run in the measured process)
# --------------------------------------------------------------------------------------


def moons_fit(data: dict[str, Any]) -> Callable[[], Any]:
    from bench_moons import fit_contender

    return fit_contender(100, 101)  # one fit call of 101 epochs, an epoch a step


def demo(data: dict[str, Any]) -> Callable[[], Any]:
    from bench_moons import demo_contender

    return demo_contender(100)


def digits_chunk(data: dict[str, Any]) -> Callable[[], Any]:
    from bench_digits import LR, ONE_EPOCH, make_model

    from micrograd_like.train import fit

    model = make_model()
    X, y = data["X"], data["y"]
    return lambda: fit(model, X, y, "cross_entropy", lr=LR, **ONE_EPOCH)


def chain(data: dict[str, Any]) -> Callable[[], Any]:
    from micrograd_like.engine import Value

    def run() -> None:
        x, y = Value(0.5), Value(1e-3)
        for _ in range(10_000):
            x = x + y
        x.backward()

    return run


WORKLOADS: dict[str, Callable[[dict[str, Any]], Callable[[], Any]]] = {
    "moons fit step": moons_fit,
    "demo step": demo,
    "digits chunk": digits_chunk,
    "chain": chain,
}


def worker(name: str, steps: int, data_path: str) -> None:
    """Set up ``name``, take one warm-up step, then ``steps`` more (the counted part).

    Before the counted steps the heap is collected and frozen (``gc.freeze()``), so the
    collector starts from the same state in every run and never scans the set-up's
    objects: a count then moves with what a step does, not with how many objects the
    imports and the benchmark scripts happen to make.
    """
    data = json.loads(Path(data_path).read_text(encoding="utf-8"))
    step = WORKLOADS[name](data)
    step()  # warm-up: first-call caches are set-up, in both runs
    gc.collect()
    gc.freeze()
    for _ in range(steps):
        step()


def workload_data() -> dict[str, Any]:
    """What the workloads read rather than make: the first training digits (loading
    them imports scikit-learn, which would take minutes under callgrind)."""
    from bench_digits import digits

    X, y, _, _ = digits(quick=False)
    return {"X": X[:DIGITS_CHUNK], "y": y[:DIGITS_CHUNK]}


# --------------------------------------------------------------------------------------
# Counting
# --------------------------------------------------------------------------------------


def python_id() -> str:
    """The interpreter the counts belong to, e.g. ``CPython 3.11.7``."""
    return f"{platform.python_implementation()} {platform.python_version()}"


def parse_total(text: str) -> int:
    """The total instruction count in a callgrind output file (its ``totals:`` line)."""
    match = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.MULTILINE)
    if match is None:
        raise ValueError("no 'totals:' line in the callgrind output")
    return int(match.group(1))


def environment() -> dict[str, str]:
    """The measured processes' environment: fixed hashing, no bytecode written, fast path."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("MICROGRAD_LIKE_REFERENCE", None)
    return env


def count(name: str, steps: int, data_path: str, tmp: str) -> int:
    """Instructions of one whole run of the worker (set-up + ``steps``) under callgrind."""
    slug = re.sub(r"\W+", "-", name)
    out = Path(tmp) / f"callgrind.{slug}.{steps}.out"
    cmd = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        name,
        "--steps",
        str(steps),
        "--data",
        data_path,
    ]
    proc = subprocess.run(cmd, env=environment(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{name} ({steps} steps) failed under callgrind:\n{proc.stderr[-3000:]}")
    return parse_total(out.read_text(encoding="utf-8"))


def measure(names: list[str]) -> dict[str, dict[str, int]]:
    """{workload: {"steps": N, "instructions per step": (I(N) - I(0)) / N}}."""
    with tempfile.TemporaryDirectory() as tmp:
        data_path = str(Path(tmp) / "data.json")
        Path(data_path).write_text(json.dumps(workload_data()), encoding="utf-8")
        # one ordinary run first, so both counted runs find the same compiled bytecode
        subprocess.run(
            [sys.executable, __file__, "--worker", "chain", "--steps", "0", "--data", data_path],
            check=True,
        )
        runs = [(name, n) for name in names for n in (STEPS[name], 0)]
        with ThreadPoolExecutor(max_workers=2) as pool:  # two cores
            totals = list(pool.map(lambda run: count(run[0], run[1], data_path, tmp), runs))
    result = {}
    for i, name in enumerate(names):
        n = STEPS[name]
        per_step = round((totals[2 * i] - totals[2 * i + 1]) / n)
        result[name] = {"steps": n, "instructions per step": per_step}
    return result


# --------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------


def compare(
    baseline: dict[str, Any], measured: dict[str, dict[str, int]], threshold: float = THRESHOLD
) -> tuple[list[list[str]], list[str]]:
    """Table rows (workload, baseline, now, change, verdict) and the failures, each a
    sentence naming the workload and its rise."""
    rows, failures = [], []
    known = baseline.get("workloads", {})
    for name, now in measured.items():
        count_now = now["instructions per step"]
        if name not in known:
            rows.append([name, "-", f"{count_now:,}", "-", "no baseline"])
            failures.append(f"{name}: not in the baseline (make bench-baseline adds it)")
            continue
        before = known[name]["instructions per step"]
        change = count_now / before - 1.0
        if change > threshold:
            verdict = f"FAIL (> +{threshold:.0%})"
            failures.append(
                f"{name}: {before:,} -> {count_now:,} instructions per step, "
                f"{change:+.2%} (more than +{threshold:.0%})"
            )
        elif change < -threshold:
            verdict = "fell: refresh the baseline to keep the gain"
        else:
            verdict = "ok"
        rows.append([name, f"{before:,}", f"{count_now:,}", f"{change:+.2%}", verdict])
    return rows, failures


def skip_reason(baseline: dict[str, Any] | None) -> str | None:
    """Why the check cannot run here (no valgrind, another Python), or None."""
    if shutil.which("valgrind") is None:
        return (
            "valgrind is not installed: the instruction-count gate is skipped "
            "(`make bench-gate` installs it as root on Debian; else: apt-get install valgrind)"
        )
    if baseline is not None and baseline.get("python") != python_id():
        return (
            f"the baseline was counted on {baseline.get('python')} and this is "
            f"{python_id()}: counts differ between interpreters, so the instruction-count "
            "gate is skipped (`make bench-baseline` counts a baseline for this one)"
        )
    return None


def valgrind_version() -> str:
    proc = subprocess.run(["valgrind", "--version"], capture_output=True, text=True)
    return proc.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write a new baseline")
    parser.add_argument("--only", default="", help="workloads, comma-separated")
    parser.add_argument("--baseline", default=str(BASELINE), help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.steps, args.data)
        return 0
    names = [s.strip() for s in args.only.split(",") if s.strip()] or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    path = Path(args.baseline)
    baseline = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    reason = skip_reason(None if args.update else baseline)
    if reason is not None:
        print(reason)
        return 0
    if baseline is None and not args.update:
        print(f"no baseline at {path}: count one with `make bench-baseline`")
        return 1

    print(f"instructions per step under callgrind, {python_id()}, PYTHONHASHSEED=0; each")
    print("workload counted with N steps and with 0 in the same set-up, the difference over N\n")
    measured = measure(names)
    if args.update:
        same_python = baseline is not None and baseline.get("python") == python_id()
        kept = baseline["workloads"] if baseline is not None and same_python else {}  # --only
        new = {
            "python": python_id(),
            "valgrind": valgrind_version(),
            "measured": datetime.date.today().isoformat(),
            "threshold": THRESHOLD,
            "workloads": {**kept, **measured},
        }
        path.write_text(json.dumps(new, indent=1) + "\n", encoding="utf-8")
        for name, m in measured.items():
            print(f"{name}: {m['instructions per step']:,} instructions per step")
        print(f"\nbaseline written to {path}")
        return 0
    assert baseline is not None
    rows, failures = compare(baseline, measured, baseline.get("threshold", THRESHOLD))
    sys.path.insert(0, str(HERE))
    from _report import table

    print(table(["workload", "baseline", "now", "change", "verdict"], rows))
    print(f"\n(baseline: {baseline.get('measured')}, {baseline.get('python')})")
    if failures:
        print("\nFAILED: instruction counts rose:\n  " + "\n  ".join(failures))
        return 1
    print(f"instruction-count gate: passed (no workload rose by more than {THRESHOLD:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
