"""The numbers of one Playground frame, computed with numpy from the weights read once.

The Playground draws, many times a second, every neuron's value over the plane, the
network's output there, and the train and test loss. Asking the engine for them would
make a Value per operation and grid point; instead :class:`Snapshot` reads the MLP's
weights once into arrays and runs the same forward pass with numpy: the same formulas
(``a = f(W x + b)`` layer by layer, the losses of :mod:`micrograd_like.losses`), to
1e-12 of the engine's numbers (tests/test_playground.py checks it at sample points).

>>> from micrograd_like.nn import MLP
>>> model = MLP(2, [1], activation="tanh", seed=0)
>>> n = model.layers[0].neurons[0]
>>> n.w[0].data, n.w[1].data, n.b.data = 1.0, -1.0, 0.5
>>> Snapshot.of(model).outputs(np.array([[2.0, 1.0]]))      # 2 - 1 + 0.5
array([1.5])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from micrograd_like.nn import LEAKY_RELU_SLOPE, MLP

__all__ = ["FEATURES", "Snapshot", "features", "loss", "plane"]

Array = np.ndarray


def _sigmoid(z: Array) -> Array:
    # 1 / (1 + e**-z) for z >= 0, e**z / (1 + e**z) below: never overflows (rules._sigmoid)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


ACTIVATIONS: dict[str, Callable[[Array], Array]] = {
    "linear": lambda z: z,
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_RELU_SLOPE * z),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
}
"""Each activation of :data:`micrograd_like.nn.ACTIVATIONS`, on arrays."""

FEATURES: dict[str, Callable[[Array, Array], Array]] = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}
"""TF Playground's input features, each a function of the point (x1, x2)."""


def features(points: Array | Sequence[Sequence[float]], names: Sequence[str]) -> Array:
    """The chosen features of each point: an (n, len(names)) array.

    >>> features([[2.0, 3.0]], ["x1*x2", "x1^2", "x2"]).tolist()
    [[6.0, 4.0, 3.0]]
    """
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    return np.stack([FEATURES[name](p[:, 0], p[:, 1]) for name in names], axis=1)


def plane(extent: Sequence[float], n: int) -> Array:
    """An n x n grid of points over ``extent = (x1 min, x1 max, x2 min, x2 max)``.

    Row by row from the top (the largest x2) down, each row from the left: the order of
    an image's pixels. Each point is the centre of its cell.

    >>> plane((0.0, 2.0, 0.0, 2.0), 2).tolist()
    [[0.5, 1.5], [1.5, 1.5], [0.5, 0.5], [1.5, 0.5]]
    """
    x0, x1, y0, y1 = (float(v) for v in extent)
    across = x0 + (x1 - x0) * (np.arange(n) + 0.5) / n
    up = y1 - (y1 - y0) * (np.arange(n) + 0.5) / n
    a, b = np.meshgrid(across, up)
    return np.stack([a.ravel(), b.ravel()], axis=1)


def loss(scores: Array, targets: Array, name: str) -> float:
    """The mean loss ``name`` of one-output scores, as :mod:`micrograd_like.losses` defines it.

    >>> loss(np.array([0.0]), np.array([1.0]), "binary_cross_entropy_with_logits")  # ln 2
    0.6931471805599453
    """
    s, y = np.asarray(scores, dtype=float), np.asarray(targets, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged run's loss is inf
        return float(_terms(s, y, name).mean())


def _terms(s: Array, y: Array, name: str) -> Array:
    if name == "binary_cross_entropy_with_logits":
        terms = np.maximum(s, 0.0) - y * s + np.log1p(np.exp(-np.abs(s)))
    elif name == "hinge":
        terms = np.maximum(0.0, 1.0 - y * s)
    elif name == "mse":
        terms = (s - y) ** 2
    else:
        raise ValueError(f"no array form of the loss {name!r}")
    return terms


@dataclass(frozen=True)
class Snapshot:
    """An MLP's weights at one moment, as arrays: per layer ``W`` (n_out x n_in), ``b``
    and the activation. Reading them once per frame keeps the frame consistent while
    training goes on."""

    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    activations: tuple[str, ...]

    @classmethod
    def of(cls, model: MLP) -> Snapshot:
        """Read ``model``'s weights now (one float per parameter)."""
        weights, biases, acts = [], [], []
        for layer in model.layers:
            weights.append(np.array([[w.data for w in n.w] for n in layer.neurons]))
            biases.append(np.array([n.b.data for n in layer.neurons]))
            acts.append(layer.neurons[0].activation)
        return cls(tuple(weights), tuple(biases), tuple(acts))

    @property
    def sizes(self) -> list[int]:
        """Inputs, then each layer's neurons: ``[2, 4, 4, 1]``."""
        return [self.weights[0].shape[1], *(w.shape[0] for w in self.weights)]

    def layers(self, inputs: Array) -> list[Array]:
        """Each layer's outputs for ``inputs`` (n x n_in): [inputs, layer 1, ..., output]."""
        out = [np.asarray(inputs, dtype=float)]
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged run: inf and NaN
            for w, b, act in zip(self.weights, self.biases, self.activations):
                out.append(ACTIVATIONS[act](out[-1] @ w.T + b))
        return out

    def outputs(self, inputs: Array | Sequence[Sequence[float]]) -> Array:
        """The network's one output for each row of ``inputs``."""
        return self.layers(np.asarray(inputs, dtype=float))[-1][:, 0]

    def loss(self, inputs: Sequence[Sequence[float]], targets: Sequence[float], name: str) -> float:
        """The mean loss ``name`` of the network on ``inputs`` against ``targets``."""
        return loss(self.outputs(inputs), np.asarray(targets, dtype=float), name)


def display(values: Array, kind: str) -> Array:
    """Values for the colour scale, in [-1, 1]: a hidden value or a feature divided by
    the largest size it reaches (when that is over 1), so the picture shows its shape;
    the output as the model reads it (``kind``, see :func:`output_display`)."""
    if kind == "node":
        top = float(np.abs(values).max(initial=0.0))
        return values / top if top > 1.0 else values
    return output_display(values, kind)


def output_display(scores: Array, kind: str) -> Array:
    """The output on the colour scale: ``2 sigmoid(s) - 1`` for the logistic loss (the
    probability of class 1, from -1 to +1), else the score clipped to [-1, 1] (a margin
    of 1, or a regression target's range)."""
    if kind == "probability":
        return 2.0 * _sigmoid(scores) - 1.0
    return np.clip(scores, -1.0, 1.0)


def to_bytes(values: Array) -> bytes:
    """Values in [-1, 1] as one byte each, 0 for -1 and 255 for +1 (NaN: 128, the middle)."""
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    return np.round((np.clip(v, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8).tobytes()


def accuracy(scores: Array, targets: Array | Sequence[float]) -> float:
    """The fraction of points on their label's side of the boundary: s > 0 says class 1,
    whose label is 1 (labels 0/1) or +1 (labels -1/+1).

    >>> accuracy(np.array([2.0, -1.0, 0.5]), np.array([1, -1, -1]))
    0.6666666666666666
    """
    return float(np.mean((np.asarray(scores) > 0.0) == (np.asarray(targets) > 0)))


def finite(x: float) -> float | None:
    """``x``, or None where it is not a finite number (JSON has no NaN)."""
    return x if math.isfinite(x) else None
