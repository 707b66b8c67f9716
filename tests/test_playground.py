"""The Playground without a browser: its numbers, its settings, and every control.

The page draws what Python sends; these tests check what Python sends and what each
control does to the run, through the same messages the page sends
(``{"kind": "set", "name": ..., "value": ...}`` and the buttons' kinds). The browser
tests (tests/browser/test_playground_in_lab.py) drive the same controls in JupyterLab.

The worked example for the numbers: the frame's pictures and losses are computed with
numpy from the weights, and must be the engine's own numbers at the same points, to
1e-12.
"""

from __future__ import annotations

import ast
import math
import random
import threading
from pathlib import Path
from typing import Any

import pytest
from bounds import HANG, wait_for

from micrograd_like.engine import Value, no_grad
from micrograd_like.evaluation import evaluate
from micrograd_like.losses import get_loss
from micrograd_like.nn import ACTIVATIONS, MLP
from micrograd_like.optim import SGD, Adam
from micrograd_like.train import fit

np = pytest.importorskip("numpy")
pytest.importorskip("anywidget")

from micrograd_like.widgets import Playground, Settings, TrainingRun, grids  # noqa: E402
from micrograd_like.widgets.playground import GRID, frame, menus, palette  # noqa: E402
from micrograd_like.widgets.run import DATASETS, FEATURES, problem_of  # noqa: E402

PACKAGE = Path(__file__).resolve().parents[1] / "micrograd_like"


def small(**choices: Any) -> dict[str, Any]:
    return {"n_samples": 40, "hidden": (3,), **choices}


class Page:
    """What the page receives (the frames) and how it talks (the messages)."""

    def __init__(self, pg: Playground) -> None:
        self.pg, self.frames = pg, []
        pg.widget.send = lambda content, buffers=None: self.frames.append((content, buffers))

    def __call__(self, kind: str, **content: Any) -> None:
        self.pg._on_message(self.pg.widget, {"kind": kind, **content}, [])

    def set(self, name: str, value: Any) -> None:
        self("set", name=name, value=value)


@pytest.fixture
def page() -> Page:
    return Page(Playground(**small()))


def weights(model: MLP) -> list[float]:
    return [p.data for p in model.parameters()]


# --------------------------------------------------------------------------------------
# The numbers of a frame are the engine's
# --------------------------------------------------------------------------------------

POINTS = [[-1.2, 0.7], [0.0, 0.0], [2.1, -0.4], [0.3, 1.9]]


def engine_columns(model: MLP, inputs: list[float]) -> list[list[float]]:
    """Each layer's values for one input, by the engine (no graph recorded)."""
    out, xs = [], [Value(v) for v in inputs]
    with no_grad():
        for layer in model.layers:
            ys = layer(xs)
            xs = ys if isinstance(ys, list) else [ys]
            out.append([v.data for v in xs])
    return out


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("features", [("x1", "x2"), FEATURES], ids=["x1-x2", "all-seven"])
def test_every_neurons_value_is_the_engines_to_1e_12(activation, features):
    run = TrainingRun(**small(features=features, hidden=(4, 3), activation=activation))
    run.chunk(2)  # weights away from where they started
    net = run.snapshot()
    F = grids.features(POINTS, features)
    columns = net.layers(F)[1:]
    for p, row in enumerate(F.tolist()):
        for c, values in enumerate(engine_columns(run.model, row)):
            for j, value in enumerate(values):
                assert abs(columns[c][p, j] - value) <= 1e-12, (c, j, p)


def test_the_features_are_tf_playgrounds():
    # at (2, 3): x1 = 2, x2 = 3, x1^2 = 4, x2^2 = 9, x1*x2 = 6, sin 2, sin 3
    row = grids.features([[2.0, 3.0]], FEATURES)[0].tolist()
    assert row == [2.0, 3.0, 4.0, 9.0, 6.0, math.sin(2.0), math.sin(3.0)]
    assert tuple(grids.FEATURES) == FEATURES  # one list of names, one formula each


