"""The fast path: the same engine, with its performance machinery.

The contract. With the fast path installed (the default; ``MICROGRAD_LIKE_REFERENCE=1``
before import keeps it out), every op makes the node the plain path of
:mod:`micrograd_like.engine` makes, with the same ``.data``, ``.op``, ``.parents`` and
``.local_grads``, bit for bit; and ``backward()`` leaves every ``.grad`` the plain
``backward()`` leaves, with two documented differences:

* **A local derivative of 0 passes nothing on**, as a gradient of 0 already does on both
  paths: ``0 * inf`` is skipped rather than made NaN. This holds under
  ``detect_anomaly()`` too, which therefore does not report it.
* **The walk prunes exactly.** It does not walk behind a local derivative of 0 (a ReLU
  that is off) when nothing behind it was ever walked or written by the chain rule, so
  every ``.grad`` there is still the 0.0 it was made with: what the full walk would
  give it. Every node gets the full walk's gradient; where pruning changes the order
  in which three or more terms are summed into a node, it can differ in the last bit.
  ``backward_steps`` walks everything, as the plain path does. A ``.grad`` assigned by
  hand to an intermediate node that only lies behind such a zero is left as assigned.
  ``prune=True`` is accepted and changes nothing.

``tests/machinery/test_fast_path.py`` and ``test_pruning.py`` check the contract on
random graphs. Inside ``no_grad()`` or ``detect_anomaly()``, and with
``create_graph=True``, every op and ``backward()`` take the plain path.

Why it is faster, in one place:

* **Packed storage.** A node keeps its local derivatives and its parents in ONE
  container, ``(d1, .., dn, s, p1, .., pn)``, in the ``_parents`` slot, with
  ``_local_grads`` set to :data:`PACKED`. ``s``, in the middle, is the node's *stamp*
  (below). ``Value.parents`` and ``Value.local_grads`` unpack it.
* **Neuron nodes share their data.** A neuron's ``affine`` node made by a layer
  (``_local_grads`` is :data:`AFFINE`) holds ``(neuron, s, inputs)``: ``neuron`` is the
  neuron's weights, their data and its bias, read once and shared by every sample for
  as long as no weight changes (a changed ``.data`` or a replaced weight makes a new
  one); ``inputs`` is the layer's input Values and their data, shared by the layer's
  neurons. A ReLU after it is made inline.
* **Stamps, for exact pruning.** ``s`` is the current *era* (an object replaced at the
  start of every walk and every chain-rule step ``_step()`` of the plain path) when the node and
  all its non-leaf ancestors were made in this era, and :data:`_OLD` otherwise. A walk
  may skip an edge with a local derivative of 0 only when its parent's stamp is the
  era the walk began in: then nothing behind it has been written since it was made.
* **Inlined node makers.** Each op's method makes its node in one call, without
  going through ``make_node`` and ``Rule.run``.
* **Visit marks.** The backward walk marks a node visited by putting a mark object in
  its ``.grad`` slot (compared by identity), so it needs no visited set and gets the
  zeroing of intermediate gradients free. A lock keeps two threads from walking at
  once; a walk that fails half way puts every mark back to 0.0.
* **Batched forward.** :func:`forward_batch` runs an MLP on a whole batch, reading
  each weight once instead of once per sample.
* **A pause of the cyclic garbage collector** (:func:`gc_paused`) during a training
  step: graphs here have no reference cycles, so reference counting frees them, and
  the collector would only scan new nodes in vain.
"""

from __future__ import annotations

import functools
import gc
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from operator import attrgetter, mul
from typing import Any

from micrograd_like import engine, modes, nn
from micrograd_like.engine import Value
from micrograd_like.modes import RECORDING
from micrograd_like.rules import RULES, add_in_order

__all__ = ["AFFINE", "PACKED", "forward_batch", "gc_paused", "install", "installed", "uninstall"]

