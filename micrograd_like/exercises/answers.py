"""The check of every exercise of the course notebooks: ``check.<exercise>(answer)``.

Each returns a :class:`~micrograd_like.exercises.verdict.Verdict`, truthy only when the
answer is right, with a hint aimed at the likely mistake when it is not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from micrograd_like.exercises.verdict import (
    Verdict,
    _as_numbers,
    _close,
    _flat_matrix,
    _mse_and_gradient_norm,
    _not_answered,
    _number,
    _numbers,
    _right,
    _wrong,
)

__all__ = ["Checks", "Verdict", "check"]


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
