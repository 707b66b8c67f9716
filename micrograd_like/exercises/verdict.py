"""A verdict, and how a check reads and compares an answer: one number, a list, a matrix.

An answer may come in any form a learner would reasonably type or compute: a Python
``int`` or ``float`` (or a ``Fraction``), a numpy scalar or array, or a ``Value`` (its
``data``). It is right when it agrees with the worked answer to **3 significant
figures**, which means a relative error of at most 5e-3: 1.67 for 5/3 and 1.42 for
1.41667 are right. An answer right to 1 or 2 significant figures only gets "close: give
more digits" rather than a hint about the method.

>>> agrees(1.67, 5 / 3), agrees(1.6, 5 / 3), _nearly(1.6, 5 / 3), _nearly(1.5, 5 / 3)
(True, False, True, False)
>>> as_number(__import__("fractions").Fraction(1, 4))
0.25

Every check of :mod:`micrograd_like.exercises.answers` is built from these.
"""

from __future__ import annotations

import decimal
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Verdict"]

# 3 significant figures: the worst rounding error, half a unit in the third digit of a
# number that starts with a 1 (1.005 written as 1.00 or 1.01), is 5e-3 of it
SIG_FIG_REL = 5e-3
# right to 1 or 2 significant figures (rounded or cut short): "close, give more digits"
NEARLY_REL = 5e-2


# --------------------------------------------------------------------------------------
# A verdict
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


def not_answered(exercise: str, what: str) -> Verdict:
    return Verdict(exercise, "not answered", f"not answered yet: replace None with {what}")


def right(exercise: str, note: str) -> Verdict:
    return Verdict(exercise, "right", f"right! {note}")


def wrong(exercise: str, hint: str) -> Verdict:
    return Verdict(exercise, "wrong", f"not right yet. Hint: {hint}")


CLOSE = (
    "close, but not to 3 significant figures: give more digits, and keep every digit of "
    "the intermediate results until the end."
)


def _close_verdict(exercise: str) -> Verdict:
    return Verdict(exercise, "wrong", f"not right yet: {CLOSE}")


# --------------------------------------------------------------------------------------
# Reading an answer
# --------------------------------------------------------------------------------------


def _shape(x: object) -> tuple[int, ...] | None:
    """The shape of a numpy (or torch) array or scalar, None for anything else."""
    shape = getattr(x, "shape", None)
    if shape is None or isinstance(x, (str, bytes)):
        return None
    try:
        return tuple(int(n) for n in shape)
    except TypeError:
        return None


def _unwrap(answer: object) -> object:
    """A Value as its ``data``; a numpy (or torch) scalar or one-element array as a
    Python number. Anything else unchanged.

    numpy scalars have a ``data`` attribute of their own (a memory buffer), so only a
    numeric ``data`` is read as a Value's.
    """
    data = getattr(answer, "data", None)
    if isinstance(data, numbers.Real) and _shape(answer) is None:
        answer = data
    shape = _shape(answer)
    item = getattr(answer, "item", None)
    if shape is not None and math.prod(shape) == 1 and callable(item):
        answer = item()
    return answer


def as_number(answer: object) -> float | str:
    """The answer as a float, or a sentence saying why it is not one real number."""
    x = _unwrap(answer)
    shape = _shape(x)
    if shape is not None:
        return f"the answer should be one number, got an array of shape {shape}"
    if isinstance(x, bool) or type(x).__name__ == "bool_":
        return f"the answer should be a number, got {x!r} (True or False)"
    if isinstance(x, decimal.Decimal):
        x = float(x)
    if isinstance(x, numbers.Complex) and not isinstance(x, numbers.Real):
        return f"the answer should be a real number, got the complex number {x!r}"
    if not isinstance(x, numbers.Real):
        return f"the answer should be one number, got {type(answer).__name__} {answer!r}"
    value = float(x)
    if not math.isfinite(value):
        return f"the answer should be a finite number, got {value!r}"
    return value


def items_of(answer: object, what: str) -> list[Any] | str:
    """The items of a list, tuple or 1-D array, or a sentence saying why it is not one."""
    shape = _shape(answer)
    if shape is not None:
        if len(shape) != 1:
            return f"{what} should be a list, got an array of shape {shape}"
        return list(answer)  # type: ignore[call-overload]
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Sequence):
        return f"{what} should be a list, got {type(answer).__name__}"
    return list(answer)


def is_row(x: object) -> bool:
    shape = _shape(x)
    if shape is not None:
        return len(shape) >= 1
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def as_numbers(answer: object, n: int) -> list[float] | str:
    """The answer as a list of ``n`` floats, or a sentence saying why it is not one."""
    items = items_of(answer, f"the answer, {n} numbers,")
    if isinstance(items, str):
        return items
    if len(items) != n:
        return f"the answer should be a list of {n} numbers, got {len(items)}"
    out = []
    for i, a in enumerate(items):
        x = as_number(a)
        if isinstance(x, str):
            return f"item [{i}]: {x}"
        out.append(x)
    return out


