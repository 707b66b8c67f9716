"""fit, evaluate, predict, accuracy: real training runs and the loop's contract."""

from __future__ import annotations

import gc
import math
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from micrograd_like import data, losses, train
from micrograd_like.data import make_moons
from micrograd_like.engine import Value
from micrograd_like.evaluation import Evaluation, accuracy, evaluate, predict
from micrograd_like.nn import MLP
from micrograd_like.optim import SGD, Adam, LinearDecay
from micrograd_like.serialize import load, save
from micrograd_like.train import History, TrainingDiverged, fit


@pytest.fixture(scope="module")
def moons():
    X, y = data.make_moons(100, noise=0.1, seed=0)
    return X, data.signed_labels(y)


# --------------------------------------------------------------------------------------
# Real training runs
# --------------------------------------------------------------------------------------


def test_micrograd_demo_reaches_100_percent(moons):
    # micrograd's demo: moons (100 samples, noise 0.1), MLP(2, [16, 16, 1]), max-margin
    # loss + 1e-4 * sum(p**2), 100 full-batch SGD steps with lr = 1.0 - 0.9 * k / 100
    # (its speed: benchmarks/bench_moons.py)
    X, y = moons
    model = MLP(2, [16, 16, 1], seed=0)
    history = fit(
        model, X, y, loss="hinge", optimizer="sgd", epochs=100, l2=1e-4,
        schedule=LinearDecay(1.0, 0.1, 100), progress=False,
    )  # fmt: skip
    assert accuracy(model, X, y, loss="hinge") == 1.0
    assert history.epochs == 100 and history.accuracy[-1] == 1.0
    assert history.lr == pytest.approx([1.0 - 0.9 * k / 100 for k in range(100)])
    assert history.loss[-1] < history.loss[0]


def test_spiral_three_classes_softmax_cross_entropy_adam():
    X, y = data.make_spiral(90, classes=3, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 3], output_activation="softmax", seed=0)
    history = fit(
        model, X, y, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=60, progress=False
    )
    # the softmax output already gives probabilities: fit used -ln p[target]
    assert history.loss_name == "cross_entropy_from_probs"
    assert accuracy(model, X, y) >= 0.95
    assert history.accuracy[-1] >= 0.95


def test_linear_model_recovers_the_line():
    # y = 3x - 1 exactly; one linear neuron y = w x + b must find w = 3, b = -1
    X, y = data.make_line(50, slope=3.0, intercept=-1.0, noise=0.0, seed=0)
    model = MLP(1, [1], seed=0)
    history = fit(model, X, y, loss="mse", lr=0.5, epochs=60, progress=False)
    (w,), b = model.layers[0].neurons[0].w, model.layers[0].neurons[0].b
    assert w.data == pytest.approx(3.0, abs=1e-3)
    assert b.data == pytest.approx(-1.0, abs=1e-3)
    assert history.accuracy == []  # regression: no accuracy
    assert predict(model, [[2.0]]) == pytest.approx([5.0], abs=1e-2)
    assert evaluate(model, X, y, loss="mse").accuracy is None


@pytest.mark.slow
def test_digits_mlp_reaches_95_percent_test_accuracy():
    pytest.importorskip("sklearn")
    X, y = data.load_digits()
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_size=0.2, seed=0)
    model = MLP(64, [32, 10], init="xavier", seed=0)
    history = fit(
        model, Xtr, ytr, loss="cross_entropy", optimizer="adam", lr=0.01, epochs=8,
        batch_size=32, validation=(Xte, yte), progress=False,
    )  # fmt: skip
    assert accuracy(model, Xte, yte) >= 0.95
    assert history.val_accuracy[-1] == accuracy(model, Xte, yte)


# --------------------------------------------------------------------------------------
# One step of fit is the textbook step
# --------------------------------------------------------------------------------------


def test_one_fit_epoch_is_exactly_one_textbook_step(moons):
    X, y = moons
    X, y = X[:20], y[:20]
    a = MLP(2, [4, 1], seed=1)
    b = MLP(2, [4, 1], seed=1)
    fit(a, X, y, loss="hinge", lr=0.3, epochs=1, l2=1e-3, progress=False)
    # by hand: mean hinge + l2, backward, p -= lr * grad
    scores = [b(x) for x in X]
    loss = losses.hinge(scores, y) + losses.l2(b.parameters(), 1e-3)
    b.zero_grad()
    loss.backward()
    for p in b.parameters():
        p.data -= 0.3 * p.grad
    assert [p.data for p in a.parameters()] == pytest.approx(
        [p.data for p in b.parameters()], rel=1e-12, abs=1e-15
    )


