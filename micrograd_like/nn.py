"""Neurons, layers and multi-layer perceptrons, built on the Value engine.

The API is micrograd's: ``MLP(2, [16, 16, 1])``, ``model(x)`` with ``x`` a list of
floats, ``model.parameters()``, ``model.zero_grad()``; a :class:`Neuron` has ``.w`` (a
list of Values) and ``.b``, a :class:`Layer` has ``.neurons``, an :class:`MLP` has
``.layers``. On top of that: named parameters, state dicts, a choice of activations and
initialisations, seeded reproducible weights, and export to PyTorch.

A neuron computes ``a = f(w1*x1 + ... + wn*xn + b)``. Its pre-activation is ONE fused
``affine`` node of the graph (not n products and n sums), so a forward pass costs O(1)
graph nodes per neuron. ``neuron(x, step_by_step=True)`` builds the same number step by step,
one ``*`` node per weight, to draw or to study.

>>> n = Neuron(2, activation="sigmoid")
>>> n.w[0].data, n.w[1].data, n.b.data = 0.5, -1.0, 0.25
>>> a = n([2.0, 1.0])        # z = 0.5*2 - 1*1 + 0.25 = 0.25; a = 1 / (1 + e**-0.25)
>>> round(a.data, 7)
0.5621765
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from micrograd_like import engine
from micrograd_like.checks import choice, size, weight_generator
from micrograd_like.engine import Value
from micrograd_like.functional import softmax
from micrograd_like.module import LoadResult, Module, check_inputs, finite, plural

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_FUNCTIONS",
    "INITS",
    "LEAKY_RELU_SLOPE",
    "MAX_PARAMETERS",
    "OUTPUT_ACTIVATIONS",
    "Layer",
    "LoadResult",
    "MLP",
    "Module",
    "Neuron",
]

ACTIVATIONS: tuple[str, ...] = ("linear", "relu", "leaky_relu", "tanh", "sigmoid")
"""Activations a neuron (and a hidden layer) may use."""

OUTPUT_ACTIVATIONS: tuple[str, ...] = ("linear", "sigmoid", "tanh", "softmax")
"""What an MLP may apply to its last layer's outputs."""

INITS: tuple[str, ...] = ("uniform", "xavier", "kaiming")
"""Weight initialisations: micrograd's uniform(-1, 1), Glorot uniform, He normal."""

LEAKY_RELU_SLOPE = 0.01
"""The slope of leaky_relu for x < 0 (PyTorch's default too)."""

MAX_PARAMETERS = 10_000_000
"""The largest neuron, layer or MLP this library builds (and ``serialize.load`` reads).

Ten million scalar Values take about 1.3 GB and 12 s to build, and a forward and
backward pass through them about 1.6 s per sample. The sizes are checked before
anything is allocated, so ``MLP(2, [10**9])`` is refused at once.
"""


# --------------------------------------------------------------------------------------
# Checking arguments
# --------------------------------------------------------------------------------------


def _check_count(count: int, what: str) -> None:
    """Refuse a model of more than :data:`MAX_PARAMETERS` parameters, before building it."""
    if count > MAX_PARAMETERS:
        raise ValueError(
            f"{what} would have {count:,} parameters; the limit is {MAX_PARAMETERS:,} "
            "(micrograd_like.nn.MAX_PARAMETERS, the most this pure-Python library builds)"
        )


def _short(sizes: list[int], limit: int = 6) -> str:
    """``[16, 16, 1]``, or ``[1000, 1000, ...] (100000 layers)`` for a long list."""
    if len(sizes) <= limit:
        return repr(sizes)
    return f"[{', '.join(map(str, sizes[:limit]))}, ...] ({len(sizes)} layers)"


# --------------------------------------------------------------------------------------
# Neuron
# --------------------------------------------------------------------------------------


def _leaky_relu(z: Value) -> Value:
    """leaky_relu(z) = z if z > 0 else 0.01 * z (the slope is a fresh constant leaf)."""
    return z.leaky_relu(LEAKY_RELU_SLOPE)


