"""Optimizers and learning-rate schedules: hand-computed steps, PyTorch parity, bad input."""

from __future__ import annotations

import math

import pytest

from micrograd_like.engine import Value
from micrograd_like.optim import (
    SGD,
    Adam,
    CosineDecay,
    LinearDecay,
    Optimizer,
    StepDecay,
    StepRefused,
)


def run(opt: Optimizer, w: Value, grads: list[float]) -> list[float]:
    """Apply the given gradients one step at a time; the weight after each step."""
    out = []
    for g in grads:
        w.grad = g
        opt.step()
        out.append(w.data)
    return out


# --------------------------------------------------------------------------------------
# SGD, two steps by hand
# --------------------------------------------------------------------------------------


def test_sgd_plain():
    # w = 1, lr = 0.1, grad 2 both times: 1 - 0.2 = 0.8, then 0.8 - 0.2 = 0.6
    w = Value(1.0)
    assert run(SGD([w], lr=0.1), w, [2.0, 2.0]) == pytest.approx([0.8, 0.6])


def test_sgd_momentum():
    # buf = 1 (first step: the gradient itself): w = 1 - 0.1 * 1 = 0.9
    # buf = 0.9 * 1 + 1 = 1.9:                   w = 0.9 - 0.1 * 1.9 = 0.71
    w = Value(1.0)
    assert run(SGD([w], lr=0.1, momentum=0.9), w, [1.0, 1.0]) == pytest.approx([0.9, 0.71])


def test_sgd_nesterov():
    # step 1: buf = 1;   g = 1 + 0.9 * 1   = 1.9;  w = 1 - 0.19     = 0.81
    # step 2: buf = 1.9; g = 1 + 0.9 * 1.9 = 2.71; w = 0.81 - 0.271 = 0.539
    w = Value(1.0)
    opt = SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    assert run(opt, w, [1.0, 1.0]) == pytest.approx([0.81, 0.539])


def test_sgd_weight_decay():
    # zero gradient, wd = 0.5: g = 0.5 w, so w <- w (1 - 0.1 * 0.5) = 0.95 w each step
    w = Value(1.0)
    opt = SGD([w], lr=0.1, weight_decay=0.5)
    assert run(opt, w, [0.0, 0.0]) == pytest.approx([0.95, 0.9025])


# --------------------------------------------------------------------------------------
# Adam, two steps by hand
# --------------------------------------------------------------------------------------


def test_adam_two_steps():
    # lr = 0.1, betas (0.9, 0.999), w = 1
    # step 1, g = 5: m = 0.5, v = 0.025; mhat = 0.5/0.1 = 5, vhat = 0.025/0.001 = 25
    #   w = 1 - 0.1 * 5 / (5 + 1e-8) = 0.9 (to 1e-9)
    # step 2, g = 1: m = 0.45 + 0.1 = 0.55, v = 0.024975 + 0.001 = 0.025975
    #   mhat = 0.55 / (1 - 0.81) = 2.8947368, vhat = 0.025975 / (1 - 0.998001) = 12.9939970
    #   w = 0.9 - 0.1 * 2.8947368 / 3.6047187 = 0.9 - 0.0803041 = 0.8196959
    w = Value(1.0)
    opt = Adam([w], lr=0.1)
    assert run(opt, w, [5.0, 1.0]) == pytest.approx([0.9, 0.8196959], abs=1e-7)
    assert opt.steps == 2


def test_adam_first_step_moves_by_lr_whatever_the_gradient_size():
    # mhat / sqrt(vhat) = g / |g| = sign(g) on step 1
    for g in (1e-3, 1.0, 1e3):
        w = Value(0.0)
        run(Adam([w], lr=0.01), w, [g])
        assert w.data == pytest.approx(-0.01, rel=1e-5)


def test_adam_weight_decay_is_added_to_the_gradient():
    # g = 0 + 0.5 * 2 = 1 on step 1, so the step is -lr * 1/1
    w = Value(2.0)
    run(Adam([w], lr=0.1, weight_decay=0.5), w, [0.0])
    assert w.data == pytest.approx(1.9)


# --------------------------------------------------------------------------------------
# What a step does and does not do
# --------------------------------------------------------------------------------------


def test_step_changes_floats_and_records_no_graph():
    w = Value(1.0)
    loss = w * w  # dL/dw = 2
    loss.backward()
    SGD([w], lr=0.25).step()
    assert w.data == 0.5 and type(w.data) is float
    assert w.parents == () and w.op == ""


def test_step_with_gradients_that_are_values():
    # backward(create_graph=True) leaves Values in .grad; the update still writes floats
    w = Value(3.0)
    (w * w).backward(create_graph=True)
    assert isinstance(w.grad, Value)
    for opt in (SGD([w], lr=0.1, momentum=0.5), Adam([w], lr=0.1)):
        opt.step()
        assert type(w.data) is float


