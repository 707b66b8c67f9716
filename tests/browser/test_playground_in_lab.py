"""The Playground in JupyterLab in headless Chromium at 1280 x 900: every control, through
the page.

The module's page (conftest.playground_page) runs ``pg = Playground()``. Each test uses a
control in the page as a learner would (a click, a menu, a slider, the mouse) and then
asks the kernel what the run is now (:func:`python`), so a control counts only if it
changed the run in Python. These tests check behaviour, never speed: every wait is for a
condition, and a wait for epochs gives up only when no epoch has come for two minutes, so
they pass on a busy machine. Screenshots of every dataset and of a point's graph go to
build/browser/.
"""

from __future__ import annotations

from typing import Any

import pytest
from bounds import HANG, wait_for

from .in_page import RUN, TRAINING_THREADS, python, screenshot


def setting(page: Any, name: str) -> Any:
    return python(page, f"pg.settings.{name}")


def picture(pg: Any) -> str:
    """The big output picture, as its pixels' data URL."""
    return pg.locator(".mgl-pg-heat").evaluate("c => c.toDataURL()")


def epoch(pg: Any) -> int:
    return int(pg.get_attribute("data-epoch") or -1)


@pytest.fixture(scope="module")
def pg(playground_page: Any) -> Any:
    page = playground_page
    root = page.locator(".mgl-pg").first
    root.wait_for(state="visible", timeout=120_000)
    wait_for(lambda: frames(root) > 0, "the first frame")
    return root


def frames(pg: Any) -> int:
    return int(pg.get_attribute("data-frames") or 0)


def restart_with(pg: Any, **settings: Any) -> None:
    """From Python: a fresh run with these settings (so that a test starts where it says)."""
    shown = frames(pg)
    code = f"from micrograd_like.widgets import Settings\npg.settings = Settings(**{settings!r})"
    assert pg.page.evaluate(RUN, code) == ""
    wait_for(lambda: frames(pg) > shown and epoch(pg) == 0, "the new run in the page")


def played_until(pg: Any, epochs: int) -> None:
    """Play, and wait until the page shows ``epochs`` epochs (however slowly they come)."""
    pg.locator(".mgl-pg-play").click()
    wait_for(lambda: epoch(pg) >= epochs, f"{epochs} epochs shown", progress=lambda: epoch(pg))


def paused(pg: Any) -> None:
    """Pause, and wait until the thread has ended and the page shows the last epoch."""
    if python(pg.page, "pg.running"):
        pg.locator(".mgl-pg-play").click()
    wait_for(lambda: not python(pg.page, "pg.running"), "pause to stop the thread")
    assert python(pg.page, TRAINING_THREADS) == [], "a training thread is still alive"
    stopped = python(pg.page, "pg.run.epoch")
    wait_for(lambda: epoch(pg) == stopped, "the last frame in the page")


# --------------------------------------------------------------------------------------
# One screen, drawn while it plays
# --------------------------------------------------------------------------------------


def test_the_view_fits_one_screen_laid_out_as_tf_playground(pg):
    box = pg.bounding_box()
    assert box["height"] <= 1000 and box["x"] + box["width"] <= 1280, box
    data, net, out = (pg.locator(f".mgl-pg-{c}").bounding_box() for c in ("data", "net", "out"))
    assert data["x"] < net["x"] < out["x"]  # data and features | network | output
    assert abs(data["y"] - out["y"]) < 5 and pg.locator(".mgl-pg-chart").is_visible()
    screenshot(pg, "playground_start.png")


def test_the_picture_changes_while_it_plays_and_pause_stops_it(pg):
    restart_with(pg)
    before, start = picture(pg), python(pg.page, "pg.run.epoch")
    played_until(pg, 30)
    wait_for(lambda: picture(pg) != before, "the output picture to change")
    assert python(pg.page, "pg.running") and python(pg.page, "pg.run.epoch") > start
    paused(pg)  # the thread has ended: nothing trains any more
    stopped = python(pg.page, "pg.run.epoch")
    assert python(pg.page, "pg.run.epoch") == stopped == epoch(pg), "it went on after pause"
    screenshot(pg, "playground_trained.png")


def test_step_trains_one_epoch_and_reset_goes_back_to_the_same_start(pg):
    restart_with(pg)
    first = python(pg.page, "[p.data for p in pg.run.model.parameters()]")
    pg.locator(".mgl-pg-step").click()
    wait_for(lambda: epoch(pg) == 1, "one epoch after step")
    assert python(pg.page, "[p.data for p in pg.run.model.parameters()]") != first
    pg.locator(".mgl-pg-reset").click()
    wait_for(lambda: epoch(pg) == 0, "epoch 0 after reset")
    assert python(pg.page, "[p.data for p in pg.run.model.parameters()]") == first


