"""Every op agrees with PyTorch in float64, value and gradient, and so do second
derivatives, on random graphs too (skipped without torch)."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from parity import agrees_with_torch

from micrograd_like.engine import Value, topological_order
from micrograd_like.functional import affine, dot, logsumexp, vsum
from micrograd_like.higher_order import gradients, hessian
from micrograd_like.testing import SHARED_STEPS, VALUE_STEPS, Program, programs

torch = pytest.importorskip("torch", reason="torch is not installed: `make test WITH_TORCH=1`")


UNARY = {
    "exp": (lambda v: v.exp(), lambda t: t.exp()),
    "log": (lambda v: v.log(), lambda t: t.log()),
    "tanh": (lambda v: v.tanh(), lambda t: t.tanh()),
    "sigmoid": (lambda v: v.sigmoid(), lambda t: t.sigmoid()),
    "relu": (lambda v: v.relu(), lambda t: t.relu()),
    "leaky_relu": (lambda v: v.leaky_relu(0.1), lambda t: torch.nn.functional.leaky_relu(t, 0.1)),
    "neg": (lambda v: -v, lambda t: -t),
    "pow3": (lambda v: v**3, lambda t: t**3),
    "pow-1.5": (lambda v: v**-1.5, lambda t: t**-1.5),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("x", [-2.5, -0.3, 0.7, 3.0])
def test_unary_ops_match_torch(name, x):
    ours, theirs = UNARY[name]
    if name in ("log", "pow-1.5") and x <= 0:
        x = -x
    agrees_with_torch(lambda v: ours(v[0]), lambda t: theirs(t[0]), [x], abs=1e-300)


BINARY = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a**b,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("x, y", [(1.5, -2.0), (0.3, 0.7), (2.0, 3.0)])
def test_binary_ops_match_torch(name, x, y):
    f = BINARY[name]
    agrees_with_torch(lambda v: f(v[0], v[1]), lambda t: f(t[0], t[1]), [x, y], abs=0.0)


def test_fused_primitives_match_torch():
    xs = [0.5, -1.25, 2.0]
    ws = [1.5, 0.25, -0.75]
    for name, ours, theirs in [
        ("sum", lambda w, x: vsum(x), lambda w, x: x.sum()),
        ("dot", lambda w, x: dot(w, x), lambda w, x: (w * x).sum()),
        ("affine", lambda w, x: affine(w, x, 0.5), lambda w, x: (w * x).sum() + 0.5),
        ("logsumexp", lambda w, x: logsumexp(x), lambda w, x: torch.logsumexp(x, 0)),
    ]:
        w = [Value(v) for v in ws]
        x = [Value(v) for v in xs]
        tw = torch.tensor(ws, dtype=torch.float64, requires_grad=True)
        tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
        out, ref = ours(w, x), theirs(tw, tx)
        out.backward()
        ref.backward()
        assert out.data == pytest.approx(ref.item(), rel=1e-12), name
        assert [v.grad for v in x] == pytest.approx(tx.grad.tolist(), rel=1e-12), name
        if name in ("dot", "affine"):
            assert [v.grad for v in w] == pytest.approx(tw.grad.tolist(), rel=1e-12), name


def test_logsumexp_of_large_logits_matches_torch():
    xs = [1000.0, 999.0, -1000.0]
    x = [Value(v) for v in xs]
    tx = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    out, ref = logsumexp(x), torch.logsumexp(tx, 0)
    out.backward()
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-14)
    assert [v.grad for v in x] == pytest.approx(tx.grad.tolist(), rel=1e-12, abs=1e-300)
    assert math.isfinite(out.data)


# --------------------------------------------------------------------------------------
# Second derivatives
# --------------------------------------------------------------------------------------


def test_a_hessian_matches_torch_create_graph():
    f = lambda x, y: (x * y).tanh() * x.exp() + y**3 / x
    xs = (0.7, -1.3)
    ours = hessian(f)(*xs)
    tx = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in xs]
    out = (tx[0] * tx[1]).tanh() * tx[0].exp() + tx[1] ** 3 / tx[0]
    first = torch.autograd.grad(out, tx, create_graph=True)
    theirs = [[float(g) for g in torch.autograd.grad(d, tx, retain_graph=True)] for d in first]
    for row, ref in zip(ours, theirs):
        assert row == pytest.approx(ref, rel=1e-12)


def stacked(a: list) -> torch.Tensor:
    return torch.stack(a)


def halves(a: list) -> tuple[torch.Tensor, torch.Tensor]:
    half = len(a) // 2
    return stacked(a[:half]), stacked(a[half : 2 * half])


def signs(n: int) -> torch.Tensor:  # the hinge labels of micrograd_like.testing: +1, -1, +1, ...
    return torch.tensor([1.0 if i % 2 == 0 else -1.0 for i in range(n)], dtype=torch.float64)


TORCH_STEPS = {
    **SHARED_STEPS,  # written with what a Value and a tensor both have
    "leaky_relu": lambda a, c: torch.nn.functional.leaky_relu(a[0], 0.1),
    "sum": lambda a, c: stacked(a).sum(),
    "dot": lambda a, c: (halves(a)[0] * halves(a)[1]).sum(),
    "affine": lambda a, c: (halves(a[:-1])[0] * halves(a[:-1])[1]).sum() + a[-1],
    "logsumexp": lambda a, c: torch.logsumexp(stacked(a), 0),
    "log_softmax": lambda a, c: torch.log_softmax(stacked(a), 0)[0],
    # the fused losses, with the constants micrograd_like.testing gives them
    "hinge": lambda a, c: torch.relu(1.0 - signs(len(a)) * stacked(a)).mean(),
    "mse": lambda a, c: ((stacked(a) - 0.5) ** 2).mean(),  # targets 0.5
    "l2": lambda a, c: 0.3 * (stacked(a) ** 2).sum(),  # alpha 0.3
    "cross_entropy": lambda a, c: -torch.log_softmax(stacked(a), 0)[0],  # class 0
}
"""micrograd_like.testing's VALUE_STEPS, on torch tensors."""
assert TORCH_STEPS.keys() == VALUE_STEPS.keys()


