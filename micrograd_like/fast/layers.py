"""How the fast path makes a layer's nodes: each neuron's affine node over storage it
shares with its neuron and the layer's inputs, a ReLU after it inline, and an MLP's
numbers alone inside ``no_grad()`` (the contract: :mod:`micrograd_like.fast`).

>>> from micrograd_like.nn import Layer
>>> z = Layer(2, 1, nonlin=False, seed=0)([1.0, 2.0])
>>> type(z._parents).__name__, len(z._parents)        # (w1, w2, x1, x2, b)
('AffineParents', 5)
"""

from __future__ import annotations

import functools
import gc
import math
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from operator import attrgetter, mul  # noqa: F401 - mul: the generated code uses it
from typing import Any

from micrograd_like import engine, modes, nn
from micrograd_like.engine import Value
from micrograd_like.fast.nodes import ERA, generate  # noqa: F401 - ERA: the generated code reads it
from micrograd_like.functional import softmax
from micrograd_like.modes import RECORDING
from micrograd_like.rules import RULES, add_in_order

__all__ = [
    "AffineLocals",
    "AffineParents",
    "gc_paused",
    "layer_forward",
    "layer_forward_batch",
    "mlp_call",
    "mlp_forward_batch",
]

_new = object.__new__
_current = modes.current
_switched = modes.BLOCKS_OPEN  # [0] while no thread is inside no_grad() or detect_anomaly()
_data = attrgetter("_data")
_LEAF = ()  # a leaf's _local_grads: it has no local derivatives (the empty tuple is one object)


class _AffineView:
    """A read-only sequence over a neuron's shared weights and a layer's shared inputs.

    ``neuron`` is ``(weights, their data, bias, whether any of them is a non-leaf)``,
    shared by every sample for as long as no weight changes; ``inputs`` is ``(the
    inputs, their data)``, shared by the layer's neurons. (A virtual subclass of
    ``Sequence``, registered below: an ABC base would make each one slower to create.)
    """

    __slots__ = ("neuron", "inputs")
    neuron: tuple[tuple[Value, ...], tuple[float, ...], Value, bool]
    inputs: tuple[tuple[Value, ...], list[float]]

    def _parts(self) -> tuple[Sequence[Any], Sequence[Any], Sequence[Any]]:
        raise NotImplementedError

    def __len__(self) -> int:
        return 2 * len(self.inputs[0]) + 1

    def __iter__(self) -> Iterator[Any]:
        return chain(*self._parts())

    def __reversed__(self) -> Iterator[Any]:
        return chain(*(reversed(part) for part in reversed(self._parts())))

    def __getitem__(self, i: Any) -> Any:
        return tuple(self)[i]

    def __contains__(self, item: object) -> bool:
        return any(v is item or v == item for v in self)

    def index(self, item: object) -> int:
        return tuple(self).index(item)

    def count(self, item: object) -> int:
        return tuple(self).count(item)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_AffineView, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(tuple(self))


class AffineParents(_AffineView):
    """The parents of a layer's affine node, ``(w1..wn, x1..xn, b)``, over shared storage."""

    __slots__ = ()

    def _parts(self) -> tuple[Sequence[Any], Sequence[Any], Sequence[Any]]:
        ws, _, b, _ = self.neuron
        return ws, self.inputs[0], (b,)


class AffineLocals(_AffineView):
    """Its local derivatives, ``(x1..xn, w1..wn, 1.0)``: the affine rule's partials."""

    __slots__ = ()

    def _parts(self) -> tuple[Sequence[Any], Sequence[Any], Sequence[Any]]:
        return self.inputs[1], self.neuron[1], (1.0,)


Sequence.register(AffineParents)
Sequence.register(AffineLocals)