PACKED = object()
"""The ``_local_grads`` of a node whose edges are packed into ``_parents``."""
AFFINE = object()
"""The ``_local_grads`` of a neuron's affine node made by a layer: ``(neuron, s, inputs)``."""

_new = object.__new__
_current = modes.current
_switched = modes.SWITCHED  # [0] while no thread is inside no_grad() or detect_anomaly()
_plain_make = engine.make_node
_plain_backward = Value.backward
_plain_step = Value._step
_walk_lock = threading.RLock()
_data = attrgetter("data")
_AFFINE_RULE = RULES["affine"]
_RELU_RULE = RULES["relu"]


class _Era:
    """The stamp of nodes made since the last walk (see the module's docstring)."""

    __slots__ = ()


_era = _Era()
_OLD = _Era()  # the stamp of a node with an ancestor made in an earlier era: never current
_NEVER = _Era()  # the era a walk compares stamps with when PRUNE is off: no stamp is it

PRUNE = True
"""Whether ``backward()`` prunes (exactly). False walks everything, as the plain path
does; the tests compare the two."""


def _next_era() -> None:
    """Start a new era: every node made so far can no longer be pruned as never walked."""
    global _era
    _era = _Era()


# --------------------------------------------------------------------------------------
# Packed nodes
# --------------------------------------------------------------------------------------


def _parents(self: Value) -> tuple[Value, ...]:
    """The operands this node was computed from, in order."""
    e = self._parents
    kind = self._local_grads
    if kind is PACKED:
        return tuple(e[(len(e) >> 1) + 1 :])
    if kind is AFFINE:
        (ws, _, b, _), _, (xs, _) = e
        return (*ws, *xs, b)
    return tuple(e)


def _local_grads(self: Value) -> tuple[Any, ...]:
    """d(self)/d(parent) for each parent, as the rule table gave them."""
    e = self._parents
    kind = self._local_grads
    if kind is PACKED:
        return tuple(e[: len(e) >> 1])
    if kind is AFFINE:
        (_, wdata, _, _), _, (_, xdata) = e
        return (*xdata, *wdata, 1.0)
    return tuple(kind or ())


def _stamp(parents: Sequence[Value]) -> Any:
    """The stamp of a node with these parents: this era if theirs all are (or they are leaves)."""
    s = _era
    for p in parents:
        q = p._parents
        if q and q[len(q) >> 1] is not s:
            return _OLD
    return s


def make(op: str, parents: Sequence[Value], args: list[float] | None = None) -> Value:
    """``engine.make_node`` for any op, packed. ``args``, when given, is ``[p.data for p in parents]``."""
    if _switched[0] and _current() is not RECORDING:
        return _plain_make(op, tuple(parents))
    rule = RULES[op]
    if args is None:
        args = [p.data for p in parents]
    if rule.nary:
        forward = rule.forward
        out = forward(args)
        partials = rule.partials
        local = partials(out, args)
    else:
        out = rule.forward(*args)
        local = rule.partials(out, *args)
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._op = op
    node._parents = (*local, _stamp(parents), *parents)
    node._local_grads = PACKED
    return node


def _unary(op: str) -> Callable[[Value], Value]:
    """The method ``x.<op>()``, making its node inline."""

    def method(self: Value) -> Value:
        if _switched[0] and _current() is not RECORDING:
            return _plain_make(op, (self,))
        rule = RULES[op]
        forward = rule.forward
        x = self.data
        out = forward(x)
        node = _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._op = op
        partials = rule.partials
        (d,) = partials(out, x)
        s = _era
        q = self._parents
        if q and q[len(q) >> 1] is not s:
            s = _OLD
        node._parents = (d, s, self)
        node._local_grads = PACKED
        return node

    plain = getattr(Value, op)
    method.__name__, method.__qualname__, method.__doc__ = op, f"Value.{op}", plain.__doc__
    return method


