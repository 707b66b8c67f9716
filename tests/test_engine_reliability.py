"""What a red team broke in the engine (issue 19), each item a regression test named after it.

The items about saving and loading, losses, sizes and the CLI have tests of their own in
the files about those.
"""

from __future__ import annotations

import asyncio
import gc
import math
import subprocess
import sys
import threading
import weakref

import pytest
from bounds import HANG
from hypothesis import HealthCheck, assume, given, settings

from micrograd_like import grad
from micrograd_like.engine import Value, topological_order
from micrograd_like.functional import vsum
from micrograd_like.higher_order import gradients
from micrograd_like.modes import AnomalyError, detect_anomaly, is_grad_enabled, no_grad
from micrograd_like.testing import Program, programs

# -- 8: grad mode belongs to the thread (and the asyncio task) -------------------------


def test_no_grad_in_another_thread_does_not_stop_this_thread_recording() -> None:
    # w*w at w = 3: d/dw = 2w = 6, though another thread sits inside no_grad() meanwhile
    inside, done = threading.Event(), threading.Event()

    def other() -> None:
        with no_grad():
            inside.set()
            done.wait(HANG)

    t = threading.Thread(target=other)
    t.start()
    try:
        assert inside.wait(HANG)
        w = Value(3.0)
        (w * w).backward()
        assert w.grad == 6.0 and is_grad_enabled()
    finally:
        done.set()
        t.join()


