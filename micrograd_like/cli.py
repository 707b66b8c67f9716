"""The ``micrograd-like`` command (also ``python -m micrograd_like``).

Four sub-commands, each with ``--help`` and an example:

* ``demo``    - micrograd's moons demo: train ``MLP(2, [16, 16, 1])``, draw the pictures;
* ``train``   - train an MLP on a toy dataset, print a summary, plot, save the model;
* ``predict`` - load a saved model and run it on one input;
* ``graph``   - evaluate an expression such as ``tanh(a*b + c)``, backpropagate, draw it.

Errors are one line on stderr, ``micrograd-like: error: ...``, never a traceback: exit
code 2 for a bad argument, a missing or corrupt file, or an expression that cannot be
computed; 1 for a failure while running (training diverged, Graphviz missing).

The ``graph`` command never runs the text it is given: :mod:`micrograd_like.expression`
parses it with :mod:`ast` and walks the tree, allowing only numbers, names,
``+ - * / **``, unary ``-``/``+`` and calls of the engine's functions.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from micrograd_like import __version__
from micrograd_like.engine import Value
from micrograd_like.expression import FUNCTIONS, evaluate_expression, parse_assignment

__all__ = [
    "DATASETS",
    "FUNCTIONS",
    "CommandError",
    "build_parser",
    "evaluate_expression",
    "main",
    "worked_example",
]

PROG = "micrograd-like"


class CommandError(Exception):
    """What the user asked for cannot be done: one line on stderr, exit ``code``."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def worked_example() -> tuple[Value, Value, Value]:
    """micrograd's README expression: returns (g, a, b) after ``g.backward()``."""
    a = Value(-4.0, label="a")
    b = Value(2.0, label="b")
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return g, a, b


# --------------------------------------------------------------------------------------
# Small helpers: argument types, output files, optional plotting and rendering
# --------------------------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {n}")
    return n


def _finite_float(text: str) -> float:
    try:
        f = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(f):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return f


def _positive_float(text: str) -> float:
    f = _finite_float(text)
    if f <= 0.0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return f


def _non_negative_float(text: str) -> float:
    f = _finite_float(text)
    if f < 0.0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return f


def _fraction(text: str) -> float:
    f = _finite_float(text)
    if not 0.0 <= f < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return f


def _hidden_sizes(text: str) -> list[int]:
    """``"16,16"`` -> [16, 16]; ``""`` or ``"none"`` -> [] (no hidden layer)."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        try:
            sizes.append(_positive_int(part.strip()))
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(
                f"expected layer sizes like 16,16 (or 'none'), got {text!r}"
            ) from None
    return sizes


def _batch_size(text: str) -> int:
    """A batch size >= 1, or ``full`` (0: the whole training set every step)."""
    return 0 if text.strip().lower() == "full" else _positive_int(text)


def _out_dir(path: str) -> Path:
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"--out {path}: cannot make the folder ({error.strerror})") from None
    return folder


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {message}", file=sys.stderr)


def _matplotlib_ok() -> bool:
    """Select the non-interactive Agg backend; False (with a warning) without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        _warn("matplotlib is not installed, so no plots are written: pip install matplotlib")
        return False
    matplotlib.use("Agg")
    return True


def _save_figure(fig: Any, path: Path, written: list[Path]) -> None:
    fig.savefig(path, dpi=110)
    written.append(path)


def _save_graph(graph: Any, path: Path, written: list[Path]) -> None:
    """Render a graphviz graph to ``path``; without ``dot``, write its DOT source instead."""
    from micrograd_like.viz import GraphvizNotFound, save_graph

    try:
        save_graph(graph, path)
        written.append(path)
    except GraphvizNotFound:
        source = path.with_suffix(".dot")
        save_graph(graph, source)
        written.append(source)
        _warn(f"Graphviz's `dot` program was not found, so {source} holds the DOT source")


