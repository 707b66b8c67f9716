"""Expressions the docs, the CLI, the exercises and the tests share, each written once."""

from __future__ import annotations

from typing import Any

from micrograd_like.engine import Value

__all__ = ["readme_expression"]


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
