"""The worked examples that :func:`~micrograd_like.exercises.check_value_class` runs,
with their numbers derived by hand.

Two kinds:

* a :class:`Step` checks one op's own chain-rule step, alone. The checker seeds each
  output's ``grad`` with an incoming gradient other than 1, gives each operand a
  starting ``grad`` of its own (:data:`START`: a second use of it elsewhere), calls the
  op's ``_backward`` directly and reads the operands' gradients. The expected gradient
  of operand ``j`` is ``START[j] + sum_i incoming[i] * local[i][j]``.
* a :class:`Graph` checks ``backward()`` on a graph built from ops that passed: each of
  its variants uses other ops, and the first variant whose ops all passed is run.

The points are chosen so that the classic mistakes show: ``=`` for ``+=`` loses the
starting gradient, ``1 - t**2 * out.grad`` differs from ``(1 - t**2) * out.grad`` when
``out.grad`` is not 1, ``self.data`` differs from ``out.data`` for exp and tanh, and an
input that is rounded changes exp.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from micrograd_like.examples import readme_expression

__all__ = [
    "DEEP_GRAPH",
    "GRAPHS",
    "HINTS",
    "README_GRAPH",
    "START",
    "STEPS",
    "Graph",
    "Step",
    "Variant",
]

START = (0.5, -0.25)
"""The ``grad`` each operand has before an op's step: first operand, second operand."""


@dataclass(frozen=True)
class Step:
    """One op's own step of the chain rule, at one point."""

    op: str
    text: str  # what is computed, as a learner writes it
    inputs: tuple[tuple[str, float], ...]  # the Values made for it: (name, data)
    make: Callable[..., Any]  # make(*values) -> the output, or a tuple of outputs
    incoming: tuple[float, ...]  # the gradient seeded into each output
    data: tuple[float, ...]  # each output's data
    local: tuple[tuple[float, ...], ...]  # local[i][j] = d output_i / d input_j

    def expected_grads(self, start: tuple[float, ...], incoming: tuple[float, ...]) -> list[float]:
        return [
            start[j] + sum(g * row[j] for g, row in zip(incoming, self.local))
            for j in range(len(self.inputs))
        ]

    def describe(self) -> str:
        point = ", ".join(f"{name} = {x:g}" for name, x in self.inputs)
        return f"{self.text} at {point}"


def _step(
    op: str, text: str, inputs: dict[str, float], make: Callable[..., Any],
    incoming: tuple[float, ...], data: tuple[float, ...], *local: tuple[float, ...],
) -> Step:  # fmt: skip
    return Step(op, text, tuple(inputs.items()), make, incoming, data, tuple(local))


E = math.e
T_HALF = math.tanh(-0.5)  # -0.46211715726000974
T_12 = math.tanh(1.2)  # 0.8336546070121552
ATANH_HALF_SQRT2 = 0.8813735870195432  # tanh of it is 1/sqrt 2: the lecture's neuron
S2 = 1.0 / (1.0 + math.exp(-2.0))  # sigmoid(2) = 0.8807970779778823

