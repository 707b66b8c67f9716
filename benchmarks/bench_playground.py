"""The Playground's frame rate, measured in a real browser: JupyterLab in headless Chromium.

Starts JupyterLab (tests/browser/lab_server.py, the browser tests' own server), opens a
notebook whose one cell is ``Playground()`` (the default network: 2 inputs, two hidden
layers of 4, 200 points, one epoch of fit per frame) in a 1280 x 900 page, presses play,
and counts in the page:

* visual updates: each time the Playground draws a new frame (its ``data-frames``
  attribute changes), with the time between one update and the next;
* the page's own frames (requestAnimationFrame), whose gaps say whether the page is ever
  blocked;
* after pause: how long until the last update.

Targets (issue 27): at least 20 updates a second, a frame gap p95 of at most 50 ms, and
pause stopping within a second. PASS/FAIL lines are informational; the script exits 0
when it could measure, 1 when it could not (no Chromium, or the page did not start).

    .venv/bin/python benchmarks/bench_playground.py             # 20 s of play
    .venv/bin/python benchmarks/bench_playground.py --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser.lab_server import CHROMIUM, CHROMIUM_ARGS, KERNEL_IDLE, running_lab  # noqa: E402

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "playground",
            "metadata": {},
            "outputs": [],
            "source": ["from micrograd_like.widgets import Playground\n", "Playground(OPTIONS)"],
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}

# In the page: the time of every visual update (a MutationObserver on data-frames) and of
# every animation frame of the page.
RECORDER = """() => {
  const root = document.querySelector('.mgl-pg');
  const b = window.__bench = { updates: [], ticks: [], epochs: [], on: true };
  new MutationObserver(() => {
    b.updates.push(performance.now()); b.epochs.push(Number(root.dataset.epoch));
  }).observe(root, { attributes: true, attributeFilter: ['data-frames'] });
  const tick = (t) => { b.ticks.push(t); if (b.on) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


def measure(seconds: float, warmup: float, screenshot: Path | None, options: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="bench_playground_"))
    try:
        (root / "playground.ipynb").write_text(json.dumps(NOTEBOOK).replace("OPTIONS", options))
        with running_lab(root, ROOT) as lab, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(lab.notebook_url("playground.ipynb", "lab"))
                page.wait_for_function(KERNEL_IDLE, timeout=120_000)
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_function(
                    "() => Number(document.querySelector('.mgl-pg')?.dataset.frames) > 0",
                    timeout=120_000,
                )
                box = page.locator(".mgl-pg").bounding_box()
                page.evaluate(RECORDER)
                page.locator(".mgl-pg-play").click()
                time.sleep(warmup)
                start = page.evaluate("performance.now()")
                time.sleep(seconds)
                end = page.evaluate("performance.now()")
                if screenshot is not None:
                    page.locator(".mgl-pg").screenshot(path=str(screenshot))
                paused_at = page.evaluate(
                    "() => { document.querySelector('.mgl-pg-play').click(); return performance.now(); }"
                )
                time.sleep(3.0)
                b = page.evaluate("window.__bench")
            finally:
                browser.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    window = [(t, e) for t, e in zip(b["updates"], b["epochs"]) if start <= t <= end]
    updates = [t for t, _ in window]
    ticks = [t for t in b["ticks"] if start <= t <= end]
    after = [t for t in b["updates"] if t > paused_at]
    return {
        "seconds": (end - start) / 1e3,
        "updates": len(updates),
        "per_second": len(updates) / ((end - start) / 1e3),
        "epochs_per_second": (window[-1][1] - window[0][1]) / ((end - start) / 1e3)
        if window
        else 0,
        "update_gaps": gaps(updates),
        "tick_gaps": gaps(ticks),
        "pause_ms": (after[-1] - paused_at) if after else 0.0,
        "height": box["height"] if box else float("nan"),
        "width": box["width"] if box else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to measure")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of play before")
    parser.add_argument("--screenshot", type=Path, default=ROOT / "build" / "bench_playground.png")
    parser.add_argument(
        "--options", default="", help="Playground's arguments, e.g. 'fps=60' (default: none)"
    )
    args = parser.parse_args(argv)
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        print(f"no Chromium at {CHROMIUM}: `make chromium-check` installs it")
        return 1
    args.screenshot.parent.mkdir(parents=True, exist_ok=True)
    r = measure(args.seconds, args.warmup, args.screenshot, args.options)
    if r["updates"] < 2:
        print(f"only {r['updates']} updates in {r['seconds']:.1f} s: nothing to measure")
        return 1
    ug, tg = r["update_gaps"], r["tick_gaps"]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Playground({args.options}) in JupyterLab, headless Chromium 1280 x 900, "
          f"{os.cpu_count()} CPUs, "
          f"load average {load}")  # fmt: skip
    print(f"the view: {r['width']:.0f} x {r['height']:.0f} px")
    print(f"measured {r['seconds']:.1f} s of play after {args.warmup:g} s of warm-up")
    print(f"visual updates per second: {r['per_second']:.1f} ({r['updates']} updates; "
          f"{r['epochs_per_second']:.1f} epochs a second)")  # fmt: skip
    print(f"gap between updates, ms: median {statistics.median(ug):.1f}, "
          f"p95 {percentile(ug, 0.95):.1f}, max {max(ug):.1f}")  # fmt: skip
    print(f"page frame gap (requestAnimationFrame), ms: median {statistics.median(tg):.1f}, "
          f"p95 {percentile(tg, 0.95):.1f}, max {max(tg):.1f}")  # fmt: skip
    print(f"pause: last update {r['pause_ms']:.0f} ms after the click")
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    print(f"target >= 20 updates a second: {verdict(r['per_second'] >= 20)}")
    p95 = max(percentile(ug, 0.95), percentile(tg, 0.95))
    print(f"target frame gap p95 <= 50 ms (updates and page): {verdict(p95 <= 50)}")
    print(f"target pause within 1 s: {verdict(r['pause_ms'] <= 1000)}")
    print(f"target view <= 1000 px tall: {verdict(r['height'] <= 1000)}")
    print("(PASS/FAIL are informational)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
