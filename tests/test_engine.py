"""The Value engine, one worked example per op.

Every expected number is derived by hand in the comment above it.
"""

from __future__ import annotations

import gc
import math
import weakref

import pytest

from micrograd_like.engine import RULES, Value, make_node, no_grad, topological_order
from micrograd_like.examples import readme_expression
from micrograd_like.functional import affine, dot, log_softmax, logsumexp, vsum

# ---------------------------------------------------------------------------------------
# one worked example per op
# ---------------------------------------------------------------------------------------


def test_add():
    # c = a + b = 2 + 3 = 5; dc/da = dc/db = 1
    a, b = Value(2.0), Value(3.0)
    c = a + b
    c.backward()
    assert (c.data, a.grad, b.grad) == (5.0, 1.0, 1.0)


def test_mul():
    # c = a * b = 2 * -3 = -6; dc/da = b = -3, dc/db = a = 2
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    c.backward()
    assert (c.data, a.grad, b.grad) == (-6.0, -3.0, 2.0)


def test_sub_and_neg_are_composed():
    # c = a - b = 5 - 3 = 2 is a + (b * -1); dc/da = 1, dc/db = -1
    a, b = Value(5.0), Value(3.0)
    c = a - b
    c.backward()
    assert (c.data, a.grad, b.grad) == (2.0, 1.0, -1.0)
    assert c.op == "+" and c.parents[1].op == "*"
    n = -a  # -5; d(-a)/da = -1
    a.grad = 0.0
    n.backward()
    assert (n.data, a.grad) == (-5.0, -1.0)


def test_div():
    # c = a / b = 3 / 4 = 0.75, one node of its own rule
    # dc/da = 1/b = 0.25; dc/db = -(a/b)/b = -0.75/4 = -0.1875
    a, b = Value(3.0), Value(4.0)
    c = a / b
    c.backward()
    assert (c.data, a.grad, b.grad) == (0.75, 0.25, -0.1875)


def test_pow_constant_exponent():
    # c = a**3 at a = 2: 8; dc/da = 3 a**2 = 12
    a = Value(2.0)
    c = a**3
    c.backward()
    assert (c.data, a.grad) == (8.0, 12.0)


def test_pow_value_exponent():
    # c = a**b at a = 2, b = 3: 8
    # dc/da = b a**(b-1) = 3 * 4 = 12; dc/db = a**b ln a = 8 ln 2 = 5.545177444479562
    a, b = Value(2.0), Value(3.0)
    c = a**b
    c.backward()
    assert (c.data, a.grad) == (8.0, 12.0)
    assert b.grad == pytest.approx(8 * math.log(2), rel=1e-15)


def test_reflected_operators():
    # 2 * v = 6, 1 - v = -2, 1 / v = 1/3, 2 ** v = 8, 10 + v = 13 at v = 3
    v = Value(3.0)
    assert (2 * v).data == 6.0
    assert (1 - v).data == -2.0
    assert (1 / v).data == pytest.approx(1 / 3)
    assert (2**v).data == 8.0
    assert (10 + v).data == 13.0


def test_exp():
    # c = e**a at a = 1: e; dc/da = e**a = e
    a = Value(1.0)
    c = a.exp()
    c.backward()
    assert (c.data, a.grad) == (math.e, math.e)


def test_log():
    # c = ln a at a = 4: ln 4 = 1.3862943611198906; dc/da = 1/a = 0.25
    a = Value(4.0)
    c = a.log()
    c.backward()
    assert (c.data, a.grad) == (math.log(4.0), 0.25)


def test_tanh():
    # c = tanh(0.5) = 0.46211715726000974; dc/da = 1 - c**2 = 0.7864477329659274
    a = Value(0.5)
    c = a.tanh()
    c.backward()
    assert c.data == pytest.approx(0.46211715726000974, rel=1e-15)
    assert a.grad == pytest.approx(0.7864477329659274, rel=1e-15)


def test_sigmoid():
    # c = 1/(1+e**-0) = 0.5 at a = 0; dc/da = c(1-c) = 0.25
    a = Value(0.0)
    c = a.sigmoid()
    c.backward()
    assert (c.data, a.grad) == (0.5, 0.25)


