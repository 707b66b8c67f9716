"""Numerical safety: extreme inputs give finite, correct values and gradients.

Every check compares with a reference written with plain floats and the textbook stable
formulas (shift by the max before exponentiating, ``log1p``, ``max(z, 0)``):

    logsumexp(x)    = m + ln(sum_i e**(x_i - m)),  m = max(x)
    softmax(x)_i    = e**(x_i - m) / sum_j e**(x_j - m)
    log_softmax(x)_i = (x_i - m) - ln(sum_j e**(x_j - m))
    sigmoid(z)      = 1 / (1 + e**-z) for z >= 0,  e**z / (1 + e**z) for z < 0
    bce_logits(z, y) = max(z, 0) - y z + ln(1 + e**-|z|),  d/dz = sigmoid(z) - y
    bce(p, y)       = -(y max(ln p, -100) + (1 - y) max(ln(1 - p), -100))

"Extreme" means +-1e3 (e**1000 overflows), +-1e308 (near the largest float), the
smallest subnormal 5e-324, and both zeros. Where the true value is representable it must
come out (to rounding); where the mathematics has a gradient it must come out too. With
torch installed, the same extremes are compared with PyTorch in float64.

Also here: ``fit`` stops cleanly when training diverges (mid-epoch, through an L2 term, or
through an overflow in the forward pass) and refuses empty or mismatched data up front.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from parity import agrees_with_torch

from micrograd_like import functional, losses
from micrograd_like.engine import Value

TINY = math.exp(losses.LOG_CLAMP)  # e**-100: below it, ln p is clamped to -100

# --------------------------------------------------------------------------------------
# Float-only references
# --------------------------------------------------------------------------------------


def ref_sigmoid(z: float) -> float:
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def ref_sigmoid_grad(z: float) -> float:
    """sigma'(z) = e**-|z| / (1 + e**-|z|)**2, with no cancellation for large |z|."""
    e = math.exp(-abs(z))
    return e / ((1.0 + e) * (1.0 + e))


def ref_tanh_grad(x: float) -> float:
    """tanh'(x) = sech(x)**2 = 4 e**-2|x| / (1 + e**-2|x|)**2."""
    e = math.exp(-2.0 * abs(x))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _shift(xs: Sequence[float]) -> tuple[float, float]:
    m = max(xs)
    return m, math.fsum(math.exp(x - m) for x in xs)


def ref_logsumexp(xs: Sequence[float]) -> float:
    m, s = _shift(xs)
    return m + math.log(s)


def ref_softmax(xs: Sequence[float]) -> list[float]:
    m, s = _shift(xs)
    return [math.exp(x - m) / s for x in xs]


def ref_log_softmax(xs: Sequence[float]) -> list[float]:
    m, s = _shift(xs)
    return [(x - m) - math.log(s) for x in xs]


def ref_bce_logits(z: float, y: float) -> tuple[float, float]:
    """(loss, d loss / dz) of one sample."""
    return max(z, 0.0) - z * y + math.log1p(math.exp(-abs(z))), ref_sigmoid(z) - y


def ref_bce(p: float, y: float) -> tuple[float, float]:
    """(loss, d loss / dp) of one sample; a clamped log is a constant, slope 0."""
    q = 1.0 - p
    log_p, dlog_p = (math.log(p), 1.0 / p) if p > TINY else (losses.LOG_CLAMP, 0.0)
    log_q, dlog_q = (math.log(q), -1.0 / q) if q > TINY else (losses.LOG_CLAMP, 0.0)
    return -(y * log_p + (1.0 - y) * log_q), -(y * dlog_p + (1.0 - y) * dlog_q)


def close(a: float, b: float, rel: float = 1e-12, abs_: float = 0.0) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def all_close(
    xs: Sequence[float], ys: Sequence[float], rel: float = 1e-12, abs_: float = 0.0
) -> bool:
    return len(xs) == len(ys) and all(close(a, b, rel, abs_) for a, b in zip(xs, ys))


def finite(xs: Sequence[float]) -> bool:
    return all(math.isfinite(x) for x in xs)