def test_zero_grad_clears_every_parameter():
    ps = [Value(1.0), Value(2.0)]
    (ps[0] * ps[1]).backward()
    opt = SGD(ps, lr=0.1)
    opt.zero_grad()
    assert [p.grad for p in ps] == [0.0, 0.0]


def test_state_dict_round_trip_continues_identically():
    def trajectory(opt_factory, split):
        w = Value(1.0)
        opt = opt_factory([w])
        out = run(opt, w, [1.0, -2.0, 0.5][:split])
        if split < 3:
            state = opt.state_dict()
            w2 = Value(w.data)
            opt2 = opt_factory([w2])
            opt2.load_state_dict(state)
            out += run(opt2, w2, [1.0, -2.0, 0.5][split:])
        return out

    for factory in (
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda ps: Adam(ps, lr=0.05, betas=(0.8, 0.99), weight_decay=0.1),
    ):
        assert trajectory(factory, 1) == trajectory(factory, 3)


def test_state_dict_is_a_copy_of_plain_numbers():
    w = Value(1.0)
    opt = Adam([w], lr=0.1)
    run(opt, w, [1.0])
    state = opt.state_dict()
    assert state["type"] == "Adam" and state["steps"] == 1
    assert state["hyperparameters"] == {
        "lr": 0.1,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
    }
    state["state"]["exp_avg"][0] = 123.0
    assert opt.state_dict()["state"]["exp_avg"][0] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="state is for a 'Adam' optimizer, not 'SGD'"):
        SGD([w], lr=0.1).load_state_dict(state)
    with pytest.raises(ValueError, match="one per parameter"):
        Adam([w, Value(2.0)], lr=0.1).load_state_dict(state)


def test_lr_can_be_changed_between_steps():
    w = Value(1.0)
    opt = SGD([w], lr=0.1)
    opt.lr = 0.5
    run(opt, w, [1.0])
    assert w.data == 0.5
    opt.lr = 0.0  # a schedule may end at zero
    with pytest.raises(ValueError, match="lr must be >= 0, got -1.0"):
        opt.lr = -1.0


# --------------------------------------------------------------------------------------
# Bad hyperparameters name the argument
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda p: SGD(p, lr=0.0), ValueError, "lr must be > 0, got 0.0"),
        (lambda p: SGD(p, lr=-1), ValueError, "lr must be > 0, got -1.0"),
        (lambda p: SGD(p, lr=True), TypeError, "lr must be a real number"),
        (lambda p: SGD(p, lr=math.nan), ValueError, "lr must be a finite number"),
        (lambda p: SGD(p, lr=0.1, momentum=-0.5), ValueError, "momentum must be >= 0"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1), ValueError, "weight_decay must be >= 0"),
        (lambda p: SGD(p, lr=0.1, nesterov=True), ValueError, "nesterov=True needs momentum > 0"),
        (lambda p: SGD(p, lr=0.1, nesterov=1), TypeError, "nesterov must be a bool"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), ValueError, r"betas\[0\] must be in \[0, 1\)"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
        (lambda p: Adam(p, betas=0.9), TypeError, "betas must be a pair"),
        (lambda p: Adam(p, eps=0.0), ValueError, "eps must be > 0"),
        (lambda p: Adam(p, lr=-1e-3), ValueError, "lr must be > 0"),
    ],
)
def test_bad_hyperparameters(make, error, message):
    with pytest.raises(error, match=message):
        make([Value(1.0)])


def test_bad_parameter_lists():
    with pytest.raises(ValueError, match="SGD params is empty"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match=r"Adam params\[1\] must be a Value, got float"):
        Adam([Value(1.0), 2.0])
    with pytest.raises(TypeError, match="got a single Value"):
        SGD(Value(1.0), lr=0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be an iterable of Values, got int"):
        SGD(3, lr=0.1)  # type: ignore[arg-type]
    w = Value(1.0)
    with pytest.raises(ValueError, match=r"params\[1\] appears more than once"):
        SGD([w, w], lr=0.1)


# --------------------------------------------------------------------------------------
# PyTorch parity over several steps of a real objective
# --------------------------------------------------------------------------------------


def _objective(w0, w1, w2):
    # a small non-convex function: (w0 w1 - 1)**2 + (w0 + w2)**2 + 0.1 w1**4
    return (w0 * w1 - 1.0) ** 2 + (w0 + w2) ** 2 + 0.1 * w1**4


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("SGD(ps, lr=0.05)", "torch.optim.SGD(ts, lr=0.05)"),
        ("SGD(ps, lr=0.05, momentum=0.9)", "torch.optim.SGD(ts, lr=0.05, momentum=0.9)"),
        (
            "SGD(ps, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)",
            "torch.optim.SGD(ts, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)",
        ),
        ("Adam(ps, lr=0.05)", "torch.optim.Adam(ts, lr=0.05)"),
        (
            "Adam(ps, lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05)",
            "torch.optim.Adam(ts, lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05)",
        ),
    ],
)
def test_matches_torch_over_several_steps(ours, theirs):
    torch = pytest.importorskip("torch")
    start = [0.5, -1.5, 2.0]
    ps = [Value(x) for x in start]
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    opt = eval(ours, {"SGD": SGD, "Adam": Adam, "ps": ps})
    topt = eval(theirs, {"torch": torch, "ts": ts})
    for _ in range(8):
        opt.zero_grad()
        _objective(*ps).backward()
        opt.step()
        topt.zero_grad()
        _objective(*ts).backward()
        topt.step()
        assert [p.data for p in ps] == pytest.approx([t.item() for t in ts], rel=1e-12, abs=1e-14)


