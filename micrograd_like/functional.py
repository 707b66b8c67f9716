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

import numbers
from collections.abc import Iterable, Sequence

from micrograd_like import engine
from micrograd_like.checks import non_empty
from micrograd_like.engine import Operand, Value

__all__ = ["as_value", "log_softmax", "logsumexp", "relu", "sigmoid", "softmax", "tanh"]


def logsumexp(values: Iterable[Operand]) -> Value:
    """ln(e**x_1 + ... + e**x_n) as one stable node; its gradient is softmax(x).

    >>> round(logsumexp([0.0, 0.0]).data, 6)   # ln(1 + 1) = ln 2
    0.693147
    """
    return engine.logsumexp(non_empty(values, "logsumexp values"))


def log_softmax(values: Sequence[Operand]) -> list[Value]:
    """log_softmax(x)_i = x_i - logsumexp(x), stable for logits of any size.

    The list of all n outputs. It calls the engine's primitive
    :func:`micrograd_like.engine.log_softmax`, which also takes ``index=i`` for one
    entry (as the cross-entropy losses use it).

    >>> [round(v.data, 4) for v in log_softmax([0.0, 0.0])]   # ln(1/2) each
    [-0.6931, -0.6931]
    """
    return engine.log_softmax(non_empty(values, "log_softmax values"))


def softmax(values: Sequence[Operand]) -> list[Value]:
    """softmax(x)_i = e**(x_i - logsumexp(x)): probabilities that sum to 1.

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