def grads_of(out: Value, inputs: Sequence[Value]) -> list[float]:
    out.backward()
    return [float(v.grad) for v in inputs]


# --------------------------------------------------------------------------------------
# tanh and sigmoid at the extremes
# --------------------------------------------------------------------------------------

UNARY_EXTREMES = [
    0.0, -0.0, 5e-324, -5e-324, 1e-300, 0.5, -0.5, 20.0, -20.0, 40.0, -40.0,
    710.0, -745.0, 1e3, -1e3, 1e308, -1e308,
]  # fmt: skip


@pytest.mark.parametrize("x", UNARY_EXTREMES)
def test_tanh_is_finite_and_exact_at_extremes(x: float) -> None:
    # tanh(x) = math.tanh(x); d/dx = 1 - tanh**2, which is 0 to the last bit past |x| ~ 19
    v = Value(x)
    t = v.tanh()
    t.backward()
    assert t.data == math.tanh(x) and math.copysign(1.0, t.data) == math.copysign(1.0, x)
    assert -1.0 <= t.data <= 1.0
    assert math.isfinite(v.grad) and 0.0 <= v.grad <= 1.0
    assert close(v.grad, ref_tanh_grad(x), rel=1e-12, abs_=1e-15)


@pytest.mark.parametrize("x", UNARY_EXTREMES)
def test_sigmoid_is_finite_and_exact_at_extremes(x: float) -> None:
    # sigmoid never overflows (e**-x is only ever taken of x >= 0); sigma' = s (1 - s)
    v = Value(x)
    s = v.sigmoid()
    s.backward()
    assert close(s.data, ref_sigmoid(x), rel=1e-15, abs_=1e-320)
    assert 0.0 <= s.data <= 1.0
    assert math.isfinite(v.grad) and 0.0 <= v.grad <= 0.25
    assert close(v.grad, ref_sigmoid_grad(x), rel=1e-9, abs_=2e-16)


# --------------------------------------------------------------------------------------
# Division and powers at the extremes: no spurious underflow or OverflowError
# --------------------------------------------------------------------------------------


def test_the_gradient_of_a_division_does_not_underflow_for_a_large_divisor() -> None:
    # d(x/y)/dy = -x/y**2 = -(x/y)/y = -1/1e200 = -1e-200 at x = y = 1e200; y**2 overflows
    x, y = Value(1e200), Value(1e200)
    (x / y).backward()
    assert (x.grad, y.grad) == (1e-200, -1e-200)


def test_a_tiny_divisor_does_not_overflow_when_the_quotient_fits() -> None:
    # 1e-10 / 1e-155 = 1e145; d/da = 1/b = 1e155, d/db = -(a/b)/b = -1e300: all finite
    a, b = Value(1e-10), Value(1e-155)
    q = a / b
    q.backward()
    assert q.data == pytest.approx(1e145, rel=1e-15)
    assert a.grad == pytest.approx(1e155, rel=1e-15) and b.grad == pytest.approx(-1e300, rel=1e-15)


def test_the_smallest_float_to_the_power_zero_is_one_with_gradient_zero() -> None:
    # x**0 = 1 whatever x is, so d/dx = 0 (b * x**(b-1) would be 0 * 1/5e-324 = 0 * inf)
    x = Value(5e-324)
    y = x**0
    y.backward()
    assert (y.data, x.grad) == (1.0, 0.0)


# --------------------------------------------------------------------------------------
# softmax, log_softmax, logsumexp and cross_entropy at the extremes
# --------------------------------------------------------------------------------------

# logit vectors whose softmax, log_softmax and logsumexp are all representable floats
LOGITS = {
    "pm1e3": [1e3, 1e3, -1e3],
    "subnormal-and-zeros": [5e-324, 0.0, -0.0],
    "one-huge": [1e308],
    "huge-and-zero": [1e308, 0.0],
    "minus-huge-and-zero": [-1e308, 0.0],
    "two-minus-huge-and-zero": [-1e308, -1e308, 0.0],
    # ties far from 0: softmax is (1/2, 1/2) and logsumexp's gradient too, although
    # logsumexp itself rounds to x (ln 2 is below half an ulp of x)
    "tie-at-1e16": [1e16, 1e16],
    "tie-at-1e308": [1e308, 1e308],
    "tie-at-minus-1e308": [-1e308, -1e308],
}


