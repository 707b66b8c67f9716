"""How good a model is: its loss and accuracy on a dataset, and its predictions, without
training; and how :func:`~micrograd_like.train.fit` reads a loss and a dataset for a model.

A model's outputs are read according to the loss it is trained with (see
:mod:`micrograd_like.tasks`): a hinge score by its sign, a probability above 0.5 as
class 1, several outputs by the largest.

>>> from micrograd_like.engine import Value
>>> model = lambda x: Value(x[0] - 1.0)            # the score s = x - 1
>>> evaluate(model, [[3.0], [0.0]], [1, -1], loss="hinge")  # s = 2 and -1: both right
Evaluation(loss=0.0, accuracy=1.0)
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from micrograd_like.checks import real as _as_float
from micrograd_like.engine import Value, no_grad
from micrograd_like.losses import LossFn
from micrograd_like.nn import MLP
from micrograd_like.tasks import LossSpec, count_correct, is_class_label, loss_spec, prediction

__all__ = ["Evaluation", "accuracy", "evaluate", "predict"]

LossArg = str | Callable[[Any, Any], Value]
"""A loss: its name (``"mse"``, ``"hinge"``, ...) or a function ``loss(outputs, targets)``."""


class Evaluation(NamedTuple):
    """``evaluate``'s answer: the mean loss, and the accuracy (None for regression)."""

    loss: float
    accuracy: float | None


# --------------------------------------------------------------------------------------
# Losses and how to read outputs
# --------------------------------------------------------------------------------------


def _output_activation(model: object) -> str | None:
    act = getattr(type(model), "output_activation", None)
    if act is None:
        return None
    value = getattr(model, "output_activation", None)
    return value if isinstance(value, str) else None


def resolve_loss(loss: object, model: object) -> tuple[LossFn, str, LossSpec | None]:
    """The loss function, its name and its description (None for a function of your
    own). A loss named by a string follows the model's output layer."""
    if isinstance(loss, str):
        spec = loss_spec(loss)
        assert spec is not None  # a str names a loss or raises
        spec = spec.for_output(_output_activation(model))
        return spec.fn, spec.name, spec
    if callable(loss):
        spec = loss_spec(loss)
        name = spec.name if spec else getattr(loss, "__name__", type(loss).__name__)
        return loss, name, spec
    raise TypeError(
        f"loss must be a loss name (e.g. 'mse', 'hinge', 'cross_entropy') or a function "
        f"loss(outputs, targets) -> Value, got {type(loss).__name__}: {loss!r}"
    )


def _infer_task(model: object, y: Sequence[Any], multi_output: bool) -> str:
    """How to read outputs when the loss does not say (loss=None or a custom function)."""
    if multi_output:
        return "multiclass" if all(map(is_class_label, y)) else "regression"
    labels = set(y) if all(map(is_class_label, y)) else None
    if labels and labels <= {-1, 1} and -1 in labels:
        return "signed"
    if labels and labels <= {0, 1}:
        return "binary_prob" if _output_activation(model) == "sigmoid" else "binary_logit"
    return "regression"


def task_of(spec: LossSpec | None, model: object, y: Sequence[Any], first: Any) -> str:
    """The task of ``spec``, or the one the labels and the first output suggest."""
    if spec is not None:
        return spec.task
    return _infer_task(model, y, isinstance(first, (list, tuple)))


def check_fits(spec: LossSpec | None, first: Any, datasets: Sequence[tuple[Any, str]]) -> None:
    """Refuse, before training, a model or labels that ``spec``'s loss cannot use."""
    if spec is None:
        return
    n = _n_outputs(first)
    spec.check_outputs(n)
    for y, what in datasets:
        spec.check_targets(y, n, what)


# --------------------------------------------------------------------------------------
# Checking the data
# --------------------------------------------------------------------------------------


def _samples(X: object, what: str) -> list[list[float]]:
    """X as a list of float rows, all the same length; bool/NaN/inf refused."""
    if (
        isinstance(X, (str, bytes, Mapping))
        or not hasattr(X, "__len__")
        or not hasattr(X, "__iter__")
    ):
        raise TypeError(
            f"{what} must be a list of samples (lists of numbers), got {type(X).__name__}"
        )
    rows: list[list[float]] = []
    width = -1
    for i, row in enumerate(X):
        if isinstance(row, (Value, numbers.Number)):
            raise TypeError(
                f"{what}[{i}] must be a list of numbers (one sample), got {type(row).__name__}; "
                f"for one-feature data write {what} = [[x] for x in xs]"
            )
        if isinstance(row, (str, bytes, Mapping)) or not hasattr(row, "__iter__"):
            raise TypeError(f"{what}[{i}] must be a list of numbers, got {type(row).__name__}")
        values = list(row)
        if {*map(type, values)} - {float} or not all(map(math.isfinite, values)):
            values = [_as_float(v, f"{what}[{i}][{j}]") for j, v in enumerate(values)]
        if width < 0:
            width = len(values)
        elif len(values) != width:
            raise ValueError(
                f"{what}[{i}] has {len(values)} features but {what}[0] has {width}; "
                "every sample needs the same number"
            )
        rows.append(values)
    return rows


