"""Tests for micrograd_like.viz: draw_dot, save_graph, draw_network, collapsed views.

The worked example throughout is micrograd's first picture::

    a = 2, b = -3, c = 10, f = -2
    e = a * b = -6
    d = e + c = 4
    L = d * f = -8

Backward by hand: dL/dL = 1; dL/dd = f = -2; dL/df = d = 4; dL/de = dL/dd * 1 = -2;
dL/dc = dL/dd * 1 = -2; dL/da = dL/de * b = -2 * -3 = 6; dL/db = dL/de * a = -2 * 2 = -4.
"""

from __future__ import annotations

import re

import graphviz
import pytest
from dot_source import PNG, edges_of, needs_dot, nodes_of, png_size, record

from micrograd_like.engine import Value
from micrograd_like.examples import first_picture
from micrograd_like.nn import MLP, Layer, Neuron
from micrograd_like.viz import (
    COLORS,
    HIGHLIGHT,
    GraphvizNotFound,
    display_names,
    draw_dot,
    graph_nodes,
    render,
    save_graph,
)
from micrograd_like.viz.graph import readable_size
from micrograd_like.viz.steps import backward_steps

# --------------------------------------------------------------------------------------
# draw_dot on the worked example
# --------------------------------------------------------------------------------------


def test_dot_source_holds_labels_data_grads_and_ops():
    g = first_picture()
    g["L"].backward()
    source = draw_dot(g["L"]).source
    # one record per Value, numbered parents-first: a b e c d f L
    expected = {
        "v0": "{ a | data 2 | grad 6 }",
        "v1": "{ b | data -3 | grad -4 }",
        "v2": "{ e | data -6 | grad -2 }",
        "v3": "{ c | data 10 | grad -2 }",
        "v4": "{ d | data 4 | grad -2 }",
        "v5": "{ f | data -2 | grad 4 }",
        "v6": "{ L | data -8 | grad 1 }",
    }
    for node_id, label in expected.items():
        assert record(source, node_id) == label
    nodes = nodes_of(source)
    ops = {k: re.search(r'label="?([^" ]+)"?', v).group(1) for k, v in nodes.items() if "_op" in k}
    assert ops == {"v2_op": "*", "v4_op": "+", "v6_op": "*"}
    assert len(nodes) == 7 + 3  # 7 Values, 3 ops
    edges = {(t, h) for t, h, _ in edges_of(source)}
    assert len(edges_of(source)) == 9  # 3 ops x (2 operands in + 1 result out)
    assert edges == {
        ("v0", "v2_op"), ("v1", "v2_op"), ("v2_op", "v2"),
        ("v2", "v4_op"), ("v3", "v4_op"), ("v4_op", "v4"),
        ("v4", "v6_op"), ("v5", "v6_op"), ("v6_op", "v6"),
    }  # fmt: skip
    assert "rankdir=LR" in source


def test_kinds_are_coloured_and_there_is_a_legend():
    g = first_picture()
    source = draw_dot(g["L"]).source
    nodes = nodes_of(source)
    assert COLORS["input"] in nodes["v0"]  # a: a leaf, no model, so an input
    assert COLORS["intermediate"] in nodes["v2"]  # e
    assert COLORS["output"] in nodes["v6"]  # L, the root
    legend = re.search(r"^\tlegend \[(.*)\]$", source, flags=re.M).group(1)
    assert "input (leaf)" in legend and "output (root)" in legend
    assert "parameter" not in legend  # no model, no parameters
    assert "legend" not in draw_dot(g["L"], legend=False).source


def test_parameters_of_a_model_show_short_names_numbered_from_one():
    model = MLP(2, [1], seed=0)
    out = model([1.0, -2.0])
    source = draw_dot(out, model=model).source
    params = [v for k, v in nodes_of(source).items() if COLORS["parameter"] in v]
    names = sorted(re.search(r"\{ (\S+) \|", v).group(1) for v in params)
    # layers.0.neurons.0.w.0 is layer 1, neuron 1, weight 1
    assert names == ["L1.N1.b", "L1.N1.w1", "L1.N1.w2"]
    inputs = [v for v in nodes_of(source).values() if COLORS["input"] in v]
    # the inputs meet the weights in the affine node: x1 and x2, never constants
    assert [re.search(r"\{ (\S+) \|", v).group(1) for v in inputs] == ["x1", "x2"]
    assert "L1.N2.w3: layer 1, neuron 2, weight 3" in source