STEPS: list[Step] = [
    # + : both local derivatives are 1
    _step("__add__", "c = a + b", {"a": 2.0, "b": -3.0}, lambda a, b: a + b,
          (2.5,), (-1.0,), (1.0, 1.0)),
    # a + a = 2a: dc/da = 2
    _step("__add__", "c = a + a (a used twice)", {"a": 3.0}, lambda a: a + a,
          (-2.0,), (6.0,), (2.0,)),
    _step("__add__", "c = a + 2 (a plain number)", {"a": 1.25}, lambda a: a + 2,
          (3.0,), (3.25,), (1.0,)),
    _step("__radd__", "c = 2 + a", {"a": 1.25}, lambda a: 2 + a, (-1.5,), (3.25,), (1.0,)),
    _step("__radd__", "c1 = 2 + a; c2 = 3 + a (a used twice)", {"a": 1.25},
          lambda a: (2 + a, 3 + a), (1.5, 2.0), (3.25, 4.25), (1.0,), (1.0,)),
    # * : each factor's local derivative is the other factor, dc/da = b = -3, dc/db = a = 2
    _step("__mul__", "c = a * b", {"a": 2.0, "b": -3.0}, lambda a, b: a * b,
          (1.5,), (-6.0,), (-3.0, 2.0)),
    # a * a = a^2: dc/da = 2a = 6
    _step("__mul__", "c = a * a (a used twice)", {"a": 3.0}, lambda a: a * a,
          (-0.5,), (9.0,), (6.0,)),
    _step("__mul__", "c = a * 4 (a plain number)", {"a": -1.5}, lambda a: a * 4,
          (2.0,), (-6.0,), (4.0,)),
    _step("__rmul__", "c = 4 * a", {"a": -1.5}, lambda a: 4 * a, (-2.0,), (-6.0,), (4.0,)),
    _step("__rmul__", "c1 = 4 * a; c2 = -2 * a (a used twice)", {"a": -1.5},
          lambda a: (4 * a, -2 * a), (1.5, -0.5), (-6.0, 3.0), (4.0,), (-2.0,)),
    # -a = a * -1: dc/da = -1
    _step("__neg__", "c = -a", {"a": 5.0}, lambda a: -a, (1.5,), (-5.0,), (-1.0,)),
    _step("__neg__", "c1 = -a; c2 = -a (a used twice)", {"a": 5.0}, lambda a: (-a, -a),
          (2.0, 2.5), (-5.0, -5.0), (-1.0,), (-1.0,)),
    # a - b = a + (-b): dc/da = 1, dc/db = -1
    _step("__sub__", "c = a - b", {"a": 5.0, "b": 2.0}, lambda a, b: a - b,
          (2.5,), (3.0,), (1.0, -1.0)),
    _step("__sub__", "c = a - 3 (a plain number)", {"a": 5.0}, lambda a: a - 3,
          (-2.0,), (2.0,), (1.0,)),
    # a - a = 0 for every a: dc/da = 1 - 1 = 0
    _step("__sub__", "c = a - a (a used twice)", {"a": 5.0}, lambda a: a - a,
          (2.0,), (0.0,), (0.0,)),
    # 10 - a: dc/da = -1
    _step("__rsub__", "c = 10 - a", {"a": 4.0}, lambda a: 10 - a, (1.5,), (6.0,), (-1.0,)),
    _step("__rsub__", "c1 = 10 - a; c2 = 1 - a (a used twice)", {"a": 4.0},
          lambda a: (10 - a, 1 - a), (2.0, 2.5), (6.0, -3.0), (-1.0,), (-1.0,)),
    # a^k: k a^(k-1): 3 * 2^2 = 12; -1 * 4^-2 = -1/16; 0.5 * 2.25^-0.5 = 0.5 / 1.5 = 1/3
    _step("__pow__", "c = a ** 3", {"a": 2.0}, lambda a: a**3, (1.5,), (8.0,), (12.0,)),
    _step("__pow__", "c = a ** -1", {"a": 4.0}, lambda a: a**-1, (-2.0,), (0.25,), (-0.0625,)),
    _step("__pow__", "c = a ** 0.5", {"a": 2.25}, lambda a: a**0.5, (3.0,), (1.5,), (1 / 3,)),
    # a^2 and a^3 at 2: 2a = 4 and 3a^2 = 12
    _step("__pow__", "c1 = a ** 2; c2 = a ** 3 (a used twice)", {"a": 2.0},
          lambda a: (a**2, a**3), (1.5, 2.0), (4.0, 8.0), (4.0,), (12.0,)),
    # a / b: 1/b = 1/4, -a/b^2 = -3/16
    _step("__truediv__", "c = a / b", {"a": 3.0, "b": 4.0}, lambda a, b: a / b,
          (4.0,), (0.75,), (0.25, -0.1875)),
    _step("__truediv__", "c = a / 2 (a plain number)", {"a": 3.0}, lambda a: a / 2,
          (-1.5,), (1.5,), (0.5,)),
    # a / a = 1 for every a: dc/da = 1/a - a/a^2 = 0
    _step("__truediv__", "c = a / a (a used twice)", {"a": 3.0}, lambda a: a / a,
          (2.0,), (1.0,), (0.0,)),
    # 2 / a: -2/a^2 = -2/16
    _step("__rtruediv__", "c = 2 / a", {"a": 4.0}, lambda a: 2 / a,
          (1.5,), (0.5,), (-0.125,)),
    # 1 / a: -1/a^2 = -1/16
    _step("__rtruediv__", "c1 = 2 / a; c2 = 1 / a (a used twice)", {"a": 4.0},
          lambda a: (2 / a, 1 / a), (1.5, -2.0), (0.5, 0.25), (-0.125,), (-0.0625,)),
    # tanh: 1 - t^2 with t the OUTPUT; at atanh(1/sqrt 2), t^2 = 1/2
    _step("tanh", "o = n.tanh()", {"n": ATANH_HALF_SQRT2}, lambda n: n.tanh(),
          (2.5,), (1 / math.sqrt(2),), (0.5,)),
    _step("tanh", "o = n.tanh()", {"n": -0.5}, lambda n: n.tanh(),
          (-2.0,), (T_HALF,), (1 - T_HALF**2,)),
    _step("tanh", "o1 = n.tanh(); o2 = n.tanh() (n used twice)", {"n": 1.2},
          lambda n: (n.tanh(), n.tanh()), (1.5, -0.5), (T_12, T_12),
          (1 - T_12**2,), (1 - T_12**2,)),
    # exp: its own output, e^a
    _step("exp", "c = a.exp()", {"a": 0.5}, lambda a: a.exp(),
          (1.5,), (math.exp(0.5),), (math.exp(0.5),)),
    _step("exp", "c = a.exp()", {"a": -1.2}, lambda a: a.exp(),
          (-2.0,), (math.exp(-1.2),), (math.exp(-1.2),)),
    _step("exp", "c1 = a.exp(); c2 = a.exp() (a used twice)", {"a": 2.0},
          lambda a: (a.exp(), a.exp()), (1.5, -0.5), (E**2, E**2), (E**2,), (E**2,)),
    # relu: 1 where the output is positive, else 0
    _step("relu", "c = a.relu()", {"a": -2.0}, lambda a: a.relu(), (1.5,), (0.0,), (0.0,)),
    _step("relu", "c = a.relu()", {"a": 3.0}, lambda a: a.relu(), (-2.0,), (3.0,), (1.0,)),
    _step("relu", "c1 = a.relu(); c2 = a.relu() (a used twice)", {"a": 0.5},
          lambda a: (a.relu(), a.relu()), (1.5, 2.0), (0.5, 0.5), (1.0,), (1.0,)),
    # log: 1/a
    _step("log", "c = a.log()", {"a": 2.0}, lambda a: a.log(),
          (1.5,), (math.log(2.0),), (0.5,)),
    _step("log", "c = a.log()", {"a": 0.25}, lambda a: a.log(),
          (-2.0,), (math.log(0.25),), (4.0,)),
    _step("log", "c1 = a.log(); c2 = a.log() (a used twice)", {"a": 4.0},
          lambda a: (a.log(), a.log()), (1.5, 3.0), (math.log(4.0),) * 2, (0.25,), (0.25,)),
    # sigmoid: s (1 - s) with s the output; s(0) = 1/2
    _step("sigmoid", "c = a.sigmoid()", {"a": 0.0}, lambda a: a.sigmoid(),
          (1.5,), (0.5,), (0.25,)),
    _step("sigmoid", "c = a.sigmoid()", {"a": 2.0}, lambda a: a.sigmoid(),
          (-2.0,), (S2,), (S2 * (1 - S2),)),
    _step("sigmoid", "c1 = a.sigmoid(); c2 = a.sigmoid() (a used twice)", {"a": 0.0},
          lambda a: (a.sigmoid(), a.sigmoid()), (1.5, 3.0), (0.5, 0.5), (0.25,), (0.25,)),
]  # fmt: skip