def test_relu():
    # relu(3) = 3 with slope 1; relu(-2) = 0 with slope 0; at 0 the slope is taken as 0
    for x, out, slope in [(3.0, 3.0, 1.0), (-2.0, 0.0, 0.0), (0.0, 0.0, 0.0)]:
        a = Value(x)
        c = a.relu()
        c.backward()
        assert (c.data, a.grad) == (out, slope)


def test_leaky_relu():
    # leaky(3) = 3, slope 1; leaky(-2) = 0.01 * -2 = -0.02, slope 0.01
    a = Value(-2.0)
    c = a.leaky_relu()
    c.backward()
    assert (c.data, a.grad) == (-0.02, 0.01)
    b = Value(3.0)
    d = b.leaky_relu(0.2)
    d.backward()
    assert (d.data, b.grad) == (3.0, 1.0)


def test_leaky_relu_slope_is_learnable():
    # c = k * a for a = -2 < 0, so dc/dk = a = -2 (a PReLU)
    a, k = Value(-2.0), Value(0.25)
    c = a.leaky_relu(k)
    c.backward()
    assert (c.data, a.grad, k.grad) == (-0.5, 0.25, -2.0)


def test_vsum_is_one_node():
    # s = 1 + 2 + 3 + 4 = 10, one node with four parents; ds/dxi = 1
    xs = [Value(float(i)) for i in (1, 2, 3, 4)]
    s = vsum(xs)
    s.backward()
    assert s.data == 10.0 and len(s.parents) == 4 and s.op == "sum"
    assert [x.grad for x in xs] == [1.0] * 4


def test_dot_is_one_node():
    # d = 1*4 + 2*5 + 3*6 = 32; dd/dwi = xi, dd/dxi = wi
    w = [Value(1.0), Value(2.0), Value(3.0)]
    x = [Value(4.0), Value(5.0), Value(6.0)]
    d = dot(w, x)
    d.backward()
    assert d.data == 32.0 and d.op == "dot" and len(d.parents) == 6
    assert [v.grad for v in w] == [4.0, 5.0, 6.0]
    assert [v.grad for v in x] == [1.0, 2.0, 3.0]


def test_parents_and_local_grads_are_the_two_halves_of_a_node():
    # dot(w, x) = 1*4 + 2*5 = 14: parents (w1, w2, x1, x2), and d/dwi = xi, d/dxi = wi
    w = [Value(1.0), Value(2.0)]
    x = [Value(4.0), Value(5.0)]
    d = dot(w, x)
    assert d.parents == (*w, *x)
    assert d.local_grads == (4.0, 5.0, 1.0, 2.0)
    # r = relu(-3) = 0: one parent, local derivative 0; e = exp(0) = 1, de/dr = e = 1
    r = (w[0] * -3.0).relu()
    e = r.exp()
    assert (r.parents[0].op, r.local_grads) == ("*", (0.0,))
    assert (e.parents, e.local_grads) == ((r,), (1.0,))
    # a leaf has neither
    assert (w[0].parents, w[0].local_grads) == ((), ())


def test_affine_is_a_neuron_before_its_activation():
    # z = w.x + b with w = (0.5, -1), x = (2, 1), b = 0.25: 1 - 1 + 0.25 = 0.25
    # dz/dw = x = (2, 1); dz/dx = w = (0.5, -1); dz/db = 1
    w = [Value(0.5), Value(-1.0)]
    x = [Value(2.0), Value(1.0)]
    b = Value(0.25)
    z = affine(w, x, b)
    z.backward()
    assert z.data == 0.25 and z.op == "affine"
    assert [v.grad for v in w] == [2.0, 1.0]
    assert [v.grad for v in x] == [0.5, -1.0]
    assert b.grad == 1.0


def test_logsumexp():
    # lse(0, ln 3) = ln(1 + 3) = ln 4; gradient = softmax = (1/4, 3/4)
    xs = [Value(0.0), Value(math.log(3.0))]
    s = logsumexp(xs)
    s.backward()
    assert s.data == pytest.approx(math.log(4.0), rel=1e-15)
    assert [x.grad for x in xs] == pytest.approx([0.25, 0.75], rel=1e-15)


