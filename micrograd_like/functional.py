"""Functions of Values that are not methods: the fused one-node ops, softmax, activations.

A fused op is ONE node however many inputs it has, where Python's ``sum`` or a loop of
``*`` and ``+`` would make one node per term:

* ``vsum(xs)`` = x1 + ... + xn, ``dot(w, x)`` = w1*x1 + ... + wn*xn, and
  ``affine(w, x, b)`` = w . x + b (a neuron before its activation);
* ``logsumexp(xs)`` = ln(e**x1 + ... + e**xn) and ``log_softmax(xs)``, which turn scores
  ("logits") into log-probabilities without overflow.

Softmax turns logits into probabilities:

    softmax(x)_i = e**x_i / (e**x_1 + ... + e**x_n) = e**log_softmax(x)_i

Computed literally, ``e**1000`` overflows. ``logsumexp`` and ``log_softmax`` shift by
``max(x)`` inside, so nothing overflows and ties of huge logits stay exact.

>>> [round(p.data, 4) for p in softmax([1000.0, 1000.0])]   # no overflow
[0.5, 0.5]
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence
from typing import cast, overload

from micrograd_like import engine
from micrograd_like.engine import Operand, Value

__all__ = [
    "affine",
    "as_value",
    "dot",
    "log_softmax",
    "logsumexp",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
    "vsum",
]


def vsum(values: Iterable[Operand]) -> Value:
    """x1 + x2 + ... + xn as ONE node (Python's ``sum`` would make n nodes).

    >>> xs = [Value(1.0), Value(2.0), Value(3.0)]
    >>> s = vsum(xs); s.backward()          # ds/dxi = 1 for every i
    >>> s.data, [x.grad for x in xs]
    (6.0, [1.0, 1.0, 1.0])
    """
    return engine.make_node("sum", _values(values, "vsum values", at_least_one=True))


def dot(ws: Sequence[Operand], xs: Sequence[Operand]) -> Value:
    """w1*x1 + ... + wn*xn as ONE node: d/dwi = xi and d/dxi = wi.

    >>> w = [Value(0.5), Value(-1.0)]; x = [Value(2.0), Value(1.0)]
    >>> d = dot(w, x); d.backward()         # 0.5*2 - 1*1 = 0
    >>> d.data, w[0].grad, x[1].grad
    (0.0, 2.0, -1.0)
    """
    w, x = _paired(ws, xs, "dot")
    return engine.make_node("dot", w + x)


def affine(ws: Sequence[Operand], xs: Sequence[Operand], b: Operand) -> Value:
    """w1*x1 + ... + wn*xn + b as ONE node: a neuron before its activation.

    >>> w = [Value(0.5), Value(-1.0)]; x = [2.0, 1.0]; b = Value(0.25)
    >>> z = affine(w, x, b); z.backward()   # 1 - 1 + 0.25; dz/dw1 = x1 = 2, dz/db = 1
    >>> z.data, w[0].grad, b.grad
    (0.25, 2.0, 1.0)
    """
    w, x = _paired(ws, xs, "affine")
    (bias,) = _values((b,), "affine bias")
    return engine.make_node("affine", w + x + (bias,))


def logsumexp(values: Iterable[Operand]) -> Value:
    """ln(e**x1 + ... + e**xn) as ONE node, stable for large inputs.

    Its gradient is the softmax: d/dxi = e**xi / sum_j e**xj.

    >>> xs = [Value(0.0), Value(0.0)]
    >>> s = logsumexp(xs); s.backward()     # ln(1 + 1) = ln 2; each softmax weight is 1/2
    >>> round(s.data, 6), [x.grad for x in xs]
    (0.693147, [0.5, 0.5])
    >>> logsumexp([Value(1000.0), Value(1000.0)]).data   # no overflow: 1000 + ln 2
    1000.6931471805599
    """
    return engine.make_node("logsumexp", _values(values, "logsumexp values", at_least_one=True))


@overload
def log_softmax(values: Iterable[Operand], index: None = None) -> list[Value]: ...
@overload
def log_softmax(values: Iterable[Operand], index: int) -> Value: ...


def log_softmax(values: Iterable[Operand], index: int | None = None) -> list[Value] | Value:
    """log_softmax(x)i = xi - logsumexp(x), each ONE node, exact even for huge logits.

    The derivatives: d/dxi = 1 - softmax(x)i, d/dxj = -softmax(x)j for j != i. With
    ``index``, only that output (a cross-entropy needs one).

    >>> xs = [Value(0.0), Value(0.0)]
    >>> [round(v.data, 6) for v in log_softmax(xs)]   # ln(1/2) each
    [-0.693147, -0.693147]
    >>> import math
    >>> [v.data for v in log_softmax([Value(1e308), Value(1e308)])] == [-math.log(2)] * 2
    True
    """
    vs = _values(values, "log_softmax values", at_least_one=True)
    if index is None:
        return [engine.make_node("log_softmax", (x, *vs)) for x in vs]
    if isinstance(index, bool) or not isinstance(index, int) or not -len(vs) <= index < len(vs):
        raise ValueError(f"log_softmax index must be an int in [0, {len(vs)}), got {index!r}")
    return engine.make_node("log_softmax", (vs[index], *vs))


def softmax(values: Sequence[Operand]) -> list[Value]:
    """softmax(x)_i = e**(x_i - logsumexp(x)): probabilities that sum to 1, two nodes each.

    >>> p = softmax([0.0, 0.6931471805599453])   # logits 0 and ln 2: e**x = 1 and 2
    >>> [round(v.data, 4) for v in p]            # 1/(1+2) and 2/(1+2)
    [0.3333, 0.6667]
    """
    return [v.exp() for v in log_softmax(values)]


def as_value(x: object, error: str) -> Value:
    """``x`` as a Value: itself, or a number made a constant leaf.

    Anything else is a TypeError whose message starts with ``error``, e.g. "sigmoid
    expects" or "mse pred[0] must be", followed by "a Value or a number, got ...".

    >>> as_value(2, "sigmoid expects").data
    2.0
    """
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{error} a Value or a number, got {type(x).__name__}: {x!r}")
    return Value(x)  # type: ignore[arg-type]


def sigmoid(x: Operand) -> Value:
    """1 / (1 + e**-x) of a Value or a number. ``sigmoid(0) = 0.5``.

    >>> sigmoid(0.0).data
    0.5
    """
    return as_value(x, "sigmoid expects").sigmoid()


def tanh(x: Operand) -> Value:
    """(e**x - e**-x) / (e**x + e**-x) of a Value or a number. ``tanh(0) = 0``.

    >>> tanh(0.0).data
    0.0
    """
    return as_value(x, "tanh expects").tanh()


def relu(x: Operand) -> Value:
    """max(0, x) of a Value or a number.

    >>> relu(-2.0).data, relu(3.0).data
    (0.0, 3.0)
    """
    return as_value(x, "relu expects").relu()


# --------------------------------------------------------------------------------------
# Checking the operands, once
# --------------------------------------------------------------------------------------


def _values(xs: Iterable[Operand], what: str, at_least_one: bool = False) -> tuple[Value, ...]:
    """The operands of an n-ary op as Values (numbers become constant leaves)."""
    if not isinstance(xs, (list, tuple)) and (
        isinstance(xs, (Value, str, bytes, dict)) or not isinstance(xs, Iterable)
    ):
        raise TypeError(f"{what} must be a list of Values or numbers, got {type(xs).__name__}")
    vs = tuple(xs)
    if at_least_one and not vs:
        raise ValueError(f"{what} needs at least one value, got an empty sequence")
    if set(map(type, vs)) <= {Value}:  # the common case: Values already, nothing to lift
        return cast("tuple[Value, ...]", vs)
    out = []
    for i, x in enumerate(vs):
        v = engine.lift(x)
        if v is None:
            raise TypeError(
                f"{what}[{i}] must be a Value or a number, got {type(x).__name__}: {x!r}"
            )
        out.append(v)
    return tuple(out)


def _paired(
    ws: Sequence[Operand], xs: Sequence[Operand], what: str
) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
    w = _values(ws, f"{what} ws")
    x = _values(xs, f"{what} xs")
    if len(w) != len(x):
        raise ValueError(f"{what} needs sequences of equal length, got {len(w)} and {len(x)}")
    if not w:
        raise ValueError(f"{what} needs at least one pair, got empty sequences")
    return w, x