ACTIVATION_FUNCTIONS: dict[str, Callable[[Value], Value] | None] = {
    "linear": None,  # no node at all
    "relu": lambda z: z.relu(),
    "tanh": lambda z: z.tanh(),
    "sigmoid": lambda z: z.sigmoid(),
    "leaky_relu": _leaky_relu,
}
"""Each activation's name and what it does to a neuron's pre-activation z (None: nothing)."""


class Neuron(Module):
    """One neuron: ``a = f(w . x + b)``, with weights ``.w`` and bias ``.b``.

    ``nonlin=True`` (micrograd's switch) means relu and ``False`` linear; ``activation``,
    when given, overrides it: one of ``linear``, ``relu``, ``leaky_relu``, ``tanh``,
    ``sigmoid``. The bias starts at 0; the weights are drawn by ``init``:

    * ``"uniform"`` (default, as micrograd): ``w ~ U(-1, 1)``;
    * ``"xavier"`` (Glorot uniform): ``w ~ U(-l, l)`` with ``l = sqrt(6 / (nin + fan_out))``,
      ``fan_out`` being the size of the neuron's layer (1 for a lone neuron);
    * ``"kaiming"`` (He normal): ``w ~ N(0, std**2)`` with ``std = sqrt(2 / nin)``.

    Draws come from ``rng`` (a ``random.Random``), from ``random.Random(seed)``, or,
    with neither, from the ``random`` module as in micrograd (``random.seed(1337)``
    then reproduces a model).

    >>> n = Neuron(3, seed=1)
    >>> n
    Neuron(3 inputs, relu)
    >>> len(n.parameters())   # 3 weights + 1 bias
    4
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        activation: str | None = None,
        init: str = "uniform",
        rng: random.Random | None = None,
        seed: int | None = None,
        fan_out: int = 1,
    ) -> None:
        nin = size(nin, "nin")
        fan_out = size(fan_out, "fan_out")
        _check_count(nin + 1, f"Neuron({nin})")
        if activation is None:
            if not isinstance(nonlin, bool):
                raise TypeError(f"nonlin must be a bool, got {type(nonlin).__name__}: {nonlin!r}")
            activation = "relu" if nonlin else "linear"
        init = choice(init, INITS, "init")
        r = weight_generator(rng, seed)
        if init == "uniform":
            weights = [r.uniform(-1.0, 1.0) for _ in range(nin)]
        elif init == "xavier":
            limit = math.sqrt(6.0 / (nin + fan_out))
            weights = [r.uniform(-limit, limit) for _ in range(nin)]
        else:  # kaiming
            std = math.sqrt(2.0 / nin)
            weights = [r.gauss(0.0, std) for _ in range(nin)]
        self.w: list[Value] = [Value(wi) for wi in weights]
        self.b: Value = Value(0.0)
        self.activation = activation  # validated by the property setter

    # -- what the neuron is ---------------------------------------------------------

    @property
    def nin(self) -> int:
        """Number of inputs (= number of weights)."""
        return len(self.w)

    @property
    def activation(self) -> str:
        """The activation's name, one of :data:`ACTIVATIONS`."""
        return self._activation

    @activation.setter
    def activation(self, name: str) -> None:
        self._activation = choice(name, ACTIVATIONS, "activation")
        self._act = ACTIVATION_FUNCTIONS[name]

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: True unless the activation is linear."""
        return self._activation != "linear"

    @nonlin.setter
    def nonlin(self, flag: bool) -> None:
        if not isinstance(flag, bool):
            raise TypeError(f"nonlin must be a bool, got {type(flag).__name__}: {flag!r}")
        self.activation = "relu" if flag else "linear"

    # -- forward --------------------------------------------------------------------

    def __call__(self, x: object, step_by_step: bool = False) -> Value:
        """a = f(w . x + b). ``x`` is a list of ``nin`` numbers or Values.

        ``step_by_step=True`` builds the same number with every step a node of its own:
        one ``*`` node per ``wi * xi`` (labelled ``w1*x1``, ...), a chain of ``+`` nodes
        summing them, ``+ b`` (labelled ``z``), then the activation: 2n + 1 nodes where
        the default makes 2. Same value, same gradients; good for drawing.

        >>> n = Neuron(2, activation="linear")
        >>> n.w[0].data, n.w[1].data, n.b.data = 0.5, -1.0, 0.25
        >>> z = n([2.0, 1.0], step_by_step=True)   # (0.5*2 + -1*1) + 0.25
        >>> z.data, z.label, [p.label for p in z.parents[0].parents]
        (0.25, 'z', ['w1*x1', 'w2*x2'])
        """
        xs = check_inputs(x, len(self.w), "Neuron")
        return self._forward_step_by_step(xs) if step_by_step else self._forward(xs)

    def _forward(self, xs: Sequence[Value]) -> Value:
        """For checked inputs: ONE affine node, then the activation node.

        The inputs were checked where they entered the model and the weights are Values,
        so the node is made straight from the rule table (``affine()`` would check again).
        """
        if len(self.w) != len(xs):  # the weights were changed since the model was built
            raise ValueError(
                f"a neuron's weights and inputs must be of equal length, "
                f"got {len(self.w)} and {len(xs)}"
            )
        z = engine.make_node("affine", (*self.w, *xs, self.b))
        act = self._act
        return z if act is None else act(z)

    def _forward_step_by_step(self, xs: Sequence[Value]) -> Value:
        s: Value | None = None
        for i, (wi, xi) in enumerate(zip(self.w, xs)):
            t = wi * xi
            t.label = f"w{i + 1}*x{i + 1}"
            s = t if s is None else s + t
        assert s is not None  # nin >= 1
        z = s + self.b
        z.label = "z"
        act = self._act
        return z if act is None else act(z)

    # -- parameters -----------------------------------------------------------------

    def parameters(self) -> list[Value]:
        """The weights, then the bias: ``w + [b]`` as in micrograd."""
        return [*self.w, self.b]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``w.0``, ``w.1``, ..., ``b``."""
        named = [(f"w.{i}", wi) for i, wi in enumerate(self.w)]
        named.append(("b", self.b))
        return named

    def __repr__(self) -> str:
        return f"Neuron({plural(len(self.w), 'input')}, {self._activation})"


