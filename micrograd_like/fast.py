"""The fast path: the same nodes as the plain path, made and walked faster.

The contract
------------

The fast path changes how nodes are made and walked, never what a node is. With it on
(the default; ``MICROGRAD_LIKE_REFERENCE=1`` before import, or :func:`enabled(False)
<enabled>`, keeps it off), every op makes the node :mod:`micrograd_like.engine`
describes: ``_parents`` holds the parent Values in order and ``_local_grads`` their
local derivatives, with the same ``.data``, ``.op`` and numbers, bit for bit. The one
difference of form: a neuron's affine node made by a layer holds its parents and local
derivatives as read-only sequences over storage it shares with its neuron and its
layer's inputs (:class:`AffineParents`, :class:`AffineLocals`), where the plain path
holds tuples; they read, compare and print as the same tuples.

``backward()`` leaves every ``.grad`` the plain ``backward()`` leaves, with two
documented differences:

* **A local derivative of 0 passes nothing on**, as a gradient of 0 already does on both
  paths: ``0 * inf`` is skipped rather than made NaN.
* **The walk prunes exactly.** It does not walk behind a local derivative of 0 (a ReLU
  that is off, a met hinge margin) when the node behind it is *fresh* (below): then
  every ``.grad`` there is still the 0.0 it was made with, which is what the full walk
  would give it. Where pruning changes the order in which three or more terms are
  summed into a node, a gradient can differ in the last bit. A ``.grad`` assigned by
  hand to an intermediate node that lies only behind such a zero is left as assigned.

A node whose ``_backward`` user code assigned is walked by calling it, as on the plain
path. Nodes made on either path can be walked on the other. Inside ``no_grad()`` or
``detect_anomaly()``, and for ``backward(create_graph=True)``, the plain path runs.
``tests/machinery/test_fast_path.py`` checks all of this on random graphs and models.

What it replaces, and why that is faster
----------------------------------------

* **The ops' methods** (``+ * / **``, their reflections, ``exp log tanh sigmoid relu``)
  and :func:`engine.make_node <micrograd_like.engine.make_node>` are generated at import
  from the rows of :data:`~micrograd_like.rules.RULES`. A row's :class:`~micrograd_like.
  rules.Inline` expressions are pasted in, so ``a * b`` makes its node in one call, with
  no ``make_node``, ``Rule.run`` or lambda in between. Each keeps the engine method's
  name and docstring; tracebacks and debuggers show its generated source.
* **Fresh nodes.** A node is made with ``.grad`` set to the current era's own 0.0
  (``_era[0]``, a float told apart by identity) when every parent that is not a leaf
  is fresh too, and with a plain 0.0 otherwise. The era changes when a walk begins and
  at every chain-rule step of the plain path (``Value._step``), so a fresh node and all
  that lies behind it have been neither walked nor written since they were made.
* **Visit marks.** The walk marks a node by putting a mark in its ``.grad`` slot
  (compared by identity), so it needs no visited set, and it zeroes the intermediate
  gradients as it goes. A lock keeps two fast walks from running at once; a walk that
  fails half way puts every mark back to 0.0.
* **Neurons share their data.** ``Layer._forward`` (and ``Layer._forward_batch``, for a
  whole batch) reads each neuron's weights once for as long as none of them changes,
  and makes its affine nodes over that shared storage; a ReLU after it is made inline.
* **A pause of the cyclic garbage collector** while an MLP builds its graph
  (``MLP.__call__``, ``MLP.forward_batch``): the graphs have no reference cycles, so
  reference counting frees them, and the collector would only scan new nodes in vain.

Switching is safe at any time, from any thread: a switch waits for a fast walk under
way to finish, nodes are the same on both paths, and every op and walk that starts
after the switch runs on the path switched to. Two threads walking one graph at the
same moment race on its gradients on either path, as in any autograd engine.
"""

from __future__ import annotations

import functools
import gc
import linecache
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from operator import attrgetter, mul  # noqa: F401 - mul: the generated code uses it
from typing import Any

from micrograd_like import engine, modes, nn
from micrograd_like.engine import Value
from micrograd_like.functional import softmax
from micrograd_like.modes import RECORDING
from micrograd_like.rules import RULES, add_in_order  # noqa: F401 - as mul

__all__ = ["AffineLocals", "AffineParents", "enabled", "install", "installed", "uninstall"]

PRUNE = True
"""Whether ``backward()`` prunes (exactly). False walks everything, as the plain path
does; the tests compare the two."""

_new = object.__new__
_current = modes.current
_switched = modes.BLOCKS_OPEN  # [0] while no thread is inside no_grad() or detect_anomaly()
_plain_make = engine.make_node
_walk_lock = threading.RLock()
_data = attrgetter("_data")
_LEAF = ()  # a leaf's _local_grads: it has no local derivatives (the empty tuple is one object)

