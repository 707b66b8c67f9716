"""detect_anomaly(): the first NaN or inf names its op, operands and line of code."""

from __future__ import annotations

import gc
import inspect
import math
import weakref

import pytest

from micrograd_like.engine import AnomalyError, Value, detect_anomaly, no_grad


def _line() -> int:
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_lineno


def test_forward_overflow_is_caught_at_the_op():
    # 1e308 * 10 = inf: the mul that overflowed is named, with both operands and this line
    with detect_anomaly(), pytest.raises(AnomalyError) as info:
        line = _line() + 1
        Value(1e308) * 10.0
    message = str(info.value)
    assert "op '*' gave inf in forward" in message
    assert "1e+308, 10.0" in message
    assert f"test_anomaly.py:{line}" in message


def test_backward_infinity_points_at_the_line_that_made_the_node():
    # y = sqrt(x) at x = 0 is fine (0), but dy/dx = 0.5 / sqrt(x) is infinite there
    x = Value(0.0)
    with detect_anomaly():
        line = _line() + 1
        y = x**0.5
        with pytest.raises(AnomalyError) as info:
            y.backward()
    message = str(info.value)
    assert "op '**' gave gradient inf in backward to its operand #0" in message
    assert f"test_anomaly.py:{line}" in message


def test_without_the_context_the_same_graph_just_gives_inf():
    x = Value(0.0)
    y = x**0.5
    y.backward()
    assert x.grad == math.inf


def test_finite_graphs_run_unchanged_inside_the_context():
    # y = tanh(2x) at x = 0.5: dy/dx = 2 (1 - tanh(1)^2) = 0.8399486832280524
    x = Value(0.5)
    with detect_anomaly():
        y = (2 * x).tanh()
        y.backward()
    assert x.grad == pytest.approx(2 * (1 - math.tanh(1.0) ** 2), rel=1e-15)


def test_the_context_composes_with_no_grad_and_restores_the_everyday_mode():
    from micrograd_like import modes

    with detect_anomaly(), no_grad():
        v = Value(2.0) * 3
        assert v.parents == ()
    assert modes.current() is modes.RECORDING
    assert (Value(2.0) * 3).parents != ()


def test_detect_anomaly_does_not_keep_dropped_graphs_alive() -> None:
    refs = []
    with detect_anomaly():
        for i in range(2000):
            y = (Value(float(i)) * 2.0 + 1.0).tanh()
            refs.append(weakref.ref(y))
            del y
        gc.collect()
        assert sum(r() is not None for r in refs) == 0