def torch_build(program: Program, xs: list) -> torch.Tensor:
    return program.run(xs, TORCH_STEPS, lambda unused: stacked(unused).sum())


def torch_masks_a_mixed_derivative(out: Value) -> bool:
    """True when the graph raises a Value to a power that is exactly 0.

    There torch's pow backward writes d/da as 0 outright, so its d2/(da db) is 0; the
    true one is a**(b-1), which is what ours gives (worked out by hand in
    tests/test_higher_order.py: the mixed second derivative of a power at exponent 0).
    """
    return any(
        v.op == "**" and v.parents[1].data == 0.0 and v.parents[1].parents
        for v in topological_order(out)
    )


def hessian_rows_agree(program: Program) -> None:
    xs = [Value(x) for x in program.leaves]
    out = program.build(*xs)
    assume(not torch_masks_a_mixed_derivative(out))
    firsts = gradients(out, xs, create_graph=True)
    ours = [
        [0.0] * len(xs) if isinstance(g, float) else [float(h) for h in gradients(g, xs)]
        for g in firsts
    ]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.leaves]
    tout = torch_build(program, ts)
    tfirst = torch.autograd.grad(tout, ts, create_graph=True, allow_unused=True)
    tfirst = [torch.zeros((), dtype=torch.float64) if g is None else g for g in tfirst]
    theirs = []
    for g in tfirst:
        if not g.requires_grad:
            theirs.append([0.0] * len(ts))
            continue
        row = torch.autograd.grad(g, ts, allow_unused=True, retain_graph=True)
        theirs.append([0.0 if h is None else h.item() for h in row])
    assert [g if isinstance(g, float) else g.data for g in firsts] == pytest.approx(
        [g.item() for g in tfirst], rel=1e-9, abs=1e-9
    )
    flat = lambda rows: [h for row in rows for h in row]  # noqa: E731
    assert flat(ours) == pytest.approx(flat(theirs), rel=1e-7, abs=1e-7)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=8))
def test_second_derivatives_match_torch_on_random_graphs(program: Program) -> None:
    hessian_rows_agree(program)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=12))
def test_second_derivatives_match_torch_on_many_random_graphs(program: Program) -> None:
    hessian_rows_agree(program)