def test_local_derivatives_label_the_edges_into_each_op():
    g = first_picture()
    edges = edges_of(draw_dot(g["L"], show_local_grads=True).source)
    labels = {(t, h): re.search(r"label=(\S+)", attrs).group(1) for t, h, attrs in edges if attrs}
    # de/da = b = -3, de/db = a = 2; dd/de = dd/dc = 1; dL/dd = f = -2, dL/df = d = 4
    assert labels == {
        ("v0", "v2_op"): "-3", ("v1", "v2_op"): "2",
        ("v2", "v4_op"): "1", ("v3", "v4_op"): "1",
        ("v4", "v6_op"): "-2", ("v5", "v6_op"): "4",
    }  # fmt: skip
    # and the chain rule reads off the edges: dL/da = 1 * -2 * 1 * -3 = 6


def test_precision_sets_the_significant_digits():
    x = Value(1.0 / 3.0, label="x")
    assert "data 0.3333 " in draw_dot(x).source
    assert "data 0.33 " in draw_dot(x, precision=2).source


def test_unlabelled_nodes_show_their_short_expression_else_a_short_name_in_the_legend():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    t = (a * b + a) * (b + 1.0)  # (ab + a)(b + 1): 17 characters, too long for a name
    out = t.tanh()
    nodes = graph_nodes(out)
    names = display_names(nodes)
    assert [names[v] for v in nodes if v.parents] == ["a*b", "a*b + a", "b + 1", "t1", "y"]
    source = draw_dot(out).source
    assert "t1 = (a*b + a)*(b + 1)" in source and "y = tanh(t1)" in source
    assert not re.search(r"\bv\d+ \|", source)  # no v0, v1... anywhere in a box
    assert "{ t1 | data 32 |" in source  # (6 + 2) * 4 = 32


def test_unlabelled_leaves_used_twice_are_inputs_x1_x2():
    a = Value(2.0)
    b = Value(-1.0)
    out = a * b + a + b
    names = display_names(graph_nodes(out))
    assert names[a] == "x1" and names[b] == "x2"
    assert "x1, x2: unlabelled inputs" in draw_dot(out).source


def test_a_constant_is_folded_into_its_op_with_no_box_and_no_gradient():
    b = Value(2.0, label="b")
    c = b**3 + 1  # the 3 and the 1: constants
    c.label = "c"
    c.backward()
    source = draw_dot(c).source
    ops = sorted(re.findall(r'_op \[label="([^"]+)"', source))
    assert ops == ["+ 1", "** 3"] or ops == ["** 3", "+ 1"]
    records = re.findall(r'label="\{ ([^|]+) \|', source)
    assert records == ["b", "b**3", "c"]  # no box for 3 or 1
    assert "grad 1 }" in source and "grad 12 }" in source  # dc/db = 3 b**2 = 12
    shown = draw_dot(c, show_constants=True).source
    assert len(re.findall(r'label="\{ ', shown)) == 5  # b, 3, b**3, 1, c
    assert "{ 3 | data 3 | grad " in shown  # the 3 with its own (unused) gradient


def test_a_division_folds_its_constant_and_reads_as_a_division():
    f = Value(4.0, label="f")
    g = f / 2.0  # the op /, its divisor a constant
    source = draw_dot(g).source
    assert '_op [label="/ 2"' in source
    assert len(re.findall(r'label="\{ ', source)) == 2  # f and g
    h = 10.0 / f  # 10 * f**-1, as PyTorch computes it
    assert display_names(graph_nodes(h))[h] == "y" and "y = 10/f" in draw_dot(h).source


