"""Backprop to share without a kernel: the step player as one HTML file, and as an animation.

The worked example is the lecture's neuron (micrograd_like.examples.lecture_neuron)::

    n = x1*w1 + x2*w2 + b = 0.8814,  o = tanh(n) = 0.7071

Its backward pass has 5 steps: o, n, the sum x1*w1 + x2*w2, then x2*w2 and x1*w1, whose
parents are the leaves. The browser tests (tests/browser/test_player_in_browser.py) play
the same file in Chromium.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from dot_source import png_size

from micrograd_like.engine import Value
from micrograd_like.examples import lecture_neuron
from micrograd_like.viz.animation import frame_graph, save_steps_animation
from micrograd_like.viz.graph import render
from micrograd_like.viz.player import page_svg, player_html, save_steps_html, step_frames

needs_dot = pytest.mark.skipif(
    __import__("shutil").which("dot") is None, reason="Graphviz's dot is not installed"
)


def frames_of(page: str) -> list[tuple[str, str]]:
    """(words, picture) of each step a player page lists."""
    found = re.findall(
        r'<div class="mgl-frame"><pre class="mgl-text">(.*?)</pre>'
        r'<div class="mgl-picture">(.*?)</div></div>',
        page,
        flags=re.S,
    )
    return [(words.replace("&gt;", ">").replace("&lt;", "<"), svg) for words, svg in found]


# --------------------------------------------------------------------------------------
# save_steps_html
# --------------------------------------------------------------------------------------


@needs_dot
def test_save_steps_html_writes_every_step_words_and_picture_in_one_file(tmp_path: Path):
    nodes = lecture_neuron()
    path = save_steps_html(nodes["o"], tmp_path / "backprop.html")
    assert path == str(tmp_path / "backprop.html")
    page = Path(path).read_text(encoding="utf-8")
    frames = frames_of(page)
    assert [words.splitlines()[0] for words, _ in frames] == [
        "step 1/5: o = tanh(n), with do/do = 1.0",
        "step 2/5: n = (x1*w1 + x2*w2) + b, with do/dn = 0.5",
        "step 3/5: x1*w1 + x2*w2, with do/d(x1*w1 + x2*w2) = 0.5",
        "step 4/5: x2*w2, with do/d(x2*w2) = 0.5",
        "step 5/5: x1*w1, with do/d(x1*w1) = 0.5",
    ]
    # the last step: do/dx1 = 0.5 * w1 = -1.5, do/dw1 = 0.5 * x1 = 1
    assert frames[4][0].splitlines()[1:] == [
        "  do/dx1 += do/d(x1*w1) * d(x1*w1)/dx1 = 0.5 * -3.0 = -1.5",
        "  do/dw1 += do/d(x1*w1) * d(x1*w1)/dw1 = 0.5 * 2.0 = 1.0",
    ]
    for _, svg in frames:
        assert svg.startswith("<svg") and 'class="node mgl&#45;current"' in svg
    assert "<script>" in page and "function mglPlayer" in page and page.startswith("<!doctype")
    assert nodes["x1"].grad == pytest.approx(-1.5)  # it ran the backward pass


@needs_dot
def test_the_player_loads_nothing_from_another_host(tmp_path: Path):
    page = Path(save_steps_html(lecture_neuron()["o"], tmp_path / "b.html")).read_text()
    # only the SVG namespace names a web address, and a namespace is never fetched
    assert not re.search(r"""(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?//""", page)
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }


@needs_dot
def test_at_the_last_step_the_leaves_just_updated_are_marked_for_the_player(tmp_path: Path):
    # step 5 handles x1*w1 and passes gradients to the leaves x1 and w1: the player
    # scrolls every node marked mgl-current or mgl-updated into view
    frames = frames_of(
        Path(save_steps_html(lecture_neuron()["o"], tmp_path / "b.html")).read_text()
    )
    last = frames[4][1]
    updated = re.findall(
        r'<g id="node\d+" class="node mgl&#45;updated">\s*<polygon[^>]*/>\s*<text[^>]*>([^<]+)</text>',
        last,
    )
    assert sorted(updated) == ["w1", "x1"]
    current = re.findall(r'class="node mgl&#45;current"', last)
    assert len(current) == 2  # the box of x1*w1 and its * node


@needs_dot
def test_the_pictures_are_at_one_pixel_per_point_so_text_is_14_px(tmp_path: Path):
    graph = step_frames(lecture_neuron()["o"]).graphs[0]
    svg = page_svg(graph)
    width = re.search(r'<svg width="([\d.]+)pt"', render(graph, "svg").decode()).group(1)
    assert svg.startswith(f'<svg width="{float(width):g}px"')
    assert "<title>" not in svg and "<!--" not in svg and "<?xml" not in svg


def test_save_steps_html_refuses_bad_input_with_a_clear_message(tmp_path: Path):
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match=r"path must end in \.html or \.htm, got '.*b\.txt'"):
        save_steps_html(x * 2, tmp_path / "b.txt")
    with pytest.raises(TypeError, match="path must be a str or a path, got int"):
        save_steps_html(x * 2, 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="save_steps_html expects a Value as root, got float"):
        save_steps_html(1.0, tmp_path / "b.html")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="save_steps_html: root is a leaf"):
        save_steps_html(x, tmp_path / "b.html")
    with pytest.raises(ValueError, match="interval_ms must be"):
        save_steps_html(x * 2, tmp_path / "b.html", interval_ms=0)
    assert not list(tmp_path.iterdir())  # nothing written