@pytest.mark.parametrize(
    "choices",
    [
        {},
        {"loss": "hinge", "regularization": "L1", "reg_rate": 0.01},
        {"loss": "mse", "batch_size": None},
        {"problem": "regression", "dataset": "multi_gaussian"},
    ],
    ids=["logistic", "hinge-L1", "mse-full-batch", "regression"],
)
def test_the_loss_curves_are_the_engines_data_loss_after_each_epoch(choices):
    run = TrainingRun(**small(**choices))
    run.chunk(3)
    assert len(run.train_loss) == len(run.test_loss) == 4  # before training, then 3 epochs
    loss = run.settings.loss
    assert (
        abs(run.train_loss[-1] - evaluate(run.model, run.F_train, run.y_train, loss).loss) < 1e-12
    )
    assert abs(run.test_loss[-1] - evaluate(run.model, run.F_test, run.y_test, loss).loss) < 1e-12


def test_a_frames_output_picture_is_the_engines_output_at_each_grid_point():
    run = TrainingRun(**small())
    run.chunk(3)
    message, (pictures, features) = frame(run, full=True)
    cell = GRID * GRID
    assert message["sizes"] == [2, 3, 1] and len(pictures) == cell * (3 + 1)
    assert len(features) == cell * len(FEATURES)
    plane = grids.plane(run.extent, GRID)
    for k in (0, 17, cell // 2, cell - 1):  # pixels of the output's picture (the last)
        (score,) = engine_columns(run.model, plane[k].tolist())[-1]
        p = 1.0 / (1.0 + math.exp(-score))  # the logistic loss: shown as 2p - 1
        assert pictures[3 * cell + k] == round((2 * p - 1 + 1) * 127.5)
    assert message["train_loss"] == run.train_loss and message["epoch"] == 3
    assert len(message["points"]["train"]) == len(run.X_train)


def test_pictures_are_bytes_from_minus_one_to_one():
    assert list(grids.to_bytes(np.array([-1.0, 0.0, 1.0, 5.0, np.nan]))) == [0, 128, 255, 255, 128]


# --------------------------------------------------------------------------------------
# Settings and the shared state string
# --------------------------------------------------------------------------------------


def test_the_state_string_rebuilds_the_same_run():
    pg = Playground(**small(dataset="xor", features=("x1", "x2", "x1*x2"), hidden=(5, 2),
                            activation="relu", optimizer="adam", lr=0.01, weight_seed=4))  # fmt: skip
    twin = Playground.from_state(pg.state)
    assert twin.settings == pg.settings
    assert twin.run.X_train == pg.run.X_train and weights(twin.run.model) == weights(pg.run.model)
    pg.run.chunk(5)
    twin.run.chunk(5)
    assert weights(twin.run.model) == weights(pg.run.model)  # trained alike, to the bit
    assert Settings.from_state("#" + pg.state) == pg.settings  # as copied from a URL


@pytest.mark.parametrize(
    "state, match",
    [
        ("colour=red", "unknown setting 'colour'"),
        ("hidden=4,x", "layer sizes like"),
        ("lr=fast", "lr='fast' is not a valid value"),
        ("discretize=yes", "discretize='yes'"),
        ("dataset=plane", "unknown dataset 'plane'; valid: moons, circles"),
        ("problem=regression&loss=hinge", "unknown loss 'hinge'; valid: mse"),
    ],
)
def test_a_bad_state_string_is_refused_by_name(state, match):
    with pytest.raises(ValueError, match=match):
        Settings.from_state(state)


def test_a_new_problem_takes_its_own_dataset_and_loss():
    s = Settings(loss="hinge").changed("problem", "regression")
    assert (s.dataset, s.loss) == ("plane", "mse")
    assert Settings().dataset == "moons" and Settings(problem="regression").dataset == "plane"


@pytest.mark.parametrize(
    "choices, error, match",
    [
        ({"features": ()}, ValueError, "features must be one or more"),
        ({"features": ("x3",)}, ValueError, "unknown feature 'x3'"),
        ({"hidden": (9,)}, ValueError, "between 1 and 8"),
        ({"hidden": (1,) * 7}, ValueError, "at most 6 hidden layers"),
        ({"train_ratio": 0.95}, ValueError, "train_ratio must be in"),
        ({"noise": "a lot"}, TypeError, "noise must be a number"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"optimizer": "rmsprop"}, ValueError, "unknown optimizer 'rmsprop'"),
        ({"regularization": "L3"}, ValueError, "unknown regularization 'L3'"),
        ({"show_test": 1}, TypeError, "show_test must be True or False"),
    ],
)
def test_bad_settings_are_refused_by_name(choices, error, match):
    with pytest.raises(error, match=match):
        Settings(**choices)


