"""Training: the loop that every example runs, as one function, ``fit``.

One training step is always the same four moves::

    loss = mean of loss(model(x), y) over a batch (+ L2 penalty)   # forward
    optimizer.zero_grad()                                          # clear old grads
    loss.backward()                                                # backward
    optimizer.step()                                               # update

``fit`` repeats it over the data for a number of epochs (an epoch is one pass over every
sample), records the loss and accuracy per epoch in a :class:`History`, shows a
progress bar, and stops with :class:`TrainingDiverged` if the loss blows up.

How outputs are read as predictions (``predict``, ``accuracy``) depends on the loss:

==================================== =================== ================================
loss                                 model output        prediction
==================================== =================== ================================
``mse`` (regression)                 number(s)           the number itself; no accuracy
``hinge``                            a score s           +1 if s > 0 else -1
``binary_cross_entropy``             a probability p     1 if p > 0.5 else 0
``binary_cross_entropy_with_logits`` a logit z           1 if z > 0 else 0
``cross_entropy`` and the others     one value per class the class with the largest value
==================================== =================== ================================

The cross-entropy losses, when named by a string, follow the model's output layer
(``model.output_activation``): for an MLP with a ``softmax`` output, "cross_entropy"
means ``cross_entropy_from_probs``; with a ``sigmoid`` output, the binary ones mean
``binary_cross_entropy`` (on probabilities), otherwise ``..._with_logits``. So
``fit(model, X, y, loss="cross_entropy")`` is right for either kind of output layer.
"""

from __future__ import annotations

import math
import numbers
import random
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from micrograd_like import fast
from micrograd_like import losses as _losses
from micrograd_like.checks import positive as _positive
from micrograd_like.checks import real as _as_float
from micrograd_like.engine import Value, no_grad
from micrograd_like.nn import Module
from micrograd_like.optim import SGD, Adam, Optimizer

__all__ = [
    "Evaluation",
    "History",
    "TrainingDiverged",
    "accuracy",
    "evaluate",
    "fit",
    "predict",
]

LossArg = str | Callable[[Any, Any], Value]

DEFAULT_LR = {"sgd": 0.1, "adam": 0.01}
"""The learning rate ``fit`` uses when none is given, per optimizer name."""


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass(repr=False)
class History:
    """What happened during ``fit``, one entry per epoch.

    ``loss`` is the mean training loss over the epoch's samples (each measured just
    before its update step, without the L2 penalty, so it compares with ``val_loss``);
    ``accuracy`` the fraction of those samples predicted right. Lists that do not apply
    are empty: ``accuracy`` for a regression loss, ``val_*`` without validation data.
    ``lr`` is the learning rate each epoch used.
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    epochs: int = 0
    loss_name: str = ""
    seconds: float = 0.0

    def __repr__(self) -> str:
        if not self.epochs:
            return "History(0 epochs)"
        parts = [f"{self.epochs} epochs", f"loss {self.loss[-1]:.4g}"]
        if self.accuracy:
            parts.append(f"accuracy {self.accuracy[-1]:.3f}")
        if self.val_loss:
            parts.append(f"val_loss {self.val_loss[-1]:.4g}")
        if self.val_accuracy:
            parts.append(f"val_accuracy {self.val_accuracy[-1]:.3f}")
        parts.append(f"{self.seconds:.2f} s")
        return f"History({', '.join(parts)})"


class Evaluation(NamedTuple):
    """``evaluate``'s answer: the mean loss, and the accuracy (None for regression)."""

    loss: float
    accuracy: float | None


class TrainingDiverged(RuntimeError):
    """The loss (or a parameter) became NaN or infinite: the learning rate is too large.

    No parameter is ever made NaN or infinite (optimizer steps are all or nothing), so
    the model keeps the values of the last step applied. The
    attributes say where: ``epoch`` (1-based), ``step`` (optimizer steps so far, 1-based),
    ``lr``, and ``history`` up to the last complete epoch.
    """

    def __init__(self, message: str, epoch: int, step: int, lr: float, history: History) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step
        self.lr = lr
        self.history = history


# --------------------------------------------------------------------------------------
# Losses and how to read outputs
# --------------------------------------------------------------------------------------

# The kind of task a loss implies, which says how an output becomes a prediction.
_KIND_BY_LOSS: dict[str, str] = {
    "mse": "regression",
    "hinge": "signed",
    "binary_cross_entropy": "binary_prob",
    "binary_cross_entropy_with_logits": "binary_logit",
    "cross_entropy": "multiclass",
    "cross_entropy_from_probs": "multiclass",
    "multiclass_hinge": "multiclass",
}
_NAME_OF = {fn: name for name, fn in _losses.LOSSES.items()}