def test_fit_calls_a_model_that_defines_its_own_call(moons):
    # fit batches an MLP's forward; a subclass with its own __call__ must still be called
    # once per sample, or its code would be skipped.
    X, y = moons
    calls = []

    class Counting(MLP):
        def __call__(self, x, step_by_step=False):
            calls.append(1)
            return super().__call__(x, step_by_step)

    fit(Counting(2, [4, 1], seed=1), X[:20], y[:20], loss="hinge", epochs=1, progress=False)
    # one first call checks the output shape, then 20 samples for the step and 20 more
    # to measure the loss after it
    assert len(calls) == 1 + 20 + 20


# --------------------------------------------------------------------------------------
# Divergence
# --------------------------------------------------------------------------------------


def test_divergence_stops_with_a_clear_message_and_finite_parameters(moons):
    X, y = moons
    model = MLP(2, [16, 16, 1], seed=0)
    with pytest.raises(TrainingDiverged) as info:
        fit(model, X, y, loss="mse", lr=100.0, epochs=200, progress=False)
    err = info.value
    assert "training diverged" in str(err)
    assert f"epoch {err.epoch}/200" in str(err) and f"step {err.step}" in str(err)
    assert "lr=100" in str(err) and "smaller learning rate" in str(err)
    assert all(math.isfinite(p.data) for p in model.parameters())
    assert err.history.epochs == err.epoch - 1
    assert gc.isenabled()


class OneWeight:
    """y = w * x with a single weight: small enough to push into overflow by hand."""

    def __init__(self) -> None:
        self.w = Value(1.0)

    def parameters(self) -> list[Value]:
        return [self.w]

    def __call__(self, x):
        return self.w * x[0]


def test_a_step_that_overflows_is_undone():
    # loss = (1e150 w)**2 = 1e300 (finite), dL/dw = 2e300; a step of lr 1e10 makes w = -inf
    model = OneWeight()
    with pytest.raises(
        TrainingDiverged, match="a parameter would have become NaN or infinite"
    ) as info:
        fit(model, [[1e150]], [0.0], loss="mse", lr=1e10, epochs=3, progress=False)
    assert info.value.step == 1 and info.value.lr == 1e10
    assert model.w.data == 1.0  # the refused step changed nothing


# --------------------------------------------------------------------------------------
# Refusing bad input up front
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"X": [], "y": []}, ValueError, "X is empty"),
        ({"y": [1, -1]}, ValueError, "X has 4 samples but y has 2"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1, got 0"),
        ({"epochs": 2.0}, TypeError, "epochs must be an int"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"l2": -1.0}, ValueError, "l2 must be >= 0"),
        ({"X": [[0.0, 1.0], [1.0, math.nan], [0.0, 0.0], [1.0, 1.0]]}, ValueError, r"X\[1\]\[1\]"),
        ({"X": [[0.0, 1.0], [1.0], [0.0, 0.0], [1.0, 1.0]]}, ValueError, r"X\[1\] has 1 features"),
        ({"X": [0.0, 1.0, 2.0, 3.0]}, TypeError, r"X\[0\] must be a list of numbers"),
        ({"validation": ([[0.0, 1.0]], [1, 1])}, ValueError, "X_val has 1 samples but y_val has 2"),
        ({"validation": [[0.0, 1.0]]}, TypeError, "validation must be a pair"),
        ({"y": [1, 0, 1, -1]}, ValueError, r"y\[1\] must be -1 or \+1 .*signed_labels"),
        ({"loss": "hinj"}, ValueError, "unknown loss 'hinj'"),
        ({"loss": 3}, TypeError, "loss must be a loss name"),
        ({"optimizer": "rmsprop"}, TypeError, "optimizer must be 'sgd', 'adam'"),
        ({"schedule": 0.1}, TypeError, "schedule must be a function"),
        ({"progress": 1}, TypeError, "progress must be a bool"),
    ],
)
def test_bad_arguments_are_refused_before_training(kwargs, error, message):
    model = MLP(2, [3, 1], seed=0)
    before = [p.data for p in model.parameters()]
    args = {"X": [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [1.0, 1.0]], "y": [1, 1, -1, -1]}
    args.update(kwargs)
    with pytest.raises(error, match=message):
        fit(model, loss=kwargs.get("loss", "hinge"), progress=kwargs.get("progress", False),
            **{k: v for k, v in args.items() if k not in ("loss", "progress")})  # fmt: skip
    assert [p.data for p in model.parameters()] == before