# --------------------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------------------


def test_linear_decay_is_the_micrograd_demo_schedule():
    # micrograd's demo: learning_rate = 1.0 - 0.9 * k / 100 for k = 0..99
    s = LinearDecay(1.0, 0.1, 100)
    assert [s(k) for k in range(100)] == pytest.approx([1.0 - 0.9 * k / 100 for k in range(100)])
    assert s(100) == pytest.approx(0.1) and s(1000) == pytest.approx(0.1)  # flat afterwards


def test_step_and_cosine_decay():
    # step: halve every 10; cosine: 1 -> 0 through 0.5 at the middle
    s = StepDecay(0.8, step_size=10, gamma=0.5)
    assert [s(k) for k in (0, 9, 10, 19, 20)] == [0.8, 0.8, 0.4, 0.4, 0.2]
    c = CosineDecay(1.0, 0.0, 10)
    assert c(0) == 1.0 and c(5) == pytest.approx(0.5) and c(10) == 0.0 and c(20) == 0.0
    assert c(2) == pytest.approx((1 + math.cos(math.pi * 0.2)) / 2)


def test_schedules_refuse_bad_arguments():
    with pytest.raises(ValueError, match="start must be > 0"):
        LinearDecay(0.0, 0.1, 10)
    with pytest.raises(ValueError, match="end must be >= 0"):
        CosineDecay(1.0, -0.1, 10)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        LinearDecay(1.0, 0.1, 0)
    with pytest.raises(TypeError, match="step_size must be an int"):
        StepDecay(1.0, step_size=2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="schedule step k must be >= 0"):
        LinearDecay(1.0, 0.1, 10)(-1)
    with pytest.raises(TypeError, match="schedule step k must be an int"):
        LinearDecay(1.0, 0.1, 10)(1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "make", [lambda ps: SGD(ps, lr=1e10, momentum=0.9), lambda ps: Adam(ps, lr=1e308)]
)
def test_a_step_that_would_overflow_changes_nothing(make):
    # w = 1, grad = 1e300: SGD's w - 1e10 * 1e300 = -inf; Adam's lr 1e308 * ~1 overflows too
    w, v = Value(1.0), Value(2.0)
    opt = make([w, v])
    w.grad, v.grad = 1e300, 1.0
    before = opt.state_dict()
    with pytest.raises(StepRefused, match="parameter 0 to (-inf|nan)"):
        opt.step()
    assert (w.data, v.data) == (1.0, 2.0)
    assert opt.state_dict() == before


def test_huge_but_finite_parameters_are_still_written():
    # w1 = w2 = 1e308 and zero gradients: each new value is finite, though their sum
    # (2e308) overflows; the quick sum test must fall back to checking one by one.
    w1, w2, w3 = Value(1e308), Value(1e308), Value(0.0)
    w3.grad = 1.0
    SGD([w1, w2, w3], lr=0.5).step()  # w3 = 0 - 0.5 * 1 = -0.5
    assert (w1.data, w2.data, w3.data) == (1e308, 1e308, -0.5)


def test_plain_sgd_names_the_parameter_that_would_become_nan():
    # p1 = inf - 0.1 * inf = inf - inf = NaN: refused, nothing written, p1 named.
    p0, p1, p2 = Value(1.0), Value(2.0), Value(3.0)
    p0.grad, p1.grad, p2.grad = 1.0, math.inf, 1.0
    p1.data = math.inf  # as if set by hand
    with pytest.raises(StepRefused, match="parameter 1 to nan"):
        SGD([p0, p1, p2], lr=0.1).step()
    assert (p0.data, p2.data) == (1.0, 3.0)