def _output_activation(model: object) -> str | None:
    act = getattr(type(model), "output_activation", None)
    if act is None:
        return None
    value = getattr(model, "output_activation", None)
    return value if isinstance(value, str) else None


def _resolve_loss(loss: object, model: object) -> tuple[Callable[[Any, Any], Value], str]:
    """The loss function and its name; cross-entropy names follow the output layer."""
    if isinstance(loss, str):
        fn = _losses.get_loss(loss)
        name = _NAME_OF[fn]
        out = _output_activation(model)
        if out is not None:
            if name in ("cross_entropy", "cross_entropy_from_probs"):
                name = "cross_entropy_from_probs" if out == "softmax" else "cross_entropy"
            elif name in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
                name = (
                    "binary_cross_entropy"
                    if out == "sigmoid"
                    else "binary_cross_entropy_with_logits"
                )
        return _losses.LOSSES[name], name
    if callable(loss):
        return loss, _NAME_OF.get(loss, getattr(loss, "__name__", type(loss).__name__))
    raise TypeError(
        f"loss must be a loss name (e.g. 'mse', 'hinge', 'cross_entropy') or a function "
        f"loss(outputs, targets) -> Value, got {type(loss).__name__}: {loss!r}"
    )


def _is_int_label(t: object) -> bool:
    return isinstance(t, numbers.Integral) and not isinstance(t, bool)


def _infer_kind(model: object, y: Sequence[Any], multi_output: bool) -> str:
    """How to read outputs when the loss does not say (loss=None or a custom function)."""
    if multi_output:
        return "multiclass" if all(map(_is_int_label, y)) else "regression"
    labels = set(y) if all(map(_is_int_label, y)) else None
    if labels and labels <= {-1, 1} and -1 in labels:
        return "signed"
    if labels and labels <= {0, 1}:
        return "binary_prob" if _output_activation(model) == "sigmoid" else "binary_logit"
    return "regression"


def _argmax(xs: Sequence[Value]) -> int:
    best, best_i = xs[0].data, 0
    for i in range(1, len(xs)):
        if xs[i].data > best:
            best, best_i = xs[i].data, i
    return best_i


def _prediction(out: Any, kind: str) -> Any:
    """One output (a Value or a list of Values) read as a prediction of ``kind``."""
    if isinstance(out, (list, tuple)):
        if kind == "regression":
            return [float(v) for v in out]
        return _argmax(out)
    z = float(out)
    if kind == "signed":
        return 1 if z > 0.0 else -1
    if kind == "binary_prob":
        return 1 if z > 0.5 else 0
    if kind == "binary_logit":
        return 1 if z > 0.0 else 0
    return z


def _count_correct(outs: Sequence[Any], targets: Sequence[Any], kind: str) -> int:
    return sum(1 for out, t in zip(outs, targets) if _prediction(out, kind) == t)


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
        values = [_as_float(v, f"{what}[{i}][{j}]") for j, v in enumerate(row)]
        if width < 0:
            width = len(values)
        elif len(values) != width:
            raise ValueError(
                f"{what}[{i}] has {len(values)} features but {what}[0] has {width}; "
                "every sample needs the same number"
            )
        rows.append(values)
    return rows


def _dataset(X: object, y: object, what: str) -> tuple[list[list[float]], list[Any]]:
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


def _check_targets(y: Sequence[Any], kind: str, loss_name: str, n_outputs: int, what: str) -> None:
    """Refuse labels the loss cannot use, before any training happens."""
    for i, t in enumerate(y):
        where = f"y{what}[{i}]"
        if kind == "multiclass":
            if not _is_int_label(t):
                raise TypeError(
                    f"{where} must be an int class index for {loss_name}, got "
                    f"{type(t).__name__}: {t!r}"
                )
            if not 0 <= t < n_outputs:
                raise ValueError(
                    f"{where} = {t} is out of range: the model has {n_outputs} outputs, "
                    f"so class indices must be 0..{n_outputs - 1}"
                )
        elif kind == "signed":
            if isinstance(t, bool) or t not in (-1, 1):
                raise ValueError(
                    f"{where} must be -1 or +1 for the hinge loss, got {t!r} "
                    "(turn 0/1 labels into -1/+1 with data.signed_labels)"
                )
        elif kind in ("binary_prob", "binary_logit"):
            f = _as_float(t, where)
            if not 0.0 <= f <= 1.0:
                raise ValueError(f"{where} must be 0 or 1 for {loss_name}, got {t!r}")
        elif isinstance(t, (list, tuple)):
            for j, v in enumerate(t):
                _as_float(v, f"{where}[{j}]")
        else:
            _as_float(t, where)


