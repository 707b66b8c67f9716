"""The Playground's training, without any widget: its settings, data, model and losses.

:class:`Settings` holds every choice TensorFlow Playground offers (the problem and its
dataset, the noise, the ratio of training data, the batch size, the input features, the
hidden layers, the activation, the regularization, the learning rate) and ours (the loss,
the optimizer), and turns into a short string and back, as TF Playground keeps its state
in its URL. :class:`TrainingRun` is the data and the network those settings make,
trained a chunk of epochs at a time as :func:`~micrograd_like.train.fit` trains. Nothing here
imports a widget library; the numbers of the pictures come from numpy
(:mod:`~micrograd_like.widgets.grids`, imported when a run is made).

>>> run = TrainingRun(dataset="xor", hidden=(4,))
>>> run.epoch, len(run.X_train), len(run.X_test)      # 200 points, half held out
(0, 100, 100)
>>> run.chunk(5); run.epoch, len(run.train_loss)      # losses before and after each epoch
(5, 6)
>>> TrainingRun.from_state(run.settings.to_state()).settings == run.settings
True
"""

from __future__ import annotations

import dataclasses
import math
import random
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from micrograd_like import data as _data
from micrograd_like.checks import between, choice, integer, layer_sizes
from micrograd_like.engine import Value
from micrograd_like.functional import dot
from micrograd_like.losses import get_loss
from micrograd_like.nn import ACTIVATIONS, MLP
from micrograd_like.optim import SGD, Adam, Optimizer

__all__ = ["Settings", "TrainingRun"]


PROBLEMS = ("classification", "regression")


def problem_of(dataset: str) -> str:
    """The Playground's problem for a dataset of :data:`DATASETS`: a binary one is
    ``"classification"``, a regression one ``"regression"``.

    >>> problem_of("xor"), problem_of("plane")
    ('classification', 'regression')
    """
    return "regression" if DATASETS[dataset].task == "regression" else "classification"


DATASETS: dict[str, _data.Dataset] = {
    name: d for name, d in _data.DATASETS.items() if d.inputs == 2 and d.task != "multiclass"
}
"""The Playground's datasets: those of ``data.DATASETS`` with points in the plane and one
output (TF Playground's seven). Each problem's first is its default: the course's moons,
and TF Playground's plane."""


FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
"""TF Playground's input features, each a function of the point (x1, x2)."""

FEATURE_LABELS = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2", "sin(x1)": "sin x1",
                  "sin(x2)": "sin x2"}  # fmt: skip
"""How the pictures write a feature (the others as they are named)."""

LOSSES = {
    "classification": ("binary_cross_entropy_with_logits", "hinge", "mse"),
    "regression": ("mse",),
}
"""The losses of each problem. One output s: hinge and mse read labels -1/+1, the
logistic loss 0/1; for regression the targets are numbers in [-1, 1]."""

LOSS_NAMES = {
    "binary_cross_entropy_with_logits": "cross-entropy (logistic)",
    "hinge": "hinge (max margin)",
    "mse": "mse (squared error)",
}
"""How the loss menu names them."""

OPTIMIZERS = ("sgd", "momentum", "adam")
"""Plain SGD, SGD with momentum 0.9, and Adam."""

REGULARIZATIONS = ("none", "L1", "L2")
"""No penalty, rate * sum |w|, or rate * sum w**2, over the weights (not the biases)."""

MAX_LAYERS, MAX_NEURONS = 6, 8
"""TF Playground's limits: six hidden layers of at most eight neurons."""


def _words(value: object, what: str) -> list[Any]:
    """``"8, 8"`` or ``(8, 8)`` as a list of items (``()`` or ``""``: none)."""
    if isinstance(value, str):
        return [p for p in re.split(r"[\s,]+", value.strip()) if p]
    if isinstance(value, Sequence):
        return list(value)
    raise TypeError(f"{what} must be a list like (8, 8) or the text '8, 8', got {value!r}")


