"""Training: the loop that every example runs, as one function, ``fit``.

One training step is always the same four moves::

    loss = mean of loss(model(x), y) over a batch (+ L2 penalty)   # forward
    optimizer.zero_grad()                                          # clear old grads
    loss.backward()                                                # backward
    optimizer.step()                                               # update

``fit`` repeats it over the data for a number of epochs (an epoch is one pass over every
sample), records the loss and accuracy per epoch in a :class:`History`, shows a
progress bar, and stops with :class:`TrainingDiverged` if the loss blows up.

How outputs are read as predictions (the accuracy in the History, and
:mod:`micrograd_like.evaluation`'s ``predict`` and ``accuracy``) depends on the loss: each
loss's :class:`~micrograd_like.tasks.LossSpec` names its task, and
:data:`~micrograd_like.tasks.TASKS` says how each task reads an output (the sign of a
hinge score, p > 0.5 for a probability, the largest of several outputs, ...).

The cross-entropy losses, when named by a string, follow the model's output layer
(``model.output_activation``): for an MLP with a ``softmax`` output, "cross_entropy"
means ``cross_entropy_from_probs``; with a ``sigmoid`` output, the binary ones mean
``binary_cross_entropy`` (on probabilities), otherwise ``..._with_logits``. So
``fit(model, X, y, loss="cross_entropy")`` is right for either kind of output layer.
"""

from __future__ import annotations

import gc
import math
import random
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from micrograd_like import losses as _losses
from micrograd_like.checks import boolean, integer, non_negative, positive, random_generator
from micrograd_like.engine import Value
from micrograd_like.evaluation import (
    Evaluation,
    LossArg,
    batch_accuracy,
    check_dataset,
    check_fits,
    evaluate_outputs,
    outputs,
    probe,
    resolve_loss,
    task_of,
)
from micrograd_like.losses import LossFn
from micrograd_like.nn import Module
from micrograd_like.optim import SGD, Adam, Optimizer

__all__ = [
    "History",
    "TrainingDiverged",
    "fit",
]


DEFAULT_LR = {"sgd": 0.1, "adam": 0.01}
"""The learning rate ``fit`` uses when none is given, per optimizer name."""


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@dataclass(repr=False)
class History:
    """What happened during ``fit``, one entry per epoch.

    ``loss`` is the mean loss over all the training samples, measured after the
    epoch's updates (without the L2 penalty), as ``val_loss`` is, so the two curves
    compare epoch by epoch; ``accuracy`` the fraction of the training samples then
    predicted right. Lists that do not apply are empty: ``accuracy`` for a regression
    loss, ``val_*`` without validation data. ``lr`` is the learning rate each epoch used.
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
# Lifting the data
# --------------------------------------------------------------------------------------


def _lift_rows(rows: list[list[float]]) -> list[list[Value]]:
    """Each input number as a Value once, so the model does not re-check it every epoch."""
    return [list(map(Value, row)) for row in rows]


# --------------------------------------------------------------------------------------
# Progress bar
# --------------------------------------------------------------------------------------

_warned_no_tqdm = False


def _in_jupyter() -> bool:
    return "ipykernel.zmqshell" in sys.modules


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[History], None]]:
    """A function that shows an epoch's History on a progress bar (or does nothing)."""
    bar = _progress_bar(total, enabled)

    def show(history: History) -> None:
        if bar is not None:
            bar.set_postfix(_postfix(history), refresh=False)
            bar.update(1)

    try:
        yield show
    finally:
        if bar is not None:
            bar.close()


def _postfix(h: History) -> dict[str, str]:
    out = {"loss": f"{h.loss[-1]:.4g}"}
    if h.accuracy:
        out["acc"] = f"{h.accuracy[-1]:.3f}"
    if h.val_loss:
        out["val_loss"] = f"{h.val_loss[-1]:.4g}"
    if h.val_accuracy:
        out["val_acc"] = f"{h.val_accuracy[-1]:.3f}"
    return out


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
# The pieces of fit: the checked setup, the schedule, the divergence guard
# --------------------------------------------------------------------------------------


