"""The widgets in a real browser: JupyterLab 4 and Notebook 7 in headless Chromium.

The session fixture (conftest.py) starts JupyterLab, opens ``widgets_test.ipynb`` (in
JupyterLab, then in Notebook 7, from the same server) and runs all its cells: the step
widget on the lecture's neuron, then the playground. Every wait is bounded; the
screenshots go to build/browser/.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "browser"

# The union of the outlined nodes' boxes (the Value of the step and its op), the graph's
# box, and the output area's box, in page coordinates.
_GEOMETRY = """(root) => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const graph = root.querySelector('.mgl-graph');
  const red = [...graph.querySelectorAll('g.node')].filter((g) =>
    [...g.querySelectorAll('[stroke]')].some((s) =>
      s.getAttribute('stroke').toLowerCase() === '#d62728'));
  const rects = red.map(box);
  return {
    count: red.length,
    node: rects.length ? {
      left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)),
      top: Math.min(...rects.map((r) => r.top)), bottom: Math.max(...rects.map((r) => r.bottom)),
    } : null,
    graph: box(graph),
    output: box(root.closest('.jp-OutputArea-output')),
    overflowX: graph.scrollWidth - graph.clientWidth,
  };
}"""


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["left"] >= outer["left"] - 1
        and inner["right"] <= outer["right"] + 1
        and inner["top"] >= outer["top"] - 1
        and inner["bottom"] <= outer["bottom"] + 1
    )


def _check_current_node_in_view(widget: Any, step: int, fitted: bool = True) -> None:
    widget.page.wait_for_timeout(100)  # one animation frame: the widget scrolls the node in
    g = widget.evaluate(_GEOMETRY)
    assert g["count"] >= 1, f"step {step}: no outlined node in the graph"
    if fitted:
        assert g["overflowX"] <= 1, f"step {step}: the graph is wider than the output ({g})"
    else:
        assert g["overflowX"] > 100, f"step {step}: at its own size the graph should scroll"
    assert _inside(g["node"], g["graph"]), f"step {step}: node outside the graph's box {g}"
    assert _inside(g["node"], g["output"]), f"step {step}: node outside the output area {g}"


def _screenshot(locator: Any, name: str) -> None:
    """A picture of one widget under build/browser/, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    locator.screenshot(path=str(path))
    assert path.stat().st_size > 10_000, f"{path} looks empty"


