"""The micrograd lecture's idioms, run unchanged on our Value (only the import differs).

Karpathy's lecture builds a neuron, runs backprop by hand one node at a time with
``_backward()``, then adds ops of its own by making a node and assigning its
``_backward``. Its notebooks call ``random.seed(1337)`` before building a model.
"""

from __future__ import annotations

import math
import random
import weakref
from typing import Any

import pytest

from micrograd_like import backward_steps, draw_dot, examples, explain
from micrograd_like.engine import Value, topological_order
from micrograd_like.gradcheck import check_gradients, numerical_grad
from micrograd_like.higher_order import gradients
from micrograd_like.nn import MLP, Neuron
from micrograd_like.ops import add_op, remove_op

lecture_neuron = examples.lecture_neuron
"""The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b), every node labelled."""


def test_backprop_by_hand_one_node_at_a_time() -> None:
    v = lecture_neuron()
    # forward: n = 2*-3 + 0*1 + 6.8813735870195432 = 0.8813735870195432
    # o = tanh(n) = 0.70710678118654...: the lecture picked b so that o is 1/sqrt(2)
    assert v["n"].data == pytest.approx(0.8813735870195432, abs=1e-15)
    assert v["o"].data == pytest.approx(1 / math.sqrt(2), rel=1e-15)
    do_dn = 1 - v["o"].data ** 2  # d tanh(n)/dn = 1 - o**2 = 1 - 1/2 = 0.5, up to rounding

    v["o"].grad = 1.0  # do/do = 1
    v["o"]._backward()  # n.grad = do/dn * o.grad = 0.5
    assert v["n"].grad == do_dn
    v["n"]._backward()  # a + passes the gradient through unchanged: b and s get 0.5
    assert v["b"].grad == v["s"].grad == do_dn
    v["b"]._backward()  # a leaf: nothing to pass on
    v["s"]._backward()  # x1w1 and x2w2 get 0.5 each
    assert v["x1w1"].grad == v["x2w2"].grad == do_dn
    v["x2w2"]._backward()  # x2.grad = w2 * 0.5 = 0.5, w2.grad = x2 * 0.5 = 0
    v["x1w1"]._backward()  # x1.grad = w1 * 0.5 = -1.5, w1.grad = x1 * 0.5 = 1.0
    assert v["x2"].grad == pytest.approx(0.5, rel=1e-15) and v["w2"].grad == 0.0
    assert v["x1"].grad == pytest.approx(-1.5, rel=1e-15)
    assert v["w1"].grad == pytest.approx(1.0, rel=1e-15)

    hand = [v[k].grad for k in ("x1", "x2", "w1", "w2", "b")]
    fresh = lecture_neuron()
    fresh["o"].backward()  # backward() runs the same steps in topological order
    assert [fresh[k].grad for k in ("x1", "x2", "w1", "w2", "b")] == hand


def test_a_node_made_by_hand_takes_part_in_backward_like_any_other() -> None:
    # micrograd's constructor: Value(data, _children, _op, label), by position or keyword
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    c = Value(a.data + b.data, (a, b), "+", label="c")
    d = Value(c.data * 2.0, _children=(c,), _op="*2", label="d")
    assert (c.parents, c.op, d.parents, d.op) == ((a, b), "+", (c,), "*2")

    def c_backward() -> None:  # d(a+b)/da = d(a+b)/db = 1
        a.grad += 1.0 * c.grad
        b.grad += 1.0 * c.grad

    def d_backward() -> None:  # d(2c)/dc = 2
        c.grad += 2.0 * d.grad

    c._backward = c_backward
    d._backward = d_backward
    assert topological_order(d) == [c, d]
    d.backward()  # dd/da = dd/db = 2
    assert (a.grad, b.grad, c.grad) == (2.0, 2.0, 2.0)


def test_a_node_made_by_hand_without_a_backward_passes_nothing_back() -> None:
    # As in micrograd, such a node is a constant as far as gradients go.
    a = Value(2.0)
    c = Value(a.data * 5.0, (a,), "*5")
    y = c * a  # dy/da through the product only: c = 10
    y.backward()
    assert (a.grad, c.grad) == (10.0, 2.0)