def _lift(x: object) -> Value | None:
    if x.__class__ is int and -_EXACT < x < _EXACT:
        x = float(x)  # as checks.real converts it
    if x.__class__ is float and math.isfinite(x):
        v = _new(Value)
        v.data, v.grad, v.label, v._op, v._parents, v._local_grads = x, 0.0, "", "", (), None
        return v
    return engine._lift(x)


_EXACT = 2**53  # ints below this in size are floats exactly


def _arith(name: str, op: str, reflected: bool = False) -> Callable[[Value, Any], Value]:
    """``+`` or ``*`` inline, the rule's forward and partials written out: a + b with
    derivatives (1, 1), a * b with (b, a). Used only while the rule table's rows are the
    ones written out here."""
    plus = op == "+"
    rule0 = RULES[op]
    generic = _binary(name, op, reflected)

    def method(self: Value, other: Any) -> Value:
        o: Value | None
        if other.__class__ is Value:
            o = other
        else:
            o = _lift(other)
            if o is None:
                return NotImplemented
        if reflected:
            a, b = o, self
        else:
            a, b = self, o
        if (_switched[0] and _current() is not RECORDING) or RULES[op] is not rule0:
            return generic(self, o)
        x = a.data
        y = b.data
        node = _new(Value)
        s = _era
        q = a._parents
        if q and q[len(q) >> 1] is not s:
            s = _OLD
        q = b._parents
        if q and q[len(q) >> 1] is not s:
            s = _OLD
        if plus:
            node.data = x + y
            node._parents = (1.0, 1.0, s, a, b)
        else:
            node.data = x * y
            node._parents = (y, x, s, a, b)
        node.grad = 0.0
        node.label = ""
        node._op = op
        node._local_grads = PACKED
        return node

    method.__name__, method.__qualname__ = name, f"Value.{name}"
    method.__doc__ = getattr(Value, name).__doc__
    return method


def _binary(name: str, op: str, reflected: bool = False) -> Callable[[Value, Any], Value]:
    """The method ``self <op> other`` (``other <op> self`` when ``reflected``), inline."""

    def method(self: Value, other: Any) -> Value:
        o: Value | None
        if other.__class__ is Value:
            o = other
        else:
            o = _lift(other)
            if o is None:
                return NotImplemented
        if reflected:
            a, b = o, self
        else:
            a, b = self, o
        if _switched[0] and _current() is not RECORDING:
            return _plain_make(op, (a, b))
        rule = RULES[op]
        forward = rule.forward
        x = a.data
        y = b.data
        out = forward(x, y)
        node = _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        node._op = op
        partials = rule.partials
        da, db = partials(out, x, y)
        s = _era
        q = a._parents
        if q and q[len(q) >> 1] is not s:
            s = _OLD
        q = b._parents
        if q and q[len(q) >> 1] is not s:
            s = _OLD
        node._parents = (da, db, s, a, b)
        node._local_grads = PACKED
        return node

    method.__name__, method.__qualname__ = name, f"Value.{name}"
    method.__doc__ = getattr(Value, name).__doc__
    return method


# --------------------------------------------------------------------------------------
# The backward walk
# --------------------------------------------------------------------------------------


def backward(self: Value, create_graph: bool = False, prune: bool = False) -> None:
    """Value.backward, with visit marks and exact pruning (see the module's docstring)."""
    engine._check_flags(create_graph, prune)
    with _walk_lock:
        if create_graph or (_switched[0] and _current().anomaly is not None):
            return _plain_backward(self, create_graph)
        order = _walk(self)  # every node in order now has grad 0.0
        self.grad += 1.0
        for v in reversed(order):
            g = v.grad
            if g != 0.0:  # a zero gradient passes nothing on, nor does a zero derivative
                kind = v._local_grads
                e = v._parents
                if kind is PACKED:
                    n = len(e)
                    if n == 5:  # (da, db, s, a, b)
                        d = e[0]
                        if d:
                            e[3].grad += d * g
                        d = e[1]
                        if d:
                            e[4].grad += d * g
                    elif n == 3:  # (d, s, a)
                        d = e[0]
                        if d:
                            e[2].grad += d * g
                    else:
                        i = n >> 1
                        for d in e[: n >> 1]:
                            i += 1
                            if d:
                                e[i].grad += d * g
                elif kind is AFFINE:  # parents w1..wn, x1..xn, b; derivatives x, w, 1
                    (ws, wdata, b, _), _, (xs, xdata) = e
                    for w, d in zip(ws, xdata):
                        if d:
                            w.grad += d * g
                    for x, d in zip(xs, wdata):
                        if d:
                            x.grad += d * g
                    b.grad += g  # 1.0 * g
                else:
                    v._backward()  # a node of the plain layout, or made by user code
    return None


