"""Exercises that check themselves, for the course notebooks.

Each notebook ends a section with an exercise and a check cell::

    from micrograd_like.exercises import check

    my_answer = None               # replace None with your answer
    check.neuron_output(my_answer)

A check returns a :class:`Verdict`. It is truthy only when the answer is right. When it
is wrong, its message gives a hint aimed at the likely mistake (a forgotten bias, a sign,
a missing chain-rule term) and never the answer. ``None`` means "not answered yet": the
check says so and raises nothing, so a notebook with its placeholders still runs.

>>> check.neuron_output(None)
not answered yet: replace None with your number for a = tanh(w . x + b)
>>> bool(check.neuron_output(0.3))
False

:func:`check_value_class` runs our worked examples (the hand-derived numbers of the test
suite) on a ``Value`` class you wrote yourself, as in notebook 09.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from micrograd_like.examples import readme_expression

__all__ = [
    "CheckOutcome",
    "ValueClassReport",
    "Verdict",
    "check",
    "check_value_class",
]


# --------------------------------------------------------------------------------------
# A verdict, and the checks of numbers and lists of numbers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: ``status`` is "right", "wrong" or "not answered".

    Truthy only when right, so ``assert check.neuron_output(a)`` works in a solution.
    """

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == "right"

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def _not_answered(exercise: str, what: str) -> Verdict:
    return Verdict(exercise, "not answered", f"not answered yet: replace None with {what}")


def _right(exercise: str, note: str) -> Verdict:
    return Verdict(exercise, "right", f"right! {note}")


def _wrong(exercise: str, hint: str) -> Verdict:
    return Verdict(exercise, "wrong", f"not right yet. Hint: {hint}")


def _close(a: float, b: float) -> bool:
    """Equal to the precision of a hand calculation: 3 significant digits."""
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-3)


def _as_number(answer: object) -> float | str:
    """The answer as a float, or a sentence saying why it is not a number.

    A Value (anything with a numeric ``.data``) counts as its ``.data``.
    """
    data = getattr(answer, "data", answer)
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        return f"the answer should be one number, got {type(answer).__name__} {answer!r}"
    x = float(data)
    if not math.isfinite(x):
        return f"the answer should be a finite number, got {x!r}"
    return x


Mistakes = Sequence[tuple[float, str]]


def _number(
    exercise: str, answer: object, expected: float, mistakes: Mistakes, hint: str, note: str
) -> Verdict:
    """Compare one number; a wrong one close to a known mistake gets that mistake's hint."""
    if answer is None:
        return _not_answered(exercise, "your number")
    x = _as_number(answer)
    if isinstance(x, str):
        return _wrong(exercise, x)
    if _close(x, expected):
        return _right(exercise, note)
    for value, mistake_hint in mistakes:
        if _close(x, value):
            return _wrong(exercise, mistake_hint)
    return _wrong(exercise, hint)


def _as_numbers(answer: object, n: int) -> list[float] | str:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Sequence):
        return f"the answer should be a list of {n} numbers, got {type(answer).__name__}"
    if len(answer) != n:
        return f"the answer should be a list of {n} numbers, got {len(answer)}"
    out = []
    for i, a in enumerate(answer):
        x = _as_number(a)
        if isinstance(x, str):
            return f"item [{i}]: {x}"
        out.append(x)
    return out


def _numbers(
    exercise: str,
    answer: object,
    expected: Sequence[float],
    mistakes: Sequence[tuple[Sequence[float], str]],
    hint: Callable[[list[float]], str],
    note: str,
) -> Verdict:
    """Compare a list of numbers; ``hint`` sees the answer when no known mistake matches."""
    if answer is None:
        return _not_answered(exercise, f"your list of {len(expected)} numbers")
    xs = _as_numbers(answer, len(expected))
    if isinstance(xs, str):
        return _wrong(exercise, xs)
    if all(_close(x, e) for x, e in zip(xs, expected)):
        return _right(exercise, note)
    for values, mistake_hint in mistakes:
        if all(_close(x, v) for x, v in zip(xs, values)):
            return _wrong(exercise, mistake_hint)
    return _wrong(exercise, hint(xs))


def _flat_matrix(answer: object, rows: int, cols: int) -> list[float] | str:
    if isinstance(answer, (str, bytes)) or not isinstance(answer, Sequence):
        return f"W should be a list of {rows} rows, got {type(answer).__name__}"
    if len(answer) != rows:
        return (
            f"W should have {rows} row(s), one per output, got {len(answer)}: "
            "its shape is (outputs, inputs)"
        )
    flat: list[float] = []
    for j, row in enumerate(answer):
        xs = _as_numbers(row, cols)
        if isinstance(xs, str):
            return f"W[{j}]: {xs} (one per input)"
        flat.extend(xs)
    return flat


def _mse_and_gradient_norm(model: Any, X: Any, y: Any) -> tuple[float, float]:
    """The model's mse on (X, y) and the length of its gradient: near 0 once trained."""
    from micrograd_like.losses import mse

    loss = mse([model(x) for x in X], y)
    model.zero_grad()
    loss.backward()
    norm = math.sqrt(sum(p.grad**2 for p in model.parameters()))
    model.zero_grad()
    return loss.data, norm


# --------------------------------------------------------------------------------------
# The numbers of the exercises, worked out by hand
# --------------------------------------------------------------------------------------