def test_log_softmax_is_one_node_per_output():
    # x = (0, ln 3): softmax = (1/4, 3/4), so log_softmax = (ln 1/4, ln 3/4)
    # d log_softmax_0 / dx = (1 - 1/4, -3/4) = (0.75, -0.75)
    xs = [Value(0.0), Value(math.log(3.0))]
    out = log_softmax(xs)
    assert [v.op for v in out] == ["log_softmax"] * 2
    assert [v.data for v in out] == pytest.approx([math.log(0.25), math.log(0.75)], rel=1e-15)
    out[0].backward()
    assert [x.grad for x in xs] == pytest.approx([0.75, -0.75], rel=1e-15)


def test_log_softmax_of_huge_tied_logits_is_exact():
    # x - logsumexp(x) would round ln 2 away at 1e16; shifting by max(x) first keeps it
    for big in (1e16, 1e308, -1e308):
        xs = [Value(big), Value(big)]
        out = log_softmax(xs)
        assert [v.data for v in out] == [-math.log(2.0)] * 2
        out[0].backward()
        assert [x.grad for x in xs] == [0.5, -0.5]
        lse = logsumexp([Value(big), Value(big)])
        lse_inputs = lse.parents
        lse.backward()
        assert [x.grad for x in lse_inputs] == [0.5, 0.5]


# ---------------------------------------------------------------------------------------
# The fused losses: one node for a whole batch, constants first
# ---------------------------------------------------------------------------------------


def test_hinge_of_a_batch_is_one_node():
    # labels y = (+1, -1, +1), scores s = (0.25, 0.5, 2): margins 1 - y s = 0.75, 1.5, -1,
    # so the loss is (0.75 + 1.5 + 0) / 3 = 0.75; d/ds_i = -y_i / 3 where the margin is
    # not met: (-1/3, +1/3, 0), and nothing for the third, whose margin is met.
    ys = [Value(1.0), Value(-1.0), Value(1.0)]
    ss = [Value(0.25), Value(0.5), Value(2.0)]
    loss = make_node("hinge", (*ys, *ss))
    loss.backward()
    assert loss.data == 0.75
    assert [s.grad for s in ss] == [-1 / 3, 1 / 3, 0.0]


def test_mse_of_a_batch_is_one_node():
    # targets (0, 0), predictions (1, 3): ((1 - 0)**2 + (3 - 0)**2) / 2 = 5;
    # d/dp_i = 2 (p_i - t_i) / 2: (1, 3)
    ts, ps = [Value(0.0), Value(0.0)], [Value(1.0), Value(3.0)]
    loss = make_node("mse", (*ts, *ps))
    loss.backward()
    assert (loss.data, [p.grad for p in ps]) == (5.0, [1.0, 3.0])


def test_l2_is_one_node():
    # a = 0.5, p = (1, -2): 0.5 * (1 + 4) = 2.5; d/dp_k = 2 a p_k = (1, -2); d/da = 5
    a, ps = Value(0.5), [Value(1.0), Value(-2.0)]
    r = make_node("l2", (a, *ps))
    r.backward()
    assert (r.data, [p.grad for p in ps], a.grad) == (2.5, [1.0, -2.0], 5.0)


def test_cross_entropy_of_a_batch_is_one_node():
    # k = 2 classes, one sample of logits (0, 0), class 0: -ln(1/2) = ln 2;
    # d/dz_j = softmax_j - [j = 0] = (1/2 - 1, 1/2) = (-1/2, 1/2)
    zs = [Value(0.0), Value(0.0)]
    loss = make_node("cross_entropy", (Value(2.0), Value(0.0), *zs))
    loss.backward()
    assert loss.data == math.log(2.0)
    assert [z.grad for z in zs] == [-0.5, 0.5]


def test_every_rule_has_a_worked_example_above():
    tested = {"+", "*", "/", "**", "exp", "log", "tanh", "sigmoid", "relu", "leaky_relu"}
    tested |= {"sum", "dot", "affine", "logsumexp", "log_softmax"}
    tested |= {"hinge", "mse", "l2", "cross_entropy"}
    assert set(RULES) == tested, "a new rule needs a worked-example test in this file"


# ---------------------------------------------------------------------------------------
# micrograd's two classic expressions
# ---------------------------------------------------------------------------------------