_era = [float(0)]
"""``_era[0]`` is the 0.0 that nodes made in this era start with (see the module's
docstring). It is a list's item, not a global of its own, so that a new era does not
change this module's globals: their lookups stay cached."""


def _new_era() -> None:
    """Start a new era: no node made so far is fresh any more."""
    _era[0] = float(0)


# --------------------------------------------------------------------------------------
# Node makers, generated from the rule table
# --------------------------------------------------------------------------------------

_BINARY = """
def maker(forward, partials):
    def {name}(self, other):
        if other.__class__ is not Value:
            other = _lift(other)
            if other is None:
                return NotImplemented
        x, y = {operands}
        if _switched[0] and _current() is not RECORDING:
            return _plain_make({op!r}, (x, y))
        a = x._data
        b = y._data
        out = {forward}
        node = _new(Value)
        node._data = out
        s = _era[0]
        if (x.grad is not s and x._local_grads is not _LEAF) or (
            y.grad is not s and y._local_grads is not _LEAF
        ):
            s = 0.0
        node.grad = s
        node._op = {op!r}
        node._parents = (x, y)
        node._local_grads = {partials}
        return node
    return {name}
"""

_UNARY = """
def maker(forward, partials):
    def {name}(self):
        if _switched[0] and _current() is not RECORDING:
            return _plain_make({op!r}, (self,))
        a = self._data
        out = {forward}
        node = _new(Value)
        node._data = out
        s = _era[0]
        if self.grad is not s and self._local_grads is not _LEAF:
            s = 0.0
        node.grad = s
        node._op = {op!r}
        node._parents = (self,)
        node._local_grads = {partials}
        return node
    return {name}
"""


def _generate(template: str, title: str, **fields: str) -> Callable[..., Any]:
    """Compile ``template`` filled with ``fields``; its source is kept for tracebacks."""
    source = template.format(**fields)
    filename = f"<micrograd_like.fast: {title}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), globals(), namespace)
    return namespace["maker"]


def _method(name: str, op: str, reflected: bool = False) -> Callable[..., Value]:
    """``Value.<name>`` made from the row ``RULES[op]``: its inline expressions where the
    row has them, else calls of its forward and partials."""
    rule = RULES[op]
    inline = rule.inline
    unary = name[0] != "_"
    args = "a" if unary else "a, b"
    forward = inline.forward if inline and inline.forward else f"forward({args})"
    partials = inline.partials if inline and inline.partials else f"partials(out, {args})"
    plain = engine.Value.__dict__[name]
    fields = {"name": name, "op": op, "forward": forward, "partials": partials}
    if unary:
        maker = _generate(_UNARY, f"Value.{name}, from RULES[{op!r}]", **fields)
    else:
        fields["operands"] = "other, self" if reflected else "self, other"
        maker = _generate(_BINARY, f"Value.{name}, from RULES[{op!r}]", **fields)
    method = maker(rule.forward, rule.partials)
    functools.update_wrapper(method, plain)  # the engine method's name, docstring and signature
    return method


def _lift(x: Any) -> Value | None:
    """engine.lift: a number as a constant leaf (a Value is never passed here)."""
    if x.__class__ is int and -_EXACT < x < _EXACT:
        x = float(x)  # as checks.real converts it
    if x.__class__ is float and math.isfinite(x):
        v = _new(Value)
        v._data, v.grad, v._op, v._parents, v._local_grads = x, 0.0, "", (), ()
        return v
    return engine.lift(x)


_EXACT = 2**53  # ints below this in size are floats exactly


def make_node(op: str, parents: tuple[Value, ...]) -> Value:
    """engine.make_node on the fast path: the same node, made fresh when it can be."""
    if _switched[0] and _current() is not RECORDING:
        return _plain_make(op, parents)
    rule = RULES[op]
    args = [p._data for p in parents]
    if rule.nary:
        out = rule.forward(args)
        local = rule.partials(out, args)
    else:
        out = rule.forward(*args)
        local = rule.partials(out, *args)
    node = _new(Value)
    node._data = out
    s = _era[0]
    for p in parents:
        if p.grad is not s and p._local_grads is not _LEAF:
            s = 0.0
            break
    node.grad = s
    node._op = op
    node._parents = parents
    node._local_grads = tuple(local)
    return node