def test_new_weights_draws_other_first_weights_on_the_same_data(pg):
    restart_with(pg)
    data = python(pg.page, "pg.run.X_train")
    links = pg.locator(".mgl-pg-link").evaluate_all("ps => ps.map(p => p.dataset.value)")
    pg.locator(".mgl-pg-new-weights").click()
    wait_for(lambda: setting(pg.page, "weight_seed") == 1, "weight_seed 1")
    wait_for(
        lambda: (
            pg.locator(".mgl-pg-link").evaluate_all("ps => ps.map(p => p.dataset.value)") != links
        ),
        "the links to show the new weights",
    )
    assert python(pg.page, "pg.run.X_train") == data


# --------------------------------------------------------------------------------------
# The menus, the sliders, the datasets, the features, the layers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "menu, value, name, expected",
    [
        ("lr", "0.3", "lr", 0.3),
        ("activation", "relu", "activation", "relu"),
        ("regularization", "L1", "regularization", "L1"),
        ("reg-rate", "0.01", "reg_rate", 0.01),
        ("loss", "hinge", "loss", "hinge"),
        ("optimizer", "momentum", "optimizer", "momentum"),
        ("optimizer", "adam", "optimizer", "adam"),
        ("problem", "regression", "problem", "regression"),
    ],
)
def test_each_menu_changes_the_run(pg, menu, value, name, expected):
    restart_with(pg)
    pg.locator(f"select.mgl-pg-{menu}").select_option(value)
    wait_for(lambda: setting(pg.page, name) == expected, f"{name} = {expected!r} in the kernel")
    assert f"{name}={value}" in pg.locator(".mgl-pg-state").input_value()
    if name == "problem":  # a regression dataset and the loss for numbers
        assert (setting(pg.page, "dataset"), setting(pg.page, "loss")) == ("plane", "mse")
        wait_for(lambda: pg.locator('.mgl-pg-dataset[data-name="plane"]').is_visible(), "its data")
        assert not pg.locator('.mgl-pg-dataset[data-name="moons"]').is_visible()


@pytest.mark.parametrize(
    "slider, position, name, expected",
    [
        ("train-ratio", 30, "train_ratio", 0.3),
        ("noise", 35, "noise", 0.35),
        ("batch-size", 20, "batch_size", 20),
        ("batch-size", 31, "batch_size", None),  # the right end: every point in one batch
    ],
)
def test_each_slider_changes_the_run(pg, slider, position, name, expected):
    restart_with(pg)
    pg.locator(f"input.mgl-pg-{slider}").evaluate(
        "(e, v) => { e.value = v; e.dispatchEvent(new Event('input'));"
        " e.dispatchEvent(new Event('change')); }",
        position,
    )
    wait_for(lambda: setting(pg.page, name) == expected, f"{name} = {expected!r} in the kernel")
    if name == "train_ratio":
        assert python(pg.page, "len(pg.run.X_train)") == 60  # 30% of 200 points


def test_a_dataset_button_and_regenerate(pg):
    restart_with(pg)
    before = picture(pg)
    pg.locator('.mgl-pg-dataset[data-name="xor"]').click()
    wait_for(lambda: setting(pg.page, "dataset") == "xor", "the xor dataset")
    wait_for(lambda: picture(pg) != before, "the xor points in the picture")
    points, shown = python(pg.page, "pg.run.X_train"), picture(pg)
    pg.locator(".mgl-pg-regenerate").click()
    wait_for(lambda: setting(pg.page, "data_seed") == 1, "new data")
    assert python(pg.page, "pg.run.X_train") != points and setting(pg.page, "dataset") == "xor"
    wait_for(lambda: picture(pg) != shown, "the new points in the picture")


def test_clicking_a_feature_turns_it_on_and_off(pg):
    restart_with(pg)
    square = pg.locator('.mgl-pg-node[data-col="0"][data-index="2"]')  # x1^2
    assert "mgl-pg-off" in square.get_attribute("class")
    square.click()
    wait_for(lambda: setting(pg.page, "features") == ["x1", "x2", "x1^2"], "x1^2 on")
    wait_for(lambda: "mgl-pg-off" not in square.get_attribute("class"), "x1^2 lit in the page")
    assert python(pg.page, "pg.run.model.nin") == 3
    pg.locator('.mgl-pg-node[data-col="0"][data-index="0"]').click()  # x1 off
    wait_for(lambda: setting(pg.page, "features") == ["x2", "x1^2"], "x1 off")


def test_plus_and_minus_for_layers_and_neurons(pg):
    restart_with(pg)
    neurons = lambda c: pg.locator(f'.mgl-pg-node[data-col="{c}"]').count()  # noqa: E731
    pg.locator(".mgl-pg-add-layer").click()
    wait_for(lambda: setting(pg.page, "hidden") == [4, 4, 2], "a third hidden layer")
    wait_for(lambda: neurons(3) == 2, "its two neurons drawn")
    pg.locator(".mgl-pg-remove-layer").click()
    wait_for(lambda: setting(pg.page, "hidden") == [4, 4], "back to two layers")
    pg.locator(".mgl-pg-plus-1").click()
    wait_for(lambda: setting(pg.page, "hidden") == [5, 4], "a fifth neuron in layer 1")
    wait_for(lambda: neurons(1) == 5, "five neurons drawn")
    pg.locator(".mgl-pg-minus-2").click()
    wait_for(lambda: setting(pg.page, "hidden") == [5, 3], "one neuron fewer in layer 2")
    assert python(pg.page, "pg.run.model.nouts") == [5, 3, 1]


