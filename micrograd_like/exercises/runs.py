"""The checks of the exercises answered with something you trained or wrote: a model, a
training History, a training function.

Such a check looks at what the answer does (its accuracy, its loss, its gradient) and,
where it can, replays the run the exercise asks for, so that another run that happens to
score well is not taken for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from micrograd_like.exercises.verdict import Verdict, not_answered, right, wrong

__all__ = ["RunChecks"]

# 04: the training loop is run on the line data of notebook 04, from w = b = 0
LOOP_SAMPLES = 50
LOOP_LR, LOOP_EPOCHS = 0.3, 40
# 06: the moons comparison: its network's starting weights (its data: make_moons' default
# 100 points, noise 0.1, seed 0), and its loss
MOONS_NET_SEED = 1
MOONS_LOSS = "binary_cross_entropy_with_logits"
REPLAY_EPOCHS = 3  # momentum's first step equals SGD's; its second does not


def _mse_and_gradient_norm(model: Any, X: Any, y: Any) -> tuple[float, float]:
    """The model's mse on (X, y) and the length of its gradient: near 0 once trained."""
    from micrograd_like.losses import mse

    loss = mse([model(x) for x in X], y)
    model.zero_grad()
    loss.backward()
    norm = math.sqrt(sum(p.grad**2 for p in model.parameters()))
    model.zero_grad()
    return loss.data, norm


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-10)


# --------------------------------------------------------------------------------------
# The training loop of exercise 4.3, right and with its classic mistakes
# --------------------------------------------------------------------------------------


def _line_model() -> Any:
    from micrograd_like.nn import Neuron

    model = Neuron(1, activation="linear")
    model.load_state_dict({"w.0": 0.0, "b": 0.0})
    return model


def _reference_loop(
    model: Any,
    X: Any,
    y: Any,
    lr: float,
    epochs: int,
    zero_grad: bool = True,
    sign: float = 1.0,
    per_sample: bool = False,
) -> None:
    """Full-batch gradient descent on the mse, or one of its classic mistakes."""
    from micrograd_like.losses import mse

    batches = [([x], [t]) for x, t in zip(X, y)] if per_sample else [(X, y)]
    for _ in range(epochs):
        for xs, ts in batches:
            loss = mse([model(x) for x in xs], ts)
            if zero_grad:
                model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= sign * lr * p.grad


# (what the loop does differently, how to run it, the hint it deserves)
_LOOP_MISTAKES: list[tuple[dict[str, Any], str]] = [
    (
        {"zero_grad": False},
        "the gradients pile up from epoch to epoch: they are added, never replaced "
        "(notebook 01). Clear them with model.zero_grad() before each backward().",
    ),
    (
        {"sign": -1.0},
        "the loss grows: the update should go against the gradient, p.data -= lr * p.grad.",
    ),
    (
        {"lr_times": 1.0 / LOOP_LR},
        "the learning rate is missing from the update: p.data -= lr * p.grad.",
    ),
    (
        {"epochs": 1},
        "only one step was taken: repeat forward, backward and update, once per epoch.",
    ),
    (
        {"lr_times": float(LOOP_SAMPLES)},
        "the steps are n = 50 times too large: the loss should be the MEAN squared error "
        "(mse), not the sum.",
    ),
]


def _run_loop(train: Callable[..., Any], X: Any, y: Any) -> tuple[Any, str | None]:
    model = _line_model()
    try:
        train(model, X, y, LOOP_LR, LOOP_EPOCHS)
    except Exception as error:  # the learner's code: report, don't crash
        return model, f"{type(error).__name__}: {error}"
    return model, None


def _params(model: Any) -> list[float]:
    return [p.data for p in model.parameters()]


