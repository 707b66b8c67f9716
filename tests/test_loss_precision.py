"""The binary cross-entropies keep every digit where a loss is tiny.

``softplus(z) - y z`` computed as written rounds to exactly 0 for a confident right
answer (z = 36, y = 1: ln(1 + e**36) - 36 = 36 - 36), and ``ln(1 - p)`` computed as
``(1 - p).log()`` keeps only the digits of p that 1 - p can hold. The references are
computed with mpmath at 50 digits; torch (float64) is a second opinion where installed.
"""

from __future__ import annotations

import math

import mpmath
import pytest

from micrograd_like.engine import Value
from micrograd_like.losses import binary_cross_entropy, binary_cross_entropy_with_logits

mpmath.mp.dps = 50

ULP = 2.0**-52  # relative spacing of floats near 1


def rel_error(got: float, want: mpmath.mpf) -> float:
    if want == 0:
        return abs(got)
    return float(abs((mpmath.mpf(got) - want) / want))


def ref_bce_logits(z: float, y: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """softplus(z) - y z and its derivative sigmoid(z) - y, at 50 digits.

    Written as max(z, 0) - y z + ln(1 + e**-|z|) and (1 - y) - e**-z / (1 + e**-z) for
    z >= 0, which are the same numbers: as first written, ln(1 + e**700) - 700 would need
    300 digits to keep the e**-700 that is left.
    """
    zm, ym = mpmath.mpf(z), mpmath.mpf(y)
    tiny = mpmath.exp(-abs(zm))  # e**-|z|
    value = max(zm, 0) - ym * zm + mpmath.log1p(tiny)
    slope = (1 - ym) - tiny / (1 + tiny) if z >= 0 else tiny / (1 + tiny) - ym
    return value, slope


def ref_bce(p: float, y: float) -> tuple[mpmath.mpf, mpmath.mpf]:
    """-(y ln p + (1 - y) ln(1 - p)) and its derivative, at 50 digits (no clamp needed)."""
    pm, ym = mpmath.mpf(p), mpmath.mpf(y)
    value = -(ym * mpmath.log(pm) if y else 0) - (1 - ym) * mpmath.log1p(-pm)
    slope = -(ym / pm if y else 0) + (1 - ym) / (1 - pm)
    return value, slope


def test_bce_with_logits_of_a_confident_right_answer_is_tiny_not_zero() -> None:
    # ln(1 + e**-36) = e**-36 - e**-72/2 + ... = 2.3195228302435691e-16
    z = Value(36.0)
    loss = binary_cross_entropy_with_logits(z, 1)
    loss.backward()
    want, slope = ref_bce_logits(36.0, 1.0)
    assert loss.data != 0.0
    assert rel_error(loss.data, want) <= ULP, loss.data
    assert rel_error(z.grad, slope) <= 4 * ULP, z.grad  # -sigmoid(-36) = -2.3195e-16


def test_bce_of_a_tiny_probability_keeps_its_digits() -> None:
    # -ln(1 - 1e-13) = 1e-13 + 1e-26/2 + ... = 1.00000000000005e-13; (1 - p).log() gave
    # 1.000310945187316e-13, wrong from the 4th digit
    p = Value(1e-13)
    loss = binary_cross_entropy(p, 0)
    loss.backward()
    want, slope = ref_bce(1e-13, 0.0)
    assert rel_error(loss.data, want) <= ULP, loss.data
    assert rel_error(p.grad, slope) <= 4 * ULP, p.grad  # 1 / (1 - p)


LOGITS = [-745.0, -700.0, -40.0, -36.0, -20.0, -1.0, -1e-8, 0.0, 1e-8, 1e-3, 1.0, 5.0]
LOGITS += [20.0, 36.0, 37.0, 40.0, 700.0]


@pytest.mark.parametrize("y", [0.0, 1.0, 0.25])
@pytest.mark.parametrize("z", LOGITS)
def test_bce_with_logits_matches_mpmath_to_a_few_ulps(z: float, y: float) -> None:
    v = Value(z)
    loss = binary_cross_entropy_with_logits(v, y)
    loss.backward()
    want, slope = ref_bce_logits(z, y)
    # max(z, 0) - y z and ln(1 + e**-|z|) are both >= 0: nothing cancels, so the loss is
    # good to a few ulps, relative, down to the smallest subnormal (z = -745)
    error = abs(mpmath.mpf(loss.data) - want)
    assert error <= max(4 * ULP * want, mpmath.mpf(5e-324)), (loss.data, want)
    # the slope sigmoid(z) - y cancels for a y strictly between 0 and 1: measure its
    # error against y there (at z = -1, y = 1/4: 0.2689 - 0.25)
    scale = abs(slope) + (y if 0.0 < y < 1.0 else 0.0)
    error = abs(mpmath.mpf(v.grad) - slope)
    assert error <= max(8 * ULP * scale, mpmath.mpf(5e-324)), (v.grad, slope)


PROBABILITIES = [
    1e-40,
    1e-30,
    1e-16,
    1e-13,
    1e-8,
    1e-3,
    0.25,
    0.5,
    0.75,
    1 - 1e-8,
    1 - 2**-52,
]  # ln p > -100: no clamp


@pytest.mark.parametrize("y", [0.0, 1.0, 0.5])
@pytest.mark.parametrize("p", PROBABILITIES)
def test_bce_matches_mpmath_to_a_few_ulps(p: float, y: float) -> None:
    v = Value(p)
    loss = binary_cross_entropy(v, y)
    loss.backward()
    want, slope = ref_bce(p, y)
    assert rel_error(loss.data, want) <= 4 * ULP, (loss.data, want)
    assert rel_error(v.grad, slope) <= 8 * ULP, (v.grad, slope)


def test_the_two_cases_match_torch_float64() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = torch.tensor([36.0], dtype=torch.float64)
    theirs = F.binary_cross_entropy_with_logits(t, torch.tensor([1.0], dtype=torch.float64))
    ours = binary_cross_entropy_with_logits(Value(36.0), 1).data
    assert math.isclose(ours, theirs.item(), rel_tol=4 * ULP)
    t = torch.tensor([1e-13], dtype=torch.float64)
    theirs = F.binary_cross_entropy(t, torch.tensor([0.0], dtype=torch.float64))
    ours = binary_cross_entropy(Value(1e-13), 0).data
    assert math.isclose(ours, theirs.item(), rel_tol=4 * ULP)
