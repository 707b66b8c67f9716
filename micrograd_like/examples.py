"""Expressions the docs, the CLI, the exercises and the tests share, each written once."""

from __future__ import annotations

from typing import Any

from micrograd_like.engine import Value

__all__ = ["first_picture", "readme_expression"]


def readme_expression(V: Any = Value) -> tuple[Any, Any, Any]:
    """micrograd's README expression, built with the class ``V``: ``(g, a, b)``.

    ``backward()`` has not run yet, and ``a`` and ``b`` have no labels, as in the README
    (a learner's ``Value`` class may take no ``label=``).

    >>> g, a, b = readme_expression()
    >>> g.backward()
    >>> g.data, a.grad, b.grad
    (24.70408163265306, 138.83381924198252, 645.5772594752186)
    """
    a = V(-4.0)
    b = V(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    return g, a, b


def first_picture() -> dict[str, Value]:
    """The lecture's first picture, L = (a*b + c) * f at a=2, b=-3, c=10, f=-2, labelled.

    e = ab = -6, d = e + c = 4, L = d f = -8. Backward: dL/dd = f = -2, dL/df = d = 4,
    dL/de = dL/dc = -2, dL/da = -2b = 6, dL/db = -2a = -4.

    >>> nodes = first_picture(); nodes["L"].backward()
    >>> nodes["L"].data, nodes["a"].grad, nodes["b"].grad
    (-8.0, 6.0, -4.0)
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