def test_micrograd_sanity_check():
    # the expression from micrograd's test_engine.py; torch gives y = -20, dy/dx = 46
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert (y.data, x.grad) == (-20.0, 46.0)


def test_micrograd_readme_expression_to_the_last_bit():
    # the example from micrograd's README; the numbers are PyTorch's in float64
    g, a, b = readme_expression()
    g.backward()
    assert g.data == 24.70408163265306
    assert a.grad == 138.83381924198252
    assert b.grad == 645.5772594752186


# ---------------------------------------------------------------------------------------
# the graph walk
# ---------------------------------------------------------------------------------------


def test_reused_node_gradients_add_up():
    # b = a + a, c = b + b = 4a, so dc/da = 4 (overwriting instead of adding gives 1 or 2)
    a = Value(3.0)
    b = a + a
    c = b + b
    c.backward()
    assert (c.data, b.grad, a.grad) == (12.0, 2.0, 4.0)


def test_self_product():
    # b = a * a = a**2 at a = 3: db/da = 2a = 6
    a = Value(3.0)
    b = a * a
    b.backward()
    assert a.grad == 6.0


def test_diamond():
    # b = 2a, c = 3a, d = b * c = 6a**2; dd/da = 12a = 24 at a = 2
    a = Value(2.0)
    b = a * 2
    c = a * 3
    d = b * c
    d.backward()
    assert (d.data, a.grad, b.grad, c.grad) == (24.0, 24.0, 6.0, 4.0)


def test_topological_order_lists_parents_first():
    a = Value(1.0)
    b = a * 2
    c = b + a
    d = c * b
    order = topological_order(d)
    assert order[-1] is d
    position = {v: i for i, v in enumerate(order)}
    for v in order:
        for p in v.parents:
            if p.parents:
                assert position[p] < position[v]
    assert topological_order(a) == []  # a leaf has nothing to walk


def test_second_backward_adds_into_leaves_only():
    # y = x * w at x = 3, w = 2; one call gives dy/dx = 2. A second call adds again into
    # the leaves (4), like PyTorch; the intermediate node y shows the latest call (1).
    x, w = Value(3.0), Value(2.0)
    h = x * w
    y = h + 1.0
    y.backward()
    y.backward()
    assert (x.grad, w.grad) == (4.0, 6.0)
    assert (y.grad, h.grad) == (1.0, 1.0)


def test_two_outputs_sharing_a_node_accumulate_correctly():
    # h = 2x; u = h**2, v = 3h. du/dx = 2h * 2 = 8x, dv/dx = 6 -> total 8*1 + 6 = 14 at x = 1
    x = Value(1.0)
    h = x * 2
    u = h**2
    v = h * 3
    u.backward()
    v.backward()
    assert x.grad == 14.0


def test_leaf_backward():
    # d(x)/d(x) = 1
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_million_node_chain_has_no_recursion_limit():
    # x_{k+1} = x_k + y, one million times: x = 1e6 * y, dx/dy = 1e6
    y = Value(1.0)
    x = Value(0.0)
    for _ in range(1_000_000):
        x = x + y
    x.backward()
    assert (x.data, y.grad) == (1e6, 1e6)


class _Tag(str):
    """A label that can be watched with a weakref (Value itself has no __weakref__ slot)."""


def test_no_reference_cycles_graph_freed_by_refcount_alone():
    # With the cycle collector off, an interior node dies the moment the last reference to
    # the root goes away. micrograd's closures make each node a cycle, so it would not.
    gc.disable()
    try:
        a = Value(2.0)
        h = a * 3
        h.label = tag = _Tag("h")
        probe = weakref.ref(tag)
        del tag
        out = (h.tanh() + h).exp()
        out.backward()
        del h
        assert probe() is not None  # still reachable through out
        del out
        assert probe() is None
    finally:
        gc.enable()


def test_no_grad_records_nothing_and_detach_cuts_the_graph():
    w = Value(2.0)
    with no_grad():
        v = w * 3 + 1
    assert (v.data, v.parents, v.op) == (7.0, (), "")
    d = (w * 3).detach()
    y = d * w  # only the direct use of w counts: dy/dw = d = 6
    y.backward()
    assert (d.parents, w.grad) == ((), 6.0)


