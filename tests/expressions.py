"""Small expressions shared by the drawing and stepping tests."""

from __future__ import annotations

from micrograd_like.engine import Value
from micrograd_like.examples import readme_expression

__all__ = ["readme_expression", "worked_example"]


def worked_example() -> dict[str, Value]:
    """L = (a*b + c) * f at a=2, b=-3, c=10, f=-2: e = -6, d = 4, L = -8.

    dL/dd = f = -2, dL/df = d = 4, dL/de = dL/dc = -2, dL/da = -2b = 6, dL/db = -2a = -4.
    """
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}