def _print_written(written: Sequence[Path], folder: Path) -> None:
    if not written:
        return
    print(f"wrote {len(written)} file{'s' * (len(written) != 1)} to {folder}/:")
    for path in written:
        print(f"  {path}")


def _percent(x: float | None) -> str:
    return "-" if x is None else f"{100.0 * x:.1f}%"


# --------------------------------------------------------------------------------------
# demo
# --------------------------------------------------------------------------------------


def _neuron_graph(model: Any, x: Sequence[float]) -> tuple[Value, Any]:
    """The step-by-step graph of one first-layer neuron of ``model`` on the input ``x``.

    Returns the neuron's output ``a`` and its picture.

    The neuron is the first whose ReLU is active on ``x`` (so gradients flow), drawn
    after ``backward()`` from zero gradients, with data, grads and local derivatives on
    the edges.
    """
    from micrograd_like.engine import no_grad
    from micrograd_like.viz import draw_dot

    neurons = model.layers[0].neurons
    chosen = neurons[0]
    with no_grad():
        for neuron in neurons:
            if neuron(list(x)).data > 0.0:
                chosen = neuron
                break
    inputs = [Value(v, label=f"x{i}") for i, v in enumerate(x, start=1)]
    a = chosen.forward_fine(inputs)
    a.label = "a"
    chosen.zero_grad()  # training left its gradients in w and b: this picture's are fresh
    a.backward()
    return a, draw_dot(a, model=chosen, show_local_grads=True)


def _demo(args: argparse.Namespace) -> int:
    from micrograd_like.data import make_moons, signed_labels
    from micrograd_like.nn import MLP
    from micrograd_like.optim import LinearDecay
    from micrograd_like.train import accuracy, fit

    started = time.perf_counter()
    folder = _out_dir(args.out)

    g, a, b = worked_example()
    print("1. The engine, on micrograd's README expression (g.backward() has run):")
    print(f"   g.data = {g.data!r}")
    print(f"   a.grad = {a.grad!r}   (dg/da)")
    print(f"   b.grad = {b.grad!r}   (dg/db)")
    print()

    X, labels = make_moons(100, noise=0.1, seed=0)
    y = signed_labels(labels)  # the hinge loss wants -1/+1
    model = MLP(2, [16, 16, 1], seed=0)
    print(f"2. Training {model}")
    print("   on make_moons(100, noise=0.1): hinge loss + 1e-4 L2,")
    print("   SGD with lr falling linearly from 1.0 to 0.1 over 100 steps (full batch)", flush=True)
    history = fit(
        model,
        X,
        y,
        loss="hinge",
        optimizer="sgd",
        epochs=100,
        l2=1e-4,
        schedule=LinearDecay(1.0, 0.1, 100),
        seed=0,
    )
    acc = accuracy(model, X, y, loss="hinge")
    print(
        f"   final loss {history.loss[-1]:.4g}, accuracy {_percent(acc)} "
        f"on the 100 training points ({history.seconds:.1f} s)"
    )
    print()

    print("3. Pictures:", flush=True)
    written: list[Path] = []
    plots = _matplotlib_ok()
    if plots:
        from micrograd_like.plots import plot_decision_boundary, plot_history

        fig = plot_decision_boundary(model, X, labels)  # classes 0/1, as make_moons gives
        _save_figure(fig, folder / "decision_boundary.png", written)
        _save_figure(plot_history(history), folder / "loss.png", written)
    from micrograd_like.viz import draw_network

    # with matplotlib, each neuron shows its activation over the plane (TF Playground)
    network = draw_network(model, X[0], precision=2, heatmaps=plots, data=X if plots else None)
    _save_graph(network, folder / "network.png", written)
    _save_graph(_neuron_graph(model, X[0])[1], folder / "neuron_graph.png", written)
    _print_written(written, folder)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


# --------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetDefaults:
    """What ``train --dataset NAME`` uses unless told otherwise."""

    task: str  # "binary", "multiclass" or "regression"
    samples: int
    hidden: tuple[int, ...]
    loss: str
    optimizer: str
    lr: float
    epochs: int
    batch_size: int  # 0: full batch
    schedule: str
    l2: float
    about: str


