"""Every picture the library draws from a graph shows the numbers of a fresh backward().

A learner checks each number of a picture against the chain rule, so a gradient left
over from an earlier ``backward()`` (training leaves them in every weight) makes a wrong
picture. Each test draws a picture the way the library does, then zeroes every gradient,
runs ``backward()`` afresh and reads the picture's numbers back against it.
"""

from __future__ import annotations

import io
import re

import pytest

from micrograd_like.cli.demo import neuron_graph
from micrograd_like.data import make_moons, signed_labels
from micrograd_like.engine import Value, no_grad, topological_order
from micrograd_like.examples import first_picture
from micrograd_like.gallery import readme_expression
from micrograd_like.nn import MLP
from micrograd_like.train import fit
from micrograd_like.viz import draw_dot, draw_network, graph_nodes
from micrograd_like.viz.steps import backward_steps, explain


def shown(source: str) -> dict[str, tuple[str, str, str]]:
    """{node id: (name, data, grad)} for every Value box of a draw_dot picture."""
    found = {}
    for node_id, label in re.findall(r'^\t(v\d+) \[label="\{ (.*?) \}"', source, flags=re.M):
        fields = label.split(" | ")
        found[node_id] = (fields[-3], fields[-2].removeprefix("data "), fields[-1][5:])
    return found


def fresh_grads(root: Value) -> dict[Value, float]:
    """Every node's gradient from a backward() that starts from zero everywhere."""
    nodes = graph_nodes(root)
    for v in nodes:
        v.grad = 0.0
    root.backward()
    return {v: v.grad for v in nodes}


def assert_picture_matches(source: str, root: Value, grads: dict[Value, float]) -> int:
    """Each box's data and grad are the node's, to the 4 digits drawn; returns the count."""
    nodes = graph_nodes(root)
    boxes = shown(source)
    assert boxes, "no Value box in the picture"
    for node_id, (name, data, grad) in boxes.items():
        v = nodes[int(node_id[1:])]
        assert data == f"{v.data:.4g}", (name, data, v.data)
        assert grad == f"{grads[v]:.4g}", (name, grad, grads[v])
    return len(boxes)


def test_the_readme_expression_picture_shows_a_fresh_backward():
    g = readme_expression()
    g.backward()
    pictures = [draw_dot(g), draw_dot(g, show_local_grads=True), draw_dot(g, compact=True)]
    sources = [p.source for p in pictures] + [draw_dot(g, show_constants=True).source]
    grads = fresh_grads(g)
    for source in sources:
        assert assert_picture_matches(source, g, grads) >= 25
    # the README's own numbers: dg/da = 138.83..., dg/db = 645.57...
    assert "{ x1 | data -4 | grad 138.8 }" in sources[0]
    assert "{ x2 | data 2 | grad 645.6 }" in sources[0]


def test_the_demo_neuron_picture_shows_fresh_gradients_after_training():
    X, labels = make_moons(30, noise=0.1, seed=0)
    model = MLP(2, [16, 16, 1], seed=0)
    fit(model, X, signed_labels(labels), loss="hinge", epochs=3, progress=False)
    assert any(p.grad != 0.0 for p in model.parameters())  # training left gradients behind
    a, graph = neuron_graph(model, X[0])
    source = graph.source
    grads = fresh_grads(a)
    assert assert_picture_matches(source, a, grads) == 2 * 2 + 2 + 1 + 1 + 1 + 1
    # a = relu(w1 x1 + w2 x2 + b), active on this input: da/dw1 = x1, da/db = 1
    assert f"{{ w1 | data {a.parents[0].parents[0].parents[0].parents[0].data:.4g} |" in source
    assert re.search(r"\{ b \| data \S+ \| grad 1 \}", source)
    x1 = f"{X[0][0]:.4g}"
    assert re.search(rf"\{{ w1 \| data \S+ \| grad {re.escape(x1)} \}}", source)