def check_dataset(X: object, y: object, what: str) -> tuple[list[list[float]], list[Any]]:
    """``(X, y)`` as float rows and a list of targets, as many of each; ``what`` names
    the pair in messages (``""`` for X and y, ``"_val"`` for the validation data)."""
    rows = _samples(X, f"X{what}")
    if (
        isinstance(y, (str, bytes, Mapping))
        or not hasattr(y, "__len__")
        or not hasattr(y, "__iter__")
    ):
        raise TypeError(f"y{what} must be a list of targets, got {type(y).__name__}")
    targets = list(y)
    if not rows:
        raise ValueError(f"X{what} is empty: there is nothing to train on or evaluate")
    if len(rows) != len(targets):
        raise ValueError(
            f"X{what} has {len(rows)} samples but y{what} has {len(targets)}; "
            "they must be the same length"
        )
    return rows, targets


def probe(model: Callable[..., Any], x: Sequence[Any]) -> Any:
    """What the model gives for one input, to check it accepts the data: for an MLP, read
    from its shape (it refuses an input of the wrong length as it would in training);
    for another model, one forward pass with no graph."""
    if isinstance(model, MLP) and type(model).__call__ is MLP.__call__:
        if len(x) != model.nin:
            raise ValueError(f"MLP expects {model.nin} inputs, got {len(x)}")
        k = model.nouts[-1]
        return Value(0.0) if k == 1 else [Value(0.0)] * k
    with no_grad():
        return model(x)


def _n_outputs(out: Any) -> int:
    return len(out) if isinstance(out, (list, tuple)) else 1


# --------------------------------------------------------------------------------------
# Evaluating and predicting
# --------------------------------------------------------------------------------------


def outputs(model: Any, xs: Sequence[Any]) -> list[Any]:
    """The model's outputs for a batch of inputs: one batched call for an MLP (which
    calls a subclass's own ``__call__`` per input)."""
    return model.forward_batch(xs) if isinstance(model, MLP) else [model(x) for x in xs]


def batch_accuracy(outs: list[Any], targets: list[Any], kind: str) -> float | None:
    """The fraction of ``outs`` that, read for the task ``kind``, equal their targets
    (None for regression)."""
    return None if kind == "regression" else count_correct(outs, targets, kind) / len(outs)


def evaluate_outputs(
    model: Any, inputs: Sequence[Any], targets: list[Any], loss_fn: Callable[..., Value], kind: str
) -> Evaluation:
    """The mean loss and the accuracy of ``model`` on checked inputs, with no graph."""
    with no_grad():
        outs = outputs(model, inputs)
        value = loss_fn(outs, targets).data
    return Evaluation(value, batch_accuracy(outs, targets, kind))


def _check_model(model: object) -> None:
    if not callable(model):
        raise TypeError(f"model must be callable, got {type(model).__name__}")


def evaluate(
    model: Any, X: Sequence[Sequence[float]], y: Sequence[Any], loss: LossArg = "mse"
) -> Evaluation:
    """The mean ``loss`` and the accuracy of ``model`` on ``(X, y)``, without training.

    ``accuracy`` is None for regression (``mse``). No graph is recorded.
    """
    _check_model(model)
    rows, targets = check_dataset(X, y, "")
    loss_fn, _, spec = resolve_loss(loss, model)
    first = probe(model, rows[0])
    check_fits(spec, first, [(targets, "")])
    return evaluate_outputs(model, rows, targets, loss_fn, task_of(spec, model, targets, first))


def predict(model: Any, X: Sequence[Sequence[float]], loss: LossArg | None = None) -> list[Any]:
    """The model's prediction for each sample of ``X`` (a list of samples).

    * several outputs: the index of the largest output (the predicted class);
    * one output: read according to ``loss`` - ``"hinge"``: +1 if s > 0 else -1;
      ``"binary_cross_entropy"``: 1 if p > 0.5 else 0; ``"..._with_logits"``: 1 if z > 0
      else 0; ``"mse"`` or None: the number itself.

    >>> from micrograd_like.engine import Value
    >>> model = lambda x: Value(x[0] - 1.0)
    >>> predict(model, [[3.0], [0.5]]), predict(model, [[3.0], [0.5]], loss="hinge")
    ([2.0, -0.5], [1, -1])
    """
    _check_model(model)
    rows = _samples(X, "X")
    if not rows:
        return []
    with no_grad():
        outs = [model(x) for x in rows]
    multi = isinstance(outs[0], (list, tuple))
    if loss is None:
        task = "multiclass" if multi else "regression"
    else:
        spec = resolve_loss(loss, model)[2]
        task = "regression" if spec is None else spec.task
        if multi and task != "regression":
            task = "multiclass"
    return [prediction(out, task) for out in outs]


def accuracy(
    model: Any, X: Sequence[Sequence[float]], y: Sequence[Any], loss: LossArg | None = None
) -> float | None:
    """The fraction of samples whose prediction equals the label; None for regression.

    How outputs become predictions follows ``loss`` (see :func:`predict`). With
    ``loss=None`` it is read from the labels: several outputs -> argmax; labels -1/+1
    -> sign of the score; labels 0/1 -> p > 0.5 for a sigmoid output, else z > 0.
    """
    _check_model(model)
    rows, targets = check_dataset(X, y, "")
    spec = None if loss is None else resolve_loss(loss, model)[2]
    kind = task_of(spec, model, targets, probe(model, rows[0]))
    if kind == "regression":
        return None
    with no_grad():
        outs = [model(x) for x in rows]
    return count_correct(outs, targets, kind) / len(outs)