def _walk(root: Value) -> list[Value]:
    """topological_order, marking each listed node by setting its ``.grad`` to 0.0.

    Depth-first from ``root`` with an explicit stack. A node's ``.grad`` slot is its
    visit mark:

    * first pop: mark the node busy, push it back, then push its unlisted parents;
    * second pop (still busy, so every parent is listed by now): list it, and set its
      grad to ``done``, a 0.0 made for this walk (``is`` tells it from any other 0.0).

    A parent behind a local derivative of 0 is not pushed when its stamp is ``era``,
    the era this walk began in (nothing behind it has been written since it was made).
    If the walk is interrupted, no node is left busy: its grad becomes 0.0.
    """
    era = _era if PRUNE else _NEVER
    _next_era()  # nodes walked now are not "never walked" for the next walk
    order: list[Value] = []
    if not root._parents:
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
                e = v._parents
                kind = v._local_grads
                if kind is PACKED:  # parents right to left: visited left to right
                    n = len(e)
                    if n == 5:
                        p = e[4]
                        q = p._parents
                        if q and p.grad is not done and (e[1] or q[len(q) >> 1] is not era):
                            push(p)
                        p = e[3]
                        q = p._parents
                        if q and p.grad is not done and (e[0] or q[len(q) >> 1] is not era):
                            push(p)
                    elif n == 3:
                        p = e[2]
                        q = p._parents
                        if q and p.grad is not done and (e[0] or q[len(q) >> 1] is not era):
                            push(p)
                    else:
                        i = n >> 1
                        j = n
                        while j > i + 1:
                            j -= 1
                            p = e[j]
                            q = p._parents
                            if q and p.grad is not done and (e[j - i - 1] or q[len(q) >> 1] is not era):  # fmt: skip
                                push(p)
                elif kind is AFFINE:
                    (ws, _, b, nonleaf), _, (xs, _) = e
                    if nonleaf and b._parents and b.grad is not done:
                        push(b)
                    for p in reversed(xs):
                        if p._parents and p.grad is not done:
                            push(p)
                    if nonleaf:
                        for p in reversed(ws):
                            if p._parents and p.grad is not done:
                                push(p)
                else:
                    for p in reversed(v.parents):  # the plain layout, or made by user code
                        if p._parents and p.grad is not done:
                            push(p)
    except BaseException:
        for u in (v, *stack):
            if u.grad is busy:
                u.grad = 0.0
        raise
    return order


_BUSY = object()  # the mark of a node whose parents _walk is still listing


def _step(self: Value, local_grads: Sequence[Any] | None = None) -> None:
    """Value._step on the fast path: it starts a new era, and a local derivative of 0
    passes nothing on (as in the fast walk)."""
    _next_era()
    g = self.grad
    if g.__class__ is not float:
        return _plain_step(self, local_grads)
    if g == 0.0:
        return None
    for parent, local in zip(self.parents, local_grads or self.local_grads):
        if local:
            parent.grad += local * g
    return None


# --------------------------------------------------------------------------------------
# Neurons, layers and batches
# --------------------------------------------------------------------------------------