def test_an_op_whose_backward_user_code_wrote_still_has_its_edges():
    import math

    x = Value(0.5, label="x")
    out = Value(math.sin(x.data), (x,), "sin")  # micrograd's Value(data, _children, _op)
    out.label = "s"
    edges = edges_of(draw_dot(out, show_local_grads=True).source)
    assert [(t, h) for t, h, _ in edges] == [("v1_op", "v1"), ("v0", "v1_op")]


def test_record_special_characters_are_escaped():
    x = Value(1.0, label='a|b{c}<d> "q"')
    source = draw_dot(x).source
    assert r"a\|b\{c\}\<d\> \"q\"" in source


def test_top_to_bottom_and_auto_are_allowed_other_directions_are_not():
    g = first_picture()
    assert "rankdir=TB" in draw_dot(g["L"], rankdir="TB").source
    with pytest.raises(ValueError, match="'LR'.*'TB'.*'auto'"):
        draw_dot(g["L"], rankdir="RL")


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"max_nodes": 0}, ValueError, "max_nodes"),
        ({"max_nodes": True}, TypeError, "max_nodes"),
        ({"precision": 0}, ValueError, "precision"),
        ({"precision": 2.5}, TypeError, "precision"),
        ({"collapse": "graph"}, ValueError, "collapse"),
        ({"collapse": "neuron"}, ValueError, "needs the model"),
        ({"model": 3}, TypeError, "named_parameters"),
        ({"step": "first"}, TypeError, "BackwardStep"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, words):
    with pytest.raises(error, match=words):
        draw_dot(first_picture()["L"], **kwargs)


def test_root_must_be_a_value():
    with pytest.raises(TypeError, match="draw_dot expects a Value"):
        draw_dot(3.0)


def test_a_leaf_alone_is_one_node():
    source = draw_dot(Value(5.0, label="x")).source
    assert list(nodes_of(source)) == ["v0"] and edges_of(source) == []


def test_a_deep_chain_draws_without_recursion():
    x = Value(0.5)
    for _ in range(3000):
        x = x.tanh()
    assert len(nodes_of(draw_dot(x, max_nodes=5000).source)) == 2 * 3001 - 1


# --------------------------------------------------------------------------------------
# Drawing a backward step
# --------------------------------------------------------------------------------------


def test_a_step_shows_the_grads_filled_in_so_far_and_highlights_its_node():
    g = first_picture()
    steps = list(backward_steps(g["L"]))
    source = draw_dot(g["L"], step=steps[0]).source
    # after step 1 (through L = d * f): dL/dd = -2 and dL/df = 4; e, c, a, b still 0
    assert record(source, "v4") == "{ d | data 4 | grad -2 }"
    assert record(source, "v5") == "{ f | data -2 | grad 4 }"
    assert record(source, "v2") == "{ e | data -6 | grad 0 }"
    assert record(source, "v0") == "{ a | data 2 | grad 0 }"
    nodes = nodes_of(source)
    assert HIGHLIGHT in nodes["v6"] and HIGHLIGHT in nodes["v6_op"]
    assert HIGHLIGHT not in nodes["v4"]
    assert "backward step 1/3: L = d * f" in source
    # after the last step every grad is the final one, although .grad already is too
    last = draw_dot(g["L"], step=steps[-1]).source
    assert record(last, "v0") == "{ a | data 2 | grad 6 }"
    assert HIGHLIGHT in nodes_of(last)["v2"]


def test_a_step_from_another_graph_is_refused():
    step = next(backward_steps(first_picture()["L"]))
    with pytest.raises(ValueError, match="another root"):
        draw_dot(first_picture()["L"], step=step)


# --------------------------------------------------------------------------------------
# The max_nodes guard and collapsed views
# --------------------------------------------------------------------------------------


