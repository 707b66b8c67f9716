"""The checks of the exercises on losses and gradient steps: the hinge loss and one update
(notebook 03), the mean squared error and its gradient (04), softmax and the cross-entropy
(05), gradient descent's steps and its learning-rate threshold (06)."""

from __future__ import annotations

import math

from micrograd_like.exercises.verdict import (
    Verdict,
    agrees,
    number_verdict,
    numbers_verdict,
)
from micrograd_like.rules import softmax_weights

__all__ = ["TrainingChecks"]

# 05: logits z = (1, 1, 1 + ln 2): e^z = (e, e, 2e), total 4e, p = (1/4, 1/4, 1/2)
_SOFTMAX_Z = (1.0, 1.0, 1.0 + math.log(2.0))
_SOFTMAX_P = (0.25, 0.25, 0.5)


class TrainingChecks:
    """Losses, their gradients, and the steps of gradient descent."""

    def hinge_loss(self, loss: object) -> Verdict:
        """03: the hinge loss max(0, 1 - y s) of a score s = 0.4 for a point of class y = -1."""
        # y s = -0.4, 1 - y s = 1.4 > 0: loss 1.4
        return number_verdict(
            "hinge_loss",
            loss,
            1.4,
            [
                (0.6, "0.6 is 1 - s: the label y multiplies the score."),
                (
                    0.0,
                    "a score of +0.4 says class +1, but the point is class -1: it is on "
                    "the wrong side, so the loss is not 0.",
                ),
                (-0.4, "-0.4 is y s, the margin. The loss is max(0, 1 - y s)."),
                (0.4, "that is the score alone; the loss is max(0, 1 - y s)."),
            ],
            "y s first (label times score), then 1 - y s, then the max with 0.",
            "A point on the wrong side costs more than 1.",
        )

    def sgd_step(self, p_new: object) -> Verdict:
        """03: p after one step p - lr * grad from p = 0.5, grad = -2, lr = 0.1."""
        # 0.5 - 0.1 * (-2) = 0.5 + 0.2 = 0.7
        return number_verdict(
            "sgd_step",
            p_new,
            0.7,
            [
                (
                    0.3,
                    "that is p + lr * grad: gradient descent SUBTRACTS lr times the gradient.",
                ),
                (
                    0.2,
                    "0.2 is the size of the step, lr * |grad|; the question asks where p ends up.",
                ),
                (-0.2, "-0.2 is lr * grad; the new p is p - lr * grad."),
                (2.5, "that step used the whole gradient: scale it by the learning rate."),
                (20.5, "multiply the gradient by the learning rate, don't divide."),
            ],
            "p_new = p - lr * grad, with grad = -2.",
            "A negative gradient means the loss falls as p grows, so p grows.",
        )

    def mse_value(self, loss: object) -> Verdict:
        """04: the mean squared error of predictions (1, 2, 4) against targets (1, 3, 2)."""
        # errors 0, -1, 2; squares 0, 1, 4; mean 5/3
        return number_verdict(
            "mse_value",
            loss,
            5.0 / 3.0,
            [
                (5.0, "that is the sum of the squares: the mean divides by n = 3."),
                (2.5, "the mean divides by the number of samples, n = 3."),
                (1.0, "that is the mean of |error|: square each error instead."),
                (1.0 / 3.0, "square the errors before averaging, so that they can't cancel."),
                (
                    math.sqrt(5.0 / 3.0),
                    "that is the root of the mean square: stop one step earlier.",
                ),
            ],
            "errors = prediction - target, square each, then take the mean.",
            "The largest error, 2, gives 4 of the 5: squares weigh large errors most.",
        )

    def mse_bias_grad(self, dL_db: object) -> Verdict:
        """04: dL/db of that mse, where every prediction is w x_i + b."""
        # dL/db = (2/n) sum (yhat_i - y_i) = (2/3)(0 - 1 + 2) = 2/3
        return number_verdict(
            "mse_bias_grad",
            dL_db,
            2.0 / 3.0,
            [
                (1.0 / 3.0, "the derivative of e^2 is 2e: the 2 is missing."),
                (
                    -2.0 / 3.0,
                    "the error in the formula is prediction - target: which way "
                    "round did you subtract?",
                ),
                (2.0, "that is the sum over the samples: the mean divides by n = 3."),
                (1.0, "that is the sum of the errors: dL/db is 2/n times it."),
                (10.0 / 3.0, "dL/db has the errors, not their squares."),
            ],
            "dL/db = (2/n) * sum of the errors (prediction - target), since dyhat/db = 1.",
            "Positive: the predictions are too high on average, so a step lowers b.",
        )

    def softmax_probs(self, probs: object) -> Verdict:
        """05: softmax of the logits (1, 1, 1 + ln 2)."""
        total = sum(_SOFTMAX_Z)
        return numbers_verdict(
            "softmax_probs",
            probs,
            _SOFTMAX_P,
            [
                (
                    [z / total for z in _SOFTMAX_Z],
                    "exponentiate each logit before dividing by the total.",
                ),
                (
                    [math.exp(z) for z in _SOFTMAX_Z],
                    "these are e^z; divide each by their total so they sum to 1.",
                ),
                ([1 / 3] * 3, "the third logit is larger than the others, so it gets more."),
            ],
            lambda xs: (
                f"probabilities sum to 1; yours sum to {sum(xs):.3f}."
                if not agrees(sum(xs), 1.0)
                else "e^(1 + ln 2) = e * e^(ln 2): write every e^z as a multiple of e."
            ),
            "e^(ln 2) = 2: the third class has twice the weight of each other one.",
        )

    def softmax_temperature(self, p_top: object) -> Verdict:
        """05: the largest probability of softmax(z / T) for the same logits, at T = 0.5."""
        # z / T = (2, 2, 2 + 2 ln 2): e^z / e^2 = (1, 1, 4), so p = (1, 1, 4) / 6: 2/3
        return number_verdict(
            "softmax_temperature",
            p_top,
            2.0 / 3.0,
            [
                (0.5, "that is the T = 1 answer: divide the logits by T first."),
                (
                    softmax_weights([z * 0.5 for z in _SOFTMAX_Z])[2],
                    "divide by T = 0.5 (which doubles the logits), don't multiply.",
                ),
                (4.0 / 5.0, "count every class in the total: there are three."),
                (
                    1.0 / 6.0,
                    "that is the smallest probability; the question asks for the largest.",
                ),
            ],
            "compute z / T, then softmax of that; e^(2 ln 2) = (e^(ln 2))^2.",
            "A temperature below 1 makes the distribution sharper.",
        )

    def cross_entropy_grad(self, grads: object) -> Verdict:
        """05: dL/dz for L = cross_entropy(z, 2) with z = (1, 1, 1 + ln 2)."""
        # p - onehot(2) = (0.25, 0.25, 0.5 - 1)
        return numbers_verdict(
            "cross_entropy_grad",
            grads,
            (0.25, 0.25, -0.5),
            [
                (
                    (-0.25, -0.25, 0.5),
                    "the gradient is p - one_hot(y), in that order: "
                    "recheck which is subtracted from which.",
                ),
                (_SOFTMAX_P, "these are the probabilities: subtract 1 at the right class."),
                ((0.25, 0.25, 0.5 - 2.0), "subtract 1, once, at the right class."),
                (
                    (0.25 - 1.0, 0.25, 0.5),
                    "the right class is class 2, the third logit (classes count from 0).",
                ),
                (
                    (0.25, 0.25 - 1.0, 0.5),
                    "classes count from 0: class 2 is the third logit.",
                ),
            ],
            lambda xs: "dL/dz_i = p_i - [i is the right class]; the three add up to 0.",
            "The right class's logit has a negative gradient, so descent raises it.",
        )

    def two_steps(self, w2: object) -> Verdict:
        """06: w after two gradient-descent steps on L = (w - 3)^2 from w = 0, lr = 0.25."""
        # dL/dw = 2(w - 3). Step 1: 0 - 0.25 * (-6) = 1.5. Step 2: 1.5 - 0.25 * (-3) = 2.25
        return number_verdict(
            "two_steps",
            w2,
            2.25,
            [
                (1.5, "that is after one step: take one more, from where the first ended."),
                (
                    3.0,
                    "the gradient changes as w moves: work out 2(w - 3) again at the new "
                    "w before the second step.",
                ),
                (
                    -3.75,
                    "that walked uphill: a step goes AGAINST the gradient, w - lr * dL/dw.",
                ),
                (1.3125, "the derivative of (w - 3)^2 is 2(w - 3): the 2 is missing."),
                (
                    0.75,
                    "that is one step with the derivative missing its 2: take two "
                    "steps, with dL/dw = 2(w - 3).",
                ),
            ],
            "dL/dw = 2(w - 3); w <- w - 0.25 * dL/dw, twice.",
            "The distance to 3 goes 3, 1.5, 0.75: a factor 1 - 2 lr = 0.5 per step.",
        )

    def stability_threshold(self, lr: object) -> Verdict:
        """06: the learning rate below which gradient descent on L = 5 (w - 1)^2
        converges, and at or above which it does not."""
        # L' = 10 (w - 1), so the gap to 1 is multiplied by 1 - 10 lr per step. It shrinks
        # while |1 - 10 lr| < 1, i.e. 0 < lr < 0.2; at 0.2 the factor is -1 (w flips
        # between two points forever), above it the gap grows. The threshold: 2 / L'' = 0.2
        return number_verdict(
            "stability_threshold",
            lr,
            0.2,
            [
                (
                    0.1,
                    "at 0.1 = 1 / L'' a step lands on the minimum (the factor is 0). "
                    "Larger rates overshoot it, and still converge as long as each overshoot "
                    "is smaller than the distance before it: find where the factor per step "
                    "reaches -1.",
                ),
                (
                    lambda x: 0.1 < x < 0.2,
                    "that rate converges, and so do slightly larger "
                    "ones: the question asks for the threshold itself, where the factor per "
                    "step is exactly -1.",
                ),
                (
                    0.4,
                    "the curvature is the SECOND derivative of 5 (w - 1)^2: differentiate twice.",
                ),
                (
                    1.0,
                    "that is the threshold for (w - 3)^2, whose curvature is 2. Redo it "
                    "for 5 (w - 1)^2.",
                ),
            ],
            "write the gap to the minimum after one step as (factor) * (gap before), and "
            "find where the factor reaches -1.",
            "The factor per step is 1 - 10 lr: it reaches -1 at lr = 0.2 = 2 / L''.",
        )
