"""The course's self-checking exercises (check_value_class has tests of its own).

A check must take a right answer in any reasonable form (a float, an int, a numpy number
or array, a Value, rounded to 3 significant figures), say "close: give more digits" for
one right to 1 or 2 figures only, and answer each known mistake with a hint about that
mistake which gives away neither the answer nor its sign.
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from micrograd_like import MLP, Value
from micrograd_like.data import make_moons, signed_labels
from micrograd_like.exercises import Verdict, check
from micrograd_like.exercises.verdict import _round_sig
from micrograd_like.train import History, fit

# --------------------------------------------------------------------------------------
# The checks of one number
# --------------------------------------------------------------------------------------

# (check, right answer, [(wrong answer, words of its hint)])
NUMBER_CHECKS: list[tuple[str, float, list[tuple[float, str]]]] = [
    # L = (ab + c) f at (2, -3, 10, -2): dL/da = f b = (-2)(-3) = 6
    (
        "chain_rule",
        6.0,
        [(-3.0, "local derivative only"), (-6.0, "sign of every factor"), (-4.0, "dL/db")],
    ),
    # y = x*x + x at 3: 2x + 1 = 7
    ("used_twice", 7.0, [(6.0, "'+ x'"), (4.0, "add up"), (12.0, "y itself")]),
    # tanh(0.5*1 - 0.25*2 + 0.3) = tanh(0.3) = 0.2913
    (
        "neuron_output",
        math.tanh(0.3),
        [(0.0, "bias"), (0.3, "tanh"), (-0.2913, "bias is added"), (0.5744, "sigmoid")],
    ),
    # (1 - tanh(0.3)^2) * x2 = 0.915137 * 2
    ("neuron_weight_grad", 1.830274, [(2.0, "1 - a^2"), (-0.228784, "input's gradient")]),
    # max(0, 1 - (-1)(0.4)) = 1.4
    ("hinge_loss", 1.4, [(0.6, "label y multiplies"), (0.0, "wrong side"), (-0.4, "margin")]),
    # 0.5 - 0.1 * (-2) = 0.7; 0.5 - (-2) = 2.5 forgets lr
    ("sgd_step", 0.7, [(0.3, "SUBTRACTS"), (2.5, "whole gradient"), (20.5, "don't divide")]),
    # errors (0, -1, 2): (0 + 1 + 4) / 3 = 1.667; / 2 = 2.5
    ("mse_value", 5 / 3, [(5.0, "divides by n"), (1.0, "square"), (2.5, "number of samples")]),
    # (2/3) (0 - 1 + 2) = 0.667
    ("mse_bias_grad", 2 / 3, [(1 / 3, "the 2 is missing"), (-2 / 3, "which way round")]),
    # z / 0.5 = (2, 2, 2 + 2 ln 2): (1, 1, 4) / 6 = 0.667
    ("softmax_temperature", 2 / 3, [(0.5, "divide the logits by T"), (0.8, "three")]),
    # 0 -> 1.5 -> 2.25; reusing the first gradient: 0 -> 1.5 -> 3
    (
        "two_steps",
        2.25,
        [(1.5, "one step"), (3.0, "at the new w"), (-3.75, "AGAINST"), (1.3125, "the 2 is")],
    ),
    # the factor 1 - 10 lr reaches -1 at 0.2; 0.19 converges but is not the threshold
    (
        "stability_threshold",
        0.2,
        [(0.1, "lands on the minimum"), (0.19, "threshold itself"), (0.4, "SECOND")],
    ),
    # 8 * 3 + 5 = 29
    ("pixel_index", 29, [(43, "row 5, column 3"), (24, "column 5"), (30, "from 0 as well")]),
    # 65 * 16 + 17 * 10 = 1210
    ("digit_parameters", 1210, [(1184, "bias"), (1040, "output layer"), (1194, "hidden")]),
    # 2 - f'(2) / f''(2) = 2 - 28 / 48 = 1.4167; without the -4: 2 - 32/48 = 1.333
    (
        "newton_step",
        2 - 28 / 48,
        [(2 + 28 / 48, "against the slope"), (-26.0, "lr = 1"), (4 / 3, "the -4 counts")],
    ),
    # (x + 2) e^x at 1 = 3e = 8.155
    ("second_derivative", 3 * math.e, [(2 * math.e, "f'(1)"), (4 * math.e, "THIRD")]),
]
IDS = [c[0] for c in NUMBER_CHECKS]
WHOLE_NUMBERS = {"pixel_index", "digit_parameters"}


def _mentions(message: str, answer: float) -> bool:
    """Whether the message shows the answer, to 2 or more significant digits."""
    shown = {f"{answer:.2g}", f"{answer:.3g}", f"{answer:.4g}", f"{answer:g}"}
    return any(re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", message) for s in shown)


@pytest.mark.parametrize("name, right, mistakes", NUMBER_CHECKS, ids=IDS)
def test_a_right_answer_is_right_in_every_form(name: str, right: float, mistakes: Any):
    fn = getattr(check, name)
    forms = [
        right,
        _round_sig(right, 3),  # a hand calculation to 3 significant figures
        np.float64(right),  # numpy numbers have a .data of their own: a memory buffer
        np.float32(right),
        np.array(right),  # a 0-d array
        np.array([right]),  # an array of one number
        Value(right),  # a Value counts as its number
    ]
    if name in WHOLE_NUMBERS:
        forms += [int(right), np.int64(right), Fraction(int(right))]
    for form in forms:
        verdict = fn(form)
        assert verdict and verdict.status == "right", (form, str(verdict))


@pytest.mark.parametrize("name, right, mistakes", NUMBER_CHECKS, ids=IDS)
def test_a_known_mistake_gets_its_own_hint(name: str, right: float, mistakes: Any):
    fn = getattr(check, name)
    for wrong, words in mistakes:
        verdict = fn(wrong)
        assert not verdict and verdict.status == "wrong"
        assert words in str(verdict), (wrong, str(verdict))
        assert not _mentions(str(verdict), right), str(verdict)
        if math.isclose(wrong, -right):  # a sign slip: the hint must not say the sign
            assert not re.search(r"positive|negative \w+ (gradient|answer)", str(verdict))
    far_off = fn(right * 7 + 123.0)
    assert not far_off and "Hint" in str(far_off)
    assert not _mentions(str(far_off), right)


@pytest.mark.parametrize("name, right, mistakes", NUMBER_CHECKS, ids=IDS)
def test_unanswered_and_malformed_answers_say_so(name: str, right: float, mistakes: Any):
    fn = getattr(check, name)
    unanswered = fn(None)
    assert not unanswered and unanswered.status == "not answered"
    assert str(unanswered).startswith("not answered yet")
    assert "one number" in str(fn("6"))
    assert "finite" in str(fn(float("nan")))
    assert "True or False" in str(fn(True))
    assert "complex" in str(fn(1 + 2j))
    assert "array of shape (2,)" in str(fn(np.array([right, right])))


def test_three_significant_figures_means_a_relative_error_of_5e_3():
    # 5/3 = 1.6667: 1.67 is right, so is 1.66 (0.4% off); 1.64 (1.6% off) is not
    assert check.mse_value(1.67) and check.mse_value(1.66)
    assert not check.mse_value(1.64)
    # 2 - 28/48 = 1.41667: 1.42 and 1.41 are right; 1.40 is close, not right
    assert check.newton_step(1.42) and check.newton_step(1.41)
    assert "close" in str(check.newton_step(1.40))
    # tanh(0.3) = 0.29131: 0.291 is right, 0.29 too (0.45% off)
    assert check.neuron_output(0.291) and check.neuron_output(0.29)


@pytest.mark.parametrize("name, right, mistakes", NUMBER_CHECKS, ids=IDS)
def test_an_answer_right_to_fewer_figures_is_close(name: str, right: float, mistakes: Any):
    if name in WHOLE_NUMBERS:  # a count is exact: 1209 is not "close" to 1210
        assert not getattr(check, name)(right - 1) and "close" not in str(
            getattr(check, name)(right - 1)
        )
        return
    fn = getattr(check, name)
    known = [w for w, _ in mistakes]
    for digits in (1, 2):
        short = _round_sig(right, digits)
        if fn(short) or any(math.isclose(short, w, rel_tol=5e-3) for w in known):
            continue  # still right to 3 figures, or a known mistake with a hint of its own
        assert "close" in str(fn(short)) and "more digits" in str(fn(short)), (short, fn(short))
        assert not _mentions(str(fn(short)), right)


def test_the_known_mistakes_are_not_mistaken_for_right_answers():
    for name, right, mistakes in NUMBER_CHECKS:
        for wrong, _ in mistakes:
            assert not math.isclose(wrong, right, rel_tol=1e-2), name


def test_the_threshold_is_asked_for_not_a_rate_below_it():
    # L = 5 (w - 1)^2: each step multiplies the gap by 1 - 10 lr, which is -1 at lr = 0.2
    assert check.stability_threshold(0.2) and check.stability_threshold(0.199)
    for below in (0.15, 0.19, 0.198):
        assert "threshold itself" in str(check.stability_threshold(below))
    assert not check.stability_threshold(0.25)


# --------------------------------------------------------------------------------------
# The checks of several numbers
# --------------------------------------------------------------------------------------


def test_collapsed_layer():
    # W = W2 W1 = [[2*1 + (-1)*0, 2*2 + (-1)(-1)]] = [[2, 5]], c = W2 b1 + b2 = [2.5]
    for W, c in [([[2, 5]], [2.5]), (np.array([[2.0, 5.0]]), np.array([2.5])), ([2, 5], 2.5)]:
        assert check.collapsed_layer(W, c), (W, c)
    assert check.collapsed_layer([[Value(2.0), np.float64(5.0)]], [Value(2.5)])
    assert check.collapsed_layer(None, None).status == "not answered"
    assert "b2" in str(check.collapsed_layer([[2, 5]], [2.0]))
    assert "W2 b1" in str(check.collapsed_layer([[2, 5]], [0.5]))
    # (-1)(-1) taken as -1: 4 - 1 = 3, a sign slip
    assert "signs" in str(check.collapsed_layer([[2, 3]], [2.5]))
    # W2 times the ROWS of W1: [2*1 - 1*2, 2*0 - 1*(-1)] = [0, 1]
    assert "COLUMN" in str(check.collapsed_layer([[0, 1]], [2.5]))
    assert "shape is (outputs, inputs)" in str(check.collapsed_layer([[2], [5]], [2.5]))
    assert not check.collapsed_layer([[1, 1]], [2.5])


def test_softmax_probs():
    # softmax(1, 1, 1 + ln 2) = (e, e, 2e) / 4e = (1/4, 1/4, 1/2)
    for form in ([0.25, 0.25, 0.5], np.array([0.25, 0.25, 0.5]), (0.25, 0.25, 0.5)):
        assert check.softmax_probs(form)
    assert check.softmax_probs([Value(0.25), np.float32(0.25), Fraction(1, 2)])
    assert "exponentiate" in str(
        check.softmax_probs([z / (3 + math.log(2)) for z in (1, 1, 1 + math.log(2))])
    )
    assert "sum to 1" in str(check.softmax_probs([0.5, 0.5, 0.5]))
    assert "3 numbers" in str(check.softmax_probs([0.5, 0.5]))
    # the right numbers in the wrong order are not an exponent mistake
    wrong_order = str(check.softmax_probs([0.5, 0.25, 0.25]))
    assert "wrong order" in wrong_order and "multiple of e" not in wrong_order
    assert "close" in str(check.softmax_probs([0.25, 0.25, 0.49]))
    assert "close" in str(check.softmax_probs([0.3, 0.3, 0.5]))  # each rounded to 1 figure


def test_cross_entropy_grad():
    # dL/dz = p - one_hot(2) = (0.25, 0.25, 0.5 - 1)
    assert check.cross_entropy_grad([0.25, 0.25, -0.5])
    assert check.cross_entropy_grad(np.array([0.25, 0.25, -0.5]))
    flipped = str(check.cross_entropy_grad([-0.25, -0.25, 0.5]))
    assert "p - one_hot" in flipped and not re.search(r"\bUP\b|negative|positive", flipped)
    assert "subtract 1" in str(check.cross_entropy_grad([0.25, 0.25, 0.5]))
    assert "count from 0" in str(check.cross_entropy_grad([0.25, -0.75, 0.5]))


def test_sigmoid():
    # z = ln 3: e^-z = 1/3, s = 1 / (1 + 1/3) = 3/4, s' = s (1 - s) = 3/16
    assert check.sigmoid(0.75, 0.1875) and check.sigmoid(np.float64(0.75), Value(3 / 16))
    assert check.sigmoid(0.75, 0.188)  # 3 significant figures
    assert check.sigmoid(None, 0.1875).status == "not answered"
    assert "Hint (value)" in str(check.sigmoid(1 / 3, 0.1875))  # e^-z alone
    assert "minus in the exponent" in str(check.sigmoid(3.0, 0.1875))
    assert "tanh's pattern" in str(check.sigmoid(0.75, 1 - 0.75**2))
    assert "multiply by s" in str(check.sigmoid(0.75, 0.25))
    assert "close" in str(check.sigmoid(0.75, 0.19))
    assert not _mentions(str(check.sigmoid(0.75, 0.5)), 0.1875)


def test_layer_shapes():
    # Layer(64, 16): W is (16, 64); an 8 x 8 image flattened is (64,); 32 of them (32, 64);
    # their outputs (32, 64) times W transposed (64, 16): (32, 16)
    assert check.layer_shapes((16, 64), (64,), (32, 64), (32, 16))
    assert check.layer_shapes([16, 64], 64, np.array([32, 64]), (np.int64(32), 16))
    assert check.layer_shapes(None, None, None, None).status == "not answered"
    assert "ROW per neuron" in str(check.layer_shapes((64, 16), (64,), (32, 64), (32, 16)))
    assert "flattened" in str(check.layer_shapes((16, 64), (8, 8), (32, 64), (32, 16)))
    assert "one row per sample" in str(check.layer_shapes((16, 64), (64,), (64, 32), (32, 16)))
    assert "ONE input" in str(check.layer_shapes((16, 64), (64,), (32, 64), (16,)))
    assert "whole numbers" in str(check.layer_shapes((16, 64.5), (64,), (32, 64), (32, 16)))


# --------------------------------------------------------------------------------------
# The checks answered with names
# --------------------------------------------------------------------------------------


def test_features_and_labels():
    # the model reads area, rooms, floor and distance, and predicts the rent
    assert check.features_and_labels(["area", "rooms", "floor", "distance"], "rent")
    assert check.features_and_labels(("Distance", " floor", "ROOMS", "area"), ["rent"])
    assert check.features_and_labels(None, "rent").status == "not answered"
    both = str(check.features_and_labels(["area", "rooms", "floor", "distance", "rent"], "rent"))
    assert "handed the answer" in both
    assert "What should the model predict" in str(
        check.features_and_labels(["rooms", "floor", "distance", "rent"], "area")
    )
    assert "1 column(s)" in str(check.features_and_labels(["area", "rooms", "floor"], "rent"))
    assert "not a column" in str(check.features_and_labels(["size"], "rent"))
    assert "ONE column" in str(check.features_and_labels(["area"], ["rent", "rooms"]))


def test_output_and_loss():
    number, two, ten = (1, "linear", "mse"), (1, "sigmoid", "bce"), (10, "softmax", "cross_entropy")
    assert check.output_and_loss(number, two, ten)
    # every reasonable choice for two and for ten classes
    for spam in [
        (1, "linear", "binary_cross_entropy_with_logits"),
        (1, "linear", "hinge"),
        (2, "softmax", "cross_entropy"),
        (2, "linear", "cross_entropy"),
    ]:
        assert check.output_and_loss(number, spam, ten), spam
    assert check.output_and_loss(number, two, (10, "linear", "cross_entropy"))
    assert check.output_and_loss(number, two, (np.int64(10), "Softmax", "cross_entropy_from_probs"))

    def hint(temperature=number, spam=two, digit=ten):
        return str(check.output_and_loss(temperature, spam, digit))

    assert "squashes" in hint(temperature=(1, "sigmoid", "mse"))
    assert "not a class" in hint(temperature=(1, "linear", "hinge"))
    assert "applied twice" in hint(spam=(1, "sigmoid", "binary_cross_entropy_with_logits"))
    assert "needs a probability" in hint(spam=(1, "linear", "binary_cross_entropy"))
    assert "how far apart" in hint(spam=(1, "linear", "mse"))
    assert "always 1" in hint(spam=(1, "softmax", "binary_cross_entropy"))
    assert "one output per class: 10" in hint(digit=(3, "softmax", "cross_entropy"))
    assert "share 1" in hint(digit=(10, "sigmoid", "cross_entropy"))
    assert "for two classes" in hint(digit=(1, "sigmoid", "binary_cross_entropy"))
    assert "not an output activation" in hint(digit=(10, "relu", "cross_entropy"))
    assert "not a loss" in hint(digit=(10, "softmax", "log_loss"))
    assert "three things" in hint(digit=("softmax", "cross_entropy"))


# --------------------------------------------------------------------------------------
# The checks answered with a trained model, a History or a function
# --------------------------------------------------------------------------------------


def test_straight_line_on_moons():
    X, y01 = make_moons(100, noise=0.1, seed=0)
    y = signed_labels(y01)
    line = MLP(2, [1], seed=0)
    fit(line, X, y, loss="hinge", lr=0.1, epochs=30, progress=False)
    assert check.straight_line_on_moons(line)
    assert "hidden layer" in str(check.straight_line_on_moons(MLP(2, [4, 1], seed=0)))
    flat = MLP(2, [1])
    flat.load_state_dict({k: 0.0 for k in flat.state_dict()})  # score 0: all one class
    assert "trained" in str(check.straight_line_on_moons(flat))
    assert check.straight_line_on_moons(None).status == "not answered"


def test_one_hidden_neuron():
    xs = [-3 + 6 * i / 29 for i in range(30)]
    X, y = [[x] for x in xs], [math.sin(x) for x in xs]
    model = MLP(1, [1, 1], activation="tanh", seed=0)
    fit(model, X, y, loss="mse", optimizer="adam", lr=0.05, epochs=100, progress=False)
    assert check.one_hidden_neuron(model, X, y)
    assert "MLP(1, [1, 1]" in str(check.one_hidden_neuron(MLP(1, [8, 1]), X, y))
    relu = MLP(1, [1, 1], seed=0)
    assert "tanh" in str(check.one_hidden_neuron(relu, X, y))
    # untrained, its gradient is far from 0: with seed 2 its mse is already low (0.06)
    # but it is not at a minimum
    untrained = MLP(1, [1, 1], activation="tanh", seed=2)
    verdict = check.one_hidden_neuron(untrained, X, y)
    assert not verdict and "still falling" in str(verdict)
    assert all(p.grad == 0.0 for p in untrained.parameters())  # the check leaves no grads


def _moons_run(make_optimizer: Any, seed: int = 1, epochs: int = 60) -> History:
    """Notebook 06's comparison: the same network, from MLP(..., seed=1)'s weights."""
    X, y = make_moons(100, noise=0.1, seed=0)
    net = MLP(2, [16, 16, 1], seed=seed)
    return fit(
        net, X, y, loss="binary_cross_entropy_with_logits",
        optimizer=make_optimizer(net.parameters()), epochs=epochs, progress=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def sgd_baseline() -> History:
    from micrograd_like.optim import SGD

    return _moons_run(lambda p: SGD(p, lr=0.05))


def test_retuned_sgd_is_plain_sgd_from_the_same_start(sgd_baseline: History):
    from micrograd_like.optim import SGD, Adam

    # plain SGD at lr 1.0, from the same start, ends far lower (0.0245 against 0.319)
    assert check.retuned_sgd(_moons_run(lambda p: SGD(p, lr=1.0)), sgd_baseline)
    # an Adam run, SGD with momentum, or other starting weights is not retuned SGD
    adam = check.retuned_sgd(_moons_run(lambda p: Adam(p, lr=0.1)), sgd_baseline)
    assert not adam and "not Adam" in str(adam)
    momentum = _moons_run(lambda p: SGD(p, lr=0.3, momentum=0.9))
    assert "without momentum" in str(check.retuned_sgd(momentum, sgd_baseline))
    elsewhere = check.retuned_sgd(_moons_run(lambda p: SGD(p, lr=1.0), seed=5), sgd_baseline)
    assert not elsewhere and "start from `initial`" in str(elsewhere)
    other_baseline = _moons_run(lambda p: SGD(p, lr=0.05), seed=5)
    assert "saved start" in str(
        check.retuned_sgd(_moons_run(lambda p: SGD(p, lr=1.0)), other_baseline)
    )
    # too large a rate: lr 3.0 ends at 0.36, above the baseline
    overshoot = check.retuned_sgd(_moons_run(lambda p: SGD(p, lr=3.0)), sgd_baseline)
    assert not overshoot and "overshoot" in str(overshoot) and "0.2" not in str(overshoot)
    assert "raise the learning rate" in str(check.retuned_sgd(sgd_baseline, sgd_baseline))
    short = _moons_run(lambda p: SGD(p, lr=1.0), epochs=5)
    assert "60 epochs" in str(check.retuned_sgd(short, sgd_baseline))
    assert check.retuned_sgd(None, sgd_baseline).status == "not answered"


def _train(model: Any, X: Any, y: Any, lr: float, epochs: int) -> None:
    from micrograd_like.losses import mse

    for _ in range(epochs):
        loss = mse([model(x) for x in X], y)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad


def test_training_loop_right_and_its_classic_mistakes():
    from micrograd_like.losses import mse
    from micrograd_like.train import fit as library_fit

    assert check.training_loop(_train)
    assert check.training_loop(
        lambda model, X, y, lr, epochs: library_fit(
            model, X, y, loss="mse", lr=lr, epochs=epochs, progress=False
        )
    )

    def no_zero_grad(model, X, y, lr, epochs):
        for _ in range(epochs):
            mse([model(x) for x in X], y).backward()
            for p in model.parameters():
                p.data -= lr * p.grad

    def zero_grad_too_late(model, X, y, lr, epochs):
        for _ in range(epochs):
            mse([model(x) for x in X], y).backward()
            model.zero_grad()
            for p in model.parameters():
                p.data -= lr * p.grad

    def uphill(model, X, y, lr, epochs):
        _train(model, X, y, -lr, epochs)

    def without_lr(model, X, y, lr, epochs):
        _train(model, X, y, 1.0, epochs)

    def one_epoch(model, X, y, lr, epochs):
        _train(model, X, y, lr, 1)

    def summed(model, X, y, lr, epochs):
        _train(model, X, y, lr * len(X), epochs)

    def per_sample(model, X, y, lr, epochs):
        for _ in range(epochs):
            for x, t in zip(X, y):
                _train(model, [x], [t], lr, 1)

    def crashes(model, X, y, lr, epochs):
        raise ValueError("not written yet")

    hints = {
        no_zero_grad: "pile up",
        zero_grad_too_late: "BEFORE backward",
        uphill: "against the gradient",
        without_lr: ("learning rate is missing", "no longer finite"),
        one_epoch: "only one step",
        summed: ("MEAN squared error", "no longer finite"),
        crashes: "ValueError: not written yet",
        (lambda model, X, y, lr, epochs: None): "did not change",
    }
    for train, words in hints.items():
        verdict = str(check.training_loop(train))
        assert not check.training_loop(train)
        assert any(w in verdict for w in ([words] if isinstance(words, str) else words)), verdict
    assert check.training_loop(per_sample)  # stochastic gradient descent trains too
    assert "the function itself" in str(check.training_loop("train"))
    assert check.training_loop(None).status == "not answered"


def test_verdicts_print_as_their_message():
    verdict: Any = check.sgd_step(0.7)
    assert isinstance(verdict, Verdict)
    assert repr(verdict) == str(verdict) == verdict.message
    assert repr(verdict).startswith("right!")


# --------------------------------------------------------------------------------------
# The notebooks: every exercise has a placeholder and a solution that passes its check
# --------------------------------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CALL = re.compile(r"\bcheck\.(\w+)\(")


def _code(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_every_exercise_is_checked_and_has_a_tested_solution():
    asked: dict[str, str] = {}
    for path in sorted(NOTEBOOKS.glob("0*.ipynb")):
        for source in _code(path):
            for name in CALL.findall(source):
                asked[name] = path.name
                assert "= None" in source, f"{path.name}: check.{name} without a placeholder"
    solutions = "\n".join(_code(NOTEBOOKS / "solutions.ipynb"))
    solved = set(re.findall(r"assert check\.(\w+)\(", solutions))
    assert set(asked) == solved, {n: asked.get(n) for n in set(asked) ^ solved}
    methods = {n for n in dir(check) if not n.startswith("_")}
    assert set(asked) == methods  # no check without its exercise
    per_notebook = {p: sum(1 for n in asked if asked[n] == p) for p in set(asked.values())}
    assert len(per_notebook) == 8 and all(2 <= k <= 5 for k in per_notebook.values())
    assert "assert report and not report.missing and not report.warnings" in solutions
