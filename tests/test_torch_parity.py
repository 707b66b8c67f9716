"""Every op agrees with PyTorch in float64, value and gradient (skipped without torch)."""

from __future__ import annotations

import math

import pytest

from micrograd_like.engine import Value
from micrograd_like.functional import affine, dot, logsumexp, vsum

torch = pytest.importorskip("torch", reason="torch is not installed: `make test WITH_TORCH=1`")


def _t(x: float):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


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
    v, t = Value(x), _t(x)
    out, ref = ours(v), theirs(t)
    out.backward()
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12, abs=1e-300)
    assert v.grad == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-300)


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
    a, b = Value(x), Value(y)
    ta, tb = _t(x), _t(y)
    out, ref = f(a, b), f(ta, tb)
    out.backward()
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-12)


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