def test_threads_entering_and_leaving_no_grad_interleaved_leave_grad_mode_on() -> None:
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with no_grad():
            a_in.set()
            b_in.wait(HANG)
        a_out.set()

    def b() -> None:
        a_in.wait(HANG)
        with no_grad():
            b_in.set()
            a_out.wait(HANG)  # a leaves while b is still inside

    threads = [threading.Thread(target=f) for f in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert is_grad_enabled()
    assert (Value(2.0) * 3.0).parents != ()


def test_no_grad_in_one_asyncio_task_does_not_reach_another() -> None:
    async def quiet(started: asyncio.Event, finish: asyncio.Event) -> None:
        with no_grad():
            started.set()
            await finish.wait()

    async def main() -> tuple[Value, ...]:
        started, finish = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(quiet(started, finish))
        await started.wait()
        recorded = (Value(2.0) * 3.0).parents  # this task is not inside no_grad()
        finish.set()
        await task
        return recorded

    recorded: list[tuple[Value, ...]] = []  # a thread of its own: no event loop runs there yet
    t = threading.Thread(target=lambda: recorded.append(asyncio.run(main())))
    t.start()
    t.join(HANG)
    assert len(recorded[0]) == 2


# -- 9: @no_grad() on a generator covers its body --------------------------------------


def test_no_grad_as_a_decorator_covers_a_generators_body() -> None:
    @no_grad()
    def doubled(values: list[Value]):  # type: ignore[no-untyped-def]
        for v in values:
            yield v * 2.0

    out = list(doubled([Value(1.0), Value(2.0)]))
    assert [v.data for v in out] == [2.0, 4.0]
    assert all(v.parents == () for v in out)
    assert is_grad_enabled()


# -- 10: x / y for large y ----------------------------------------------------------


def test_the_gradient_of_a_division_does_not_underflow_for_a_large_divisor() -> None:
    # d(x/y)/dy = -x/y**2 = -(x/y)/y = -1/1e200 = -1e-200 at x = y = 1e200; y**2 overflows
    x, y = Value(1e200), Value(1e200)
    (x / y).backward()
    assert (x.grad, y.grad) == (1e-200, -1e-200)


# -- 12: no spurious OverflowError from pow's partials ---------------------------------


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


def test_the_graph_command_draws_a_division_by_a_tiny_number(tmp_path) -> None:
    out = tmp_path / "g.dot"
    run = subprocess.run(
        [sys.executable, "-m", "micrograd_like", "graph", "a/1e-160", "a=1", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert run.returncode == 0, run.stderr
    assert out.exists()


# -- 13: second order where first order works ---------------------------------------


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


# -- 15: detect_anomaly() holds no node alive ------------------------------------------


def test_detect_anomaly_does_not_keep_dropped_graphs_alive() -> None:
    refs = []
    with detect_anomaly():
        for i in range(2000):
            y = (Value(float(i)) * 2.0 + 1.0).tanh()
            refs.append(weakref.ref(y))
            del y
        gc.collect()
        assert sum(r() is not None for r in refs) == 0


def test_detect_anomaly_still_names_where_a_live_node_was_made() -> None:
    # d(sqrt a)/da at a = 0 is inf: the backward check names the line that made the node
    a = Value(0.0)
    with detect_anomaly():
        y = a**0.5
        with pytest.raises(AnomalyError, match=r"made at .*test_engine_reliability.py:\d+"):
            y.backward()


# -- 14: see tests/machinery/test_fast_path.py (two threads, one graph) ----------------


# -- 19: second order against torch -------------------------------------------------

torch = pytest.importorskip("torch", reason="torch is not installed: `make test WITH_TORCH=1`")


def torch_step(op: str, a: list, const: float):  # type: ignore[no-untyped-def]
    """testing._apply_step, on torch tensors."""
    if op == "+":
        return a[0] + a[1]
    if op == "-":
        return a[0] - a[1]
    if op == "*":
        return a[0] * a[1]
    if op == "/":
        return a[0] / (a[1] * a[1] + 0.5)
    if op == "neg":
        return -a[0]
    if op == "pow_const":
        return (a[0] * a[0] + 0.5) ** const
    if op == "pow_value":
        return (a[0] * a[0] + 0.5) ** a[1].tanh()
    if op == "exp":
        return (2.0 * a[0].tanh()).exp()
    if op == "log":
        return (a[0] * a[0] + 0.1).log()
    if op in ("tanh", "sigmoid", "relu"):
        return getattr(a[0], op)()
    if op == "leaky_relu":
        return torch.nn.functional.leaky_relu(a[0], 0.1)
    if op == "sum":
        return torch.stack(a).sum()
    if op == "dot":
        half = len(a) // 2
        return (torch.stack(a[:half]) * torch.stack(a[half : 2 * half])).sum()
    if op == "affine":
        half = (len(a) - 1) // 2
        return (torch.stack(a[:half]) * torch.stack(a[half : 2 * half])).sum() + a[-1]
    if op == "logsumexp":
        return torch.logsumexp(torch.stack(a), 0)
    if op == "log_softmax":
        return torch.log_softmax(torch.stack(a), 0)[0]
    # the fused losses, with the constants micrograd_like.testing gives them
    n = len(a)
    if op == "hinge":  # labels +1, -1, +1, ...
        ys = torch.tensor([1.0 if i % 2 == 0 else -1.0 for i in range(n)], dtype=torch.float64)
        return torch.relu(1.0 - ys * torch.stack(a)).mean()
    if op == "mse":  # targets 0.5
        return ((torch.stack(a) - 0.5) ** 2).mean()
    if op == "l2":  # alpha 0.3
        return 0.3 * (torch.stack(a) ** 2).sum()
    if op == "cross_entropy":  # one sample, class 0
        return -torch.log_softmax(torch.stack(a), 0)[0]
    raise ValueError(op)


def torch_build(program: Program, xs: list):  # type: ignore[no-untyped-def]
    nodes = list(xs)
    used: set[int] = set()
    for step in program.steps:
        nodes.append(torch_step(step.op, [nodes[i] for i in step.args], step.const))
        used.update(step.args)
    unused = [n for i, n in enumerate(nodes) if i >= len(xs) and i not in used]
    return torch.stack(unused).sum()


def torch_masks_a_mixed_derivative(out: Value) -> bool:
    """True when the graph raises a Value to a power that is exactly 0.

    There torch's pow backward writes d/da as 0 outright, so its d2/(da db) is 0; the
    true one is a**(b-1), which is what ours gives (finite differences agree:
    test_the_mixed_second_derivative_of_a_power_at_exponent_zero_is_not_lost).
    """
    return any(
        v.op == "**" and v.parents[1].data == 0.0 and v.parents[1].parents
        for v in topological_order(out)
    )


def hessian_rows_agree(program: Program) -> None:
    xs = [Value(x) for x in program.leaves]
    out = program.build(*xs)
    assume(not torch_masks_a_mixed_derivative(out))
    firsts = gradients(out, xs, create_graph=True)
    ours = [
        [0.0] * len(xs) if isinstance(g, float) else [float(h) for h in gradients(g, xs)]
        for g in firsts
    ]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.leaves]
    tout = torch_build(program, ts)
    tfirst = torch.autograd.grad(tout, ts, create_graph=True, allow_unused=True)
    tfirst = [torch.zeros((), dtype=torch.float64) if g is None else g for g in tfirst]
    theirs = []
    for g in tfirst:
        if not g.requires_grad:
            theirs.append([0.0] * len(ts))
            continue
        row = torch.autograd.grad(g, ts, allow_unused=True, retain_graph=True)
        theirs.append([0.0 if h is None else h.item() for h in row])
    assert [g if isinstance(g, float) else g.data for g in firsts] == pytest.approx(
        [g.item() for g in tfirst], rel=1e-9, abs=1e-9
    )
    flat = lambda rows: [h for row in rows for h in row]  # noqa: E731
    assert flat(ours) == pytest.approx(flat(theirs), rel=1e-7, abs=1e-7)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=8))