def test_player_html_needs_one_picture_per_text():
    with pytest.raises(ValueError, match="one picture per text, at least one: got 2 texts and 1"):
        player_html(["a", "b"], ["<svg/>"])
    with pytest.raises(ValueError, match="got 0 texts"):
        player_html([], [])


def test_without_dot_the_player_still_has_every_steps_words(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))
    page = Path(save_steps_html(lecture_neuron()["o"], tmp_path / "b.html")).read_text()
    frames = frames_of(page)
    assert len(frames) == 5 and all("dot program is missing" in svg for _, svg in frames)


# --------------------------------------------------------------------------------------
# step_widget's output: the live widget, and the same player for pages without a kernel
# --------------------------------------------------------------------------------------


@needs_dot
def test_step_widgets_output_carries_the_player_of_the_same_steps():
    pytest.importorskip("anywidget")
    from micrograd_like.widgets import step_widget

    w = step_widget(lecture_neuron()["o"])
    data, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data  # JupyterLab: the live widget
    frames = frames_of(data["text/html"])  # nbconvert, nbviewer, the docs: the player
    assert [words for words, _ in frames] == w.texts
    assert [svg for _, svg in frames] == w.svgs
    assert data["text/html"] is w.html()  # made once


@needs_dot
def test_a_long_walks_player_draws_the_pictures_the_widget_sends_later():
    pytest.importorskip("anywidget")
    from micrograd_like.widgets.stepper import PRERENDER, step_widget

    y = Value(0.5, label="x")
    for k in range(1, PRERENDER + 3):
        y = y.tanh()
        y.label = f"t{k}"
    w = step_widget(y)
    assert w.svgs[1] == ""  # the widget gets it when it is shown
    frames = frames_of(w.html())
    assert len(frames) == PRERENDER + 2 and all(svg.startswith("<svg") for _, svg in frames)
    assert f"step {PRERENDER + 2}/{PRERENDER + 2}: t1 = tanh(x)" in frames[-1][0]


# --------------------------------------------------------------------------------------
# save_steps_animation
# --------------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("ending", [".gif", ".png", ".webp"])
def test_save_steps_animation_writes_one_frame_per_step(tmp_path: Path, ending: str):
    image = pytest.importorskip("PIL.Image")
    features = pytest.importorskip("PIL.features")
    if ending == ".webp" and not features.check("webp"):
        pytest.skip("this Pillow has no WebP")
    nodes = lecture_neuron()
    path = save_steps_animation(nodes["o"], tmp_path / f"backprop{ending}", interval_ms=800)
    graphs = step_frames(lecture_neuron()["o"]).graphs
    with image.open(path) as animation:
        assert animation.n_frames == 5 and animation.info["loop"] == 0
        # readable: at 96 dpi a point is 4/3 pixel, so the boxes' 14 pt text is 18.7 px;
        # every frame is at least as large as the largest graph at that size
        widths, heights = zip(*(png_size(render(g, "png")) for g in graphs))
        assert animation.width >= max(widths) and animation.height > max(heights)
        pictures = []
        for k in range(animation.n_frames):
            animation.seek(k)
            pictures.append(animation.convert("RGB").tobytes())
        assert len(set(pictures)) == 5  # each step its own picture
    assert nodes["o"].grad == 1.0


@needs_dot
def test_a_frame_is_the_steps_graph_under_its_words():
    frames = step_frames(lecture_neuron()["o"])
    frame = frame_graph(frames.graphs[4], frames.texts[4])
    assert "step 5/5: x1*w1, with do/d(x1*w1) = 0.5\\l" in frame.source
    assert "  do/dx1 += do/d(x1*w1) * d(x1*w1)/dx1 = 0.5 * -3.0 = -1.5\\l" in frame.source
    assert frames.graphs[4].source != frame.source  # the step's own graph is left as it was


def test_save_steps_animation_refuses_bad_input_with_a_clear_message(tmp_path: Path):
    x = Value(1.0, label="x")
    with pytest.raises(ValueError, match=r"path must end in \.gif, \.png or \.webp, got '.*\.mp4'"):
        save_steps_animation(x * 2, tmp_path / "b.mp4")
    with pytest.raises(ValueError, match="save_steps_animation: root is a leaf"):
        save_steps_animation(x, tmp_path / "b.gif")
    with pytest.raises(ValueError, match="interval_ms must be"):
        save_steps_animation(x * 2, tmp_path / "b.gif", interval_ms=1)


def test_without_pillow_save_steps_animation_says_what_to_install(monkeypatch, tmp_path: Path):
    monkeypatch.setitem(sys.modules, "PIL", None)  # as if not installed
    with pytest.raises(ImportError, match=r"needs Pillow.*pip install 'micrograd-like\[plot\]'"):
        save_steps_animation(Value(1.0) * 2, tmp_path / "b.gif")
