"""Checking the numbers users hand us: one home for the argument checks.

Each check returns the cleaned value or raises a TypeError (wrong kind of thing) or a
ValueError (right kind, bad value) whose message names the argument.

>>> real(3, "lr")
3.0
>>> positive(-1, "lr")
Traceback (most recent call last):
ValueError: lr must be > 0, got -1.0
"""

from __future__ import annotations

import math
import numbers

__all__ = ["non_negative", "positive", "real"]


def real(x: object, what: str) -> float:
    """``x`` as a finite float, or a TypeError/ValueError that names ``what``.

    A bool is refused: it is almost always a mistake where a number is meant.
    """
    if type(x) is float:
        f = x
    elif isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{what} must be a real number (int or float), got {type(x).__name__}: {x!r}"
        )
    else:
        try:
            f = float(x)
        except OverflowError:
            raise ValueError(
                f"{what} must be a finite number, got an int too large for a float"
            ) from None
    if not math.isfinite(f):
        raise ValueError(f"{what} must be a finite number, got {f!r}")
    return f


def positive(x: object, what: str) -> float:
    """``x`` as a finite float > 0, or an error that names ``what``."""
    f = real(x, what)
    if f <= 0.0:
        raise ValueError(f"{what} must be > 0, got {f!r}")
    return f


def non_negative(x: object, what: str) -> float:
    """``x`` as a finite float >= 0, or an error that names ``what``."""
    f = real(x, what)
    if f < 0.0:
        raise ValueError(f"{what} must be >= 0, got {f!r}")
    return f