# --------------------------------------------------------------------------------------
# Neurons and layers: affine nodes over shared storage
# --------------------------------------------------------------------------------------


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
        s = _era[0]
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
    maker = _generate(
        _AFFINE_NODES,
        "Layer._forward's affine and relu nodes, from RULES['affine'] and RULES['relu']",
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


def _layer_forward(self: nn.Layer, xs: Sequence[Value]) -> list[Value]:
    """Layer._forward, its neurons' affine nodes sharing their data."""
    if _switched[0] and _current() is not RECORDING:
        return _plain_layer_forward(self, xs)
    neurons, nin = _neurons(self)
    if len(xs) != nin:  # the plain path says what is wrong
        return _plain_layer_forward(self, xs)
    return _affine_nodes(neurons, tuple(xs))


def _layer_forward_batch(
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


def _mlp_forward_batch(self: nn.MLP, inputs: Sequence[Any]) -> list[Any]:
    """MLP.forward_batch: inside ``no_grad()``, the numbers alone (:func:`_numbers`);
    otherwise the graph, made with the cyclic garbage collector paused."""
    if _switched[0] and type(self).__call__ is _PATCHES[(nn.MLP, "__call__")]:
        mode = _current()
        if not mode.grad and mode.anomaly is None and isinstance(inputs, (list, tuple)):
            outs = _numbers(self, inputs)
            if outs is not None:
                return outs
    return _paused_forward_batch(self, inputs)


def _gc_paused(method: Callable[..., Any]) -> Callable[..., Any]:
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


# --------------------------------------------------------------------------------------
# The backward walk
# --------------------------------------------------------------------------------------


def backward(self: Value, create_graph: bool = False, prune: object = None) -> None:
    """Value.backward with visit marks and exact pruning (see the module's docstring)."""
    if create_graph is not False or prune is not None or (_switched[0] and _current().anomaly):
        return _plain_backward(self, create_graph, prune)
    with _walk_lock:
        order = _walk(self)  # every node in order now has grad 0.0
        self.grad += 1.0
        for v in reversed(order):
            ds: Any = v._local_grads
            kind = ds.__class__
            if kind is tuple:
                g = v.grad
                if g != 0.0:  # a zero gradient passes nothing on, nor does a zero derivative
                    ps = v._parents
                    n = len(ps)
                    if n == 2:
                        d = ds[0]
                        if d:
                            ps[0].grad += d * g
                        d = ds[1]
                        if d:
                            ps[1].grad += d * g
                    elif n == 1:
                        d = ds[0]
                        if d:
                            ps[0].grad += d * g
                    else:
                        for p, d in zip(ps, ds):
                            if d:
                                p.grad += d * g
            elif kind is AffineLocals:  # parents w1..wn, x1..xn, b; derivatives x, w, 1
                g = v.grad
                if g != 0.0:
                    ws, wdata, b, _ = ds.neuron
                    xs, xdata = ds.inputs
                    for w, d in zip(ws, xdata):
                        if d:
                            w.grad += d * g
                    for x, d in zip(xs, wdata):
                        if d:
                            x.grad += d * g
                    b.grad += g  # 1.0 * g
            else:
                v._backward()  # user code's own step, or another kind of node
    return None


_BUSY = object()  # the mark of a node whose parents _walk is still listing
_NEVER = object()  # the era a walk compares with when PRUNE is off: no grad is it


def _walk(root: Value) -> list[Value]:
    """topological_order, marking each listed node by setting its ``.grad`` to 0.0.

    Depth-first from ``root`` with an explicit stack. A node's ``.grad`` slot is its
    visit mark:

    * first pop: mark the node busy, push it back, then push its unlisted parents;
    * second pop (still busy, so every parent is listed by now): list it, and set its
      grad to ``done``, a 0.0 made for this walk (``is`` tells it from any other 0.0).

    A parent behind a local derivative of 0 is not pushed while it is fresh (its grad
    is ``era``, the era this walk began in). If the walk is interrupted, no node is left
    busy: its grad becomes 0.0.
    """
    era: Any = _era[0] if PRUNE else _NEVER
    _new_era()  # nodes walked now are not fresh for the next walk
    order: list[Value] = []
    if root._local_grads is _LEAF:
        return order
    done = float(0)  # a new object: stale marks of an earlier walk are never `is done`
    busy = _BUSY
    stack = [root]
    push, pop, emit = stack.append, stack.pop, order.append
    v = root
    try:
        while stack:
            v = pop()
            g = v.grad
            if g is busy:
                emit(v)
                v.grad = done
            elif g is not done:
                v.grad = busy
                push(v)
                ds: Any = v._local_grads
                kind = ds.__class__
                if kind is tuple:  # parents right to left: visited left to right
                    ps = v._parents
                    j = len(ps)
                    if j == 2:
                        p = ps[1]
                        if p._local_grads is not _LEAF:
                            pg = p.grad
                            if pg is not done and (ds[1] or pg is not era):
                                push(p)
                        p = ps[0]
                        if p._local_grads is not _LEAF:
                            pg = p.grad
                            if pg is not done and (ds[0] or pg is not era):
                                push(p)
                    elif j == 1:
                        p = ps[0]
                        if p._local_grads is not _LEAF:
                            pg = p.grad
                            if pg is not done and (ds[0] or pg is not era):
                                push(p)
                    else:
                        while j:
                            j -= 1
                            p = ps[j]
                            if p._local_grads is not _LEAF:
                                pg = p.grad
                                if pg is not done and (ds[j] or pg is not era):
                                    push(p)
                elif kind is AffineLocals:
                    ws, _, b, nonleaf = ds.neuron
                    if nonleaf and b._local_grads is not _LEAF and b.grad is not done:
                        push(b)
                    for p in reversed(ds.inputs[0]):
                        if p._local_grads is not _LEAF and p.grad is not done:
                            push(p)
                    if nonleaf:
                        for p in reversed(ws):
                            if p._local_grads is not _LEAF and p.grad is not done:
                                push(p)
                else:  # user code's own step: every parent, none pruned
                    for p in reversed(v._parents):
                        if p._local_grads is not _LEAF and p.grad is not done:
                            push(p)
    except BaseException:
        for u in (v, *stack):
            if u.grad is busy:
                u.grad = 0.0
        raise
    return order


def _step(self: Value, local_grads: Sequence[Any] | None = None) -> None:
    """Value._step, after starting a new era: a gradient it writes is never trusted as fresh."""
    _new_era()
    _plain_step(self, local_grads)


# --------------------------------------------------------------------------------------
# Switching on and off
# --------------------------------------------------------------------------------------

_plain_step = Value._step
_plain_backward = Value.backward
_plain_layer_forward = nn.Layer._forward
_plain_layer_forward_batch = nn.Layer._forward_batch
_affine_nodes = _affine_nodes_maker()
_paused_forward_batch = _gc_paused(nn.MLP.forward_batch)
_saved: dict[tuple[Any, str], Any] = {}
_installed = False


def _patches() -> dict[tuple[Any, str], Any]:
    """What the fast path puts in place: (owner, attribute name) -> the fast version."""
    ops = {"__add__": "+", "__mul__": "*", "__truediv__": "/", "__pow__": "**"}
    methods: dict[str, Any] = {name: _method(name, op) for name, op in ops.items()}
    reflected = {"__radd__": "+", "__rmul__": "*", "__rpow__": "**"}
    methods.update({name: _method(name, op, reflected=True) for name, op in reflected.items()})
    methods.update({op: _method(op, op) for op in ("exp", "log", "tanh", "sigmoid", "relu")})
    methods.update(backward=backward, _step=_step)
    patches: dict[tuple[Any, str], Any] = {(Value, k): v for k, v in methods.items()}
    patches[(engine, "make_node")] = make_node
    patches[(nn.Layer, "_forward")] = _layer_forward
    patches[(nn.Layer, "_forward_batch")] = _layer_forward_batch
    patches[(nn.MLP, "__call__")] = _gc_paused(nn.MLP.__call__)
    patches[(nn.MLP, "forward_batch")] = _mlp_forward_batch
    return patches


_PATCHES = _patches()


def install() -> None:
    """Put the fast path in place (``micrograd_like`` does this on import)."""
    global _installed
    with _walk_lock:  # no fast walk is under way while the methods change
        if _installed:
            return
        for (owner, name), fast in _PATCHES.items():
            _saved[(owner, name)] = (
                owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            )
            setattr(owner, name, fast)
        _new_era()  # gradients written on the plain path are never trusted as fresh
        _installed = True


def uninstall() -> None:
    """Go back to the plain path. Every node made so far stays valid on it."""
    global _installed
    with _walk_lock:
        for (owner, name), plain in _saved.items():
            setattr(owner, name, plain)
        _saved.clear()
        _installed = False


def installed() -> bool:
    """True when the fast path is in place."""
    return _installed


@contextmanager
def enabled(flag: bool = True) -> Iterator[None]:
    """A block on the fast path (``flag=True``) or on the plain one, then back as it was.

    >>> from micrograd_like.engine import Value
    >>> with enabled(False):         # the plain path of engine.py, for a debugger
    ...     c = Value(2.0) * Value(-3.0)
    >>> c.backward()                  # walked on the fast path: the same node
    >>> c.parents[0].grad
    -3.0
    """
    if not isinstance(flag, bool):
        raise TypeError(f"enabled() takes True or False, got {type(flag).__name__}")
    was = installed()
    (install if flag else uninstall)()
    try:
        yield
    finally:
        (install if was else uninstall)()
