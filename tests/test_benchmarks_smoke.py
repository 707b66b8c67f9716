"""Smoke test of the benchmark scripts: each runs at a tiny size (``--quick``) and prints
its ratio lines, with and without the optional contenders (micrograd, torch) installed.

The numbers themselves are not checked here (a --quick run is too small and the machine
too noisy for that); ``make bench`` runs the real sizes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bounds import HANG

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

# script -> lines (substrings) its output must contain
EXPECTED: dict[str, list[str]] = {
    "bench_moons": [
        "ratio micrograd/ours [demo code]: ",
        "ratio micrograd-GC-off/ours [demo code]: ",
        "ratio micrograd/ours [fit]: ",
        "ratio ours/torch [fit]: ",
        "ratio ours/torch [demo code]: ",
        "ratio ours/floor [fit, floor written plainly]: ",
        "ratio ours/floor [fit, floor tuned]: ",
        "ratio plain path/fast path [fit]: ",
        "ratio plain path/fast path [demo code]: ",
        "| micrograd, GC off ",
        # not timings: fit and the hand-written floor take the same steps
        "relative difference",
        "): the same",
    ],
    "bench_alternatives": [
        "ratio torch batched/torch per sample: ",
        "ratio numpy batched, hand-written/torch per sample: ",
        "ratio jax jit/torch per sample: ",
        "ratio HIPS autograd/torch per sample: ",
        "ratio ours (fit)/torch per sample: ",
    ],
    "bench_growth": [
        "| width 8: MLP(2, [8, 8, 1]) ",
        "live training, width 8 (20 points): ",
        "| 10,000 ",
    ],
    "bench_engine": [
        "ratio micrograd/ours [+, fwd+bwd]: ",
        "ratio micrograd/ours [dot, fwd+bwd]: ",
        "ours, fwd+bwd per node: ",
        "ratio ours/micrograd-GC-off [add chain, fwd+bwd]: ",
    ],
    "bench_memory": [
        "ours bytes per node [+ chain]: ",
        "ratio micrograd/ours [bytes per node, + chain]: ",
        # not a timing: a property of the engine (no reference cycles in a graph)
        "ours freed by reference counting alone (gc.disable(), del): yes",
    ],
    "bench_depth": [
        "ours 20,000-node chain, forward + backward: ",
        "micrograd deepest chain: ",
        "ratio ours/micrograd [max depth tested]: ",
    ],
    "bench_digits": [
        "ours seconds per epoch (median): ",
        "ratio ours/floor [digits epoch, floor written plainly]: ",
        "ratio micrograd/ours [epoch, both multiclass hinge]: ",
        "ratio ours/torch [epoch, cross-entropy]: ",
        # not a timing: ours and the floor take the same steps
        "test accuracy after each epoch, ours and the floor: the same",
    ],
    "bench_pictures": [
        "ours decision boundary, 20 x 20 grid: ",
    ],
}


def run(args: list[str], timeout: float = 5 * HANG) -> subprocess.CompletedProcess[str]:
    """``python *args`` from the checkout; the timeout only guards against a hang."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BENCH.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_script_runs_quick_and_prints_its_ratio_lines(script: str) -> None:
    proc = run([str(BENCH / f"{script}.py"), "--quick"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for line in EXPECTED[script]:
        assert line in proc.stdout, f"{line!r} missing from:\n{proc.stdout}"


# Runs every script's main() in one process where `import torch` and `import micrograd`
# fail, as when they are not installed (an import hook refuses them).
WITHOUT_OPTIONAL = """
import sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "micrograd", "jax", "autograd"):
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
sys.path.insert(0, {bench!r})
import importlib
for name in {scripts!r}:
    print("=== " + name, flush=True)
    assert importlib.import_module(name).main(["--quick"]) == 0
"""


def test_scripts_degrade_gracefully_without_micrograd_and_torch() -> None:
    code = WITHOUT_OPTIONAL.format(bench=str(BENCH), scripts=sorted(EXPECTED))
    proc = run(["-c", code])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "skipped (micrograd not installed)" in out
    assert "skipped (torch not installed)" in out
    assert "ratio micrograd/ours [fit]: skipped (micrograd not installed)" in out
    assert "ratio ours/torch [fit]: skipped (torch not installed)" in out
    assert "ratio jax jit/torch per sample: skipped (jax not installed)" in out
    assert "| ours (fit) " in out  # our own contenders still ran
    for script in EXPECTED:
        assert f"=== {script}" in out


def test_run_all_prints_a_summary_table_with_machine_info() -> None:
    proc = run([str(BENCH / "run_all.py"), "--quick", "--only", "bench_depth,bench_memory"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "| script " in out and "| bench_memory " in out and "| bench_depth " in out
    for key in ("| date ", "| platform ", "| CPU ", "| Python ", "| micrograd-like "):
        assert key in out


# Contenders for the process harness; the factories must be importable by name.
WORKERS = """
import sys
sys.path.insert(0, {bench!r})
import _harness as h
from workers_demo import broken, collections, counter, env

times, values = h.alternate_workers({{"counter": (counter, (10,))}}, rounds=3, warmup=1)
assert len(times["counter"]) == 3 and values["counter"] == [11, 12, 13, 14], (times, values)

specs = {{
    "gc on": h.Spec(collections, ()),
    "gc off": h.Spec(collections, (), gc="off"),
    "env": h.Spec(env, (), env={{"BENCH_SMOKE": "set"}}),
}}
workers = h.Workers(specs)
times, values = h.run_rounds(workers, rounds=2, warmup=0)
print("collections inside the call:", values["gc on"], values["gc off"])
print("collect after:", len(times.parts["gc off"]["collect after"]), "gc on parts:", times.parts["gc on"])
print("env:", values["env"], "asked:", workers.ask("gc on", "made"))
workers.close()
try:
    h.alternate_workers({{"counter": (counter, (0,)), "broken": (broken, ())}}, rounds=1)
except RuntimeError as exc:
    print(exc)
"""

WORKERS_DEMO = """
import gc
import os


def counter(start):
    state = [start]

    def step():
        state[0] += 1
        return state[0]

    return step


class Cycles:
    # each call leaves 20,000 reference cycles and says how many collections ran inside it
    def __init__(self):
        self.runs = [0]
        gc.callbacks.append(lambda phase, info: phase == "start" and self.runs.__setitem__(0, self.runs[0] + 1))

    def __call__(self):
        before = self.runs[0]
        for _ in range(20_000):
            a = []
            a.append(a)
        return self.runs[0] - before

    def made(self):
        return "asked, untimed"


def collections():
    return Cycles()


def env():
    return lambda: os.environ.get("BENCH_SMOKE")


def broken():
    raise ValueError("this contender cannot be built")
"""


def test_contenders_in_their_own_processes_report_times_values_and_failures(tmp_path) -> None:
    # counter's calls return 11, 12, ... (the warm-up call is the first call); with the
    # GC on, 20,000 cycles start collections inside the call; with it off, none run
    # there, and the collection after it is timed apart; env reaches the process;
    # broken's traceback comes back to the parent, under the contender's name.
    (tmp_path / "workers_demo.py").write_text(WORKERS_DEMO)
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n" + WORKERS.format(bench=str(BENCH))
    proc = run(["-c", code])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    on, off = out.split("collections inside the call: ")[1].split("\n")[0].split("] [")
    assert min(int(x) for x in on.strip("[]").split(", ")) > 0, out
    assert off.strip("[]") == "0, 0", out
    assert "collect after: 2 gc on parts: {}" in out
    assert "env: ['set', 'set'] asked: asked, untimed" in out
    assert "benchmark contender 'broken' failed in its process" in out
    assert "ValueError: this contender cannot be built" in out
