"""The checks of the exercises on neurons and layers (notebook 02) and on the digits
network (notebook 07): a neuron's output and gradient, the sigmoid, shapes, two layers
collapsed into one, a pixel's place in the input vector, counting parameters."""

from __future__ import annotations

import math
from collections.abc import Sequence

from micrograd_like.exercises.verdict import (
    Verdict,
    agrees,
    as_number,
    as_numbers,
    flat_matrix,
    is_row,
    items_of,
    not_answered,
    number_verdict,
    right,
    wrong,
)

__all__ = ["NeuronChecks"]

# 02: x = (1, 2), w = (0.5, -0.25), b = 0.3; z = 0.5 - 0.5 + 0.3 = 0.3; a = tanh 0.3
_N_X, _N_W, _N_B = (1.0, 2.0), (0.5, -0.25), 0.3
_N_Z = 0.3
_N_A = math.tanh(_N_Z)  # 0.2913126...
# da/dw2 = (1 - a^2) x2 = 0.91513695 * 2 = 1.8302739...
_N_DA_DW2 = (1.0 - _N_A**2) * _N_X[1]

# 02: sigmoid at z = ln 3: e^-z = 1/3, so s = 1 / (1 + 1/3) = 3/4, s' = s (1 - s) = 3/16
_SIG_Z = math.log(3.0)
_SIG, _SIG_SLOPE = 0.75, 0.1875

# 02: W1 = [[1, 2], [0, -1]], b1 = [1, 0], W2 = [[2, -1]], b2 = [0.5]
# W = W2 W1 = [[2*1 + (-1)*0, 2*2 + (-1)(-1)]] = [[2, 5]]
# c = W2 b1 + b2 = [2*1 + (-1)*0 + 0.5] = [2.5]
_COLLAPSED_W, _COLLAPSED_C = [2.0, 5.0], [2.5]