# 02: x = (1, 2), w = (0.5, -0.25), b = 0.3; z = 0.5 - 0.5 + 0.3 = 0.3; a = tanh 0.3
_N_X, _N_W, _N_B = (1.0, 2.0), (0.5, -0.25), 0.3
_N_Z = 0.3
_N_A = math.tanh(_N_Z)  # 0.2913126...
# da/dw2 = (1 - a^2) x2 = 0.91513695 * 2 = 1.8302739...
_N_DA_DW2 = (1.0 - _N_A**2) * _N_X[1]

# 02: W1 = [[1, 2], [0, -1]], b1 = [1, 0], W2 = [[2, -1]], b2 = [0.5]
# W = W2 W1 = [[2*1 + (-1)*0, 2*2 + (-1)(-1)]] = [[2, 5]]
# c = W2 b1 + b2 = [2*1 + (-1)*0 + 0.5] = [2.5]
_COLLAPSED_W, _COLLAPSED_C = [2.0, 5.0], [2.5]

# 05: logits z = (1, 1, 1 + ln 2): e^z = (e, e, 2e), total 4e, p = (1/4, 1/4, 1/2)
_SOFTMAX_Z = (1.0, 1.0, 1.0 + math.log(2.0))
_SOFTMAX_P = (0.25, 0.25, 0.5)


def _softmax(zs: Sequence[float]) -> list[float]:
    m = max(zs)
    es = [math.exp(z - m) for z in zs]
    return [e / sum(es) for e in es]


