"""The fast path (micrograd_like.fast) keeps its contract: the plain path's nodes and
numbers, bit for bit.

These tests are about machinery, not about the math: generated node makers, visit
marks, shared storage, the batched forward, and switching between the two paths. The
worked examples of the math live in the files one folder up.
"""

from __future__ import annotations

import linecache
import math
import struct
import threading
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import full_walk, path

from micrograd_like import fast, losses
from micrograd_like.engine import Value, no_grad, topological_order
from micrograd_like.functional import vsum
from micrograd_like.higher_order import gradients
from micrograd_like.nn import MLP, Layer
from micrograd_like.testing import Program, programs


def bits(x: Any) -> Any:
    """A float's exact bit pattern (so -0.0 and 0.0, and every NaN, are told apart)."""
    if isinstance(x, float):
        return struct.pack("<d", x)
    if isinstance(x, Value):
        return ("Value", bits(x.data))
    if isinstance(x, (tuple, list)) or type(x).__name__.startswith("Affine"):
        return tuple(bits(v) for v in x)
    return x


def snapshot(root: Value, leaves: list[Value]) -> list[Any]:
    """Every node's op, data, local derivatives and grad, in walk order, then the leaves'."""
    nodes = topological_order(root)
    return [(v.op, bits(v.data), bits(v.local_grads), bits(v.grad)) for v in nodes] + [
        (bits(x.data), bits(x.grad)) for x in leaves
    ]


def same_but_for_zero_times_inf(quick: list[Any], plain: list[Any]) -> bool:
    """Equal bit for bit, except where the plain path made a NaN out of 0 * inf.

    The fast path passes nothing on through a local derivative of 0, so where the plain
    path's grad is NaN the fast path's may be any number. Everything else is the same.
    """
    if len(quick) != len(plain):
        return False
    for q, p in zip(quick, plain):
        if q != p:
            if q[:-1] != p[:-1] or not math.isnan(struct.unpack("<d", p[-1])[0]):
                return False
    return True


def straight_through(node: Value) -> Callable[[], None]:
    """A _backward of user code: pass the node's gradient unchanged to every parent (the
    lecture's way of overriding a step, e.g. a straight-through relu)."""

    def step() -> None:
        for p in node.parents:
            p.grad += node.grad

    return step


def built(program: Program, overridden: list[int]) -> tuple[Value, list[Value]]:
    """The program's graph, with user code's own _backward on the nodes numbered
    ``overridden`` (counted in the order the program makes them)."""
    leaves = [Value(x) for x in program.leaves]
    root = program.build(*leaves)
    nodes = topological_order(root)
    for i in overridden:
        v = nodes[i % len(nodes)]
        v._backward = straight_through(v)
    return root, leaves


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program=programs(max_steps=14),
    overridden=st.lists(st.integers(0, 100), max_size=2),
    build_fast=st.booleans(),
    walk_fast=st.booleans(),
)
def test_random_graphs_are_bit_identical_whichever_path_builds_or_walks_them(
    program: Program, overridden: list[int], build_fast: bool, walk_fast: bool
) -> None:
    # The reference: built and walked on the plain path. Then built on one path and
    # walked on the other (or the same), with a user's _backward on some nodes.
    with path(False):
        root, leaves = built(program, overridden)
        root.backward()
        plain = snapshot(root, leaves)
    with path(build_fast):
        root, leaves = built(program, overridden)
    with path(walk_fast), full_walk():
        root.backward()
        other = snapshot(root, leaves)
    assert same_but_for_zero_times_inf(other, plain)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=8), st.booleans())
def test_second_derivatives_are_bit_identical_on_both_paths(
    program: Program, build_fast: bool
) -> None:
    # create_graph=True runs the plain walk on either path; the graph of the gradient is
    # made by whichever path is on, and must give the same numbers.
    def hessian_diagonal(fast_path: bool) -> list[Any]:
        with path(fast_path):
            xs = [Value(x) for x in program.leaves]
            out = program.build(*xs)
            firsts = gradients(out, xs, create_graph=True)
            return [bits(gradients(g, xs)) if isinstance(g, Value) else bits(g) for g in firsts]

    assert hessian_diagonal(build_fast) == hessian_diagonal(False)