class NeuronChecks:
    """A neuron, a layer, the network's inputs and parameters."""

    def neuron_output(self, a: object) -> Verdict:
        """02: a = tanh(w . x + b) for x = (1, 2), w = (0.5, -0.25), b = 0.3."""
        if a is None:
            return not_answered("neuron_output", "your number for a = tanh(w . x + b)")
        return number_verdict(
            "neuron_output",
            a,
            _N_A,
            [
                (0.0, "that is tanh of the dot product alone: did you forget the bias?"),
                (_N_Z, "0.3 is z, before the activation. Apply tanh to it."),
                (math.tanh(-_N_Z), "z = w . x + b: the bias is added, not subtracted."),
                (math.tanh(0.5 + 0.5 + _N_B), "keep the sign of each weight in w_i * x_i."),
                (math.tanh(0.5 * 2 + -0.25 * 1 + _N_B), "pair w1 with x1 and w2 with x2."),
                (
                    1 / (1 + math.exp(-_N_Z)),
                    "that is the sigmoid of z: this neuron's activation is tanh.",
                ),
            ],
            "z = w1*x1 + w2*x2 + b first, then a = tanh(z) (math.tanh).",
            "The dot product is 0 here, so the bias alone decides z.",
        )

    def neuron_weight_grad(self, da_dw2: object) -> Verdict:
        """02: da/dw2 for the same neuron."""
        return number_verdict(
            "neuron_weight_grad",
            da_dw2,
            _N_DA_DW2,
            [
                (
                    _N_X[1],
                    "x2 is dz/dw2 only: the chain rule also multiplies by tanh's "
                    "local derivative, da/dz = 1 - a^2.",
                ),
                (
                    (1.0 - _N_A**2) * _N_W[1],
                    "that is da/dx2, the input's gradient: for "
                    "the weight's, multiply by the other factor of w2 * x2.",
                ),
                ((1.0 - _N_A) * _N_X[1], "tanh's derivative is 1 - a^2, not 1 - a."),
                (_N_A * _N_X[1], "tanh's local derivative is 1 - a^2, not a itself."),
                (1.0 - _N_A**2, "that is da/db. For w2, also multiply by its input."),
            ],
            "chain rule: da/dw2 = da/dz * dz/dw2, with da/dz = 1 - tanh(z)^2.",
            "A weight's gradient is proportional to its input.",
        )

    def sigmoid(self, value: object, slope: object) -> Verdict:
        """02: sigmoid(z) and its derivative sigmoid'(z) at z = ln 3.

        >>> from micrograd_like.exercises import check
        >>> bool(check.sigmoid(0.75, 0.1875))
        True
        """
        # e^-z = e^(-ln 3) = 1/3; s = 1 / (1 + 1/3) = 3/4; s' = s (1 - s) = 3/4 * 1/4
        name = "sigmoid"
        if value is None or slope is None:
            return not_answered(name, "your two numbers, sigmoid(z) and sigmoid'(z)")
        first = number_verdict(
            name,
            value,
            _SIG,
            [
                (1 / 3, "1/3 is e^(-z) alone: sigmoid is 1 / (1 + e^(-z))."),
                (3.0, "3 is e^z. Sigmoid is 1 / (1 + e^(-z)), with a minus in the exponent."),
                (
                    0.25,
                    "check the exponent: sigmoid(z) = 1 / (1 + e^(-z)), and "
                    "e^(-ln 3) = 1 / e^(ln 3).",
                ),
                (0.5, "0.5 is sigmoid(0). Here z = ln 3."),
                (math.tanh(_SIG_Z), "that is tanh(z): sigmoid is 1 / (1 + e^(-z))."),
            ],
            "e^(-ln 3) = 1/3, then sigmoid(z) = 1 / (1 + e^(-z)).",
            "",
        )
        if not first:
            return Verdict(name, first.status, first.message.replace("Hint:", "Hint (value):"))
        second = number_verdict(
            name,
            slope,
            _SIG_SLOPE,
            [
                (_SIG, "that is sigmoid(z) itself: the question asks for its derivative."),
                (1 - _SIG**2, "1 - s^2 is tanh's pattern; sigmoid's derivative is s (1 - s)."),
                (1 - _SIG, "that is 1 - s alone: multiply by s."),
                (_SIG**2, "s^2 is not the derivative: it is s (1 - s)."),
                (_SIG * (1 + _SIG), "the second factor is 1 - s, not 1 + s."),
            ],
            "sigmoid'(z) = s (1 - s), with s = sigmoid(z) from the first part.",
            "s (1 - s) is largest, 1/4, at z = 0: the slope falls off on both sides.",
        )
        return Verdict(name, second.status, second.message.replace("Hint:", "Hint (slope):"))

    def layer_shapes(self, W: object, x: object, batch: object, out: object) -> Verdict:
        """02: the shapes of Layer(64, 16)'s W, one input, a batch of 32, its outputs.

        >>> from micrograd_like.exercises import check
        >>> bool(check.layer_shapes((16, 64), (64,), (32, 64), (32, 16)))
        True
        """
        name = "layer_shapes"
        answers = (W, x, batch, out)
        if any(a is None for a in answers):
            return not_answered(name, "the four shapes, as tuples such as (2, 3)")
        shapes = []
        for what, a in zip(("W", "x", "the batch", "the outputs"), answers):
            shape = _as_shape(a)
            if isinstance(shape, str):
                return wrong(name, f"{what}: {shape}")
            shapes.append(shape)
        w, v, b, o = shapes
        if w != (16, 64):
            if w == (64, 16):
                return wrong(name, "W has one ROW per neuron and one column per input.")
            return wrong(name, "W: one row per neuron, one number per input in each row.")
        if v != (64,):
            if v == (8, 8):
                return wrong(name, "x is the image flattened: one vector, not a grid.")
            return wrong(name, "x: one number per input of the layer.")
        if b != (32, 64):
            if b == (64, 32):
                return wrong(name, "the batch has one row per sample, one column per feature.")
            if b == (32, 8, 8):
                return wrong(name, "the layer reads flattened images: each row is one x.")
            return wrong(name, "the batch: one row per sample, each row one input x.")
        if o != (32, 16):
            if o == (16,):
                return wrong(name, "that is the output of ONE input: the batch has 32.")
            if o == (32, 64):
                return wrong(name, "each output has one number per neuron of the layer.")
            return wrong(name, "the outputs: one row per sample, one number per neuron.")
        return right(
            name,
            "(32, 64) times W transposed, (64, 16), gives (32, 16): the inner sizes "
            "agree, and each row of the batch goes through the same 16 neurons.",
        )

    def collapsed_layer(self, W: object, c: object) -> Verdict:
        """02: the one linear layer (W, c) equal to W1 = [[1, 2], [0, -1]], b1 = [1, 0]
        followed by W2 = [[2, -1]], b2 = [0.5]."""
        name = "collapsed_layer"
        if W is None or c is None:
            return not_answered(name, "your W (a list of rows) and your c (a list)")
        flat = flat_matrix(W, 1, 2)
        if isinstance(flat, str):
            return wrong(name, flat)
        cs = as_numbers(c if is_row(c) else [c], 1)  # [2.5], or 2.5 alone
        if isinstance(cs, str):
            return wrong(name, f"c: {cs}")
        w_ok = all(agrees(x, e) for x, e in zip(flat, _COLLAPSED_W))
        c_ok = agrees(cs[0], _COLLAPSED_C[0])
        if w_ok and c_ok:
            return right(name, "W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2): one layer.")
        if not w_ok:
            if _entries_are(flat, [0.0, 1.0]):
                return wrong(
                    name, "row times COLUMN: W2's row with each column of W1, not with its rows."
                )
            if _entries_are(flat, [2.0, 3.0]):
                return wrong(
                    name, "recheck the signs in W2's row times W1's second column, term by term."
                )
            return wrong(name, "W = W2 W1: entry i is W2's row times column i of W1.")
        if agrees(cs[0], 0.5):
            return wrong(name, "c also gets W2 b1: the first bias goes through W2.")
        if agrees(cs[0], 2.0):
            return wrong(name, "c = W2 b1 + b2: don't forget b2.")
        if agrees(cs[0], 1.5):
            return wrong(name, "b1 goes through W2 before b2 is added: W2 b1, not b1.")
        return wrong(name, "c is what the two layers give for x = 0: W2 b1 + b2.")

    def pixel_index(self, index: object) -> Verdict:
        """07: the position in the flattened vector of pixel (row 3, column 5), from 0."""
        # rows of 8 one after another: 8 * 3 + 5 = 29
        return number_verdict(
            "pixel_index",
            index,
            29,
            [
                (43, "that is row 5, column 3: the row picks the block of 8."),
                (24, "row 3 starts at 24; then move along the row to column 5."),
                (
                    15,
                    "the row and the column don't multiply: row r starts after r full rows of 8.",
                ),
                (37, "rows and columns count from 0, here as in Python."),
                (30, "positions in the flattened list count from 0 as well."),
            ],
            "flattening writes row 0, then row 1, ...: pixel (r, c) lands at 8 * r + c.",
            "8 pixels per row, rows one after another.",
            exact=True,
        )

    def digit_parameters(self, n: object) -> Verdict:
        """07: the number of parameters of MLP(64, [16, 10])."""
        # (64 + 1) * 16 + (16 + 1) * 10 = 1040 + 170 = 1210
        return number_verdict(
            "digit_parameters",
            n,
            1210,
            [
                (64 * 16 + 16 * 10, "every neuron also has a bias."),
                (64 * 16 + (16 + 1) * 10, "the hidden neurons have biases too."),
                (1040, "that is the hidden layer: add the output layer's."),
                (64 * 16 * 10, "layers add their parameters, they don't multiply."),
                ((64 + 1) * 16 + 16 * 10, "the output neurons have biases too."),
            ],
            "each neuron has one weight per input plus one bias; add up both layers.",
            "A hidden neuron has 65 parameters, an output neuron 17.",
            exact=True,
        )


def _entries_are(xs: Sequence[float], values: Sequence[float]) -> bool:
    return all(agrees(x, v, 1.0) for x, v in zip(xs, values))


def _as_shape(answer: object) -> tuple[int, ...] | str:
    """A shape: a tuple (or list) of whole numbers; a bare number n is the shape (n,)."""
    message = f"a shape is a tuple of whole numbers such as (2, 3), got {answer!r}"
    items = items_of(answer, "a shape") if is_row(answer) else [answer]
    if isinstance(items, str):
        return message
    sizes = []
    for item in items:
        x = as_number(item)
        if isinstance(x, str) or not x.is_integer() or x < 1:
            return message
        sizes.append(int(x))
    return tuple(sizes)
