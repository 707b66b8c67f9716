"""Every picture of the library uses one colour convention, TensorFlow Playground's:
orange for negative, class 0 and -1; blue for positive, class 1 and +1
(micrograd_like.viz.colors). Each picture is asked what colour it gave a negative and a
positive thing, and its legend is read.

The worked example is one neuron with output s = x1 - 0.5 on the plane: negative (class
0) left of x1 = 0.5, positive (class 1) right of it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_like.nn import MLP
from micrograd_like.viz import draw_network
from micrograd_like.viz.colors import LEGEND, NEGATIVE, NEUTRAL, POSITIVE, label_color, shade

image = pytest.importorskip("matplotlib.image")
colors = pytest.importorskip("matplotlib.colors")

OLD_RED = (0xD6, 0x27, 0x28)  # the red that once meant "negative" in draw_network


def rgb(color: str) -> tuple[float, float, float]:
    return tuple(round(255 * c) for c in colors.to_rgb(color))  # type: ignore[return-value]


def nearer(pixel, a: str, b: str) -> bool:
    """Is the pixel (floats 0..1) nearer colour ``a`` than colour ``b``?"""
    p = [255 * c for c in pixel[:3]]
    dist = [sum((x - y) ** 2 for x, y in zip(p, rgb(c))) for c in (a, b)]
    return dist[0] < dist[1]


def x1_minus_half() -> MLP:
    model = MLP(2, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.w[1].data, neuron.b.data = 1.0, 0.0, -0.5
    return model


POINTS = [[-1.5, -1.0], [-1.0, 1.0], [2.0, -1.0], [2.5, 1.0]]
LABELS = [0, 0, 1, 1]


def test_the_convention_itself():
    assert shade(-1.0) == NEGATIVE and shade(1.0) == POSITIVE and shade(0.0) == NEUTRAL
    assert label_color(0) == label_color(-1) == NEGATIVE and label_color(1) == POSITIVE
    assert nearer(colors.to_rgb(NEGATIVE), "orange", "blue")
    assert nearer(colors.to_rgb(POSITIVE), "blue", "orange")
    assert LEGEND.startswith("orange: negative, class 0") and "blue: positive, class 1" in LEGEND


def test_draw_network_edges_and_heatmaps_and_legend():
    model = MLP(2, [2, 1], seed=0)
    first = model.layers[0].neurons[0]
    first.w[0].data, first.w[1].data = 0.7, -0.7
    source = draw_network(model).source
    edges = dict(re.findall(r"^\t(n0_\d -> n1_0) \[color=\"(#\w{6})", source, flags=re.M))
    assert edges == {"n0_0 -> n1_0": POSITIVE.lower(), "n0_1 -> n1_0": NEGATIVE.lower()}
    assert LEGEND in source
    # the output's heatmap: orange where s < 0 (class 0), blue where s > 0 (class 1)
    graph = draw_network(x1_minus_half(), heatmaps=True, data=POINTS)
    (path,) = re.findall(r'n1_0 \[label=<.*?<IMG SRC="([^"]+)"', graph.source)
    pixels = image.imread(path)
    h, w = pixels.shape[:2]
    assert nearer(pixels[h // 2, w // 10], NEGATIVE, POSITIVE)
    assert nearer(pixels[h // 2, 9 * w // 10], POSITIVE, NEGATIVE)
    assert LEGEND in graph.source


def test_plot_decision_boundary_shades_and_points_and_legend():
    from micrograd_like.viz.plots import plot_decision_boundary

    fig = plot_decision_boundary(x1_minus_half(), POINTS, LABELS, resolution=41)
    ax = fig.axes[0]
    (shading,) = ax.get_images()
    x0, x1, _, _ = shading.get_extent()
    rows = shading.get_array()
    middle = rows[len(rows) // 2]
    column = lambda x: round((x - x0) / (x1 - x0) * (len(middle) - 1))  # noqa: E731
    assert nearer(middle[column(-1.5)], NEGATIVE, POSITIVE)  # class 0's side
    assert nearer(middle[column(2.5)], POSITIVE, NEGATIVE)  # class 1's side
    faces = {
        c.get_label(): colors.to_hex(c.get_facecolor()[0])
        for c in ax.collections
        if c.get_label().startswith("class")
    }
    assert faces == {"class 0": NEGATIVE, "class 1": POSITIVE}
    assert ax.get_legend().get_title().get_text() == LEGEND.replace(" · ", "\n")


@pytest.fixture(scope="module")
def demo_pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    subprocess.run(
        [sys.executable, "-m", "micrograd_like", "demo", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def count_near(pixels, color: tuple[float, float, float], within: float = 24.0) -> int:
    """How many pixels are within ``within`` (in 0..255 units) of ``color``."""
    p = pixels[..., :3] * 255.0
    d = ((p - color) ** 2).sum(axis=-1)
    return int((d < within**2).sum())


@pytest.mark.parametrize("name", ["decision_boundary.png", "network.png"])
def test_the_demos_pictures_are_orange_and_blue_and_never_red(demo_pictures, name):
    pixels = image.imread(demo_pictures / name)
    assert count_near(pixels, rgb(NEGATIVE)) > 100, "no orange in the picture"
    assert count_near(pixels, rgb(POSITIVE)) > 100, "no blue in the picture"
    assert count_near(pixels, OLD_RED, 40.0) == 0, "red still means something here"


def test_the_playground_draws_with_the_conventions_colours_and_legend():
    pytest.importorskip("anywidget")
    from micrograd_like.widgets.playground import HERE, palette

    p = palette()
    assert (p["negative"], p["positive"], p["neutral"], p["legend"]) == (
        NEGATIVE,
        POSITIVE,
        NEUTRAL,
        LEGEND,
    )
    # its colour scale runs from orange (-1) through the pale grey (0) to blue (+1)
    assert p["scale"][0] == NEGATIVE and p["scale"][-1] == POSITIVE
    assert p["scale"][128] == shade(128 / 127.5 - 1.0) and len(p["scale"]) == 256
    # the page draws with the palette it is sent, and has no colour of its own for signs
    page = (HERE / "playground.js").read_text().lower()
    for color in (NEGATIVE, POSITIVE, NEUTRAL, "#d62728", "#1f77b4"):
        assert color.lower() not in page
    assert 'model.get("palette")' in page and "palette.legend" in page
    # the points: class 0 at -1 on that scale (orange), class 1 at +1 (blue)
    from micrograd_like.widgets import TrainingRun
    from micrograd_like.widgets.playground import frame

    run = TrainingRun(n_samples=20)
    message, _ = frame(run, full=True)
    tones = {label: tone for (_, _, tone), label in zip(message["points"]["train"], run.y_train)}
    assert tones == {0: -1.0, 1: 1.0}
