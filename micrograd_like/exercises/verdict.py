"""A verdict, and how a check compares an answer: one number, a list, a matrix.

Every check of :mod:`micrograd_like.exercises.answers` is built from these.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Verdict"]


# --------------------------------------------------------------------------------------
# A verdict, and the checks of numbers and lists of numbers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``status`` is "right", "wrong" or "not answered".

    Truthy only when right, so ``assert check.neuron_output(a)`` works in a solution.
    """

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == "right"

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def _not_answered(exercise: str, what: str) -> Verdict:
    return Verdict(exercise, "not answered", f"not answered yet: replace None with {what}")


def _right(exercise: str, note: str) -> Verdict:
    return Verdict(exercise, "right", f"right! {note}")


def _wrong(exercise: str, hint: str) -> Verdict:
    return Verdict(exercise, "wrong", f"not right yet. Hint: {hint}")


def _close(a: float, b: float) -> bool:
    """Equal to the precision of a hand calculation: 3 significant digits."""
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-3)


def _as_number(answer: object) -> float | str:
    """The answer as a float, or a sentence saying why it is not a number.

    A Value (anything with a numeric ``.data``) counts as its ``.data``.
    """
    data = getattr(answer, "data", answer)
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        return f"the answer should be one number, got {type(answer).__name__} {answer!r}"
    x = float(data)
    if not math.isfinite(x):
        return f"the answer should be a finite number, got {x!r}"
    return x


Mistakes = Sequence[tuple[float, str]]


def _number(
    exercise: str, answer: object, expected: float, mistakes: Mistakes, hint: str, note: str
) -> Verdict:
    """Compare one number; a wrong one close to a known mistake gets that mistake's hint."""
    if answer is None:
        return _not_answered(exercise, "your number")
    x = _as_number(answer)
    if isinstance(x, str):
        return _wrong(exercise, x)
    if _close(x, expected):
        return _right(exercise, note)
    for value, mistake_hint in mistakes:
        if _close(x, value):
            return _wrong(exercise, mistake_hint)
    return _wrong(exercise, hint)


def _as_numbers(answer: object, n: int) -> list[float] | str:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Sequence):
        return f"the answer should be a list of {n} numbers, got {type(answer).__name__}"
    if len(answer) != n:
        return f"the answer should be a list of {n} numbers, got {len(answer)}"
    out = []
    for i, a in enumerate(answer):
        x = _as_number(a)
        if isinstance(x, str):
            return f"item [{i}]: {x}"
        out.append(x)
    return out


def _numbers(
    exercise: str,
    answer: object,
    expected: Sequence[float],
    mistakes: Sequence[tuple[Sequence[float], str]],
    hint: Callable[[list[float]], str],
    note: str,
) -> Verdict:
    """Compare a list of numbers; ``hint`` sees the answer when no known mistake matches."""
    if answer is None:
        return _not_answered(exercise, f"your list of {len(expected)} numbers")
    xs = _as_numbers(answer, len(expected))
    if isinstance(xs, str):
        return _wrong(exercise, xs)
    if all(_close(x, e) for x, e in zip(xs, expected)):
        return _right(exercise, note)
    for values, mistake_hint in mistakes:
        if all(_close(x, v) for x, v in zip(xs, values)):
            return _wrong(exercise, mistake_hint)
    return _wrong(exercise, hint(xs))


def _flat_matrix(answer: object, rows: int, cols: int) -> list[float] | str:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Sequence):
        return f"W should be a list of {rows} rows, got {type(answer).__name__}"
    if len(answer) != rows:
        return (
            f"W should have {rows} row(s), one per output, got {len(answer)}: "
            "its shape is (outputs, inputs)"
        )
    flat: list[float] = []
    for j, row in enumerate(answer):
        xs = _as_numbers(row, cols)
        if isinstance(xs, str):
            return f"W[{j}]: {xs} (one per input)"
        flat.extend(xs)
    return flat


def _mse_and_gradient_norm(model: Any, X: Any, y: Any) -> tuple[float, float]:
    """The model's mse on (X, y) and the length of its gradient: near 0 once trained."""
    from micrograd_like.losses import mse

    loss = mse([model(x) for x in X], y)
    model.zero_grad()
    loss.backward()
    norm = math.sqrt(sum(p.grad**2 for p in model.parameters()))
    model.zero_grad()
    return loss.data, norm
