"""Tests for micrograd_like.viz.steps: backprop one node at a time, in numbers and in words.

The worked example is micrograd's first picture::

    a = 2, b = -3, c = 10, f = -2
    e = a * b = -6,  d = e + c = 4,  L = d * f = -8

Reverse topological order visits L, d, e. By hand:

    step 1, L = d * f, dL/dL = 1:   dL/dd += 1 * f = -2       dL/df += 1 * d = 4
    step 2, d = e + c, dL/dd = -2:  dL/de += -2 * 1 = -2      dL/dc += -2 * 1 = -2
    step 3, e = a * b, dL/de = -2:  dL/da += -2 * b = 6       dL/db += -2 * a = -4
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings

from micrograd_like import fast
from micrograd_like.engine import AnomalyError, Value, detect_anomaly, topological_order
from micrograd_like.examples import first_picture, lecture_neuron
from micrograd_like.nn import MLP
from micrograd_like.testing import programs
from micrograd_like.viz import draw_dot, graph_nodes
from micrograd_like.viz.steps import BackwardStep, backward_steps, explain


def as_tuples(steps: list[BackwardStep]) -> list[tuple]:
    return [
        (
            s.index,
            s.count,
            s.node,
            s.grad,
            [(c.parent, c.local, c.product, c.total) for c in s.contributions],
        )
        for s in steps
    ]


def test_steps_of_the_worked_example_are_the_hand_derived_ones():
    g = first_picture()
    a, b, c, f, e, d, L = (g[k] for k in "abcfedL")
    steps = list(backward_steps(L))
    assert as_tuples(steps) == [
        (0, 3, L, 1.0, [(d, -2.0, -2.0, -2.0), (f, 4.0, 4.0, 4.0)]),
        (1, 3, d, -2.0, [(e, 1.0, -2.0, -2.0), (c, 1.0, -2.0, -2.0)]),
        (2, 3, e, -2.0, [(a, -3.0, 6.0, 6.0), (b, 2.0, -4.0, -4.0)]),
    ]
    assert [v.grad for v in (a, b, c, f, e, d, L)] == [6.0, -4.0, -2.0, 4.0, -2.0, -2.0, 1.0]


def test_a_node_used_twice_gets_both_terms_added():
    # y = x * x at x = 3: dy/dx = x + x = 6, added in two terms of 3
    x = Value(3.0, label="x")
    y = x * x
    (step,) = backward_steps(y)
    assert [(c.parent, c.local, c.product, c.total) for c in step.contributions] == [
        (x, 3.0, 3.0, 3.0),
        (x, 3.0, 3.0, 6.0),
    ]
    assert x.grad == 6.0


def test_the_walk_is_lazy_and_fills_grads_as_it_goes():
    g = first_picture()
    walk = backward_steps(g["L"])
    assert g["d"].grad == 0.0
    next(walk)  # through L: d and f now have their gradients, e not yet
    assert (g["d"].grad, g["f"].grad, g["e"].grad) == (-2.0, 4.0, 0.0)
    next(walk)
    assert g["e"].grad == -2.0 and g["a"].grad == 0.0


def test_step_grads_replay_the_walk_up_to_that_step():
    g = first_picture()
    steps = list(backward_steps(g["L"]))
    after_first = steps[0].grads()
    assert [after_first[g[k]] for k in "Ldfecab"] == [1.0, -2.0, 4.0, 0.0, 0.0, 0.0, 0.0]
    after_last = steps[-1].grads()
    assert all(after_last[v] == v.grad for v in graph_nodes(g["L"]))
    assert steps[1].root is g["L"]


def test_a_zero_gradient_passes_nothing_on_as_in_backward():
    # out = relu(sqrt(x)) at x = 0: relu'(0) = 0, so sqrt's gradient is 0 and its step adds
    # nothing; adding d(sqrt)/dx * 0 = inf * 0 would make x.grad NaN
    x = Value(0.0, label="x")
    out = (x**0.5).relu()
    steps = list(backward_steps(out))
    assert [s.grad for s in steps] == [1.0, 0.0]
    assert steps[1].contributions == ()
    assert x.grad == 0.0
    text = io.StringIO()
    explain(out, file=text)
    assert "with dy/d(x**0.5) = 0.0: a zero gradient passes nothing on" in text.getvalue()


def test_anomaly_mode_stops_the_walk_where_backward_stops():
    # d sqrt(x)/dx at x = 0 is inf: inside detect_anomaly() both raise at that node
    with detect_anomaly():
        x = Value(0.0)
        out = x**0.5
        with pytest.raises(AnomalyError):
            out.backward()
        with pytest.raises(AnomalyError):
            list(backward_steps(out))


def test_a_leaf_root_has_no_steps_and_gets_grad_one_as_backward_gives():
    x = Value(4.0)
    assert list(backward_steps(x)) == []
    assert x.grad == 1.0


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="backward_steps expects a Value"):
        backward_steps([1.0])


# --------------------------------------------------------------------------------------
# Exactly what backward() computes
# --------------------------------------------------------------------------------------


def assert_bit_identical(build, leaf_data: list[float], repeats: int = 1) -> None:
    """Build the graph twice; backward() one copy and step through the other.

    backward_steps walks every node, as the reference path does, so backward() runs
    with the fast path's pruning off (pruning may sum in another order: last bits).
    """
    leaves_a = [Value(x) for x in leaf_data]
    leaves_b = [Value(x) for x in leaf_data]
    out_a, out_b = build(*leaves_a), build(*leaves_b)
    nodes_a, nodes_b = graph_nodes(out_a), graph_nodes(out_b)
    assert len(nodes_a) == len(nodes_b)
    for _ in range(repeats):  # repeats > 1: leaves accumulate, interior nodes reset
        fast.walk.PRUNE = False
        try:
            out_a.backward()
        finally:
            fast.walk.PRUNE = True
        steps = list(backward_steps(out_b, zero_grad=False))
    assert [s.node for s in steps] == list(reversed(topological_order(out_b)))
    assert [v.grad.hex() for v in nodes_a] == [v.grad.hex() for v in nodes_b]
    final = steps[-1].grads() if steps else {}
    assert [final[v].hex() for v in nodes_b if v in final] == [
        v.grad.hex() for v in nodes_b if v in final
    ]


@settings(max_examples=150, deadline=None)
@given(programs(max_steps=12))
def test_steps_end_with_the_grads_backward_gives_bit_for_bit(program):
    assert_bit_identical(program.build, list(program.leaves))


@settings(max_examples=30, deadline=None)
@given(programs(max_steps=8))
def test_repeated_walks_accumulate_into_leaves_like_backward(program):
    assert_bit_identical(program.build, list(program.leaves), repeats=3)


def test_an_mlp_loss_gives_bit_identical_grads():
    def build(*xs: Value) -> Value:
        model = MLP(3, [5, 4, 2], activation="tanh", output_activation="softmax", seed=7)
        probs = model(list(xs))
        return -(probs[0].log()) + 0.1 * sum((p * p for p in model.parameters()), Value(0.0))

    assert_bit_identical(build, [0.3, -1.2, 2.0])


def test_a_deep_chain_steps_without_recursion():
    def build(x: Value) -> Value:
        for _ in range(5000):
            x = (x * 0.999).tanh()
        return x

    assert_bit_identical(build, [0.8])


# --------------------------------------------------------------------------------------
# A step costs what its node does, not the whole graph
# --------------------------------------------------------------------------------------


def test_printing_each_step_names_the_graph_once_per_walk(monkeypatch) -> None:
    from micrograd_like.viz import steps

    calls: list[int] = []
    real = steps.name_nodes
    monkeypatch.setattr(steps, "name_nodes", lambda nodes: calls.append(1) or real(nodes))
    x = Value(0.5, label="x")
    y = x
    for _ in range(300):  # a chain of 300 tanh nodes: 300 steps
        y = y.tanh()
    for step in steps.backward_steps(y):
        str(step)
    assert len(calls) == 1


def test_a_steps_grads_are_read_node_by_node_without_replaying_the_walk() -> None:
    # y = (x * 3) * x at x = 2: step 1 gives x 3x = 6 and m = x*3 the grad x = 2;
    # step 2 (through m) adds 3 * 2 = 6 to x: 12 in all
    x = Value(2.0, label="x")
    m = x * 3.0
    y = m * x
    first, second = backward_steps(y)
    assert (first.grads()[x], first.grads()[m]) == (6.0, 2.0)
    assert second.grads()[x] == 12.0 and second.grads()[y] == 1.0
    assert len(second.grads()) == len(set(second.grads())) == 4  # x, 3, m and y


# --------------------------------------------------------------------------------------
# explain
# --------------------------------------------------------------------------------------


def test_explain_prints_the_chain_rule_of_each_step():
    out = io.StringIO()
    g = first_picture()
    explain(g["L"], file=out)
    # dL/dx is the gradient of the output; de/da is a local derivative (of e = a * b)
    assert out.getvalue().splitlines() == [
        "backward pass from L, one node at a time: 3 steps",
        "(dL/dx: the gradient of L with respect to x; dv/dx: the local derivative of one op v)",
        "start: dL/dL = 1.0",
        "step 1/3: L = d * f, with dL/dL = 1.0",
        "  dL/dd += dL/dL * dL/dd (local) = 1.0 * -2.0 = -2.0",
        "  dL/df += dL/dL * dL/df (local) = 1.0 * 4.0 = 4.0",
        "step 2/3: d = e + c, with dL/dd = -2.0",
        "  dL/de += dL/dd * dd/de = -2.0 * 1.0 = -2.0",
        "  dL/dc += dL/dd * dd/dc = -2.0 * 1.0 = -2.0",
        "step 3/3: e = a * b, with dL/de = -2.0",
        "  dL/da += dL/de * de/da = -2.0 * -3.0 = 6.0",
        "  dL/db += dL/de * de/db = -2.0 * 2.0 = -4.0",
    ]
    assert g["a"].grad == 6.0  # it ran the backward pass


def test_explain_names_unlabelled_nodes_like_draw_dot_and_shows_running_totals(capsys):
    # y = tanh(x) + x at x = 0: dy/dx = (1 - tanh(0)^2) + 1 = 2, in two terms
    x = Value(0.0)
    y = x.tanh() + x
    explain(y)
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "where y = tanh(x1) + x1"  # the unlabelled output is y, its input x1
    assert lines[4] == "step 1/2: y = tanh(x1) + x1, with dy/dy = 1.0"
    assert lines[5] == "  dy/d(tanh(x1)) += dy/dy * dy/d(tanh(x1)) (local) = 1.0 * 1.0 = 1.0"
    assert lines[6] == "  dy/dx1 += dy/dy * dy/dx1 (local) = 1.0 * 1.0 = 1.0"
    assert lines[7] == "step 2/2: tanh(x1), with dy/d(tanh(x1)) = 1.0"
    # the second term reaches x1, which already had 1: the gradient is now 2
    assert lines[8] == (
        "  dy/dx1 += dy/d(tanh(x1)) * d(tanh(x1))/dx1 = 1.0 * 1.0 = 1.0   (dy/dx1 is now 2.0)"
    )
    source = draw_dot(y).source
    assert "{ tanh(x1) | data 0 |" in source and "{ x1 | data 0 | grad 2 }" in source


def test_explain_separates_the_local_derivative_from_the_gradient():
    # y = x * x * 1 ... at x = 3, v = x * x: dv/dx = 3 (local, twice), dy/dx = 6 in the end
    x = Value(3.0, label="x")
    v = x * x
    v.label = "v"
    L = v * 1.0
    L.label = "L"
    out = io.StringIO()
    explain(L, file=out)
    lines = out.getvalue().splitlines()
    assert "  dL/dx += dL/dv * dv/dx = 1.0 * 3.0 = 3.0" in lines
    assert "  dL/dx += dL/dv * dv/dx = 1.0 * 3.0 = 3.0   (dL/dx is now 6.0)" in lines
    assert not any("d1" in line for line in lines)  # the constant 1 gets no line


def test_explain_leaves_out_constants_as_the_picture_does():
    b = Value(2.0, label="b")
    c = b**3
    c.label = "c"
    out = io.StringIO()
    explain(c, file=out)
    # c = b**3: dc/db = 3 b**2 = 12; the exponent 3 is a constant, so no line for it
    assert out.getvalue().splitlines()[3:] == [
        "step 1/1: c = b ** 3, with dc/dc = 1.0",
        "  dc/db += dc/dc * dc/db (local) = 1.0 * 12.0 = 12.0",
    ]


def test_explain_uses_parameter_names_of_a_model(capsys):
    model = MLP(1, [1], seed=0)
    explain(model([2.0]), model=model)
    text = capsys.readouterr().out
    assert "dy/dL1.N1.w1 += dy/dy * dy/dL1.N1.w1 (local) = 1.0 * 2.0 = 2.0" in text
    assert "y = affine(L1.N1.w1, x1, L1.N1.b)" in text


def test_explain_checks_its_arguments():
    with pytest.raises(TypeError, match="Value"):
        explain("L")
    with pytest.raises(ValueError, match="precision"):
        explain(Value(1.0) * 2.0, precision=0)
    with pytest.raises(TypeError, match="precision"):
        explain(Value(1.0) * 2.0, precision=2.5)


# --------------------------------------------------------------------------------------
# zero_grad (step_widget's tests are in test_widgets.py)
# --------------------------------------------------------------------------------------


def test_zero_grad_true_starts_from_zero_after_an_earlier_backward():
    # y = x * x at x = 3: dy/dx = 6, however many times backward ran before
    x = Value(3.0)
    y = x * x
    y.backward()
    steps = list(backward_steps(y))
    assert x.grad == 6.0
    assert str(steps[0]).startswith("step 1/1: ")
    assert "dy/dx1 += dy/dy * dy/dx1 (local) = 1.0 * 3.0 = 3.0" in str(steps[0])


def test_a_label_that_spells_out_its_expression_is_not_repeated_as_one(capsys):
    # the lecture labels x1*w1 = x1 * w1 and the sum "x1*w1 + x2*w2": each is its own
    # equation, so a step names it once, not "x1*w1 + x2*w2 = x1*w1 + x2*w2"
    nodes = lecture_neuron()
    explain(nodes["o"])
    heads = [line for line in capsys.readouterr().out.splitlines() if line.startswith("step")]
    assert heads == [
        "step 1/5: o = tanh(n), with do/do = 1.0",
        "step 2/5: n = (x1*w1 + x2*w2) + b, with do/dn = 0.5",
        "step 3/5: x1*w1 + x2*w2, with do/d(x1*w1 + x2*w2) = 0.5",
        "step 4/5: x2*w2, with do/d(x2*w2) = 0.5",
        "step 5/5: x1*w1, with do/d(x1*w1) = 0.5",
    ]
    steps = list(backward_steps(nodes["o"]))
    source = draw_dot(nodes["o"], step=steps[2]).source
    assert 'label="backward step 3/5: x1*w1 + x2*w2, grad 0.5"' in source