LOSSES = {
    "mse": ("linear", lambda y: y),
    "hinge": ("linear", lambda y: 1.0 if y > 0 else -1.0),
    "binary_cross_entropy": ("sigmoid", lambda y: 1.0 if y > 0 else 0.0),
    "binary_cross_entropy_with_logits": ("linear", lambda y: 1.0 if y > 0 else 0.0),
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=2),
    activation=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu", "linear"]),
    loss=st.sampled_from(sorted(LOSSES)),
    batched=st.booleans(),
    xs=st.lists(
        st.tuples(st.floats(-2, 2, allow_nan=False), st.floats(-2, 2, allow_nan=False)),
        min_size=1,
        max_size=6,
    ),
)
def test_models_and_losses_are_bit_identical_on_both_paths(
    seed: int, hidden: list[int], activation: str, loss: str, batched: bool, xs: list[Any]
) -> None:
    output, label = LOSSES[loss]
    results = []
    for fast_path in (False, True):
        with path(fast_path), full_walk():
            model = MLP(2, [*hidden, 1], activation=activation, output_activation=output, seed=seed)
            rows = [list(x) for x in xs]
            outs = model.forward_batch(rows) if batched else [model(x) for x in rows]
            targets = [label(x[0] * x[1] + 0.1) for x in xs]
            total = losses.get_loss(loss)(outs, targets) + losses.l2(model.parameters(), 1e-3)
            total.backward()
            results.append(snapshot(total, model.parameters()))
    assert results[0] == results[1]


# --------------------------------------------------------------------------------------
# What a node is: the same on both paths
# --------------------------------------------------------------------------------------


def test_a_product_holds_its_parents_and_its_local_derivatives_as_tuples() -> None:
    # c = a * b with a = 2, b = -3: parents (a, b), derivatives (b, a) = (-3, 2)
    for fast_path in (True, False):
        with path(fast_path):
            a, b = Value(2.0), Value(-3.0)
            c = a * b
            assert type(c._parents) is tuple and type(c._local_grads) is tuple
            assert c._parents == (a, b) and c._local_grads == (-3.0, 2.0)
            assert c.parents is c._parents and c.local_grads is c._local_grads
            assert c._prev == {a, b}


def test_a_fresh_node_starts_with_the_era_s_own_zero_and_an_old_one_with_another() -> None:
    with path(True):
        a = Value(2.0)
        b = a * 3.0
        assert b.grad == 0.0 and b.grad is fast.nodes.ERA[0]  # made from leaves in this era
        b.backward()
        c = b * 2.0  # b was walked: c is not fresh, nor is anything made from it
        assert c.grad == 0.0 and c.grad is not fast.nodes.ERA[0]
        assert (c + 1.0).grad is not fast.nodes.ERA[0]


def test_a_layer_s_affine_nodes_read_as_tuples_over_shared_storage() -> None:
    # Two samples through one layer of two neurons: four affine nodes. Each neuron's
    # weights are stored once for both samples; each sample's inputs once for both neurons.
    with path(True):
        layer = Layer(2, 2, activation="linear", seed=0)
        (a, b), (c, _) = layer([1.0, 2.0]), layer([3.0, 4.0])
        n0 = layer.neurons[0]
        w0, w1 = n0.w
        assert isinstance(a._parents, fast.AffineParents)
        assert a._parents.neuron is c._parents.neuron  # one neuron, two samples
        assert a._parents.inputs is b._parents.inputs  # one sample, two neurons
        x0, x1 = a.parents[2:4]
        assert (x0.data, x1.data) == (1.0, 2.0)
        assert tuple(a._parents) == (w0, w1, x0, x1, n0.b) == a._parents
        assert tuple(a._local_grads) == (1.0, 2.0, w0.data, w1.data, 1.0)  # x, then w, then 1
        assert repr(a._local_grads) == repr((1.0, 2.0, w0.data, w1.data, 1.0))
        assert list(reversed(a._parents)) == [n0.b, x1, x0, w1, w0]
        assert len(a._parents) == 5 and a._parents[-1] is n0.b


def test_a_layer_s_affine_node_has_the_plain_path_s_parents_and_derivatives() -> None:
    def made(fast_path: bool) -> tuple[Any, Any]:
        with path(fast_path):
            layer = Layer(3, 2, activation="relu", seed=4)
            out = layer([0.5, -1.0, 2.0])
            z = out[0].parents[0]
            return [p.data for p in z.parents], bits(z.local_grads)

    assert made(True) == made(False)


def test_a_weight_changed_or_replaced_between_samples_is_read_anew() -> None:
    # y = w0*x0 + w1*x1 + b at x = (1, 1), b = 0: with w = (2, 3), y = 5; after w0 = 4,
    # y = 7; after replacing w1 by a new weight 10, y = 4 + 10 = 14, d y/d(new w1) = 1.
    with path(True):
        layer = Layer(2, 1, activation="linear", seed=0)
        n = layer.neurons[0]
        n.w[0].data, n.w[1].data, n.b.data = 2.0, 3.0, 0.0
        assert layer([1.0, 1.0]).data == 5.0  # type: ignore[union-attr]
        n.w[0].data = 4.0
        assert layer([1.0, 1.0]).data == 7.0  # type: ignore[union-attr]
        new = Value(10.0)
        n.w[1] = new
        y = layer([1.0, 1.0])
        assert isinstance(y, Value) and y.data == 14.0
        y.backward()
        assert new.grad == 1.0 and y.parents[1] is new