def _check_outputs(first: Any, kind: str, loss_name: str) -> None:
    """Refuse a model whose number of outputs does not fit the loss."""
    n = _n_outputs(first)
    if kind in ("signed", "binary_prob", "binary_logit") and n != 1:
        raise ValueError(
            f"loss {loss_name!r} needs a model with one output, but the model gives {n}; "
            "for several classes use loss='cross_entropy'"
        )
    if kind == "multiclass" and n == 1:
        raise ValueError(
            f"loss {loss_name!r} needs one output per class, but the model gives a single "
            "output; give the last layer one neuron per class"
        )


def _lift_rows(rows: list[list[float]]) -> list[list[Value]]:
    """Each input number as a Value once, so the model does not re-check it every epoch."""
    return [[Value(v) for v in row] for row in rows]


def _probe(model: Callable[..., Any], x: Sequence[Any]) -> Any:
    """One forward pass (no graph), to check the model accepts the data."""
    with no_grad():
        return model(x)


def _n_outputs(out: Any) -> int:
    return len(out) if isinstance(out, (list, tuple)) else 1


# --------------------------------------------------------------------------------------
# Progress bar
# --------------------------------------------------------------------------------------

_warned_no_tqdm = False


def _in_jupyter() -> bool:
    return "ipykernel.zmqshell" in sys.modules


def _progress_bar(total: int, enabled: bool) -> Any:
    """A tqdm bar over epochs, or None (progress off, tqdm missing, not a terminal)."""
    global _warned_no_tqdm
    if not enabled:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tqdm's "IProgress not found" when no ipywidgets
            from tqdm.auto import tqdm
    except ImportError:
        if not _warned_no_tqdm:
            _warned_no_tqdm = True
            warnings.warn(
                "progress=True but tqdm is not installed, so no progress bar is shown; "
                "pip install tqdm (or pass progress=False)",
                stacklevel=3,
            )
        return None
    # disable=None: no bar when stderr is not a terminal (CI, logs); always one in Jupyter
    bar = tqdm(total=total, desc="training", unit="epoch", disable=False if _in_jupyter() else None)
    if bar.disable:
        bar.close()
        return None
    return bar


# --------------------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------------------


def _positive_int(x: object, what: str) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{what} must be an int, got {type(x).__name__}: {x!r}")
    if x < 1:
        raise ValueError(f"{what} must be >= 1, got {x}")
    return int(x)


def _make_optimizer(
    optimizer: object, lr: float | None, params: list[Value], schedule: Any
) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError(
                "lr was given to fit, but the optimizer already has one; "
                "set the learning rate on the optimizer (or pass optimizer='sgd'/'adam')"
            )
        return optimizer
    name = "sgd" if optimizer is None else optimizer
    if not isinstance(name, str) or name.lower() not in DEFAULT_LR:
        raise TypeError(
            f"optimizer must be 'sgd', 'adam', an Optimizer (e.g. optim.SGD(...)) or None, "
            f"got {optimizer!r}"
        )
    name = name.lower()
    if lr is None and schedule is None:
        lr = DEFAULT_LR[name]
    elif lr is None:
        lr = schedule(0)
        try:
            _positive(lr, "lr")
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"schedule(0) gave a bad learning rate: {exc}") from None
    return SGD(params, lr=lr) if name == "sgd" else Adam(params, lr=lr)


def _diverged(
    why: str, epoch: int, epochs: int, step: int, lr: float, history: History
) -> TrainingDiverged:
    return TrainingDiverged(
        f"training diverged: {why} at epoch {epoch}/{epochs}, step {step} (lr={lr:g}). "
        "The parameters are finite: they hold the values of the last step applied. "
        "Try a smaller learning rate.",
        epoch,
        step,
        lr,
        history,
    )