class Checks:
    """The check of every exercise in the course, one method per exercise.

    Each takes your answer (``None`` until you have one) and returns a :class:`Verdict`.
    """

    # ---- 01 values and graphs ---------------------------------------------------------

    def chain_rule(self, dL_da: object) -> Verdict:
        """01: dL/da for L = (a*b + c)*f at a = 2, b = -3, c = 10, f = -2.

        >>> bool(check.chain_rule(6.0))
        True
        """
        # e = ab = -6, h = e + c = 4, L = h f = -8
        # dL/dh = f = -2; dL/de = -2 * 1 = -2; dL/da = -2 * b = -2 * -3 = 6
        return _number(
            "chain_rule",
            dL_da,
            6.0,
            [
                (
                    -3.0,
                    "-3 is de/da (= b), the local derivative only. Multiply it by the "
                    "gradient that reached e (chain rule).",
                ),  # fmt: skip
                (
                    -6.0,
                    "check the sign: the two negative numbers on the way from L to a "
                    "multiply to a positive one.",
                ),  # fmt: skip
                (
                    -2.0,
                    "-2 is dL/de, the gradient that reached e. One more step: times the "
                    "local derivative de/da.",
                ),  # fmt: skip
                (4.0, "4 is dL/df (= h). For a, walk back through h and e to a."),
            ],
            "walk back from L one node at a time: dL/dh, then dL/de, then dL/da, each "
            "the previous gradient times the local derivative.",
            "Two negative factors, f and b, give a positive gradient.",
        )

    def used_twice(self, dy_dx: object) -> Verdict:
        """01: dy/dx for y = x*x + x at x = 3.

        >>> bool(check.used_twice(7))
        True
        """
        # x appears three times: each factor of x*x gives the other factor (3 + 3), and
        # the "+ x" gives 1: dy/dx = 2x + 1 = 7
        return _number(
            "used_twice",
            dy_dx,
            7.0,
            [
                (6.0, "6 counts the product x*x but forgets the path through '+ x'."),
                (
                    4.0,
                    "one factor of x*x seems to be missing: each of the two factors "
                    "contributes the other one, and contributions add up.",
                ),  # fmt: skip
                (3.0, "gradients from every use of x add up: there are three uses."),
                (1.0, "that is only the '+ x' path; x*x contributes too."),
            ],
            "x is used three times (twice in x*x, once in + x). Add the three contributions.",
            "2x + 1: each use of x contributes, and the contributions add up.",
        )

    # ---- 02 a neuron ------------------------------------------------------------------

    def neuron_output(self, a: object) -> Verdict:
        """02: a = tanh(w . x + b) for x = (1, 2), w = (0.5, -0.25), b = 0.3."""
        if a is None:
            return _not_answered("neuron_output", "your number for a = tanh(w . x + b)")
        return _number(
            "neuron_output",
            a,
            _N_A,
            [
                (0.0, "that is tanh of the dot product alone: did you forget the bias?"),
                (_N_Z, "0.3 is z, before the activation. Apply tanh to it."),
                (math.tanh(-_N_Z), "check the signs: one weight is negative."),
                (math.tanh(0.5 + 0.5 + _N_B), "w2 = -0.25 is negative: w2 * x2 is -0.5."),
                (math.tanh(0.5 * 2 + -0.25 * 1 + _N_B), "pair w1 with x1 and w2 with x2."),
            ],
            "z = w1*x1 + w2*x2 + b first, then a = tanh(z) (radians, math.tanh).",
            "The dot product is 0 here, so the bias alone decides z.",
        )

    def neuron_weight_grad(self, da_dw2: object) -> Verdict:
        """02: da/dw2 for the same neuron."""
        return _number(
            "neuron_weight_grad",
            da_dw2,
            _N_DA_DW2,
            [
                (
                    _N_X[1],
                    "x2 is dz/dw2 only: the chain rule also multiplies by tanh's "
                    "local derivative, da/dz = 1 - a^2.",
                ),  # fmt: skip
                (
                    (1.0 - _N_A**2) * _N_W[1],
                    "that is da/dx2, the input's gradient: for "
                    "the weight's, multiply by the other factor of w2 * x2.",
                ),  # fmt: skip
                ((1.0 - _N_A) * _N_X[1], "tanh's derivative is 1 - a^2, not 1 - a."),
                (1.0 - _N_A**2, "that is da/db. For w2, also multiply by its input."),
            ],
            "chain rule: da/dw2 = da/dz * dz/dw2, with da/dz = 1 - tanh(z)^2.",
            "A weight's gradient is proportional to its input.",
        )

    def collapsed_layer(self, W: object, c: object) -> Verdict:
        """02: the one linear layer (W, c) equal to W1 = [[1, 2], [0, -1]], b1 = [1, 0]
        followed by W2 = [[2, -1]], b2 = [0.5]."""
        name = "collapsed_layer"
        if W is None or c is None:
            return _not_answered(name, "your W (a list of rows) and your c (a list)")
        flat = _flat_matrix(W, 1, 2)
        if isinstance(flat, str):
            return _wrong(name, flat)
        cs = _as_numbers(c, 1)
        if isinstance(cs, str):
            return _wrong(name, f"c: {cs}")
        w_ok = all(_close(x, e) for x, e in zip(flat, _COLLAPSED_W))
        c_ok = _close(cs[0], _COLLAPSED_C[0])
        if w_ok and c_ok:
            return _right(name, "W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2): one layer.")
        if not w_ok:
            if all(_close(x, e) for x, e in zip(flat, [2.0, 3.0])):
                return _wrong(name, "W: row times column, W2's row with each COLUMN of W1.")
            return _wrong(name, "W = W2 W1: entry i is W2's row times column i of W1.")
        if _close(cs[0], 0.5):
            return _wrong(name, "c also gets W2 b1: the first bias goes through W2.")
        if _close(cs[0], 2.0):
            return _wrong(name, "c = W2 b1 + b2: don't forget b2.")
        if _close(cs[0], 1.5):
            return _wrong(name, "b1 goes through W2 before b2 is added: W2 b1, not b1.")
        return _wrong(name, "c is what the two layers give for x = 0: W2 b1 + b2.")

    # ---- 03 training an MLP -----------------------------------------------------------

    def hinge_loss(self, loss: object) -> Verdict:
        """03: the hinge loss max(0, 1 - y s) of a score s = 0.4 for a point of class y = -1."""
        # y s = -0.4, 1 - y s = 1.4 > 0: loss 1.4
        return _number(
            "hinge_loss",
            loss,
            1.4,
            [
                (0.6, "0.6 is 1 - s: the label y = -1 flips the sign of the score."),
                (
                    0.0,
                    "a score of +0.4 says class +1, but the point is class -1: it is on "
                    "the wrong side, so the loss is not 0.",
                ),  # fmt: skip
                (-1.4, "the loss is never negative: max(0, ...)."),
            ],
            "compute y*s first, then 1 - y*s, then max(0, that).",
            "The point is on the wrong side of the boundary, and pays for it.",
        )

    def sgd_step(self, p_new: object) -> Verdict:
        """03: one step of p <- p - lr * grad from p = 0.5, grad = -2, lr = 0.1."""
        # 0.5 - 0.1 * (-2) = 0.5 + 0.2 = 0.7
        return _number(
            "sgd_step",
            p_new,
            0.7,
            [
                (0.3, "that step went uphill: subtract lr * grad, and grad is negative."),
                (0.2, "0.2 is the change; the new p is the old p plus the change."),
                (-0.2, "-lr * grad = -0.1 * (-2): two minus signs."),
                (2.5, "multiply by the learning rate, don't divide."),
            ],
            "p_new = p - lr * grad, with grad = -2.",
            "A negative gradient means the loss falls as p grows, so p grows.",
        )

    def straight_line_on_moons(self, model: object) -> Verdict:
        """03: a model with no hidden layer, trained on the moons (100 points, seed 0)."""
        name = "straight_line_on_moons"
        if model is None:
            return _not_answered(name, "your trained model with no hidden layer")
        from micrograd_like.data import make_moons, signed_labels
        from micrograd_like.nn import MLP, Neuron
        from micrograd_like.train import accuracy

        if isinstance(model, MLP):
            if len(model.layers) > 1:
                return _wrong(
                    name,
                    f"this MLP has {len(model.layers) - 1} hidden layer(s). The exercise "
                    "asks for none: MLP(2, [1]), one neuron straight from the inputs.",
                )
            if model.output_activation != "linear":
                return _wrong(name, "keep the output linear: a score whose sign is the class.")
        elif not isinstance(model, Neuron):
            return _wrong(name, f"expected an MLP or a Neuron, got {type(model).__name__}")
        X, y01 = make_moons(100, noise=0.1, seed=0)
        acc = accuracy(model, X, signed_labels(y01), loss="hinge")
        assert acc is not None
        if acc < 0.75:
            return _wrong(
                name,
                f"it gets {acc:.0%} of the points right: has it been trained enough (fit "
                "with loss='hinge')? Try more epochs or a larger learning rate; a well "
                "trained straight line does better than that.",
            )
        return _right(
            name,
            f"{acc:.0%} of the points right. Now explain it: what shape is the boundary "
            "of w . x + b = 0, and can that shape separate the two moons?",
        )

    # ---- 04 regression ----------------------------------------------------------------

    def mse_value(self, loss: object) -> Verdict:
        """04: the mean squared error of predictions (1, 2, 4) against targets (1, 3, 2)."""
        # errors 0, -1, 2; squares 0, 1, 4; mean 5/3
        return _number(
            "mse_value",
            loss,
            5.0 / 3.0,
            [
                (5.0, "that is the sum of the squares: the mean divides by n = 3."),
                (1.0, "that is the mean of |error|: square each error instead."),
                (
                    1.0 / 3.0,
                    "square the errors before averaging, so that they can't cancel.",
                ),  # fmt: skip
                (
                    math.sqrt(5.0 / 3.0),
                    "that is the root of the mean square: stop one step earlier.",
                ),  # fmt: skip
            ],
            "errors = prediction - target, square each, then take the mean.",
            "The largest error, 2, gives 4 of the 5: squares weigh large errors most.",
        )

    def mse_bias_grad(self, dL_db: object) -> Verdict:
        """04: dL/db of that mse, where every prediction is w x_i + b."""
        # dL/db = (2/n) sum (yhat_i - y_i) = (2/3)(0 - 1 + 2) = 2/3
        return _number(
            "mse_bias_grad",
            dL_db,
            2.0 / 3.0,
            [
                (1.0 / 3.0, "the derivative of e^2 is 2e: the 2 is missing."),
                (-2.0 / 3.0, "check the sign: the error is prediction - target."),
                (2.0, "that is the sum: the mean divides by n = 3."),
                (10.0 / 3.0, "dL/db has the errors, not their squares."),
            ],
            "dL/db = (2/n) * sum of the errors (prediction - target), since dyhat/db = 1.",
            "Positive: the predictions are too high on average, so a step lowers b.",
        )

    def one_hidden_neuron(self, model: object, X: object, y: object) -> Verdict:
        """04: an MLP with ONE tanh hidden neuron, trained on the sine data (X, y)."""
        name = "one_hidden_neuron"
        if model is None:
            return _not_answered(name, "your trained MLP(1, [1, 1], activation='tanh')")
        from micrograd_like.nn import MLP

        if not isinstance(model, MLP) or model.nouts != [1, 1]:
            return _wrong(name, "build it as MLP(1, [1, 1], activation='tanh'): one hidden "
                          "neuron, one output neuron.")  # fmt: skip
        if model.activation != "tanh":
            return _wrong(name, "use activation='tanh' for the hidden neuron.")
        mse, slope = _mse_and_gradient_norm(model, X, y)
        if slope > 0.02:
            return _wrong(
                name,
                f"its mse, {mse:.3f}, is still falling steeply (gradient norm {slope:.2f}): "
                "train it (fit with loss='mse') until it levels off.",
            )
        return _right(
            name,
            f"mse {mse:.3f}, well above the noise's 0.01. Explain why: how many times can "
            "c + v tanh(w x + b) turn, and how many times does sin x turn on [-3, 3]?",
        )

    # ---- 05 softmax -------------------------------------------------------------------

    def softmax_probs(self, probs: object) -> Verdict:
        """05: softmax of the logits (1, 1, 1 + ln 2)."""
        total = sum(_SOFTMAX_Z)
        return _numbers(
            "softmax_probs",
            probs,
            _SOFTMAX_P,
            [
                (
                    [z / total for z in _SOFTMAX_Z],
                    "exponentiate each logit before dividing by the total.",
                ),  # fmt: skip
                (
                    [math.exp(z) for z in _SOFTMAX_Z],
                    "these are e^z; divide each by their total so they sum to 1.",
                ),  # fmt: skip
            ],
            lambda xs: (
                f"probabilities sum to 1; yours sum to {sum(xs):.3f}."
                if not _close(sum(xs), 1.0)
                else "e^(1 + ln 2) = e * e^(ln 2) = 2e: write every e^z as a multiple of e."
            ),
            "e^(ln 2) = 2: the third class has twice the weight of each other one.",
        )

    def cross_entropy_grad(self, grads: object) -> Verdict:
        """05: dL/dz for L = cross_entropy(z, 2) with z = (1, 1, 1 + ln 2)."""
        # p - onehot(2) = (0.25, 0.25, 0.5 - 1)
        return _numbers(
            "cross_entropy_grad",
            grads,
            (0.25, 0.25, -0.5),
            [
                (
                    (-0.25, -0.25, 0.5),
                    "check the sign: the gradient is p - one_hot, and "
                    "the right class's logit should go UP on a descent step.",
                ),  # fmt: skip
                (_SOFTMAX_P, "these are the probabilities: subtract 1 at the right class."),
                ((0.25, 0.25, 0.5 - 2.0), "subtract 1, once, at the right class."),
            ],
            lambda xs: "dL/dz_i = p_i - [i is the right class]; the three sum to 0.",
            "The right class's logit has a negative gradient, so descent raises it.",
        )

    def softmax_temperature(self, p_top: object) -> Verdict:
        """05: the largest probability of softmax(z / T) for the same logits, at T = 0.5."""
        # z / T = (2, 2, 2 + 2 ln 2): e^z / e^2 = (1, 1, 4), so p = (1, 1, 4) / 6: 2/3
        return _number(
            "softmax_temperature",
            p_top,
            2.0 / 3.0,
            [
                (0.5, "that is the T = 1 answer: divide the logits by T first."),
                (
                    _softmax([z * 0.5 for z in _SOFTMAX_Z])[2],
                    "divide by T = 0.5 (which doubles the logits), don't multiply.",
                ),  # fmt: skip
                (4.0 / 5.0, "the other two classes are 1 each: the total is 1 + 1 + 4."),
            ],
            "compute z / T, then softmax of that; e^(2 ln 2) = 4.",
            "A temperature below 1 makes the distribution sharper.",
        )

    # ---- 06 optimizers ----------------------------------------------------------------

    def two_steps(self, w2: object) -> Verdict:
        """06: w after two gradient-descent steps on L = (w - 3)^2 from w = 0, lr = 0.25."""
        # dL/dw = 2(w - 3). Step 1: 0 - 0.25 * (-6) = 1.5. Step 2: 1.5 - 0.25 * (-3) = 2.25
        return _number(
            "two_steps",
            w2,
            2.25,
            [
                (1.5, "that is after one step: take one more, from w = 1.5."),
                (3.0, "the gap to 3 halves each step (factor 1 - 2 lr): not gone after two."),
                (-2.25, "step against the gradient: w moves towards 3, not away."),
                (2.625, "each step's gradient is at the NEW w: 2(1.5 - 3) = -3."),
            ],
            "dL/dw = 2(w - 3); w <- w - 0.25 * dL/dw, twice.",
            "The distance to 3 goes 3, 1.5, 0.75: a factor 1 - 2 lr = 0.5 per step.",
        )

    def largest_stable_lr(self, lr: object) -> Verdict:
        """06: the largest stable learning rate of gradient descent on L = 5 (w - 1)^2."""
        # L'' = 10, stable for lr < 2 / 10 = 0.2
        return _number(
            "largest_stable_lr",
            lr,
            0.2,
            [
                (
                    0.1,
                    "0.1 = 1 / L'' lands on the minimum in one step; the edge of "
                    "stability, where w flips sides without getting closer, is twice that.",
                ),
                (0.4, "the curvature is the SECOND derivative: d/dw of 10 (w - 1) is 10."),
                (0.5, "include the 5: the curvature of 5 (w - 1)^2 is 10."),
            ],
            "gradient descent is stable while lr < 2 / curvature, the curvature being L''.",
            "The factor per step is 1 - 10 lr, which reaches -1 at lr = 0.2.",
        )

    def retuned_sgd(self, tuned: object, baseline: object) -> Verdict:
        """06: the History of SGD with a larger learning rate, against lr = 0.05's."""
        name = "retuned_sgd"
        if tuned is None:
            return _not_answered(name, "the History of your SGD run")
        from micrograd_like.train import History

        if not isinstance(tuned, History) or not isinstance(baseline, History):
            return _wrong(name, "pass the two History objects that fit returned.")
        if not tuned.lr or tuned.lr[0] <= baseline.lr[0]:
            return _wrong(name, "raise the learning rate above the baseline's.")
        if tuned.epochs != baseline.epochs:
            return _wrong(name, f"train for {baseline.epochs} epochs, as the baseline, to "
                          "compare them fairly.")  # fmt: skip
        if tuned.loss[-1] >= baseline.loss[-1]:
            return _wrong(
                name,
                f"its last loss, {tuned.loss[-1]:.4f}, is not below the baseline's "
                f"{baseline.loss[-1]:.4f}: too large a rate overshoots; try between 0.2 "
                "and 0.5.",
            )
        return _right(
            name,
            f"loss {tuned.loss[-1]:.4f} against {baseline.loss[-1]:.4f} with "
            f"lr = {tuned.lr[0]:g}. Why is a contest at one shared lr unfair to SGD?",
        )

    # ---- 07 digits --------------------------------------------------------------------

    def pixel_index(self, index: object) -> Verdict:
        """07: the position in the flattened vector of pixel (row 3, column 5), from 0."""
        # rows of 8 one after another: 8 * 3 + 5 = 29
        if isinstance(index, float) and math.isfinite(index) and not index.is_integer():
            return _wrong("pixel_index", "a position in a list is a whole number.")
        return _number(
            "pixel_index",
            index,
            29,
            [
                (43, "that is row 5, column 3: the row picks the block of 8."),
                (24, "row 3 starts at 24; then move along the row to column 5."),
                (15, "rows are 8 long: row r starts at 8 * r."),
                (37, "rows and columns count from 0, here as in Python."),
            ],
            "flattening writes row 0, then row 1, ...: pixel (r, c) lands at 8 * r + c.",
            "8 pixels per row, rows one after another.",
        )

    def digit_parameters(self, n: object) -> Verdict:
        """07: the number of parameters of MLP(64, [16, 10])."""
        # (64 + 1) * 16 + (16 + 1) * 10 = 1040 + 170 = 1210
        return _number(
            "digit_parameters",
            n,
            1210,
            [
                (64 * 16 + 16 * 10, "every neuron also has a bias."),
                (1040, "that is the hidden layer: add the output layer's."),
                (64 * 16 * 10, "layers add their parameters, they don't multiply."),
                ((64 + 1) * 16 + 16 * 10, "the output neurons have biases too."),
            ],
            "each neuron has one weight per input plus one bias; add up both layers.",
            "A hidden neuron has 65 parameters, an output neuron 17.",
        )

    # ---- 08 Newton --------------------------------------------------------------------

    def newton_step(self, x1: object) -> Verdict:
        """08: one Newton step x <- x - f'(x) / f''(x) on f(x) = x^4 - 4x from x = 2."""
        # f'(2) = 4 * 8 - 4 = 28, f''(2) = 12 * 4 = 48: 2 - 28/48 = 1.41666...
        return _number(
            "newton_step",
            x1,
            2.0 - 28.0 / 48.0,
            [
                (2.0 + 28.0 / 48.0, "the step goes against the slope: x - f'/f''."),
                (2.0 - 28.0, "that is a gradient step with lr = 1; Newton divides by f''."),
                (2.0 - 48.0 / 28.0, "the fraction is upside down: f' over f''."),
                (2.0 - 16.0 / 48.0, "f'(x) = 4x^3 - 4 includes the -4."),
            ],
            "f'(x) = 4x^3 - 4, f''(x) = 12x^2, both at x = 2.",
            "The curvature, 48, sets the step length: no learning rate to choose.",
        )

    def second_derivative(self, d2: object) -> Verdict:
        """08: f''(1) for f(x) = x e^x."""
        # f' = (x + 1) e^x, f'' = (x + 2) e^x; at 1: 3e = 8.15484...
        e = math.e
        return _number(
            "second_derivative",
            d2,
            3 * e,
            [
                (2 * e, "that is f'(1): differentiate once more, grad(grad(f))."),
                (e, "that is f(1). grad(grad(f))(1.0) gives the second derivative."),
                (4 * e, "that is the THIRD derivative: one grad too many."),
            ],
            "build f from Values (x * x.exp()) and evaluate grad(grad(f)) at 1.0.",
            "(x + 2) e^x: each derivative adds one more e^x.",
        )


