"""Regression and classification: what each loss expects, and how a model's output
becomes a prediction.

A regression model's output is its prediction. A classifier's output is read: the sign
of a score, a probability above 0.5, or the class with the largest output. Each loss of
:mod:`micrograd_like.losses` is described once here (:class:`LossSpec`): its task, what
outputs it reads, and what labels it takes, so training can refuse a model or labels
that do not fit the loss before any step is taken.

>>> from micrograd_like.engine import Value
>>> prediction(Value(0.8), "binary_prob"), prediction(Value(0.8), "signed")
(1, 1)
>>> loss_spec("cross_entropy").task
'multiclass'
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from micrograd_like.checks import real
from micrograd_like.engine import Value
from micrograd_like.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_from_probs,
    get_loss,
    hinge,
    mse,
    multiclass_hinge,
)

__all__ = [
    "LOSS_SPECS",
    "TASKS",
    "LossSpec",
    "count_correct",
    "is_class_label",
    "loss_spec",
    "prediction",
    "spec_for_outputs",
]

TASKS = ("regression", "signed", "binary_prob", "binary_logit", "multiclass")
"""How a model's output becomes a prediction:

============== ================= ===============================
task           model output      prediction
============== ================= ===============================
regression     number(s)         the number(s) itself; no accuracy
signed         a score s         +1 if s > 0 else -1
binary_prob    a probability p   1 if p > 0.5 else 0
binary_logit   a logit z         1 if z > 0 else 0
multiclass     one per class     the class with the largest value
============== ================= ===============================
"""

_ONE_OUTPUT = ("signed", "binary_prob", "binary_logit")


def _argmax(xs: Sequence[Any]) -> int:
    best, best_i = float(xs[0]), 0
    for i in range(1, len(xs)):
        if float(xs[i]) > best:
            best, best_i = float(xs[i]), i
    return best_i


def prediction(out: Any, task: str) -> Any:
    """One output (a Value or a list of Values) read as a prediction for ``task``.

    >>> prediction(Value(-0.3), "signed"), prediction([Value(0.1), Value(2.0)], "multiclass")
    (-1, 1)
    """
    if isinstance(out, (list, tuple)):
        return [float(v) for v in out] if task == "regression" else _argmax(out)
    z = float(out)
    if task == "signed":
        return 1 if z > 0.0 else -1
    if task == "binary_prob":
        return 1 if z > 0.5 else 0
    if task == "binary_logit":
        return 1 if z > 0.0 else 0
    return z


def count_correct(outs: Sequence[Any], targets: Sequence[Any], task: str) -> int:
    """How many outputs, read as predictions for ``task``, equal their targets."""
    return sum(1 for out, t in zip(outs, targets) if prediction(out, task) == t)


def is_class_label(t: object) -> bool:
    """Whether a target is a class index: an int (not a bool).

    >>> is_class_label(2), is_class_label(2.0), is_class_label(True)
    (True, False, False)
    """
    return isinstance(t, numbers.Integral) and not isinstance(t, bool)


@dataclass(frozen=True)
class LossSpec:
    """One loss, described once: its function, what it reads, how outputs are read.

    * ``task``: how an output becomes a prediction (see :data:`TASKS`);
    * ``reads``: what the outputs it takes are, as the output layer that makes them
      ("linear" for raw scores and logits, "sigmoid" for probabilities, ...);
    * ``model_output``: the output layer a model made for this loss gets; a
      ``cross_entropy`` model gets ``softmax``, so :meth:`for_output` runs it as
      ``cross_entropy_from_probs``, the same loss on probabilities;
    * ``family``: losses that differ only in what they read share a family.

    >>> spec = LOSS_SPECS["binary_cross_entropy"]
    >>> spec.for_output("tanh").name, spec.prediction(Value(0.7))
    ('binary_cross_entropy_with_logits', 1)
    """

    name: str
    fn: Callable[[Any, Any], Value]
    task: str
    reads: str
    model_output: str
    family: str

    @property
    def one_output(self) -> bool:
        """True if the model must have a single output (a score, logit or probability)."""
        return self.task in _ONE_OUTPUT

    @property
    def has_accuracy(self) -> bool:
        return self.task != "regression"

    def prediction(self, out: Any) -> Any:
        return prediction(out, self.task)

    def count_correct(self, outs: Sequence[Any], targets: Sequence[Any]) -> int:
        return count_correct(outs, targets, self.task)

    def for_output(self, activation: str | None) -> LossSpec:
        """The member of this loss's family that reads what ``activation`` makes.

        Without a known output layer (``None``) the loss runs as named.
        """
        if activation is None:
            return self
        family = [s for s in LOSS_SPECS.values() if s.family == self.family]
        if len(family) == 1:
            return self
        for spec in family:
            if spec.reads == activation:
                return spec
        return next(s for s in family if s.reads == "linear")

    def check_outputs(self, n: int) -> None:
        """Refuse a model of ``n`` outputs that does not fit this loss."""
        if self.one_output and n != 1:
            raise ValueError(
                f"loss {self.name!r} needs a model with one output, but the model gives {n}; "
                "for several classes use loss='cross_entropy'"
            )
        if self.task == "multiclass" and n == 1:
            raise ValueError(
                f"loss {self.name!r} needs one output per class, but the model gives a single "
                "output; give the last layer one neuron per class"
            )

    def check_targets(self, y: Sequence[Any], n_outputs: int, what: str) -> None:
        """Refuse labels this loss cannot use, before any training happens."""
        for i, t in enumerate(y):
            where = f"y{what}[{i}]"
            if self.task == "multiclass":
                if not is_class_label(t):
                    raise TypeError(
                        f"{where} must be an int class index for {self.name}, got "
                        f"{type(t).__name__}: {t!r}"
                    )
                if not 0 <= t < n_outputs:
                    raise ValueError(
                        f"{where} = {t} is out of range: the model has {n_outputs} outputs, "
                        f"so class indices must be 0..{n_outputs - 1}"
                    )
            elif self.task == "signed":
                if isinstance(t, bool) or t not in (-1, 1):
                    raise ValueError(
                        f"{where} must be -1 or +1 for the hinge loss, got {t!r} "
                        "(turn 0/1 labels into -1/+1 with data.signed_labels)"
                    )
            elif self.one_output:
                if not 0.0 <= real(t, where) <= 1.0:
                    raise ValueError(f"{where} must be 0 or 1 for {self.name}, got {t!r}")
            elif isinstance(t, (list, tuple)):
                for j, v in enumerate(t):
                    real(v, f"{where}[{j}]")
            else:
                real(t, where)


LOSS_SPECS: dict[str, LossSpec] = {
    s.name: s
    for s in (
        LossSpec("mse", mse, "regression", "linear", "linear", "mse"),
        LossSpec("hinge", hinge, "signed", "linear", "linear", "hinge"),
        LossSpec(
            "binary_cross_entropy", binary_cross_entropy, "binary_prob", "sigmoid", "sigmoid",
            "binary_cross_entropy",
        ),
        LossSpec(
            "binary_cross_entropy_with_logits", binary_cross_entropy_with_logits,
            "binary_logit", "linear", "linear", "binary_cross_entropy",
        ),
        LossSpec(
            "cross_entropy", cross_entropy, "multiclass", "linear", "softmax", "cross_entropy"
        ),
        LossSpec(
            "cross_entropy_from_probs", cross_entropy_from_probs, "multiclass", "softmax",
            "softmax", "cross_entropy",
        ),
        LossSpec(
            "multiclass_hinge", multiclass_hinge, "multiclass", "linear", "linear",
            "multiclass_hinge",
        ),
    )
}  # fmt: skip
"""Every loss of :data:`LOSSES`, described: see :class:`LossSpec`."""


def loss_spec(loss: object) -> LossSpec | None:
    """The description of ``loss`` (a name, an alias or one of the loss functions);
    None for a function of your own.

    >>> loss_spec("bce").name, loss_spec(hinge).task, loss_spec(lambda p, t: p)
    ('binary_cross_entropy', 'signed', None)
    """
    fn = get_loss(loss) if isinstance(loss, str) else loss  # a clear error for an unknown name
    return next((s for s in LOSS_SPECS.values() if s.fn is fn), None)


def spec_for_outputs(activation: str, n_outputs: int) -> LossSpec | None:
    """The loss a model of this output layer was most likely trained with, to read its
    outputs as classes: several outputs or softmax -> cross_entropy, one sigmoid output
    -> binary_cross_entropy; None for one linear (or tanh) output, which may be a
    regression or a hinge score.

    >>> spec_for_outputs("sigmoid", 1).name, spec_for_outputs("linear", 1)
    ('binary_cross_entropy', None)
    """
    if activation == "softmax" or n_outputs > 1:
        return LOSS_SPECS["cross_entropy"]
    if activation == "sigmoid":
        return LOSS_SPECS["binary_cross_entropy"]
    return None