def test_max_nodes_guard_says_how_many_and_what_to_do():
    x = Value(1.0, label="x")
    for _ in range(10):
        x = x * 1.0  # each step: a constant leaf and a product, 1 + 2 * 10 = 21 Values
    # drawn with its constants, that is 21 boxes; folded, 11
    with pytest.raises(ValueError) as info:
        draw_dot(x, max_nodes=20, show_constants=True)
    message = str(info.value)
    assert "21 Value nodes" in message and "max_nodes=20" in message
    assert message.index("collapse='neuron'") < message.index("max_nodes=21")  # first advice
    assert "'layer'" in message and "draw_network" in message
    draw_dot(x, max_nodes=21, show_constants=True)  # exactly at the limit is fine
    draw_dot(x, max_nodes=11)


def test_collapse_neuron_draws_one_box_per_neuron():
    model = MLP(3, [4, 4, 1], seed=0)
    out = model([1.0, 2.0, 3.0])
    source = draw_dot(out, model=model, collapse="neuron").source
    nodes = nodes_of(source)
    boxes = [k for k in nodes if k.startswith("box")]
    assert len(boxes) == 4 + 4 + 1
    assert len(nodes) == 3 + 9  # the 3 inputs and 9 neurons; weights are inside boxes
    assert len(edges_of(source)) == 3 * 4 + 4 * 4 + 4 * 1
    assert "label=<L1.N1<BR/>relu<BR/>data " in source
    assert COLORS["output"] in nodes[boxes[-1]]  # the output neuron is the root
    assert f"data {out.data:.4g}<BR/>" in nodes[boxes[-1]]


def test_collapse_layer_draws_one_box_per_layer():
    model = MLP(3, [4, 4, 1], seed=0)
    out = model([1.0, 2.0, 3.0])
    source = draw_dot(out, model=model, collapse="layer").source
    nodes = nodes_of(source)
    assert sorted(k for k in nodes if k.startswith("box")) == ["box0", "box1", "box2"]
    assert len(nodes) == 3 + 3
    assert len(edges_of(source)) == 3 + 1 + 1  # inputs -> layer 0 -> layer 1 -> layer 2
    assert "label=<L2<BR/>relu<BR/>data " in source


def test_collapsed_view_keeps_the_loss_nodes_and_their_ops():
    model = MLP(3, [4, 4, 1], seed=0)
    out = model([1.0, 2.0, 3.0])
    loss = out * out
    loss.label = "loss"
    loss.backward()
    source = draw_dot(loss, model=model, collapse="neuron").source
    nodes = nodes_of(source)
    assert len(nodes) == 3 + 9 + 2  # + the loss Value and its * op
    # 32 weights' edges, the output neuron twice into *, and * -> loss
    assert len(edges_of(source)) == 32 + 2 + 1
    out_box = [k for k, v in nodes.items() if "L3.N1<BR/>" in v][0]
    assert COLORS["box"] in nodes[out_box] and f"grad {2 * out.data:.4g}>" in nodes[out_box]


def test_a_batch_gives_one_box_per_neuron_call():
    model = MLP(2, [3, 1], seed=1)
    loss = model([1.0, 0.0]) + model([0.0, 1.0])
    source = draw_dot(loss, model=model, collapse="neuron").source
    nodes = nodes_of(source)
    assert sum(k.startswith("box") for k in nodes) == 2 * 4
    assert "L1.N3 (call 2)" in source
    layers = nodes_of(draw_dot(loss, model=model, collapse="layer").source)
    assert sum(k.startswith("box") for k in layers) == 2 * 2
    assert len(layers) == 2 * 2 + 2 * 2 + 2  # + 4 inputs, the root and its + op


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid", "linear"])
@pytest.mark.parametrize("fine", [False, True])
def test_collapse_finds_neurons_fused_or_fine_for_every_activation(activation, fine):
    model = MLP(2, [3, 2], activation=activation, seed=2)
    outs = model([0.5, -1.0], step_by_step=fine)
    loss = outs[0] + outs[1]
    nodes = nodes_of(draw_dot(loss, model=model, collapse="neuron").source)
    # 2 inputs, 5 neuron boxes, the loss and its op: leaky_relu's slopes are inside boxes
    assert sum(k.startswith("box") for k in nodes) == 5
    assert len(nodes) == 2 + 5 + 2