check = Checks()


# --------------------------------------------------------------------------------------
# check_value_class: our worked examples, run on a Value class written by a learner
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOutcome:
    """One worked example run on a learner's class.

    ``status`` is "passed", "failed", "missing" (an op the class lacks) or "warning".
    """

    op: str
    example: str
    status: str
    expected: dict[str, float]
    actual: dict[str, float | None]
    note: str = ""

    def line(self) -> str:
        pairs = []
        for key, want in self.expected.items():
            got = self.actual.get(key)
            if self.status == "failed" and (got is None or not _same(got, want)):
                shown = "-" if got is None else f"{got:.10g}"
                pairs.append(f"{key}: expected {want:.10g}, got {shown}")
            elif self.status == "passed":
                pairs.append(f"{key} = {want:.10g}")
        detail = "; ".join(pairs)
        if self.note:
            detail = f"{detail}. {self.note}" if detail else self.note
        return f"  {self.status:<8} {self.op:<12} {self.example:<36} {detail}"


@dataclass
class ValueClassReport:
    """What :func:`check_value_class` found: truthy when no check failed."""

    name: str
    outcomes: list[CheckOutcome] = field(default_factory=list)

    def _with(self, status: str) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def passed(self) -> list[CheckOutcome]:
        return self._with("passed")

    @property
    def failed(self) -> list[CheckOutcome]:
        return self._with("failed")

    @property
    def missing(self) -> list[CheckOutcome]:
        return self._with("missing")

    @property
    def warnings(self) -> list[CheckOutcome]:
        return self._with("warning")

    def __bool__(self) -> bool:
        return not self.failed

    def __str__(self) -> str:
        counts = (
            ", ".join(f"{len(self._with(s))} {s}" for s in ("passed", "failed", "missing"))
            + f", {len(self.warnings)} warning(s)"
        )
        head = f"check_value_class({self.name}): {counts}"
        if self.failed:
            head += " -- failing ops: " + ", ".join(dict.fromkeys(o.op for o in self.failed))
        return "\n".join([head, *(o.line() for o in self.outcomes)])

    __repr__ = __str__