_AFFINE_NODES = """
def maker(act_relu):
    def affine_nodes(neurons, xs):
        x = list(map(_data, xs))
        inputs = (xs, x)
        s = ERA[0]
        for p in xs:
            if p.grad is not s and p._local_grads is not _LEAF:
                s = 0.0
                break
        out = []
        append = out.append
        for neuron, act in neurons:
            _, w, bias, nonleaf = neuron
            b = bias._data
            a = {affine}
            z = _new(Value)
            z._data = a
            zs = 0.0 if nonleaf else s
            z.grad = zs
            z._op = "affine"
            parents = AffineParents()
            parents.neuron = neuron
            parents.inputs = inputs
            z._parents = parents
            local = AffineLocals()
            local.neuron = neuron
            local.inputs = inputs
            z._local_grads = local
            if act is None:
                append(z)
            elif act is act_relu:
                r = _new(Value)
                r._data = {relu_forward}
                r.grad = zs
                r._op = "relu"
                r._parents = (z,)
                r._local_grads = {relu_partials}
                append(r)
            else:
                append(act(z))
        return out
    return affine_nodes
"""
"""The layer's maker: ``a``, the affine output, is the relu row's input ``a``."""


def _affine_nodes_maker() -> Callable[..., Any]:
    """The layer's node maker, made from the rows ``affine`` and ``relu``."""
    affine, relu = RULES["affine"].inline, RULES["relu"].inline
    assert affine and affine.forward and relu and relu.forward and relu.partials
    maker = generate(
        _AFFINE_NODES,
        "Layer._forward's affine and relu nodes, from RULES['affine'] and RULES['relu']",
        globals(),
        affine=affine.forward,
        relu_forward=relu.forward,
        relu_partials=relu.partials,
    )
    return maker(_RELU)


_RELU = object()  # the activation marker of an inline ReLU


def _activation(name: str) -> Any:
    """How the layer maker applies an activation: None (linear), _RELU (inline), or a method."""
    if name == "linear":
        return None
    if name == "relu":
        return _RELU
    return nn.ACTIVATION_FUNCTIONS[name]


def _neurons(layer: nn.Layer) -> tuple[list[tuple[Any, Any]], int]:
    """Each neuron's shared weights and its activation, and the number of inputs they all
    take (-1 if they do not all take the same).

    Kept on the layer and shared by the nodes of every sample; made anew when a neuron,
    a weight, a bias or an activation was replaced, or when any Value's ``.data`` was
    written since (:func:`~micrograd_like.engine.data_writes`). The checks are C-level
    loops over the neurons' weight lists, which compare by identity.
    """
    neurons = layer.neurons
    wlists = list(map(_w, neurons))
    writes = engine.data_writes()
    cached = layer.__dict__.get("_fast_neurons")
    if (
        cached is not None
        and cached[0] == writes
        and cached[1] == wlists
        and cached[2] == list(map(_b, neurons))
        and cached[3] == list(map(_act, neurons))
    ):
        return cached[4], cached[5]
    made = []
    for n in neurons:
        ws, b = tuple(n.w), n.b
        nonleaf = bool(b._parents) or any(map(_parents, ws))
        made.append(((ws, tuple(map(_data, ws)), b, nonleaf), _activation(n.activation)))
    nins = set(map(len, wlists))
    nin = nins.pop() if len(nins) == 1 else -1
    layer._fast_neurons = (  # type: ignore[attr-defined]
        writes,
        [list(ws) for ws in wlists],
        list(map(_b, neurons)),
        list(map(_act, neurons)),
        made,
        nin,
    )
    return made, nin


_w = attrgetter("w")
_parents = attrgetter("_parents")
_b = attrgetter("b")
_act = attrgetter("_activation")


def layer_forward(self: nn.Layer, xs: Sequence[Value]) -> list[Value]:
    """Layer._forward, its neurons' affine nodes sharing their data."""
    if _switched[0] and _current() is not RECORDING:
        return _plain_layer_forward(self, xs)
    neurons, nin = _neurons(self)
    if len(xs) != nin:  # the plain path says what is wrong
        return _plain_layer_forward(self, xs)
    return _affine_nodes(neurons, tuple(xs))


