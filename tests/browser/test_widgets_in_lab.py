"""The widgets in a real browser: JupyterLab 4 and Notebook 7 in headless Chromium.

The session fixture (conftest.py) starts JupyterLab, opens ``widgets_test.ipynb`` (in
JupyterLab, then in Notebook 7, from the same server) and runs all its cells: the step
widget on the lecture's neuron, then the playground. Every wait is bounded; the
screenshots go to build/browser/.
"""

from __future__ import annotations

import re
from typing import Any

from bounds import HANG, wait_for

from .geometry import check_in_view
from .in_page import TRAINING_THREADS, python, screenshot


def _wait_for_text(locator: Any, pattern: str) -> str:
    """The locator's text, once it matches ``pattern``."""
    wait_for(lambda: re.search(pattern, locator.inner_text()), f"the text {pattern!r}")
    return locator.inner_text()


def test_step_widget_moves_with_keyboard_and_click_and_keeps_the_node_in_view(notebook_page):
    # at its own size (text 12 px and more), the graph scrolls in its box so that the
    # step's node and the parents it updated are in view; z fits it into the box
    page = notebook_page
    widget = page.locator(".mgl-steps").first
    widget.wait_for(state="visible", timeout=HANG * 1000)
    count, text = widget.locator(".mgl-count"), widget.locator(".mgl-text")
    widget.scroll_into_view_if_needed()
    first = _wait_for_text(count, r"step 1/5")
    words = text.inner_text()
    assert words.startswith("step 1/5: o = tanh(n)"), words
    check_in_view(widget, "step 1/5")  # the output o sits at the far right
    screenshot(widget, f"{page.frontend}_step_widget_step1.png")

    widget.locator(".mgl-next").click()  # a click
    _wait_for_text(count, r"step 2/5")
    assert text.inner_text() != words and "step 2/5" in text.inner_text()
    check_in_view(widget, "step 2/5")

    widget.locator(".mgl-text").click()  # focus the widget, then the keyboard
    page.keyboard.press("ArrowRight")
    _wait_for_text(count, r"step 3/5")
    check_in_view(widget, "step 3/5")
    page.keyboard.press("End")
    _wait_for_text(count, r"step 5/5")
    g = check_in_view(widget, "step 5/5")  # x1*w1, at the left, and the leaves x1 and w1
    assert sorted(n["words"].split()[0] for n in g["updated"]) == ["w1", "x1"]
    screenshot(widget, f"{page.frontend}_step_widget_step5.png")
    page.keyboard.press("ArrowLeft")
    _wait_for_text(count, r"step 4/5")
    check_in_view(widget, "step 4/5")
    page.keyboard.press("Home")
    assert _wait_for_text(count, r"step 1/5") == first
    assert text.inner_text() == words

    page.keyboard.press("z")  # the whole graph in its box
    overflow = lambda: widget.evaluate(  # noqa: E731
        "(w) => { const g = w.querySelector('.mgl-graph'); return g.scrollWidth - g.clientWidth; }"
    )
    wait_for(lambda: overflow() <= 1, "the graph fitted into its box, with no overflow")
    screenshot(widget, f"{page.frontend}_step_widget_fitted_step1.png")
    widget.locator(".mgl-zoom").click()  # back to its own size
    page.keyboard.press("End")
    _wait_for_text(count, r"step 5/5")
    check_in_view(widget, "step 5/5")
    page.keyboard.press("Home")

    widget.locator(".mgl-play").click()  # play runs to the last step by itself
    _wait_for_text(count, r"step 5/5")
    assert "play" in widget.locator(".mgl-play").inner_text()


# The smallest text of a Graphviz picture shown as an <img> (JupyterLab's SVG output):
# its font size times the image's width on screen over the width of its drawing.
_IMAGE_TEXT = """(img) => {
  const svg = decodeURIComponent(img.src.slice(img.src.indexOf(",") + 1));
  const drawing = parseFloat(svg.match(/viewBox="[\\d.-]+ [\\d.-]+ ([\\d.]+)/)[1]);
  const sizes = [...svg.matchAll(/font-size="([\\d.]+)"/g)].map((m) => parseFloat(m[1]));
  return Math.min(...sizes) * img.getBoundingClientRect().width / drawing;
}"""