def test_collapse_with_a_step_highlights_the_box_of_the_node():
    model = MLP(2, [2, 1], seed=3)
    out = model([1.0, 2.0])
    steps = list(backward_steps(out))
    source = draw_dot(out, model=model, collapse="neuron", step=steps[0]).source
    assert HIGHLIGHT in nodes_of(source)["box2"]  # the first step is the output neuron's
    assert HIGHLIGHT not in nodes_of(source)["box0"]


def test_collapse_needs_a_model_made_of_neurons():
    class Other:
        def named_parameters(self):
            return []

    class Layers(Other):
        layers = [object()]  # layers without neurons

    for model in (Other(), Layers()):
        with pytest.raises(TypeError, match="MLP, a Layer or a Neuron"):
            draw_dot(Value(1.0) * 2.0, model=model, collapse="neuron")


def test_collapse_works_for_a_layer_or_a_neuron_too():
    layer = Layer(2, 3, activation="tanh", seed=0)
    outs = layer([1.0, -1.0])
    nodes = nodes_of(draw_dot(outs[0] + outs[2], model=layer, collapse="neuron").source)
    assert sum(k.startswith("box") for k in nodes) == 2  # neuron 1 is not in this graph
    assert "N3<BR/>tanh" in "".join(nodes.values())
    neuron = Neuron(2, activation="sigmoid", seed=0)
    nodes = nodes_of(draw_dot(neuron([1.0, 2.0]), model=neuron, collapse="layer").source)
    assert len(nodes) == 2 + 1  # 2 inputs, 1 box


def test_collapsed_view_has_its_own_max_nodes_guard():
    model = MLP(2, [3, 1], seed=1)
    loss = model([1.0, 0.0]) + model([0.0, 1.0])
    # 8 neuron boxes, 4 inputs and the root
    with pytest.raises(ValueError, match="still has 13 boxes and Values.*max_nodes=13"):
        draw_dot(loss, model=model, collapse="neuron", max_nodes=12)
    draw_dot(loss, model=model, collapse="neuron", max_nodes=13)


# --------------------------------------------------------------------------------------
# Rendering and saving
# --------------------------------------------------------------------------------------


@needs_dot
def test_save_graph_writes_png_svg_and_pdf(tmp_path):
    g = first_picture()
    graph = draw_dot(g["L"])
    png = save_graph(graph, tmp_path / "graph.png")
    assert png == str(tmp_path / "graph.png")
    assert (tmp_path / "graph.png").read_bytes().startswith(PNG)
    save_graph(graph, tmp_path / "graph.svg")
    assert b"<svg" in (tmp_path / "graph.svg").read_bytes()
    save_graph(g["L"], tmp_path / "graph.pdf", show_local_grads=True)  # a Value is drawn first
    assert (tmp_path / "graph.pdf").read_bytes().startswith(b"%PDF")


def test_save_graph_writes_dot_source_without_rendering(tmp_path):
    graph = draw_dot(first_picture()["L"])
    save_graph(graph, tmp_path / "graph.dot")
    save_graph(graph, str(tmp_path / "graph.gv"))
    assert (tmp_path / "graph.dot").read_text() == graph.source
    assert (tmp_path / "graph.gv").read_text() == graph.source


def test_save_graph_refuses_unknown_extensions_and_objects(tmp_path):
    graph = draw_dot(first_picture()["L"])
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf"):
        save_graph(graph, tmp_path / "graph.jpg")
    with pytest.raises(TypeError, match="save_graph expects"):
        save_graph("graph", tmp_path / "graph.png")
    with pytest.raises(TypeError, match="only apply when graph is a Value"):
        save_graph(graph, tmp_path / "graph.png", rankdir="TB")


@needs_dot
def test_render_gives_the_bytes_of_a_format():
    graph = draw_dot(first_picture()["L"])
    assert render(graph, "png").startswith(PNG)
    with pytest.raises(ValueError, match="fmt must be one of png, svg, pdf, got 'gif'"):
        render(graph, "gif")