def test_second_derivatives_match_torch_on_random_graphs(program: Program) -> None:
    hessian_rows_agree(program)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(max_steps=12))
def test_second_derivatives_match_torch_on_many_random_graphs(program: Program) -> None:
    hessian_rows_agree(program)


def test_vsum_second_derivative_worked_example() -> None:
    # y = x1**2 + x1*x2 at (1, 2): dy/dx1 = 2x1 + x2 = 4, d2y/dx1dx2 = 1, d2y/dx1^2 = 2
    x1, x2 = Value(1.0), Value(2.0)
    y = vsum([x1 * x1, x1 * x2])
    d1, _ = gradients(y, [x1, x2], create_graph=True)
    assert d1.data == 4.0 and gradients(d1, [x1, x2]) == [2.0, 1.0]


# -- 18: one step of backward_steps costs what its node does, not the whole graph ------


def test_printing_each_step_names_the_graph_once_per_walk(monkeypatch) -> None:
    from micrograd_like.viz import steps

    calls = []
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
    from micrograd_like.viz.steps import backward_steps

    # y = (x * 3) * x at x = 2: step 1 gives x 3x = 6 and m = x*3 the grad x = 2;
    # step 2 (through m) adds 3 * 2 = 6 to x: 12 in all
    x = Value(2.0, label="x")
    m = x * 3.0
    y = m * x
    first, second = backward_steps(y)
    assert (first.grads()[x], first.grads()[m]) == (6.0, 2.0)
    assert second.grads()[x] == 12.0 and second.grads()[y] == 1.0
    assert len(second.grads()) == len(set(second.grads())) == 4  # x, 3, m and y


def test_the_mixed_second_derivative_of_a_power_at_exponent_zero_is_not_lost() -> None:
    # y = a**b at a = 2, b = 0: dy/da = b a**(b-1) = 0 here, but its derivative in b,
    # d2y/(da db) = a**(b-1) + b a**(b-1) ln a = 2**-1 + 0 = 0.5, is not 0
    a, b = Value(2.0), Value(0.0)
    dy_da, _ = gradients(a**b, [a, b], create_graph=True)
    assert dy_da.data == 0.0 and gradients(dy_da, [a, b]) == [0.0, 0.5]