def test_draw_dot_in_a_notebook_has_text_of_12_px_or_more(notebook_page):
    page = notebook_page
    picture = page.locator(".jp-RenderedSVG img").last
    picture.wait_for(state="visible", timeout=HANG * 1000)
    picture.scroll_into_view_if_needed()
    smallest = picture.evaluate(_IMAGE_TEXT)
    assert smallest >= 12 - 0.01, f"draw_dot's smallest text is {smallest:.1f} px"


_OUTLINED_TEXT = """(root) => [...root.querySelectorAll('.mgl-graph g.node')]
  .filter((g) => [...g.querySelectorAll('[stroke]')].some((s) =>
    s.getAttribute('stroke').toLowerCase() === '#d62728'))
  .map((g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' '))
  .join(' ')"""


def _wait_for_outlined(widget: Any, label: str) -> None:
    """Wait until the outlined node of the picture shown is the one labelled ``label``."""
    outlined = lambda: re.search(rf"\b{label}\b", widget.evaluate(_OUTLINED_TEXT))  # noqa: E731
    wait_for(outlined, f"the node {label} outlined")


def test_a_long_walk_gets_each_picture_when_it_is_shown(notebook_page):
    # y = tanh applied 30 times to x: 30 steps, step k at node t(31 - k)
    page = notebook_page
    widget = page.locator(".mgl-steps").nth(1)
    widget.wait_for(state="visible", timeout=HANG * 1000)
    widget.scroll_into_view_if_needed()
    count = widget.locator(".mgl-count")
    _wait_for_text(count, r"step 1/30")
    _wait_for_outlined(widget, "t30")
    widget.locator(".mgl-next").click()
    _wait_for_text(count, r"step 2/30")
    _wait_for_outlined(widget, "t29")
    check_in_view(widget, "step 2/30")
    widget.locator(".mgl-text").click()
    page.keyboard.press("End")
    _wait_for_text(count, r"step 30/30")
    _wait_for_outlined(widget, "t1")
    check_in_view(widget, "step 30/30")


def test_playground_trains_while_playing_and_stops_on_pause(notebook_page):
    # the Playground's own tests (every control) are in test_playground_in_lab.py; here,
    # that it plays and pauses in both frontends
    page = notebook_page
    pg = page.locator(".mgl-pg").first
    pg.wait_for(state="visible", timeout=HANG * 1000)
    pg.scroll_into_view_if_needed()
    frames = lambda: int(pg.get_attribute("data-frames") or 0)  # noqa: E731
    epoch = lambda: int(pg.get_attribute("data-epoch") or -1)  # noqa: E731
    wait_for(lambda: frames() > 0, "the first frame")
    heat = pg.locator(".mgl-pg-heat")
    before = heat.evaluate("c => c.toDataURL()")
    screenshot(pg, f"{page.frontend}_playground_start.png")
    pg.locator(".mgl-pg-play").click()
    # however slowly the epochs come on a busy machine; only a run that stops fails
    wait_for(lambda: epoch() >= 20, "20 epochs shown while playing", progress=epoch)
    wait_for(lambda: heat.evaluate("c => c.toDataURL()") != before, "the picture to change")
    pg.locator(".mgl-pg-play").click()  # pause
    wait_for(lambda: not python(page, "playground.running"), "pause to stop the thread")
    assert python(page, TRAINING_THREADS) == [], "a training thread is still alive"
    stopped = python(page, "playground.run.epoch")
    wait_for(lambda: epoch() == stopped, "the last frame in the page")
    button = pg.locator(".mgl-pg-play")
    wait_for(lambda: "mgl-pg-playing" not in (button.get_attribute("class") or ""), "play again")
    assert python(page, "playground.run.epoch") == stopped, "training went on after pause"
    screenshot(pg, f"{page.frontend}_playground_trained.png")