@pytest.mark.parametrize("xs", list(LOGITS.values()), ids=list(LOGITS))
def test_softmax_family_is_finite_and_right_at_extreme_logits(xs: list[float]) -> None:
    # logsumexp: its value and its gradient, which is softmax(x)
    z = [Value(x) for x in xs]
    lse = functional.logsumexp(z)
    assert close(lse.data, ref_logsumexp(xs), rel=1e-15)
    g = grads_of(lse, z)
    assert all_close(g, ref_softmax(xs), rel=1e-12, abs_=1e-15), f"d lse/dx = {g}"

    # softmax: a probability distribution, equal to the reference
    p = [v.data for v in functional.softmax([Value(x) for x in xs])]
    assert all(0.0 <= pi <= 1.0 for pi in p)
    assert math.fsum(p) == pytest.approx(1.0, abs=1e-12), f"softmax = {p}"
    assert all_close(p, ref_softmax(xs), rel=1e-12, abs_=1e-15)

    # log_softmax: value, and the gradient of its largest entry = onehot - softmax
    z = [Value(x) for x in xs]
    ls = functional.log_softmax(z)
    assert finite([v.data for v in ls]) and all(v.data <= 0.0 for v in ls)
    assert all_close([v.data for v in ls], ref_log_softmax(xs), rel=1e-12, abs_=1e-12)
    i = xs.index(max(xs))
    g = grads_of(ls[i], z)
    want = [(1.0 if j == i else 0.0) - pj for j, pj in enumerate(ref_softmax(xs))]
    assert all_close(g, want, rel=1e-12, abs_=1e-15), f"d log_softmax[{i}]/dx = {g}"


@pytest.mark.parametrize("xs", list(LOGITS.values()), ids=list(LOGITS))
def test_cross_entropy_is_finite_and_right_at_extreme_logits(xs: list[float]) -> None:
    # loss = -log_softmax(x)[t]; d loss / dx = softmax(x) - onehot(t)
    p = ref_softmax(xs)
    for t in range(len(xs)):
        z = [Value(x) for x in xs]
        loss = losses.cross_entropy(z, t)
        want = -ref_log_softmax(xs)[t]
        assert math.isfinite(loss.data) and loss.data >= 0.0
        assert close(loss.data, want, rel=1e-12, abs_=1e-12), f"target {t}: {loss.data} != {want}"
        g = grads_of(loss, z)
        onehot = [1.0 if j == t else 0.0 for j in range(len(xs))]
        assert all_close(g, [pj - oj for pj, oj in zip(p, onehot)], rel=1e-12, abs_=1e-15), (t, g)


# --------------------------------------------------------------------------------------
# binary cross-entropy: probabilities exactly 0 and 1, and their neighbours
# --------------------------------------------------------------------------------------

PROBS = [0.0, -0.0, 5e-324, 1e-300, 1e-50, 1e-40, 0.5, 1.0 - 2.0**-53, 1.0]


@pytest.mark.parametrize("y", [0, 1, 0.5, 0.25])
@pytest.mark.parametrize("p", PROBS)
def test_bce_is_clamped_finite_and_right_at_0_and_1(p: float, y: float) -> None:
    # ln 0 = -inf is clamped to -100 (as PyTorch does), so a confident wrong answer costs
    # at most 100 and its gradient is 0, never inf or nan; elsewhere the textbook values
    v = Value(p)
    loss = losses.binary_cross_entropy(v, y)
    want, slope = ref_bce(p, y)
    assert 0.0 <= loss.data <= 100.0
    assert close(loss.data, want, rel=1e-12, abs_=1e-12), (loss.data, want)
    loss.backward()
    assert math.isfinite(v.grad)
    assert close(v.grad, slope, rel=1e-12), (v.grad, slope)


