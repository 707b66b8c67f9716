"""backward() prunes exactly: it skips what lies behind a local derivative of 0 only
when that leaves every .grad as the full walk leaves it.

The full walk is the plain path's (``MICROGRAD_LIKE_REFERENCE=1``): it visits every
node, resets each intermediate gradient to 0 and adds 0 * grad behind a ReLU that is
off. Where pruning sums a node's terms in another order, the two may differ in the last
bit; nowhere may a gradient of an earlier call survive.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import path

from micrograd_like import fast
from micrograd_like.engine import Value, topological_order
from micrograd_like.testing import Program, programs


def stale_example() -> tuple[float, float]:
    # x = 2, a = 3x = 6, a2 = 3a = 18: a2.backward() gives a.grad = da2/da = 3.
    # r2 = relu(-a) = relu(-6) = 0: its derivative is 0, so r2.backward() gives a.grad =
    # 0 (the full walk resets a and adds 0 * 1) and x.grad = 9 + 0 = 9 (x keeps adding).
    x = Value(2.0)
    a = x * 3.0
    a2 = a * 3.0
    a2.backward()
    r2 = (-a).relu()
    r2.backward()
    return a.grad, x.grad


def test_a_node_walked_before_is_not_left_stale_behind_a_relu_that_is_off() -> None:
    with path(True):
        assert stale_example() == (0.0, 9.0)
    with path(False):
        assert stale_example() == (0.0, 9.0)


def test_a_node_made_before_an_earlier_walk_is_not_left_stale_either() -> None:
    # The same graph, every node made before a2.backward(): h = -a and r2 = relu(h)
    # already exist when a2's walk writes a.grad = 3, so r2's walk must visit them.
    with path(True):
        x = Value(2.0)
        a = x * 3.0
        a2 = a * 3.0
        h = -a
        r2 = h.relu()
        a2.backward()
        assert a.grad == 3.0
        r2.backward()
        assert (a.grad, h.grad, r2.grad, x.grad) == (0.0, 0.0, 1.0, 9.0)


def test_a_fresh_graph_behind_a_relu_that_is_off_is_not_walked_until_it_could_be_stale() -> None:
    # out = relu(x * s) + 3x at x = 2, s = -1: relu(-2) is off. The first walk leaves
    # x * s out: nothing behind it was ever walked or written. After that walk a later
    # one could find it stale, so the second walk lists it.
    with path(True):
        x, s = Value(2.0), Value(-1.0)
        h = x * s
        out = h.relu() + 3.0 * x
        assert h not in fast.walk.walk(out)
        assert h in fast.walk.walk(out)
        out.backward()
        assert (x.grad, h.grad) == (3.0, 0.0)  # dout/dx = 0 + 3


def test_zero_times_inf_is_skipped_rather_than_made_nan() -> None:
    # r = relu(x) at x = -1 is off: dr/dx = 0. out = (r * 1e308) * 10 gives r.grad =
    # 10 * 1e308 = inf. The chain rule's term for x is 0 * inf: skipped, so x.grad = 0.
    with path(True):
        x = Value(-1.0)
        r = x.relu()
        out = (r * 1e308) * 10.0
        out.backward()
        assert r.grad == math.inf and x.grad == 0.0
        assert out.data == 0.0


def test_a_step_called_by_hand_computes_every_term_as_the_plain_path_does() -> None:
    # Only the fast walk skips a zero derivative. r._backward() by hand is the engine's
    # own step on either path: relu(-1) has dr/dx = 0, so with r.grad = inf the term
    # for x is 0 * inf = NaN.
    for fast_path in (True, False):
        with path(fast_path):
            x = Value(-1.0)
            r = x.relu()
            r.grad = math.inf
            r._backward()
            assert math.isnan(x.grad)


def close(quick: float, plain: float) -> bool:
    """Equal, or equal but for summation order (last bits), or NaN only on the plain path
    (which makes 0 * inf a NaN where the fast path skips it)."""
    if math.isnan(plain):
        return True
    if math.isinf(plain) or math.isnan(quick):
        return quick == plain
    return abs(quick - plain) <= 1e-9 * (1.0 + abs(plain))


def replay(program: Program, calls: list[tuple[int, bool]]) -> list[list[float]]:
    """Build the graph, then call backward() from each chosen node (zeroing the leaves'
    grads first where asked); after every call, every node's and every leaf's grad."""
    leaves = [Value(x) for x in program.leaves]
    root = program.build(*leaves)
    nodes = topological_order(root)
    seen = []
    for index, zero in calls:
        if zero:
            for x in leaves:
                x.grad = 0.0
        nodes[index % len(nodes)].backward()
        seen.append([v.grad for v in nodes] + [x.grad for x in leaves])
    return seen


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    program=programs(max_steps=12, ops=("relu", "relu", "+", "*", "-", "tanh", "sum", "affine")),
    calls=st.lists(st.tuples(st.integers(0, 10**6), st.booleans()), min_size=1, max_size=6),
)
def test_repeated_backward_on_a_shared_graph_gives_every_node_the_full_walk_s_grad(
    program: Program, calls: list[tuple[int, bool]]
) -> None:
    with path(False):
        full = replay(program, calls)
    with path(True):
        pruned = replay(program, calls)
    for after_full, after_pruned in zip(full, pruned):
        assert len(after_full) == len(after_pruned)
        assert all(close(q, p) for q, p in zip(after_pruned, after_full)), (
            after_pruned,
            after_full,
        )


def test_pruning_can_be_switched_off() -> None:
    # out = relu(x * w) + 3x at x = 2, w = -1: relu(-2) is off. On a fresh graph the walk
    # leaves x * w out; with fast.walk.PRUNE = False it lists it, as the plain path does.
    def fresh() -> tuple[Value, Value]:
        x, w = Value(2.0), Value(-1.0)
        h = x * w
        return h, h.relu() + 3.0 * x

    with path(True):
        h, out = fresh()
        assert h not in fast.walk.walk(out)
        h, out = fresh()
        fast.walk.PRUNE = False
        try:
            assert h in fast.walk.walk(out)
        finally:
            fast.walk.PRUNE = True