HINTS = {
    "__add__": "each operand of + gets the output's gradient times 1",
    "__radd__": "2 + a is a + 2: __radd__ can return self + other",
    "__mul__": "each factor of * gets the OTHER factor's data times the output's gradient",
    "__rmul__": "4 * a is a * 4: __rmul__ can return self * other",
    "__neg__": "-a is a * -1",
    "__sub__": "a - b is a + (-b)",
    "__rsub__": "in 10 - a Python calls a.__rsub__(10): return other + (-self), not self - other",
    "__pow__": "d(a**k)/da = k * a**(k - 1), times the output's gradient",
    "__truediv__": "a / b is a * b**-1",
    "__rtruediv__": "in 2 / a Python calls a.__rtruediv__(2): return other * self**-1",
    "tanh": "tanh's local derivative is 1 - t**2 with t = tanh(n), the OUTPUT's data, and "
    "the whole of it multiplies out.grad: (1 - t**2) * out.grad",
    "exp": "exp's local derivative is its own output: self.grad += out.data * out.grad",
    "relu": "relu's local derivative is 1 where the output is positive, else 0",
    "log": "d(ln a)/da = 1/a",
    "sigmoid": "sigmoid's local derivative is s * (1 - s) with s the output",
}
"""The hint shown when an op's step gives a wrong number and no known mistake fits."""