@dataclass(frozen=True)
class Settings:
    """Every choice of a Playground run: what TF Playground keeps in its URL, and ours.

    ``loss=None`` takes the problem's first loss, ``dataset=None`` its first dataset.
    ``batch_size=None`` trains on every training point at each step. ``data_seed`` makes
    the data and ``weight_seed`` the first weights: the same settings give the same run.
    ``discretize`` and ``show_test`` change only the picture.
    """

    problem: str = "classification"
    dataset: str | None = None
    noise: float = 0.1
    train_ratio: float = 0.5
    batch_size: int | None = 10
    features: tuple[str, ...] | str = ("x1", "x2")
    hidden: tuple[int, ...] | str = (4, 4)
    activation: str = "tanh"
    loss: str | None = None
    optimizer: str = "sgd"
    lr: float = 0.03
    regularization: str = "none"
    reg_rate: float = 0.0
    n_samples: int = 200
    data_seed: int = 0
    weight_seed: int = 0
    discretize: bool = False
    show_test: bool = False

    def __post_init__(self) -> None:
        put = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        problem = choice(self.problem, PROBLEMS, "problem")
        mine = [name for name in DATASETS if problem_of(name) == problem]
        put("dataset", mine[0] if self.dataset is None else choice(self.dataset, mine, "dataset"))
        put("noise", between(self.noise, "noise", 0.0, 0.5))
        put("train_ratio", between(self.train_ratio, "train_ratio", 0.1, 0.9))
        if self.batch_size is not None:
            put("batch_size", integer(self.batch_size, "batch_size", minimum=1))
        names = tuple(choice(f, FEATURES, "feature") for f in _words(self.features, "features"))
        if not names or len(set(names)) != len(names):
            raise ValueError(f"features must be one or more of {', '.join(FEATURES)}, each once")
        put("features", tuple(f for f in FEATURES if f in names))  # in TF Playground's order
        put(
            "hidden",
            layer_sizes(self.hidden, "hidden", most_layers=MAX_LAYERS, most_neurons=MAX_NEURONS),
        )
        choice(self.activation, ACTIVATIONS, "activation")
        losses = LOSSES[problem]
        put("loss", losses[0] if self.loss is None else choice(self.loss, losses, "loss"))
        choice(self.optimizer, OPTIMIZERS, "optimizer")
        put("lr", between(self.lr, "lr", 1e-6, 10.0))
        choice(self.regularization, REGULARIZATIONS, "regularization")
        put("reg_rate", between(self.reg_rate, "reg_rate", 0.0, 10.0))
        put("n_samples", integer(self.n_samples, "n_samples", minimum=10, maximum=2000))
        put("data_seed", integer(self.data_seed, "data_seed", minimum=0))
        put("weight_seed", integer(self.weight_seed, "weight_seed", minimum=0))
        for flag in ("discretize", "show_test"):
            if not isinstance(getattr(self, flag), bool):
                raise TypeError(f"{flag} must be True or False, got {getattr(self, flag)!r}")

    def changed(self, name: str, value: Any) -> Settings:
        """These settings with ``name`` set to ``value``; a new problem takes its own
        dataset and loss.

        >>> Settings().changed("problem", "regression").dataset
        'plane'
        """
        if name not in {f.name for f in dataclasses.fields(self)}:
            raise ValueError(f"no setting named {name!r}")
        extra = {"dataset": None, "loss": None} if name == "problem" else {}
        return dataclasses.replace(self, **{**extra, name: value})

    def to_state(self) -> str:
        """The settings as a short text, like TF Playground's URL (every field, by name).

        >>> state = Settings(dataset="xor", hidden=(8, 2)).to_state()
        >>> state.split("&")[:4], "&hidden=8,2&" in state
        (['problem=classification', 'dataset=xor', 'noise=0.1', 'train_ratio=0.5'], True)
        """
        parts = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = ",".join(map(str, value))
            elif isinstance(value, bool):
                value = int(value)
            parts[f.name] = "all" if value is None else value
        return urllib.parse.urlencode(parts, safe=",*^()")

    @classmethod
    def from_state(cls, state: str) -> Settings:
        """The settings :meth:`to_state` wrote (a leading ``#`` or ``?`` is allowed)."""
        if not isinstance(state, str):
            raise TypeError(f"state must be a str, got {type(state).__name__}")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        given: dict[str, Any] = {}
        for key, text in urllib.parse.parse_qsl(state.strip().lstrip("#?"), strict_parsing=True):
            if key not in fields:
                raise ValueError(f"the state has an unknown setting {key!r}")
            given[key] = _parse(key, text, cls.__dataclass_fields__[key].default)
        return cls(**given)