def _same(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)


def _read(v: object, attr: str) -> float:
    """``v.data`` or ``v.grad`` as a float; a TypeError naming the attribute otherwise."""
    if not hasattr(v, attr):
        raise TypeError(f"its objects have no .{attr}")
    x = getattr(v, attr)
    x = getattr(x, "data", x)  # a grad that is itself a Value counts as its number
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f".{attr} is {type(x).__name__}, not a number")
    return float(x)


@dataclass(frozen=True)
class _Example:
    op: str
    example: str
    needs: tuple[str, ...]
    run: Callable[[Any], dict[str, object]]  # cls -> {"a.grad": a, ...}: what to read
    expected: dict[str, float]
    hint: str


def _reads(**values: object) -> dict[str, object]:
    return values


def _ex_add(V: Any) -> dict[str, object]:
    a, b = V(2.0), V(-3.0)
    c = a + b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_mul(V: Any) -> dict[str, object]:
    a, b = V(2.0), V(-3.0)
    c = a * b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_add_twice(V: Any) -> dict[str, object]:
    a = V(3.0)
    b = a + a
    c = b + b
    c.backward()
    return {"c": c, "a": a}


def _ex_mul_self(V: Any) -> dict[str, object]:
    x = V(3.0)
    y = x * x
    y.backward()
    return {"y": y, "x": x}


