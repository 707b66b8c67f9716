"""Absurd sizes are refused at once, with the limit in the message.

* a neuron, layer or MLP of more than ``nn.MAX_PARAMETERS`` parameters is refused before
  anything is allocated: the refusal allocates a few kB and runs a few dozen lines of
  Python, or a few per layer listed (``MLP(2, [10**9])`` used to hang, ``train --hidden
  100000,100000`` to die of a MemoryError after 53 s);
* ``StepDecay`` refuses a gamma above 1 and never overflows for a large step;
* ``mse`` walks nested targets without recursion.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from bounds import HANG, line_budget

from micrograd_like import nn, serialize
from micrograd_like.engine import Value
from micrograd_like.losses import mse
from micrograd_like.nn import MLP, Layer, Neuron
from micrograd_like.optim import StepDecay
from micrograd_like.serialize import MAX_PARAMETERS

ROOT = Path(__file__).resolve().parent.parent


LIMIT = "the limit is 10,000,000 (micrograd_like.nn.MAX_PARAMETERS"


@pytest.mark.parametrize(
    ("build", "count"),
    [
        pytest.param(lambda: MLP(2, [10**9]), "3,000,000,000", id="MLP-a-billion-neurons"),
        pytest.param(lambda: MLP(10**9, [1]), "1,000,000,001", id="MLP-a-billion-inputs"),
        pytest.param(lambda: MLP(2, [1000] * 100_000), "100,099,002,000", id="MLP-100k-layers"),
        pytest.param(lambda: Layer(10**5, 10**5), "10,000,100,000", id="Layer"),
        pytest.param(lambda: Neuron(10**9), "1,000,000,001", id="Neuron"),
        # (2 + 1) * 3,333,333 + (3,333,333 + 1) * 1 = 9,999,999 + 3,333,334
        pytest.param(lambda: MLP(2, [3_333_333, 1]), "13,333,333", id="MLP-over-by-a-layer"),
    ],
)
def test_mlp_of_absurd_size_is_refused_at_once_with_the_limit(build: Any, count: str) -> None:
    # "at once": the count is checked from the sizes before a weight is made. Counting
    # up to a billion, or building the first neurons, would run millions of lines and
    # allocate megabytes; the refusal runs about 8 lines per layer listed (800,000 for
    # the 100,000 layers) and allocates at most the 2.4 MB of that list's arithmetic
    tracemalloc.start()
    try:
        with line_budget(2_000_000, "building an absurd model"), pytest.raises(ValueError) as info:
            build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000, f"refusing an absurd model allocated {peak:,} bytes"
    message = str(info.value)
    assert f"would have {count} parameters" in message
    assert LIMIT in message


def test_the_limit_is_one_number_for_building_and_loading() -> None:
    assert MAX_PARAMETERS == 10_000_000
    assert serialize.MAX_PARAMETERS is nn.MAX_PARAMETERS


def test_a_model_just_under_the_limit_is_not_refused_by_the_check() -> None:
    # the check itself must let a legal size through; building 10M Values takes a while,
    # so only the counting is exercised: Layer(9_999_999, 1) has exactly 10,000,000
    nn._check_count(MAX_PARAMETERS, "Layer(9999999, 1)")
    with pytest.raises(ValueError, match="10,000,001 parameters"):
        nn._check_count(MAX_PARAMETERS + 1, "Layer(10000000, 1)")


def test_train_with_hidden_100000_100000_is_refused_at_once(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", "micrograd_like", "train", "--hidden", "100000,100000",
             "--no-plots"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=HANG,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"train --hidden 100000,100000 was still running after {HANG:g} s")
    assert result.returncode == 2, (result.stdout, result.stderr)
    (line,) = result.stderr.strip().splitlines()
    assert "MLP(2, [100000, 100000, 1]) would have 10,000,500,001 parameters" in line
    assert LIMIT in line


def test_step_decay_with_gamma_above_one_is_refused() -> None:
    # StepDecay(1, 1, gamma=2)(2000) was 2.0 ** 2000: an OverflowError
    with pytest.raises(ValueError, match=r"gamma must be in \(0, 1\], got 2"):
        StepDecay(1, 1, gamma=2)


@pytest.mark.parametrize(
    ("gamma", "k", "want"),
    [(0.5, 2000, 0.0), (0.5, 10**400, 0.0), (1.0, 10**400, 1.0), (0.999, 2**70, 0.0)],
    ids=["k=2000", "k=10**400", "gamma=1", "k=2**70"],
)
def test_step_decay_at_any_step_never_overflows(gamma: float, k: int, want: float) -> None:
    # 0.5 ** 2000 underflows to 0.0 quietly; 0.5 ** 10**400 used to raise OverflowError
    # (an int too large to convert to float)
    assert StepDecay(1.0, 1, gamma=gamma)(k) == want


def nested(x: Any, depth: int) -> Any:
    for _ in range(depth):
        x = [x]
    return x


def test_mse_with_a_target_nested_2000_lists_deep_has_no_recursion_error() -> None:
    # one entry, 2,000 lists deep on both sides: (3 - 1)**2 = 4, d/dp = 2 (3 - 1) = 4
    p = Value(3.0)
    loss = mse(nested(p, 2000), nested(1.0, 2000))
    loss.backward()
    assert (loss.data, p.grad) == (4.0, 4.0)


def test_mse_with_a_deep_target_and_a_flat_pred_names_the_mismatch() -> None:
    with pytest.raises(ValueError, match=r"target\[0\] has 1 values but pred\[0\] has a single"):
        mse([Value(1.0)], nested(1.0, 2000))
    with pytest.raises(ValueError, match=r"target\[0\]\[0\] is a single number but pred"):
        mse(nested(Value(1.0), 5000), [[1.0]])


def test_mse_still_walks_entries_in_order() -> None:
    # ((1-0)**2 + (2-0)**2 + (3-0)**2 + (4-0)**2) / 4 = 30 / 4
    pred = [[Value(1.0), [Value(2.0)]], [[[Value(3.0)]], Value(4.0)]]
    target = [[0.0, [0.0]], [[[0.0]], 0.0]]
    assert mse(pred, target).data == 7.5
