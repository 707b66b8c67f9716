"""The fast path (micrograd_like.fast) keeps its contract: the plain path's numbers, bit for bit.

These tests are about machinery, not about the math: packed storage, visit marks, the
batched forward, and the switch between the two paths. The worked examples of the math
live in the files one folder up.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micrograd_like import fast, losses
from micrograd_like.engine import Value, topological_order, vsum
from micrograd_like.nn import MLP
from micrograd_like.testing import Program, programs


@contextmanager
def path(fast_path: bool) -> Iterator[None]:
    """Run a block on the fast path or on the plain one, then put things back."""
    was = fast.installed()
    if fast_path:
        fast.install()
    else:
        fast.uninstall()
    try:
        yield
    finally:
        if was:
            fast.install()
        else:
            fast.uninstall()


def bits(x: Any) -> Any:
    """A float's exact bit pattern (so -0.0 and 0.0, and every NaN, are told apart)."""
    if isinstance(x, float):
        return struct.pack("<d", x)
    if isinstance(x, (tuple, list)):
        return tuple(bits(v) for v in x)
    return x


def snapshot(root: Value, leaves: list[Value]) -> list[Any]:
    """Every node's op, data, local derivatives and grad, in walk order, then the leaves'."""
    nodes = topological_order(root)
    return [(v.op, bits(v.data), bits(v.local_grads), bits(v.grad)) for v in nodes] + [
        (bits(x.data), bits(x.grad)) for x in leaves
    ]


def run_both(build: Callable[[], tuple[Value, list[Value]]]) -> tuple[list[Any], list[Any]]:
    results = []
    for fast_path in (False, True):
        with path(fast_path):
            root, leaves = build()
            root.backward()
            results.append(snapshot(root, leaves))
    return results[0], results[1]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=14))
def test_random_graphs_are_bit_identical_on_both_paths(program: Program) -> None:
    def build() -> tuple[Value, list[Value]]:
        leaves = [Value(x) for x in program.leaves]
        return program.build(*leaves), leaves

    plain, quick = run_both(build)
    assert quick == plain


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

    def build() -> tuple[Value, list[Value]]:
        model = MLP(2, [*hidden, 1], activation=activation, output_activation=output, seed=seed)
        rows = [list(x) for x in xs]
        outs = fast.forward_batch(model, rows) if batched else [model(x) for x in rows]
        targets = [label(x[0] * x[1] + 0.1) for x in xs]
        total = losses.get_loss(loss)(outs, targets) + losses.l2(model.parameters(), 1e-3)
        return total, model.parameters()

    plain, quick = run_both(build)
    assert quick == plain


def test_a_node_on_the_fast_path_packs_its_local_derivatives_and_parents() -> None:
    with path(True):
        a, b = Value(2.0), Value(-3.0)
        c = a * b  # d(ab)/da = b = -3, d(ab)/db = a = 2
        assert c._local_grads is fast.PACKED
        assert c._parents == (-3.0, 2.0, None, a, b)
        assert (c.parents, c.local_grads) == ((a, b), (-3.0, 2.0))


def test_the_plain_path_keeps_parents_and_local_derivatives_apart() -> None:
    with path(False):
        a, b = Value(2.0), Value(-3.0)
        c = a * b
        assert (c._parents, c._local_grads) == ((a, b), (-3.0, 2.0))


def test_a_walk_that_fails_half_way_leaves_no_marks() -> None:
    # A parent whose _parents raises stands in for a KeyboardInterrupt in the middle of
    # the walk: afterwards every grad is a plain float again, never the walk's busy mark.
    class Broken(Value):
        @property  # type: ignore[override]
        def _parents(self) -> tuple[Value, ...]:
            raise RuntimeError("walk interrupted")

        @_parents.setter
        def _parents(self, value: tuple[Value, ...]) -> None:
            pass

    with path(True):
        a = Value(2.0)
        bad = Broken(1.0)
        b = a * 3.0
        c = b + bad
        d = c * b
        with pytest.raises(RuntimeError, match="walk interrupted"):
            d.backward()
        assert all(type(v.grad) is float for v in (a, b, c, d))


def test_backward_on_one_graph_from_two_threads_never_mixes_marks_into_grads() -> None:
    # Issue 19, item 14: the visit marks once leaked into += in the other thread.
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
    batched = grads(fast.forward_batch(model, xs))
    assert batched == per_sample
    one_output = nouts[-1] == 1
    assert all(isinstance(out, Value) for out in fast.forward_batch(model, xs)) == one_output


def test_a_batch_forward_reads_the_weights_as_they_are_now() -> None:
    # A linear neuron 2x + 1 on inputs 1 and 3 gives 3 and 7; after w = -1 it gives 0, -2.
    model = MLP(1, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = 2.0, 1.0
    assert [v.data for v in fast.forward_batch(model, [[1.0], [3.0]])] == [3.0, 7.0]
    neuron.w[0].data = -1.0
    assert [v.data for v in fast.forward_batch(model, [[1.0], [3.0]])] == [0.0, -2.0]


def test_prune_does_not_walk_behind_a_relu_that_is_off() -> None:
    with path(True):
        _prune_example()


def _prune_example() -> None:
    # out = relu(x * w) + 3 * x at x = 2, w = -1: x * w = -2, so the relu is off and its
    # local derivative is 0. d out/dx = 3 (through the second term), d out/dw = 0.
    x, w = Value(2.0), Value(-1.0)
    h = x * w
    r = h.relu()
    out = r + 3.0 * x
    h.grad = 123.0  # as if left over from some earlier backward through h
    out.backward(prune=True)
    assert (x.grad, w.grad) == (3.0, 0.0)
    assert r.grad == 1.0  # reached: it holds this call's gradient
    assert h.grad == 123.0  # behind the zero, so not visited: untouched
    out.backward()  # the full walk visits h and gives it this call's gradient, 0
    assert h.grad == 0.0 and (x.grad, w.grad) == (6.0, 0.0)
