"""What every model shares (micrograd_like.module): its input is checked once, where it
enters, with a message that names the problem; its parameters are found by name, and
saved and loaded as a state dict."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from micrograd_like import nn
from micrograd_like.engine import Value, topological_order
from micrograd_like.nn import MLP, Layer, LoadResult, Module, Neuron

# --------------------------------------------------------------------------------------
# Input checks: once at the entry, with clear messages
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "who"),
    [
        (Neuron(2, seed=0), "Neuron"),
        (Layer(2, 3, seed=0), "Layer"),
        (MLP(2, [3, 1], seed=0), "MLP"),
    ],
)
def test_wrong_input_width_is_named(model: Callable[..., object], who: str) -> None:
    with pytest.raises(ValueError, match=f"^{who} expects 2 inputs, got 3$"):
        model([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=f"^{who} expects 2 inputs, got 1$"):
        model(1.0)
    with pytest.raises(TypeError, match=r"x\[1\] must be a number, got str: 'a'"):
        model([1.0, "a"])
    with pytest.raises(TypeError, match=r"x\[0\] must be a number, got bool"):
        model([True, 1.0])
    with pytest.raises(TypeError, match="got NoneType"):
        model([None, 1.0])
    with pytest.raises(ValueError, match=r"x\[0\] must be a finite number, got nan"):
        model([math.nan, 1.0])
    with pytest.raises(ValueError, match=r"x\[1\] must be a finite number, got inf"):
        model([1.0, math.inf])
    with pytest.raises(TypeError, match=f"{who} input must be a list of 2 numbers"):
        model("ab")


def test_inputs_may_be_tuples_generators_and_numpy_arrays() -> None:
    model = MLP(2, [3, 1], seed=0)
    y = model([0.5, 2])
    assert isinstance(y, Value)
    for x in ((0.5, 2.0), (v for v in (0.5, 2.0))):
        out = model(x)
        assert isinstance(out, Value) and out.data == y.data
    np = pytest.importorskip("numpy")
    out = model(np.array([0.5, 2.0]))
    assert isinstance(out, Value) and out.data == y.data


def test_a_non_finite_value_input_is_refused() -> None:
    big = Value(1e200) * 1e200  # arithmetic overflow gives inf inside a Value
    with pytest.raises(ValueError, match="must be finite"):
        Neuron(1, seed=0)([big])


def test_mlp_checks_and_lifts_the_input_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = nn.check_inputs

    def counting(x: object, nin: int, who: str) -> object:
        calls.append(who)
        return real(x, nin, who)

    monkeypatch.setattr(nn, "check_inputs", counting)
    model = MLP(2, [4, 4, 1], seed=0)
    y = model([1.0, 2.0])
    assert calls == ["MLP"]  # not once per layer, not once per neuron
    # every first-layer neuron reads the SAME two input leaves: lifted once, not 4 times
    assert isinstance(y, Value)
    first = [v for v in topological_order(y) if v.op == "affine" and len(v.parents) == 5]
    assert len(first) == 4
    xs = {id(p) for v in first for p in v.parents[2:4]}
    assert len(xs) == 2


def test_value_inputs_are_used_as_they_are() -> None:
    x = [Value(1.0), Value(2.0)]
    y = Neuron(2, seed=0)(x)
    assert y.parents[0].parents[2] is x[0] and y.parents[0].parents[3] is x[1]


# --------------------------------------------------------------------------------------
# Parameters by name, state dicts
# --------------------------------------------------------------------------------------


def test_named_parameters_of_the_classic_mlp() -> None:
    # MLP(2, [16, 16, 1]): (2+1)*16 + (16+1)*16 + (16+1)*1 = 48 + 272 + 17 = 337
    model = MLP(2, [16, 16, 1], seed=0)
    named = model.named_parameters()
    names = [name for name, _ in named]
    assert len(named) == model.num_parameters() == len(model.parameters()) == 337
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.0.neurons.3.w.1" in names and "layers.0.neurons.3.b" in names
    assert names[-1] == "layers.2.neurons.0.b" and len(set(names)) == 337
    assert [p for _, p in named] == model.parameters()  # same objects, same order
    assert Layer(2, 2, seed=0).named_parameters()[0][0] == "neurons.0.w.0"


def test_a_user_module_finds_its_parameters_by_attribute() -> None:
    class Scaled(Module):
        def __init__(self) -> None:
            self.inner = Neuron(2, seed=0)
            self.scale = Value(2.0)
            self.extra = [Value(1.0), Neuron(1, seed=1)]
            self._hidden = Value(3.0)  # private: not a parameter
            self.again = self.scale  # the same Value twice is listed once

    m = Scaled()
    names = [name for name, _ in m.named_parameters()]
    assert names == [
        "inner.w.0",
        "inner.w.1",
        "inner.b",
        "scale",
        "extra.0",
        "extra.1.w.0",
        "extra.1.b",
    ]
    assert m.num_parameters() == 7 and repr(m) == "Scaled(7 parameters)"


def test_zero_grad_resets_every_parameter() -> None:
    model = MLP(2, [3, 1], seed=0)
    y = model([1.0, 2.0])
    assert isinstance(y, Value)
    y.backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trip() -> None:
    a = MLP(2, [4, 2], seed=1)
    b = MLP(2, [4, 2], seed=2)
    x = [0.3, -0.7]
    assert [v.data for v in a(x)] != [v.data for v in b(x)]  # type: ignore[union-attr]
    state = a.state_dict()
    assert all(type(v) is float for v in state.values())
    assert b.load_state_dict(state) == LoadResult([], [])
    assert b.state_dict() == state
    assert [v.data for v in a(x)] == [v.data for v in b(x)]  # type: ignore[union-attr]
    state["layers.0.neurons.0.b"] = 123.0  # a copy: editing it does not touch the model
    assert a.layers[0].neurons[0].b.data == 0.0


def test_load_state_dict_refuses_bad_input_and_leaves_the_model_unchanged() -> None:
    model = MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    good = MLP(2, [3, 1], seed=1).state_dict()

    missing = dict(good)
    del missing["layers.1.neurons.0.b"]
    with pytest.raises(ValueError, match=r"missing keys: 'layers\.1\.neurons\.0\.b'"):
        model.load_state_dict(missing)

    extra = dict(good, **{"layers.2.neurons.0.b": 1.0})
    with pytest.raises(ValueError, match=r"unexpected keys: 'layers\.2\.neurons\.0\.b'"):
        model.load_state_dict(extra)

    both = dict(missing, bogus=1.0)
    with pytest.raises(ValueError, match="missing keys: .*; unexpected keys: 'bogus'"):
        model.load_state_dict(both)

    # the bad value sits in the LAST parameter: nothing before it may have been written
    last = "layers.1.neurons.0.b"
    for bad, error in [
        (math.nan, ValueError),
        (math.inf, ValueError),
        (10**400, ValueError),
        (True, TypeError),
        ("0.5", TypeError),
        (None, TypeError),
        (Value(1.0), TypeError),
    ]:
        with pytest.raises(error, match=r"state\['layers\.1\.neurons\.0\.b'\]"):
            model.load_state_dict(dict(good, **{last: bad}))
    with pytest.raises(TypeError, match="state must be a dict"):
        model.load_state_dict([("a", 1.0)])  # type: ignore[arg-type]
    assert model.state_dict() == before


def test_load_state_dict_non_strict_loads_what_matches() -> None:
    model = MLP(2, [3, 1], seed=0)
    result = model.load_state_dict({"layers.0.neurons.0.b": 0.5, "nope": 1.0}, strict=False)
    assert result.unexpected_keys == ["nope"]
    assert len(result.missing_keys) == 13 - 1
    assert model.layers[0].neurons[0].b.data == 0.5
    assert model.load_state_dict({"layers.0.neurons.0.b": 2}, strict=False)  # ints are fine
    assert model.layers[0].neurons[0].b.data == 2.0