def test_bce_at_exact_0_and_1_by_hand() -> None:
    # a sure and right answer costs 0; a sure and wrong one costs the clamp, 100
    assert losses.binary_cross_entropy(Value(1.0), 1).data == 0.0
    assert losses.binary_cross_entropy(Value(0.0), 0).data == 0.0
    assert losses.binary_cross_entropy(Value(0.0), 1).data == 100.0
    assert losses.binary_cross_entropy(Value(1.0), 0).data == 100.0
    # a batch of both mistakes: the mean of 100 and 100
    assert losses.binary_cross_entropy([0.0, 1.0], [1, 0]).data == 100.0
    # y = 1/2 at p = 0: -(ln 0 + ln 1)/2 = 100/2 with the clamp
    assert losses.binary_cross_entropy(Value(0.0), 0.5).data == 50.0
    assert losses.cross_entropy_from_probs([Value(0.0), Value(1.0)], 0).data == 100.0


LOGIT_EXTREMES = [
    0.0, -0.0, 5e-324, 1e-300, 30.0, -30.0, 40.0, -40.0, 710.0, -745.0,
    1e3, -1e3, 1e308, -1e308,
]  # fmt: skip


@pytest.mark.parametrize("y", [0, 1, 0.5])
@pytest.mark.parametrize("z", LOGIT_EXTREMES)
def test_bce_with_logits_is_finite_and_right_at_extremes(z: float, y: float) -> None:
    # softplus(z) - y z never overflows: at z = 1e308, y = 1 the loss is ln(1 + e**-z) = 0
    v = Value(z)
    loss = losses.binary_cross_entropy_with_logits(v, y)
    want, slope = ref_bce_logits(z, y)
    assert math.isfinite(loss.data) and loss.data >= 0.0
    assert close(loss.data, want, rel=1e-12, abs_=1e-14), (loss.data, want)
    loss.backward()
    assert math.isfinite(v.grad) and -1.0 <= v.grad <= 1.0
    assert close(v.grad, slope, rel=1e-12, abs_=1e-14), (v.grad, slope)


# --------------------------------------------------------------------------------------
# The same extremes, compared with PyTorch in float64
# --------------------------------------------------------------------------------------


def test_extremes_match_torch_float64() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional

    for x in UNARY_EXTREMES:
        agrees_with_torch(lambda z: z[0].tanh(), lambda t: torch.tanh(t)[0], [x])
        # torch's sigmoid(-745) underflows to 0 where ours keeps the subnormal 5e-324
        agrees_with_torch(lambda z: z[0].sigmoid(), lambda t: torch.sigmoid(t)[0], [x])
    for z in LOGIT_EXTREMES:
        for y in (0.0, 1.0, 0.5):
            agrees_with_torch(
                lambda v, y=y: losses.binary_cross_entropy_with_logits(v[0], y),
                lambda t, y=y: F.binary_cross_entropy_with_logits(
                    t, torch.tensor([y], dtype=torch.float64)
                ),
                [z],
            )
    for xs in LOGITS.values():
        # logsumexp's gradient is the softmax. torch's logsumexp backward takes it as
        # e**(x - lse) and rounds ties of huge logits to (1, 1); torch.softmax shifts by the
        # max first and gets (1/2, 1/2), as we do. So compare the gradient with softmax.
        z = [Value(x) for x in xs]
        out = functional.logsumexp(z)
        out.backward()
        t = torch.tensor(xs, dtype=torch.float64)
        assert close(out.data, torch.logsumexp(t, 0).item(), rel=1e-12, abs_=1e-14), xs
        assert all_close([v.grad for v in z], torch.softmax(t, 0).tolist(), rel=1e-12, abs_=1e-14)
        for k in range(len(xs)):
            agrees_with_torch(
                lambda z, k=k: losses.cross_entropy(z, k),
                lambda t, k=k: F.cross_entropy(t[None], torch.tensor([k])),
                xs,
            )


# --------------------------------------------------------------------------------------
# Properties over wide ranges: every loss agrees with its float-only reference
# --------------------------------------------------------------------------------------

PROPS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
wide = st.floats(-1e3, 1e3, allow_nan=False)
unit = st.floats(0.0, 1.0)