def lecture_sin(self: Value) -> Value:
    """sin, added the lecture's way: make the node, then assign its _backward."""
    out = Value(math.sin(self.data), (self,), "sin")

    def _backward() -> None:  # d(sin x)/dx = cos x
        self.grad += math.cos(self.data) * out.grad

    out._backward = _backward
    return out


def test_an_op_added_the_lecture_way_matches_finite_differences() -> None:
    # y = sin(x) * x at x = 0.5: dy/dx = cos(x) x + sin(x) = 0.4387912809451864 + 0.479425538604203
    x = Value(0.5, label="x")
    y = lecture_sin(x) * x
    y.backward()
    assert x.grad == pytest.approx(math.cos(0.5) * 0.5 + math.sin(0.5), rel=1e-15)
    (numeric,) = numerical_grad(lambda v: lecture_sin(v) * v, [0.5])
    assert x.grad == pytest.approx(numeric, rel=1e-8)


def test_an_op_added_the_lecture_way_is_drawn_stepped_and_explained(capsys) -> None:
    x = Value(0.5, label="x")
    s = lecture_sin(x)
    s.label = "s"
    y = s * 3.0  # dy/ds = 3, dy/dx = 3 cos(0.5) = 2.6327476856711183
    y.label = "y"
    assert "sin" in draw_dot(y).source
    steps = list(backward_steps(y))
    assert [st.node for st in steps] == [y, s]
    (term,) = steps[1].contributions  # read from what the closure added
    assert term.parent is x and term.product == pytest.approx(3 * math.cos(0.5), rel=1e-15)
    explain(y)
    assert "sin" in capsys.readouterr().out
    assert x.grad == pytest.approx(3 * math.cos(0.5), rel=1e-15)


def test_an_op_added_as_a_row_of_the_rule_table_gets_gradcheck_and_second_derivatives() -> None:
    sin = add_op("sin", math.sin, lambda out, a: (cos(a),), "d(sin(a))/da = cos(a)")
    cos = add_op("cos", math.cos, lambda out, a: (-sin(a),), "d(cos(a))/da = -sin(a)")
    try:
        x = Value(0.5)
        y = x.sin()
        assert (y.op, y.local_grads) == ("sin", (math.cos(0.5),))
        check_gradients(lambda v: v.sin() * v.cos(), [0.5])
        # d2(sin x)/dx2 = -sin x
        (dy,) = gradients(y, [x], create_graph=True)
        (d2y,) = gradients(dy, [x])
        assert (dy.data, d2y) == (math.cos(0.5), -math.sin(0.5))
        assert sin(0.5) == math.sin(0.5)  # on numbers, the op is the plain function
    finally:
        remove_op("sin")
        remove_op("cos")
    assert not hasattr(Value, "sin")


def test_children_compare_like_micrograd_sets() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a + b
    assert c._prev == {a, b}
    assert Value(1.0)._prev == set()
    assert c.parents == (a, b)  # the ordered view


def test_values_can_be_weakly_referenced() -> None:
    v = Value(1.0)
    ref = weakref.ref(v)
    assert ref() is v
    del v
    assert ref() is None


def test_random_seed_1337_makes_the_same_model_every_time() -> None:
    random.seed(1337)
    first = MLP(2, [16, 16, 1]).state_dict()
    random.seed(1337)
    second = MLP(2, [16, 16, 1]).state_dict()
    assert first == second
    random.seed(1338)
    assert MLP(2, [16, 16, 1]).state_dict() != first


def test_random_seed_1337_gives_micrograds_own_weights_and_outputs() -> None:
    mg = pytest.importorskip("micrograd.nn", reason="micrograd is in the dev extra")
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    random.seed(1337)
    theirs = mg.MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [q.data for q in theirs.parameters()]
    x = [0.5, -1.25]
    assert ours(x).data == theirs(x).data  # the same sums in the same order: bit for bit


