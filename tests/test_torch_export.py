"""MLP.to_torch(): the same network in PyTorch, with the same outputs and gradients."""

from __future__ import annotations

import builtins
import random
import sys
from typing import Any

import pytest

from micrograd_like.engine import Value
from micrograd_like.functional import vsum
from micrograd_like.nn import MLP

CONFIGS = [
    # (nin, nouts, activation, output_activation)
    (2, [16, 16, 1], "relu", "linear"),  # micrograd's classic
    (3, [5, 4], "tanh", "sigmoid"),
    (4, [6, 3], "leaky_relu", "tanh"),
    (3, [8, 4], "sigmoid", "softmax"),
    (2, [16, 1, 1], "relu", "linear"),  # a one-neuron hidden layer
    (5, [7, 2], "linear", "linear"),
]


@pytest.mark.parametrize(("nin", "nouts", "activation", "output"), CONFIGS)
def test_outputs_and_gradients_match_torch(
    nin: int, nouts: list[int], activation: str, output: str
) -> None:
    torch = pytest.importorskip("torch")
    model = MLP(nin, nouts, activation=activation, output_activation=output, seed=len(nouts))
    net = model.to_torch()
    r = random.Random(0)
    coefficients = [r.uniform(-1.0, 1.0) for _ in range(nouts[-1])]
    for _ in range(3):
        x = [r.uniform(-2.0, 2.0) for _ in range(nin)]
        # ours: L = sum_i c_i * y_i, so every output's gradient path is exercised
        xs = [Value(v) for v in x]
        model.zero_grad()
        out = model(xs)
        ys = out if isinstance(out, list) else [out]
        loss = vsum([y * c for y, c in zip(ys, coefficients)])
        loss.backward()
        # torch: the same on a float64 tensor
        net.zero_grad()
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        yt = net(xt)
        (yt * torch.tensor(coefficients, dtype=torch.float64)).sum().backward()
        assert [y.data for y in ys] == pytest.approx(yt.tolist(), rel=1e-9, abs=1e-9)
        assert [v.grad for v in xs] == pytest.approx(xt.grad.tolist(), rel=1e-9, abs=1e-9)
        torch_grads = []
        for linear in (m for m in net if isinstance(m, torch.nn.Linear)):
            weight, bias = linear.weight.grad.tolist(), linear.bias.grad.tolist()
            for row, b in zip(weight, bias):
                torch_grads += [*row, b]  # our order: w.0 ... w.n-1, b per neuron
        ours = [p.grad for p in model.parameters()]
        assert ours == pytest.approx(torch_grads, rel=1e-9, abs=1e-9)


def test_the_sequential_mirrors_the_layers() -> None:
    torch = pytest.importorskip("torch")
    nn = torch.nn
    net = MLP(3, [4, 2], activation="leaky_relu", output_activation="softmax", seed=0).to_torch()
    assert isinstance(net, nn.Sequential)
    assert [type(m) for m in net] == [nn.Linear, nn.LeakyReLU, nn.Linear, nn.Softmax]
    assert net[1].negative_slope == 0.01 and net[3].dim == -1
    assert all(p.dtype == torch.float64 for p in net.parameters())
    assert [type(m) for m in MLP(2, [3, 1], seed=0).to_torch()] == [nn.Linear, nn.ReLU, nn.Linear]


def test_weights_are_copied_exactly() -> None:
    pytest.importorskip("torch")
    model = MLP(2, [3, 1], seed=4)
    net = model.to_torch()
    first = net[0]
    for j, neuron in enumerate(model.layers[0].neurons):
        assert first.weight[j].tolist() == [w.data for w in neuron.w]
        assert first.bias[j].item() == neuron.b.data
    # a copy: training the torch net does not change ours, and vice versa
    model.layers[0].neurons[0].b.data = 99.0
    assert first.bias[0].item() != 99.0


def test_a_changed_neuron_cannot_be_exported() -> None:
    pytest.importorskip("torch")
    model = MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1].activation = "tanh"
    with pytest.raises(ValueError, match=r"layers\[0\]\.neurons\[1\] has activation 'tanh'"):
        model.to_torch()


def test_without_torch_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_torch(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "torch" or name.startswith("torch."):
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "torch", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(ImportError, match="needs PyTorch.*pip install torch"):
        MLP(2, [1], seed=0).to_torch()
