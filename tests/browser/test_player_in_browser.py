"""The backward pass as a page, played in headless Chromium with no network and no kernel.

``save_steps_html`` writes the lecture's neuron (o = tanh(x1*w1 + x2*w2 + b), 5 steps:
o, n, the sum, x2*w2, x1*w1); step_widget's output carries the same player, and
nbconvert's HTML of a notebook that shows it plays too. Every request to another host is
refused. The screenshots go to build/browser/.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bounds import HANG

from micrograd_like.examples import lecture_neuron
from micrograd_like.viz.player import save_steps_html

from .geometry import check_in_view
from .in_page import SCREENSHOTS


@pytest.fixture
def offline(browser: Any) -> Iterator[Any]:
    """A browser context whose requests may go to files only."""
    context = browser.new_context(viewport={"width": 900, "height": 700})
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    context.outside = outside  # what the page asked of other hosts, refused
    try:
        yield context
    finally:
        context.close()


def open_player(context: Any, path: Path) -> Any:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    player = page.locator(".mgl-steps").first
    player.wait_for(state="visible", timeout=HANG * 1000)
    assert errors == []
    return player


def test_the_page_steps_by_buttons_and_keys_with_the_node_and_its_parents_in_view(
    offline: Any, tmp_path: Path
):
    path = Path(save_steps_html(lecture_neuron()["o"], tmp_path / "backprop.html"))
    player = open_player(offline, path)
    page = player.page
    text = player.locator(".mgl-text")
    g = check_in_view(player, "step 1/5")  # o, at the bottom of the picture, and n above
    assert g["overflowY"] > 0  # 700 px high: the picture scrolls in its box, at its size
    assert text.inner_text().startswith("step 1/5: o = tanh(n)")
    for k in range(2, 6):
        player.locator(".mgl-next").click()
        g = check_in_view(player, f"step {k}/5")
    # the last step passed gradients to the leaves x1 and w1: both are in view with x1*w1
    assert sorted(n["words"].split()[0] for n in g["updated"]) == ["w1", "x1"]
    assert text.inner_text().splitlines()[0] == "step 5/5: x1*w1, with do/d(x1*w1) = 0.5"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    player.screenshot(path=str(SCREENSHOTS / "player_step5.png"))
    assert player.locator(".mgl-next").is_disabled()

    player.locator(".mgl-prev").click()
    check_in_view(player, "step 4/5")
    text.click()  # focus the player, then the keyboard
    page.keyboard.press("Home")
    check_in_view(player, "step 1/5")
    page.keyboard.press("ArrowRight")
    check_in_view(player, "step 2/5")
    page.keyboard.press("End")
    check_in_view(player, "step 5/5")
    page.keyboard.press("z")  # the whole graph in its box
    g = player.evaluate("(p) => { const g = p.querySelector('.mgl-graph');"
                        " return [g.scrollWidth - g.clientWidth, g.scrollHeight - g.clientHeight]; }")  # fmt: skip
    assert g[0] <= 1 and g[1] <= 1, g
    page.keyboard.press("z")
    page.keyboard.press("Home")
    player.locator(".mgl-play").click()  # play runs to the last step by itself
    page.wait_for_function(
        "(c) => c.textContent === 'step 5/5'",
        arg=player.locator(".mgl-count").element_handle(),
        timeout=HANG * 1000,
    )
    assert "play" in player.locator(".mgl-play").inner_text()
    assert offline.outside == []


def test_in_a_narrow_window_the_key_hint_wraps_and_nothing_is_clipped(offline: Any, tmp_path: Path):
    path = Path(save_steps_html(lecture_neuron()["o"], tmp_path / "backprop.html"))
    page = offline.new_page()
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(path.as_uri())
    player = page.locator(".mgl-steps").first
    player.wait_for(state="visible")
    hint = player.evaluate("""(p) => {
      const k = p.querySelector(".mgl-keys"), r = k.getBoundingClientRect(),
            w = p.getBoundingClientRect();
      return { clipped: k.scrollWidth - k.clientWidth, right: r.right, edge: w.right,
               lines: Math.round(r.height / parseFloat(getComputedStyle(k).lineHeight)) };
    }""")
    assert hint["clipped"] <= 1 and hint["right"] <= hint["edge"] + 1, hint
    assert hint["lines"] >= 2  # it wrapped
    buttons = player.evaluate(
        "(p) => [...p.querySelectorAll('.mgl-bar > *')].map((b) => b.getBoundingClientRect().right)"
    )
    assert max(buttons) <= player.evaluate("(p) => p.getBoundingClientRect().right") + 1
    check_in_view(player, "step 1/5")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "player_narrow.png"))
    assert offline.outside == []


def test_without_javascript_the_page_lists_every_step(browser: Any, tmp_path: Path):
    path = Path(save_steps_html(lecture_neuron()["o"], tmp_path / "backprop.html"))
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        frames = page.locator(".mgl-frame")
        assert frames.count() == 5
        for k in range(5):
            assert frames.nth(k).locator("pre").inner_text().startswith(f"step {k + 1}/5")
            assert frames.nth(k).locator("svg").bounding_box()["width"] > 100
    finally:
        context.close()


def test_nbconverts_html_of_a_notebook_with_the_step_widget_plays_without_a_kernel(
    offline: Any, tmp_path: Path
):
    # a notebook run and saved as JupyterLab saves it (no widget state), then nbconvert
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from micrograd_like.examples import lecture_neuron\n"
            "from micrograd_like.widgets import step_widget\n"
            'step_widget(lecture_neuron()["o"])'
        )
    ]
    client = nbclient.NotebookClient(notebook, store_widget_state=False, timeout=120)
    client.execute(cwd=str(tmp_path))
    source = tmp_path / "steps.ipynb"
    nbformat.write(notebook, source)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(source)],
        check=True,
        capture_output=True,
    )
    page = offline.new_page()
    page.goto((tmp_path / "steps.html").as_uri())  # it asks a CDN for MathJax: refused
    player = page.locator(".mgl-steps").first
    player.wait_for(state="visible", timeout=HANG * 1000)
    check_in_view(player, "step 1/5")
    player.locator(".mgl-next").click()
    check_in_view(player, "step 2/5")
    outputs = json.loads(source.read_text())["cells"][0]["outputs"]
    assert "text/html" in outputs[0]["data"]