def fit(
    model: Any,
    X: Sequence[Sequence[float]],
    y: Sequence[Any],
    loss: LossArg = "mse",
    optimizer: str | Optimizer | None = None,
    lr: float | None = None,
    epochs: int = 100,
    batch_size: int | None = None,
    validation: tuple[Sequence[Sequence[float]], Sequence[Any]] | None = None,
    l2: float = 0.0,
    schedule: Callable[[int], float] | None = None,
    progress: bool = True,
    seed: int | random.Random | None = 0,
    callback: Callable[[History], Any] | None = None,
) -> History:
    """Train ``model`` on ``(X, y)`` by gradient descent; return the per-epoch History.

    * ``model``: anything with ``parameters()`` and ``model(x) -> Value | list[Value]``
      (an :class:`~micrograd_like.nn.MLP`).
    * ``loss``: a name from ``losses.LOSSES`` or a function ``loss(outputs, targets)``
      taking lists and returning the mean as a Value.
    * ``optimizer``: ``"sgd"`` (default), ``"adam"`` or an Optimizer you made. ``lr``
      defaults to 0.1 for SGD and 0.01 for Adam (or to ``schedule(0)``).
    * ``batch_size``: None = the whole dataset every step (full batch); otherwise the
      data is shuffled each epoch (with ``seed``) and cut into batches.
    * ``l2``: adds ``l2 * sum(p**2)`` over the parameters to each step's loss.
    * ``schedule``: ``schedule(epoch) -> lr`` (epoch = 0, 1, ...), applied at the start
      of each epoch, e.g. ``optim.LinearDecay(1.0, 0.1, 100)``.
    * ``validation``: ``(X_val, y_val)``, evaluated after each epoch.
    * ``callback(history)``: called after each epoch; returning True stops training.

    Raises :class:`TrainingDiverged` (parameters restored) when the loss or a
    parameter stops being a finite number.
    """
    # ---- check everything before the first step -----------------------------------
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(
            f"model must be callable and have parameters() (e.g. an nn.MLP), "
            f"got {type(model).__name__}"
        )
    rows, targets = _dataset(X, y, "")
    n = len(rows)
    n_epochs = _positive_int(epochs, "epochs")
    bs = n if batch_size is None else min(_positive_int(batch_size, "batch_size"), n)
    alpha = _as_float(l2, "l2")
    if alpha < 0.0:
        raise ValueError(f"l2 must be >= 0, got {alpha!r}")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function epoch -> lr, got {type(schedule).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function, got {type(callback).__name__}")
    if not isinstance(progress, bool):
        raise TypeError(f"progress must be a bool, got {type(progress).__name__}")
    if isinstance(seed, random.Random):
        rng = seed
    elif seed is None or (isinstance(seed, int) and not isinstance(seed, bool)):
        rng = random.Random(seed)
    else:
        raise TypeError(f"seed must be an int, a random.Random or None, got {seed!r}")
    val: tuple[list[list[float]], list[Any]] | None = None
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError("validation must be a pair (X_val, y_val)")
        val = _dataset(validation[0], validation[1], "_val")

    params = list(model.parameters())
    if not params:
        raise ValueError("model has no parameters: there is nothing to train")
    loss_fn, loss_name = _resolve_loss(loss, model)
    opt = _make_optimizer(optimizer, lr, params, schedule)

    first = _probe(model, rows[0])
    multi = isinstance(first, (list, tuple))
    kind = _KIND_BY_LOSS.get(loss_name) or _infer_kind(model, targets, multi)
    if loss_name in _KIND_BY_LOSS:
        _check_outputs(first, kind, loss_name)
        _check_targets(targets, kind, loss_name, _n_outputs(first), "")
        if val is not None:
            _check_targets(val[1], kind, loss_name, _n_outputs(first), "_val")

    lift = isinstance(model, Module)  # a Module lifts its inputs itself
    inputs: list[Any] = _lift_rows(rows) if lift else rows
    val_inputs: list[Any] = []
    if val is not None:
        val_inputs = _lift_rows(val[0]) if lift else val[0]

    # ---- the loop -------------------------------------------------------------------
    history = History(loss_name=loss_name)
    order = list(range(n))
    step = 0
    bar = _progress_bar(n_epochs, progress)
    started = time.perf_counter()
    isfinite = math.isfinite
    try:
        for epoch in range(1, n_epochs + 1):
            if schedule is not None:
                try:
                    opt.lr = schedule(epoch - 1)
                except (TypeError, ValueError) as exc:
                    msg = f"schedule({epoch - 1}) gave a bad learning rate: {exc}"
                    raise type(exc)(msg) from None
            if bs < n:
                rng.shuffle(order)
            loss_sum = 0.0
            correct = 0
            for start in range(0, n, bs):
                batch = order[start : start + bs]
                step += 1
                with fast.gc_paused():
                    try:
                        outs = _forward_all(model, [inputs[i] for i in batch])
                        batch_targets = [targets[i] for i in batch]
                        data_loss = loss_fn(outs, batch_targets)
                        total = data_loss + _losses.l2(params, alpha) if alpha else data_loss
                    except OverflowError as exc:
                        raise _diverged(
                            f"a number overflowed ({exc})", epoch, n_epochs, step, opt.lr, history
                        ) from exc
                    if not isinstance(data_loss, Value):
                        raise TypeError(
                            f"the loss function must return a Value, got {type(data_loss).__name__}"
                        )
                    if not isfinite(total.data):
                        raise _diverged(
                            f"the loss became {total.data}", epoch, n_epochs, step, opt.lr, history
                        )
                    opt.zero_grad()
                    total.backward(prune=True)  # fit reads only the parameters' grads
                    try:
                        opt.step()  # all or nothing: never writes a NaN or inf parameter
                    except FloatingPointError as exc:
                        raise _diverged(
                            "a parameter would have become NaN or infinite",
                            epoch,
                            n_epochs,
                            step,
                            opt.lr,
                            history,
                        ) from exc
                    loss_sum += data_loss.data * len(batch)
                    if kind != "regression":
                        correct += _count_correct(outs, batch_targets, kind)
                    del outs, data_loss, total  # free this step's graph before the next

            history.epochs = epoch
            history.lr.append(opt.lr)
            history.loss.append(loss_sum / n)
            if kind != "regression":
                history.accuracy.append(correct / n)
            if val is not None:
                v_loss, v_acc = _evaluate(model, val_inputs, val[1], loss_fn, kind)
                history.val_loss.append(v_loss)
                if v_acc is not None:
                    history.val_accuracy.append(v_acc)
            history.seconds = time.perf_counter() - started
            if bar is not None:
                bar.set_postfix(_postfix(history), refresh=False)
                bar.update(1)
            if callback is not None and callback(history) is True:
                break
    finally:
        if bar is not None:
            bar.close()
    history.seconds = time.perf_counter() - started
    return history


def _postfix(h: History) -> dict[str, str]:
    out = {"loss": f"{h.loss[-1]:.4g}"}
    if h.accuracy:
        out["acc"] = f"{h.accuracy[-1]:.3f}"
    if h.val_loss:
        out["val_loss"] = f"{h.val_loss[-1]:.4g}"
    if h.val_accuracy:
        out["val_acc"] = f"{h.val_accuracy[-1]:.3f}"
    return out


# --------------------------------------------------------------------------------------
# Evaluating and predicting
# --------------------------------------------------------------------------------------


_forward_all = fast.forward_batch


def _evaluate(
    model: Any, inputs: Sequence[Any], targets: list[Any], loss_fn: Callable[..., Value], kind: str
) -> Evaluation:
    with no_grad():
        outs = [model(x) for x in inputs]
        value = loss_fn(outs, targets).data
    acc = None if kind == "regression" else _count_correct(outs, targets, kind) / len(outs)
    return Evaluation(value, acc)


def _kind_for(model: Any, y: Sequence[Any], loss: object, first: Any) -> tuple[str, str | None]:
    """The task kind (and loss name, if a known loss) for predict/accuracy/evaluate."""
    if loss is None:
        return _infer_kind(model, y, isinstance(first, (list, tuple))), None
    _, name = _resolve_loss(loss, model)
    kind = _KIND_BY_LOSS.get(name)
    if kind is None:
        kind = _infer_kind(model, y, isinstance(first, (list, tuple)))
    return kind, name


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
    rows, targets = _dataset(X, y, "")
    loss_fn, name = _resolve_loss(loss, model)
    first = _probe(model, rows[0])
    kind, _ = _kind_for(model, targets, loss, first)
    if name in _KIND_BY_LOSS:
        _check_outputs(first, kind, name)
        _check_targets(targets, kind, name, _n_outputs(first), "")
    return _evaluate(model, rows, targets, loss_fn, kind)


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
    if loss is None:
        kind = "multiclass" if isinstance(outs[0], (list, tuple)) else "regression"
    else:
        _, name = _resolve_loss(loss, model)
        kind = _KIND_BY_LOSS.get(name, "regression")
        if isinstance(outs[0], (list, tuple)) and kind != "regression":
            kind = "multiclass"
    return [_prediction(out, kind) for out in outs]


def accuracy(
    model: Any, X: Sequence[Sequence[float]], y: Sequence[Any], loss: LossArg | None = None
) -> float | None:
    """The fraction of samples whose prediction equals the label; None for regression.

    How outputs become predictions follows ``loss`` (see :func:`predict`). With
    ``loss=None`` it is read from the labels: several outputs -> argmax; labels -1/+1
    -> sign of the score; labels 0/1 -> p > 0.5 for a sigmoid output, else z > 0.
    """
    _check_model(model)
    rows, targets = _dataset(X, y, "")
    first = _probe(model, rows[0])
    kind, _ = _kind_for(model, targets, loss, first)
    if kind == "regression":
        return None
    with no_grad():
        outs = [model(x) for x in rows]
    return _count_correct(outs, targets, kind) / len(outs)
