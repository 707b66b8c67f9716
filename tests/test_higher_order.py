"""micrograd_like.higher_order: second and higher derivatives, each derived by hand.

``grad`` and ``hessian`` differentiate a function of floats; ``gradients(...,
create_graph=True)`` and ``backward(create_graph=True)`` give gradients as Values that
can be differentiated again. Comparisons with PyTorch are in tests/test_torch_parity.py.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings

from micrograd_like.engine import Value
from micrograd_like.functional import vsum
from micrograd_like.gradcheck import numerical_grad
from micrograd_like.higher_order import grad, gradients, hessian
from micrograd_like.testing import Program, programs


def test_second_derivative_of_tanh():
    # t = tanh x, t' = 1 - t^2, t'' = -2 t (1 - t^2); at x = 0.5, t = 0.46211715726000974
    x = 0.5
    t = math.tanh(x)
    assert grad(grad(lambda v: v.tanh()))(x) == pytest.approx(-2 * t * (1 - t * t), rel=1e-14)


def test_third_derivative_of_x_to_the_fourth():
    # (x^4)' = 4x^3, '' = 12x^2, ''' = 24x: at x = 1.5 that is 36
    d3 = grad(grad(grad(lambda v: v**4)))
    assert d3(1.5) == pytest.approx(36.0, rel=1e-14)
    assert d3(-2.0) == pytest.approx(-48.0, rel=1e-14)


@pytest.mark.parametrize(
    "name, f, second",
    [
        # s = sigmoid x: s' = s(1-s), s'' = s(1-s)(1-2s)
        ("sigmoid", lambda v: v.sigmoid(), lambda x: _s(x) * (1 - _s(x)) * (1 - 2 * _s(x))),
        # (e^x)'' = e^x
        ("exp", lambda v: v.exp(), math.exp),
        # (ln x)' = 1/x, (ln x)'' = -1/x^2
        ("log", lambda v: v.log(), lambda x: -1 / (x * x)),
    ],
)
@pytest.mark.parametrize("x", [0.3, 1.7])
def test_second_derivatives_match_their_hand_formula(name, f, second, x):
    assert grad(grad(f))(x) == pytest.approx(second(x), rel=1e-12), name


def _s(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_mixed_partial():
    # f = x y^2: df/dy = 2xy, d2f/dx dy = 2y = 6 at y = 3
    f = lambda x, y: x * y * y
    d_dy = grad(f, argnums=1)
    assert grad(d_dy, argnums=0)(2.0, 3.0) == 6.0
    assert hessian(f)(2.0, 3.0) == [[0.0, 6.0], [6.0, 4.0]]  # [[0, 2y], [2y, 2x]]


def test_backward_create_graph_makes_grad_a_value():
    # y = x^3 at x = 2: x.grad = 3x^2 = 12, a Value; its own backward gives 6x = 12
    x = Value(2.0)
    y = x**3
    y.backward(create_graph=True)
    g = x.grad
    assert isinstance(g, Value) and g.data == 12.0
    x.grad = 0.0
    g.backward()
    assert x.grad == 12.0


def test_float_backward_is_untouched_by_create_graph_mode():
    x = Value(2.0)
    (x * x).backward()
    assert type(x.grad) is float and x.grad == 4.0


def test_gradients_does_not_touch_grad_fields():
    x = Value(3.0)
    y = x * x
    assert gradients(y, [x]) == [6.0]
    assert x.grad == 0.0 and y.grad == 0.0


def test_constant_function_has_zero_derivative():
    assert grad(lambda v: 5.0)(1.0) == 0.0
    assert grad(grad(lambda v: v * 2))(1.0) == 0.0


def test_newton_step_on_a_quadratic_lands_on_the_minimum():
    # f = (x - 3)^2: x - f'/f'' = x - 2(x-3)/2 = 3 in one step from anywhere
    f = lambda v: (v - 3) ** 2
    x = 10.0
    x -= grad(f)(x) / grad(grad(f))(x)
    assert x == 3.0


def test_bad_arguments():
    with pytest.raises(TypeError, match="function"):
        grad(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="argnums 2"):
        grad(lambda x: x, argnums=2)(1.0)
    with pytest.raises(TypeError, match="argument 0"):
        grad(lambda x: x)("a")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_leaves=2, max_steps=6))
def test_second_derivatives_match_finite_differences_of_the_first(program: Program):
    # d/dx0 of (df/dx0), estimated by central differences, equals hessian[0][0]
    first = grad(program.build, argnums=0)
    h = hessian(program.build)(*program.leaves)
    numeric = numerical_grad(lambda *vs: Value(first(*[v.data for v in vs])), program.leaves)
    scale = max(1.0, abs(h[0][0]))
    assert h[0][0] == pytest.approx(numeric[0], rel=1e-4, abs=1e-5 * scale)


def test_the_graph_of_a_gradient_can_be_drawn():
    # y = x**2 at x = 3: x.grad = 2x = 6 is a Value made of the rule '**' partial b*a**(b-1)
    from micrograd_like.viz import draw_dot

    x = Value(3.0, label="x")
    y = x**2
    y.backward(create_graph=True)
    source = draw_dot(x.grad).source
    assert "data 6" in source and "x" in source and "**" in source


# --------------------------------------------------------------------------------------
# Second order where first order is at its edge: zero exponents, infinite slopes
# --------------------------------------------------------------------------------------


def test_second_derivatives_of_powers_at_zero_do_not_divide_by_zero() -> None:
    # d/dx x**0 = 0 everywhere, so d2/dx2 = 0; at 0, x**0.5 has an infinite first derivative
    assert grad(grad(lambda x: x**0))(0.0) == 0.0
    assert grad(lambda x: x**0.5)(0.0) == math.inf
    grad(grad(lambda x: x**0.5))(0.0)  # no ZeroDivisionError


def test_the_second_order_gradient_of_log_at_a_tiny_number_does_not_overflow() -> None:
    # d(ln x)/dx = 1/x = 1e160 at x = 1e-160, as a Value that can be differentiated again
    x = Value(1e-160)
    (dy,) = gradients(x.log(), [x], create_graph=True)
    assert dy.data == pytest.approx(1e160, rel=1e-15)


def test_a_rule_gives_the_same_first_order_number_on_floats_and_on_values() -> None:
    # y = x**b at x = 0 for b = 0, 0.5, 1, 2: dy/dx = 0, inf, 1, 0
    for b, want in [(0.0, 0.0), (0.5, math.inf), (1.0, 1.0), (2.0, 0.0)]:
        x = Value(0.0)
        (first,) = gradients(x**b, [x])
        (as_value,) = gradients(x**b, [x], create_graph=True)
        assert first == want
        assert (as_value if isinstance(as_value, float) else as_value.data) == want


def test_the_mixed_second_derivative_of_a_power_at_exponent_zero_is_not_lost() -> None:
    # y = a**b at a = 2, b = 0: dy/da = b a**(b-1) = 0 here, but its derivative in b,
    # d2y/(da db) = a**(b-1) + b a**(b-1) ln a = 2**-1 + 0 = 0.5, is not 0
    a, b = Value(2.0), Value(0.0)
    dy_da, _ = gradients(a**b, [a, b], create_graph=True)
    assert dy_da.data == 0.0 and gradients(dy_da, [a, b]) == [0.0, 0.5]


def test_vsum_second_derivative_worked_example() -> None:
    # y = x1**2 + x1*x2 at (1, 2): dy/dx1 = 2x1 + x2 = 4, d2y/dx1dx2 = 1, d2y/dx1^2 = 2
    x1, x2 = Value(1.0), Value(2.0)
    y = vsum([x1 * x1, x1 * x2])
    d1, _ = gradients(y, [x1, x2], create_graph=True)
    assert d1.data == 4.0 and gradients(d1, [x1, x2]) == [2.0, 1.0]


# --------------------------------------------------------------------------------------
# create_graph: every node must have a rule, and 0 * inf passes nothing on
# --------------------------------------------------------------------------------------


def test_a_second_derivative_through_a_node_with_its_own_backward_is_refused_clearly() -> None:
    # The lecture's way: y = sin(x) made by hand with its own _backward. Its first
    # derivative works; a second one cannot see inside the function.
    x = Value(0.5)
    y = Value(math.sin(x.data), (x,), "sin")

    def _backward() -> None:
        x.grad += math.cos(x.data) * y.grad

    y._backward = _backward
    y.backward()
    assert x.grad == math.cos(0.5)
    with pytest.raises(ValueError, match="cannot differentiate the op 'sin'.*add_op"):
        gradients(y * 1.0, [x], create_graph=True)


def test_grad_of_a_term_times_zero_with_an_infinite_derivative_is_the_rest() -> None:
    # f(x) = sqrt(x) * 0 + x**2 at x = 0: d/dx sqrt(x) is inf at 0, times the 0 that
    # multiplies it: backward() skips 0 * inf, so f'(0) = 0 + 2 * 0 = 0, and grad agrees.
    f = lambda x: x**0.5 * 0.0 + x**2  # noqa: E731
    x = Value(0.0)
    f(x).backward()
    assert x.grad == 0.0
    assert grad(f)(0.0) == 0.0
