"""The course's self-checking exercises (check_value_class has tests of its own)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from micrograd_like import MLP, Value
from micrograd_like.data import make_moons, signed_labels
from micrograd_like.exercises import Verdict, check
from micrograd_like.train import History, fit

# --------------------------------------------------------------------------------------
# The notebook checks
# --------------------------------------------------------------------------------------

# (check, right answer, [(wrong answer, words of its hint)]); answers are argument tuples
NUMBER_CHECKS: list[tuple[str, float, list[tuple[float, str]]]] = [
    # L = (ab + c) f at (2, -3, 10, -2): dL/da = f b = 6
    ("chain_rule", 6.0, [(-3.0, "local derivative only"), (-6.0, "sign")]),
    # y = x*x + x at 3: 2x + 1 = 7
    ("used_twice", 7.0, [(6.0, "'+ x'"), (4.0, "add up")]),
    # tanh(0.5*1 - 0.25*2 + 0.3) = tanh(0.3)
    ("neuron_output", math.tanh(0.3), [(0.0, "bias"), (0.3, "tanh"), (-0.2913, "sign")]),
    # (1 - tanh(0.3)^2) * x2 = 0.915137 * 2
    ("neuron_weight_grad", 1.830274, [(2.0, "1 - a^2"), (-0.228784, "input's gradient")]),
    # max(0, 1 - (-1)(0.4)) = 1.4
    ("hinge_loss", 1.4, [(0.6, "flips the sign"), (0.0, "wrong side")]),
    # 0.5 - 0.1 * (-2) = 0.7
    ("sgd_step", 0.7, [(0.3, "uphill")]),
    # errors (0, -1, 2): (0 + 1 + 4) / 3
    ("mse_value", 5 / 3, [(5.0, "divides by n"), (1.0, "square")]),
    # (2/3) (0 - 1 + 2)
    ("mse_bias_grad", 2 / 3, [(1 / 3, "the 2 is missing"), (-2 / 3, "sign")]),
    # z / 0.5 = (2, 2, 2 + 2 ln 2): (1, 1, 4) / 6
    ("softmax_temperature", 2 / 3, [(0.5, "divide the logits by T"), (0.8, "1 + 1 + 4")]),
    # 0 -> 1.5 -> 2.25
    ("two_steps", 2.25, [(1.5, "one step"), (-2.25, "against the gradient")]),
    # 2 / L'' = 2 / 10
    ("largest_stable_lr", 0.2, [(0.1, "twice that"), (0.4, "SECOND derivative")]),
    # 8 * 3 + 5
    ("pixel_index", 29, [(43, "row 5, column 3"), (24, "column 5")]),
    # 65 * 16 + 17 * 10
    ("digit_parameters", 1210, [(1184, "bias"), (1040, "output layer")]),
    # 2 - f'(2) / f''(2) = 2 - 28 / 48
    ("newton_step", 2 - 28 / 48, [(2 + 28 / 48, "against the slope"), (-26.0, "lr = 1")]),
    # (x + 2) e^x at 1
    ("second_derivative", 3 * math.e, [(2 * math.e, "f'(1)")]),
]


def _mentions(message: str, answer: float) -> bool:
    """Whether the message shows the answer, to 2 or more significant digits."""
    shown = {f"{answer:.2g}", f"{answer:.3g}", f"{answer:.4g}", f"{answer:g}"}
    return any(re.search(rf"(?<![\d.]){re.escape(s)}(?![\d])", message) for s in shown)


@pytest.mark.parametrize("name, right, mistakes", NUMBER_CHECKS, ids=[c[0] for c in NUMBER_CHECKS])
def test_a_number_check(name: str, right: float, mistakes: list[tuple[float, str]]):
    fn = getattr(check, name)
    assert fn(right) and fn(right).status == "right"
    assert fn(round(right, 3))  # a hand calculation to 3 decimals is right
    assert fn(Value(right))  # a Value counts as its number
    unanswered = fn(None)
    assert not unanswered and unanswered.status == "not answered"
    assert str(unanswered).startswith("not answered yet")
    for wrong, words in mistakes:
        verdict = fn(wrong)
        assert not verdict and verdict.status == "wrong"
        assert words in str(verdict), (wrong, str(verdict))
        assert not _mentions(str(verdict), right), str(verdict)
    far_off = fn(right * 7 + 123.0)
    assert not far_off and "Hint" in str(far_off)
    assert not _mentions(str(far_off), right)
    assert "one number" in str(fn("6"))
    assert "finite" in str(fn(float("nan")))


def test_the_known_mistakes_are_not_mistaken_for_right_answers():
    for name, right, mistakes in NUMBER_CHECKS:
        for wrong, _ in mistakes:
            assert not math.isclose(wrong, right, rel_tol=1e-2), name


def test_collapsed_layer():
    # W = W2 W1 = [[2, 5]], c = W2 b1 + b2 = [2.5]
    assert check.collapsed_layer([[2, 5]], [2.5])
    assert check.collapsed_layer(None, None).status == "not answered"
    assert "b2" in str(check.collapsed_layer([[2, 5]], [2.0]))
    assert "W2 b1" in str(check.collapsed_layer([[2, 5]], [0.5]))
    assert "COLUMN" in str(check.collapsed_layer([[2, 3]], [2.5]))
    assert "shape is (outputs, inputs)" in str(check.collapsed_layer([[2], [5]], [2.5]))
    assert not check.collapsed_layer([[1, 1]], [2.5])


def test_softmax_checks():
    # softmax(1, 1, 1 + ln 2) = (e, e, 2e) / 4e
    assert check.softmax_probs([0.25, 0.25, 0.5])
    assert "exponentiate" in str(
        check.softmax_probs([z / (3 + math.log(2)) for z in (1, 1, 1 + math.log(2))])
    )
    assert "sum to 1" in str(check.softmax_probs([0.5, 0.5, 0.5]))
    assert "3 numbers" in str(check.softmax_probs([0.5, 0.5]))
    # dL/dz = p - one_hot(2)
    assert check.cross_entropy_grad([0.25, 0.25, -0.5])
    assert "sign" in str(check.cross_entropy_grad([-0.25, -0.25, 0.5]))
    assert "subtract 1" in str(check.cross_entropy_grad([0.25, 0.25, 0.5]))


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


def _history(lr: float, losses: list[float]) -> History:
    return History(loss=losses, lr=[lr] * len(losses), epochs=len(losses))


def test_retuned_sgd():
    baseline = _history(0.05, [0.7, 0.5, 0.4])
    assert check.retuned_sgd(_history(0.3, [0.7, 0.3, 0.1]), baseline)
    assert "raise the learning rate" in str(check.retuned_sgd(_history(0.05, [0.1] * 3), baseline))
    assert "overshoots" in str(check.retuned_sgd(_history(5.0, [0.7, 2.0, 3.0]), baseline))
    assert "epochs" in str(check.retuned_sgd(_history(0.3, [0.1] * 5), baseline))
    assert check.retuned_sgd(None, baseline).status == "not answered"


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
    assert len(per_notebook) == 8 and all(2 <= k <= 3 for k in per_notebook.values())
    assert "assert report and not report.missing and not report.warnings" in solutions
