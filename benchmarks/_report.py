"""What the benchmark scripts report, and how: medians and per-round ratios of the
timings that :mod:`_harness` takes, each target's verdict and how many rounds met it, and
the tables, lines and summary (:class:`Report`) the scripts print.

>>> per_round_ratios({"ours": [2.0, 3.0], "torch": [4.0, 4.0]}, "ours", "torch")
[0.5, 0.75]
>>> fmt(0.012345, " s")
'0.0123 s'
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from typing import Any

# --------------------------------------------------------------------------------------
# Medians and ratios
# --------------------------------------------------------------------------------------


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


def goal_line(label: str, ratios: Sequence[float], bound: float, missing: str = "") -> str:
    """A target on the median of per-round ratios, with how many rounds met it:
    ``fit/floor: 2.05x (median of 100 rounds; <= 2.2 in 81)   (target <= 2.2: PASS)``;
    ``missing`` says why there are no ratios."""
    if not ratios:
        return f"{label}: {missing or 'n/a'}"
    m = median(ratios)
    met = sum(r <= bound for r in ratios)
    return (
        f"{label}: {m:.3g}x (median of {len(ratios)} rounds; <= {bound:g} in {met})   "
        f"(target <= {bound:g}: {verdict(m, bound, False)})"
    )


def median(xs: Sequence[float]) -> float:
    """The median, or NaN for an empty list."""
    return statistics.median(xs) if xs else math.nan


def medians(times: dict[str, list[float]]) -> dict[str, float]:
    """{contender: median seconds}."""
    return {name: median(ts) for name, ts in times.items()}


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

    def add(
        self, key: str, value: float | str | None, text: str, target: str = "", goal: bool = False
    ) -> None:
        """One summary-table row: a key, its value, how to show it, and the target;
        ``goal``: one of the issue's "Done when" targets (run_all.py lists them apart)."""
        row = {"key": key, "value": value, "text": text, "target": target, "goal": goal}
        self.headlines.append(row)

    def add_goal(self, key: str, ratios: Sequence[float], bound: float, missing: str) -> None:
        """A "Done when" row for :func:`goal_line`'s target (``missing``: why no ratios)."""
        if not ratios:
            self.add(key, None, missing, f"<= {bound:g}: n/a", goal=True)
            return
        m = median(ratios)
        met = sum(r <= bound for r in ratios)
        text = f"{m:.3g}x (<= {bound:g} in {met} of {len(ratios)} rounds)"
        self.add(key, m, text, f"median <= {bound:g}: {verdict(m, bound, False)}", goal=True)

    def save(self, path: str | None) -> None:
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"script": self.script, "headlines": self.headlines}, f, indent=1)