DATASETS: dict[str, DatasetDefaults] = {
    "moons": DatasetDefaults(
        "binary", 100, (16, 16), "hinge", "sgd", 1.0, 100, 0, "linear", 1e-4,
        "two interleaving half circles (micrograd's demo)",
    ),
    "circles": DatasetDefaults(
        "binary", 100, (16, 16), "hinge", "sgd", 1.0, 100, 0, "linear", 1e-4,
        "a circle inside a circle",
    ),
    "xor": DatasetDefaults(
        "binary", 100, (16, 16), "hinge", "sgd", 1.0, 100, 0, "linear", 1e-4,
        "label 1 where x1 and x2 have different signs",
    ),
    "spiral": DatasetDefaults(
        "multiclass", 300, (16, 16), "cross_entropy", "adam", 0.01, 40, 32, "constant", 0.0,
        "three interleaved spiral arms (cs231n)",
    ),
    "blobs": DatasetDefaults(
        "multiclass", 150, (16,), "cross_entropy", "adam", 0.01, 30, 32, "constant", 0.0,
        "three Gaussian blobs",
    ),
    "line": DatasetDefaults(
        "regression", 100, (), "mse", "sgd", 0.3, 100, 0, "constant", 0.0,
        "y = 3x - 1 + noise (linear regression)",
    ),
    "digits": DatasetDefaults(
        "multiclass", 1797, (32,), "cross_entropy", "adam", 0.01, 5, 32, "constant", 0.0,
        "8x8 handwritten digits (scikit-learn), 64 inputs, 10 classes",
    ),
}  # fmt: skip
"""The datasets of ``train`` and their defaults."""

_OUTPUT_ACTIVATION_FOR_LOSS = {
    "mse": "linear",
    "hinge": "linear",
    "multiclass_hinge": "linear",
    "binary_cross_entropy": "sigmoid",
    "binary_cross_entropy_with_logits": "linear",
    "cross_entropy": "softmax",
    "cross_entropy_from_probs": "softmax",
}
_BINARY_LOSSES = ("hinge", "binary_cross_entropy", "binary_cross_entropy_with_logits")


def _load_dataset(name: str, samples: int, seed: int) -> tuple[list[list[float]], list[Any]]:
    from micrograd_like import data

    if name == "moons":
        return data.make_moons(samples, noise=0.1, seed=seed)
    if name == "circles":
        return data.make_circles(samples, seed=seed)
    if name == "xor":
        return data.make_xor(samples, seed=seed)
    if name == "spiral":
        return data.make_spiral(samples, classes=3, seed=seed)
    if name == "blobs":
        return data.make_blobs(samples, centers=3, seed=seed)
    if name == "line":
        return data.make_line(samples, seed=seed)
    try:
        X, y = data.load_digits()
    except ImportError as error:
        raise CommandError(f"--dataset digits: {error}", code=1) from None
    return X[:samples], y[:samples]


def _canonical_loss(name: str) -> str:
    from micrograd_like.losses import LOSSES, get_loss

    fn = get_loss(name)
    return next(key for key, value in LOSSES.items() if value is fn)


def _loss_choices() -> list[str]:
    from micrograd_like.losses import LOSSES

    return [*LOSSES, "bce", "bce_with_logits"]


