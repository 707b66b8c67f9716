"""Expressions the docs, the CLI, the exercises and the tests share, each written once."""

from __future__ import annotations

from typing import Any

from micrograd_like.engine import Value

__all__ = ["first_picture", "lecture_neuron", "readme_expression"]


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


def lecture_neuron() -> dict[str, Value]:
    """The lecture's neuron, o = tanh(x1*w1 + x2*w2 + b), every node labelled as there.

    x1 = 2, x2 = 0, w1 = -3, w2 = 1, and b = 6.8813735870195432, picked so that
    n = -6 + 0 + b = 0.8813735870195432 and o = tanh(n) = 1/sqrt(2). Backward:
    do/dn = 1 - o**2 = 0.5 (to a few ulps), which reaches b and both products;
    do/dx1 = 0.5 w1 = -1.5, do/dw1 = 0.5 x1 = 1, do/dx2 = 0.5 w2 = 0.5, do/dw2 = 0.5 x2 = 0.

    >>> nodes = lecture_neuron(); nodes["o"].backward()
    >>> [round(nodes[k].grad, 12) for k in ("n", "x1", "w1", "x2", "w2")]
    [0.5, -1.5, 1.0, 0.5, 0.0]
    """
    x1 = Value(2.0, label="x1")
    x2 = Value(0.0, label="x2")
    w1 = Value(-3.0, label="w1")
    w2 = Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b, "x1w1": x1w1, "x2w2": x2w2,
            "s": s, "n": n, "o": o}  # fmt: skip
