"""The Playground's training, without any widget: data, model, optimizer and history.

:class:`TrainingRun` is a 2-D dataset and a network learning it, advanced a chunk of epochs
at a time by :func:`~micrograd_like.train.fit`; :class:`Throttle` bounds how often a frame
is drawn. Nothing here imports a widget library.
"""

from __future__ import annotations

import math
import numbers
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from micrograd_like import data as _data
from micrograd_like.engine import Value, no_grad
from micrograd_like.losses import get_loss
from micrograd_like.nn import ACTIVATIONS, MLP
from micrograd_like.optim import SGD, Adam, Optimizer
from micrograd_like.train import TrainingDiverged, evaluate, fit

__all__ = ["Throttle", "TrainingRun"]


def _two_spirals(n_samples: int, noise: float, seed: int) -> tuple[list[list[float]], list[int]]:
    return _data.make_spiral(n_samples, classes=2, noise=noise, seed=seed)


DATASETS: dict[str, Callable[[int, float, int], tuple[list[list[float]], list[int]]]] = {
    "moons": lambda n, noise, seed: _data.make_moons(n, noise=noise, seed=seed),
    "circles": lambda n, noise, seed: _data.make_circles(n, noise=noise, seed=seed),
    "xor": lambda n, noise, seed: _data.make_xor(n, noise=noise, seed=seed),
    "spiral": _two_spirals,
}
"""The Playground's datasets: two classes of points in the plane."""

LOSSES = ("binary_cross_entropy_with_logits", "hinge", "mse")
"""The Playground's losses. One output s: hinge and mse read labels -1/+1, the other 0/1."""

LOSS_NAMES = {
    "binary_cross_entropy_with_logits": "cross-entropy (logistic)",
    "hinge": "hinge (max margin)",
    "mse": "mse (squared error)",
}
"""How the loss menu names them."""

OPTIMIZERS = ("adam", "sgd")


def _choice(value: object, valid: Sequence[str], what: str) -> str:
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"{what} must be one of {', '.join(valid)}, got {value!r}")
    return value


def _hidden_sizes(hidden: object) -> tuple[int, ...]:
    """``(8, 8)`` or the text ``"8, 8"`` as a tuple of layer sizes (``()``: no hidden layer).

    >>> _hidden_sizes("8, 4"), _hidden_sizes([3]), _hidden_sizes("")
    ((8, 4), (3,), ())
    """
    if isinstance(hidden, str):
        parts = [p for p in re.split(r"[\s,]+", hidden.strip()) if p]
        if not all(p.isdigit() for p in parts):
            raise ValueError(f"hidden must be layer sizes like '8, 8', got {hidden!r}")
        sizes = [int(p) for p in parts]
    elif isinstance(hidden, Sequence):
        sizes = list(hidden)
    else:
        raise TypeError(f"hidden must be layer sizes like (8, 8), got {type(hidden).__name__}")
    for s in sizes:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or not 1 <= s <= 64:
            raise ValueError(f"each hidden layer size must be an int in 1..64, got {s!r}")
    if len(sizes) > 6:
        raise ValueError(f"at most 6 hidden layers, got {len(sizes)}")
    return tuple(int(s) for s in sizes)


def _number(x: object, what: str, low: float, high: float) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a number, got {type(x).__name__}: {x!r}")
    value = float(x)
    if not low <= value <= high:
        raise ValueError(f"{what} must be in [{low}, {high}], got {value!r}")
    return value


def _int(x: object, what: str, low: int) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{what} must be an int, got {type(x).__name__}: {x!r}")
    if x < low:
        raise ValueError(f"{what} must be >= {low}, got {x}")
    return int(x)