def _wait_for_text(locator: Any, pattern: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        text = locator.inner_text()
        if re.search(pattern, text):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {pattern!r} within {timeout} s, got {text!r}")
        time.sleep(0.05)


def test_step_widget_moves_with_keyboard_and_click_and_keeps_the_node_in_view(notebook_page):
    page = notebook_page
    widget = page.locator(".mgl-steps").first
    widget.wait_for(state="visible", timeout=90_000)
    count, text = widget.locator(".mgl-count"), widget.locator(".mgl-text")
    widget.scroll_into_view_if_needed()
    first = _wait_for_text(count, r"step 1/5")
    words = text.inner_text()
    assert words.startswith("step 1/5: o = tanh(n)"), words
    _check_current_node_in_view(widget, 1)  # the output o sits at the far right
    _screenshot(widget, f"{page.frontend}_step_widget_step1.png")

    widget.locator(".mgl-next").click()  # a click
    _wait_for_text(count, r"step 2/5")
    assert text.inner_text() != words and "step 2/5" in text.inner_text()
    _check_current_node_in_view(widget, 2)

    widget.locator(".mgl-text").click()  # focus the widget, then the keyboard
    page.keyboard.press("ArrowRight")
    _wait_for_text(count, r"step 3/5")
    _check_current_node_in_view(widget, 3)
    page.keyboard.press("End")
    _wait_for_text(count, r"step 5/5")
    _check_current_node_in_view(widget, 5)
    _screenshot(widget, f"{page.frontend}_step_widget_step5.png")
    page.keyboard.press("ArrowLeft")
    _wait_for_text(count, r"step 4/5")
    _check_current_node_in_view(widget, 4)
    page.keyboard.press("Home")
    assert _wait_for_text(count, r"step 1/5") == first
    assert text.inner_text() == words

    page.keyboard.press("z")  # at its own size: the graph scrolls to the step's node
    _check_current_node_in_view(widget, 1, fitted=False)  # o, at the far right
    page.keyboard.press("End")
    _wait_for_text(count, r"step 5/5")
    _check_current_node_in_view(widget, 5, fitted=False)  # x1*w1, at the left
    _screenshot(widget, f"{page.frontend}_step_widget_actual_size_step5.png")
    widget.locator(".mgl-zoom").click()  # back to the cell's width
    _check_current_node_in_view(widget, 5)
    page.keyboard.press("Home")

    widget.locator(".mgl-play").click()  # play runs to the last step by itself
    _wait_for_text(count, r"step 5/5", timeout=15.0)
    assert "play" in widget.locator(".mgl-play").inner_text()


_OUTLINED_TEXT = """(root) => [...root.querySelectorAll('.mgl-graph g.node')]
  .filter((g) => [...g.querySelectorAll('[stroke]')].some((s) =>
    s.getAttribute('stroke').toLowerCase() === '#d62728'))
  .map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' '))
  .join(' ')"""


def _wait_for_outlined(widget: Any, label: str, timeout: float = 15.0) -> None:
    """Wait until the outlined node of the picture shown is the one labelled ``label``."""
    deadline = time.monotonic() + timeout
    while not re.search(rf"\b{label}\b", widget.evaluate(_OUTLINED_TEXT)):
        assert time.monotonic() < deadline, f"no outlined {label} within {timeout} s"
        time.sleep(0.05)


def test_a_long_walk_gets_each_picture_when_it_is_shown(notebook_page):
    # y = tanh applied 30 times to x: 30 steps, step k at node t(31 - k)
    page = notebook_page
    widget = page.locator(".mgl-steps").nth(1)
    widget.wait_for(state="visible", timeout=90_000)
    widget.scroll_into_view_if_needed()
    count = widget.locator(".mgl-count")
    _wait_for_text(count, r"step 1/30")
    _wait_for_outlined(widget, "t30")
    widget.locator(".mgl-next").click()
    _wait_for_text(count, r"step 2/30")
    _wait_for_outlined(widget, "t29")
    _check_current_node_in_view(widget, 2)
    widget.locator(".mgl-text").click()
    page.keyboard.press("End")
    _wait_for_text(count, r"step 30/30")
    _wait_for_outlined(widget, "t1")
    _check_current_node_in_view(widget, 30)


def test_playground_trains_while_playing_and_stops_on_pause(notebook_page):
    # the Playground's own tests (every control) are in test_playground_in_lab.py; here,
    # that it plays and pauses in both frontends
    page = notebook_page
    pg = page.locator(".mgl-pg").first
    pg.wait_for(state="visible", timeout=90_000)
    pg.scroll_into_view_if_needed()
    page.wait_for_function(
        "(e) => Number(e.dataset.frames) > 0", arg=pg.element_handle(), timeout=90_000
    )
    heat = pg.locator(".mgl-pg-heat")
    before = heat.evaluate("c => c.toDataURL()")
    _screenshot(pg, f"{page.frontend}_playground_start.png")
    pg.locator(".mgl-pg-play").click()
    page.wait_for_function(
        "([e, c, before]) => Number(e.dataset.epoch) >= 20 && c.toDataURL() !== before",
        arg=[pg.element_handle(), heat.element_handle(), before],
        timeout=90_000,
    )
    pg.locator(".mgl-pg-play").click()  # pause
    page.wait_for_function(
        "(b) => !b.classList.contains('mgl-pg-playing')",
        arg=pg.locator(".mgl-pg-play").element_handle(),
        timeout=30_000,
    )
    page.wait_for_timeout(500)  # the last frame arrives
    stopped = pg.get_attribute("data-epoch")
    page.wait_for_timeout(1500)
    assert pg.get_attribute("data-epoch") == stopped, "training went on after pause"
    _screenshot(pg, f"{page.frontend}_playground_trained.png")
