"""Loss functions: worked examples, gradient checks, PyTorch parity, wide-range properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parity import agrees_with_torch

from micrograd_like import losses
from micrograd_like.engine import Value, topological_order
from micrograd_like.gradcheck import check_gradients
from micrograd_like.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_from_probs,
    get_loss,
    hinge,
    l2,
    mse,
    multiclass_hinge,
)


def values(*xs: float) -> list[Value]:
    return [Value(x) for x in xs]


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


# --------------------------------------------------------------------------------------
# mse
# --------------------------------------------------------------------------------------


def test_mse_worked_example():
    # pred (2, -1, 0.5), target (1, 1, 0.5): errors (1, -2, 0); mean of squares = 5/3
    # d/dpred_i = 2 * error_i / 3 = (2/3, -4/3, 0)
    p = values(2.0, -1.0, 0.5)
    loss = mse(p, [1.0, 1.0, 0.5])
    loss.backward()
    assert loss.data == pytest.approx(5 / 3)
    assert [v.grad for v in p] == pytest.approx([2 / 3, -4 / 3, 0.0])


def test_mse_of_one_sample_and_of_several_outputs():
    # one number: (3 - 1)**2 = 4
    assert mse(Value(3.0), 1).data == 4.0
    # two samples of two outputs: errors (1, 0), (0, 3): mean over 4 entries = 10/4
    p = [values(1.0, 2.0), values(0.0, 0.0)]
    assert mse(p, [[0.0, 2.0], [0.0, -3.0]]).data == pytest.approx(2.5)


def test_mse_shape_mismatch_is_named():
    with pytest.raises(ValueError, match="target has 3 values but pred has 2 values"):
        mse(values(1.0, 2.0), [1.0, 2.0, 3.0])
    with pytest.raises(
        ValueError, match=r"mse: target\[1\] has 2 values but pred\[1\] has a single Value"
    ):
        mse([Value(1.0), Value(2.0)], [1.0, [1.0, 2.0]])
    with pytest.raises(ValueError, match="target has 2 values but pred has a single Value"):
        mse(Value(1.0), [1.0, 2.0])
    with pytest.raises(TypeError, match=r"mse target\[0\] must be a real number"):
        mse(values(1.0), [True])
    with pytest.raises(ValueError, match=r"target\[0\] must be a finite"):
        mse(values(1.0), [math.nan])
    with pytest.raises(ValueError, match="empty batch"):
        mse([], [])


def test_mse_gradcheck():
    check_gradients(lambda a, b, c: mse([a, b, c], [0.5, -1.0, 2.0]), [1.3, 0.2, -0.7])


# --------------------------------------------------------------------------------------
# binary cross-entropy on probabilities
# --------------------------------------------------------------------------------------


def test_bce_worked_example():
    # p = (0.8, 0.25), y = (1, 0): loss = -(ln 0.8 + ln 0.75) / 2 = 0.2554128...
    # d/dp0 = -1 / (2 * 0.8) = -0.625; d/dp1 = 1 / (2 * (1 - 0.25)) = 2/3
    p = values(0.8, 0.25)
    loss = binary_cross_entropy(p, [1, 0])
    loss.backward()
    assert loss.data == pytest.approx(-(math.log(0.8) + math.log(0.75)) / 2)
    assert [v.grad for v in p] == pytest.approx([-0.625, 2 / 3])


def test_bce_soft_target():
    # y = 0.25, p = 0.5: -(0.25 ln 0.5 + 0.75 ln 0.5) = ln 2
    # d/dp = -y/p + (1-y)/(1-p) = -0.5 + 1.5 = 1
    p = Value(0.5)
    loss = binary_cross_entropy(p, 0.25)
    loss.backward()
    assert loss.data == pytest.approx(math.log(2))
    assert p.grad == pytest.approx(1.0)


def test_bce_clamps_logs_at_minus_100_like_pytorch():
    # ln 0 would be -inf; PyTorch's BCELoss clamps ln p >= -100, so the loss is 100
    assert binary_cross_entropy(Value(0.0), 1).data == 100.0
    assert binary_cross_entropy(Value(1.0), 0).data == 100.0
    assert binary_cross_entropy(Value(0.0), 0).data == 0.0
    p = Value(1e-50)  # ln 1e-50 = -115 < -100: clamped, so no gradient flows
    loss = binary_cross_entropy(p, 1)
    loss.backward()
    assert (loss.data, p.grad) == (100.0, 0.0)


def test_bce_refuses_bad_probabilities_and_targets():
    with pytest.raises(ValueError, match=r"binary_cross_entropy prob must be in \[0, 1\], got 1.5"):
        binary_cross_entropy(Value(1.5), 1)
    with pytest.raises(ValueError, match=r"target\[1\] must be in \[0, 1\]"):
        binary_cross_entropy(values(0.5, 0.5), [1, 2])
    with pytest.raises(TypeError, match="target must be a real number"):
        binary_cross_entropy(Value(0.5), True)


def test_bce_gradcheck():
    check_gradients(lambda a, b, c: binary_cross_entropy([a, b, c], [1, 0, 0.3]), [0.7, 0.2, 0.6])


# --------------------------------------------------------------------------------------
# binary cross-entropy on logits
# --------------------------------------------------------------------------------------


def test_bce_with_logits_worked_example():
    # z = (0, 2), y = (1, 0): softplus(0) - 0 = ln 2; softplus(2) - 0 = ln(1 + e**2)
    # d/dz_i = (sigmoid(z_i) - y_i) / 2 = (-0.25, sigmoid(2) / 2)
    z = values(0.0, 2.0)
    loss = binary_cross_entropy_with_logits(z, [1, 0])
    loss.backward()
    assert loss.data == pytest.approx((math.log(2) + math.log1p(math.exp(2))) / 2)
    assert [v.grad for v in z] == pytest.approx([-0.25, sigmoid(2.0) / 2])


def test_bce_with_logits_equals_bce_of_sigmoid():
    zs, ys = [-3.0, 0.4, 2.5], [0, 1, 1]
    a = binary_cross_entropy_with_logits(values(*zs), ys).data
    b = binary_cross_entropy([Value(z).sigmoid() for z in zs], ys).data
    assert a == pytest.approx(b, rel=1e-12)


def test_bce_with_logits_is_stable_for_huge_logits():
    # softplus(1000) - 0 = 1000; softplus(-1000) - (-1000) = 1000; right answers cost 0
    z = values(1000.0, -1000.0, 1000.0, -1000.0)
    loss = binary_cross_entropy_with_logits(z, [0, 1, 1, 0])
    loss.backward()
    assert loss.data == pytest.approx(500.0)
    assert [v.grad for v in z] == pytest.approx([0.25, -0.25, 0.0, 0.0])


def test_bce_with_logits_is_one_mean_node():
    # each sample's ln(1 + e**-|z|) is a few primitive nodes; the mean over the samples
    # (and the max(z, 0) - y z part) is ONE dot node at the end
    z = values(0.1, 0.2, 0.3, 0.4)
    loss = binary_cross_entropy_with_logits(z, [0, 1, 0, 1])
    ops = [v.op for v in topological_order(loss)]
    assert ops[-1] == "dot" and ops.count("dot") == 1
    assert ops.count("exp") == 4 and ops.count("log") == 4


def test_bce_with_logits_gradcheck():
    check_gradients(lambda a, b: binary_cross_entropy_with_logits([a, b], [1, 0.25]), [-1.5, 0.8])


# --------------------------------------------------------------------------------------
# cross-entropy
# --------------------------------------------------------------------------------------


def test_cross_entropy_worked_example():
    # logits (1, 2, 3), target 2: lse = 3 + ln(e**-2 + e**-1 + 1) = 3.40760596
    # loss = lse - 3 = 0.40760596; gradient = softmax - onehot
    z = values(1.0, 2.0, 3.0)
    loss = cross_entropy(z, 2)
    loss.backward()
    lse = 3.0 + math.log(math.exp(-2) + math.exp(-1) + 1.0)
    sm = [math.exp(x - lse) for x in (1.0, 2.0, 3.0)]
    assert loss.data == pytest.approx(lse - 3.0)
    assert [v.grad for v in z] == pytest.approx([sm[0], sm[1], sm[2] - 1.0])


def test_cross_entropy_batch_is_the_mean():
    # two samples: (0, 0) target 0 -> ln 2; (0, ln 3) target 1 -> lse = ln 4, loss ln 4 - ln 3
    rows = [values(0.0, 0.0), values(0.0, math.log(3))]
    loss = cross_entropy(rows, [0, 1])
    assert loss.data == pytest.approx((math.log(2) + math.log(4 / 3)) / 2)
    ops = [v.op for v in topological_order(loss)]
    assert ops == ["cross_entropy"]  # one node for the whole batch


def test_cross_entropy_huge_logits():
    # logits (1000, 0): target 1 costs 1000 (lse = 1000); target 0 costs e**-1000 ~ 0
    z = values(1000.0, 0.0)
    loss = cross_entropy(z, 1)
    loss.backward()
    assert loss.data == pytest.approx(1000.0)
    assert [v.grad for v in z] == pytest.approx([1.0, -1.0])
    assert cross_entropy(values(1000.0, 0.0), 0).data == pytest.approx(0.0, abs=1e-300)


def test_cross_entropy_refuses_bad_targets():
    with pytest.raises(ValueError, match=r"cross_entropy target = 3 is out of range for 3 classes"):
        cross_entropy(values(1.0, 2.0, 3.0), 3)
    with pytest.raises(ValueError, match=r"target\[1\] = -1 is out of range"):
        cross_entropy([values(1.0, 2.0), values(1.0, 2.0)], [0, -1])
    with pytest.raises(TypeError, match="must be an int class index, got bool"):
        cross_entropy(values(1.0, 2.0), True)
    with pytest.raises(TypeError, match="must be an int class index, got float"):
        cross_entropy(values(1.0, 2.0), 1.0)
    with pytest.raises(ValueError, match="list of per-class scores"):
        cross_entropy(values(1.0, 2.0), [0, 1])
    with pytest.raises(ValueError, match="empty"):
        cross_entropy([], 0)


def test_cross_entropy_gradcheck():
    check_gradients(
        lambda a, b, c, d: cross_entropy([[a, b], [c, d]], [1, 0]), [0.3, -0.4, 1.2, 2.0]
    )


def test_cross_entropy_from_probs_worked_example():
    # p = (0.25, 0.75), target 1: -ln 0.75; d/dp1 = -1/0.75, d/dp0 = 0
    p = values(0.25, 0.75)
    loss = cross_entropy_from_probs(p, 1)
    loss.backward()
    assert loss.data == pytest.approx(-math.log(0.75))
    assert [v.grad for v in p] == pytest.approx([0.0, -4 / 3])
    assert cross_entropy_from_probs(values(1.0, 0.0), 1).data == 100.0  # clamped
    with pytest.raises(ValueError, match="use cross_entropy for raw logits"):
        cross_entropy_from_probs(values(-2.0, 3.0), 1)


def test_cross_entropy_from_probs_of_softmax_equals_cross_entropy():
    from micrograd_like.functional import softmax

    zs = [0.3, -2.0, 1.1]
    a = cross_entropy_from_probs(softmax(values(*zs)), 2).data
    assert a == pytest.approx(cross_entropy(values(*zs), 2).data, rel=1e-12)


# --------------------------------------------------------------------------------------
# hinge losses
# --------------------------------------------------------------------------------------


def test_hinge_worked_example():
    # scores (0.25, -2, 3), labels (1, -1, -1): relu(1 - y s) = (0.75, 0, 4); mean 4.75/3
    # d/ds_i = -y_i / 3 where the margin is violated: (-1/3, 0, 1/3)
    s = values(0.25, -2.0, 3.0)
    loss = hinge(s, [1, -1, -1])
    loss.backward()
    assert loss.data == pytest.approx(4.75 / 3)
    assert [v.grad for v in s] == pytest.approx([-1 / 3, 0.0, 1 / 3])


def test_hinge_labels_must_be_plus_or_minus_one():
    with pytest.raises(ValueError, match=r"hinge label\[1\] must be -1 or \+1, got 0"):
        hinge(values(0.5, 0.5), [1, 0])
    with pytest.raises(TypeError):
        hinge(Value(0.5), True)


def test_hinge_gradcheck():
    check_gradients(lambda a, b: hinge([a, b], [1, -1]), [0.3, -0.2])


def test_multiclass_hinge_cs231n_example():
    # cs231n's three examples, scores for (cat, car, frog):
    #   (3.2, 5.1, -1.7), cat:  max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9
    #   (1.3, 4.9, 2.0),  car:  max(0, 1.3 - 4.9 + 1) + max(0, 2.0 - 4.9 + 1) = 0
    #   (2.2, 2.5, -3.1), frog: max(0, 2.2 + 3.1 + 1) + max(0, 2.5 + 3.1 + 1) = 12.9
    # mean = 15.8 / 3 = 5.2667
    rows = [values(3.2, 5.1, -1.7), values(1.3, 4.9, 2.0), values(2.2, 2.5, -3.1)]
    loss = multiclass_hinge(rows, [0, 1, 2])
    loss.backward()
    assert loss.data == pytest.approx(15.8 / 3)
    # first sample: only car violates, so d/ds_car = 1/3, d/ds_cat = -1/3, frog 0
    assert [v.grad for v in rows[0]] == pytest.approx([-1 / 3, 1 / 3, 0.0])
    # third sample: both violate, d/ds_frog = -2/3
    assert [v.grad for v in rows[2]] == pytest.approx([1 / 3, 1 / 3, -2 / 3])


def test_multiclass_hinge_margin_and_errors():
    assert multiclass_hinge(values(1.0, 0.0), 0, margin=2.0).data == 1.0  # 0 - 1 + 2
    with pytest.raises(ValueError, match="margin must be >= 0"):
        multiclass_hinge(values(1.0, 0.0), 0, margin=-1.0)
    with pytest.raises(ValueError, match="out of range for 2 classes"):
        multiclass_hinge(values(1.0, 0.0), 2)


def test_multiclass_hinge_gradcheck():
    check_gradients(lambda a, b, c: multiclass_hinge([a, b, c], 1), [0.3, 0.5, 0.1])


# --------------------------------------------------------------------------------------
# l2
# --------------------------------------------------------------------------------------


def test_l2_worked_example_is_one_node():
    # alpha * (1 + 4 + 9) with alpha = 1e-4; d/dp = 2 alpha p
    ps = values(1.0, -2.0, 3.0)
    r = l2(ps, alpha=1e-4)
    r.backward()
    assert r.data == pytest.approx(14e-4)
    assert [p.grad for p in ps] == pytest.approx([2e-4, -4e-4, 6e-4])
    assert [v.op for v in topological_order(r)] == ["l2"]


def test_l2_refuses_bad_input():
    with pytest.raises(ValueError, match="l2 alpha must be >= 0"):
        l2(values(1.0), alpha=-1.0)
    with pytest.raises(ValueError, match="l2 parameters is empty"):
        l2([])
    with pytest.raises(TypeError, match=r"l2 parameters\[1\] must be a Value"):
        l2([Value(1.0), 2.0])
    with pytest.raises(TypeError, match="l2 alpha"):
        l2(values(1.0), alpha=True)


# --------------------------------------------------------------------------------------
# By name
# --------------------------------------------------------------------------------------


def test_get_loss_by_name_and_aliases():
    assert get_loss("mse") is mse
    assert get_loss("bce") is binary_cross_entropy
    assert get_loss("bce_with_logits") is binary_cross_entropy_with_logits
    for name, fn in losses.LOSSES.items():
        assert get_loss(name) is fn


def test_unknown_loss_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown loss 'msee'; valid names: .*cross_entropy.*mse"):
        get_loss("msee")
    with pytest.raises(TypeError, match="loss name must be a str"):
        get_loss(3)  # type: ignore[arg-type]


def test_numbers_are_accepted_as_predictions():
    # plain floats become constants: (2 - 1)**2
    assert mse(2.0, 1.0).data == 1.0
    with pytest.raises(TypeError, match="must be a Value or a number, got str"):
        mse("2", 1.0)


# --------------------------------------------------------------------------------------
# PyTorch parity (float64)
# --------------------------------------------------------------------------------------


def test_torch_parity_mse():
    torch = pytest.importorskip("torch")
    y = [0.5, -1.0, 2.0, 0.0]
    agrees_with_torch(
        lambda v: mse(v, y),
        lambda t: torch.nn.functional.mse_loss(t, torch.tensor(y, dtype=torch.float64)),
        [1.3, 0.2, -0.7, 4.0],
    )


def test_torch_parity_bce():
    torch = pytest.importorskip("torch")
    y = [1.0, 0.0, 0.3, 1.0]
    agrees_with_torch(
        lambda v: binary_cross_entropy(v, y),
        lambda t: torch.nn.functional.binary_cross_entropy(t, torch.tensor(y, dtype=torch.float64)),
        [0.7, 0.2, 0.6, 0.999],
    )
    # the clamp: p = 0 with y = 1 is 100 in both
    ref = torch.nn.functional.binary_cross_entropy(
        torch.tensor([0.0], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64)
    )
    assert binary_cross_entropy(Value(0.0), 1).data == ref.item()


def test_torch_parity_bce_with_logits():
    torch = pytest.importorskip("torch")
    y = [1.0, 0.0, 0.25, 1.0, 0.0]
    agrees_with_torch(
        lambda v: binary_cross_entropy_with_logits(v, y),
        lambda t: torch.nn.functional.binary_cross_entropy_with_logits(
            t, torch.tensor(y, dtype=torch.float64)
        ),
        [-1.5, 0.8, 3.0, 700.0, -700.0],
    )


def test_torch_parity_cross_entropy():
    torch = pytest.importorskip("torch")
    targets = [2, 0, 1]
    flat = [0.3, -1.2, 2.0, 1.0, 1.0, 0.5, -3.0, 800.0, 1.0]
    agrees_with_torch(
        lambda v: cross_entropy([v[0:3], v[3:6], v[6:9]], targets),
        lambda t: torch.nn.functional.cross_entropy(t.reshape(3, 3), torch.tensor(targets)),
        flat,
    )


def test_torch_parity_cross_entropy_from_probs():
    torch = pytest.importorskip("torch")
    targets = [2, 0]
    flat = [0.2, 0.3, 0.5, 0.6, 0.3, 0.1]
    agrees_with_torch(
        lambda v: cross_entropy_from_probs([v[0:3], v[3:6]], targets),
        lambda t: torch.nn.functional.nll_loss(t.reshape(2, 3).log(), torch.tensor(targets)),
        flat,
    )


def test_torch_parity_hinge():
    torch = pytest.importorskip("torch")
    labels = [1.0, -1.0, -1.0, 1.0]
    lab = torch.tensor(labels, dtype=torch.float64)
    agrees_with_torch(
        lambda v: hinge(v, labels),
        lambda t: torch.relu(1 - lab * t).mean(),
        [0.25, -2.0, 3.0, 0.5],
    )


def test_torch_parity_multiclass_hinge():
    # torch's MultiMarginLoss divides each sample's sum by the number of classes C;
    # the cs231n loss does not, so ours = C * torch's
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    targets = [0, 1, 2]
    flat = [3.2, 5.1, -1.7, 1.3, 4.9, 2.0, 2.2, 2.5, -3.1]
    agrees_with_torch(
        lambda v: multiclass_hinge([v[0:3], v[3:6], v[6:9]], targets, margin=0.5),
        lambda t: 3 * F.multi_margin_loss(t.reshape(3, 3), torch.tensor(targets), margin=0.5),
        flat,
    )


# --------------------------------------------------------------------------------------
# Properties over wide input ranges: values and gradients stay finite
# --------------------------------------------------------------------------------------

wide = st.floats(-1e3, 1e3, allow_nan=False)
probs = st.floats(0.0, 1.0)
PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _finite_everywhere(loss: Value, inputs: list[Value]) -> None:
    assert math.isfinite(loss.data)
    loss.backward()
    assert all(math.isfinite(v.grad) for v in inputs)


@PROPS
@given(st.lists(st.tuples(wide, wide), min_size=1, max_size=5))
def test_mse_finite(pairs):
    p = [Value(a) for a, _ in pairs]
    _finite_everywhere(mse(p, [b for _, b in pairs]), p)


@PROPS
@given(st.lists(st.tuples(probs, st.sampled_from([0, 1, 0.5])), min_size=1, max_size=5))
def test_bce_finite(pairs):
    p = [Value(a) for a, _ in pairs]
    loss = binary_cross_entropy(p, [b for _, b in pairs])
    assert 0.0 <= loss.data <= 100.0
    _finite_everywhere(loss, p)


@PROPS
@given(st.lists(st.tuples(wide, probs), min_size=1, max_size=5))
def test_bce_with_logits_finite(pairs):
    z = [Value(a) for a, _ in pairs]
    loss = binary_cross_entropy_with_logits(z, [b for _, b in pairs])
    assert loss.data >= -1e-9
    _finite_everywhere(loss, z)


@PROPS
@given(st.lists(wide, min_size=1, max_size=6), st.data())
def test_cross_entropy_finite(zs, data):
    t = data.draw(st.integers(0, len(zs) - 1))
    z = [Value(x) for x in zs]
    loss = cross_entropy(z, t)
    assert loss.data >= -1e-9
    _finite_everywhere(loss, z)
    assert math.fsum(v.grad for v in z) == pytest.approx(0.0, abs=1e-9)  # softmax - onehot


@PROPS
@given(st.lists(wide, min_size=1, max_size=6), st.data())
def test_hinge_losses_finite(zs, data):
    z = [Value(x) for x in zs]
    labels = data.draw(st.lists(st.sampled_from([-1, 1]), min_size=len(zs), max_size=len(zs)))
    _finite_everywhere(hinge(z, labels), z)
    z = [Value(x) for x in zs]
    t = data.draw(st.integers(0, len(zs) - 1))
    _finite_everywhere(multiclass_hinge(z, t), z)