def _weights(n: nn.Neuron, wdata: tuple[float, ...]) -> tuple[Any, ...]:
    """The neuron's (weights, their data, bias, any non-leaf among them)."""
    ws = n.w
    b = n.b
    return (tuple(ws), wdata, b, bool(b._parents) or any(w._parents for w in ws))


def _neurons(layer: nn.Layer) -> tuple[list[tuple[Any, Any]], int]:
    """Each neuron's shared weights and its activation (None: linear; _RELU: inline), and
    the number of inputs they all take (-1 if they do not all take the same, or none).

    Kept on the layer as ``_fast_neurons`` and shared by the nodes of every sample; made
    anew when a neuron, a weight, a bias or an activation was replaced or a weight's
    ``.data`` changed (with a weight of 0, every time, since ``==`` does not tell 0.0
    from -0.0). The checks are C-level loops: one pass over the weights' data.
    """
    neurons = layer.neurons
    wlists = list(map(_w, neurons))
    wdata = tuple(map(_data, _chain(wlists)))
    relu = RULES["relu"] is _RELU_RULE
    cached = layer.__dict__.get("_fast_neurons")
    if (
        cached is not None
        and cached[1] == wdata
        and cached[0] == wlists
        and cached[2] == list(map(_b, neurons))
        and cached[3] == list(map(_activation, neurons))
        and cached[4] is relu
        and not cached[5]
    ):
        return cached[6], cached[7]
    made = []
    for n in neurons:
        a = n._activation
        made.append(
            (
                _weights(n, tuple(map(_data, n.w))),
                _RELU if relu and a == "relu" else _ACTIVATIONS[a],
            )
        )
    nins = set(map(len, wlists))
    nin = nins.pop() if len(nins) == 1 else -1
    layer._fast_neurons = (  # type: ignore[attr-defined]
        [list(ws) for ws in wlists],
        wdata,
        list(map(_b, neurons)),
        list(map(_activation, neurons)),
        relu,
        0.0 in wdata,
        made,
        nin or -1,
    )
    return made, nin or -1


_w = attrgetter("w")
_b = attrgetter("b")
_activation = attrgetter("_activation")
_chain = chain.from_iterable


def _affine_nodes(neurons: list[tuple[Any, Any]], xs: Sequence[Value]) -> list[Value]:
    """Each neuron's affine node and its activation, all reading the inputs ``xs``."""
    xs = tuple(xs)
    xdata = list(map(_data, xs))
    inputs = (xs, xdata)
    s = _era
    for x in xs:
        q = x._parents
        if q and q[len(q) >> 1] is not s:
            s = _OLD
            break
    out: list[Value] = []
    append = out.append
    for weights, act in neurons:
        ws, wdata, b, nonleaf = weights
        z = _new(Value)
        zd = add_in_order(map(mul, wdata, xdata), b.data)  # the affine rule's forward
        z.data = zd
        z.grad = 0.0
        z.label = ""
        z._op = "affine"
        zs = _OLD if nonleaf else s
        z._parents = (weights, zs, inputs)
        z._local_grads = AFFINE
        if act is None:
            append(z)
        elif act is _RELU:  # the relu rule: max(0, z), derivative 1 if z > 0 else 0
            r = _new(Value)
            if zd > 0.0:
                r.data = zd
                r._parents = (1.0, zs, z)
            else:
                r.data = 0.0
                r._parents = (0.0, zs, z)
            r.grad = 0.0
            r.label = ""
            r._op = "relu"
            r._local_grads = PACKED
            append(r)
        else:
            append(act(z))
    return out


def _layer_forward(self: nn.Layer, xs: Sequence[Value]) -> list[Value]:
    """Layer._forward, with the neurons' affine nodes sharing their data."""
    if (_switched[0] and _current() is not RECORDING) or RULES["affine"] is not _AFFINE_RULE:
        return _plain_layer_forward(self, xs)
    neurons, nin = _neurons(self)
    if len(xs) != nin:  # the plain path's affine() says what is wrong
        return _plain_layer_forward(self, xs)
    return _affine_nodes(neurons, xs)