def _parse(key: str, text: str, default: Any) -> Any:
    """A setting's value from its text in a state string."""
    try:
        if key in ("features", "hidden"):
            return text
        if key == "batch_size":
            return None if text == "all" else int(text)
        if isinstance(default, bool):
            return {"1": True, "0": False}[text]
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
    except (KeyError, ValueError):
        raise ValueError(f"the state's {key}={text!r} is not a valid value") from None
    return None if text == "all" else text


def _optimizer(name: str, params: list[Value], lr: float) -> Optimizer:
    if name == "adam":
        return Adam(params, lr=lr)
    return SGD(params, lr=lr, momentum=0.9 if name == "momentum" else 0.0)


def _sign(x: float) -> float:
    return 0.0 if x == 0.0 else math.copysign(1.0, x)


def penalized(loss: str, weights: list[Value], kind: str, rate: float) -> Callable[..., Value]:
    """The loss ``loss`` plus ``rate * sum |w|`` (L1) or ``rate * sum w**2`` (L2).

    ``|w|`` is written as ``sign(w) * w``, one dot node: the same value, and the
    derivative ``sign(w)`` (0 at w = 0).
    """
    base = get_loss(loss)
    if kind == "none" or rate == 0.0:
        return base

    def with_penalty(outputs: Any, targets: Any) -> Value:
        if kind == "L1":
            penalty = dot(weights, [_sign(w.data) for w in weights])
        else:
            penalty = dot(weights, weights)
        return base(outputs, targets) + penalty * rate

    return with_penalty