def _ex_add_number(V: Any) -> dict[str, object]:
    a = V(3.0)
    c = a + 1
    c.backward()
    return {"c": c, "a": a}


def _ex_radd(V: Any) -> dict[str, object]:
    a = V(3.0)
    c = 1 + a
    c.backward()
    return {"c": c, "a": a}


def _ex_rmul(V: Any) -> dict[str, object]:
    a = V(3.0)
    c = 2 * a
    c.backward()
    return {"c": c, "a": a}


def _ex_neuron(V: Any) -> dict[str, object]:
    x1, x2 = V(2.0), V(0.0)
    w1, w2 = V(-3.0), V(1.0)
    b = V(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    return {"o": o, "x1": x1, "w1": w1, "x2": x2, "w2": w2}


def _ex_diamond(V: Any) -> dict[str, object]:
    x = V(2.0)
    y = x * V(3.0)
    z = x + y
    out = z * y
    out.backward()
    return {"out": out, "y": y, "x": x}


def _ex_neg(V: Any) -> dict[str, object]:
    a = V(5.0)
    c = -a
    c.backward()
    return {"c": c, "a": a}


def _ex_sub(V: Any) -> dict[str, object]:
    a, b = V(5.0), V(2.0)
    c = a - b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_rsub(V: Any) -> dict[str, object]:
    a = V(4.0)
    c = 10 - a
    c.backward()
    return {"c": c, "a": a}


def _ex_pow(V: Any) -> dict[str, object]:
    a = V(2.0)
    c = a**3
    c.backward()
    return {"c": c, "a": a}


def _ex_truediv(V: Any) -> dict[str, object]:
    a, b = V(3.0), V(4.0)
    c = a / b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_rtruediv(V: Any) -> dict[str, object]:
    a = V(4.0)
    c = 1 / a
    c.backward()
    return {"c": c, "a": a}


def _ex_exp(V: Any) -> dict[str, object]:
    a = V(1.0)
    c = a.exp()
    c.backward()
    return {"c": c, "a": a}


def _ex_relu(V: Any) -> dict[str, object]:
    a, b = V(-2.0), V(3.0)
    c = a.relu() + b.relu()
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_readme(V: Any) -> dict[str, object]:
    g, a, b = readme_expression(V)
    g.backward()
    return {"g": g, "a": a, "b": b}


E = math.e
_EXAMPLES: list[_Example] = [
    # a + b at a = 2, b = -3: -1; each operand's local derivative is 1
    _Example("__add__", "c = a + b", ("__add__",), _ex_add,
             {"c.data": -1.0, "a.grad": 1.0, "b.grad": 1.0},
             "each operand of + gets the output's gradient times 1"),
    # a * b: -6; dc/da = b = -3, dc/db = a = 2
    _Example("__mul__", "c = a * b", ("__mul__",), _ex_mul,
             {"c.data": -6.0, "a.grad": -3.0, "b.grad": 2.0},
             "each factor of * gets the OTHER factor's data times the output's gradient"),
    # b = a + a = 6, c = b + b = 12 = 4a: dc/da = 4
    _Example("__add__", "b = a + a; c = b + b (a reused)", ("__add__",), _ex_add_twice,
             {"c.data": 12.0, "a.grad": 4.0},
             "a reused value's contributions must add up: grad += ..., never grad = ..."),
    # y = x * x at 3: each factor contributes 3, dy/dx = 6
    _Example("__mul__", "y = x * x (x reused)", ("__mul__",), _ex_mul_self,
             {"y.data": 9.0, "x.grad": 6.0},
             "self and other are the same node: both contributions must be added (+=)"),
    # a + 1 at 3: 4; da = 1
    _Example("__add__", "c = a + 1 (a plain number)", ("__add__",), _ex_add_number,
             {"c.data": 4.0, "a.grad": 1.0},
             "wrap a plain number in a Value: other = other if isinstance(other, Value) "
             "else Value(other)"),
    _Example("__radd__", "c = 1 + a", ("__add__", "__radd__"), _ex_radd,
             {"c.data": 4.0, "a.grad": 1.0}, "1 + a is a + 1: __radd__ can return self + other"),
    # 2 * a at 3: 6, dc/da = 2
    _Example("__rmul__", "c = 2 * a", ("__mul__", "__rmul__"), _ex_rmul,
             {"c.data": 6.0, "a.grad": 2.0}, "2 * a is a * 2: __rmul__ can return self * other"),
    # the lecture's neuron: n = 2*(-3) + 0*1 + 6.88137... = 0.88137..., o = tanh n = 1/sqrt 2
    # do/dn = 1 - o^2 = 0.5; x1.grad = w1 * 0.5 = -1.5, w1.grad = x1 * 0.5 = 1,
    # x2.grad = w2 * 0.5 = 0.5, w2.grad = x2 * 0.5 = 0
    _Example("tanh", "the lecture's neuron, o = tanh(n)", ("__add__", "__mul__", "tanh"),
             _ex_neuron,
             {"o.data": 0.7071067811865476, "x1.grad": -1.5, "w1.grad": 1.0,
              "x2.grad": 0.5, "w2.grad": 0.0},
             "tanh's local derivative is 1 - t**2, with t = tanh(n), the output's data"),
    # y = 3x = 6, z = x + y = 8, out = z y = 48 = 12 x^2: d out/dx = 24 x = 48;
    # d out/dy = z + y = 14 (directly, and through z)
    _Example("backward", "out = (x + y) * y, y = 3x (order)", ("__add__", "__mul__"),
             _ex_diamond,
             {"out.data": 48.0, "y.grad": 14.0, "x.grad": 48.0},
             "y is used twice: both uses must be added (+=), and backward must finish "
             "y's gradient (topological order) before passing it on to x"),
    _Example("__neg__", "c = -a", ("__neg__",), _ex_neg,
             {"c.data": -5.0, "a.grad": -1.0}, "-a is a * -1"),
    # 5 - 2 = 3: dc/da = 1, dc/db = -1
    _Example("__sub__", "c = a - b", ("__sub__",), _ex_sub,
             {"c.data": 3.0, "a.grad": 1.0, "b.grad": -1.0}, "a - b is a + (-b)"),
    # 10 - a at 4: 6, dc/da = -1
    _Example("__rsub__", "c = 10 - a", ("__rsub__",), _ex_rsub,
             {"c.data": 6.0, "a.grad": -1.0},
             "in 10 - a Python calls a.__rsub__(10): return other + (-self), not self - other"),
    # a^3 at 2: 8, 3a^2 = 12
    _Example("__pow__", "c = a ** 3", ("__pow__",), _ex_pow,
             {"c.data": 8.0, "a.grad": 12.0}, "d(a**k)/da = k * a**(k - 1)"),
    # 3 / 4 = 0.75: 1/b = 0.25, -a/b^2 = -3/16 = -0.1875
    _Example("__truediv__", "c = a / b", ("__truediv__",), _ex_truediv,
             {"c.data": 0.75, "a.grad": 0.25, "b.grad": -0.1875},
             "a / b is a * b**-1"),
    # 1 / 4 = 0.25: -1/a^2 = -0.0625
    _Example("__rtruediv__", "c = 1 / a", ("__rtruediv__",), _ex_rtruediv,
             {"c.data": 0.25, "a.grad": -0.0625},
             "in 1 / a Python calls a.__rtruediv__(1): return other * self**-1"),
    # e^1, derivative e^1
    _Example("exp", "c = a.exp()", ("exp",), _ex_exp,
             {"c.data": E, "a.grad": E}, "exp's local derivative is its own output"),
    # relu(-2) + relu(3) = 3: gradient 0 below 0, 1 above
    _Example("relu", "c = relu(-2) + relu(3)", ("relu", "__add__"), _ex_relu,
             {"c.data": 3.0, "a.grad": 0.0, "b.grad": 1.0},
             "relu's local derivative is 1 where the output is positive, else 0"),
    # micrograd's README expression; the numbers are PyTorch's in float64 (test_engine.py)
    _Example("all", "micrograd's README expression",
             ("__add__", "__mul__", "__pow__", "relu", "__neg__", "__sub__", "__radd__",
              "__rmul__", "__truediv__", "__rtruediv__"), _ex_readme,
             {"g.data": 24.70408163265306, "a.grad": 138.83381924198252,
              "b.grad": 645.5772594752186},
             "the ops above it each pass on their own; look at the first that failed"),
]  # fmt: skip


def _missing(cls: type, needs: Sequence[str]) -> list[str]:
    return [op for op in ("backward", *needs) if not callable(getattr(cls, op, None))]


def _run(ex: _Example, cls: type) -> CheckOutcome:
    absent = _missing(cls, ex.needs)
    if absent:
        return CheckOutcome(
            ex.op, ex.example, "missing", ex.expected, {}, "needs " + ", ".join(absent)
        )
    try:
        nodes = ex.run(cls)
    except NotImplementedError as error:
        return CheckOutcome(
            ex.op, ex.example, "missing", ex.expected, {}, f"NotImplementedError {error}".strip()
        )
    except Exception as error:  # the learner's code: report anything it raises
        note = f"raised {type(error).__name__}: {error}"
        return CheckOutcome(ex.op, ex.example, "failed", ex.expected, {}, note)
    actual: dict[str, float | None] = {}
    for key in ex.expected:
        name, attr = key.split(".")
        try:
            actual[key] = _read(nodes[name], attr)
        except TypeError as error:
            return CheckOutcome(ex.op, ex.example, "failed", ex.expected, actual, str(error))
    ok = all(_same(actual[k], want) for k, want in ex.expected.items())  # type: ignore[arg-type]
    if ok:
        return CheckOutcome(ex.op, ex.example, "passed", ex.expected, actual)
    return CheckOutcome(ex.op, ex.example, "failed", ex.expected, actual, "Hint: " + ex.hint)


def _deep_chain(cls: type) -> CheckOutcome:
    """backward through a chain deeper than Python's recursion limit."""
    depth = sys.getrecursionlimit() + 500
    example = f"a chain {depth} nodes deep"
    # y = x + 1 + 1 + ... + 1 (depth times, the same node `one`): dy/dx = 1, dy/done = depth
    expected = {"y.data": float(depth + 1), "x.grad": 1.0, "one.grad": float(depth)}
    if _missing(cls, ("__add__",)):
        return CheckOutcome("backward", example, "missing", expected, {}, "needs __add__")
    x, one = cls(1.0), cls(1.0)
    y = x
    for _ in range(depth):
        y = y + one
    try:
        y.backward()
    except RecursionError:
        note = (
            "RecursionError: a recursive topological sort stops at Python's recursion "
            "limit. Right on small graphs; an iterative sort (a stack) has no limit."
        )
        return CheckOutcome("backward", example, "warning", expected, {}, note)
    except Exception as error:
        note = f"raised {type(error).__name__}: {error}"
        return CheckOutcome("backward", example, "failed", expected, {}, note)
    nodes = {"y": y, "x": x, "one": one}
    actual = {k: _read(nodes[k.split(".")[0]], k.split(".")[1]) for k in expected}
    ok = all(_same(actual[k], want) for k, want in expected.items())
    if ok:
        return CheckOutcome("backward", example, "passed", expected, dict(actual))
    return CheckOutcome(
        "backward", example, "failed", expected, dict(actual), "Hint: gradients must add up"
    )


def check_value_class(cls: type) -> ValueClassReport:
    """Run the course's worked examples on a home-made Value class.

    The class needs ``cls(number)``, ``.data``, ``.grad`` and ``.backward()``. Each op it
    does not define yet is reported as missing, not failed. The report is truthy when no
    example failed; a recursive sort that dies on a deep graph is only a warning.

    >>> from micrograd_like import Value
    >>> report = check_value_class(Value)
    >>> bool(report), len(report.failed), len(report.missing)
    (True, 0, 0)
    """
    if not isinstance(cls, type):
        raise TypeError(
            f"check_value_class expects the class itself (e.g. MyValue), got "
            f"{type(cls).__name__} {cls!r}"
        )
    report = ValueClassReport(cls.__name__)
    for ex in _EXAMPLES:
        report.outcomes.append(_run(ex, cls))
    report.outcomes.append(_deep_chain(cls))
    return report