# --------------------------------------------------------------------------------------
# The view options, the mouse, the point's graph, the shared state
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("box, name", [("show-test", "show_test"), ("discretize", "discretize")])
def test_show_test_data_and_discretize_output_change_the_picture(pg, box, name):
    restart_with(pg)
    before = picture(pg)
    pg.locator(f"input.mgl-pg-{box}").check()
    wait_for(lambda: setting(pg.page, name) is True, f"{name} on in the kernel")
    wait_for(lambda: picture(pg) != before, f"{name}: the picture to change")
    assert python(pg.page, "pg.run.epoch") == 0  # a view option: the run goes on as it was


def test_hovering_a_neuron_shows_its_picture_in_the_big_output(pg):
    restart_with(pg)
    output = picture(pg)
    pg.locator('.mgl-pg-node[data-col="1"][data-index="0"]').hover()
    wait_for(lambda: picture(pg) != output, "the neuron's picture in the big output")
    pg.locator(".mgl-pg-losses").hover()
    wait_for(lambda: picture(pg) == output, "the output's picture again")


def test_clicking_a_weight_edits_it(pg):
    restart_with(pg)
    hit = pg.locator('.mgl-pg-hit[data-name="L2.N1.w3"]')
    hit.dispatch_event("mousemove", {"clientX": 500, "clientY": 400})
    assert pg.locator(".mgl-pg-tip").inner_text().startswith("L2.N1.w3 = ")
    hit.dispatch_event("click", {"clientX": 500, "clientY": 400})
    editor = pg.locator(".mgl-pg-editor")
    editor.wait_for(state="visible")
    editor.fill("2.5")
    editor.press("Enter")
    wait_for(
        lambda: python(pg.page, "pg.run.model.layers[1].neurons[0].w[2].data") == 2.5, "w = 2.5"
    )
    link = pg.locator('.mgl-pg-link[data-name="L2.N1.w3"]')
    wait_for(lambda: link.get_attribute("data-value") == "2.5", "the page to draw the new weight")


def test_clicking_a_point_steps_through_its_loss_backprop(pg):
    restart_with(pg)
    x, extent = python(pg.page, "[pg.run.X_train[0], pg.run.extent]")
    heat = pg.locator(".mgl-pg-heat")
    box = heat.bounding_box()
    at = (
        box["x"] + (x[0] - extent[0]) / (extent[1] - extent[0]) * box["width"],
        box["y"] + (extent[3] - x[1]) / (extent[3] - extent[2]) * box["height"],
    )
    pg.page.mouse.click(*at)
    overlay = pg.locator(".mgl-pg-point")
    steps = overlay.locator(".mgl-steps")
    steps.wait_for(state="visible", timeout=HANG * 1000)
    assert "train point" in overlay.locator(".mgl-pg-point-head").inner_text()
    count = steps.locator(".mgl-count")
    wait_for(lambda: count.inner_text().startswith("step 1/"), "the first step")
    wait_for(lambda: steps.locator(".mgl-graph svg").count() == 1, "the graph of the first step")
    steps.locator(".mgl-next").click()
    wait_for(lambda: count.inner_text().startswith("step 2/"), "the second step")
    wait_for(lambda: "L1.N1" in steps.locator(".mgl-graph").inner_text(), "a box per neuron")
    screenshot(overlay, "playground_point_graph.png")
    screenshot(pg, "playground_with_point_graph.png")
    overlay.locator(".mgl-pg-point-close").click()
    wait_for(lambda: not overlay.is_visible(), "the graph closed")


def test_the_shared_state_rebuilds_the_same_run(pg):
    restart_with(
        pg,
        dataset="two_spirals",
        hidden=(6, 3),
        activation="relu",
        features=("x1", "x2", "sin(x1)"),
    )
    text = pg.locator(".mgl-pg-state").input_value()
    assert text == python(pg.page, "pg.state")
    code = f"Playground.from_state({text!r}).settings == pg.settings"
    assert python(pg.page, code) is True


# --------------------------------------------------------------------------------------
# Every dataset, trained a little, for people to look at
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "problem, dataset",
    [("classification", d) for d in ("moons", "circles", "xor", "gaussians", "two_spirals")]
    + [("regression", "plane"), ("regression", "multi_gaussian")],
)
def test_screenshot_of_each_dataset_after_some_training(pg, problem, dataset):
    options = {"problem": problem, "dataset": dataset, "show_test": True}
    if dataset in ("two_spirals", "circles", "xor", "multi_gaussian"):  # the harder ones
        options |= {"features": ("x1", "x2", "x1^2", "x2^2", "sin(x1)", "sin(x2)"),
                    "optimizer": "adam", "lr": 0.03}  # fmt: skip
    if dataset == "multi_gaussian":
        options |= {"hidden": (8, 8)}
    restart_with(pg, **options)
    played_until(pg, 150)
    paused(pg)
    screenshot(pg, f"playground_{dataset}.png")