class TrainingRun:
    """The data and the network of :class:`Settings`, trained a chunk of epochs at a time.

    The model is ``MLP(len(features), [*hidden, 1], activation)`` with one output s,
    trained on the chosen features of each point, epoch by epoch as
    :func:`~micrograd_like.train.fit` trains, with one optimizer and one shuffling for
    the whole run: ``chunk(5); chunk(5)`` trains exactly as ``fit(..., epochs=10,
    seed=random.Random(weight_seed))`` does.
    ``train_loss[k]`` and ``test_loss[k]`` are the data losses (without the penalty) on
    the weights that epoch k left (k = 0: before training).
    """

    def __init__(self, settings: Settings | None = None, **choices: Any) -> None:
        if settings is not None and choices:
            raise ValueError("give Settings or the choices by name, not both")
        s = self.settings = settings if settings is not None else Settings(**choices)
        from micrograd_like.widgets import grids

        self._grids = grids
        X, y = DATASETS[s.dataset](s.n_samples, noise=s.noise, seed=s.data_seed)  # type: ignore[index]
        if s.loss != "binary_cross_entropy_with_logits" and s.problem == "classification":
            y = _data.signed_labels(y)
        self.X_train, self.X_test, self.y_train, self.y_test = _data.train_test_split(
            X, y, 1.0 - s.train_ratio, seed=s.data_seed
        )
        self.extent = self._plane()
        """The plane the pictures cover: (x1 min, x1 max, x2 min, x2 max)."""
        self.F_train = grids.features(self.X_train, s.features).tolist()
        self.F_test = grids.features(self.X_test, s.features).tolist()
        self.model = MLP(len(s.features), [*s.hidden, 1], activation=s.activation,
                         seed=s.weight_seed)  # fmt: skip
        self.opt = _optimizer(s.optimizer, self.model.parameters(), s.lr)
        weights = [w for layer in self.model.layers for n in layer.neurons for w in n.w]
        self._loss = penalized(s.loss, weights, s.regularization, s.reg_rate)  # type: ignore[arg-type]
        self._shuffle = random.Random(s.weight_seed)  # the batches' order, as fit's seed=
        self._order = list(range(len(self.F_train)))
        self._inputs = [[Value(v) for v in row] for row in self.F_train]  # lifted once
        self.epoch = 0
        self.diverged: str | None = None
        self.train_loss: list[float] = []
        self.test_loss: list[float] = []
        self._measure()

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"TrainingRun({s.dataset}, features {', '.join(s.features)}, hidden "
            f"{list(s.hidden)}, {s.activation}, {s.loss}, {s.optimizer} lr={s.lr:g}, "
            f"epoch {self.epoch})"
        )

    @classmethod
    def from_state(cls, state: str) -> TrainingRun:
        """The run that :meth:`Settings.to_state`'s text describes, at epoch 0."""
        return cls(Settings.from_state(state))

    def _plane(self) -> tuple[float, float, float, float]:
        """The plane the pictures cover: every point, with a margin of a tenth."""
        X = self.X_train + self.X_test
        spans: list[float] = []
        for k in (0, 1):
            lo, hi = min(p[k] for p in X), max(p[k] for p in X)
            pad = 0.1 * (hi - lo) or 0.5
            spans += [lo - pad, hi + pad]
        return spans[0], spans[1], spans[2], spans[3]

    def snapshot(self) -> Any:
        """The weights now, read once (a :class:`~micrograd_like.widgets.grids.Snapshot`)."""
        return self._grids.Snapshot.of(self.model)

    def _measure(self) -> None:
        """Append the train and test data loss of the weights now."""
        net, loss = self.snapshot(), self.settings.loss
        self.train_loss.append(net.loss(self.F_train, self.y_train, loss))
        self.test_loss.append(net.loss(self.F_test, self.y_test, loss))

    def set_lr(self, lr: float) -> None:
        """Change the learning rate from the next step on (the weights stay)."""
        self.settings = dataclasses.replace(self.settings, lr=lr)
        self.opt.lr = self.settings.lr

    def chunk(self, epochs: int) -> None:
        """Train ``epochs`` more epochs, each as :func:`~micrograd_like.train.fit` trains one.

        The training points are shuffled (unless one batch holds them all) and cut into
        batches; each batch takes fit's four moves: forward, loss (with the penalty),
        ``zero_grad``, ``backward``, ``step``. After each epoch the losses are measured.
        A run whose loss or weights stop being finite numbers stops and says why in
        ``diverged``; its weights stay at their last finite values.
        """
        epochs = integer(epochs, "epochs", minimum=1)
        n = len(self._inputs)
        size = min(self.settings.batch_size or n, n)
        for _ in range(epochs if self.diverged is None else 0):
            if size < n:
                self._shuffle.shuffle(self._order)
            for start in range(0, n, size):
                batch = self._order[start : start + size]
                try:
                    outs = [self.model(self._inputs[i]) for i in batch]
                    loss = self._loss(outs, [self.y_train[i] for i in batch])
                    if not math.isfinite(loss.data):
                        raise FloatingPointError(f"the loss became {loss.data}")
                    self.opt.zero_grad()
                    loss.backward()
                    self.opt.step()  # all or nothing: it refuses a NaN or infinite weight
                except (OverflowError, FloatingPointError) as exc:
                    self.diverged = (
                        f"training diverged in epoch {self.epoch + 1} ({exc}): "
                        "try a smaller learning rate"
                    )
                    return
            self.epoch += 1
            self._measure()

    def point_loss(self, index: int, subset: str = "train") -> tuple[Value, MLP]:
        """The loss of one point alone, after its backward pass, on a copy of the model.

        ``subset`` is ``"train"`` or ``"test"``. Returns the loss (labelled L, its inputs
        named by their features) and the copy, whose grads it holds: training goes on
        with the model itself untouched.
        """
        choice(subset, ("train", "test"), "subset")
        points = self.F_train if subset == "train" else self.F_test
        index = integer(index, "index", minimum=0)
        if index >= len(points):
            raise ValueError(f"index must be < {len(points)} ({subset} points), got {index}")
        target = (self.y_train if subset == "train" else self.y_test)[index]
        s = self.settings
        copy = MLP(len(s.features), [*s.hidden, 1], activation=s.activation)
        copy.load_state_dict(self.model.state_dict())
        x = [Value(v, label=FEATURE_LABELS.get(f, f)) for f, v in zip(s.features, points[index])]
        loss = get_loss(s.loss)([copy(x)], [target])  # type: ignore[arg-type]
        loss.label = "L"
        loss.backward()
        return loss, copy