@st.composite
def batches_of_logits(draw: st.DrawFn) -> tuple[list[list[float]], list[int]]:
    k = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(wide, min_size=k, max_size=k), min_size=1, max_size=4))
    targets = draw(st.lists(st.integers(0, k - 1), min_size=len(rows), max_size=len(rows)))
    return rows, targets


@PROPS
@given(batches_of_logits())
def test_cross_entropy_matches_the_reference(batch: tuple[list[list[float]], list[int]]) -> None:
    rows, targets = batch
    n = len(rows)
    z = [[Value(x) for x in row] for row in rows]
    loss = losses.cross_entropy(z, targets)
    want = math.fsum(ref_logsumexp(r) - r[t] for r, t in zip(rows, targets)) / n
    assert close(loss.data, want, rel=1e-12, abs_=1e-10)
    loss.backward()
    for row, zs, t in zip(rows, z, targets):
        p = ref_softmax(row)
        want_g = [(pj - (1.0 if j == t else 0.0)) / n for j, pj in enumerate(p)]
        assert all_close([v.grad for v in zs], want_g, rel=1e-9, abs_=1e-12)


@PROPS
@given(st.lists(st.tuples(wide, unit), min_size=1, max_size=5))
def test_bce_with_logits_matches_the_reference(pairs: list[tuple[float, float]]) -> None:
    n = len(pairs)
    z = [Value(a) for a, _ in pairs]
    loss = losses.binary_cross_entropy_with_logits(z, [y for _, y in pairs])
    refs = [ref_bce_logits(a, y) for a, y in pairs]
    assert close(loss.data, math.fsum(r for r, _ in refs) / n, rel=1e-12, abs_=1e-12)
    loss.backward()
    assert all_close([v.grad for v in z], [g / n for _, g in refs], rel=1e-9, abs_=1e-14)


@PROPS
@given(st.lists(st.tuples(unit, unit), min_size=1, max_size=5))
def test_bce_matches_the_reference(pairs: list[tuple[float, float]]) -> None:
    n = len(pairs)
    p = [Value(a) for a, _ in pairs]
    loss = losses.binary_cross_entropy(p, [y for _, y in pairs])
    refs = [ref_bce(a, y) for a, y in pairs]
    assert 0.0 <= loss.data <= 100.0
    assert close(loss.data, math.fsum(r for r, _ in refs) / n, rel=1e-12, abs_=1e-12)
    loss.backward()
    assert finite([v.grad for v in p])
    assert all_close([v.grad for v in p], [g / n for _, g in refs], rel=1e-9, abs_=1e-12)


def _near_kink(x: float, scale: float) -> bool:
    """Too close to a relu kink for the two orders of rounding to agree on the side."""
    return abs(x) <= 1e-12 * (1.0 + scale)


@PROPS
@given(st.lists(st.tuples(wide, st.sampled_from([-1, 1])), min_size=1, max_size=5))
def test_hinge_matches_the_reference(pairs: list[tuple[float, int]]) -> None:
    # mean max(0, 1 - y s); d/ds = -y/n where the margin is not met, else 0
    n = len(pairs)
    s = [Value(a) for a, _ in pairs]
    loss = losses.hinge(s, [y for _, y in pairs])
    assert close(loss.data, math.fsum(max(0.0, 1.0 - y * a) for a, y in pairs) / n, abs_=1e-12)
    loss.backward()
    for v, (a, y) in zip(s, pairs):
        if not _near_kink(1.0 - y * a, abs(a)):
            assert v.grad == pytest.approx(-y / n if 1.0 - y * a > 0.0 else 0.0, abs=1e-15)