def test_every_step_picture_shows_the_chain_rule_so_far_and_the_last_a_fresh_backward():
    g = readme_expression()
    g.backward()
    g.backward()  # a stale second pass: the steps start from zero all the same
    steps = list(backward_steps(g))
    # the chain rule by hand, one node at a time, in the order backward() takes
    running = {v: 0.0 for v in graph_nodes(g)}
    running[g] = 1.0
    for step, v in zip(steps, reversed(topological_order(g))):
        assert step.node is v
        if running[v]:
            for p, local in zip(v.parents, v.local_grads):
                running[p] += local * running[v]
        source = draw_dot(g, step=step).source
        assert_picture_matches(source, g, running)
    assert_picture_matches(draw_dot(g, step=steps[-1]).source, g, fresh_grads(g))


def test_the_worked_example_picture_after_repeated_backward_calls_is_refreshed_by_steps():
    g = first_picture()
    g["L"].backward()
    g["L"].backward()  # leaves now hold twice their gradient: a = 12
    assert "grad 12 }" in draw_dot(g["L"]).source  # draw_dot shows .grad as it is...
    steps = list(backward_steps(g["L"]))  # ...and backward_steps starts again from zero
    source = draw_dot(g["L"], step=steps[-1]).source
    assert "{ a | data 2 | grad 6 }" in source
    assert_picture_matches(source, g["L"], fresh_grads(g["L"]))


def neuron_output(nodes: list[Value], neuron) -> Value:
    """The output of ``neuron`` in a graph: its affine node, then its activation."""
    (z,) = [v for v in nodes if v.op == "affine" and neuron.b in v.parents]
    after = [v for v in nodes if v.op == neuron.activation and v.parents[0] is z]
    return after[0] if after else z


@pytest.mark.parametrize("collapse", ["neuron", "layer"])
def test_collapsed_boxes_show_the_fresh_gradients_of_their_neurons(collapse):
    model = MLP(2, [4, 3, 1], seed=0)
    out = model([0.5, -1.0])
    assert isinstance(out, Value)
    loss = (1.0 - out).relu()
    loss.label = "loss"
    loss.backward()
    loss.backward()  # stale: draw after a fresh backward below
    grads = fresh_grads(loss)
    source = draw_dot(loss, model=model, collapse=collapse).source
    nodes = graph_nodes(loss)
    boxes = dict(re.findall(r"label=<([^<]+)<BR/>[^<]+<BR/>data [^<]+<BR/>grad ([^>]+)>", source))
    for i, layer in enumerate(model.layers, start=1):
        outs = [neuron_output(nodes, n) for n in layer.neurons]
        if collapse == "neuron":
            for j, o in enumerate(outs, start=1):
                assert boxes[f"L{i}.N{j}"] == f"{grads[o]:.4g}"
        else:
            assert boxes[f"L{i}"] == " ".join(f"{grads[o]:.4g}" for o in outs)
    assert_picture_matches(source, loss, grads)  # the loss's own boxes, outside the neurons


def test_explain_ends_each_input_on_its_fresh_gradient():
    g = readme_expression()
    text = io.StringIO()
    explain(g, file=text)
    last: dict[str, str] = {}
    for line in text.getvalue().splitlines():
        term = re.match(r"  dy/d(\S+) \+= .* = (\S+)(?:   \(dy/d\S+ is now (\S+)\))?$", line)
        if term:
            last[term.group(1)] = term.group(3) or term.group(2)
    grads = fresh_grads(g)
    a, b = [v for v in graph_nodes(g) if not v.parents and v.data in (-4.0, 2.0) and grads[v]][:2]
    assert float(last["x1"]) == pytest.approx(grads[a], rel=1e-3)  # 138.8
    assert float(last["x2"]) == pytest.approx(grads[b], rel=1e-3)  # 645.6


def test_the_network_picture_shows_the_models_own_biases_and_activations():
    model = MLP(2, [3, 2], activation="tanh", seed=1)
    x = [0.3, -0.7]
    source = draw_network(model, x=x, precision=4).source
    labels = dict(re.findall(r'^\t(n\d+_\d+) \[label="([^"]*)"', source, flags=re.M))
    with no_grad():
        hidden = model.layers[0](x)
        outs = model(x)
    assert isinstance(hidden, list) and isinstance(outs, list)
    for col, (layer, values) in enumerate(zip(model.layers, [hidden, outs]), start=1):
        for j, (neuron, value) in enumerate(zip(layer.neurons, values)):
            assert labels[f"n{col}_{j}"] == f"{value.data:.4g}\nb {neuron.b.data:.4g}"