def layer_forward_batch(
    self: nn.Layer, xss: Sequence[Sequence[Value]]
) -> Sequence[Sequence[Value]]:
    """Layer._forward_batch: each weight read once for the whole batch."""
    if _switched[0] and _current() is not RECORDING:
        return _plain_layer_forward_batch(self, xss)
    neurons, nin = _neurons(self)
    if any(len(xs) != nin for xs in xss):
        return _plain_layer_forward_batch(self, xss)
    return [_affine_nodes(neurons, tuple(xs)) for xs in xss]


def _float_activation(name: str) -> Callable[[list[float]], list[float]]:
    """An activation applied to a layer's floats, from the rule table's forward."""
    if name == "linear":
        return lambda zs: zs
    if name == "relu":
        return lambda zs: [a if a > 0.0 else 0.0 for a in zs]  # the relu row's forward
    forward = RULES[name].forward
    if name == "leaky_relu":
        k = nn.LEAKY_RELU_SLOPE
        return lambda zs: [forward(a, k) for a in zs]
    return lambda zs: list(map(forward, zs))


def _numbers(model: nn.MLP, inputs: Sequence[Any]) -> list[Any] | None:
    """MLP.forward_batch with no graph to record: the numbers alone, layer by layer, and
    leaves for the outputs, as the plain path gives them inside ``no_grad()``; None when
    a layer's neurons do not match its inputs, or differ in activation (the plain path
    takes those)."""
    rows = []
    for x in inputs:
        if x.__class__ is list and {*map(type, x)} == {float} and all(map(math.isfinite, x)):
            rows.append(
                x if len(x) == model.nin else list(map(_data, nn.check_inputs(x, model.nin, "MLP")))
            )
        else:
            rows.append(list(map(_data, nn.check_inputs(x, model.nin, "MLP"))))
    for layer in model.layers:
        neurons, nin = _neurons(layer)
        names = {n.activation for n in layer.neurons}
        if (rows and nin != len(rows[0])) or len(names) != 1:
            return None
        act = _float_activation(names.pop())
        packs = [(wdata, b._data) for (_, wdata, b, _), _ in neurons]
        rows = [act([add_in_order(map(mul, w, x), b) for w, b in packs]) for x in rows]
    outs = [[_leaf(v) for v in row] for row in rows]
    if model.output_activation == "softmax":
        outs = [softmax(out) for out in outs]
    return [out[0] if len(out) == 1 else list(out) for out in outs]


def _leaf(x: float) -> Value:
    """A leaf holding a result, not checked (inf is a result)."""
    v = _new(Value)
    v._data, v.grad, v._op, v._parents, v._local_grads = x, 0.0, "", (), ()
    return v


def mlp_forward_batch(self: nn.MLP, inputs: Sequence[Any]) -> list[Any]:
    """MLP.forward_batch: inside ``no_grad()``, the numbers alone (:func:`_numbers`);
    otherwise the graph, made with the cyclic garbage collector paused."""
    if _switched[0] and type(self).__call__ is mlp_call:
        mode = _current()
        if not mode.grad and mode.anomaly is None and isinstance(inputs, (list, tuple)):
            outs = _numbers(self, inputs)
            if outs is not None:
                return outs
    return _paused_forward_batch(self, inputs)


def gc_paused(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, with the cyclic garbage collector paused while it runs."""

    @functools.wraps(method)
    def paused(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return method(*args, **kwargs)
        gc.disable()
        try:
            return method(*args, **kwargs)
        finally:
            gc.enable()

    return paused


_plain_layer_forward = nn.Layer._forward
_plain_layer_forward_batch = nn.Layer._forward_batch
_affine_nodes = _affine_nodes_maker()
_paused_forward_batch = gc_paused(nn.MLP.forward_batch)
mlp_call = gc_paused(nn.MLP.__call__)
"""MLP.__call__ on the fast path: the plain one, with the cyclic garbage collector paused."""