@PROPS
@given(batches_of_logits(), st.floats(0.0, 10.0))
def test_multiclass_hinge_matches_the_reference(
    batch: tuple[list[list[float]], list[int]], margin: float
) -> None:
    # mean_i sum_{j != y_i} max(0, s_j - s_y + margin)
    rows, targets = batch
    n = len(rows)
    s = [[Value(x) for x in row] for row in rows]
    loss = losses.multiclass_hinge(s, targets, margin=margin)
    terms = [
        (i, j, row[j] - row[t] + margin)
        for i, (row, t) in enumerate(zip(rows, targets))
        for j in range(len(row))
        if j != t
    ]
    assert close(loss.data, math.fsum(max(0.0, m) for *_, m in terms) / n, abs_=1e-10)
    loss.backward()
    want = [[0.0] * len(row) for row in rows]
    kinked = set()
    for i, j, m in terms:
        if _near_kink(m, abs(rows[i][j]) + abs(rows[i][targets[i]]) + margin):
            kinked.add(i)
        elif m > 0.0:
            want[i][j] += 1.0 / n
            want[i][targets[i]] -= 1.0 / n
    for i, (row_v, row_want) in enumerate(zip(s, want)):
        if i not in kinked:
            assert all_close([v.grad for v in row_v], row_want, rel=1e-9, abs_=1e-12)


@PROPS
@given(st.lists(st.tuples(wide, wide), min_size=1, max_size=5))
def test_mse_matches_the_reference(pairs: list[tuple[float, float]]) -> None:
    # mean (p - t)**2; d/dp = 2 (p - t) / n
    n = len(pairs)
    p = [Value(a) for a, _ in pairs]
    loss = losses.mse(p, [t for _, t in pairs])
    assert close(loss.data, math.fsum((a - t) ** 2 for a, t in pairs) / n, rel=1e-12, abs_=1e-9)
    loss.backward()
    assert all_close(
        [v.grad for v in p], [2.0 * (a - t) / n for a, t in pairs], rel=1e-12, abs_=1e-12
    )


@PROPS
@given(st.lists(wide, min_size=1, max_size=6), st.floats(0.0, 10.0))
def test_l2_matches_the_reference(ws: list[float], alpha: float) -> None:
    # alpha * sum w**2; d/dw = 2 alpha w
    p = [Value(w) for w in ws]
    penalty = losses.l2(p, alpha)
    assert close(penalty.data, alpha * math.fsum(w * w for w in ws), rel=1e-12, abs_=1e-300)
    penalty.backward()
    assert all_close([v.grad for v in p], [2.0 * alpha * w for w in ws], rel=1e-12, abs_=1e-300)


@PROPS
@given(st.lists(wide, min_size=1, max_size=6), st.data())
def test_softmax_family_matches_the_reference(xs: list[float], data: st.DataObject) -> None:
    z = [Value(x) for x in xs]
    lse = functional.logsumexp(z)
    assert close(lse.data, ref_logsumexp(xs), rel=1e-15, abs_=1e-15)
    assert all_close(grads_of(lse, z), ref_softmax(xs), rel=1e-12, abs_=1e-15)
    p = [v.data for v in functional.softmax(xs)]
    assert all_close(p, ref_softmax(xs), rel=1e-12, abs_=1e-15)
    i = data.draw(st.integers(0, len(xs) - 1))
    z = [Value(x) for x in xs]
    ls = functional.log_softmax(z)
    assert all_close([v.data for v in ls], ref_log_softmax(xs), rel=1e-12, abs_=1e-12)
    want = [(1.0 if j == i else 0.0) - pj for j, pj in enumerate(ref_softmax(xs))]
    # 1 - softmax_i cancels: its error is about an ulp of lse, so |x| * eps in absolute
    scale = 1.0 + max(abs(x) for x in xs)
    assert all_close(grads_of(ls[i], z), want, rel=1e-9, abs_=1e-15 * scale)


@PROPS
@given(st.floats(-1e308, 1e308, allow_nan=False))
def test_sigmoid_and_tanh_match_the_reference_everywhere(x: float) -> None:
    v = Value(x)
    s = v.sigmoid()
    s.backward()
    assert close(s.data, ref_sigmoid(x), rel=1e-15, abs_=1e-320)
    assert close(v.grad, ref_sigmoid_grad(x), rel=1e-9, abs_=2e-16)
    v = Value(x)
    t = v.tanh()
    t.backward()
    assert t.data == math.tanh(x)
    assert close(v.grad, ref_tanh_grad(x), rel=1e-12, abs_=1e-15)
