"""Tests for micrograd_like.widgets without a browser: step_widget's steps and navigation,
the Playground's training (the real fit, a chunk at a time), and its rate limit.

The worked example is micrograd's first picture (tests/expressions.py)::

    e = a * b = -6,  d = e + c = 4,  L = d * f = -8     (a=2, b=-3, c=10, f=-2)

Its backward pass has 3 steps, L then d then e, and ends at dL/da = 6, dL/db = -4.
The browser tests (tests/browser) drive the same widgets in JupyterLab.
"""

from __future__ import annotations

import io
import math
import subprocess
import sys
import time
import warnings

import pytest
from expressions import worked_example

from micrograd_like import steps as steps_module
from micrograd_like import widgets
from micrograd_like.engine import Value, no_grad
from micrograd_like.losses import get_loss
from micrograd_like.nn import MLP
from micrograd_like.optim import Adam
from micrograd_like.train import evaluate, fit
from micrograd_like.viz import HIGHLIGHT, draw_dot
from micrograd_like.viz.player import page_svg
from micrograd_like.viz.steps import StepGallery, explain
from micrograd_like.widgets import Playground, Throttle, TrainingRun, step_widget

pytest.importorskip("anywidget")
pytest.importorskip("ipywidgets")


def explain_steps(root: Value, **kw) -> list[str]:
    """explain()'s lines from its first step on, for comparing with the widget's words."""
    out = io.StringIO()
    explain(root, file=out, **kw)
    lines = out.getvalue().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("step 1/"))
    return lines[first:]


# --------------------------------------------------------------------------------------
# step_widget
# --------------------------------------------------------------------------------------


def test_step_widget_shows_explains_words_and_a_picture_per_step():
    g = worked_example()
    expected = explain_steps(worked_example()["L"])
    w = step_widget(g["L"])
    assert len(w.steps) == len(w.texts) == len(w.svgs) == 3
    assert "\n".join(w.texts).splitlines() == expected
    assert [s.node for s in w.steps] == [g["L"], g["d"], g["e"]]
    assert w.texts[2].startswith("step 3/3: e = a * b")
    for svg in w.svgs:
        assert svg.startswith("<svg") and HIGHLIGHT in svg  # the step's node is outlined
    assert (g["a"].grad, g["b"].grad) == (6.0, -4.0)  # the backward pass ran, once


def test_step_widget_navigation_stays_inside_the_steps():
    w = step_widget(worked_example()["L"])
    assert w.step == 0 and w.current is w.steps[0]
    w.previous()  # at the first step: stays
    assert w.step == 0
    w.next()
    w.next()
    w.next()  # at the last step: stays
    assert w.step == 2 and w.current is w.steps[2]
    w.go(0)
    assert w.step == 0
    w.go(-1)
    assert w.step == 2
    w.step = 10  # what the browser sends is clamped too
    assert w.step == 2
    with pytest.raises(ValueError, match="index must be in -3..2"):
        w.go(3)
    with pytest.raises(TypeError, match="index must be an int"):
        w.go("1")
    assert "3 steps" in repr(w) and "step 3/3" in repr(w)


def test_a_long_walk_sends_each_picture_when_it_is_shown():
    # tanh applied PRERENDER + 6 times: as many steps, step k at node t(n + 1 - k)
    n = widgets.PRERENDER + 6
    y = Value(0.5, label="x")
    for k in range(1, n + 1):
        y = y.tanh()
        y.label = f"t{k}"
    w = step_widget(y)
    assert len(w.steps) == n and w.svgs == [""] * n
    assert w.drawn_step == 0 and HIGHLIGHT in w.drawn
    w.go(-1)
    assert w.drawn_step == n - 1 and w.current.node.label == "t1"
    assert w.drawn == page_svg(w.graphs[-1])  # the last step's picture


def test_step_widget_with_zero_grad_false_accumulates_exactly_one_backward():
    # y = x * x at x = 3: dy/dx = 6. After one backward() x.grad = 6; one more pass
    # without zeroing makes it 12 (the words are computed without a second pass)
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    step_widget(y, zero_grad=False)
    assert x.grad == 12.0


def test_step_widget_names_parameters_as_the_picture_does():
    model = MLP(2, [1], seed=0)
    out = model([1.0, 2.0])
    w = step_widget(out, model=model)
    words = "\n".join(w.texts)
    name = "L1.N1.w1"  # layer 1, neuron 1, weight 1: what draw_dot calls layers.0.neurons.0.w.0
    assert name in words and name in w.svgs[-1]