@dataclass
class TrainingRun:
    """A 2-D classification problem and a network learning it, a chunk of epochs at a time.

    The data comes from :data:`DATASETS` (``test_size`` of it held out), the model is
    ``MLP(2, [*hidden, 1], activation)`` with one output score s, and every chunk is one
    call of :func:`~micrograd_like.train.fit` with the same optimizer object, so that
    Adam's moments carry over and ``chunk(5); chunk(5)`` trains exactly as ``fit(...,
    epochs=10)`` does. ``train_loss[k]`` and ``test_loss[k]`` are the losses after epoch
    k (k = 0: before training).
    """

    dataset: str = "moons"
    noise: float = 0.1
    hidden: Sequence[int] | str = (4, 4)
    activation: str = "tanh"
    loss: str = "binary_cross_entropy_with_logits"
    lr: float = 0.01
    optimizer: str = "adam"
    n_samples: int = 200
    test_size: float = 0.3
    batch_size: int | None = None
    seed: int = 0
    model: MLP = field(init=False, repr=False)
    opt: Optimizer = field(init=False, repr=False)
    epoch: int = field(init=False, default=0)
    train_loss: list[float] = field(init=False, repr=False, default_factory=list)
    test_loss: list[float] = field(init=False, repr=False, default_factory=list)
    test_accuracy: float | None = field(init=False, default=None)
    diverged: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        _choice(self.dataset, list(DATASETS), "dataset")
        self.noise = _number(self.noise, "noise", 0.0, 1.0)
        self.hidden = _hidden_sizes(self.hidden)
        _choice(self.activation, [a for a in ACTIVATIONS if a != "linear"], "activation")
        _choice(self.loss, LOSSES, "loss")
        self.lr = _number(self.lr, "lr", 1e-6, 10.0)
        _choice(self.optimizer, OPTIMIZERS, "optimizer")
        self.n_samples = _int(self.n_samples, "n_samples", 10)
        self.test_size = _number(self.test_size, "test_size", 0.05, 0.9)
        if self.batch_size is not None:
            self.batch_size = _int(self.batch_size, "batch_size", 1)
        self.seed = _int(self.seed, "seed", 0)
        X, y = DATASETS[self.dataset](self.n_samples, self.noise, self.seed)
        labels = y if self.loss == "binary_cross_entropy_with_logits" else _data.signed_labels(y)
        self.X_train, self.X_test, self.y_train, self.y_test = _data.train_test_split(
            X, labels, self.test_size, seed=self.seed
        )
        self.model = MLP(2, [*self.hidden, 1], activation=self.activation, seed=self.seed)
        params = self.model.parameters()
        self.opt = Adam(params, lr=self.lr) if self.optimizer == "adam" else SGD(params, lr=self.lr)
        self._shuffle = random.Random(self.seed)
        self.train_loss = [evaluate(self.model, self.X_train, self.y_train, self.loss).loss]
        self.test_loss = [self._test()]

    def _test(self) -> float:
        result = evaluate(self.model, self.X_test, self.y_test, self.loss)
        self.test_accuracy = self.accuracy(self.X_test, self.y_test)
        return result.loss

    def set_lr(self, lr: float) -> None:
        """Change the learning rate from the next step on (the weights stay)."""
        self.lr = _number(lr, "lr", 1e-6, 10.0)
        self.opt.lr = self.lr

    def chunk(self, epochs: int) -> None:
        """Train ``epochs`` more epochs with :func:`~micrograd_like.train.fit`.

        A diverged run (the loss became NaN or infinite) stops and says why in
        ``diverged``; its weights stay at their last finite values.
        """
        epochs = _int(epochs, "epochs", 1)
        if self.diverged is not None:
            return
        try:
            history = fit(
                self.model,
                self.X_train,
                self.y_train,
                loss=self.loss,
                optimizer=self.opt,
                epochs=epochs,
                batch_size=self.batch_size,
                validation=(self.X_test, self.y_test),
                progress=False,
                seed=self._shuffle,
            )
        except TrainingDiverged as exc:
            history = exc.history
            self.diverged = str(exc)
        self.epoch += history.epochs
        # fit's loss is the mean over the epoch, measured before each step's update
        self.train_loss.extend(history.loss)
        self.test_loss.extend(history.val_loss)
        self.test_accuracy = self.accuracy(self.X_test, self.y_test)

    def scores(self, points: Sequence[Sequence[float]]) -> list[float]:
        """The model's output s for each point, with no graph recorded."""
        with no_grad():
            return [self.model(p).data for p in points]  # type: ignore[union-attr]

    def confidence(self, score: float) -> float:
        """How sure the model is that a point is of class 1, from 0 to 1.

        The probability sigmoid(s) for the logistic loss; for hinge and mse, whose
        labels are -1/+1, the margin s clipped to [-1, 1], mapped to [0, 1].

        >>> TrainingRun(loss="hinge", n_samples=10).confidence(0.5)
        0.75
        """
        if self.loss == "binary_cross_entropy_with_logits":
            return 1.0 / (1.0 + math.exp(-score)) if score > -700 else 0.0
        return (max(-1.0, min(1.0, score)) + 1.0) / 2.0

    def accuracy(self, X: Sequence[Sequence[float]], y: Sequence[int]) -> float:
        """The fraction of points on the right side of the boundary (s > 0: class 1)."""
        positive = 1
        return sum((s > 0) == (label == positive) for s, label in zip(self.scores(X), y)) / len(y)

    def point_loss(self, index: int) -> Value:
        """The loss of training point ``index`` alone, after its backward pass.

        Its graph holds the forward pass (each node's data) and the backward pass (each
        node's grad). It writes the parameters' grads, which the next fit step resets.
        """
        index = _int(index, "index", 0)
        if index >= len(self.X_train):
            raise ValueError(f"index must be < {len(self.X_train)} (training points), got {index}")
        x = [Value(v, label=f"x{k + 1}") for k, v in enumerate(self.X_train[index])]
        self.model.zero_grad()
        out = self.model(x)
        loss = get_loss(self.loss)([out], [self.y_train[index]])
        loss.label = "L"
        loss.backward()
        return loss


class Throttle:
    """At most one event per ``interval`` seconds: ``ready()`` says whether one may happen now.

    >>> clock = iter([0.0, 0.1, 0.6, 0.7]).__next__
    >>> t = Throttle(0.5, clock=clock)
    >>> [t.ready() for _ in range(4)]        # at 0 yes, 0.1 no, 0.6 yes, 0.7 no
    [True, False, True, False]
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = _number(interval, "interval", 0.0, 3600.0)
        self.clock = clock
        self.last: float | None = None

    def ready(self) -> bool:
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            return False
        self.last = now
        return True