# --------------------------------------------------------------------------------------
# Layer
# --------------------------------------------------------------------------------------


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs: ``a_j = f(w_j . x + b_j)``.

    Keyword arguments go to every :class:`Neuron` (``nonlin``, ``activation``, ``init``,
    ``rng``, ``seed``). As in micrograd, calling a layer of one neuron returns a single
    Value, otherwise a list. A layer with ``nin == 1`` also accepts a bare Value or number.

    >>> layer = Layer(2, 3, activation="tanh", seed=0)
    >>> layer
    Layer(2 -> 3 tanh, 9 parameters)
    >>> len(layer([1.0, -1.0]))
    3
    """

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        nin = size(nin, "nin")
        nout = size(nout, "nout")
        _check_count((nin + 1) * nout, f"Layer({nin}, {nout})")
        rng = weight_generator(kwargs.pop("rng", None), kwargs.pop("seed", None))
        self.neurons: list[Neuron] = [
            Neuron(nin, rng=rng, fan_out=nout, **kwargs) for _ in range(nout)
        ]

    @property
    def nin(self) -> int:
        """Number of inputs of every neuron."""
        return self.neurons[0].nin

    @property
    def nout(self) -> int:
        """Number of neurons (= number of outputs)."""
        return len(self.neurons)

    @property
    def activation(self) -> str:
        """The neurons' activation, or ``"mixed"`` if they were changed to differ."""
        names = {n.activation for n in self.neurons}
        return names.pop() if len(names) == 1 else "mixed"

    def weight_matrix(self) -> tuple[list[list[float]], list[float]]:
        """The layer as a linear map, ``z = W x + b``: ``W[j][i]`` is neuron j's weight on
        input i, ``b[j]`` its bias (the activation then acts on each ``z[j]``).

        >>> layer = Layer(3, 2, activation="linear")
        >>> layer.set_weights([[1, 0, 2], [0, -1, 1]], [0.5, 0])
        >>> layer.weight_matrix()
        ([[1.0, 0.0, 2.0], [0.0, -1.0, 1.0]], [0.5, 0.0])
        >>> [z.data for z in layer([1.0, 2.0, 3.0])]   # (1 + 0 + 6 + 0.5, 0 - 2 + 3 + 0)
        [7.5, 1.0]
        """
        return [[w.data for w in n.w] for n in self.neurons], [n.b.data for n in self.neurons]

    def set_weights(self, W: Sequence[Sequence[float]], b: Sequence[float]) -> None:
        """Set every weight and bias from a matrix ``W`` (nout rows of nin) and a vector
        ``b`` (nout). Everything is checked first; on error the layer is unchanged."""
        rows = list(W) if isinstance(W, (list, tuple)) else None
        if rows is None or len(rows) != self.nout:
            raise ValueError(f"W must be a list of {self.nout} rows (one per neuron)")
        bias = list(b) if isinstance(b, (list, tuple)) else None
        if bias is None or len(bias) != self.nout:
            raise ValueError(f"b must be a list of {self.nout} numbers (one per neuron)")
        state: dict[str, float] = {}
        for j, row in enumerate(rows):
            if not isinstance(row, (list, tuple)) or len(row) != self.nin:
                raise ValueError(f"W[{j}] must be a list of {self.nin} numbers (one per input)")
            for i, wij in enumerate(row):
                state[f"neurons.{j}.w.{i}"] = finite(wij, f"W[{j}][{i}]")
            state[f"neurons.{j}.b"] = finite(bias[j], f"b[{j}]")
        self.load_state_dict(state)

    def __call__(self, x: object, step_by_step: bool = False) -> Value | list[Value]:
        """Every neuron on the same input; the inputs are checked once, not per neuron.

        ``step_by_step=True``: every step a node of its own, as in :meth:`Neuron.__call__`.
        """
        xs = check_inputs(x, self.nin, "Layer")
        out = self._forward_step_by_step(xs) if step_by_step else self._forward(xs)
        return out[0] if len(out) == 1 else out

    def _forward(self, xs: Sequence[Value]) -> list[Value]:
        return [n._forward(xs) for n in self.neurons]

    def _forward_batch(self, xss: Sequence[Sequence[Value]]) -> Sequence[Sequence[Value]]:
        return [self._forward(xs) for xs in xss]

    def _forward_step_by_step(self, xs: Sequence[Value]) -> list[Value]:
        return [n._forward_step_by_step(xs) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in (*n.w, n.b)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``neurons.0.w.0``, ..., ``neurons.0.b``, ``neurons.1.w.0``, ..."""
        return [
            (f"neurons.{j}.{name}", p)
            for j, n in enumerate(self.neurons)
            for name, p in n.named_parameters()
        ]

    def __repr__(self) -> str:
        n = self.num_parameters()
        return f"Layer({self.nin} -> {self.nout} {self.activation}, {plural(n, 'parameter')})"


# --------------------------------------------------------------------------------------
# MLP
# --------------------------------------------------------------------------------------


class MLP(Module):
    """A multi-layer perceptron: layers of neurons, each reading the previous outputs.

    ``MLP(nin, nouts)`` has ``len(nouts)`` layers; layer i has ``nouts[i]`` neurons.
    Hidden layers use ``activation`` (default relu); the last layer uses
    ``output_activation``: ``linear`` (default, as micrograd; for regression and scores),
    ``sigmoid`` (a probability), ``tanh`` or ``softmax`` (the last layer is linear, then
    p_i = e**z_i / sum_j e**z_j: a list of probabilities summing to 1).

    Calling it returns one Value when the last layer has one neuron, else a list. A
    hidden layer of one neuron is fine (``MLP(2, [16, 1, 1])``).

    >>> model = MLP(2, [16, 16, 1], seed=0)
    >>> model
    MLP(2 -> [16 relu, 16 relu, 1 linear], 337 parameters)
    >>> model.num_parameters()   # (2+1)*16 + (16+1)*16 + (16+1)*1
    337
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str = "relu",
        output_activation: str = "linear",
        init: str = "uniform",
        seed: int | None = None,
        rng: random.Random | None = None,
    ) -> None:
        nin = size(nin, "nin")
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence):
            raise TypeError(
                f"nouts must be a list of layer sizes like [16, 16, 1], got {type(nouts).__name__}"
            )
        if not nouts:
            raise ValueError("nouts must be a non-empty list of layer sizes, got []")
        sizes = [size(n, f"nouts[{i}]") for i, n in enumerate(nouts)]
        fans = [nin, *sizes]
        _check_count(
            sum((fans[i] + 1) * n for i, n in enumerate(sizes)), f"MLP({nin}, {_short(sizes)})"
        )
        activation = choice(activation, ACTIVATIONS, "activation")
        output_activation = choice(output_activation, OUTPUT_ACTIVATIONS, "output_activation")
        if output_activation == "softmax" and sizes[-1] < 2:
            raise ValueError(
                f"output_activation='softmax' needs at least 2 outputs, got nouts[-1] = {sizes[-1]}"
            )
        init = choice(init, INITS, "init")
        r = weight_generator(rng, seed)
        last = "linear" if output_activation == "softmax" else output_activation
        self.layers: list[Layer] = [
            Layer(
                fans[i],
                fans[i + 1],
                activation=activation if i < len(sizes) - 1 else last,
                init=init,
                rng=r,
            )
            for i in range(len(sizes))
        ]
        self._nin = nin
        self._nouts = sizes
        self._activation = activation
        self._output_activation = output_activation
        self._init = init

    @property
    def nin(self) -> int:
        """Number of inputs."""
        return self._nin

    @property
    def nouts(self) -> list[int]:
        """Layer sizes, a copy: ``[16, 16, 1]``."""
        return list(self._nouts)

    @property
    def activation(self) -> str:
        """Activation of the hidden layers."""
        return self._activation

    @property
    def output_activation(self) -> str:
        """What the last layer applies: linear, sigmoid, tanh or softmax."""
        return self._output_activation

    @property
    def init(self) -> str:
        """How the weights were drawn: uniform, xavier or kaiming."""
        return self._init

    def __call__(self, x: object, step_by_step: bool = False) -> Value | list[Value]:
        """The network's output for one input vector ``x`` (a list of ``nin`` numbers).

        The input is checked and lifted to Values once, here; the layers inside pass
        Values to each other without checking them again. ``step_by_step=True``: every
        step a node of its own, as in :meth:`Neuron.__call__`.
        """
        xs = check_inputs(x, self._nin, "MLP")
        out: list[Value] = []
        for layer in self.layers:
            out = layer._forward_step_by_step(xs) if step_by_step else layer._forward(xs)
            xs = out
        if self._output_activation == "softmax":
            out = softmax(out)
        return out[0] if len(out) == 1 else out

    def forward_batch(self, inputs: Sequence[object]) -> list[Any]:
        """``[self(x) for x in inputs]``: the outputs for a whole batch of input vectors.

        The same nodes and numbers as calling the model on each input; the fast path
        reads each weight once for the whole batch.

        >>> model = MLP(1, [1], seed=0)
        >>> model.layers[0].neurons[0].w[0].data = 2.0    # y = 2x + 0
        >>> [y.data for y in model.forward_batch([[1.0], [3.0]])]
        [2.0, 6.0]
        """
        if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
            raise TypeError(
                f"forward_batch takes a list of input vectors, got {type(inputs).__name__}"
            )
        if type(self).__call__ is not MLP.__call__:  # a subclass's own __call__ runs per input
            return [self(x) for x in inputs]
        xss: Sequence[Sequence[Value]] = [check_inputs(x, self._nin, "MLP") for x in inputs]
        for layer in self.layers:
            xss = layer._forward_batch(xss)
        outs = [softmax(out) for out in xss] if self._output_activation == "softmax" else xss
        return [out[0] if len(out) == 1 else list(out) for out in outs]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for n in layer.neurons for p in (*n.w, n.b)]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``layers.0.neurons.0.w.0``, ..., ``layers.0.neurons.0.b``, ..."""
        return [
            (f"layers.{i}.{name}", p)
            for i, layer in enumerate(self.layers)
            for name, p in layer.named_parameters()
        ]

    def check_architecture(self) -> None:
        """Raise ValueError unless the layers still match nin/nouts/activations."""
        fans = [self._nin, *self._nouts]
        if len(self.layers) != len(self._nouts):
            raise ValueError(
                f"the MLP was built with {len(self._nouts)} layers but has {len(self.layers)} now"
            )
        for i, layer in enumerate(self.layers):
            want = self._activation if i < len(self.layers) - 1 else self._output_activation
            want = "linear" if want == "softmax" else want
            if len(layer.neurons) != fans[i + 1]:
                raise ValueError(
                    f"layers[{i}] was built with {fans[i + 1]} neurons but has {len(layer.neurons)}"
                )
            for j, n in enumerate(layer.neurons):
                if len(n.w) != fans[i]:
                    raise ValueError(
                        f"layers[{i}].neurons[{j}] was built with {fans[i]} weights "
                        f"but has {len(n.w)}"
                    )
                if n.activation != want:
                    raise ValueError(
                        f"layers[{i}].neurons[{j}] has activation {n.activation!r}, "
                        f"but the MLP's architecture says {want!r}"
                    )

    def to_torch(self) -> Any:
        """The same network as a ``torch.nn.Sequential`` of float64 modules.

        ``Linear`` layers with identical weights, each followed by its activation module
        (``ReLU``, ``LeakyReLU(0.01)``, ``Tanh``, ``Sigmoid``; nothing for linear), and
        ``Softmax(dim=-1)`` at the end for a softmax output. Needs PyTorch installed.
        """
        try:
            import torch
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError(
                "MLP.to_torch() needs PyTorch, which micrograd_like does not install: "
                "pip install torch"
            ) from e
        from torch import nn

        self.check_architecture()
        makers: dict[str, Callable[[], Any]] = {
            "relu": nn.ReLU,
            "leaky_relu": lambda: nn.LeakyReLU(negative_slope=LEAKY_RELU_SLOPE),
            "tanh": nn.Tanh,
            "sigmoid": nn.Sigmoid,
        }
        modules: list[Any] = []
        for layer in self.layers:
            linear = nn.Linear(layer.nin, layer.nout, dtype=torch.float64)
            weight = [[w.data for w in n.w] for n in layer.neurons]
            bias = [n.b.data for n in layer.neurons]
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(weight, dtype=torch.float64))
                linear.bias.copy_(torch.tensor(bias, dtype=torch.float64))
            modules.append(linear)
            act = layer.neurons[0].activation
            if act != "linear":
                modules.append(makers[act]())
        if self._output_activation == "softmax":
            modules.append(nn.Softmax(dim=-1))
        return nn.Sequential(*modules)

    def __repr__(self) -> str:
        sizes = []
        for i, layer in enumerate(self.layers):
            last = i == len(self.layers) - 1
            act = "softmax" if last and self._output_activation == "softmax" else layer.activation
            sizes.append(f"{layer.nout} {act}")
        n = self.num_parameters()
        return f"MLP({self._nin} -> [{', '.join(sizes)}], {plural(n, 'parameter')})"