class RunChecks:
    """The exercises answered with a trained model, a History or a function."""

    def straight_line_on_moons(self, model: object) -> Verdict:
        """03: a model with no hidden layer, trained on the moons (100 points, seed 0)."""
        name = "straight_line_on_moons"
        if model is None:
            return not_answered(name, "your trained model with no hidden layer")
        from micrograd_like.data import make_moons, signed_labels
        from micrograd_like.evaluation import accuracy
        from micrograd_like.nn import MLP, Neuron

        if isinstance(model, MLP):
            if len(model.layers) > 1:
                return wrong(
                    name,
                    f"this MLP has {len(model.layers) - 1} hidden layer(s). The exercise "
                    "asks for none: MLP(2, [1]), one neuron straight from the inputs.",
                )
            if model.output_activation != "linear":
                return wrong(name, "keep the output linear: a score whose sign is the class.")
        elif not isinstance(model, Neuron):
            return wrong(name, f"expected an MLP or a Neuron, got {type(model).__name__}")
        X, y01 = make_moons(100, noise=0.1, seed=0)
        acc = accuracy(model, X, signed_labels(y01), loss="hinge")
        assert acc is not None
        if acc < 0.75:
            return wrong(
                name,
                f"it gets {acc:.0%} of the points right: has it been trained enough (fit "
                "with loss='hinge')? Try more epochs or a larger learning rate; a well "
                "trained straight line does better than that.",
            )
        return right(
            name,
            f"{acc:.0%} of the points right. Now explain it: what shape is the boundary "
            "of w . x + b = 0, and can that shape separate the two moons?",
        )

    def training_loop(self, train: object) -> Verdict:
        """04: a function train(model, X, y, lr, epochs) that trains by gradient descent.

        The check runs it on the line data of notebook 04, from w = b = 0, with lr = 0.3
        for 40 epochs, and compares the result with full-batch gradient descent on the
        mean squared error.
        """
        name = "training_loop"
        if train is None:
            return not_answered(name, "your function train(model, X, y, lr, epochs)")
        if not callable(train):
            return wrong(
                name,
                f"pass the function itself (train, not train(...)), got {type(train).__name__}",
            )
        from micrograd_like.data import make_line

        X, y = make_line(LOOP_SAMPLES, slope=3.0, intercept=-1.0, noise=0.2, seed=0)
        model, error = _run_loop(train, X, y)
        if error is not None:
            return wrong(name, f"calling train(model, X, y, lr, epochs) raised {error}")
        got = _params(model)
        if not all(math.isfinite(v) for v in got):
            return wrong(
                name,
                "the parameters are no longer finite numbers: the updates "
                "grew without bound. Check the sign and size of each step.",
            )
        reference = _line_model()
        _reference_loop(reference, X, y, LOOP_LR, LOOP_EPOCHS)
        if all(_same(a, b) for a, b in zip(got, _params(reference))):
            return right(
                name,
                "forward, zero_grad, backward, update: every epoch. That is all fit does, "
                "plus batches, schedules and a record of the run.",
            )
        if got == _params(_line_model()):
            return wrong(
                name,
                "the model's parameters did not change. Train the model you are given, in "
                "place (p.data -= lr * p.grad), and clear the gradients BEFORE backward(): "
                "cleared between backward() and the update, every step is 0.",
            )
        per_sample = _line_model()
        _reference_loop(per_sample, X, y, LOOP_LR, LOOP_EPOCHS, per_sample=True)
        if all(_same(a, b) for a, b in zip(got, _params(per_sample))):
            return right(
                name,
                "one step per sample (stochastic gradient descent) trains too. fit's "
                "default is one step per epoch on all the data, the exercise's loop.",
            )
        for change, hint in _LOOP_MISTAKES:
            variant = _line_model()
            options = dict(change)
            lr = LOOP_LR * options.pop("lr_times", 1.0)
            epochs = options.pop("epochs", LOOP_EPOCHS)
            _reference_loop(variant, X, y, lr, epochs, **options)
            if all(_same(a, b) for a, b in zip(got, _params(variant))):
                return wrong(name, hint)
        return wrong(
            name,
            "each epoch: predictions for all of X, the mse, model.zero_grad(), "
            "loss.backward(), then p.data -= lr * p.grad for every p in model.parameters().",
        )

    def one_hidden_neuron(self, model: object, X: object, y: object) -> Verdict:
        """04: an MLP with ONE tanh hidden neuron, trained on the sine data (X, y)."""
        name = "one_hidden_neuron"
        if model is None:
            return not_answered(name, "your trained MLP(1, [1, 1], activation='tanh')")
        from micrograd_like.nn import MLP

        if not isinstance(model, MLP) or model.nouts != [1, 1]:
            return wrong(
                name,
                "build it as MLP(1, [1, 1], activation='tanh'): one hidden "
                "neuron, one output neuron.",
            )
        if model.activation != "tanh":
            return wrong(name, "use activation='tanh' for the hidden neuron.")
        mse, slope = _mse_and_gradient_norm(model, X, y)
        if slope > 0.02:
            return wrong(
                name,
                f"its mse, {mse:.3f}, is still falling steeply (gradient norm {slope:.2f}): "
                "train it (fit with loss='mse') until it levels off.",
            )
        return right(
            name,
            f"mse {mse:.3f}, well above the noise's 0.01. Explain why: how many times can "
            "c + v tanh(w x + b) turn, and how many times does sin x turn on [-3, 3]?",
        )

    def retuned_sgd(self, tuned: object, baseline: object) -> Verdict:
        """06: the History of plain SGD at a larger learning rate, from the same start and
        for as many epochs as the baseline (SGD at lr = 0.05)."""
        name = "retuned_sgd"
        if tuned is None:
            return not_answered(name, "the History of your SGD run")
        from micrograd_like.train import History

        if not isinstance(tuned, History) or not isinstance(baseline, History):
            return wrong(name, "pass the two History objects that fit returned.")
        if tuned.epochs != baseline.epochs:
            return wrong(
                name,
                f"train for {baseline.epochs} epochs, as the baseline, to compare them fairly.",
            )
        if len(set(tuned.lr)) != 1:
            return wrong(name, "keep the learning rate fixed, as the baseline does: no schedule.")
        if tuned.lr[0] <= baseline.lr[0]:
            return wrong(name, "raise the learning rate above the baseline's.")
        # each epoch's loss is measured after its update, so a run's first loss is the
        # start's only through one step at its own rate: replay both runs that far
        if not all(_same(a, b) for a, b in zip(baseline.loss, _replay_sgd(baseline.lr[0]).loss)):
            return wrong(
                name,
                "the baseline is not the notebook's: run it from the saved start (load `initial` "
                "with load_state_dict) on the same moons.",
            )
        replay = _replay_sgd(tuned.lr[0])
        if not all(_same(a, b) for a, b in zip(tuned.loss[:REPLAY_EPOCHS], replay.loss)):
            return wrong(
                name,
                "its losses are not those of plain SGD at that rate from the baseline's start: "
                "did it start from `initial`, and was it plain SGD(net.parameters(), lr=...), "
                "without momentum, not Adam?",
            )
        if tuned.loss[-1] >= baseline.loss[-1]:
            return wrong(
                name,
                f"its last loss, {tuned.loss[-1]:.4f}, is not below the baseline's "
                f"{baseline.loss[-1]:.4f}: at this rate the steps overshoot. Try rates "
                "between the two, a factor of 2 or 3 apart, and keep the best.",
            )
        return right(
            name,
            f"loss {tuned.loss[-1]:.4f} against {baseline.loss[-1]:.4f} with "
            f"lr = {tuned.lr[0]:g}. Why is a contest at one shared lr unfair to SGD?",
        )


def _replay_sgd(lr: float) -> Any:
    """The first epochs of the moons run of notebook 06 with plain SGD at ``lr``."""
    from micrograd_like.data import make_moons
    from micrograd_like.nn import MLP
    from micrograd_like.optim import SGD
    from micrograd_like.train import fit

    X, y = make_moons(100, noise=0.1, seed=0)
    net = MLP(2, [16, 16, 1], seed=MOONS_NET_SEED)
    return fit(
        net,
        X,
        y,
        loss=MOONS_LOSS,
        optimizer=SGD(net.parameters(), lr=lr),
        epochs=REPLAY_EPOCHS,
        progress=False,
    )
