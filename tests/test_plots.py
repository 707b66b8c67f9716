"""Tests for micrograd_like.viz.plots: decision boundaries, training curves, regression fits.

Figures are drawn with the Agg backend (no screen) and checked for what they hold.
"""

from __future__ import annotations

import io
import sys

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402

from micrograd_like.engine import Value, is_grad_enabled  # noqa: E402
from micrograd_like.nn import MLP  # noqa: E402
from micrograd_like.train import History  # noqa: E402
from micrograd_like.viz.plots import (  # noqa: E402
    _decision_grid,
    plot_decision_boundary,
    plot_history,
    plot_regression,
)

PNG = b"\x89PNG\r\n\x1a\n"


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


class Recorder:
    """A model x -> w . x (one output) that records how it was called."""

    def __init__(self, w: tuple[float, float] = (1.0, 0.0), outputs: int = 1) -> None:
        self.w, self.outputs, self.calls, self.graded = w, outputs, 0, []

    def __call__(self, x: list[float]) -> Value | list[Value]:
        self.calls += 1
        self.graded.append(is_grad_enabled())
        s = Value(self.w[0]) * x[0] + Value(self.w[1]) * x[1]
        return s if self.outputs == 1 else [s * float(k) for k in range(self.outputs)]


# --------------------------------------------------------------------------------------
# plot_decision_boundary
# --------------------------------------------------------------------------------------

X2 = [[-1.0, 0.5], [-0.5, -1.0], [0.7, 0.2], [1.0, -0.4]]


def test_decision_boundary_calls_the_model_once_per_grid_point_under_no_grad():
    model = Recorder()
    fig = plot_decision_boundary(model, X2, [0, 0, 1, 1], resolution=10)
    assert isinstance(fig, Figure)
    assert model.calls == 1 + 10 * 10  # one probe for the output size, then the grid
    assert not any(model.graded)  # never recording a graph
    ax = fig.axes[0]
    assert legend_texts(ax) == ["class 0", "class 1"]
    assert ax.get_title() == "decision boundary, shaded by margin"
    assert png_bytes(fig).startswith(PNG)


GX = [-1.2, -0.6, 0.0, 0.6, 1.2]  # the grid over X2's x1 range [-1, 1], 10% margins


def test_single_output_regions_follow_the_sign_with_a_linear_output():
    # score = x1 (a linear output): class 1 where x1 > 0, the labels -1/+1 are classes 0/1
    grid, point_class, names = _decision_grid(Recorder(), X2, [-1, -1, 1, 1], GX, GX, None)
    assert grid == [[0, 0, 0, 1, 1]] * 5  # every row: x1 = 0 is not > 0
    assert point_class == [0, 0, 1, 1] and names == [-1.0, 1.0]
    fig = plot_decision_boundary(Recorder(), X2, [-1, -1, 1, 1], resolution=5)
    assert legend_texts(fig.axes[0]) == ["class -1", "class 1"]


def test_single_output_regions_cut_at_one_half_after_a_sigmoid():
    # p = sigmoid(x1) > 0.5 iff x1 > 0; cut at 0 instead, every p > 0 would be class 1
    model = MLP(2, [1], output_activation="sigmoid", seed=0)
    n = model.layers[0].neurons[0]
    n.w[0].data, n.w[1].data, n.b.data = 1.0, 0.0, 0.0
    grid, _, _ = _decision_grid(model, X2, [0, 0, 1, 1], GX, GX, None)
    assert grid == [[0, 0, 0, 1, 1]] * 5
    forced, _, _ = _decision_grid(model, X2, [0, 0, 1, 1], GX, GX, 0.0)
    assert forced == [[1] * 5] * 5


def test_a_single_class_keeps_the_positive_colour_for_a_positive_label():
    _, point_class, names = _decision_grid(Recorder(), X2, [1, 1, 1, 1], GX, GX, None)
    assert names == [0.0, 1.0] and point_class == [1, 1, 1, 1]
    assert plot_decision_boundary(Recorder(), X2, [1, 1, 1, 1], resolution=4).axes


def test_multi_output_grid_is_the_argmax():
    # outputs (0 * s, 1 * s, 2 * s) with s = x1: class 2 where x1 > 0, class 0 where x1 < 0,
    # and a tie at x1 = 0 goes to the first, class 0
    grid, _, names = _decision_grid(Recorder(outputs=3), X2, [0, 1, 2, 2], GX, GX, None)
    assert grid == [[0, 0, 0, 2, 2]] * 5 and names == [0.0, 1.0, 2.0]


