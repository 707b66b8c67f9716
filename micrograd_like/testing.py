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

__all__ = ["KINK_MARGIN", "OPS", "Program", "Step", "programs"]

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
        nodes: list[Value] = list(xs)
        used: set[int] = set()
        for step in self.steps:
            nodes.append(_apply_step(step, [nodes[i] for i in step.args]))
            used.update(step.args)
        unused = [n for i, n in enumerate(nodes) if i >= len(xs) and i not in used]
        return vsum(unused)

    def __call__(self, *xs: Value) -> Value:
        return self.build(*xs)


def _apply_step(step: Step, a: list[Value]) -> Value:
    op = step.op
    if op == "+":
        return a[0] + a[1]
    if op == "-":
        return a[0] - a[1]
    if op == "*":
        return a[0] * a[1]
    if op == "/":
        return a[0] / (a[1] * a[1] + 0.5)
    if op == "neg":
        return -a[0]
    if op == "pow_const":
        return (a[0] * a[0] + 0.5) ** step.const
    if op == "pow_value":
        return (a[0] * a[0] + 0.5) ** a[1].tanh()
    if op == "exp":
        return (2.0 * a[0].tanh()).exp()
    if op == "log":
        return (a[0] * a[0] + 0.1).log()
    if op in ("tanh", "sigmoid", "relu"):
        return getattr(a[0], op)()
    if op == "leaky_relu":
        return a[0].leaky_relu(0.1)
    if op == "sum":
        return vsum(a)
    if op == "dot":
        half = len(a) // 2
        return dot(a[:half], a[half : 2 * half])
    if op == "affine":
        half = (len(a) - 1) // 2
        return affine(a[:half], a[half : 2 * half], a[-1])
    if op == "logsumexp":
        return logsumexp(a)
    if op == "log_softmax":
        return log_softmax(a)[0]
    if op in _LOSS_CONSTANTS:
        return engine.make_node(op, (*_LOSS_CONSTANTS[op](len(a)), *a))
    raise ValueError(f"unknown step op {op!r}")


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