def test_a_neuron_takes_nin_and_nonlin_by_position_as_in_micrograd() -> None:
    n = Neuron(3, False)
    assert (n.nin, n.activation) == (3, "linear")


def test_bad_children_are_refused_with_a_message() -> None:
    with pytest.raises(TypeError, match=r"_children\[1\] must be a Value, got int"):
        Value(1.0, (Value(2.0), 3))
    with pytest.raises(TypeError, match="a label goes in label="):
        Value(1.0, "x")  # type: ignore[arg-type]


def test_micrograd_names_for_drawing():
    # micrograd's trace_graph notebook reads _prev, _op, data and grad
    a, b = Value(2.0), Value(3.0)
    c = a * b
    assert set(c._prev) == {a, b} and c._op == "*" and a._op == ""
    assert c.parents == (a, b) and c.op == "*"
    assert c.local_grads == (3.0, 2.0)


def test_micrograd_trace_graph_draw_dot_runs_unchanged():
    # the drawing code of micrograd's trace_graph.ipynb, as it is there, on our Values
    from graphviz import Digraph

    def trace(root):
        nodes, edges = set(), set()

        def build(v):
            if v not in nodes:
                nodes.add(v)
                for child in v._prev:
                    edges.add((child, v))
                    build(child)

        build(root)
        return nodes, edges

    def draw_dot(root, format="svg", rankdir="LR"):
        assert rankdir in ["LR", "TB"]
        nodes, edges = trace(root)
        dot = Digraph(format=format, graph_attr={"rankdir": rankdir})
        for n in nodes:
            dot.node(
                name=str(id(n)),
                label="{ data %.4f | grad %.4f }" % (n.data, n.grad),  # noqa: UP031
                shape="record",
            )
            if n._op:
                dot.node(name=str(id(n)) + n._op, label=n._op)
                dot.edge(str(id(n)) + n._op, str(id(n)))
        for n1, n2 in edges:
            dot.edge(str(id(n1)), str(id(n2)) + n2._op)
        return dot

    # y = relu(x * 2 + 1) at x = 3: 7, dy/dx = 2; 6 value nodes: x, 2, x*2, 1, the sum, relu
    x = Value(3.0)
    y = (x * 2 + 1).relu()
    y.backward()
    dot = draw_dot(y)
    assert "data 7.0000 | grad 1.0000" in dot.source
    assert "data 3.0000 | grad 2.0000" in dot.source
    assert dot.source.count("shape=record") == 6


# --------------------------------------------------------------------------------------
# The newer micrograd (EurekaLabs'): its optimizer keeps its state on the Values
# --------------------------------------------------------------------------------------


class AdamOnTheValues:
    """AdamW written as in EurekaLabs' micrograd: the moments live on each parameter
    (``p.m``, ``p.v``), and a zero_grad sets ``p.grad = 0`` (an int), as it does."""

    def __init__(self, params: list, lr: float = 0.1, betas: tuple = (0.9, 0.95)) -> None:
        self.params, self.lr, (self.b1, self.b2), self.t = params, lr, betas, 0
        for p in params:
            p.m = 0
            p.v = 0

    def step(self) -> None:
        self.t += 1
        for p in self.params:
            if p.grad is None:
                continue
            p.m = self.b1 * p.m + (1 - self.b1) * p.grad
            p.v = self.b2 * p.v + (1 - self.b2) * p.grad**2
            m_hat = p.m / (1 - self.b1**self.t)
            v_hat = p.v / (1 - self.b2**self.t)
            p.data -= self.lr * (m_hat / (v_hat**0.5 + 1e-8) + 1e-4 * p.data)

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0


