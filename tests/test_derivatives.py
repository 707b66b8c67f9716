"""Second and higher derivatives, each derived by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings

from micrograd_like.engine import Value
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


def test_matches_torch_create_graph():
    torch = pytest.importorskip("torch", reason="torch is not installed")
    f = lambda x, y: (x * y).tanh() * x.exp() + y**3 / x
    xs = (0.7, -1.3)
    ours = hessian(f)(*xs)
    tx = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in xs]
    out = (tx[0] * tx[1]).tanh() * tx[0].exp() + tx[1] ** 3 / tx[0]
    first = torch.autograd.grad(out, tx, create_graph=True)
    theirs = [[float(g) for g in torch.autograd.grad(d, tx, retain_graph=True)] for d in first]
    for row, ref in zip(ours, theirs):
        assert row == pytest.approx(ref, rel=1e-12)


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
