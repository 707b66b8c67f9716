"""Tests for micrograd_like.nn: Neuron, Layer, MLP, Module.

Each worked example derives its expected numbers by hand in a comment.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like import nn
from micrograd_like.engine import Value, no_grad, topological_order
from micrograd_like.functional import vsum
from micrograd_like.gradcheck import numerical_grad
from micrograd_like.nn import MLP, Layer, Neuron

# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def set_neuron(n: Neuron, w: list[float], b: float) -> None:
    for wi, value in zip(n.w, w):
        wi.data = value
    n.b.data = b


def scalar(out: Value | list[Value]) -> Value:
    """A scalar to backpropagate from: the output, or sum_i (i + 1) * y_i for a list."""
    if isinstance(out, Value):
        return out
    return vsum([y * float(i + 1) for i, y in enumerate(out)])


# --------------------------------------------------------------------------------------
# Neuron: worked examples
# --------------------------------------------------------------------------------------


def test_neuron_is_a_dot_product_plus_bias_then_activation() -> None:
    # a = sigmoid(w1*x1 + w2*x2 + b) with w = (0.5, -1), x = (2, 1), b = 0.25
    # z = 0.5*2 + (-1)*1 + 0.25 = 0.25;  a = 1 / (1 + e**-0.25) = 0.5621765...
    # sigmoid' = a(1 - a) = 0.2461340...
    # da/dw1 = a(1-a) * x1 = 0.4922681...,  da/dw2 = a(1-a) * x2 = 0.2461340...
    # da/db  = a(1-a)                      = 0.2461340...
    # da/dx1 = a(1-a) * w1 = 0.1230670...,  da/dx2 = a(1-a) * w2 = -0.2461340...
    n = Neuron(2, activation="sigmoid")
    set_neuron(n, [0.5, -1.0], 0.25)
    x = [Value(2.0), Value(1.0)]
    a = n(x)
    a.backward()
    assert a.data == pytest.approx(0.5621765008857981, abs=1e-15)
    assert n.w[0].grad == pytest.approx(0.4922681654751967, abs=1e-15)
    assert n.w[1].grad == pytest.approx(0.24613408273759835, abs=1e-15)
    assert n.b.grad == pytest.approx(0.24613408273759835, abs=1e-15)
    assert x[0].grad == pytest.approx(0.12306704136879917, abs=1e-15)
    assert x[1].grad == pytest.approx(-0.24613408273759835, abs=1e-15)


def test_relu_neuron_passes_positive_and_blocks_negative() -> None:
    # w = (1, -2, 0.5), x = (3, 1, 2): w . x = 3 - 2 + 1 = 2
    # b = -0.5: z = 1.5 > 0, so a = 1.5 and da/dw = x = (3, 1, 2), da/db = 1
    n = Neuron(3)  # nonlin=True: relu, as in micrograd
    assert n.activation == "relu" and n.nonlin
    set_neuron(n, [1.0, -2.0, 0.5], -0.5)
    a = n([3.0, 1.0, 2.0])
    a.backward()
    assert a.data == 1.5
    assert [w.grad for w in n.w] == [3.0, 1.0, 2.0] and n.b.grad == 1.0
    # b = -3: z = -1 < 0, so a = 0 and every gradient is 0
    n.zero_grad()
    n.b.data = -3.0
    a = n([3.0, 1.0, 2.0])
    a.backward()
    assert a.data == 0.0
    assert [w.grad for w in n.w] == [0.0, 0.0, 0.0] and n.b.grad == 0.0


def test_linear_neuron_is_just_the_affine_map() -> None:
    # nonlin=False: a = z = 2*4 + 1 = 9; da/dw = x = 4, da/db = 1
    n = Neuron(1, nonlin=False)
    assert n.activation == "linear" and not n.nonlin
    set_neuron(n, [2.0], 1.0)
    a = n([4.0])
    a.backward()
    assert (a.data, n.w[0].grad, n.b.grad) == (9.0, 4.0, 1.0)


def test_leaky_relu_neuron_keeps_a_small_slope_below_zero() -> None:
    # w = 1, x = -2, b = 0: z = -2 < 0, a = 0.01 * -2 = -0.02
    # da/dw = 0.01 * x = -0.02, da/dx = 0.01 * w = 0.01
    n = Neuron(1, activation="leaky_relu")
    set_neuron(n, [1.0], 0.0)
    x = Value(-2.0)
    a = n([x])
    a.backward()
    assert a.data == pytest.approx(-0.02)
    assert n.w[0].grad == pytest.approx(-0.02) and x.grad == pytest.approx(0.01)


def test_tanh_neuron() -> None:
    # w = 1, x = ln 2, b = 0: a = tanh(ln 2) = (4 - 1)/(4 + 1) = 0.6
    # da/dw = (1 - a**2) * x = 0.64 ln 2
    n = Neuron(1, activation="tanh")
    set_neuron(n, [1.0], 0.0)
    a = n([math.log(2.0)])
    a.backward()
    assert a.data == pytest.approx(0.6, abs=1e-15)
    assert n.w[0].grad == pytest.approx(0.64 * math.log(2.0), abs=1e-15)


def test_activation_overrides_nonlin_and_can_be_changed() -> None:
    n = Neuron(2, nonlin=False, activation="tanh", seed=0)
    assert n.activation == "tanh" and n.nonlin
    n.activation = "linear"
    set_neuron(n, [1.0, 1.0], -5.0)
    assert n([1.0, 1.0]).data == -3.0  # linear now: 1 + 1 - 5
    n.nonlin = True  # micrograd's switch: relu
    assert n.activation == "relu" and n([1.0, 1.0]).data == 0.0
    with pytest.raises(ValueError, match="unknown activation 'gelu'; valid: linear, relu"):
        n.activation = "gelu"
    assert n.activation == "relu"  # unchanged by the failed assignment


def test_unknown_activation_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError) as info:
        Neuron(2, activation="swish")
    for name in ("linear", "relu", "leaky_relu", "tanh", "sigmoid"):
        assert name in str(info.value)
    with pytest.raises(TypeError, match="activation must be a str"):
        Neuron(2, activation=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="nonlin must be a bool"):
        Neuron(2, nonlin="yes")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# The fused graph and the step-by-step one
# --------------------------------------------------------------------------------------


def test_fused_neuron_makes_two_nodes_step_by_step_makes_one_per_step() -> None:
    # fused: affine(w, x, b) then sigmoid -> 2 nodes, whatever nin is
    # step by step with nin = 3: 3 products + 2 sums + 1 bias add + 1 sigmoid = 7 nodes
    n = Neuron(3, activation="sigmoid", seed=1)
    fused = n([1.0, 2.0, 3.0])
    assert [v.op for v in topological_order(fused)] == ["affine", "sigmoid"]
    steps = n([1.0, 2.0, 3.0], step_by_step=True)
    ops = [v.op for v in topological_order(steps)]
    assert sorted(ops) == sorted(["*", "*", "*", "+", "+", "+", "sigmoid"])
    labels = {v.label for v in topological_order(steps)}
    assert {"w1*x1", "w2*x2", "w3*x3", "z"} <= labels
    # a linear neuron adds no activation node at all
    assert len(topological_order(Neuron(5, nonlin=False, seed=0)([1.0] * 5))) == 1


def both_ways(n: Neuron, x: list[float]) -> list[tuple[float, list[float]]]:
    """n(x) fused, then step by step: each time the output and the gradients of the
    parameters and the inputs."""
    results = []
    for step_by_step in (False, True):
        n.zero_grad()
        xs = [Value(v) for v in x]
        out = n(xs, step_by_step=step_by_step)
        out.backward()
        results.append((out.data, [p.grad for p in n.parameters()] + [v.grad for v in xs]))
    return results


@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
def test_the_step_by_step_graph_gives_the_fused_numbers(activation: str) -> None:
    (fused, fused_grads), (steps, steps_grads) = both_ways(
        Neuron(4, activation=activation, seed=3), [0.3, -1.2, 2.0, 0.7]
    )
    assert steps == pytest.approx(fused, rel=1e-12, abs=1e-15)
    assert steps_grads == pytest.approx(fused_grads, rel=1e-12, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(-3, 3), min_size=n, max_size=n),
            st.lists(st.floats(-3, 3), min_size=n, max_size=n),
            st.floats(-3, 3),
            st.sampled_from(nn.ACTIVATIONS),
        )
    )
)
def test_property_step_by_step_and_fused_agree(
    case: tuple[list[float], list[float], float, str],
) -> None:
    w, x, b, activation = case
    n = Neuron(len(w), activation=activation)
    set_neuron(n, w, b)
    (fused, fused_grads), (steps, steps_grads) = both_ways(n, x)
    assert steps == pytest.approx(fused, rel=1e-12, abs=1e-12)
    assert steps_grads == pytest.approx(fused_grads, rel=1e-12, abs=1e-12)


def test_an_mlp_step_by_step_gives_the_fused_numbers() -> None:
    model = MLP(3, [4, 4, 2], activation="tanh", output_activation="softmax", seed=5)
    x = [0.5, -0.25, 1.5]
    fused = model(x)
    scalar(fused).backward()
    g1 = [p.grad for p in model.parameters()]
    model.zero_grad()
    steps = model(x, step_by_step=True)
    scalar(steps).backward()
    g2 = [p.grad for p in model.parameters()]
    assert isinstance(fused, list) and isinstance(steps, list)
    assert [v.data for v in steps] == pytest.approx([v.data for v in fused], rel=1e-12)
    assert g2 == pytest.approx(g1, rel=1e-12, abs=1e-15)


# --------------------------------------------------------------------------------------
# Layer and MLP
# --------------------------------------------------------------------------------------


def test_layer_returns_a_value_for_one_neuron_and_a_list_otherwise() -> None:
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    out = Layer(2, 3, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_layer_with_one_input_accepts_a_bare_value() -> None:
    # as in micrograd, a layer of one neuron returns a bare Value; the next layer must
    # accept it (in micrograd it does not)
    first = Layer(2, 1, seed=0)
    second = Layer(1, 3, seed=1)
    h = first([1.0, -1.0])
    assert isinstance(h, Value)
    out = second(h)
    assert isinstance(out, list) and len(out) == 3
    assert Neuron(1, seed=0)(2.0).data == Neuron(1, seed=0)([2.0]).data


def test_mlp_worked_example_by_hand() -> None:
    # MLP(1, [1, 1]): hidden h = relu(2x - 1), output y = 3h + 0.5
    # x = 1.5: h = relu(3 - 1) = 2, y = 6 + 0.5 = 6.5
    # dy/dw_out = h = 2, dy/db_out = 1
    # dy/dw_hid = w_out * relu'(2) * x = 3 * 1 * 1.5 = 4.5, dy/db_hid = 3, dy/dx = 3 * 2 = 6
    model = MLP(1, [1, 1])
    set_neuron(model.layers[0].neurons[0], [2.0], -1.0)
    set_neuron(model.layers[1].neurons[0], [3.0], 0.5)
    x = Value(1.5)
    y = model([x])
    assert isinstance(y, Value)
    y.backward()
    assert y.data == 6.5
    assert [p.grad for p in model.parameters()] == [4.5, 3.0, 2.0, 1.0]
    assert x.grad == 6.0


def test_mlp_with_a_one_neuron_hidden_layer() -> None:
    # MLP(2, [16, 1, 1]): the one-neuron layer's bare Value goes on into the next layer
    model = MLP(2, [16, 1, 1], seed=0)
    y = model([0.5, -0.5])
    assert isinstance(y, Value)
    y.backward()
    assert model.num_parameters() == (2 + 1) * 16 + (16 + 1) * 1 + (1 + 1) * 1  # 67


def test_mlp_returns_a_list_for_several_outputs() -> None:
    out = MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)


def test_mlp_default_layers_are_relu_then_linear_like_micrograd() -> None:
    model = MLP(2, [16, 16, 1], seed=0)
    assert [layer.activation for layer in model.layers] == ["relu", "relu", "linear"]
    assert (model.nin, model.nouts, model.activation, model.output_activation, model.init) == (
        2,
        [16, 16, 1],
        "relu",
        "linear",
        "uniform",
    )


@pytest.mark.parametrize("output", ["sigmoid", "tanh"])
def test_mlp_output_activation_applies_to_the_last_layer_only(output: str) -> None:
    model = MLP(2, [3, 2], activation="leaky_relu", output_activation=output, seed=0)
    assert [layer.activation for layer in model.layers] == ["leaky_relu", output]
    assert repr(model) == f"MLP(2 -> [3 leaky_relu, 2 {output}], 17 parameters)"


def test_mlp_matches_micrograd_with_the_same_weights() -> None:
    mg = pytest.importorskip("micrograd.nn")
    ours = MLP(3, [4, 4, 1], seed=11)
    random.seed(0)  # micrograd draws from the global generator; we copy our weights in
    theirs = mg.MLP(3, [4, 4, 1])
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        q.data = p.data
    x = [0.5, -1.5, 2.0]
    a, b = ours(x), theirs(x)
    assert isinstance(a, Value)
    a.backward()
    b.backward()
    assert a.data == pytest.approx(b.data, rel=1e-12)
    assert [p.grad for p in ours.parameters()] == pytest.approx(
        [q.grad for q in theirs.parameters()], rel=1e-12, abs=1e-15
    )


def test_mlp_gradients_match_central_differences() -> None:
    model = MLP(3, [5, 4, 2], activation="tanh", output_activation="sigmoid", seed=2)
    params = model.parameters()
    x = [Value(0.3), Value(-0.8), Value(1.1)]
    scalar(model(x)).backward()
    analytic = [v.grad for v in params + x]

    def at(*leaves: Value) -> Value:
        """The same scalar with the parameters' and inputs' numbers taken from leaves."""
        for p, leaf in zip(params, leaves):
            p.data = leaf.data
        return scalar(model(list(leaves[len(params) :])))

    start = [v.data for v in params + x]
    numeric = numerical_grad(at, start)
    assert [p.data for p in params] == start[: len(params)]  # the last call put them back
    assert analytic == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_no_grad_forward_records_no_graph() -> None:
    model = MLP(2, [3, 1], seed=0)
    with no_grad():
        y = model([1.0, 2.0])
    assert isinstance(y, Value) and y.parents == ()


# --------------------------------------------------------------------------------------
# softmax output
# --------------------------------------------------------------------------------------


def test_softmax_output_worked_example() -> None:
    # MLP(1, [2], softmax) with w = (0, 1), b = (0, 0), x = ln 3: logits z = (0, ln 3)
    # p = (e**0, e**ln3) / (1 + 3) = (1/4, 3/4)
    # dp2/dx = dp2/dz2 * dz2/dx = p2 (1 - p2) * 1 = 3/16 (z1 does not depend on x: w1 = 0)
    model = MLP(1, [2], output_activation="softmax")
    set_neuron(model.layers[0].neurons[0], [0.0], 0.0)
    set_neuron(model.layers[0].neurons[1], [1.0], 0.0)
    x = Value(math.log(3.0))
    p = model([x])
    assert isinstance(p, list)
    assert [v.data for v in p] == pytest.approx([0.25, 0.75], abs=1e-15)
    p[1].backward()
    assert x.grad == pytest.approx(3.0 / 16.0, abs=1e-15)
    assert repr(model) == "MLP(1 -> [2 softmax], 4 parameters)"
    assert model.layers[-1].activation == "linear"  # softmax comes after the layer


def test_softmax_outputs_sum_to_one_and_survive_huge_logits() -> None:
    model = MLP(4, [8, 5], output_activation="softmax", seed=3)
    p = model([1.0, -2.0, 0.5, 3.0])
    assert isinstance(p, list) and len(p) == 5
    assert math.fsum(v.data for v in p) == pytest.approx(1.0, abs=1e-12)
    assert all(0.0 <= v.data <= 1.0 for v in p)
    # logits of +-1000: e**1000 would overflow, the shifted form does not
    big = MLP(1, [2], output_activation="softmax")
    set_neuron(big.layers[0].neurons[0], [1000.0], 0.0)
    set_neuron(big.layers[0].neurons[1], [-1000.0], 0.0)
    q = big([1.0])
    assert isinstance(q, list)
    assert [v.data for v in q] == [1.0, 0.0]


def test_softmax_needs_two_outputs() -> None:
    with pytest.raises(ValueError, match="softmax.*at least 2 outputs"):
        MLP(2, [3, 1], output_activation="softmax")


# --------------------------------------------------------------------------------------
# Sizes and options
# --------------------------------------------------------------------------------------


def test_sizes_must_be_positive_ints() -> None:
    with pytest.raises(ValueError, match="nin must be a positive int, got 0"):
        MLP(0, [1])
    with pytest.raises(ValueError, match=r"nouts\[1\] must be a positive int, got -3"):
        MLP(2, [4, -3])
    with pytest.raises(TypeError, match="nin must be a positive int, got float"):
        MLP(2.0, [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"nouts\[0\] must be a positive int, got bool"):
        MLP(2, [True])
    with pytest.raises(TypeError, match=r"nouts must be a list of layer sizes like \[16, 16, 1\]"):
        MLP(2, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="nouts must be a non-empty list"):
        MLP(2, [])
    with pytest.raises(ValueError, match="nout must be a positive int, got 0"):
        Layer(2, 0)
    with pytest.raises(TypeError, match="nin must be a positive int, got str"):
        Neuron("3")  # type: ignore[arg-type]


def test_bad_options_are_named() -> None:
    with pytest.raises(
        ValueError, match="unknown output_activation 'relu'; valid: linear, sigmoid"
    ):
        MLP(2, [1], output_activation="relu")
    with pytest.raises(ValueError, match="unknown init 'zeros'; valid: uniform, xavier, kaiming"):
        MLP(2, [1], init="zeros")
    with pytest.raises(ValueError, match="either seed or rng, not both"):
        MLP(2, [1], seed=1, rng=random.Random(1))
    with pytest.raises(TypeError, match="rng must be a random.Random"):
        MLP(2, [1], rng=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="seed must be an int"):
        MLP(2, [1], seed=1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# Initialisation and randomness
# --------------------------------------------------------------------------------------


def test_same_seed_same_weights_different_seed_different_weights() -> None:
    a = MLP(3, [8, 8, 2], seed=42).state_dict()
    b = MLP(3, [8, 8, 2], seed=42).state_dict()
    c = MLP(3, [8, 8, 2], seed=43).state_dict()
    assert a == b and a != c


def test_uniform_init_draws_weights_in_named_order_and_zero_biases() -> None:
    # micrograd's init: every weight ~ U(-1, 1) and every bias 0. The draws come from
    # random.Random(seed) one weight after another, in named-parameter order.
    model = MLP(2, [3, 1], seed=7)
    r = random.Random(7)
    expected = [r.uniform(-1.0, 1.0) for _ in range(2 * 3 + 3 * 1)]
    weights = [p.data for name, p in model.named_parameters() if ".w." in name]
    biases = [p.data for name, p in model.named_parameters() if name.endswith(".b")]
    assert weights == expected and biases == [0.0] * 4


def test_an_injected_rng_is_used_and_the_global_random_is_untouched() -> None:
    state = random.getstate()
    m1 = MLP(2, [4, 1], rng=random.Random(5))
    m2 = MLP(2, [4, 1], seed=5)
    Neuron(3, seed=1)
    Layer(3, 2, init="kaiming", seed=2)
    m1([1.0, 2.0])
    assert random.getstate() == state
    assert m1.state_dict() == m2.state_dict()
    # a Layer shares one generator between its neurons
    assert Layer(2, 3, seed=9).state_dict() == Layer(2, 3, rng=random.Random(9)).state_dict()


def test_xavier_weights_lie_within_the_glorot_limit() -> None:
    # Glorot uniform: w ~ U(-l, l), l = sqrt(6 / (nin + nout)) = sqrt(6 / (30 + 20)) = 0.3464...
    layer = Layer(30, 20, init="xavier", seed=0)
    limit = math.sqrt(6 / 50)
    ws = [w.data for n in layer.neurons for w in n.w]
    assert all(-limit <= w <= limit for w in ws)
    assert max(abs(w) for w in ws) > 0.9 * limit  # 600 draws fill the interval
    assert all(n.b.data == 0.0 for n in layer.neurons)


def test_kaiming_weights_have_std_sqrt_2_over_nin() -> None:
    # He normal: w ~ N(0, 2/nin); nin = 200 -> std = 0.1. With 200 * 50 = 10 000 draws the
    # sample std is within ~1.5% of 0.1 (its own std is 0.1 / sqrt(2 * 10 000) = 0.0007)
    layer = Layer(200, 50, init="kaiming", seed=1)
    ws = [w.data for n in layer.neurons for w in n.w]
    mean = math.fsum(ws) / len(ws)
    std = math.sqrt(math.fsum((w - mean) ** 2 for w in ws) / len(ws))
    assert abs(mean) < 0.005
    assert std == pytest.approx(0.1, rel=0.03)
    assert MLP(2, [3, 1], init="kaiming", seed=0).init == "kaiming"


# --------------------------------------------------------------------------------------
# repr
# --------------------------------------------------------------------------------------


def test_reprs_say_what_the_model_is() -> None:
    assert (
        repr(MLP(2, [16, 16, 1], seed=0))
        == "MLP(2 -> [16 relu, 16 relu, 1 linear], 337 parameters)"
    )
    assert repr(Layer(2, 3, nonlin=False, seed=0)) == "Layer(2 -> 3 linear, 9 parameters)"
    assert repr(Neuron(1, activation="sigmoid", seed=0)) == "Neuron(1 input, sigmoid)"
    layer = Layer(2, 2, seed=0)
    layer.neurons[1].activation = "tanh"
    assert layer.activation == "mixed"


def test_layer_weight_matrix_view_and_bad_shapes():
    # z = W x + b with W = [[2, -1], [0, 3], [1, 1]], b = (1, 0, -2), x = (1, 2):
    # z = (2 - 2 + 1, 0 + 6 + 0, 1 + 2 - 2) = (1, 6, 1)
    layer = Layer(2, 3, activation="linear", seed=0)
    layer.set_weights([[2, -1], [0, 3], [1, 1]], [1, 0, -2])
    assert [z.data for z in layer([1.0, 2.0])] == [1.0, 6.0, 1.0]
    before = layer.state_dict()
    with pytest.raises(ValueError, match="3 rows"):
        layer.set_weights([[1, 1]], [0, 0, 0])
    with pytest.raises(ValueError, match=r"W\[1\] must be a list of 2"):
        layer.set_weights([[1, 1], [1], [1, 1]], [0, 0, 0])
    with pytest.raises(ValueError, match=r"W\[2\]\[0\]"):
        layer.set_weights([[1, 1], [1, 1], [float("nan"), 1]], [0, 0, 0])
    assert layer.state_dict() == before