def _scheduled_lr(schedule: Callable[[int], float], k: int, check: Callable[..., float]) -> float:
    """``schedule(k)``, checked by ``check``; a bad value says which schedule call gave it."""
    try:
        return check(schedule(k), "lr")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"schedule({k}) gave a bad learning rate: {exc}") from None


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
    if lr is None:
        lr = DEFAULT_LR[name] if schedule is None else _scheduled_lr(schedule, 0, positive)
    return SGD(params, lr=lr) if name == "sgd" else Adam(params, lr=lr)


@dataclass
class _Run:
    """What ``fit`` has checked before the first step, and what it trains with."""

    model: Any
    inputs: list[Any]
    targets: list[Any]
    validation: tuple[list[Any], list[Any]] | None
    loss_fn: LossFn
    loss_name: str
    task: str
    optimizer: Optimizer
    params: list[Value]
    alpha: float
    epochs: int
    batch_size: int
    rng: random.Random

    def loss(self, outs: list[Any], targets: list[Any]) -> tuple[Value, Value]:
        """The data loss, and the loss to minimise (with the L2 penalty)."""
        data_loss = self.loss_fn(outs, targets)
        if not isinstance(data_loss, Value):
            raise TypeError(
                f"the loss function must return a Value, got {type(data_loss).__name__}"
            )
        if not self.alpha:
            return data_loss, data_loss
        return data_loss, data_loss + _losses.l2(self.params, self.alpha)

    def forward(self, xs: list[Any]) -> list[Any]:
        return outputs(self.model, xs)

    def full_batch(self) -> bool:
        """One batch an epoch: then an epoch's forward measures the weights the previous
        epoch's update left, and no pass of its own is needed to measure them."""
        return self.batch_size >= len(self.inputs)

    def batches(self, order: list[int]) -> Iterator[list[int]]:
        """The epoch's batches of sample indices, shuffled unless one batch holds all."""
        if self.batch_size < len(order):
            self.rng.shuffle(order)
        for start in range(0, len(order), self.batch_size):
            yield order[start : start + self.batch_size]


