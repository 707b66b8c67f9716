"""Check gradients against finite differences.

The derivative of f at x is about the slope of a short chord through x:

    f'(x) ~ (f(x + eps) - f(x - eps)) / (2 * eps)        (central difference)

:func:`numerical_grad` computes that for every input of a function of Values.
:func:`check_gradients` runs the function, calls ``backward()``, and compares every
analytic gradient with its chord: for the inputs, and for every intermediate node of the
graph (by nudging that node and replaying the graph after it through the rule table).
A disagreement names the input or node.

>>> f = lambda x, y: x * y + x.tanh()
>>> check_gradients(f, [0.5, -2.0]).ok
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from micrograd_like.checks import boolean, integer
from micrograd_like.checks import real as _as_float
from micrograd_like.engine import RULES, Value, topological_order

__all__ = ["GradientMismatch", "GradcheckResult", "Mismatch", "check_gradients", "numerical_grad"]

Function = Callable[..., Value]


def _output(f: Function, xs: Sequence[float]) -> float:
    out = f(*[Value(x) for x in xs])
    if not isinstance(out, Value):
        raise TypeError(f"the function must return a Value, got {type(out).__name__}")
    return out.data


def _check_inputs(where: str, f: object, xs: object, eps: object) -> tuple[list[float], float]:
    """``xs`` as floats and ``eps`` as a float > 0, after checking that ``f`` is callable."""
    if not callable(f):
        raise TypeError(f"{where} needs a function, got {type(f).__name__}")
    if isinstance(xs, (str, bytes, Mapping)) or not isinstance(xs, Iterable):
        raise TypeError(f"{where}: xs must be a list of numbers, got {type(xs).__name__}")
    floats = [_as_float(x, f"input {i}") for i, x in enumerate(xs)]
    h = _as_float(eps, "eps")
    if h <= 0.0:
        raise ValueError(f"eps must be > 0, got {h!r}")
    return floats, h


def _tolerance(x: object, name: str) -> float:
    tol = _as_float(x, name)
    if tol < 0.0:
        raise ValueError(f"{name} must be >= 0, got {tol!r}")
    return tol


def numerical_grad(f: Function, xs: Sequence[float], eps: float = 1e-6) -> list[float]:
    """Central-difference estimates of df/dxi for each input xi.

    >>> [round(g, 6) for g in numerical_grad(lambda x, y: x * y, [3.0, 4.0])]  # (y, x)
    [4.0, 3.0]
    """
    xs, eps = _check_inputs("numerical_grad", f, xs, eps)
    grads = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += eps
        down[i] -= eps
        grads.append((_output(f, up) - _output(f, down)) / (2 * eps))
    return grads


@dataclass
class Mismatch:
    """One gradient that disagrees with its finite difference."""

    where: str
    analytic: float
    numeric: float

    def __str__(self) -> str:
        return f"{self.where}: analytic {self.analytic!r}, numeric {self.numeric!r}"


@dataclass
class GradcheckResult:
    """What :func:`check_gradients` compared, and what disagreed."""

    analytic: list[float]
    numeric: list[float]
    nodes_checked: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


class GradientMismatch(AssertionError):
    """An analytic gradient disagrees with central differences."""


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def _name(v: Value, index: int) -> str:
    label = f" {v.label!r}" if v.label else ""
    return f"node #{index}{label} (op {v.op!r}, data {v.data:.6g})"


def _replay(order: list[Value], nudged: Value, delta: float) -> float:
    """The root's value after adding ``delta`` to ``nudged``; later nodes recomputed."""
    data: dict[Value, float] = {nudged: nudged.data + delta}
    for v in order:
        if v is nudged:
            continue
        args = [data.get(p, p.data) for p in v.parents]
        data[v] = RULES[v.op].run(args)
    root = order[-1]
    return data.get(root, root.data)


def check_gradients(
    f: Function,
    xs: Sequence[float],
    eps: float = 1e-6,
    rtol: float = 1e-4,
    atol: float = 1e-6,
    nodes: bool = True,
    max_nodes: int = 2000,
    raise_on_mismatch: bool = True,
) -> GradcheckResult:
    """Compare the gradients from ``backward()`` with central differences.

    ``f`` takes one Value per entry of ``xs`` and returns a Value. Every input's
    gradient is checked; with ``nodes=True`` (and a graph of at most ``max_nodes``
    nodes) so is every intermediate node's. On a disagreement it raises
    :class:`GradientMismatch` naming the input or node (or, with
    ``raise_on_mismatch=False``, lists them in the result).
    """
    floats, eps = _check_inputs("check_gradients", f, xs, eps)
    rtol, atol = _tolerance(rtol, "rtol"), _tolerance(atol, "atol")
    boolean(nodes, "nodes")
    boolean(raise_on_mismatch, "raise_on_mismatch")
    integer(max_nodes, "max_nodes")
    inputs = [Value(x, label=f"x{i}") for i, x in enumerate(floats)]
    out = f(*inputs)
    if not isinstance(out, Value):
        raise TypeError(f"the function must return a Value, got {type(out).__name__}")
    out.backward()
    analytic = [float(v.grad) for v in inputs]
    numeric = numerical_grad(f, floats, eps)
    result = GradcheckResult(analytic, numeric)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if not _close(a, n, rtol, atol):
            result.mismatches.append(Mismatch(f"input {i} (x{i} = {floats[i]!r})", a, n))

    order = topological_order(out)
    if nodes and len(order) <= max_nodes:
        for index, v in enumerate(order[:-1]):  # the root's own gradient is 1 by definition
            numeric_v = (_replay(order, v, eps) - _replay(order, v, -eps)) / (2 * eps)
            result.nodes_checked += 1
            if not _close(float(v.grad), numeric_v, rtol, atol):
                result.mismatches.append(Mismatch(_name(v, index), float(v.grad), numeric_v))

    if result.mismatches and raise_on_mismatch:
        lines = "\n  ".join(str(m) for m in result.mismatches)
        raise GradientMismatch(f"{len(result.mismatches)} gradient(s) disagree:\n  {lines}")
    return result
