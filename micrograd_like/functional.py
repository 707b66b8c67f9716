"""Functions of Values that are not methods: softmax and friends, activations by name.

Softmax turns a list of scores ("logits") into probabilities:

    softmax(x)_i = e**x_i / (e**x_1 + ... + e**x_n)

Computed literally, ``e**1000`` overflows. Everything here goes through the engine's
stable, fused primitives ``logsumexp`` and ``log_softmax`` (one node per output):

    log_softmax(x)_i = x_i - logsumexp(x)        softmax(x)_i = e**log_softmax(x)_i

Both shift by ``max(x)`` inside, so nothing overflows and ties of huge logits stay exact.

>>> [round(p.data, 4) for p in softmax([1000.0, 1000.0])]   # no overflow
[0.5, 0.5]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from micrograd_like import engine
from micrograd_like.engine import Operand, Value

__all__ = ["log_softmax", "logsumexp", "relu", "sigmoid", "softmax", "tanh"]


def _lifted(values: Iterable[Operand], what: str) -> list[Value]:
    """Each entry as a Value (numbers become constant leaves); refuses empty input."""
    out: list[Value] = []
    for i, x in enumerate(values):
        if x.__class__ is Value:
            out.append(x)
        else:
            v = engine._lift(x)
            if v is None:
                raise TypeError(
                    f"{what}[{i}] must be a Value or a number, got {type(x).__name__}: {x!r}"
                )
            out.append(v)
    if not out:
        raise ValueError(f"{what} needs at least one value, got an empty sequence")
    return out


def logsumexp(values: Iterable[Operand]) -> Value:
    """ln(e**x_1 + ... + e**x_n) as one stable node; its gradient is softmax(x).

    >>> round(logsumexp([0.0, 0.0]).data, 6)   # ln(1 + 1) = ln 2
    0.693147
    """
    return engine.logsumexp(_lifted(values, "logsumexp values"))


def log_softmax(values: Sequence[Operand]) -> list[Value]:
    """log_softmax(x)_i = x_i - logsumexp(x), stable for logits of any size.

    >>> [round(v.data, 4) for v in log_softmax([0.0, 0.0])]   # ln(1/2) each
    [-0.6931, -0.6931]
    """
    return engine.log_softmax(_lifted(values, "log_softmax values"))


def softmax(values: Sequence[Operand]) -> list[Value]:
    """softmax(x)_i = e**(x_i - logsumexp(x)): probabilities that sum to 1.

    >>> p = softmax([0.0, 0.6931471805599453])   # logits 0 and ln 2: e**x = 1 and 2
    >>> [round(v.data, 4) for v in p]            # 1/(1+2) and 2/(1+2)
    [0.3333, 0.6667]
    """
    return [v.exp() for v in log_softmax(values)]


def _one(x: Operand, what: str) -> Value:
    if x.__class__ is Value:
        return x
    v = engine._lift(x)
    if v is None:
        raise TypeError(f"{what} expects a Value or a number, got {type(x).__name__}: {x!r}")
    return v


def sigmoid(x: Operand) -> Value:
    """1 / (1 + e**-x) of a Value or a number. ``sigmoid(0) = 0.5``.

    >>> sigmoid(0.0).data
    0.5
    """
    return _one(x, "sigmoid").sigmoid()


def tanh(x: Operand) -> Value:
    """(e**x - e**-x) / (e**x + e**-x) of a Value or a number. ``tanh(0) = 0``.

    >>> tanh(0.0).data
    0.0
    """
    return _one(x, "tanh").tanh()


def relu(x: Operand) -> Value:
    """max(0, x) of a Value or a number.

    >>> relu(-2.0).data, relu(3.0).data
    (0.0, 3.0)
    """
    return _one(x, "relu").relu()
