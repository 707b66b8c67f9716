"""draw_network: an MLP's neurons and how they connect, and each neuron's heatmap over
the input plane, as TF Playground shows it."""

from __future__ import annotations

import re

import pytest
from dot_source import PNG, edges_of, needs_dot, png_size

from micrograd_like.engine import Value
from micrograd_like.nn import MLP
from micrograd_like.viz import (
    NEGATIVE,
    POSITIVE,
    draw_network,
    render,
    save_graph,
)

# --------------------------------------------------------------------------------------
# draw_network
# --------------------------------------------------------------------------------------


def network_nodes(source: str) -> dict[str, str]:
    """{node id: label} of draw_network's neurons."""
    found = re.findall(r'^\t(n\d+_\d+) \[label=(?:"([^"]*)"|(\S+))', source, flags=re.M)
    return {node: quoted or bare for node, quoted, bare in found}


def test_network_has_a_circle_per_neuron_and_an_edge_per_weight():
    model = MLP(3, [4, 4, 1], seed=0)
    source = draw_network(model).source
    assert len(network_nodes(source)) == 3 + 4 + 4 + 1
    edges = edges_of(source)
    assert len(edges) == 3 * 4 + 4 * 4 + 4 * 1
    for title in ("input", "hidden 1\\n(relu)", "hidden 2\\n(relu)", "output\\n(linear)"):
        assert f'label="{title}"' in source or f"label={title} " in source
    assert "edge [arrowhead=none]" in source  # no arrowhead ever covers a number


def test_network_edges_show_sign_by_colour_and_strength_by_width_and_fading():
    model = MLP(2, [2], seed=4)
    w = [n.w for n in model.layers[0].neurons]
    w[0][0].data, w[0][1].data, w[1][0].data, w[1][1].data = 0.5, -2.0, 1.0, -0.25
    edges = {(t, h): attrs for t, h, attrs in edges_of(draw_network(model).source)}
    # strength s = |w| / max|w| (max 2); penwidth = 0.4 + 3.6 s; alpha = 0.06 + 0.94 s**2
    # w = 0.5: s = 0.25, width 1.30, alpha 0.119 -> 30 = 0x1e; w = -2: s = 1, alpha ff
    assert f'color="{POSITIVE}1e"' in edges[("n0_0", "n1_0")]
    assert "penwidth=1.30" in edges[("n0_0", "n1_0")]
    assert f'color="{NEGATIVE}ff"' in edges[("n0_1", "n1_0")]
    assert "penwidth=4.00" in edges[("n0_1", "n1_0")]
    # w = 1: s = 0.5, alpha 0.295 -> 75 = 0x4b; w = -0.25: s = 0.125, alpha 0.0747 -> 0x13
    assert "penwidth=2.20" in edges[("n0_0", "n1_1")] and f"{POSITIVE}4b" in edges[("n0_0", "n1_1")]
    assert "penwidth=0.85" in edges[("n0_1", "n1_1")] and f"{NEGATIVE}13" in edges[("n0_1", "n1_1")]
    assert 'tooltip="L1.N2.w2 = -0.25"' in edges[("n0_1", "n1_1")]  # layer 1, neuron 2
    plain = {(t, h): a for t, h, a in edges_of(draw_network(model, fade=False).source)}
    assert f'color="{POSITIVE}"' in plain[("n0_0", "n1_0")]
    # a threshold leaves the weak weights out: |w| < 0.6 drops 0.5 and -0.25
    kept = {(t, h) for t, h, _ in edges_of(draw_network(model, threshold=0.6).source)}
    assert kept == {("n0_1", "n1_0"), ("n0_0", "n1_1")}
    assert "|w| < 0.6 not drawn" in draw_network(model, threshold=0.6).source