# --------------------------------------------------------------------------------------
# The training run
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_chunks_train_exactly_as_one_fit_call(optimizer):
    run = TrainingRun(**small(optimizer=optimizer, weight_seed=3))
    run.chunk(3)
    run.chunk(4)
    twin = MLP(2, [3, 1], activation="tanh", seed=3)
    make = {"sgd": SGD, "momentum": lambda p, lr: SGD(p, lr, momentum=0.9), "adam": Adam}
    fit(twin, run.F_train, run.y_train, loss="binary_cross_entropy_with_logits",
        optimizer=make[optimizer](twin.parameters(), lr=0.03), epochs=7, batch_size=10,
        seed=random.Random(3), progress=False)  # fmt: skip
    assert run.epoch == 7 and weights(run.model) == weights(twin)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_gives_points_in_the_plane_and_labels_for_its_problem(name):
    problem = problem_of(name)
    run = TrainingRun(**small(problem=problem, dataset=name))
    assert len(run.X_train) + len(run.X_test) == 40 and len(run.X_train) == 20
    if problem == "classification":
        assert set(run.y_train + run.y_test) == {0, 1}
    else:
        assert all(isinstance(t, float) and -1.0 <= t <= 1.0 for t in run.y_train)


def test_the_penalties_are_rate_times_the_weights_sizes():
    # one weight w = 0.5 (and a bias, not penalized), rate 0.1: L1 adds 0.1 * |w| = 0.05,
    # L2 adds 0.1 * w**2 = 0.025 to the data loss
    for kind, extra in (("L1", 0.05), ("L2", 0.025)):
        run = TrainingRun(**small(features=("x1",), hidden=(), regularization=kind, reg_rate=0.1))
        neuron = run.model.layers[0].neurons[0]
        neuron.w[0].data = -0.5
        outs = [run.model(x) for x in run.F_train]
        data = get_loss(run.settings.loss)(outs, run.y_train).data
        assert run._loss(outs, run.y_train).data == pytest.approx(data + extra, abs=1e-15)


def test_point_loss_grads_match_finite_differences_on_a_copy():
    run = TrainingRun(**small())
    before = [p.grad for p in run.model.parameters()]
    loss, model = run.point_loss(3)
    assert loss.label == "L" and [p.grad for p in run.model.parameters()] == before
    x, y = run.F_train[3], run.y_train[3]
    fn = get_loss(run.settings.loss)
    for p in model.parameters():
        analytic, eps = p.grad, 1e-6
        p.data += eps
        with no_grad():
            up = fn([model(x)], [y]).data
        p.data -= 2 * eps
        with no_grad():
            down = fn([model(x)], [y]).data
        p.data += eps
        assert analytic == pytest.approx((up - down) / (2 * eps), rel=1e-4, abs=1e-7)
    with pytest.raises(ValueError, match="test points"):
        run.point_loss(len(run.X_test), "test")


def test_a_diverging_run_stops_and_says_why():
    run = TrainingRun(
        **small(loss="mse", lr=10.0, hidden=(8, 8), activation="relu", batch_size=None)
    )
    for _ in range(50):
        run.chunk(5)
        if run.diverged:
            break
    assert run.diverged is not None and "smaller learning rate" in run.diverged
    epoch = run.epoch
    run.chunk(5)  # a diverged run trains no more
    assert run.epoch == epoch and all(math.isfinite(v) for v in weights(run.model))


# --------------------------------------------------------------------------------------
# Every control, through the page's messages
# --------------------------------------------------------------------------------------


def test_hello_gets_a_full_frame_and_the_page_gets_the_menus_and_colours(page):
    page("hello")
    message, buffers = page.frames[-1]
    assert message["full"] and "points" in message and len(buffers) == 2
    assert page.pg.widget.choices == menus() and page.pg.widget.palette == palette()
    assert page.pg.widget.settings["hidden"] == [3] and page.pg.widget.state == page.pg.state