def flat_matrix(answer: object, rows: int, cols: int) -> list[float] | str:
    """A rows x cols matrix (a list of rows, or a 2-D array) as its entries, row after
    row. With one row, a flat list of ``cols`` numbers is read as that row."""
    shape = _shape(answer)
    if shape is not None and len(shape) == 2:
        items: list[Any] | str = list(answer)  # type: ignore[call-overload]
    else:
        items = items_of(answer, f"W, {rows} row(s) of {cols} numbers,")
    if isinstance(items, str):
        return items
    if rows == 1 and len(items) == cols and not any(is_row(r) for r in items):
        items = [items]  # [2, 5] for the one row [[2, 5]]
    if len(items) != rows:
        return (
            f"W should have {rows} row(s), one per output, got {len(items)}: "
            "its shape is (outputs, inputs)"
        )
    flat: list[float] = []
    for j, row in enumerate(items):
        xs = as_numbers(row, cols)
        if isinstance(xs, str):
            return f"W[{j}]: {xs} (one per input)"
        flat.extend(xs)
    return flat


# --------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------


def _round_sig(x: float, digits: int) -> float:
    """x rounded to ``digits`` significant figures, halves up, as by hand.

    >>> _round_sig(0.6667, 1), _round_sig(0.25, 1), _round_sig(1210.0, 3)
    (0.7, 0.3, 1210.0)
    """
    if x == 0 or not math.isfinite(x):
        return x
    exponent = math.floor(math.log10(abs(x))) - digits + 1
    step = decimal.Decimal(1).scaleb(exponent)
    rounded = decimal.Decimal(repr(x)).quantize(step, rounding=decimal.ROUND_HALF_UP)
    return float(rounded)


def agrees(x: float, expected: float, scale: float | None = None) -> bool:
    """Equal to 3 significant figures: a relative error of at most 5e-3.

    ``scale`` (default ``|expected|``) sets the size the error is relative to; a list
    passes its largest entry, so that an entry of 0 still has a tolerance.
    """
    size = abs(expected) if scale is None else scale
    return abs(x - expected) <= SIG_FIG_REL * size * (1 + 1e-9) + 1e-12


def _nearly(x: float, expected: float, scale: float | None = None) -> bool:
    """Right to 1 or 2 significant figures only: 0.7, 0.67 or 0.66 for 0.6667, 2 for 1.83."""
    size = abs(expected) if scale is None else scale
    if abs(x - expected) <= NEARLY_REL * size:
        return True
    return any(math.isclose(x, _round_sig(expected, d), rel_tol=1e-9) for d in (1, 2))


# A known mistake: the value it gives (or a test of the answer) and the hint it deserves
Mistake = tuple[float | Callable[[float], bool], str]
Mistakes = Sequence[Mistake]


def _matches(x: float, mistake: float | Callable[[float], bool], exact: bool) -> bool:
    if callable(mistake):
        return bool(mistake(x))
    return x == mistake if exact else agrees(x, mistake)


def number_verdict(
    exercise: str,
    answer: object,
    expected: float,
    mistakes: Mistakes,
    hint: str,
    note: str,
    exact: bool = False,
) -> Verdict:
    """Compare one number; a wrong one that a known mistake gives gets that mistake's hint.

    ``exact`` is for whole numbers (a count, a position): they must be equal.
    """
    if answer is None:
        return not_answered(exercise, "your number")
    x = as_number(answer)
    if isinstance(x, str):
        return wrong(exercise, x)
    if exact and not x.is_integer():
        return wrong(exercise, "the answer is a whole number.")
    if (x == expected) if exact else agrees(x, expected):
        return right(exercise, note)
    for mistake, mistake_hint in mistakes:
        if _matches(x, mistake, exact):
            return wrong(exercise, mistake_hint)
    if not exact and _nearly(x, expected):
        return _close_verdict(exercise)
    return wrong(exercise, hint)


def _all_agree(xs: Sequence[float], expected: Sequence[float]) -> bool:
    scale = max(abs(e) for e in expected)
    return all(agrees(x, e, abs(e) or scale) for x, e in zip(xs, expected))


def numbers_verdict(
    exercise: str,
    answer: object,
    expected: Sequence[float],
    mistakes: Sequence[tuple[Sequence[float], str]],
    hint: Callable[[list[float]], str],
    note: str,
) -> Verdict:
    """Compare a list of numbers; ``hint`` sees the answer when no known mistake matches.

    The right numbers in another order get a hint about the order.
    """
    if answer is None:
        return not_answered(exercise, f"your list of {len(expected)} numbers")
    xs = as_numbers(answer, len(expected))
    if isinstance(xs, str):
        return wrong(exercise, xs)
    if _all_agree(xs, expected):
        return right(exercise, note)
    for values, mistake_hint in mistakes:
        if _all_agree(xs, values):
            return wrong(exercise, mistake_hint)
    if _all_agree(sorted(xs), sorted(expected)):
        return wrong(
            exercise,
            "those are the right numbers, in the wrong order: item i belongs to class i "
            "(logit z_i), counting from 0.",
        )
    scale = max(abs(e) for e in expected)
    if all(_nearly(x, e, abs(e) or scale) for x, e in zip(xs, expected)):
        return _close_verdict(exercise)
    return wrong(exercise, hint(xs))
