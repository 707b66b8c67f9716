"""Random expression graphs over the rule table, for property tests and fuzzing.

``programs()`` is a `hypothesis <https://hypothesis.readthedocs.io>`_ strategy. Each
example is a :class:`Program`: some leaf values and a list of steps, each step one op
of the rule table applied to earlier nodes (chosen at random, so nodes are reused and the
graph is a DAG, not just a tree). ``program.build(*leaves)`` makes the graph; the output
sums every node that nothing else used, so every step matters.

Domains are kept valid by construction: ``log`` and a power's base see ``x*x + c`` with
``c > 0``, ``exp`` sees ``2*tanh(x)``, a divisor is ``x*x + 0.5``. Steps whose input sits
within ``KINK_MARGIN`` of a kink (relu, leaky_relu at 0) are swapped for ``tanh``, so the
function is smooth around the drawn point and central differences apply.

    from hypothesis import given
    from micrograd_like.testing import programs

    @given(programs())
    def test_gradients(program):
        check_gradients(program.build, program.leaves)

Needs the ``hypothesis`` package (in the ``dev`` extra).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError(
        "micrograd_like.testing needs the hypothesis package: pip install hypothesis "
        "(or pip install 'micrograd-like[testing]')"
    ) from None

from micrograd_like import engine
from micrograd_like.engine import Value
from micrograd_like.functional import affine, dot, log_softmax, logsumexp, vsum

__all__ = [
    "KINK_MARGIN",
    "OPS",
    "SHARED_STEPS",
    "VALUE_STEPS",
    "Program",
    "Step",
    "StepFn",
    "programs",
]

KINK_MARGIN = 1e-2

# op -> (arity (0 = n-ary), the rule-table primitives the step exercises)
OPS: dict[str, tuple[int, tuple[str, ...]]] = {
    "+": (2, ("+",)),
    "-": (2, ("+", "*")),
    "*": (2, ("*",)),
    "/": (2, ("/", "*", "+")),
    "neg": (1, ("*",)),
    "pow_const": (1, ("**", "*", "+")),
    "pow_value": (2, ("**", "*", "+", "tanh")),
    "exp": (1, ("exp", "tanh", "*")),
    "log": (1, ("log", "*", "+")),
    "tanh": (1, ("tanh",)),
    "sigmoid": (1, ("sigmoid",)),
    "relu": (1, ("relu",)),
    "leaky_relu": (1, ("leaky_relu",)),
    "sum": (0, ("sum",)),
    "dot": (0, ("dot",)),
    "affine": (0, ("affine",)),
    "logsumexp": (0, ("logsumexp",)),
    "log_softmax": (0, ("log_softmax",)),
    "hinge": (0, ("hinge",)),
    "mse": (0, ("mse",)),
    "l2": (0, ("l2",)),
    "cross_entropy": (0, ("cross_entropy",)),
}
EXPONENTS = (-1.5, -1.0, 0.5, 2.0, 3.0)


@dataclass(frozen=True)
class Step:
    """``op`` applied to the nodes numbered ``args`` (leaves first, then steps)."""

    op: str
    args: tuple[int, ...]
    const: float = 0.0


@dataclass(frozen=True)
class Program:
    """A random expression: leaf values and the steps that combine them."""

    leaves: tuple[float, ...]
    steps: tuple[Step, ...]

    def build(self, *xs: Value) -> Value:
        """Make the graph on the given leaves and return its output node."""
        return self.run(xs, VALUE_STEPS, vsum)

    def run(
        self, xs: Sequence[Any], steps: Mapping[str, StepFn], total: Callable[[list[Any]], Any]
    ) -> Any:
        """Make the graph with ``steps`` (op -> :data:`StepFn`) on the leaves ``xs``, and
        return ``total`` of the nodes nothing else used: ``build`` on Values, or the same
        program on torch tensors."""
        nodes: list[Any] = list(xs)
        used: set[int] = set()
        for step in self.steps:
            nodes.append(steps[step.op]([nodes[i] for i in step.args], step.const))
            used.update(step.args)
        return total([n for i, n in enumerate(nodes) if i >= len(xs) and i not in used])

    def __call__(self, *xs: Value) -> Value:
        return self.build(*xs)


StepFn = Callable[[list[Any], float], Any]
"""How one step makes its node: from its input nodes and its constant (a power's exponent)."""

SHARED_STEPS: dict[str, StepFn] = {
    "+": lambda a, c: a[0] + a[1],
    "-": lambda a, c: a[0] - a[1],
    "*": lambda a, c: a[0] * a[1],
    "/": lambda a, c: a[0] / (a[1] * a[1] + 0.5),
    "neg": lambda a, c: -a[0],
    "pow_const": lambda a, c: (a[0] * a[0] + 0.5) ** c,
    "pow_value": lambda a, c: (a[0] * a[0] + 0.5) ** a[1].tanh(),
    "exp": lambda a, c: (2.0 * a[0].tanh()).exp(),
    "log": lambda a, c: (a[0] * a[0] + 0.1).log(),
    "tanh": lambda a, c: a[0].tanh(),
    "sigmoid": lambda a, c: a[0].sigmoid(),
    "relu": lambda a, c: a[0].relu(),
}
"""The steps written with operators and methods that a Value and a torch tensor both
have, so a test can run the same program on either."""


def _halves(a: list[Any]) -> tuple[list[Any], list[Any]]:
    """The first and second half of ``a`` (an odd one out at the end is left out)."""
    half = len(a) // 2
    return a[:half], a[half : 2 * half]


def _fused_loss(op: str) -> StepFn:
    return lambda a, c: engine.make_node(op, (*_LOSS_CONSTANTS[op](len(a)), *a))


VALUE_STEPS: dict[str, StepFn] = {
    **SHARED_STEPS,
    "leaky_relu": lambda a, c: a[0].leaky_relu(0.1),
    "sum": lambda a, c: vsum(a),
    "dot": lambda a, c: dot(*_halves(a)),
    "affine": lambda a, c: affine(*_halves(a[:-1]), a[-1]),
    "logsumexp": lambda a, c: logsumexp(a),
    "log_softmax": lambda a, c: log_softmax(a)[0],
    **{op: _fused_loss(op) for op in ("hinge", "mse", "l2", "cross_entropy")},
}
"""Every step of :data:`OPS`, on Values."""


def _apply_step(step: Step, a: list[Value]) -> Value:
    return VALUE_STEPS[step.op](a, step.const)


_LOSS_CONSTANTS: dict[str, Any] = {
    # the constant leaves each fused loss takes first: labels +1, -1, ...; targets 0.5;
    # alpha 0.3; one sample of len(a) classes whose class is 0
    "hinge": lambda n: [Value(1.0 if i % 2 == 0 else -1.0) for i in range(n)],
    "mse": lambda n: [Value(0.5) for _ in range(n)],
    "l2": lambda n: [Value(0.3)],
    "cross_entropy": lambda n: [Value(float(n)), Value(0.0)],
}


def _near_a_kink(step: Step, nodes: list[Value]) -> bool:
    """Whether a kinked step sits within KINK_MARGIN of its kink at these values."""
    if step.op in ("relu", "leaky_relu"):
        return abs(nodes[step.args[0]].data) < KINK_MARGIN
    if step.op == "hinge":
        ys = _LOSS_CONSTANTS["hinge"](len(step.args))
        return any(abs(1.0 - y.data * nodes[i].data) < KINK_MARGIN for y, i in zip(ys, step.args))
    return False


def _repair(program: Program) -> Program:
    """Swap kinked steps that sit near their kink for tanh (evaluated at the leaves)."""
    nodes = [Value(x) for x in program.leaves]
    steps = []
    for step in program.steps:
        if _near_a_kink(step, nodes):
            step = replace(step, op="tanh" if len(step.args) == 1 else "sum")
        steps.append(step)
        nodes.append(_apply_step(step, [nodes[i] for i in step.args]))
    return Program(program.leaves, tuple(steps))


@st.composite
def programs(
    draw: st.DrawFn,
    max_leaves: int = 4,
    max_steps: int = 10,
    ops: tuple[str, ...] = tuple(OPS),
) -> Program:
    """A hypothesis strategy of random, smooth-at-the-point expression DAGs."""
    leaves = draw(
        st.lists(
            st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False),
            min_size=1,
            max_size=max_leaves,
        )
    )
    steps = []
    n = len(leaves)
    for _ in range(draw(st.integers(1, max_steps))):
        op = draw(st.sampled_from(ops))
        arity = OPS[op][0]
        if arity == 0:
            k = draw(st.integers(1, 3))
            arity = {"sum": k, "dot": 2 * k, "affine": 2 * k + 1}.get(op, k)
        args = tuple(draw(st.integers(0, n - 1)) for _ in range(arity))
        const = draw(st.sampled_from(EXPONENTS)) if op == "pow_const" else 0.0
        steps.append(Step(op, args, const))
        n += 1
    return _repair(Program(tuple(leaves), tuple(steps)))


def covered_primitives() -> set[str]:
    """The rule-table primitives that ``programs()`` can exercise."""
    return {p for _, prims in OPS.values() for p in prims}