@pytest.mark.parametrize(
    "name, value, check",
    [
        ("dataset", "two_spirals", lambda r: r.settings.dataset == "two_spirals"),
        ("problem", "regression", lambda r: isinstance(r.y_train[0], float)),
        ("noise", 0.4, lambda r: r.settings.noise == 0.4),
        ("train_ratio", 0.8, lambda r: len(r.X_train) == 32),
        ("batch_size", 5, lambda r: r.settings.batch_size == 5),
        ("features", ["x1", "sin(x2)", "x1^2"], lambda r: r.model.nin == 3),
        ("hidden", [3, 2], lambda r: r.model.nouts == [3, 2, 1]),  # the + for layers
        ("hidden", [], lambda r: r.model.nouts == [1]),  # the - for layers
        ("hidden", [5], lambda r: r.model.nouts == [5, 1]),  # a layer's + for neurons
        ("activation", "relu", lambda r: r.model.activation == "relu"),
        ("loss", "hinge", lambda r: set(r.y_train) <= {-1, 1}),
        ("optimizer", "momentum", lambda r: r.opt.momentum == 0.9),
        ("optimizer", "adam", lambda r: isinstance(r.opt, Adam)),
        ("regularization", "L2", lambda r: r.settings.regularization == "L2"),
        ("reg_rate", 0.3, lambda r: r.settings.reg_rate == 0.3),
    ],
)
def test_each_setting_starts_a_new_run_with_it(page, name, value, check):
    page.pg.run.chunk(2)
    before = page.pg.run
    page.set(name, value)
    assert page.pg.widget.error == ""
    run = page.pg.run
    assert run is not before and run.epoch == 0 and check(run)
    message, _ = page.frames[-1]
    assert message["full"] and message["epoch"] == 0  # the page is told at once
    assert page.pg.widget.state == run.settings.to_state()


def test_the_learning_rate_changes_the_run_as_it_goes(page):
    page.pg.run.chunk(2)
    kept = weights(page.pg.run.model)
    page.set("lr", 0.3)
    assert (
        page.pg.run.epoch == 2 and page.pg.run.opt.lr == 0.3 and weights(page.pg.run.model) == kept
    )
    assert "lr=0.3" in page.pg.widget.state


@pytest.mark.parametrize("name", ["discretize", "show_test"])
def test_the_view_options_change_only_the_picture(page, name):
    page.pg.run.chunk(2)
    page.set(name, True)
    assert getattr(page.pg.settings, name) is True and page.pg.run.epoch == 2
    assert page.pg.widget.settings[name] is True


def test_regularization_changes_how_it_trains():
    runs = [TrainingRun(**small(regularization=kind, reg_rate=0.1)) for kind in REG]
    for run in runs:
        run.chunk(3)
    final = [weights(run.model) for run in runs]
    assert final[0] != final[1] != final[2] != final[0]


REG = ("none", "L1", "L2")


def test_a_bad_value_from_the_page_is_shown_and_changes_nothing(page):
    run = page.pg.run
    page.set("features", [])
    assert "features must be one or more" in page.pg.widget.error and page.pg.run is run
    page("jump")
    assert "unknown kind 'jump'" in page.pg.widget.error


def test_regenerate_makes_new_data_from_the_same_dataset(page):
    before = page.pg.run
    page("regenerate")
    run = page.pg.run
    assert run.settings.data_seed == before.settings.data_seed + 1 and run.X_train != before.X_train
    assert run.settings.dataset == before.settings.dataset
    assert weights(run.model) == weights(before.model)  # the same first weights


def test_new_weights_keeps_the_data(page):
    before = page.pg.run
    page("new_weights")
    run = page.pg.run
    assert weights(run.model) != weights(before.model) and run.X_train == before.X_train


def test_reset_goes_back_to_epoch_0_and_the_same_first_weights(page):
    first = weights(page.pg.run.model)
    page("step")
    page("step")
    assert page.pg.run.epoch == 2 and weights(page.pg.run.model) != first
    page("reset")
    assert page.pg.run.epoch == 0 and weights(page.pg.run.model) == first


