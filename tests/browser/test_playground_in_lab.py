"""The Playground in JupyterLab in headless Chromium at 1280 x 900: every control, through
the page.

The module's page (conftest.playground_page) runs ``pg = Playground()``. Each test uses a
control in the page as a learner would (a click, a menu, a slider, the mouse) and then
asks the kernel what the run is now (:func:`python`), so a control counts only if it
changed the run in Python. These tests check behaviour, never speed: every wait is for a
condition, with a bound of a minute or more, so they pass on a busy machine. Screenshots
of every dataset and of a point's graph go to build/browser/.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "browser"
WAIT = 60.0  # seconds: the bound of every wait (a busy machine is slow, never this slow)

# Runs code in the notebook's kernel and returns what it printed.
RUN = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, silent: false, store_history: false });
  let out = "";
  future.onIOPub = (m) => {
    if (m.header.msg_type === "stream") out += m.content.text;
    if (m.header.msg_type === "error") out += `${m.content.ename}: ${m.content.evalue}`;
  };
  await future.done;
  return out;
}"""


def python(page: Any, expression: str) -> Any:
    """The value of ``expression`` in the notebook's kernel (sent back as JSON)."""
    out = page.evaluate(RUN, f"import json\nprint(json.dumps({expression}))")
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        raise AssertionError(f"the kernel said: {out}") from None


def until(condition: Any, what: str, timeout: float = WAIT) -> Any:
    """Wait for ``condition()`` to be true (it is returned), or fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.1)


def setting(page: Any, name: str) -> Any:
    return python(page, f"pg.settings.{name}")


def picture(pg: Any) -> str:
    """The big output picture, as its pixels' data URL."""
    return pg.locator(".mgl-pg-heat").evaluate("c => c.toDataURL()")


def epoch(pg: Any) -> int:
    return int(pg.get_attribute("data-epoch") or -1)


