"""Gradients as values, and derivatives of derivatives: ``gradients``, ``grad``, ``hessian``.

The rule table's local derivatives are plain arithmetic, so they run on Values too. A
gradient computed that way is itself a Value with a graph, and can be differentiated
again (what PyTorch calls ``create_graph=True``).

>>> f = lambda x: x**4            # f' = 4x**3, f'' = 12x**2, f''' = 24x
>>> grad(f)(2.0), grad(grad(f))(2.0), grad(grad(grad(f)))(2.0)
(32.0, 48.0, 48.0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from micrograd_like.checks import real as _as_float
from micrograd_like.engine import Value, topological_order

__all__ = ["grad", "gradients", "hessian"]


def gradients(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """d(output)/d(x) for each x in ``inputs``, leaving every ``.grad`` as it was.

    Like ``torch.autograd.grad``. With ``create_graph=True`` each gradient is a Value
    (or 0.0 where output does not depend on x) that can be differentiated again.

    >>> x = Value(3.0)
    >>> y = x**3                               # dy/dx = 3x**2 = 27, d2y/dx2 = 6x = 18
    >>> (dy,) = gradients(y, [x], create_graph=True)
    >>> dy.data, gradients(dy, [x])[0]
    (27.0, 18.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"output must be a Value, got {type(output).__name__}")
    if isinstance(inputs, Value) or not isinstance(inputs, (list, tuple)):
        raise TypeError(f"inputs must be a list of Values, got {type(inputs).__name__}")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"inputs[{i}] must be a Value, got {type(x).__name__}")
    order = topological_order(output)
    nodes = {output, *order, *(p for v in order for p in v.parents)}
    saved = [(v, v.grad) for v in nodes]
    try:
        for v in nodes:
            v.grad = 0.0
        output.backward(create_graph=create_graph)
        return [x.grad if x in nodes else 0.0 for x in inputs]
    finally:
        for v, g in saved:
            v.grad = g


def _as_values(args: Sequence[Any]) -> list[Value]:
    return [
        a if isinstance(a, Value) else Value(_as_float(a, f"argument {i}"))
        for i, a in enumerate(args)
    ]


def _output(out: object) -> Value | float:
    """What ``f`` returned, if it is a Value or a number (a constant function)."""
    if isinstance(out, Value) or (isinstance(out, (int, float)) and not isinstance(out, bool)):
        return out
    raise TypeError(f"the function must return a Value or a number, got {type(out).__name__}")


def _argnums(argnums: int | Sequence[int], n: int) -> tuple[int, ...]:
    if isinstance(argnums, int):
        nums: tuple[Any, ...] = (argnums,)
    elif isinstance(argnums, Sequence) and not isinstance(argnums, (str, bytes)):
        nums = tuple(argnums)
    else:
        raise TypeError(
            f"argnums must be an int or a tuple of ints, got {type(argnums).__name__}: {argnums!r}"
        )
    for i in nums:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"argnums must be ints, got {type(i).__name__}")
        if not -n <= i < n:
            raise ValueError(f"argnums {i} is out of range for a call with {n} argument(s)")
    return nums


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """The function x -> df/dx; ``argnums`` picks which argument(s), as in JAX.

    Called with plain numbers it returns floats; called with Values (as an outer ``grad``
    does) it returns Values, which is what lets calls nest.

    >>> grad(lambda x, y: x * y * y, argnums=1)(3.0, 2.0)   # d(xy^2)/dy = 2xy = 12
    12.0
    >>> grad(lambda x, y: x * y * y, argnums=(0, 1))(3.0, 2.0)   # (y^2, 2xy)
    (4.0, 12.0)
    """
    if not callable(f):
        raise TypeError(f"grad needs a function, got {type(f).__name__}")

    def df(*args: Any) -> Any:
        nums = _argnums(argnums, len(args))
        xs = _as_values(args)
        out = _output(f(*xs))
        if isinstance(out, Value):
            gs = gradients(out, [xs[i] for i in nums], create_graph=True)
        else:
            gs = [0.0] * len(nums)  # a constant function
        if not any(isinstance(a, Value) for a in args):
            gs = [float(g) for g in gs]
        return gs[0] if isinstance(argnums, int) else tuple(gs)

    df.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return df


def hessian(f: Callable[..., Any]) -> Callable[..., list[list[float]]]:
    """The function (x1, ..., xn) -> [[d2f/dxi dxj]], for small functions.

    >>> hessian(lambda x, y: x * x * y)(3.0, 2.0)   # [[2y, 2x], [2x, 0]]
    [[4.0, 6.0], [6.0, 0.0]]
    """
    if not callable(f):
        raise TypeError(f"hessian needs a function, got {type(f).__name__}")

    def h(*args: Any) -> list[list[float]]:
        xs = _as_values(args)
        out = _output(f(*xs))
        if not isinstance(out, Value):  # a constant function
            return [[0.0] * len(xs) for _ in xs]
        rows = []
        for g in gradients(out, xs, create_graph=True):
            if isinstance(g, Value):
                rows.append([float(d) for d in gradients(g, xs)])
            else:
                rows.append([0.0] * len(xs))
        return rows

    return h
