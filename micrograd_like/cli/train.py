"""``micrograd-like train``: train an MLP on one of the library's datasets."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from micrograd_like import data
from micrograd_like.checks import fraction, integer, layer_sizes, non_negative, positive, size
from micrograd_like.cli.common import (
    PROG,
    CommandError,
    loss_choices,
    matplotlib_ok,
    named_loss,
    out_dir,
    percent,
    print_written,
    reading_loss,
    save_figure,
    warn,
)
from micrograd_like.nn import ACTIVATIONS, OUTPUT_ACTIVATIONS
from micrograd_like.tasks import LossSpec


@dataclass(frozen=True)
class TrainingDefaults:
    """What ``train --dataset NAME`` uses unless told otherwise (the data itself, its task
    and its one-line description are ``data.DATASETS[NAME]``'s)."""

    samples: int
    hidden: tuple[int, ...]
    loss: str
    optimizer: str
    lr: float
    epochs: int
    batch_size: int  # 0: full batch
    schedule: str
    l2: float


_TWO_CLASSES = TrainingDefaults(100, (16, 16), "hinge", "sgd", 1.0, 100, 0, "linear", 1e-4)
"""micrograd's demo: a 2-16-16-1 MLP, hinge loss, SGD with lr 1.0 falling to 0.1."""

TRAINING_DEFAULTS: dict[str, TrainingDefaults] = {
    "moons": _TWO_CLASSES,
    "circles": _TWO_CLASSES,
    "xor": _TWO_CLASSES,
    "gaussians": _TWO_CLASSES,
    "two_spirals": TrainingDefaults(200, (16, 16), "hinge", "adam", 0.01, 200, 32, "constant", 0.0),
    "spiral": TrainingDefaults(300, (16, 16), "cross_entropy", "adam", 0.01, 40, 32, "constant", 0.0),
    "blobs": TrainingDefaults(150, (16,), "cross_entropy", "adam", 0.01, 30, 32, "constant", 0.0),
    "line": TrainingDefaults(100, (), "mse", "sgd", 0.3, 100, 0, "constant", 0.0),
    "plane": TrainingDefaults(200, (), "mse", "sgd", 0.3, 100, 0, "constant", 0.0),
    "multi_gaussian": TrainingDefaults(300, (16, 16), "mse", "adam", 0.01, 100, 32, "constant", 0.0),
    "digits": TrainingDefaults(1797, (32,), "cross_entropy", "adam", 0.01, 5, 32, "constant", 0.0),
}  # fmt: skip
"""The defaults of ``train --dataset NAME``, one per dataset of ``data.DATASETS``."""


def _load_dataset(name: str, samples: int, seed: int) -> tuple[list[list[float]], list[Any]]:
    """``data.DATASETS[name]``, made; digits needs scikit-learn (exit code 1 without)."""
    try:
        return data.DATASETS[name](samples, seed=seed)
    except ImportError as error:
        raise CommandError(f"--dataset {name}: {error}", code=1) from None


def _outputs_for(task: str, loss: LossSpec, classes: int, dataset: str) -> int:
    """How many outputs the model needs for this task and loss (or a CommandError)."""
    if task == "regression":
        if loss.has_accuracy:
            raise CommandError(
                f"--dataset {dataset} is regression: use --loss mse, not {loss.name}"
            )
        return 1
    if not loss.has_accuracy:
        raise CommandError(
            f"--loss {loss.name} is for regression (--dataset line); --dataset {dataset} is "
            "classification: use hinge, binary_cross_entropy or cross_entropy"
        )
    if loss.one_output:
        if classes != 2:
            raise CommandError(
                f"--loss {loss.name} separates two classes, but --dataset {dataset} has "
                f"{classes}: use cross_entropy or multiclass_hinge"
            )
        return 1
    return classes


def _schedule(name: str, lr: float, epochs: int) -> Any:
    from micrograd_like.optim import CosineDecay, LinearDecay

    if name == "linear":
        return LinearDecay(lr, 0.1 * lr, epochs)
    if name == "cosine":
        return CosineDecay(lr, 0.0, epochs)
    return None


def _describe_schedule(name: str, lr: float, epochs: int) -> str:
    if name == "linear":
        return f"lr {lr:g} -> {0.1 * lr:g} (linear decay over {epochs} epochs)"
    if name == "cosine":
        return f"lr {lr:g} -> 0 (cosine decay over {epochs} epochs)"
    return f"lr {lr:g}"


def _example_input(x: Sequence[float]) -> str:
    if len(x) > 4:
        return f"<{len(x)} numbers>"
    return " ".join(f"{v:.3g}" for v in x)


def _scores(model: Any, X: Any, y: Any, loss: str, name: str) -> str:
    """``train loss 0.01, accuracy 99.0%``: the trained model on (X, y), no L2 term."""
    from micrograd_like.evaluation import evaluate

    result = evaluate(model, X, y, loss=loss)
    text = f"{name} loss {result.loss:.4g}"
    return text if result.accuracy is None else f"{text}, accuracy {percent(result.accuracy)}"


@dataclass(frozen=True)
class _Settings:
    """The options of one ``train`` run: the dataset's defaults, overridden and checked."""

    defaults: TrainingDefaults
    loss: LossSpec
    optimizer: str
    lr: float
    momentum: float
    epochs: int
    batch_size: int  # 0: full batch
    schedule: str
    l2: float
    hidden: list[int]
    samples: int
    val_fraction: float


def _settings(args: argparse.Namespace) -> _Settings:
    """The run's settings; a bad option is an error that names it (``--lr must be > 0``)."""
    from micrograd_like.train import DEFAULT_LR

    d = TRAINING_DEFAULTS[args.dataset]
    optimizer = args.optimizer or d.optimizer
    if args.momentum is not None and optimizer != "sgd":
        raise CommandError("--momentum applies to --optimizer sgd only")
    if args.lr is not None:
        lr = positive(args.lr, "--lr")
    else:
        lr = d.lr if optimizer == d.optimizer else DEFAULT_LR[optimizer]
    if args.batch_size is None or args.batch_size == "full":
        batch = d.batch_size if args.batch_size is None else 0
    else:
        batch = integer(args.batch_size, "--batch-size", minimum=1)
    return _Settings(
        defaults=d,
        loss=named_loss(args.loss or d.loss),
        optimizer=optimizer,
        lr=lr,
        momentum=0.0 if args.momentum is None else non_negative(args.momentum, "--momentum"),
        epochs=d.epochs if args.epochs is None else integer(args.epochs, "--epochs", minimum=1),
        batch_size=batch,
        schedule=args.schedule or d.schedule,
        l2=d.l2 if args.l2 is None else non_negative(args.l2, "--l2"),
        hidden=list(d.hidden)
        if args.hidden is None
        else [size(h, "--hidden") for h in args.hidden],
        samples=d.samples
        if args.samples is None
        else integer(args.samples, "--samples", minimum=1),
        val_fraction=fraction(args.val_fraction, "--val-fraction"),
    )


def _check_save_path(path: str) -> None:
    """Refuse, before training, a --save path that save() would refuse after it."""
    if not Path(path).resolve().parent.is_dir():
        raise CommandError(f"--save {path}: the folder {Path(path).parent} does not exist")
    if os.path.islink(path):
        raise CommandError(
            f"--save {path}: it is a symbolic link, and save never writes through a "
            "link; remove it or give the file's own path"
        )


def run(args: argparse.Namespace) -> int:
    """Train an MLP on ``--dataset``, print a summary, plot, save."""
    from micrograd_like.data import signed_labels, train_test_split
    from micrograd_like.nn import MLP
    from micrograd_like.optim import SGD, Adam
    from micrograd_like.train import fit

    started = time.perf_counter()
    o = _settings(args)
    spec = o.loss
    if args.save:
        _check_save_path(args.save)
    folder = None if args.no_plots else out_dir(args.out)  # fail before training, not after

    X, y = _load_dataset(args.dataset, o.samples, args.seed)
    task = data.DATASETS[args.dataset].task
    classes = len(set(y)) if task != "regression" else 0
    if task != "regression" and classes < 2:
        raise CommandError(f"--samples {o.samples} gives only one class: use more samples")
    n_out = _outputs_for(task, spec, classes, args.dataset)
    labels = y  # as the dataset gives them, for the pictures
    if spec.task == "signed":
        y = signed_labels(y)
    output_activation = args.output_activation or spec.model_output
    if output_activation == "softmax" and n_out == 1:
        raise CommandError(
            f"--output-activation softmax needs one output per class, but --loss {spec.name} "
            "uses a single output: use --loss cross_entropy"
        )
    model = MLP(
        len(X[0]),
        [*o.hidden, n_out],
        activation=args.activation,
        output_activation=output_activation,
        seed=args.seed,
    )
    # the loss that suits the output layer runs (bce on a tanh output runs on logits):
    # name the one that will run, and use it from here on
    asked = spec.name
    spec = spec.for_output(output_activation)
    loss = spec.name
    if o.val_fraction > 0.0:
        X_train, X_val, y_train, y_val = train_test_split(X, y, o.val_fraction, seed=args.seed)
        validation: tuple[Any, Any] | None = (X_val, y_val)
    else:
        X_train, y_train, validation = X, y, None
    if o.optimizer == "sgd":
        opt: Any = SGD(model.parameters(), lr=o.lr, momentum=o.momentum)
    else:
        opt = Adam(model.parameters(), lr=o.lr)

    _print_plan(args, o, X, classes, model, opt, len(X_train), validation, loss, asked)
    history = fit(
        model,
        X_train,
        y_train,
        loss=loss,
        optimizer=opt,
        epochs=o.epochs,
        batch_size=o.batch_size or None,
        validation=validation,
        l2=o.l2,
        schedule=_schedule(o.schedule, o.lr, o.epochs),
        seed=args.seed,
    )
    print(f"final       {_scores(model, X_train, y_train, loss, 'train')}", end="")
    if validation is not None:
        print(f" | {_scores(model, validation[0], validation[1], loss, 'validation')}", end="")
    print()
    if args.dataset == "line" and not o.hidden and output_activation == "linear":
        neuron = model.layers[0].neurons[0]
        w, b = neuron.w[0].data, neuron.b.data
        print(f"learned     y = {w:.4g} x {'-' if b < 0 else '+'} {abs(b):.4g}   (truth: 3x - 1)")
    print(f"time        {history.seconds:.1f} s training")
    if history.loss[-1] > history.loss[0]:
        warn(
            f"the training loss went up, from {history.loss[0]:.4g} to {history.loss[-1]:.4g}: "
            "the learning rate is probably too large (try a smaller --lr)"
        )
    if args.save:
        _save(model, args.save, spec, X[0])
    if folder is not None and matplotlib_ok():
        _train_plots(model, X, labels, history, task == "regression", folder)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def _print_plan(
    args: argparse.Namespace,
    o: _Settings,
    X: Sequence[Sequence[float]],
    classes: int,
    model: Any,
    opt: Any,
    n_train: int,
    validation: tuple[Any, Any] | None,
    loss: str,
    asked: str,
) -> None:
    """What is about to be trained, on what, and how."""
    dataset = data.DATASETS[args.dataset]
    kind = "regression" if dataset.task == "regression" else f"{classes} classes"
    split = f"{n_train} train" + (f", {len(validation[0])} validation" if validation else "")
    print(f"dataset     {args.dataset}: {dataset.about}")
    features = f"{len(X[0])} feature{'s' * (len(X[0]) != 1)}"
    print(f"            {len(X)} samples ({split}), {features}, {kind}")
    print(f"model       {model}")
    print(f"parameters  {model.num_parameters()}")
    penalty = f" + {o.l2:g} L2" if o.l2 else ""
    with_momentum = f", momentum {o.momentum:g}" if o.momentum else ""
    batching = "full batch" if o.batch_size == 0 else f"batch size {o.batch_size}"
    how = f"{type(opt).__name__} {_describe_schedule(o.schedule, o.lr, o.epochs)}{with_momentum}"
    print(f"training    {loss} loss{penalty}; {how}")
    if loss != asked:
        typed = args.loss or asked
        print(
            f"            (--loss {typed} with a {model.output_activation} output runs as {loss})"
        )
    print(f"            {o.epochs} epochs, {batching}", flush=True)


def _save(model: Any, path: str, spec: LossSpec, x: Sequence[float]) -> None:
    """Save the model, and show the predict command that reads it as it was trained."""
    from micrograd_like.serialize import save

    save(model, path)
    inferred = reading_loss(model, None)  # what predict reads without --loss
    needs_loss = spec.has_accuracy and (inferred is None or inferred.task != spec.task)
    how = f" --loss {spec.name}" if needs_loss else ""
    print(f"saved       {path}")
    print(f"            try: {PROG} predict --model {path}{how} {_example_input(x)}")


def _train_plots(model: Any, X: Any, y: Any, history: Any, regression: bool, folder: Path) -> None:
    """The fit for 1-D regression, the decision boundary for 2-D classes, the curves."""
    from micrograd_like.viz.plots import plot_decision_boundary, plot_history, plot_regression

    written: list[Path] = []
    if regression and len(X[0]) == 1:
        save_figure(plot_regression(model, X, y), folder / "regression.png", written)
    elif not regression and len(X[0]) == 2:
        save_figure(plot_decision_boundary(model, X, y), folder / "decision_boundary.png", written)
    save_figure(plot_history(history), folder / "loss.png", written)
    print_written(written, folder)


EPILOG = f"""\
examples:
  {PROG} train                                       # moons, as micrograd's demo
  {PROG} train --dataset spiral --epochs 60 --save spiral.json
  {PROG} train --dataset xor --hidden 8,8 --activation tanh --optimizer adam --lr 0.05
  {PROG} train --dataset line --hidden none          # one linear neuron: y = w x + b

defaults per dataset (hidden layers, loss, optimizer and lr, epochs, batch):
""" + "\n".join(
    f"  {name:14} {','.join(map(str, d.hidden)) or 'none':6} {d.loss:14} "
    f"{d.optimizer} lr {d.lr:g}{f' -> {0.1 * d.lr:g}' if d.schedule == 'linear' else ''}, "
    f"{d.epochs} epochs, {'full batch' if not d.batch_size else f'batch {d.batch_size}'}"
    for name, d in TRAINING_DEFAULTS.items()
)


def _hidden_sizes(text: str) -> list[int]:
    """``"16,16"`` -> [16, 16]; ``""`` or ``"none"`` -> [] (no hidden layer)."""
    try:
        return list(layer_sizes(text, "--hidden"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _batch_size(text: str) -> int | str:
    """A whole number, or ``full`` (the whole training set every step)."""
    if text.strip().lower() == "full":
        return "full"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number or 'full', got {text!r}"
        ) from None


NAME = "train"
HELP = "train an MLP on a toy dataset"
DESCRIPTION = (
    "Train an MLP on a toy dataset, print a summary, write plots and\noptionally save the model."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``train``."""
    parser.add_argument(
        "--dataset",
        choices=list(TRAINING_DEFAULTS),
        default="moons",
        help="the data (default: moons)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        metavar="N",
        help="number of samples (default: per dataset)",
    )
    parser.add_argument(
        "--hidden",
        type=_hidden_sizes,
        metavar="SIZES",
        help="hidden layer sizes, e.g. 16,16, or 'none' (default: per dataset)",
    )
    parser.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="hidden layers' activation (default: relu)",
    )
    parser.add_argument(
        "--output-activation",
        choices=OUTPUT_ACTIVATIONS,
        help="what the last layer applies (default: follows the loss)",
    )
    parser.add_argument(
        "--loss",
        choices=loss_choices(),
        metavar="LOSS",
        help=f"one of {', '.join(loss_choices())} (default: per dataset)",
    )
    parser.add_argument(
        "--optimizer", choices=("sgd", "adam"), help="optimizer (default: per dataset)"
    )
    parser.add_argument("--lr", type=float, help="learning rate (default: per dataset)")
    parser.add_argument(
        "--schedule",
        choices=("constant", "linear", "cosine"),
        help="lr schedule over the epochs: linear falls to lr/10, cosine to 0 "
        "(default: per dataset)",
    )
    parser.add_argument("--momentum", type=float, metavar="M", help="SGD momentum (default: 0)")
    parser.add_argument(
        "--l2",
        type=float,
        metavar="ALPHA",
        help="L2 penalty on the weights (default: per dataset)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        metavar="N",
        help="passes over the data (default: per dataset)",
    )
    parser.add_argument(
        "--batch-size",
        type=_batch_size,
        metavar="N",
        help="samples per step, or 'full' (default: per dataset)",
    )
    parser.add_argument(
        "--val-fraction",
        type=float,
        default=0.2,
        metavar="F",
        help="fraction held out for validation, 0 for none (default: 0.2)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of data, weights and shuffling (default: 0)"
    )
    parser.add_argument("--save", metavar="FILE.json", help="save the trained model here")
    parser.add_argument(
        "--out",
        default="train-output",
        metavar="DIR",
        help="folder for the plots (default: train-output)",
    )
    parser.add_argument("--no-plots", action="store_true", help="write no plots")