def shot(locator: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    locator.screenshot(path=str(path))
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


@pytest.fixture(scope="module")
def pg(playground_page: Any) -> Any:
    page = playground_page
    root = page.locator(".mgl-pg").first
    root.wait_for(state="visible", timeout=120_000)
    until(lambda: frames(root) > 0, "the first frame")
    return root


def frames(pg: Any) -> int:
    return int(pg.get_attribute("data-frames") or 0)


def restart_with(pg: Any, **settings: Any) -> None:
    """From Python: a fresh run with these settings (so that a test starts where it says)."""
    shown = frames(pg)
    code = f"from micrograd_like.widgets import Settings\npg.settings = Settings(**{settings!r})"
    assert pg.page.evaluate(RUN, code) == ""
    until(lambda: frames(pg) > shown and epoch(pg) == 0, "the new run in the page")


def paused(pg: Any) -> None:
    if python(pg.page, "pg.running"):
        pg.locator(".mgl-pg-play").click()
    until(lambda: not python(pg.page, "pg.running"), "pause")


# --------------------------------------------------------------------------------------
# One screen, drawn while it plays
# --------------------------------------------------------------------------------------


def test_the_view_fits_one_screen_laid_out_as_tf_playground(pg):
    box = pg.bounding_box()
    assert box["height"] <= 1000 and box["x"] + box["width"] <= 1280, box
    data, net, out = (pg.locator(f".mgl-pg-{c}").bounding_box() for c in ("data", "net", "out"))
    assert data["x"] < net["x"] < out["x"]  # data and features | network | output
    assert abs(data["y"] - out["y"]) < 5 and pg.locator(".mgl-pg-chart").is_visible()
    shot(pg, "playground_start.png")


def test_the_picture_changes_while_it_plays_and_pause_stops_it(pg):
    restart_with(pg)
    before, start = picture(pg), python(pg.page, "pg.run.epoch")
    pg.locator(".mgl-pg-play").click()
    until(lambda: epoch(pg) >= 30, "30 epochs shown while playing")
    until(lambda: picture(pg) != before, "the output picture to change")
    assert python(pg.page, "pg.running") and python(pg.page, "pg.run.epoch") > start
    pg.locator(".mgl-pg-play").click()
    until(lambda: not python(pg.page, "pg.running"), "pause to stop the thread")
    stopped = python(pg.page, "pg.run.epoch")
    until(lambda: epoch(pg) == stopped, "the last frame in the page")
    time.sleep(1.5)
    assert python(pg.page, "pg.run.epoch") == stopped == epoch(pg), "it went on after pause"
    shot(pg, "playground_trained.png")


def test_step_trains_one_epoch_and_reset_goes_back_to_the_same_start(pg):
    restart_with(pg)
    first = python(pg.page, "[p.data for p in pg.run.model.parameters()]")
    pg.locator(".mgl-pg-step").click()
    until(lambda: epoch(pg) == 1, "one epoch after step")
    assert python(pg.page, "[p.data for p in pg.run.model.parameters()]") != first
    pg.locator(".mgl-pg-reset").click()
    until(lambda: epoch(pg) == 0, "epoch 0 after reset")
    assert python(pg.page, "[p.data for p in pg.run.model.parameters()]") == first


def test_new_weights_draws_other_first_weights_on_the_same_data(pg):
    restart_with(pg)
    data = python(pg.page, "pg.run.X_train")
    links = pg.locator(".mgl-pg-link").evaluate_all("ps => ps.map(p => p.dataset.value)")
    pg.locator(".mgl-pg-new-weights").click()
    until(lambda: setting(pg.page, "weight_seed") == 1, "weight_seed 1")
    until(
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
    until(lambda: setting(pg.page, name) == expected, f"{name} = {expected!r} in the kernel")
    assert f"{name}={value}" in pg.locator(".mgl-pg-state").input_value()
    if name == "problem":  # a regression dataset and the loss for numbers
        assert (setting(pg.page, "dataset"), setting(pg.page, "loss")) == ("plane", "mse")
        until(lambda: pg.locator('.mgl-pg-dataset[data-name="plane"]').is_visible(), "its data")
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
    until(lambda: setting(pg.page, name) == expected, f"{name} = {expected!r} in the kernel")
    if name == "train_ratio":
        assert python(pg.page, "len(pg.run.X_train)") == 60  # 30% of 200 points


def test_a_dataset_button_and_regenerate(pg):
    restart_with(pg)
    before = picture(pg)
    pg.locator('.mgl-pg-dataset[data-name="xor"]').click()
    until(lambda: setting(pg.page, "dataset") == "xor", "the xor dataset")
    until(lambda: picture(pg) != before, "the xor points in the picture")
    points, shown = python(pg.page, "pg.run.X_train"), picture(pg)
    pg.locator(".mgl-pg-regenerate").click()
    until(lambda: setting(pg.page, "data_seed") == 1, "new data")
    assert python(pg.page, "pg.run.X_train") != points and setting(pg.page, "dataset") == "xor"
    until(lambda: picture(pg) != shown, "the new points in the picture")


def test_clicking_a_feature_turns_it_on_and_off(pg):
    restart_with(pg)
    square = pg.locator('.mgl-pg-node[data-col="0"][data-index="2"]')  # x1^2
    assert "mgl-pg-off" in square.get_attribute("class")
    square.click()
    until(lambda: setting(pg.page, "features") == ["x1", "x2", "x1^2"], "x1^2 on")
    until(lambda: "mgl-pg-off" not in square.get_attribute("class"), "x1^2 lit in the page")
    assert python(pg.page, "pg.run.model.nin") == 3
    pg.locator('.mgl-pg-node[data-col="0"][data-index="0"]').click()  # x1 off
    until(lambda: setting(pg.page, "features") == ["x2", "x1^2"], "x1 off")


def test_plus_and_minus_for_layers_and_neurons(pg):
    restart_with(pg)
    neurons = lambda c: pg.locator(f'.mgl-pg-node[data-col="{c}"]').count()  # noqa: E731
    pg.locator(".mgl-pg-add-layer").click()
    until(lambda: setting(pg.page, "hidden") == [4, 4, 2], "a third hidden layer")
    until(lambda: neurons(3) == 2, "its two neurons drawn")
    pg.locator(".mgl-pg-remove-layer").click()
    until(lambda: setting(pg.page, "hidden") == [4, 4], "back to two layers")
    pg.locator(".mgl-pg-plus-1").click()
    until(lambda: setting(pg.page, "hidden") == [5, 4], "a fifth neuron in layer 1")
    until(lambda: neurons(1) == 5, "five neurons drawn")
    pg.locator(".mgl-pg-minus-2").click()
    until(lambda: setting(pg.page, "hidden") == [5, 3], "one neuron fewer in layer 2")
    assert python(pg.page, "pg.run.model.nouts") == [5, 3, 1]


# --------------------------------------------------------------------------------------
# The view options, the mouse, the point's graph, the shared state
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("box, name", [("show-test", "show_test"), ("discretize", "discretize")])
def test_show_test_data_and_discretize_output_change_the_picture(pg, box, name):
    restart_with(pg)
    before = picture(pg)
    pg.locator(f"input.mgl-pg-{box}").check()
    until(lambda: setting(pg.page, name) is True, f"{name} on in the kernel")
    until(lambda: picture(pg) != before, f"{name}: the picture to change")
    assert python(pg.page, "pg.run.epoch") == 0  # a view option: the run goes on as it was


def test_hovering_a_neuron_shows_its_picture_in_the_big_output(pg):
    restart_with(pg)
    output = picture(pg)
    pg.locator('.mgl-pg-node[data-col="1"][data-index="0"]').hover()
    until(lambda: picture(pg) != output, "the neuron's picture in the big output")
    pg.locator(".mgl-pg-losses").hover()
    until(lambda: picture(pg) == output, "the output's picture again")


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
    until(lambda: python(pg.page, "pg.run.model.layers[1].neurons[0].w[2].data") == 2.5, "w = 2.5")
    link = pg.locator('.mgl-pg-link[data-name="L2.N1.w3"]')
    until(lambda: link.get_attribute("data-value") == "2.5", "the page to draw the new weight")


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
    steps.wait_for(state="visible", timeout=WAIT * 1000)
    assert "train point" in overlay.locator(".mgl-pg-point-head").inner_text()
    count = steps.locator(".mgl-count")
    until(lambda: count.inner_text().startswith("step 1/"), "the first step")
    until(lambda: steps.locator(".mgl-graph svg").count() == 1, "the graph of the first step")
    steps.locator(".mgl-next").click()
    until(lambda: count.inner_text().startswith("step 2/"), "the second step")
    until(lambda: "L1.N1" in steps.locator(".mgl-graph").inner_text(), "a box per neuron")
    shot(overlay, "playground_point_graph.png")
    shot(pg, "playground_with_point_graph.png")
    overlay.locator(".mgl-pg-point-close").click()
    until(lambda: not overlay.is_visible(), "the graph closed")


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
    pg.locator(".mgl-pg-play").click()
    until(lambda: epoch(pg) >= 150, "150 epochs")
    paused(pg)
    until(lambda: epoch(pg) == python(pg.page, "pg.run.epoch"), "the last frame")
    shot(pg, f"playground_{dataset}.png")