def test_step_widget_refuses_a_leaf_and_a_non_value():
    with pytest.raises(ValueError, match="leaf"):
        step_widget(Value(1.0))
    with pytest.raises(TypeError, match="expects a Value"):
        step_widget(3.0)


def test_without_anywidget_a_one_line_hint_and_the_gallery(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "anywidget", None)  # as if not installed
    widgets._step_widget_class.cache_clear()
    g = worked_example()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a hint, not a warning
            gallery = step_widget(g["L"])
    finally:
        widgets._step_widget_class.cache_clear()
    hint = capsys.readouterr().out
    assert hint.count("\n") == 1 and "micrograd-like[notebooks]" in hint
    assert isinstance(gallery, StepGallery) and len(gallery) == 3
    assert "backward step 2/3" in gallery[1].source
    assert "step 3/3: e = a * b" in repr(gallery)
    assert gallery._repr_html_().count("<hr>") == 2
    assert g["a"].grad == 6.0


def test_without_dot_the_widget_still_shows_the_words(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    w = step_widget(worked_example()["L"])
    assert all("dot program is missing" in svg for svg in w.svgs)
    assert w.texts[0].startswith("step 1/3")


def test_steps_step_widget_is_the_widgets_one_and_imports_no_cycle():
    w = steps_module.step_widget(worked_example()["L"])
    assert type(w).__name__ == "StepWidget" and len(w.steps) == 3
    code = (
        "import sys, micrograd_like.steps; "
        "assert 'micrograd_like.widgets' not in sys.modules; "
        "import micrograd_like.widgets"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_fit_svg_scales_a_graphviz_picture_to_its_box():
    svg = '<svg width="1456pt" height="334pt"\n viewBox="0.00 0.00 1456.00 334.00">'
    fitted = widgets._fit_svg(svg)
    assert fitted.startswith('<svg width="100%" style="max-width:1456pt;height:auto')
    assert 'height="334pt"' not in fitted and 'viewBox="0.00 0.00 1456.00 334.00"' in fitted
    assert widgets._fit_svg("<p>no picture</p>") == "<p>no picture</p>"


# --------------------------------------------------------------------------------------
# TrainingRun: the real fit, a chunk at a time
# --------------------------------------------------------------------------------------


def small_run(**kw) -> TrainingRun:
    options = {"hidden": (3,), "n_samples": 40, "seed": 1, **kw}
    return TrainingRun(**options)


def test_chunks_train_exactly_as_one_fit_call():
    run = small_run()
    run.chunk(3)
    run.chunk(4)
    # the same model and data trained by one fit() of 7 epochs, with its own Adam
    twin = MLP(2, [3, 1], activation="tanh", seed=1)
    history = fit(
        twin,
        run.X_train,
        run.y_train,
        loss="binary_cross_entropy_with_logits",
        optimizer=Adam(twin.parameters(), lr=0.01),
        epochs=7,
        validation=(run.X_test, run.y_test),
        progress=False,
    )
    assert run.epoch == 7
    assert [p.data for p in run.model.parameters()] == [p.data for p in twin.parameters()]
    assert run.train_loss[1:] == history.loss and run.test_loss[1:] == history.val_loss


def test_epoch_zero_is_measured_before_training_and_the_loss_goes_down():
    run = small_run(hidden=(4, 4), n_samples=60)
    loss = "binary_cross_entropy_with_logits"
    assert run.train_loss == [evaluate(run.model, run.X_train, run.y_train, loss).loss]
    assert len(run.test_loss) == 1
    run.chunk(60)
    assert len(run.train_loss) == 61 and run.train_loss[-1] < run.train_loss[0]
    assert run.test_accuracy is not None and 0.0 <= run.test_accuracy <= 1.0


@pytest.mark.parametrize(
    "loss, labels",
    [("binary_cross_entropy_with_logits", {0, 1}), ("hinge", {-1, 1}), ("mse", {-1, 1})],
)
def test_labels_follow_the_loss(loss, labels):
    run = small_run(loss=loss)
    assert set(run.y_train + run.y_test) == labels


@pytest.mark.parametrize("dataset", sorted(widgets.DATASETS))
def test_every_dataset_gives_two_classes_in_the_plane(dataset):
    run = small_run(dataset=dataset)
    assert len(run.X_train) + len(run.X_test) == 40
    assert all(len(p) == 2 for p in run.X_train) and set(run.y_train) == {0, 1}


def test_confidence_is_the_probability_or_the_clipped_margin():
    # logistic: sigmoid(0) = 0.5, sigmoid(ln 3) = 3/4; hinge: (clip(s, -1, 1) + 1) / 2
    logistic, hinge = small_run(), small_run(loss="hinge")
    assert logistic.confidence(0.0) == 0.5
    assert logistic.confidence(math.log(3.0)) == pytest.approx(0.75)
    assert logistic.confidence(-1000.0) == 0.0
    assert [hinge.confidence(s) for s in (-3.0, -0.5, 0.0, 0.5, 3.0)] == [0, 0.25, 0.5, 0.75, 1]


def test_set_lr_changes_the_optimizers_rate_and_keeps_the_weights():
    run = small_run()
    weights = [p.data for p in run.model.parameters()]
    run.set_lr(0.5)
    assert run.opt.lr == 0.5 and [p.data for p in run.model.parameters()] == weights
    with pytest.raises(ValueError, match="lr"):
        run.set_lr(0.0)


def test_point_loss_grads_match_finite_differences():
    run = small_run()
    index = 3
    loss = run.point_loss(index)
    assert loss.label == "L"
    x, y = run.X_train[index], run.y_train[index]
    fn = get_loss(run.loss)

    def value() -> float:
        with no_grad():
            return fn([run.model(x)], [y]).data

    eps = 1e-6
    for p in run.model.parameters():
        analytic = p.grad
        p.data += eps
        up = value()
        p.data -= 2 * eps
        down = value()
        p.data += eps
        assert analytic == pytest.approx((up - down) / (2 * eps), rel=1e-4, abs=1e-7)
    with pytest.raises(ValueError, match="training points"):
        run.point_loss(len(run.X_train))


def test_a_diverging_run_stops_and_says_why():
    run = small_run(loss="mse", optimizer="sgd", lr=10.0, hidden=(16, 16), activation="relu")
    for _ in range(20):
        run.chunk(5)
        if run.diverged:
            break
    assert run.diverged is not None and "smaller learning rate" in run.diverged
    epoch = run.epoch
    run.chunk(5)  # a diverged run trains no more
    assert run.epoch == epoch
    assert all(math.isfinite(p.data) for p in run.model.parameters())


@pytest.mark.parametrize(
    "kw, error, match",
    [
        ({"dataset": "spirals"}, ValueError, "dataset must be one of moons"),
        ({"hidden": "8, x"}, ValueError, "layer sizes like '8, 8'"),
        ({"hidden": (0,)}, ValueError, "1..64"),
        ({"hidden": 8}, TypeError, "hidden must be layer sizes"),
        ({"activation": "linear"}, ValueError, "activation must be one of"),
        ({"loss": "cross_entropy"}, ValueError, "loss must be one of"),
        ({"optimizer": "rmsprop"}, ValueError, "optimizer must be one of"),
        ({"lr": "fast"}, TypeError, "lr must be a number"),
        ({"noise": 2.0}, ValueError, "noise must be in"),
        ({"n_samples": 3}, ValueError, "n_samples must be >= 10"),
    ],
)
def test_bad_settings_are_refused_by_name(kw, error, match):
    with pytest.raises(error, match=match):
        small_run(**kw)


def test_hidden_layers_may_be_given_as_text():
    assert small_run(hidden="5, 2").hidden == (5, 2)
    assert small_run(hidden="").model.nouts == [1]  # no hidden layer: logistic regression


# --------------------------------------------------------------------------------------
# Throttle: the bounded redraw rate
# --------------------------------------------------------------------------------------


def test_throttle_lets_one_event_through_per_interval():
    times = iter([0.0, 0.2, 0.49, 0.5, 0.6, 1.2, 1.3])
    t = Throttle(0.5, clock=lambda: next(times))
    assert [t.ready() for _ in range(7)] == [True, False, False, True, False, True, False]
    with pytest.raises(ValueError, match="interval"):
        Throttle(-1.0)


# --------------------------------------------------------------------------------------
# Playground, without a browser
# --------------------------------------------------------------------------------------


def small_playground(**kw) -> Playground:
    options = {"hidden": (3,), "n_samples": 40, "seed": 1, **kw}
    return Playground(**options)


def wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.02)


def test_playground_draws_every_panel():
    pg = small_playground()
    assert bytes(pg.boundary.value).startswith(b"\x89PNG")
    assert bytes(pg.curves.value).startswith(b"\x89PNG")
    assert "<svg" in pg.network.value and "<svg" in pg.graph.value
    assert "class='mgl-epoch'>0<" in pg.status.value
    assert pg.point.max == len(pg.run.X_train) - 1
    assert pg.buttons["pause"].disabled and not pg.buttons["play"].disabled


def test_playground_controls_show_the_values_it_trains_with():
    # values outside the sliders' usual ranges widen the ranges instead of being clipped
    pg = small_playground(noise=0.8, lr=3.0)
    assert pg.controls["noise"].value == 0.8 and pg.run.noise == 0.8
    assert pg.controls["lr"].value == pytest.approx(3.0) and pg.run.lr == 3.0


def test_step_trains_one_chunk_and_redraws():
    pg = small_playground(epochs_per_chunk=3)
    before = bytes(pg.boundary.value)
    pg.step()
    assert pg.run.epoch == 3 and "class='mgl-epoch'>3<" in pg.status.value
    assert bytes(pg.boundary.value) != before


def test_play_trains_in_a_thread_and_pause_stops_it():
    pg = small_playground(epochs_per_chunk=1, fps=10.0)
    pg.play()
    assert pg.running and pg.buttons["play"].disabled and not pg.buttons["pause"].disabled
    wait_until(lambda: pg.run.epoch >= 5)
    pg.pause()
    assert not pg.running and not pg.buttons["play"].disabled
    stopped = pg.run.epoch
    time.sleep(0.3)
    assert pg.run.epoch == stopped
    assert f"class='mgl-epoch'>{stopped}<" in pg.status.value  # the last frame shows it


def test_playing_redraws_at_a_bounded_rate(monkeypatch):
    frames: list[float] = []
    draw = widgets.BoundaryPicture.png

    def counted(*args, **kw):
        frames.append(time.monotonic())
        return draw(*args, **kw)

    monkeypatch.setattr(widgets.BoundaryPicture, "png", counted)
    pg = small_playground(epochs_per_chunk=1, fps=2.0)  # at most a frame per 0.5 s
    frames.clear()
    pg.play()
    wait_until(lambda: pg.run.epoch >= 30)
    started = time.monotonic()
    time.sleep(1.2)
    pg.pause()
    chunks = pg.run.epoch
    during = [t for t in frames if started <= t]
    # 1.2 s at 2 frames a second: at most 3 frames, plus the one pause draws at the end
    assert len(during) <= 4 and chunks > len(frames)
    assert all(b - a >= 0.49 for a, b in zip(frames[:-2], frames[1:-1]))


def test_playground_stops_at_max_epochs():
    pg = small_playground(epochs_per_chunk=2, max_epochs=6)
    pg.play()
    wait_until(lambda: not pg.running)
    assert pg.run.epoch == 6 and "max_epochs=6" in pg.status.value


def test_controls_start_over_except_the_learning_rate():
    pg = small_playground()
    pg.step()
    pg.controls["lr"].value = 0.1  # applies from the next step, keeps the weights
    assert pg.run.epoch > 0 and pg.run.opt.lr == pytest.approx(0.1)
    pg.controls["dataset"].value = "xor"
    assert pg.run.dataset == "xor" and pg.run.epoch == 0
    pg.controls["hidden"].value = "2, 2"
    assert pg.run.model.nouts == [2, 2, 1]
    pg.controls["hidden"].value = "2, x"  # refused: the status says why, the run stays
    assert "layer sizes" in pg.status.value and pg.run.model.nouts == [2, 2, 1]


def test_network_panel_uses_heatmaps_where_draw_network_has_them(monkeypatch):
    run = small_run()
    calls = []

    def with_heatmaps(mlp, x=None, precision=3, heatmaps=False):
        calls.append(heatmaps)
        return draw_dot(Value(1.0) * 2.0)

    def without(mlp, x=None, precision=3):
        calls.append(None)
        return draw_dot(Value(1.0) * 2.0)

    monkeypatch.setattr(widgets.playground, "draw_network", with_heatmaps)
    widgets.network_svg(run, 0)
    monkeypatch.setattr(widgets.playground, "draw_network", without)
    widgets.network_svg(run, 0)
    assert calls == [True, None]