def test_network_shows_every_bias_and_with_an_input_each_activation():
    model = MLP(2, [2, 3], activation="tanh", output_activation="softmax", seed=5)
    model.layers[0].neurons[1].b.data = 0.25
    x = [0.5, -1.0]
    source = draw_network(model, x=x).source
    assert 'label="output\\n(softmax)"' in source and 'label="hidden 1\\n(tanh)"' in source
    probs = [p.data for p in model(x)]
    hidden = model.layers[0]([0.5, -1.0])
    nodes = network_nodes(source)
    assert nodes["n0_0"] == "x1\n0.5" and nodes["n0_1"] == "x2\n-1"
    assert nodes["n1_0"] == f"{hidden[0].data:.3g}\nb 0"
    assert nodes["n1_1"] == f"{hidden[1].data:.3g}\nb 0.25"
    assert [nodes[f"n2_{j}"] for j in range(3)] == [f"{p:.3g}\nb 0" for p in probs]
    assert network_nodes(draw_network(model).source)["n1_1"] == "b 0.25"  # without x


@needs_dot
def test_network_biases_are_in_the_png_and_the_svg_text():
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[2].b.data = -0.125
    graph = draw_network(model)
    assert ">b &#45;0.125<" in render(graph, "svg").decode()  # a text element, not a tooltip
    plain = graph.pipe(format="plain").decode()  # what the PNG draws: node labels
    assert any(line.startswith("node n1_2 ") and "b -0.125" in line for line in plain.splitlines())


@needs_dot
def test_no_network_edge_crosses_a_title_or_another_node():
    model = MLP(2, [16, 16, 1], seed=0)
    plain = draw_network(model).pipe(format="plain").decode().splitlines()
    boxes = {}  # node id -> (x0, y0, x1, y1) in inches
    for parts in (line.split() for line in plain):
        if parts[0] == "node":
            x, y, w, h = map(float, parts[2:6])
            boxes[parts[1]] = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
    titles = [k for k in boxes if k.startswith("title")]
    lowest_title = min(boxes[t][1] for t in titles)
    highest_node = max(b[3] for k, b in boxes.items() if not k.startswith("title"))
    assert lowest_title > highest_node  # every edge runs between nodes, below the titles
    for tail, head, _ in edges_of(draw_network(model).source):
        (tx, ty), (hx, hy) = [
            ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b in (boxes[tail], boxes[head])
        ]
        for k, (x0, _, x1, _) in boxes.items():
            if k in (tail, head) or k.startswith("title"):
                continue
            # a straight edge between neighbouring columns never enters a third node
            assert not (min(tx, hx) < (x0 + x1) / 2 < max(tx, hx)), (tail, head, k)


@needs_dot
def test_network_svg_has_no_arrowheads():
    svg = render(draw_network(MLP(2, [4, 1], seed=0)), "svg").decode()
    edges = re.findall(r'<g id="edge\d+" class="edge">(.*?)</g>', svg, flags=re.S)
    assert len(edges) == 2 * 4 + 4 and not any("<polygon" in e for e in edges)


@needs_dot
def test_network_columns_keep_their_order_top_down():
    model = MLP(3, [4, 4, 1], seed=0)
    plain = draw_network(model).pipe(format="plain").decode()
    y = {p[1]: float(p[3]) for p in (line.split() for line in plain.splitlines()) if p[0] == "node"}
    for col, size in enumerate([3, 4, 4, 1]):
        ys = [y[f"n{col}_{j}"] for j in range(size)]
        assert ys == sorted(ys, reverse=True)  # x1 on top, then x2, ...


@needs_dot
def test_network_renders_to_png(tmp_path):
    save_graph(draw_network(MLP(3, [4, 4, 1], seed=0), x=[1, 2, 3]), tmp_path / "net.png")
    assert (tmp_path / "net.png").read_bytes().startswith(PNG)


def test_network_checks_its_arguments():
    model = MLP(3, [4, 1], seed=0)
    with pytest.raises(TypeError, match="draw_network expects an MLP, got Value"):
        draw_network(Value(1.0))
    with pytest.raises(ValueError, match="x has 2 values but the network takes 3 inputs"):
        draw_network(model, x=[1.0, 2.0])
    with pytest.raises(TypeError, match=r"x\[1\] must be a number, got bool"):
        draw_network(model, x=[1.0, True, 2.0])
    with pytest.raises(ValueError, match=r"x\[2\] must be finite"):
        draw_network(model, x=[1.0, 2.0, float("nan")])
    with pytest.raises(TypeError, match="x must be a list of 3 numbers"):
        draw_network(model, x="abc")