def test_nodes_made_before_the_fast_path_is_switched_off_still_work() -> None:
    # c = a * b = -6 on the fast path; then, on the plain path, d = c * 2:
    # dd/da = 2b = -6, dd/db = 2a = 4.
    a, b = Value(2.0), Value(-3.0)
    with path(True):
        c = a * b
        layer = Layer(1, 1, activation="relu", seed=0)
        r = layer([c])
    with path(False):
        d = c * 2.0
        d.backward()
        assert (a.grad, b.grad) == (-6.0, 4.0)
        (r * 1.0).backward()  # an affine node over shared storage, walked by the plain path
    assert isinstance(r, Value)


def test_an_assigned_backward_is_called_on_both_paths() -> None:
    # The straight-through relu: y = relu(x) at x = -2 is off, but y's own step passes
    # its gradient to x unchanged; out = 3y gives x.grad = 3 on either path.
    for fast_path in (True, False):
        with path(fast_path):
            x = Value(-2.0)
            y = x.relu()

            def st(x: Value = x, y: Value = y) -> None:
                x.grad += y.grad

            y._backward = st
            (y * 3.0).backward()
            assert x.grad == 3.0
            assert y.local_grads == ()  # its step is user code now


def test_switching_paths_while_another_thread_builds_and_walks_is_safe() -> None:
    # One thread switches the fast path on and off as fast as it can while this one
    # builds and walks y = sum of x * i for i < 50 again and again: dy/dx = 1225 each time.
    stop = threading.Event()

    def switcher() -> None:
        while not stop.is_set():
            with fast.enabled(False):
                pass

    t = threading.Thread(target=switcher)
    with path(True):
        t.start()
        try:
            for _ in range(200):
                x = Value(1.0)
                y = vsum([x * float(i) for i in range(50)])
                y.backward()
                assert x.grad == 1225.0
        finally:
            stop.set()
            t.join()
        assert fast.installed()


def test_enabled_takes_a_bool() -> None:
    with pytest.raises(TypeError, match="enabled\\(\\) takes True or False"):
        with fast.enabled(1):  # type: ignore[arg-type]
            pass


# --------------------------------------------------------------------------------------
# Generated makers: the engine's names, docstrings and readable tracebacks
# --------------------------------------------------------------------------------------

OPERATORS = ["__add__", "__radd__", "__mul__", "__rmul__", "__truediv__", "__pow__", "__rpow__"]
UNARY = ["exp", "log", "tanh", "sigmoid", "relu"]


@pytest.mark.parametrize("name", OPERATORS + UNARY)
def test_a_generated_maker_keeps_the_engine_method_s_name_and_docstring(name: str) -> None:
    method = fast._PATCHES[(Value, name)]
    plain = method.__wrapped__
    assert method.__name__ == plain.__name__ == name
    assert method.__qualname__ == f"Value.{name}" and method.__doc__ == plain.__doc__
    source = linecache.getlines(method.__code__.co_filename)
    assert f"def {name}(" in "".join(source)  # a traceback can show its lines


def test_a_traceback_through_a_generated_maker_shows_its_source() -> None:
    with path(True), pytest.raises(ZeroDivisionError) as info:
        Value(1.0) / 0.0
    frames = traceback.extract_tb(info.tb)
    maker = next(f for f in frames if f.name == "__truediv__")
    assert "RULES['/']" in maker.filename and maker.line  # the generated line, readable


# --------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------


def test_topological_order_leaves_every_grad_as_it_was():
    # The walk marks nodes through their .grad slot; the public function puts them back.
    a = Value(1.0)
    b = a * 2
    c = b + a
    d = c * b
    d.backward()  # b.grad = dd/db = c + b*1 = 3 + 2 = 5
    before = [(v, v.grad) for v in (a, b, c, d)]
    order = topological_order(d)
    assert [v.op for v in order] == ["*", "+", "*"]
    assert all(v.grad is g for v, g in before)


def test_backward_twice_on_overlapping_graphs_lists_every_node():
    # The second walk must not mistake the first walk's zero marks for its own: e's
    # graph shares b and c with d's, and c had a zero gradient in d's backward.
    a = Value(2.0)
    b = a * 3.0  # 6
    c = b * 0.0  # 0, so dd/db gets nothing through c
    d = b + c * 0.0
    d.backward()  # da = 3 (through b only)
    a.grad = 0.0
    e = c * 5.0 + b  # de/da = 5 * 0 * 3 + 3 = 3, de/db = 5 * 0 + 1 = 1
    e.backward()
    assert (a.grad, b.grad, c.grad) == (3.0, 1.0, 5.0)


