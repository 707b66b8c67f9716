"""Run every benchmark in sequence, then print a summary table of the headline numbers.

Each script runs in its own process (a fresh heap, so one benchmark's garbage or imports
cannot slow another) with ``--json`` to hand its headline numbers back. ``--quick``
runs every script at a tiny size (the CI smoke test); ``--only bench_moons,bench_depth``
runs a subset; ``--profile`` adds cProfile listings where a script has one.

    .venv/bin/python benchmarks/run_all.py            # what `make bench` runs
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import sysconfig
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import _harness as h
import _report as rep

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "bench_moons",
    "bench_alternatives",
    "bench_growth",
    "bench_engine",
    "bench_memory",
    "bench_depth",
    "bench_digits",
    "bench_pictures",
]
PACKAGES = ["micrograd-like", "micrograd", "torch", "scikit-learn", "numpy", "jax", "autograd"]


def cpu_name() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else platform.processor()."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine_info() -> list[tuple[str, str]]:
    """(name, value) rows describing where the numbers were measured."""
    config = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    pgo = "--enable-optimizations" in config
    python = f"{platform.python_implementation()} {platform.python_version()}"
    python += f" ({'PGO' if pgo else 'no PGO/LTO'} build)"
    rows = [
        ("date", datetime.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("platform", platform.platform()),
        ("CPU", f"{cpu_name()}, {os.cpu_count()} logical CPUs"),
        ("Python", python),
    ]
    rows += [(p, version(p)) for p in PACKAGES]
    return rows


def children_cpu() -> float:
    """CPU seconds used so far by finished child processes (0.0 where unknown)."""
    try:
        import resource
    except ImportError:  # not on Unix
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_script(name: str, flags: list[str]) -> tuple[int, dict[str, Any] | None, float, float]:
    """Run one script in a subprocess: exit code, JSON headlines, wall and CPU seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.json"
        cmd = [sys.executable, str(HERE / f"{name}.py"), *flags, "--json", str(out)]
        sys.stdout.flush()
        t0, c0 = time.perf_counter(), children_cpu()
        rc = subprocess.run(cmd, cwd=HERE.parent).returncode
        seconds, cpu = time.perf_counter() - t0, children_cpu() - c0
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return rc, data, seconds, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the smoke test")
    parser.add_argument("--profile", action="store_true", help="print cProfile listings too")
    parser.add_argument("--only", default="", help="comma-separated script names to run")
    h.add_clock_option(parser)
    args = parser.parse_args(argv)
    names = [s.strip() for s in args.only.split(",") if s.strip()] or SCRIPTS
    unknown = [n for n in names if n not in SCRIPTS]
    if unknown:
        parser.error(f"unknown script(s) {unknown}; choose from {SCRIPTS}")
    flags = [f for f, on in (("--quick", args.quick), ("--profile", args.profile)) if on]
    flags += ["--clock", args.clock]

    load_before = load()
    results: list[tuple[str, int, dict[str, Any] | None, float, float]] = []
    for name in names:
        print(f"\n{'=' * 88}\n{name}{' --quick' if args.quick else ''}\n{'=' * 88}", flush=True)
        rc, data, seconds, cpu = run_script(name, flags)
        results.append((name, rc, data, seconds, cpu))
        if rc != 0:
            print(f"!! {name} exited with code {rc}")

    print(f"\n{'=' * 88}\nsummary{' (--quick: tiny sizes, numbers not meaningful)' * args.quick}")
    print(f"{'=' * 88}\n")
    rows = []
    for name, rc, data, seconds, cpu in results:
        if data is None:
            rows.append([name, f"FAILED (exit code {rc})", "", ""])
            continue
        for item in data["headlines"]:
            rows.append([name, item["key"], item["text"], item["target"]])
        share = f" ({100 * cpu / seconds:.0f}% of one CPU)" if cpu and seconds else ""
        rows.append([name, "(script: wall, CPU time)", f"{seconds:.1f} s, {cpu:.1f} s{share}", ""])
    print(rep.table(["script", "measure", "value", "target"], rows))
    goals = [
        [name, item["key"], item["text"], item["target"]]
        for name, _, data, _, _ in results
        if data is not None
        for item in data["headlines"]
        if item.get("goal")
    ]
    if goals:
        print(
            '\nThe issue\'s targets ("Done when"): medians of per-round ratios, side by side, CPU time\n'
        )
        print(rep.table(["script", "measure", "value", "target"], goals))
    info = machine_info()
    info.append(("load average (1/5/15 min)", f"before: {load_before}; after: {load()}"))
    print()
    print(rep.table(["machine", ""], info))
    print(
        "\nRatios are measured side by side in one run, alternating the contenders "
        "round by round\n(medians; bench_moons, bench_alternatives, bench_growth and "
        "bench_digits give each contender a\nprocess of its own); absolute times depend "
        f"on the machine and its load (clock: {args.clock} time).\nA script's CPU share "
        "well under 100% means it waited for a CPU: the machine was busy."
    )
    failed = [name for name, rc, *_ in results if rc != 0]
    if failed:
        print(f"\nFAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