def test_step_trains_one_epoch_and_sends_its_losses(page):
    page("hello")
    page("step")
    message, _ = page.frames[-1]
    assert message["epoch"] == 1 and message["start"] == 1 and len(message["train_loss"]) == 1


def test_clicking_a_weight_sets_it_and_the_frame_shows_it(page):
    page("weight", name="L1.N2.w1", value=0.75)
    assert page.pg.run.model.layers[0].neurons[1].w[0].data == 0.75
    assert page.frames[-1][0]["weights"][0][1][0] == 0.75
    page("weight", name="L2.N1.b", value=-0.5)
    assert page.pg.run.model.layers[1].neurons[0].b.data == -0.5
    page("weight", name="L3.N1.w1", value=1.0)
    assert "no parameter L3.N1.w1" in page.pg.widget.error


def test_clicking_a_point_steps_through_its_loss_in_a_step_widget(page):
    page("point", subset="test", index=2)
    wait_for(lambda: page.pg.widget.point_graph is not None, "the point's graph")
    graph = page.pg.widget.point_graph
    assert type(graph).__name__ == "StepWidget" and graph.steps[0].node.label == "L"
    assert "test point 2" in page.pg.widget.point_title
    page("close_point")
    assert page.pg.widget.point_graph is None


def training_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "playground"]


def test_play_trains_in_a_thread_and_pause_stops_it(page):
    page("play")
    epochs = lambda: page.pg.run.epoch  # noqa: E731
    wait_for(lambda: epochs() >= 5, "5 epochs while playing", progress=epochs)
    assert page.pg.widget.running and training_threads()
    page("pause")
    # pause returns once the thread has ended: nothing can train any more, and the
    # page was sent the frame of the last epoch
    assert not page.pg.running and not page.pg.widget.running and not training_threads()
    assert page.frames[-1][0]["epoch"] == page.pg.run.epoch


def test_playing_stops_at_max_epochs():
    pg = Playground(**small(), max_epochs=6)
    Page(pg)
    pg.play()
    wait_for(lambda: not pg.running, "the end at max_epochs", progress=lambda: pg.run.epoch)
    assert pg.run.epoch == 6 and not pg.widget.running


# --------------------------------------------------------------------------------------
# One widget framework
# --------------------------------------------------------------------------------------


def test_no_module_of_ours_uses_ipywidgets_directly():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "ipywidgets" for n in names), path
    assert "anywidget" in (PACKAGE / "widgets" / "playground.py").read_text()


def test_the_training_run_imports_and_trains_without_any_widget_library():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "for name in ('anywidget', 'ipywidgets', 'traitlets', 'matplotlib'):\n"
        "    sys.modules[name] = None  # importing it now raises ImportError\n"
        "from micrograd_like.widgets.run import TrainingRun\n"
        "run = TrainingRun(n_samples=20)\n"
        "run.chunk(2)\n"
        "assert run.epoch == 2 and len(run.train_loss) == 3\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG
    )
    assert result.returncode == 0, result.stderr


NO_PICTURES = """
import subprocess, sys, time
sys.modules["matplotlib"] = None  # importing it raises ImportError
start = subprocess.Popen.__init__


def no_dot(self, args, *more, **options):
    assert "dot" not in str(args), "Graphviz ran while the Playground played"
    start(self, args, *more, **options)


subprocess.Popen.__init__ = no_dot
from micrograd_like.widgets import Playground

pg = Playground(n_samples=40)
sent = []
pg.widget.send = lambda content, buffers=None: sent.append(content)
pg.play()
seen, moved = pg.run.epoch, time.monotonic()
while pg.run.epoch < 10:  # a slow machine takes longer; only a stuck run fails
    if pg.run.epoch != seen:
        seen, moved = pg.run.epoch, time.monotonic()
    assert time.monotonic() - moved < {hang}, f"stuck at epoch {{seen}} for {hang} s"
    time.sleep(0.02)
pg.pause()
assert len(sent) >= 10 and sent[-1]["epoch"] == pg.run.epoch
"""


def test_matplotlib_and_graphviz_stay_off_the_frame_path():
    import subprocess
    import sys

    code = NO_PICTURES.format(hang=HANG)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=10 * HANG
    )
    assert result.returncode == 0, result.stderr