def train_three_classes(V: type, steps: int) -> list[float]:
    """A 2-8-3 tanh network on three clusters, cross-entropy written with exp, sum, / and
    log (as that micrograd does), trained with AdamOnTheValues. The same code runs on
    any micrograd-style Value class ``V``; returns the loss after each step."""
    rng = random.Random(42)
    data = [([math.cos(2 * k + 0.1 * i), math.sin(2 * k + 0.1 * i)], k) for k in range(3) for i in range(8)]  # fmt: skip
    layers = [[[V(rng.uniform(-1, 1)) for _ in range(nin)] + [V(0)] for _ in range(nout)]
              for nin, nout in ((2, 8), (8, 3))]  # fmt: skip
    params = [p for layer in layers for neuron in layer for p in neuron]
    for p in params:
        p._vis_color = "lightgreen"  # as its vis_color() marks the parameters for pictures
    opt = AdamOnTheValues(params)

    def forward(x: list) -> list:
        for i, layer in enumerate(layers):
            acts = [sum((w * xi for w, xi in zip(n[:-1], x)), n[-1]) for n in layer]
            x = [a.tanh() for a in acts] if i == 0 else acts
        return x

    losses = []
    for _ in range(steps):
        total = V(0.0)
        for x, k in data:
            ex = [z.exp() for z in forward(x)]
            denom = sum(ex)
            total = total + -(ex[k] / denom).log()
        loss = total * (1.0 / len(data))
        loss.backward()
        opt.step()
        opt.zero_grad()
        losses.append(loss.data)
    return losses


class ClosureValue:
    """A Value written the lecture's way, with a closure per op (and tanh, exp, log, as
    the newer micrograd has them): the reference the script above is checked against."""

    def __init__(self, data: float, _prev: tuple = (), _op: str = "") -> None:
        self.data, self.grad, self._prev, self._op = data, 0, _prev, _op
        self._backward = lambda: None

    def _node(self, data: float, parents: tuple, op: str, locals_: tuple) -> ClosureValue:
        out = ClosureValue(data, parents, op)

        def _backward() -> None:
            for p, d in zip(parents, locals_):
                p.grad += d * out.grad

        out._backward = _backward
        return out

    def __add__(self, other: Any) -> ClosureValue:
        other = other if isinstance(other, ClosureValue) else ClosureValue(other)
        return self._node(self.data + other.data, (self, other), "+", (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, other: Any) -> ClosureValue:
        other = other if isinstance(other, ClosureValue) else ClosureValue(other)
        return self._node(self.data * other.data, (self, other), "*", (other.data, self.data))

    __rmul__ = __mul__

    def __truediv__(self, other: ClosureValue) -> ClosureValue:  # one rounding, as ours
        q = self.data / other.data
        return self._node(q, (self, other), "/", (1.0 / other.data, -q / other.data))

    def __neg__(self) -> ClosureValue:
        return self * -1.0

    def tanh(self) -> ClosureValue:
        t = math.tanh(self.data)
        return self._node(t, (self,), "tanh", (1.0 - t * t,))

    def exp(self) -> ClosureValue:
        e = math.exp(self.data)
        return self._node(e, (self,), "exp", (e,))

    def log(self) -> ClosureValue:
        return self._node(math.log(self.data), (self,), "log", (1.0 / self.data,))

    def backward(self) -> None:
        topo, seen = [], set()

        def build(v: ClosureValue) -> None:
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()


def test_the_newer_micrograd_s_training_code_runs_on_our_value_and_learns_the_same() -> None:
    # The same script on a closure-per-op Value and on ours: both take attributes of
    # their own, and the losses agree to the last few bits (sums of gradients can run
    # in another order).
    theirs = train_three_classes(ClosureValue, 20)
    ours = train_three_classes(Value, 20)
    assert ours[-1] < 0.5 * ours[0]  # it learns
    assert all(math.isclose(a, b, rel_tol=1e-12) for a, b in zip(ours, theirs))


def test_a_value_takes_attributes_of_its_own_and_keeps_them() -> None:
    p = Value(1.0)
    p.m, p.v, p._vis_color = 0.5, 0.25, "lightblue"
    q = p * 2.0
    q.note = "a node can carry one too"
    assert (p.m, p.v, p._vis_color, q.note) == (0.5, 0.25, "lightblue", "a node can carry one too")
    assert not hasattr(Value(2.0), "m")  # each Value its own