# ---------------------------------------------------------------------------------------
# numerics and errors
# ---------------------------------------------------------------------------------------


def test_tanh_and_sigmoid_never_overflow():
    # tanh(1000) = 1 with slope 0; sigmoid(-1000) = 0 with slope 0; sigmoid(1000) = 1
    t = Value(1000.0)
    tt = t.tanh()
    tt.backward()
    assert (tt.data, t.grad) == (1.0, 0.0)
    s = Value(-1000.0)
    ss = s.sigmoid()
    ss.backward()
    assert (ss.data, s.grad) == (0.0, 0.0)
    assert Value(1000.0).sigmoid().data == 1.0


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda: Value(0.0).log(), ValueError, "log(0.0)"),
        (lambda: Value(-1.0).log(), ValueError, "log(-1.0)"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "0.0 ** -1.0"),
        (lambda: Value(1.0) / Value(0.0), ZeroDivisionError, "division by zero"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "division by zero"),
        (lambda: Value(1000.0).exp(), OverflowError, "exp(1000.0)"),
        (lambda: Value(-8.0) ** 0.5, ValueError, "negative base -8.0"),
        (lambda: Value(1e200) ** 2, OverflowError, "pow overflow"),
    ],
)
def test_math_errors_name_the_op_and_operand(make, error, words):
    with pytest.raises(
        error, match=words.replace("*", r"\*").replace("(", r"\(").replace(")", r"\)")
    ):
        make()


@pytest.mark.parametrize(
    "bad, error, words",
    [
        ("3", TypeError, "str"),
        (None, TypeError, "NoneType"),
        ([1], TypeError, "list"),
        ({"a": 1}, TypeError, "dict"),
        (1j, TypeError, "complex"),
        (True, TypeError, "bool"),
        (float("nan"), ValueError, "nan"),
        (float("inf"), ValueError, "inf"),
    ],
)
def test_bad_data_is_refused_with_its_type(bad, error, words):
    with pytest.raises(error, match=words):
        Value(bad)


@pytest.mark.parametrize("bad", ["x", None, [1], (1,), {}, 1j])
def test_bad_operands_name_the_type(bad):
    for op in (
        lambda: Value(1.0) + bad,
        lambda: bad + Value(1.0),
        lambda: Value(1.0) * bad,
        lambda: Value(1.0) - bad,
        lambda: Value(1.0) / bad,
        lambda: Value(1.0) ** bad,
    ):
        with pytest.raises(TypeError) as info:
            op()
        assert type(bad).__name__ in str(info.value) or "Value" in str(info.value)


def test_bad_label_is_refused():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


def test_fused_primitives_refuse_bad_input():
    with pytest.raises(ValueError, match="equal length"):
        dot([Value(1.0)], [Value(1.0), Value(2.0)])
    with pytest.raises(ValueError, match="empty"):
        vsum([])
    with pytest.raises(TypeError, match=r"dot xs\[1\]"):
        dot([1.0, 2.0], [1.0, "x"])  # type: ignore[list-item]


# ---------------------------------------------------------------------------------------
# identity, comparison and repr
# ---------------------------------------------------------------------------------------


def test_equality_and_hash_are_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a != b and a == a
    assert len({a, b}) == 2
    assert {a: 1}[a] == 1


def test_ordering_compares_data():
    assert Value(1.0) < Value(2.0) and Value(2.0) > 1 and Value(1.0) <= 1.0
    with pytest.raises(TypeError, match="str"):
        _ = Value(1.0) < "x"  # type: ignore[operator]


def test_repr():
    v = Value(2.0, label="a")
    assert repr(v) == "Value(data=2.0, grad=0.0, label='a')"
    assert repr(Value(-1)) == "Value(data=-1.0, grad=0.0)"


def test_prune_is_deprecated_and_changes_nothing():
    # y = a * b: dy/da = b = 3, with or without the old prune= argument
    a, b = Value(2.0), Value(3.0)
    y = a * b
    with pytest.warns(DeprecationWarning, match=r"backward\(prune=\.\.\.\) is deprecated"):
        y.backward(prune=True)
    assert a.grad == 3.0