@needs_dot
def test_the_digraph_shows_itself_in_jupyter_at_a_size_its_text_can_be_read():
    # Graphviz sizes in points: at 1 px per pt the boxes' 14 pt text is 14 px and the
    # legend's 12 pt is 12 px. JupyterLab would shrink the picture to the cell's width
    # unless it is "unconfined"; unconfined, a wide picture scrolls instead
    graph = draw_dot(first_picture()["L"])
    data, metadata = graph._repr_mimebundle_()
    svg = data["image/svg+xml"]
    width, height = re.search(
        r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', render(graph, "svg").decode()
    ).groups()
    assert f'<svg width="{float(width):g}px" height="{float(height):g}px"' in svg
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)}
    assert sizes == {14.0, 12.0}
    assert metadata == {"image/svg+xml": {"unconfined": True}}


def test_a_picture_with_small_text_is_enlarged_until_it_is_12_px():
    # the network's 10 pt node text: 1.2 px per pt makes it 12 px
    svg = '<svg width="200pt" height="50pt" viewBox="0 0 200 50"><text font-size="10.00">'
    assert readable_size(svg).startswith('<svg width="240px" height="60px" viewBox="0 0 200 50"')


# --------------------------------------------------------------------------------------
# Size and layout
# --------------------------------------------------------------------------------------


def readme_expression() -> Value:
    from micrograd_like.gallery import readme_expression as build

    g = build()
    g.backward()
    return g


@needs_dot
def test_the_readme_expression_fits_1600_pixels_with_text_as_large_as_micrograds():
    g = readme_expression()
    graph = draw_dot(g)
    source = graph.source
    # Graphviz's default 14 pt, the size micrograd's picture uses, for boxes and ops alike
    assert "node [fontsize=14]" in source
    assert not re.search(r"^\tv\d+(_op)? \[[^\]]*fontsize", source, flags=re.M)
    width, height = png_size(render(graph, "png"))
    assert width <= 1600, (width, height)
    width, _ = png_size(render(draw_dot(g, show_local_grads=True), "png"))
    assert width <= 1600
    assert "rankdir=TB" in source  # "auto" found left to right too wide


@needs_dot
def test_a_small_graph_still_runs_left_to_right_as_micrograd_draws_it():
    graph = draw_dot(first_picture()["L"])
    assert "rankdir=LR" in graph.source
    width, height = png_size(render(graph, "png"))
    assert width <= 1600 and width > height


@needs_dot
def test_compact_writes_each_op_in_its_box_and_makes_the_picture_shorter():
    g = readme_expression()
    compact = draw_dot(g, compact=True)
    assert "_op" not in compact.source
    assert "{ ** 3 | x2**3 | data 8 | grad 83.3 }" in compact.source
    _, tall = png_size(render(draw_dot(g), "png"))
    width, short = png_size(render(compact, "png"))
    assert short < 0.9 * tall and width <= 1600


def test_rankdir_can_be_forced_either_way():
    g = readme_expression()
    assert "rankdir=LR" in draw_dot(g, rankdir="LR").source
    assert "rankdir=TB" in draw_dot(first_picture()["L"], rankdir="TB").source


def test_without_dot_the_source_still_works_and_rendering_says_how_to_install(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` to be found
    graph = draw_dot(first_picture()["L"])
    assert "digraph" in graph.source
    save_graph(graph, tmp_path / "graph.dot")  # needs no dot
    with pytest.raises(GraphvizNotFound):
        render(graph, "svg")
    with pytest.raises(GraphvizNotFound) as info:
        save_graph(graph, tmp_path / "graph.png")
    assert isinstance(info.value, RuntimeError)
    assert isinstance(info.value.__cause__, graphviz.ExecutableNotFound)
    message = str(info.value)
    assert "`dot`" in message and "apt-get install graphviz" in message
    assert "brew install graphviz" in message and "conda install -c conda-forge graphviz" in message
    bundle = graph._repr_mimebundle_()  # Jupyter shows the advice and the source
    assert "apt-get install graphviz" in bundle["text/plain"]
    assert not (tmp_path / "graph.png").exists()