def _prepare(
    model: Any,
    X: object,
    y: object,
    loss: object,
    optimizer: object,
    lr: float | None,
    epochs: object,
    batch_size: object,
    validation: object,
    l2: object,
    schedule: object,
    progress: object,
    seed: object,
    callback: object,
) -> _Run:
    """Check every argument of ``fit``, before the first step."""
    if not callable(model) or not callable(getattr(model, "parameters", None)):
        raise TypeError(
            f"model must be callable and have parameters() (e.g. an nn.MLP), "
            f"got {type(model).__name__}"
        )
    rows, targets = check_dataset(X, y, "")
    n_epochs = integer(epochs, "epochs", minimum=1)
    n = len(rows)
    bs = n if batch_size is None else min(integer(batch_size, "batch_size", minimum=1), n)
    alpha = non_negative(l2, "l2")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function epoch -> lr, got {type(schedule).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function, got {type(callback).__name__}")
    boolean(progress, "progress")
    rng = random_generator(seed)
    val: tuple[list[Any], list[Any]] | None = None
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError("validation must be a pair (X_val, y_val)")
        val = check_dataset(validation[0], validation[1], "_val")

    params = list(model.parameters())
    if not params:
        raise ValueError("model has no parameters: there is nothing to train")
    loss_fn, loss_name, spec = resolve_loss(loss, model)
    opt = _make_optimizer(optimizer, lr, params, schedule)
    first = probe(model, rows[0])
    check_fits(spec, first, [(targets, "")] + ([(val[1], "_val")] if val else []))

    lift = isinstance(model, Module)  # a Module checks its inputs; lifted once, not per epoch
    inputs: list[Any] = _lift_rows(rows) if lift else rows
    if val is not None:
        val = (_lift_rows(val[0]) if lift else val[0], val[1])
    task = task_of(spec, model, targets, first)
    return _Run(
        model, inputs, targets, val, loss_fn, loss_name, task, opt, params, alpha, n_epochs, bs, rng
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for one training step.

    A step's graph has no reference cycles, so reference counting frees all of it when
    the step ends; the collector, run meanwhile, would only scan its nodes in vain.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _DivergenceGuard:
    """Turns an overflow, a refused optimizer step or a non-finite loss into a
    :class:`TrainingDiverged` that says where (epoch, step, lr)."""

    def __init__(self, run: _Run, history: History) -> None:
        self.run, self.history = run, history
        self.epoch = self.step = 0

    def diverged(self, why: str) -> TrainingDiverged:
        lr = self.run.optimizer.lr
        return TrainingDiverged(
            f"training diverged: {why} at epoch {self.epoch}/{self.run.epochs}, "
            f"step {self.step} (lr={lr:g}). The parameters are finite: they hold the values "
            "of the last step applied. Try a smaller learning rate.",
            self.epoch,
            self.step,
            lr,
            self.history,
        )

    def check(self, loss: Value) -> None:
        if not math.isfinite(loss.data):
            raise self.diverged(f"the loss became {loss.data}")

    def __enter__(self) -> _DivergenceGuard:
        return self

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        if isinstance(error, OverflowError):
            raise self.diverged(f"a number overflowed ({error})") from error
        if isinstance(error, FloatingPointError):  # the optimizer refused a NaN/inf step
            raise self.diverged("a parameter would have become NaN or infinite") from error


def _record(
    history: History, run: _Run, guard: _DivergenceGuard, lr: float, measured: Evaluation | None
) -> None:
    """Append the epoch's loss, accuracy, lr and validation scores, measured on the
    weights the epoch's updates left (``measured``, when the next epoch's forward pass
    already did), a training loss not finite there being divergence."""
    with guard:
        if measured is None:
            measured = evaluate_outputs(run.model, run.inputs, run.targets, run.loss_fn, run.task)
        if not math.isfinite(measured.loss):
            raise guard.diverged(f"the loss after the epoch's updates became {measured.loss}")
        val = None
        if run.validation is not None:
            val = evaluate_outputs(run.model, *run.validation, run.loss_fn, run.task)
    history.epochs += 1
    history.lr.append(lr)
    history.loss.append(measured.loss)
    if measured.accuracy is not None:
        history.accuracy.append(measured.accuracy)
    if val is not None:
        history.val_loss.append(val.loss)
        if val.accuracy is not None:
            history.val_accuracy.append(val.accuracy)


# --------------------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------------------


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

    Each step: forward; loss; backward; step; record.

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
    run = _prepare(model, X, y, loss, optimizer, lr, epochs, batch_size, validation, l2,
                   schedule, progress, seed, callback)  # fmt: skip
    history = History(loss_name=run.loss_name)
    guard = _DivergenceGuard(run, history)
    order = list(range(len(run.inputs)))
    started = time.perf_counter()
    pending = None  # (epoch, its lr) whose after-update measurement is still to be made

    def finish(epoch: int, lr: float, measured: Evaluation | None) -> bool:
        """Record ``epoch``; True when the callback asks to stop."""
        guard.epoch = epoch
        _record(history, run, guard, lr, measured)
        history.seconds = time.perf_counter() - started
        show(history)
        return callback is not None and callback(history) is True

    with _progress(run.epochs, progress) as show:
        for epoch in range(1, run.epochs + 1):
            guard.epoch = epoch
            if schedule is not None:
                run.optimizer.lr = _scheduled_lr(schedule, epoch - 1, non_negative)
            for batch in run.batches(order):
                if pending is None:
                    guard.step += 1
                else:  # full batch: this pass first measures the end of the last epoch
                    guard.epoch = pending[0]
                with _collector_paused(), guard:
                    outs = run.forward([run.inputs[i] for i in batch])
                    targets = [run.targets[i] for i in batch]
                    data_loss, total = run.loss(outs, targets)
                    if pending is not None:
                        measured = Evaluation(
                            data_loss.data, batch_accuracy(outs, targets, run.task)
                        )
                        if finish(*pending, measured):
                            return history
                        pending = None
                        guard.epoch = epoch
                        guard.step += 1
                    guard.check(total)
                    run.optimizer.zero_grad()
                    total.backward()
                    run.optimizer.step()  # all or nothing: never a NaN or inf parameter
                    del outs, data_loss, total  # free this step's graph before the next
            if run.full_batch() and epoch < run.epochs:
                pending = (epoch, run.optimizer.lr)
            elif finish(epoch, run.optimizer.lr, None):
                break
    history.seconds = time.perf_counter() - started
    return history