def test_network_takes_a_numpy_row_as_input():
    np = pytest.importorskip("numpy")
    model = MLP(2, [2, 1], seed=0)
    x = np.array([[0.5, -1.0]])[0]
    assert draw_network(model, x=x).source == draw_network(model, x=[0.5, -1.0]).source


def test_drawing_records_no_graph():
    model = MLP(2, [2, 1], seed=0)
    draw_network(model, x=[1.0, 1.0])
    assert all(p.grad == 0.0 for p in model.parameters())


# --------------------------------------------------------------------------------------
# draw_network(heatmaps=True): each neuron over the input plane, as TF Playground shows it
# --------------------------------------------------------------------------------------


def heatmap_files(source: str) -> dict[str, str]:
    """{node id: PNG file} of the images inside the nodes."""
    return dict(re.findall(r'^\t(n\d+_\d+) \[label=<.*?<IMG SRC="([^"]+)"', source, flags=re.M))


def test_heatmaps_put_an_image_in_every_node():
    pytest.importorskip("matplotlib")
    model = MLP(2, [4, 1], seed=0)
    graph = draw_network(model, heatmaps=True)
    files = heatmap_files(graph.source)
    assert sorted(files) == ["n0_0", "n0_1", "n1_0", "n1_1", "n1_2", "n1_3", "n2_0"]
    for path in files.values():
        with open(path, "rb") as f:
            assert f.read(8) == PNG
    assert "b 0" in graph.source  # the bias is still written under the image


def test_the_output_heatmap_is_the_decision_boundary():
    image = pytest.importorskip("matplotlib.image")
    # output = x1 - 0.5 (linear): negative (orange) left of x1 = 0.5, positive (blue) right
    model = MLP(2, [1], seed=0)
    n = model.layers[0].neurons[0]
    n.w[0].data, n.w[1].data, n.b.data = 1.0, 0.0, -0.5
    graph = draw_network(model, heatmaps=True, data=[[-1.5, -1.0], [2.5, 1.0]])
    pixels = image.imread(heatmap_files(graph.source)["n1_0"])
    h, w = pixels.shape[:2]
    # the plane is [-1.9, 2.9] across (the data plus 10%): x1 = 0.5 is at 50% of the width
    left, right = pixels[h // 2, w // 8], pixels[h // 2, 7 * w // 8]
    assert left[0] > left[2]  # orange: more red than blue on the negative side
    assert right[2] > right[0]  # blue: more blue than red on the positive side
    boundary = pixels[h // 4, int(w * 0.5) - 2 : int(w * 0.5) + 3, :3].sum(axis=-1).min()
    assert boundary < 0.6  # the black line along output = 0


@needs_dot
def test_heatmaps_are_embedded_in_the_svg_and_drawn_in_the_png():
    pytest.importorskip("matplotlib")
    graph = draw_network(MLP(2, [3, 1], seed=0), x=[0.5, 0.5], heatmaps=True)
    svg = render(graph, "svg").decode()
    assert svg.count("data:image/png;base64,") == 2 + 3 + 1
    assert "micrograd_like_heatmaps_" not in svg  # no path to a temporary file
    jupyter = graph._repr_mimebundle_()[0]["image/svg+xml"]
    assert jupyter.count("data:image/png;base64,") == 6
    assert re.search(r'<svg width="[\d.]+px"', jupyter)
    width, height = png_size(render(graph, "png"))
    assert 300 < width < 1600 and height > 200


def test_heatmaps_need_two_inputs_and_draw_under_no_grad():
    pytest.importorskip("matplotlib")
    with pytest.raises(ValueError, match="needs 2 inputs; this one has 3"):
        draw_network(MLP(3, [2, 1], seed=0), heatmaps=True)
    model = MLP(2, [2, 1], seed=0)
    draw_network(model, heatmaps=True)
    assert all(p.grad == 0.0 for p in model.parameters())
    with pytest.raises(TypeError, match="heatmaps must be a bool"):
        draw_network(model, heatmaps="yes")
    with pytest.raises(ValueError, match="threshold must be a finite number >= 0"):
        draw_network(model, threshold=-1.0)