def _outputs_for(task: str, loss: str, classes: int, dataset: str) -> int:
    """How many outputs the model needs for this task and loss (or a CommandError)."""
    if task == "regression":
        if loss != "mse":
            raise CommandError(f"--dataset {dataset} is regression: use --loss mse, not {loss}")
        return 1
    if loss == "mse":
        raise CommandError(
            f"--loss mse is for regression (--dataset line); --dataset {dataset} is "
            "classification: use hinge, binary_cross_entropy or cross_entropy"
        )
    if loss in _BINARY_LOSSES:
        if classes != 2:
            raise CommandError(
                f"--loss {loss} separates two classes, but --dataset {dataset} has {classes}: "
                "use cross_entropy or multiclass_hinge"
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
    from micrograd_like.train import evaluate

    result = evaluate(model, X, y, loss=loss)
    text = f"{name} loss {result.loss:.4g}"
    return text if result.accuracy is None else f"{text}, accuracy {_percent(result.accuracy)}"


def _train(args: argparse.Namespace) -> int:
    from micrograd_like.data import signed_labels, train_test_split
    from micrograd_like.nn import MLP
    from micrograd_like.optim import SGD, Adam
    from micrograd_like.train import DEFAULT_LR, _resolve_loss, fit

    started = time.perf_counter()
    defaults = DATASETS[args.dataset]
    loss = _canonical_loss(args.loss or defaults.loss)
    optimizer = args.optimizer or defaults.optimizer
    if args.momentum is not None and optimizer != "sgd":
        raise CommandError("--momentum applies to --optimizer sgd only")
    if args.lr is not None:
        lr = args.lr
    else:
        lr = defaults.lr if optimizer == defaults.optimizer else DEFAULT_LR[optimizer]
    epochs = args.epochs or defaults.epochs
    batch = defaults.batch_size if args.batch_size is None else args.batch_size
    schedule = args.schedule or defaults.schedule
    l2 = defaults.l2 if args.l2 is None else args.l2
    hidden = list(defaults.hidden) if args.hidden is None else args.hidden
    samples = args.samples or defaults.samples

    if args.save and not Path(args.save).resolve().parent.is_dir():
        raise CommandError(
            f"--save {args.save}: the folder {Path(args.save).parent} does not exist"
        )
    if args.save and os.path.islink(args.save):  # save() would refuse it after training
        raise CommandError(
            f"--save {args.save}: it is a symbolic link, and save never writes through a "
            "link; remove it or give the file's own path"
        )
    folder = None if args.no_plots else _out_dir(args.out)  # fail before training, not after

    X, y = _load_dataset(args.dataset, samples, args.seed)
    classes = len(set(y)) if defaults.task != "regression" else 0
    if defaults.task != "regression" and classes < 2:
        raise CommandError(f"--samples {samples} gives only one class: use more samples")
    n_out = _outputs_for(defaults.task, loss, classes, args.dataset)
    labels = y  # as the dataset gives them, for the pictures
    if loss == "hinge":
        y = signed_labels(y)
    output_activation = args.output_activation or _OUTPUT_ACTIVATION_FOR_LOSS[loss]
    if output_activation == "softmax" and n_out == 1:
        raise CommandError(
            f"--output-activation softmax needs one output per class, but --loss {loss} "
            "uses a single output: use --loss cross_entropy"
        )
    model = MLP(
        len(X[0]),
        [*hidden, n_out],
        activation=args.activation,
        output_activation=output_activation,
        seed=args.seed,
    )
    # fit() picks the loss that suits the output layer (bce on a tanh output runs on
    # logits): name the one that will run, and use it from here on
    asked = loss
    loss = _resolve_loss(loss, model)[1]
    if args.val_fraction > 0.0:
        X_train, X_val, y_train, y_val = train_test_split(X, y, args.val_fraction, seed=args.seed)
        validation: tuple[Any, Any] | None = (X_val, y_val)
    else:
        X_train, y_train, validation = X, y, None
    if optimizer == "sgd":
        opt: Any = SGD(model.parameters(), lr=lr, momentum=args.momentum or 0.0)
    else:
        opt = Adam(model.parameters(), lr=lr)

    kind = "regression" if defaults.task == "regression" else f"{classes} classes"
    split = f"{len(X_train)} train" + (f", {len(X_val)} validation" if validation else "")
    print(f"dataset     {args.dataset}: {defaults.about}")
    features = f"{len(X[0])} feature{'s' * (len(X[0]) != 1)}"
    print(f"            {len(X)} samples ({split}), {features}, {kind}")
    print(f"model       {model}")
    print(f"parameters  {model.num_parameters()}")
    penalty = f" + {l2:g} L2" if l2 else ""
    momentum = f", momentum {args.momentum:g}" if args.momentum else ""
    batching = "full batch" if batch == 0 else f"batch size {batch}"
    how = f"{type(opt).__name__} {_describe_schedule(schedule, lr, epochs)}{momentum}"
    print(f"training    {loss} loss{penalty}; {how}")
    if loss != asked:
        typed = args.loss or asked
        print(f"            (--loss {typed} with a {output_activation} output runs as {loss})")
    print(f"            {epochs} epochs, {batching}", flush=True)
    history = fit(
        model,
        X_train,
        y_train,
        loss=loss,
        optimizer=opt,
        epochs=epochs,
        batch_size=batch or None,
        validation=validation,
        l2=l2,
        schedule=_schedule(schedule, lr, epochs),
        seed=args.seed,
    )
    print(f"final       {_scores(model, X_train, y_train, loss, 'train')}", end="")
    if validation is not None:
        print(f" | {_scores(model, validation[0], validation[1], loss, 'validation')}", end="")
    print()
    if args.dataset == "line" and not hidden and output_activation == "linear":
        neuron = model.layers[0].neurons[0]
        w, b = neuron.w[0].data, neuron.b.data
        print(f"learned     y = {w:.4g} x {'-' if b < 0 else '+'} {abs(b):.4g}   (truth: 3x - 1)")
    print(f"time        {history.seconds:.1f} s training")
    if history.loss[-1] > history.loss[0]:
        _warn(
            f"the training loss went up, from {history.loss[0]:.4g} to {history.loss[-1]:.4g}: "
            "the learning rate is probably too large (try a smaller --lr)"
        )

    if args.save:
        from micrograd_like.serialize import save

        save(model, args.save)
        how = f" --loss {loss}" if loss in ("hinge", "binary_cross_entropy_with_logits") else ""
        print(f"saved       {args.save}")
        print(f"            try: {PROG} predict --model {args.save}{how} {_example_input(X[0])}")

    if folder is not None and _matplotlib_ok():
        _train_plots(model, X, labels, history, defaults.task == "regression", folder)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def _train_plots(model: Any, X: Any, y: Any, history: Any, regression: bool, folder: Path) -> None:
    """The fit for 1-D regression, the decision boundary for 2-D classes, the curves."""
    from micrograd_like.plots import plot_decision_boundary, plot_history, plot_regression

    written: list[Path] = []
    if regression and len(X[0]) == 1:
        _save_figure(plot_regression(model, X, y), folder / "regression.png", written)
    elif not regression and len(X[0]) == 2:
        _save_figure(plot_decision_boundary(model, X, y), folder / "decision_boundary.png", written)
    _save_figure(plot_history(history), folder / "loss.png", written)
    _print_written(written, folder)


# --------------------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------------------


def _reading_loss(model: Any, loss: str | None) -> str | None:
    """The loss whose convention turns outputs into a class; None: a plain number."""
    if loss is not None:
        return _canonical_loss(loss)
    if model.output_activation == "softmax" or model.nouts[-1] > 1:
        return "cross_entropy"
    if model.output_activation == "sigmoid":
        return "binary_cross_entropy"
    return None


def _predict(args: argparse.Namespace) -> int:
    from micrograd_like.engine import no_grad
    from micrograd_like.serialize import load
    from micrograd_like.train import predict

    model = load(args.model)
    x = list(args.inputs)
    if len(x) != model.nin:
        raise CommandError(f"the model in {args.model} takes {model.nin} inputs, got {len(x)}: {x}")
    with no_grad():
        out = model(x)
    print(f"model    {args.model}: {model}")
    print(f"input    {x}")
    if isinstance(out, list):
        print(f"outputs  {[v.data for v in out]}")
    else:
        print(f"output   {out.data!r}")
    reading = _reading_loss(model, args.loss)
    if reading is not None and reading != "mse":
        (label,) = predict(model, [x], loss=reading)
        print(f"class    {label}")
    return 0


_GRAPH_FORMATS = ("png", "svg", "pdf", "dot", "gv")


def _graph(args: argparse.Namespace) -> int:
    from micrograd_like.viz import draw_dot, graph_nodes, save_graph

    output = Path(args.output)
    ext = output.suffix.lower().lstrip(".")
    if ext not in _GRAPH_FORMATS:
        raise CommandError(
            f"-o {args.output}: the file name must end in "
            + ", ".join("." + f for f in _GRAPH_FORMATS)
        )
    if not output.parent.is_dir():
        raise CommandError(f"-o {args.output}: the folder {output.parent} does not exist")
    values: dict[str, float] = {}
    for text in args.values:
        name, value = parse_assignment(text)
        if name in values:
            raise CommandError(f"{name} is given twice")
        values[name] = value
    out, inputs = evaluate_expression(args.expression, values)
    nodes = graph_nodes(out)
    if len(nodes) > args.max_nodes:
        raise CommandError(
            f"the graph has {len(nodes)} values, more than --max-nodes {args.max_nodes}: "
            "too many to draw readably (raise --max-nodes to draw it anyway)"
        )
    if out.op:
        out.label = "out"
    out.backward()
    expression = " ".join(args.expression.split())
    print(f"{expression if len(expression) <= 60 else out.label} = {out.data!r}")
    used = set(nodes)
    for name, leaf in inputs.items():
        note = "" if leaf in used else "   (not used by the expression)"
        print(f"  d({out.label})/d({name}) = {leaf.grad!r}{note}")
    graph = draw_dot(out, show_local_grads=args.local_grads, max_nodes=args.max_nodes)
    save_graph(graph, output)
    print(f"graph written to {output}")
    return 0


# --------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as ONE line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        hint = f"see: {self.prog} --help"
        if message.startswith("unrecognized arguments: -"):
            hint = "an expression or number that starts with '-' goes after '--', e.g. "
            hint += f'{PROG} graph -o g.png -- "-a*b" a=2 b=3, or {PROG} predict --model '
            hint += "m.json -- -1e-3 2"
        # "micrograd-like: error: ..." for a sub-command too; its --help is in the hint
        message = message.replace("\n", " ")
        self.exit(2, f"{PROG}: error: {message} ({hint})\n")


_FORMATTER = argparse.RawDescriptionHelpFormatter

_TOP_EPILOG = f"""\
examples:
  {PROG} demo                                  # micrograd's moons demo, pictures in ./demo-output
  {PROG} train --dataset spiral --save spiral.json
  {PROG} predict --model spiral.json 0.1 -0.4
  {PROG} graph "tanh(a*b + c)" a=2 b=-3 c=10 -o graph.png

Run '{PROG} COMMAND --help' for the options of each command."""

_DEMO_EPILOG = f"""\
example:
  {PROG} demo --out demo-output

Writes decision_boundary.png (shaded by the margin), loss.png (loss and accuracy per
epoch), network.png (the network, edges coloured by weight, each neuron's activation over
the plane) and neuron_graph.png (the backprop graph of one neuron on one sample, from
zero gradients, with data, grads and local derivatives)."""

_TRAIN_EPILOG = f"""\
examples:
  {PROG} train                                       # moons, as micrograd's demo
  {PROG} train --dataset spiral --epochs 60 --save spiral.json
  {PROG} train --dataset xor --hidden 8,8 --activation tanh --optimizer adam --lr 0.05
  {PROG} train --dataset line --hidden none          # one linear neuron: y = w x + b

defaults per dataset (hidden layers, loss, optimizer and lr, epochs, batch):
""" + "\n".join(
    f"  {name:8} {','.join(map(str, d.hidden)) or 'none':6} {d.loss:14} "
    f"{d.optimizer} lr {d.lr:g}{f' -> {0.1 * d.lr:g}' if d.schedule == 'linear' else ''}, "
    f"{d.epochs} epochs, {'full batch' if not d.batch_size else f'batch {d.batch_size}'}"
    for name, d in DATASETS.items()
)

_PREDICT_EPILOG = f"""\
examples:
  {PROG} train --dataset moons --save moons.json
  {PROG} predict --model moons.json --loss hinge 0.5 -0.25

Prints the raw output(s) and, for a classifier, the class. A model with one linear output
is read as regression unless --loss says otherwise (hinge: class +1/-1 by the sign)."""

_GRAPH_EPILOG = f"""\
examples:
  {PROG} graph "tanh(a*b + c)" a=2 b=-3 c=10 -o graph.png
  {PROG} graph "sigmoid(w1*x1 + w2*x2 + b)" w1=0.5 x1=2 w2=-1 x2=1 b=0.25 -o neuron.svg
  {PROG} graph -o g.png -- "-a**2" a=3          # '--' before an expression starting with '-'

Allowed: numbers, names given as NAME=NUMBER, + - * / **, unary -, and the functions
{", ".join(FUNCTIONS)} (leaky_relu(x, alpha) takes an optional slope).
The expression is parsed, never executed: anything else is refused."""


def build_parser() -> argparse.ArgumentParser:
    """The ``micrograd-like`` argument parser with its four sub-commands."""
    from micrograd_like.nn import ACTIVATIONS, OUTPUT_ACTIVATIONS

    parser = _Parser(
        prog=PROG,
        description="Learn deep learning by running it: a scalar autograd engine and a tiny\n"
        "neural-network library.",
        epilog=_TOP_EPILOG,
        formatter_class=_FORMATTER,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = sub.add_parser(
        "demo",
        help="train micrograd's moons MLP and draw it",
        description="Run micrograd's demo: train MLP(2, [16, 16, 1]) on 100 moons with the\n"
        "hinge loss, print the accuracy and write four pictures.",
        epilog=_DEMO_EPILOG,
        formatter_class=_FORMATTER,
    )
    demo.add_argument(
        "--out",
        default="demo-output",
        metavar="DIR",
        help="folder for the pictures (default: demo-output)",
    )
    demo.set_defaults(func=_demo)

    train = sub.add_parser(
        "train",
        help="train an MLP on a toy dataset",
        description="Train an MLP on a toy dataset, print a summary, write plots and\n"
        "optionally save the model.",
        epilog=_TRAIN_EPILOG,
        formatter_class=_FORMATTER,
    )
    train.add_argument(
        "--dataset", choices=list(DATASETS), default="moons", help="the data (default: moons)"
    )
    train.add_argument(
        "--samples",
        type=_positive_int,
        metavar="N",
        help="number of samples (default: per dataset)",
    )
    train.add_argument(
        "--hidden",
        type=_hidden_sizes,
        metavar="SIZES",
        help="hidden layer sizes, e.g. 16,16, or 'none' (default: per dataset)",
    )
    train.add_argument(
        "--activation",
        choices=ACTIVATIONS,
        default="relu",
        help="hidden layers' activation (default: relu)",
    )
    train.add_argument(
        "--output-activation",
        choices=OUTPUT_ACTIVATIONS,
        help="what the last layer applies (default: follows the loss)",
    )
    train.add_argument(
        "--loss",
        choices=_loss_choices(),
        metavar="LOSS",
        help=f"one of {', '.join(_loss_choices())} (default: per dataset)",
    )
    train.add_argument(
        "--optimizer", choices=("sgd", "adam"), help="optimizer (default: per dataset)"
    )
    train.add_argument("--lr", type=_positive_float, help="learning rate (default: per dataset)")
    train.add_argument(
        "--schedule",
        choices=("constant", "linear", "cosine"),
        help="lr schedule over the epochs: linear falls to lr/10, cosine to 0 "
        "(default: per dataset)",
    )
    train.add_argument(
        "--momentum", type=_non_negative_float, metavar="M", help="SGD momentum (default: 0)"
    )
    train.add_argument(
        "--l2",
        type=_non_negative_float,
        metavar="ALPHA",
        help="L2 penalty on the weights (default: per dataset)",
    )
    train.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="passes over the data (default: per dataset)",
    )
    train.add_argument(
        "--batch-size",
        type=_batch_size,
        metavar="N",
        help="samples per step, or 'full' (default: per dataset)",
    )
    train.add_argument(
        "--val-fraction",
        type=_fraction,
        default=0.2,
        metavar="F",
        help="fraction held out for validation, 0 for none (default: 0.2)",
    )
    train.add_argument(
        "--seed", type=int, default=0, help="seed of data, weights and shuffling (default: 0)"
    )
    train.add_argument("--save", metavar="FILE.json", help="save the trained model here")
    train.add_argument(
        "--out",
        default="train-output",
        metavar="DIR",
        help="folder for the plots (default: train-output)",
    )
    train.add_argument("--no-plots", action="store_true", help="write no plots")
    train.set_defaults(func=_train)

    predict = sub.add_parser(
        "predict",
        help="run a saved model on one input",
        description="Load a model saved by 'train --save' and print its prediction for one\n"
        "input vector.",
        epilog=_PREDICT_EPILOG,
        formatter_class=_FORMATTER,
    )
    predict.add_argument("--model", required=True, metavar="FILE.json", help="the saved model")
    predict.add_argument(
        "--loss",
        choices=_loss_choices(),
        metavar="LOSS",
        help="the loss it was trained with (e.g. hinge), to read its output as a class "
        "(default: from the output layer)",
    )
    predict.add_argument(
        "inputs",
        nargs="+",
        type=_finite_float,
        metavar="X",
        help="the input numbers, as many as the model has inputs",
    )
    predict.set_defaults(func=_predict)

    graph = sub.add_parser(
        "graph",
        help="draw the backprop graph of an expression",
        description="Evaluate an expression of named inputs, run backward() and draw the\n"
        "graph with every value and gradient.",
        epilog=_GRAPH_EPILOG,
        formatter_class=_FORMATTER,
    )
    graph.add_argument("expression", help='e.g. "tanh(a*b + c)"')
    graph.add_argument("values", nargs="*", metavar="NAME=NUMBER", help="e.g. a=2 b=-3")
    graph.add_argument(
        "-o",
        "--output",
        default="graph.png",
        metavar="FILE",
        help="the picture: .png, .svg, .pdf or .dot (default: graph.png)",
    )
    graph.add_argument(
        "--local-grads", action="store_true", help="write each local derivative on its edge"
    )
    graph.add_argument(
        "--max-nodes",
        type=_positive_int,
        default=500,
        metavar="N",
        help="refuse graphs with more values than this (default: 500)",
    )
    graph.set_defaults(func=_graph)
    return parser


# --------------------------------------------------------------------------------------
# main: every error becomes one line and an exit code
# --------------------------------------------------------------------------------------


def _one_line(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        text = f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    from micrograd_like.train import TrainingDiverged
    from micrograd_like.viz import GraphvizNotFound

    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # --help, --version, usage errors: argparse has printed
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    try:
        return int(args.func(args))
    except CommandError as error:
        return _fail(str(error), error.code)
    except TrainingDiverged as error:
        return _fail(_one_line(error), 1)
    except GraphvizNotFound as error:
        return _fail(_one_line(error), 1)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:  # e.g. `micrograd-like train | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the final flush at exit cannot fail
        return 141
    except (ValueError, TypeError, OSError) as error:
        return _fail(_one_line(error), 2)
    except Exception as error:  # a bug: still one line, but say what it was
        return _fail(f"unexpected {type(error).__name__}: {_one_line(error)}", 1)


if __name__ == "__main__":
    sys.exit(main())