def test_class_targets_are_checked_against_the_outputs():
    model = MLP(2, [3, 3], seed=0)
    X = [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(ValueError, match=r"y\[1\] = 3 is out of range: the model has 3 outputs"):
        fit(model, X, [0, 3], loss="cross_entropy", progress=False)
    with pytest.raises(TypeError, match=r"y\[0\] must be an int class index"):
        fit(model, X, [0.0, 1.0], loss="cross_entropy", progress=False)


def test_the_number_of_outputs_must_fit_the_loss():
    X = [[0.0, 1.0], [1.0, 0.0]]
    with pytest.raises(
        ValueError, match="'hinge' needs a model with one output, but the model gives 3"
    ):
        fit(MLP(2, [3], seed=0), X, [1, -1], loss="hinge", progress=False)
    with pytest.raises(ValueError, match="'cross_entropy' needs one output per class"):
        fit(MLP(2, [1], seed=0), X, [0, 1], loss="cross_entropy", progress=False)


def test_model_and_optimizer_checks():
    X, y = [[0.0], [1.0]], [0.0, 1.0]
    with pytest.raises(TypeError, match="model must be callable and have parameters"):
        fit(lambda x: Value(x[0]), X, y, progress=False)
    model = MLP(1, [1], seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="set the learning rate on the optimizer"):
        fit(model, X, y, optimizer=opt, lr=0.5, progress=False)
    fit(model, X, y, optimizer=opt, epochs=2, progress=False)
    assert opt.steps == 2


# --------------------------------------------------------------------------------------
# History, batches, schedules, callbacks
# --------------------------------------------------------------------------------------


def test_history_records_every_epoch_with_validation(moons):
    X, y = moons
    model = MLP(2, [8, 1], seed=0)
    h = fit(model, X[:80], y[:80], loss="hinge", epochs=5, batch_size=16,
            validation=(X[80:], y[80:]), progress=False)  # fmt: skip
    assert isinstance(h, History) and h.epochs == 5 and h.loss_name == "hinge"
    for series in (h.loss, h.accuracy, h.val_loss, h.val_accuracy, h.lr):
        assert len(series) == 5
    assert h.lr == [0.1] * 5  # SGD's default in fit
    assert h.val_loss[-1] == pytest.approx(evaluate(model, X[80:], y[80:], "hinge").loss)
    assert h.val_accuracy[-1] == accuracy(model, X[80:], y[80:], loss="hinge")
    assert repr(h).startswith("History(5 epochs, loss ")


def test_each_epochs_loss_is_measured_after_its_updates(moons):
    # A train-loss curve that lags the test curve by an epoch: the loss of epoch k must be
    # the loss of the weights that epoch k's updates left, as val_loss is, on all the
    # training points (with mini-batches too), and the accuracy likewise.
    X, y = moons
    model = MLP(2, [8, 1], seed=0)
    seen = []

    def after_each_epoch(history):
        seen.append(evaluate(model, X[:80], y[:80], "hinge"))

    h = fit(model, X[:80], y[:80], loss="hinge", epochs=4, batch_size=16,
            validation=(X[:80], y[:80]), callback=after_each_epoch, progress=False)  # fmt: skip
    assert h.loss == [e.loss for e in seen] == h.val_loss
    assert h.accuracy == [e.accuracy for e in seen] == h.val_accuracy
    before = MLP(2, [8, 1], seed=0)  # the first epoch's loss is not the untrained model's
    assert h.loss[0] != evaluate(before, X[:80], y[:80], "hinge").loss


def test_mini_batches_are_shuffled_reproducibly(moons):
    X, y = moons

    def run(seed):
        model = MLP(2, [8, 1], seed=0)
        return fit(model, X, y, loss="hinge", epochs=3, batch_size=10, seed=seed,
                   progress=False).loss  # fmt: skip

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_callback_sees_the_history_and_can_stop_training(moons):
    X, y = moons
    seen = []

    def callback(history):
        seen.append(history.epochs)
        return history.epochs == 3

    h = fit(MLP(2, [4, 1], seed=0), X, y, loss="hinge", epochs=10, callback=callback,
            progress=False)  # fmt: skip
    assert seen == [1, 2, 3] and h.epochs == 3 and len(h.loss) == 3


def test_adam_by_name_and_its_default_lr():
    X, y = data.make_line(20, noise=0.0)
    h = fit(MLP(1, [1], seed=0), X, y, optimizer="adam", epochs=2, progress=False)
    assert h.lr == [0.01, 0.01]


def test_gc_state_is_restored(moons):
    X, y = moons
    gc.disable()
    try:
        fit(MLP(2, [4, 1], seed=0), X[:10], y[:10], loss="hinge", epochs=1, progress=False)
        assert not gc.isenabled()
    finally:
        gc.enable()
    fit(MLP(2, [4, 1], seed=0), X[:10], y[:10], loss="hinge", epochs=1, progress=False)
    assert gc.isenabled()


# --------------------------------------------------------------------------------------
# Progress bar
# --------------------------------------------------------------------------------------


def test_no_bar_when_stderr_is_not_a_terminal(moons, capsys):
    X, y = moons
    fit(MLP(2, [4, 1], seed=0), X[:10], y[:10], loss="hinge", epochs=2, progress=True)
    assert capsys.readouterr().err == ""


def test_bar_shows_loss_and_accuracy_in_jupyter(moons, capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.setattr(train, "_in_jupyter", lambda: True)
    X, y = moons
    fit(MLP(2, [4, 1], seed=0), X[:10], y[:10], loss="hinge", epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "loss=" in err and "acc=" in err and "2/2" in err


def test_missing_tqdm_warns_once_and_trains_anyway(moons, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # `from tqdm.auto import` now fails
    monkeypatch.setattr(train, "_warned_no_tqdm", False)
    X, y = moons
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            h = fit(MLP(2, [4, 1], seed=0), X[:10], y[:10], loss="hinge", epochs=1)
    assert h.epochs == 1
    messages = [str(w.message) for w in caught if "tqdm" in str(w.message)]
    assert len(messages) == 1 and "pip install tqdm" in messages[0]


# --------------------------------------------------------------------------------------
# Reading outputs: predict, accuracy, evaluate
# --------------------------------------------------------------------------------------


def score(x):
    """A fixed 'model': s = x0 - x1."""
    return Value(x[0] - x[1])


def test_predict_reads_one_output_according_to_the_loss():
    X = [[2.0, 0.5], [0.0, 1.0], [0.3, 0.3]]  # scores 1.5, -1, 0
    assert predict(score, X) == [1.5, -1.0, 0.0]  # regression: the number itself
    assert predict(score, X, loss="mse") == [1.5, -1.0, 0.0]
    assert predict(score, X, loss="hinge") == [1, -1, -1]  # sign, with 0 -> -1 as micrograd
    assert predict(score, X, loss="binary_cross_entropy_with_logits") == [1, 0, 0]  # z > 0
    assert predict(score, X, loss=losses.binary_cross_entropy) == [1, 0, 0]  # p > 0.5
    assert predict(score, []) == []


def test_predict_multi_output_is_the_argmax():
    model = lambda x: [Value(x[0]), Value(x[1]), Value(0.5)]  # noqa: E731
    assert predict(model, [[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]) == [0, 1, 2]
    assert accuracy(model, [[1.0, 0.0], [0.0, 2.0]], [0, 2]) == 0.5


def test_accuracy_infers_the_reading_from_labels_and_output_layer():
    X = [[2.0, 0.5], [0.0, 1.0], [0.3, 0.3]]  # scores 1.5, -1, 0
    assert accuracy(score, X, [1, -1, 1]) == pytest.approx(2 / 3)  # -1/+1 labels: sign
    assert accuracy(score, X, [1, 0, 0]) == 1.0  # 0/1 labels, linear output: z > 0
    assert accuracy(score, X, [1.5, -1.0, 0.0]) is None  # regression
    sig = MLP(2, [1], output_activation="sigmoid", seed=0)
    p = [sig(x).data for x in X]
    assert accuracy(sig, X, [int(v > 0.5) for v in p]) == 1.0  # 0/1 labels, sigmoid: p > 0.5


def test_evaluate_returns_loss_and_accuracy_without_a_graph():
    X = [[2.0, 0.5], [0.0, 1.0]]  # scores 1.5, -1: hinge with labels (1, 1) = (0 + 2) / 2
    result = evaluate(score, X, [1, 1], loss="hinge")
    assert result.loss == pytest.approx(1.0) and result.accuracy == 0.5
    assert result == Evaluation(1.0, 0.5)


def test_binary_cross_entropy_name_follows_the_output_layer():
    X = [[0.0, 1.0], [1.0, 0.0]]
    sig = MLP(2, [2, 1], output_activation="sigmoid", seed=0)
    lin = MLP(2, [2, 1], seed=0)
    assert fit(sig, X, [0, 1], loss="bce", epochs=1, progress=False).loss_name == (
        "binary_cross_entropy"
    )
    assert fit(lin, X, [0, 1], loss="binary_cross_entropy", epochs=1, progress=False).loss_name == (
        "binary_cross_entropy_with_logits"
    )


def test_custom_loss_function():
    # any function (outputs, targets) -> Value works; mean absolute error here
    def mae(outs, targets):
        return sum(((o - t) ** 2) ** 0.5 for o, t in zip(outs, targets)) * (1.0 / len(outs))

    X, y = data.make_line(20, noise=0.0)
    h = fit(MLP(1, [1], seed=0), X, y, loss=mae, lr=0.1, epochs=30, progress=False)
    assert h.loss_name == "mae" and h.loss[-1] < h.loss[0]


def test_adam_optimizer_instance_is_used_as_is(moons):
    X, y = moons
    model = MLP(2, [4, 1], seed=0)
    opt = Adam(model.parameters(), lr=0.02)
    h = fit(model, X, y, loss="hinge", optimizer=opt, epochs=3, progress=False)
    assert h.lr == [0.02] * 3 and opt.steps == 3


# --------------------------------------------------------------------------------------
# fit: divergence stops cleanly, at any step and after the last epoch
# --------------------------------------------------------------------------------------


class RecordingSGD(SGD):
    """SGD that remembers the parameters after each step it completed."""

    def __init__(self, params: Any, lr: float) -> None:
        super().__init__(params, lr)
        self.after: list[list[float]] = [[p.data for p in self.params]]

    def step(self) -> None:
        super().step()
        self.after.append([p.data for p in self.params])


@pytest.mark.parametrize(
    ("how", "options"),
    [("mini-batches", {"batch_size": 10}), ("with-l2", {"l2": 1e-2})],
)
def test_divergence_on_moons_at_lr_100_stops_cleanly(
    tmp_path: Path, how: str, options: dict[str, Any]
) -> None:
    # mse at lr = 100 on the moons: each step overshoots more, until a loss or a step
    # is no longer a finite number. fit must stop there, say so, and keep the model at
    # its last finite parameters (which can still be saved and loaded).
    X, y = make_moons(100, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    opt = RecordingSGD(model.parameters(), lr=100.0)
    with pytest.raises(TrainingDiverged) as info:
        fit(model, X, y, loss="mse", optimizer=opt, epochs=50, progress=False, **options)
    err = info.value
    message = str(err)
    assert "\n" not in message
    assert message.startswith("training diverged: ")
    assert f"epoch {err.epoch}/50, step {err.step} (lr=100)" in message
    assert "smaller learning rate" in message
    assert err.lr == 100.0 and err.history.epochs == err.epoch - 1
    assert all(math.isfinite(v) for v in err.history.loss)
    current = [p.data for p in model.parameters()]
    assert all(math.isfinite(v) for v in current)
    assert current == opt.after[-1]  # exactly as after the last step that completed
    # every earlier step completed; this one did not, or it did and the loss it left,
    # measured at the end of its epoch, was not a finite number
    assert len(opt.after) - 1 in (err.step - 1, err.step)
    if how == "mini-batches":
        assert err.epoch == 1 and err.step > 1  # it stopped inside the first epoch
    path = tmp_path / "diverged.json"
    save(model, path)
    assert load(path).state_dict() == model.state_dict()


class ExpModel:
    """y = e**(w x): one weight, and an exp that overflows once w x > ~709.78."""

    def __init__(self) -> None:
        self.w = Value(1.0)

    def parameters(self) -> list[Value]:
        return [self.w]

    def __call__(self, x: Sequence[Any]) -> Value:
        return (self.w * x[0]).exp()


def test_an_overflow_in_the_forward_pass_is_reported_as_divergence() -> None:
    # loss = (e**w - 1e6)**2 at x = 1; dL/dw = 2 (e**w - 1e6) e**w ~ -5.4e6 at w = 1, so
    # one SGD step of lr 100 gives w ~ 5.4e8 (finite), and the loss after it, measured at
    # the end of epoch 1, takes e**(5.4e8): an OverflowError, which fit turns into
    # TrainingDiverged at that epoch and step
    model = ExpModel()
    with pytest.raises(TrainingDiverged, match="overflowed") as info:
        fit(model, [[1.0]], [1e6], loss="mse", lr=100.0, epochs=5, progress=False)
    assert info.value.epoch == 1 and info.value.step == 1
    assert info.value.history.epochs == 0
    assert math.isfinite(model.w.data) and model.w.data > 709.0
    assert isinstance(info.value.__cause__, OverflowError)


def test_a_loss_that_is_infinite_after_the_last_epoch_is_divergence() -> None:
    # y = w x + b at x = 1, target 0, one step of lr 1e160: w and b move by about 1e160
    # (finite), and the loss after that step, (w + b)**2 ~ 1e320, is inf. The epoch's
    # loss is measured after its updates, so even the last epoch's is checked.
    model = MLP(1, [1], activation="linear", seed=0)
    with pytest.raises(TrainingDiverged, match="after the epoch's updates became inf") as info:
        fit(model, [[1.0]], [0.0], loss="mse", lr=1e160, epochs=1, progress=False)
    assert (info.value.epoch, info.value.step, info.value.history.epochs) == (1, 1, 0)
    assert all(math.isfinite(p.data) for p in model.parameters())


# --------------------------------------------------------------------------------------
# fit: empty or mismatched data is refused before anything runs
# --------------------------------------------------------------------------------------


class CountingMLP(MLP):
    """An MLP that counts its forward passes."""

    calls = 0

    def __call__(self, x: object, fine: bool = False) -> Any:
        self.calls += 1
        return super().__call__(x, fine)


X4 = [[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
Y4 = [1.0, 0.0, 0.5, 0.25]


@pytest.mark.parametrize(
    ("X", "y", "validation", "message"),
    [
        pytest.param([], [], None, "X is empty", id="empty"),
        pytest.param([], [1.0], None, "X is empty", id="empty-X"),
        pytest.param(X4, [], None, "X has 4 samples but y has 0", id="empty-y"),
        pytest.param(X4, Y4[:3], None, "X has 4 samples but y has 3", id="y-short"),
        pytest.param(X4 + [[2.0, 2.0]], Y4, None, "X has 5 samples but y has 4", id="X-long"),
        pytest.param(X4, Y4, ([], []), "X_val is empty", id="empty-validation"),
        pytest.param(X4, Y4, ([[0.0, 1.0]], []), "X_val has 1 samples but y_val has 0", id="val-y-short"),
        pytest.param([[0.0, 1.0], [1.0]] + X4[2:], Y4, None, r"X\[1\] has 1 features", id="ragged"),
    ],
)  # fmt: skip
def test_empty_or_mismatched_data_is_refused_before_any_forward_pass(
    X: list[list[float]], y: list[float], validation: Any, message: str
) -> None:
    model = CountingMLP(2, [3, 1], seed=0)
    before = model.state_dict()
    opt = SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=message):
        fit(model, X, y, loss="mse", optimizer=opt, validation=validation, progress=False)
    assert model.calls == 0  # refused up front: not one forward pass
    assert opt.steps == 0 and model.state_dict() == before