def test_multi_output_models_use_the_argmax():
    model = MLP(2, [8, 3], activation="tanh", output_activation="softmax", seed=1)
    X = [[-1.0, -1.0], [0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    fig = plot_decision_boundary(model, X, [0, 1, 2, 1])
    assert legend_texts(fig.axes[0]) == ["class 0", "class 1", "class 2"]
    assert png_bytes(fig).startswith(PNG)


@pytest.mark.parametrize(
    "resolution, model, batches",
    [
        # 20 x 20 = 400 points = 256 + 144
        (20, MLP(2, [3, 1], seed=0), [256, 144]),
        # the default, 120 x 120 = 14,400 points = 56 batches of 256 and one of 64, for
        # a real network (its time: benchmarks/bench_pictures.py)
        (None, MLP(2, [16, 16, 1], seed=0), [256] * 56 + [64]),
    ],
    ids=["20x20", "default-120x120"],
)
def test_an_mlp_sees_the_grid_in_batches_under_no_grad(monkeypatch, resolution, model, batches):
    seen: list[int] = []
    graded: list[bool] = []
    singles = [0]
    forward, call = MLP.forward_batch, MLP.__call__

    def batched(model, inputs):
        seen.append(len(inputs))
        graded.append(is_grad_enabled())
        return forward(model, inputs)

    def single(model, *args, **kwargs):
        singles[0] += 1
        return call(model, *args, **kwargs)

    monkeypatch.setattr(MLP, "forward_batch", batched)
    monkeypatch.setattr(MLP, "__call__", single)
    X = [[i / 10.0, (i % 7) / 7.0] for i in range(30)]
    y = [i % 2 for i in range(30)]
    options = {} if resolution is None else {"resolution": resolution}
    fig = plot_decision_boundary(model, X, y, **options)
    n = resolution or 120
    (image,) = fig.axes[0].get_images()
    assert image.get_array().shape[:2] == (n, n)
    assert seen == batches and not any(graded)  # no graph recorded
    assert singles == [1]  # one probe for the output size; never a call per point


def shade_at(fig, x: float, y: float) -> tuple[float, float, float]:
    """The background colour the decision boundary plot shows at (x, y)."""
    ax = fig.axes[0]
    (image,) = ax.get_images()
    x0, x1, y0, y1 = image.get_extent()
    rows = image.get_array()
    n_rows, n_cols = len(rows), len(rows[0])
    col = round((x - x0) / (x1 - x0) * (n_cols - 1))
    row = round((y - y0) / (y1 - y0) * (n_rows - 1))
    return tuple(rows[row][col][:3])


def test_the_shade_follows_the_margin_for_a_linear_output():
    # score = x1 (a linear output, as for the hinge loss): white at 0, full colour from 1
    fig = plot_decision_boundary(Recorder(), [[-2.0, 0.0], [2.0, 1.0]], [0, 1], resolution=41)
    # the plane runs over x1 in [-2.4, 2.4]; class 1 (blue) right of 0, class 0 (orange) left
    boundary, sure, unsure = (
        shade_at(fig, 0.0, 0.5),
        shade_at(fig, 1.8, 0.5),
        shade_at(fig, 0.3, 0.5),
    )
    assert min(boundary) > 0.97  # almost white on the boundary
    assert sure[2] > sure[0] and unsure[2] > unsure[0]  # blue side
    assert sum(sure) < sum(unsure)  # deeper where the margin is larger
    assert shade_at(fig, 1.2, 0.5) == pytest.approx(shade_at(fig, 2.2, 0.5))  # margin >= 1
    left = shade_at(fig, -1.8, 0.5)
    assert left[0] > left[2]  # orange side
    assert fig.axes[0].collections  # the boundary line and the points


def test_the_shade_follows_the_probability_after_a_sigmoid():
    model = MLP(2, [1], output_activation="sigmoid", seed=0)
    n = model.layers[0].neurons[0]
    n.w[0].data, n.w[1].data, n.b.data = 3.0, 0.0, 0.0
    fig = plot_decision_boundary(model, [[-1.0, 0.0], [1.0, 1.0]], [0, 1], resolution=31)
    assert fig.axes[0].get_title() == "decision boundary, shaded by probability"
    # p = sigmoid(3 x1): 0.5 at 0 (white); p = 0.95 at x1 = 1 is deeper than 0.73 at 1/3
    assert min(shade_at(fig, 0.0, 0.5)) > 0.97
    assert sum(shade_at(fig, 1.0, 0.5)) < sum(shade_at(fig, 1.0 / 3.0, 0.5))


def test_flat_shading_ignores_the_confidence():
    fig = plot_decision_boundary(
        Recorder(), [[-2.0, 0.0], [2.0, 1.0]], [0, 1], resolution=41, confidence=False
    )
    assert shade_at(fig, 0.3, 0.5) == pytest.approx(shade_at(fig, 2.0, 0.5))
    assert fig.axes[0].get_title() == "decision boundary"


def test_train_and_test_points_are_marked_apart():
    fig = plot_decision_boundary(
        Recorder(), X2, [0, 0, 1, 1], X_test=[[0.1, 0.1], [-0.2, 0.3]], y_test=[1, 0], resolution=5
    )
    ax = fig.axes[0]
    assert legend_texts(ax) == [
        "class 0 (train)", "class 1 (train)", "class 0 (test)", "class 1 (test)"
    ]  # fmt: skip
    markers = {c.get_label(): c.get_paths()[0].vertices.shape[0] for c in ax.collections
               if c.get_label().startswith("class")}  # fmt: skip
    assert markers["class 0 (train)"] != markers["class 0 (test)"]  # circles vs triangles
    with pytest.raises(ValueError, match="both X_test and y_test"):
        plot_decision_boundary(Recorder(), X2, [0, 0, 1, 1], X_test=[[0.0, 0.0]])
    with pytest.raises(ValueError, match="X_test and y_test must have the same length"):
        plot_decision_boundary(Recorder(), X2, [0, 0, 1, 1], X_test=[[0.0, 0.0]], y_test=[0, 1])


def test_numpy_arrays_are_accepted():
    np = pytest.importorskip("numpy")
    X = np.array(X2)
    y = np.array([0, 0, 1, 1])
    assert plot_decision_boundary(Recorder(), X, y, resolution=4).axes
    assert plot_regression(MLP(1, [1], seed=0), X[:, 0], X[:, 1], resolution=4).axes


def test_an_existing_axes_is_drawn_into():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_decision_boundary(Recorder(), X2, [0, 0, 1, 1], ax=ax, resolution=4) is fig


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: plot_decision_boundary(3, X2, [0, 0, 1, 1]), TypeError, "model must be callable"),
        (lambda: plot_decision_boundary(Recorder(), [[1.0, 2.0, 3.0]], [0]), ValueError, r"X\[0\]"),
        (lambda: plot_decision_boundary(Recorder(), [[1.0, True]], [0]), TypeError, r"X\[0\]"),
        (lambda: plot_decision_boundary(Recorder(), [[1.0, float("inf")]], [0]), ValueError, "finite"),
        (lambda: plot_decision_boundary(Recorder(), X2, [0, 1]), ValueError, "same length"),
        (lambda: plot_decision_boundary(Recorder(), X2, [0, 1, 2, 0]), ValueError, "2 classes"),
        (lambda: plot_decision_boundary(Recorder(), X2, [0, 0.5, 1, 1]), ValueError, "class labels"),
        (lambda: plot_decision_boundary(Recorder(outputs=3), X2, [0, 1, 5, 1]), ValueError, "3 outputs"),
        (lambda: plot_decision_boundary(Recorder(), [], []), ValueError, "at least one point"),
        (lambda: plot_decision_boundary(Recorder(), X2, [0, 0, 1, 1], resolution=1), ValueError, "resolution"),
        (lambda: plot_decision_boundary(Recorder(), X2, [0, 0, 1, 1], ax="ax"), TypeError, "ax must be"),
        (lambda: plot_decision_boundary(lambda x: "no", X2, [0, 0, 1, 1]), TypeError, "model must return"),
    ],
)  # fmt: skip
def test_decision_boundary_checks_its_arguments(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --------------------------------------------------------------------------------------
# plot_history
# --------------------------------------------------------------------------------------


def test_history_with_accuracy_has_two_panels_with_train_and_validation():
    history = History(
        loss=[0.9, 0.5, 0.3], accuracy=[0.5, 0.75, 0.9],
        val_loss=[1.0, 0.6, 0.5], val_accuracy=[0.4, 0.7, 0.8],
        epochs=3, loss_name="hinge",
    )  # fmt: skip
    fig = plot_history(history)
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_title() == "loss (hinge)" and acc_ax.get_title() == "accuracy"
    assert [list(line.get_ydata()) for line in loss_ax.get_lines()] == [
        [0.9, 0.5, 0.3],
        [1.0, 0.6, 0.5],
    ]
    assert list(loss_ax.get_lines()[0].get_xdata()) == [1, 2, 3]  # epochs count from 1
    assert legend_texts(acc_ax) == ["train", "validation"]
    assert png_bytes(fig).startswith(PNG)


def test_regression_history_has_only_the_loss_panel():
    fig = plot_history(History(loss=[2.0, 1.0], accuracy=[], epochs=2))
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1


def test_history_entries_that_are_none_are_skipped():
    fig = plot_history({"loss": [1.0, 0.5], "accuracy": [None, None], "val_loss": [None, 0.7]})
    (ax,) = fig.axes
    assert [list(line.get_xdata()) for line in ax.get_lines()] == [[1, 2], [2]]


def test_the_loss_axis_turns_logarithmic_past_two_decades():
    # 1.0 down to 0.005: max / min = 200 > 100, so a log axis; 1.0 to 0.02 (50x) stays linear
    wide = plot_history(History(loss=[1.0, 0.1, 0.005], epochs=3))
    assert wide.axes[0].get_yscale() == "log"
    assert wide.axes[0].get_ylabel() == "loss (log scale)"
    narrow = plot_history(History(loss=[1.0, 0.1, 0.02], epochs=3))
    assert narrow.axes[0].get_yscale() == "linear"
    assert plot_history(History(loss=[1.0, 0.5], epochs=2), log=True).axes[0].get_yscale() == "log"
    forced = plot_history(History(loss=[1.0, 0.001], epochs=2), log=False)
    assert forced.axes[0].get_yscale() == "linear"
    # a loss of 0 (a perfect hinge fit) cannot go on a log axis: linear, unless asked
    assert plot_history(History(loss=[1.0, 0.0], epochs=2)).axes[0].get_yscale() == "linear"
    with pytest.raises(ValueError, match="log=True needs positive losses"):
        plot_history(History(loss=[1.0, 0.0], epochs=2), log=True)


def test_train_and_test_curves_share_the_axes():
    history = History(loss=[0.9, 0.3], val_loss=[1.0, 0.5], epochs=2)
    (ax,) = plot_history(history, val_label="test").axes
    assert legend_texts(ax) == ["train", "test"] and len(ax.get_lines()) == 2


def test_history_checks_its_argument():
    with pytest.raises(TypeError, match="History"):
        plot_history([1.0, 0.5])
    with pytest.raises(ValueError, match="no epochs"):
        plot_history(History())
    with pytest.raises(TypeError, match=r"history.loss\[1\]"):
        plot_history({"loss": [1.0, "x"]})


# --------------------------------------------------------------------------------------
# plot_regression
# --------------------------------------------------------------------------------------


def test_regression_plots_the_points_and_the_models_curve():
    # model(x) = 2x + 1 by hand: a single linear neuron
    model = MLP(1, [1], seed=0)
    n = model.layers[0].neurons[0]
    n.w[0].data, n.b.data = 2.0, 1.0
    X, y = [0.0, 1.0, 2.0], [1.1, 2.9, 5.0]
    fig = plot_regression(model, X, y, resolution=11)
    (ax,) = fig.axes
    (curve,) = ax.get_lines()
    xs, ys = list(curve.get_xdata()), list(curve.get_ydata())
    # the curve spans [0 - 0.2, 2 + 0.2] (10% margin) on 11 points
    assert xs[0] == pytest.approx(-0.2) and xs[-1] == pytest.approx(2.2) and len(xs) == 11
    assert ys == pytest.approx([2.0 * x + 1.0 for x in xs])
    assert len(ax.collections) == 1  # the scatter of the data
    assert png_bytes(fig).startswith(PNG)
    assert n.w[0].grad == 0.0  # drawing made no graph and no gradient


def test_regression_accepts_rows_of_one_and_checks_lengths():
    model = MLP(1, [4, 1], seed=0)
    plot_regression(model, [[0.0], [1.0]], [0.0, 1.0])
    with pytest.raises(ValueError, match="same length"):
        plot_regression(model, [0.0, 1.0], [0.0])
    with pytest.raises(ValueError, match=r"X\[1\] must have 1 value"):
        plot_regression(model, [[0.0], [1.0, 2.0]], [0.0, 1.0])


# --------------------------------------------------------------------------------------
# Without matplotlib
# --------------------------------------------------------------------------------------


def test_missing_matplotlib_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'micrograd-like\[plot\]'"):
        plot_history(History(loss=[1.0], epochs=1))
    with pytest.raises(ImportError, match="matplotlib"):
        plot_regression(MLP(1, [1], seed=0), [0.0], [0.0])