def test_a_walk_that_fails_half_way_leaves_no_marks() -> None:
    # A leaf whose .grad raises once armed stands in for a KeyboardInterrupt in the
    # middle of the walk: afterwards every grad is a plain float, never the busy mark.
    armed: list[bool] = []

    class Broken(Value):
        @property  # type: ignore[override]
        def grad(self) -> float:
            if armed:
                raise RuntimeError("walk interrupted")
            return 0.0

        @grad.setter
        def grad(self, value: float) -> None:
            pass

    with path(True):
        a = Value(2.0)
        bad = Broken(1.0)
        b = a * 3.0
        c = b + bad
        d = c * b
        armed.append(True)
        with pytest.raises(RuntimeError, match="walk interrupted"):
            d.backward()
        assert all(type(v.grad) is float for v in (a, b, c, d))


def test_backward_on_one_graph_from_two_threads_never_mixes_marks_into_grads() -> None:
    # The visit marks must never leak into += in the other thread.
    # y = sum of 200 products x*w_i, each w_i = i: dy/dx = 0 + 1 + ... + 199 = 19900.
    with path(True):
        x = Value(1.0)
        y = vsum([x * float(i) for i in range(200)])
        errors: list[BaseException] = []

        def work() -> None:
            try:
                for _ in range(50):
                    y.backward()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert x.grad == 100 * 19900.0  # 2 threads x 50 calls, each adding 19900


# --------------------------------------------------------------------------------------
# The batched forward
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nouts, output",
    [([3, 1], "linear"), ([3, 2], "sigmoid"), ([4, 3], "softmax"), ([2, 1, 2], "tanh")],
)
def test_a_batch_forward_is_the_per_sample_forward(nouts: list[int], output: str) -> None:
    # fit forwards a whole batch reading each weight once. It must build the same graph:
    # the same outputs and, after backward, the same gradients, to the last bit.
    model = MLP(2, nouts, output_activation=output, seed=3)
    xs = [[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]]

    def grads(outs: list[Any]) -> tuple[list[float], list[float]]:
        flat = [v for out in outs for v in (out if isinstance(out, list) else [out])]
        model.zero_grad()
        vsum(flat).backward()
        return [v.data for v in flat], [p.grad for p in model.parameters()]

    per_sample = grads([model(x) for x in xs])
    batched = grads(model.forward_batch(xs))
    assert batched == per_sample
    one_output = nouts[-1] == 1
    assert all(isinstance(out, Value) for out in model.forward_batch(xs)) == one_output


def test_a_batch_forward_reads_the_weights_as_they_are_now() -> None:
    # A linear neuron 2x + 1 on inputs 1 and 3 gives 3 and 7; after w = -1 it gives 0, -2.
    model = MLP(1, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = 2.0, 1.0
    assert [v.data for v in model.forward_batch([[1.0], [3.0]])] == [3.0, 7.0]  # type: ignore[union-attr]
    neuron.w[0].data = -1.0
    assert [v.data for v in model.forward_batch([[1.0], [3.0]])] == [0.0, -2.0]  # type: ignore[union-attr]


def test_a_neuron_whose_weights_no_longer_match_its_inputs_is_refused_as_on_the_plain_path() -> (
    None
):
    # A layer of 2 inputs whose neuron was given a third weight: affine() refuses
    # 3 weights against 2 inputs; the fast path must not sum the first two silently.
    with path(True):
        layer = Layer(2, 1, activation="linear", seed=0)
        layer([1.0, 2.0])  # the neuron's weights are now shared, as after a first step
        layer.neurons[0].w.append(Value(0.5))
        with pytest.raises(ValueError, match="equal length, got 3 and 2"):
            layer._forward([Value(1.0), Value(2.0)])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**16),
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=2),
    activation=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu", "linear"]),
    output=st.sampled_from(["linear", "sigmoid", "tanh", "softmax"]),
    xs=st.lists(
        st.tuples(st.floats(-3, 3, allow_nan=False), st.floats(-3, 3, allow_nan=False)),
        min_size=1,
        max_size=5,
    ),
)
def test_a_forward_with_no_graph_gives_the_plain_path_s_numbers(
    seed: int, hidden: list[int], activation: str, output: str, xs: list[Any]
) -> None:
    # Inside no_grad() the fast path computes an MLP's batch as numbers alone; the plain
    # path makes (and drops) a leaf per op. The outputs must be the same, bit for bit.
    nout = 2 if output == "softmax" else 1
    model = MLP(2, [*hidden, nout], activation=activation, output_activation=output, seed=seed)
    rows = [list(x) for x in xs]

    def outputs(fast_path: bool) -> Any:
        with path(fast_path), no_grad():
            outs = model.forward_batch(rows)
        flat = [v for out in outs for v in (out if isinstance(out, list) else [out])]
        assert all(not v.parents for v in flat)  # leaves: no graph
        return bits([v.data for v in flat])

    assert outputs(True) == outputs(False)
