"""What :func:`~micrograd_like.exercises.check_value_class` reports: one
:class:`CheckOutcome` per worked example, gathered in a :class:`ValueClassReport` that
prints as text and shows as a table in a notebook."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["STATUSES", "CheckOutcome", "ValueClassReport", "html_table"]

PASSED, FAILED, MISSING, NOT_JUDGED, WARNING = (
    "passed", "failed", "missing", "not judged", "warning",
)  # fmt: skip
STATUSES = (PASSED, FAILED, MISSING, NOT_JUDGED, WARNING)
"""passed; failed; missing (an op the class lacks); not judged (it needs an op that
failed); warning (right, with a limit worth knowing)."""

_COLORS = {PASSED: "#e6f4ea", FAILED: "#fce8e6", MISSING: "#f1f3f4", NOT_JUDGED: "#f1f3f4",
           WARNING: "#fef7e0"}  # fmt: skip


def same(got: float, want: float) -> bool:
    """Equal to the last few digits: the checker's test of every number."""
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.10g}"


@dataclass(frozen=True)
class CheckOutcome:
    """One worked example run on a learner's class: ``status`` is one of
    :data:`STATUSES`, ``note`` says why (the hint, the error and the learner's line)."""

    op: str
    example: str
    status: str
    expected: dict[str, float]
    actual: dict[str, float | None]
    note: str = ""

    def detail(self) -> str:
        pairs = []
        for key, want in self.expected.items():
            got = self.actual.get(key)
            if self.status == FAILED and (got is None or not same(got, want)):
                if key in self.actual:
                    pairs.append(f"{key}: expected {_num(want)}, got {_num(got)}")
            elif self.status == PASSED:
                pairs.append(f"{key} = {_num(want)}")
        text = "; ".join(pairs)
        if self.note:
            text = f"{text}. {self.note}" if text else self.note
        return text

    def line(self) -> str:
        return f"  {self.status:<10} {self.op:<12} {self.example:<44} {self.detail()}"


@dataclass
class ValueClassReport:
    """What :func:`~micrograd_like.exercises.check_value_class` found.

    Truthy only when no example failed and ``backward()`` was judged and passed: a class
    with no ``backward`` is never truthy, since nothing judged is not a pass. Ops the
    class does not have yet are *missing*, which alone does not make it falsy.
    """

    name: str
    outcomes: list[CheckOutcome] = field(default_factory=list)
    output: str = ""  # what the class printed, cut to its first characters
    output_total: int = 0  # how many characters it printed in all

    def _with(self, status: str) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def passed(self) -> list[CheckOutcome]:
        return self._with(PASSED)

    @property
    def failed(self) -> list[CheckOutcome]:
        return self._with(FAILED)

    @property
    def missing(self) -> list[CheckOutcome]:
        return self._with(MISSING)

    @property
    def not_judged(self) -> list[CheckOutcome]:
        return self._with(NOT_JUDGED)

    @property
    def warnings(self) -> list[CheckOutcome]:
        return self._with(WARNING)

    @property
    def failing_ops(self) -> list[str]:
        """The ops (and ``backward``) whose code is wrong, in the report's order."""
        return list(dict.fromkeys(o.op for o in self.failed))

    @property
    def first_mistake(self) -> CheckOutcome | None:
        return next(iter(self.failed), None)

    def __bool__(self) -> bool:
        judged = any(o.op == "backward" and o.status in (PASSED, WARNING) for o in self.outcomes)
        return judged and not self.failed

    def counts(self) -> str:
        parts = [f"{len(self._with(s))} {s}" for s in (PASSED, FAILED, MISSING, NOT_JUDGED)]
        return ", ".join(parts) + f", {len(self.warnings)} warning(s)"

    def verdict(self) -> str:
        if self.failed:
            return "failing: " + ", ".join(self.failing_ops)
        if not self:
            return "not a pass: backward() was not judged"
        return "no mistake found"

    def output_note(self) -> str:
        if not self.output_total:
            return ""
        cut = self.output_total - len(self.output)
        shown = f" (the first {len(self.output):,} of them)" if cut else ""
        return f"your class printed {self.output_total:,} characters{shown}:\n{self.output}"

    def __str__(self) -> str:
        head = f"check_value_class({self.name}): {self.counts()} -- {self.verdict()}"
        lines = [head, *(o.line() for o in self.outcomes)]
        if self.output_total:
            lines.append(self.output_note())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = [[o.status, o.op, o.example, o.detail()] for o in self.outcomes]
        caption = html.escape(f"check_value_class({self.name}): {self.counts()}")
        caption += " &mdash; " + html.escape(self.verdict())
        table = html_table(
            ["status", "op", "example", "detail"], rows, [o.status for o in self.outcomes], caption
        )
        if self.output_total:
            table += f"<pre>{html.escape(self.output_note())}</pre>"
        return table

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValueClassReport:
        outcomes = [CheckOutcome(**o) for o in data.get("outcomes", [])]
        return cls(data["name"], outcomes, data.get("output", ""), data.get("output_total", 0))


def html_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    statuses: Sequence[str] = (),
    caption: str = "",
) -> str:
    """A small HTML table, each cell escaped (``caption`` is HTML); a row is tinted by
    its status, if given.

    >>> html_table(["a"], [["<b>"]])
    '<table><thead><tr><th style="text-align:left">a</th></tr></thead><tbody><tr><td style="text-align:left">&lt;b&gt;</td></tr></tbody></table>'
    """
    cell = 'style="text-align:left"'
    head = "".join(f"<th {cell}>{html.escape(str(h))}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        color = _COLORS.get(statuses[i], "") if i < len(statuses) else ""
        style = f' style="background:{color}"' if color else ""
        cells = "".join(f"<td {cell}>{html.escape(str(c))}</td>" for c in row)
        body.append(f"<tr{style}>{cells}</tr>")
    top = f'<caption style="text-align:left">{caption}</caption>' if caption else ""
    return f"<table>{top}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
