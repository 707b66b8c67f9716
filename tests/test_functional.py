"""softmax, log_softmax, logsumexp and the activation shortcuts."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micrograd_like.engine import Value, topological_order
from micrograd_like.functional import log_softmax, logsumexp, relu, sigmoid, softmax, tanh
from micrograd_like.gradcheck import check_gradients

LN2 = math.log(2.0)


def test_softmax_worked_example_and_its_jacobian():
    # logits (0, ln 2): e**z = (1, 2), sum 3, so p = (1/3, 2/3).
    # dp_i/dz_j = p_i (delta_ij - p_j): for p_1, dp1/dz0 = -p1 p0 = -2/9, dp1/dz1 = p1 p0 = 2/9
    z = [Value(0.0), Value(LN2)]
    p = softmax(z)
    assert [v.data for v in p] == pytest.approx([1 / 3, 2 / 3], abs=1e-15)
    p[1].backward()
    assert [v.grad for v in z] == pytest.approx([-2 / 9, 2 / 9], abs=1e-15)


def test_log_softmax_worked_example():
    # logits (1, 2, 3): lse = 3 + ln(e**-2 + e**-1 + 1) = 3.4076059644...
    # log_softmax = z - lse = (-2.4076, -1.4076, -0.4076)
    # d log_softmax_2 / dz = onehot(2) - softmax = (-0.0900, -0.2447, 1 - 0.6652)
    z = [Value(1.0), Value(2.0), Value(3.0)]
    lse = 3.0 + math.log(math.exp(-2) + math.exp(-1) + 1.0)
    out = log_softmax(z)
    assert [v.data for v in out] == pytest.approx([1 - lse, 2 - lse, 3 - lse], abs=1e-14)
    out[2].backward()
    sm = [math.exp(x - lse) for x in (1.0, 2.0, 3.0)]
    assert [v.grad for v in z] == pytest.approx([-sm[0], -sm[1], 1 - sm[2]], abs=1e-14)


def test_logsumexp_accepts_numbers_and_values():
    # ln(e**0 + e**0) = ln 2; a plain number is a constant
    x = Value(0.0)
    s = logsumexp([x, 0.0])
    s.backward()
    assert s.data == pytest.approx(LN2)
    assert x.grad == pytest.approx(0.5)


def test_huge_logits_do_not_overflow():
    # e**1000 overflows a float, but z - lse never exceeds 0
    p = softmax([1000.0, 1000.0, -1000.0])
    assert [v.data for v in p] == pytest.approx([0.5, 0.5, 0.0])
    z = [Value(1000.0), Value(0.0)]
    ls = log_softmax(z)
    assert ls[0].data == pytest.approx(0.0, abs=1e-300)
    assert ls[1].data == pytest.approx(-1000.0)
    ls[1].backward()  # d/dz = onehot(1) - softmax = (-1, 1 - e**-1000)
    assert [v.grad for v in z] == pytest.approx([-1.0, 1.0])


def test_softmax_is_two_nodes_per_output():
    # p_i = exp(log_softmax_i): one log_softmax node and one exp node per output
    z = [Value(float(i)) for i in range(5)]
    p = softmax(z)
    total = p[0] + p[1]
    ops = [v.op for v in topological_order(total)]
    assert sorted(ops) == ["+", "exp", "exp", "log_softmax", "log_softmax"]


@pytest.mark.parametrize("i", [0, 1, 2])
def test_gradients_match_central_differences(i):
    check_gradients(lambda a, b, c: softmax([a, b, c])[i], [0.3, -1.2, 2.0])
    check_gradients(lambda a, b, c: log_softmax([a, b, c])[i], [0.3, -1.2, 2.0])
    check_gradients(lambda a, b, c: logsumexp([a, b, c]) * (i + 1.0), [0.3, -1.2, 2.0])


def test_empty_and_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="log_softmax values needs at least one"):
        log_softmax([])
    with pytest.raises(ValueError, match="logsumexp values needs at least one"):
        logsumexp([])
    with pytest.raises(TypeError, match=r"softmax values\[1\] must be a Value or a number"):
        softmax([1.0, "2"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"values\[0\]"):
        softmax([True, 1.0])  # type: ignore[list-item]


def test_activation_shortcuts():
    # sigmoid(0) = 1/2, tanh(0) = 0, relu(-2) = 0, relu(3) = 3
    assert sigmoid(0.0).data == 0.5
    assert tanh(0).data == 0.0
    assert relu(-2.0).data == 0.0
    x = Value(3.0)
    y = relu(x)
    y.backward()
    assert (y.data, x.grad) == (3.0, 1.0)
    with pytest.raises(TypeError, match="sigmoid expects a Value or a number"):
        sigmoid("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="relu expects"):
        relu(False)  # type: ignore[arg-type]


def test_softmax_matches_torch():
    torch = pytest.importorskip("torch")
    zs = [0.5, -1.0, 3.0, 2.0]
    for i in range(len(zs)):
        ours = [Value(z) for z in zs]
        theirs = torch.tensor(zs, dtype=torch.float64, requires_grad=True)
        out = softmax(ours)[i] + log_softmax(ours)[i] * 0.5
        ref = torch.softmax(theirs, 0)[i] + torch.log_softmax(theirs, 0)[i] * 0.5
        out.backward()
        ref.backward()
        assert out.data == pytest.approx(ref.item(), rel=1e-12)
        assert [v.grad for v in ours] == pytest.approx(theirs.grad.tolist(), rel=1e-10, abs=1e-14)


logits = st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(logits, st.data())
def test_softmax_is_a_finite_distribution_for_wide_logits(zs, data):
    z = [Value(x) for x in zs]
    p = softmax(z)
    assert all(0.0 <= v.data <= 1.0 for v in p)
    assert math.fsum(v.data for v in p) == pytest.approx(1.0, abs=1e-9)
    i = data.draw(st.integers(0, len(zs) - 1))
    ls = log_softmax(z)
    assert all(math.isfinite(v.data) and v.data <= 1e-12 for v in ls)
    (p[i] + ls[i]).backward()
    assert all(math.isfinite(v.grad) for v in z)