def forward_batch(model: Any, inputs: Sequence[Any]) -> list[Any]:
    """``[model(x) for x in inputs]``; an MLP reads each weight once for the whole batch."""
    if not _installed or type(model).__call__ is not _mlp_call:
        return [model(x) for x in inputs]
    xss: list[Any] = [nn._inputs(x, model.nin, "MLP") for x in inputs]
    if (_switched[0] and _current() is not RECORDING) or RULES["affine"] is not _AFFINE_RULE:
        return [model(x) for x in xss]
    for layer in model.layers:
        neurons, nin = _neurons(layer)
        if any(len(xs) != nin for xs in xss):
            xss = [_plain_layer_forward(layer, xs) for xs in xss]
        else:
            xss = [_affine_nodes(neurons, xs) for xs in xss]
    if model.output_activation == "softmax":
        xss = [nn._softmax(out) for out in xss]
    return [out[0] if len(out) == 1 else out for out in xss]


@functools.wraps(nn.MLP.__call__)  # its signature and docstring
def _mlp_call(self: nn.MLP, x: object, *args: Any, **kwargs: Any) -> Value | list[Value]:
    """MLP.__call__ with the cyclic garbage collector paused while the graph is made."""
    if gc.isenabled():
        gc.disable()
        try:
            return _plain_mlp_call(self, x, *args, **kwargs)
        finally:
            gc.enable()
    return _plain_mlp_call(self, x, *args, **kwargs)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a block (a training step), when installed."""
    enabled = gc.isenabled()
    if _installed:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------------------
# Installing
# --------------------------------------------------------------------------------------

_RELU = object()  # the activation marker of an inline ReLU
_ACTIVATIONS: dict[str, Any] = {}
_saved: dict[tuple[Any, str], Any] = {}
_installed = False
_plain_layer_forward = nn.Layer._forward
_plain_mlp_call = nn.MLP.__call__


def _patches() -> dict[tuple[Any, str], Any]:
    methods: dict[str, Any] = {
        "__add__": _arith("__add__", "+"),
        "__radd__": _arith("__radd__", "+", reflected=True),
        "__mul__": _arith("__mul__", "*"),
        "__rmul__": _arith("__rmul__", "*", reflected=True),
        "__truediv__": _binary("__truediv__", "/"),
        "__pow__": _binary("__pow__", "**"),
        "__rpow__": _binary("__rpow__", "**", reflected=True),
        **{op: _unary(op) for op in ("exp", "log", "tanh", "sigmoid", "relu")},
        "parents": property(_parents, doc=_parents.__doc__),
        "local_grads": property(_local_grads, doc=_local_grads.__doc__),
        "backward": backward,
        "_step": _step,
    }
    patches: dict[tuple[Any, str], Any] = {(Value, k): v for k, v in methods.items()}
    patches[(engine, "make_node")] = make
    patches[(nn.Layer, "_forward")] = _layer_forward
    patches[(nn.MLP, "__call__")] = _mlp_call
    return patches


def install() -> None:
    """Put the fast path in place (``micrograd_like`` does this on import)."""
    global _installed
    if _installed:
        return
    for (owner, name), fast in _patches().items():
        _saved[(owner, name)] = (
            owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        )
        setattr(owner, name, fast)
    _ACTIVATIONS.update(
        linear=None,
        relu=Value.relu,
        tanh=Value.tanh,
        sigmoid=Value.sigmoid,
        leaky_relu=lambda z: z.leaky_relu(nn.LEAKY_RELU_SLOPE),
    )
    _installed = True


def uninstall() -> None:
    """Go back to the plain path. Nodes made on the fast path must not be used after."""
    global _installed
    for (owner, name), plain in _saved.items():
        setattr(owner, name, plain)
    _saved.clear()
    _installed = False


def installed() -> bool:
    """True when the fast path is in place."""
    return _installed