# --------------------------------------------------------------------------------------
# backward() on graphs of ops that passed
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One way to build a graph: the ops it needs, and its hand-derived numbers."""

    ops: tuple[str, ...]
    make: Callable[..., Any]  # make(*values) -> the output
    data: float
    grads: tuple[float, ...]  # d output / d input, per input


@dataclass(frozen=True)
class Graph:
    """A graph on which ``backward()`` must give every gradient."""

    example: str
    inputs: tuple[tuple[str, float], ...]
    variants: tuple[Variant, ...]
    deep: bool = False  # deeper than Python's recursion limit: RecursionError warns
    reads: tuple[str, ...] = ()  # the nodes whose grads are read, when not the inputs

    def names(self) -> tuple[str, ...]:
        return self.reads or tuple(name for name, _ in self.inputs)


def _shared_mul_add(x: Any, t: Any) -> Any:
    y = x * t
    return (x + y) * y


def _chain(one_op: str) -> Callable[..., Any]:
    def make(x: Any, one: Any, depth: int) -> Any:
        y = x
        for _ in range(depth):
            y = y + one if one_op == "+" else y * one
        return y

    return make


def _lecture_neuron(x1: Any, x2: Any, w1: Any, w2: Any, b: Any) -> Any:
    return (x1 * w1 + x2 * w2 + b).tanh()


GRAPHS: list[Graph] = [
    # the seed: out = a * b = 6 needs out.grad = 1 first; then a.grad = b = 3, b.grad = a = 2
    Graph("the output's grad starts at 1: c = a * b", (("a", 2.0), ("b", 3.0)), (
        Variant(("__mul__",), lambda a, b: a * b, 6.0, (3.0, 2.0)),
        Variant(("__add__",), lambda a, b: a + b, 5.0, (1.0, 1.0)),
    )),
    # the order along a chain: y = (x w + c) k = (3 + 0.5) 3 = 10.5;
    # dy/dx = k w = 6, dy/dw = k x = 4.5, dy/dc = k = 3, dy/dk = x w + c = 3.5
    Graph("a chain: y = (x*w + c) * k", (("x", 1.5), ("w", 2.0), ("c", 0.5), ("k", 3.0)), (
        Variant(("__mul__", "__add__"), lambda x, w, c, k: (x * w + c) * k,
                10.5, (6.0, 4.5, 3.0, 3.5)),
        # ((x + w) + c) + k = 7: every gradient is 1
        Variant(("__add__",), lambda x, w, c, k: ((x + w) + c) + k, 7.0, (1.0, 1.0, 1.0, 1.0)),
        # ((x w) c) k = 4.5: each gradient is the product of the other three
        Variant(("__mul__",), lambda x, w, c, k: ((x * w) * c) * k, 4.5, (3.0, 2.25, 9.0, 1.5)),
    )),
    # a node used twice: y = x t = 6, out = (x + y) y = x^2 t (1 + t) = 48;
    # d/dx = 2 x t (1 + t) = 48, d/dt = x^2 (1 + 2t) = 28
    Graph("y used twice: y = x*t; out = (x + y) * y", (("x", 2.0), ("t", 3.0)), (
        Variant(("__mul__", "__add__"), _shared_mul_add, 48.0, (48.0, 28.0)),
        # y = x + t, out = (x + y) + y = 3x + 2t = 12
        Variant(("__add__",), lambda x, t: (x + (x + t)) + (x + t), 12.0, (3.0, 2.0)),
        # y = x t, out = (x y) y = x^3 t^2 = 72; d/dx = 3 x^2 t^2 = 108, d/dt = 2 x^3 t = 48
        Variant(("__mul__",), lambda x, t: (x * (x * t)) * (x * t), 72.0, (108.0, 48.0)),
    )),
    # the lecture's neuron: n = 2*(-3) + 0*1 + 6.8813... = 0.8813..., o = tanh n = 1/sqrt 2,
    # do/dn = 1 - o^2 = 0.5: x1.grad = w1/2 = -1.5, x2.grad = w2/2 = 0.5, w1.grad = x1/2 = 1,
    # w2.grad = x2/2 = 0, b.grad = 0.5
    Graph("the lecture's neuron, o = tanh(x1*w1 + x2*w2 + b)",
          (("x1", 2.0), ("x2", 0.0), ("w1", -3.0), ("w2", 1.0), ("b", 6.8813735870195432)), (
        Variant(("__mul__", "__add__", "tanh"), _lecture_neuron,
                1 / math.sqrt(2), (-1.5, 0.5, 1.0, 0.0, 0.5)),
    )),
]  # fmt: skip

README_GRAPH = Graph(
    "micrograd's README expression",
    (),
    (
        # the numbers are PyTorch's in float64 (tests/test_engine.py)
        Variant(
            (
                "__add__",
                "__mul__",
                "__pow__",
                "relu",
                "__neg__",
                "__sub__",
                "__radd__",
                "__rmul__",
                "__truediv__",
                "__rtruediv__",
            ),  # fmt: skip
            readme_expression,  # called with the class: it makes its own inputs
            24.70408163265306,
            (138.83381924198252, 645.5772594752186),
        ),
    ),
    reads=("a", "b"),
)

DEEP_GRAPH = Graph(
    "a chain deeper than the recursion limit",
    (("x", 1.0), ("one", 1.0)),
    (
        # y = x + one + ... + one (depth times): dy/dx = 1, dy/done = depth
        Variant(("__add__",), _chain("+"), math.nan, (1.0, math.nan)),
        # y = x * one * ... * one = 1: dy/dx = 1, dy/done = depth * one^(depth - 1) = depth
        Variant(("__mul__",), _chain("*"), 1.0, (1.0, math.nan)),
    ),
    deep=True,
)
"""Its depth is set when it runs: NaN stands for the numbers that depend on it."""
