"""The fast path: the same engine, with its performance machinery.

The contract. With the fast path installed (the default; ``MICROGRAD_LIKE_REFERENCE=1``
before import keeps it out), every op makes the node the plain path of
:mod:`micrograd_like.engine` makes, with the same ``.data``, ``.op``, ``.parents`` and
``.local_grads``, bit for bit; and ``backward()`` leaves every ``.grad`` the plain
``backward()`` leaves, bit for bit. One exception, for training loops:
``backward(prune=True)`` does not walk behind a local derivative of 0 (a ReLU that is
off): the leaves get the same gradients, up to the order of summation in the last bit,
and the nodes it skips keep their old ``.grad``.

``tests/machinery/test_fast_path.py`` checks the contract on random graphs. Inside
``no_grad()`` or ``detect_anomaly()``, and with ``create_graph=True``, every op and
``backward()`` take the plain path.

Why it is faster, in one place:

* **Packed storage.** A node keeps its local derivatives and its parents in ONE
  container, ``(d1, .., dn, None, p1, .., pn)``, in the ``_parents`` slot, with
  ``_local_grads`` set to :data:`PACKED`. One container instead of two keeps a
  ``*`` node at 200 bytes. ``Value.parents`` and ``Value.local_grads`` unpack it.
* **Inlined node makers.** Each op's method makes its node in one call, without
  going through ``_make`` and ``Rule.run``.
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

import gc
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from micrograd_like import engine, modes, nn
from micrograd_like.engine import Value
from micrograd_like.modes import RECORDING
from micrograd_like.rules import RULES

__all__ = ["PACKED", "forward_batch", "gc_paused", "install", "installed", "uninstall"]

PACKED = object()
"""The ``_local_grads`` of a node whose edges are packed into ``_parents``."""

_new = object.__new__
_current = modes.current
_switched = modes.SWITCHED  # [0] while no thread is inside no_grad() or detect_anomaly()
_plain_make = engine._make
_plain_backward = Value.backward
_walk_lock = threading.RLock()


# --------------------------------------------------------------------------------------
# Packed nodes
# --------------------------------------------------------------------------------------


def _parents(self: Value) -> tuple[Value, ...]:
    """The operands this node was computed from, in order."""
    e = self._parents
    if self._local_grads is PACKED:
        return tuple(e[(len(e) >> 1) + 1 :])
    return tuple(e)


def _local_grads(self: Value) -> tuple[Any, ...]:
    """d(self)/d(parent) for each parent, as the rule table gave them."""
    e = self._parents
    if self._local_grads is PACKED:
        return tuple(e[: len(e) >> 1])
    return tuple(self._local_grads or ())


def make(op: str, parents: Sequence[Value], args: list[float] | None = None) -> Value:
    """``engine._make`` for any op, packed. ``args``, when given, is ``[p.data for p in parents]``."""
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
    node._parents = [*local, None, *parents]
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
        node._parents = (d, None, self)
        node._local_grads = PACKED
        return node

    plain = getattr(Value, op)
    method.__name__, method.__qualname__, method.__doc__ = op, f"Value.{op}", plain.__doc__
    return method


def _lift(x: object) -> Value | None:
    if x.__class__ is float and math.isfinite(x):
        v = _new(Value)
        v.data, v.grad, v.label, v._op, v._parents, v._local_grads = x, 0.0, "", "", (), None
        return v
    return engine._lift(x)


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
        node._parents = (da, db, None, a, b)
        node._local_grads = PACKED
        return node

    method.__name__, method.__qualname__ = name, f"Value.{name}"
    method.__doc__ = getattr(Value, name).__doc__
    return method


# --------------------------------------------------------------------------------------
# The backward walk
# --------------------------------------------------------------------------------------


def backward(self: Value, create_graph: bool = False, prune: bool = False) -> None:
    """Value.backward, with visit marks (see the module's docstring for the contract)."""
    engine._check_flags(create_graph, prune)
    with _walk_lock:
        if create_graph or (_switched[0] and _current().anomaly is not None):
            return _plain_backward(self, create_graph)
        order = _walk(self, prune)  # every node in order now has grad 0.0
        self.grad += 1.0
        for v in reversed(order):
            g = v.grad
            if g != 0.0:  # a zero gradient passes nothing on
                if v._local_grads is not PACKED:
                    v._backward()  # a node of the plain layout, or made by user code
                    continue
                e = v._parents  # (d1, .., dn, None, p1, .., pn)
                i = len(e) >> 1
                for d in e:
                    if d is None:
                        break
                    i += 1
                    e[i].grad += d * g
    return None


def _walk(root: Value, prune: bool) -> list[Value]:
    """topological_order, marking each listed node by setting its ``.grad`` to 0.0.

    Depth-first from ``root`` with an explicit stack. A node's ``.grad`` slot is its
    visit mark:

    * first pop: mark the node busy, push it back, then push its unlisted parents;
    * second pop (still busy, so every parent is listed by now): list it, and set its
      grad to ``done``, a 0.0 made for this walk (``is`` tells it from any other 0.0).

    ``prune`` leaves out the parents behind a local derivative of 0. If the walk is
    interrupted, no node is left busy: its grad becomes 0.0.
    """
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
                e = v._parents  # packed, or a plain tuple of parents (no None in it)
                if prune and v._local_grads is PACKED:
                    i = len(e) >> 1
                    for p in reversed(e):
                        if p is None:
                            break
                        i -= 1
                        if e[i] and p._parents and p.grad is not done:
                            push(p)
                else:
                    for p in reversed(e):  # parents right to left: visited left to right
                        if p is None:  # the end of a packed node's parents
                            break
                        if p._parents and p.grad is not done:
                            push(p)
    except BaseException:
        for u in (v, *stack):
            if u.grad is busy:
                u.grad = 0.0
        raise
    return order


_BUSY = object()  # the mark of a node whose parents _walk is still listing


# --------------------------------------------------------------------------------------
# Neurons, layers and batches
# --------------------------------------------------------------------------------------


def _layer_forward(self: nn.Layer, xs: Sequence[Value]) -> list[Value]:
    """Layer._forward, reading the inputs' data once for all the layer's neurons."""
    xdata = [x.data for x in xs]
    return [_neuron(n, xs, xdata, wdata, act) for n, wdata, act in _read(self)]


def _read(layer: nn.Layer) -> list[tuple[nn.Neuron, list[float], Any]]:
    """Each neuron with its weights' data, read now, and its activation's method."""
    return [(n, [w.data for w in n.w], _ACTIVATIONS[n._activation]) for n in layer.neurons]


def _neuron(
    n: nn.Neuron, xs: Sequence[Value], xdata: list[float], wdata: list[float], act: Any
) -> Value:
    """One neuron's affine node and its activation, from data read by the caller."""
    args = wdata + xdata
    args.append(n.b.data)
    z = make("affine", [*n.w, *xs, n.b], args)
    return z if act is None else act(z)


def forward_batch(model: Any, inputs: Sequence[Any]) -> list[Any]:
    """``[model(x) for x in inputs]``; an MLP reads each weight once for the whole batch."""
    if not _installed or type(model).__call__ is not nn.MLP.__call__:
        return [model(x) for x in inputs]
    xss: list[Any] = [nn._inputs(x, model.nin, "MLP") for x in inputs]
    for layer in model.layers:
        neurons = _read(layer)
        out = []
        for xs in xss:
            xdata = [x.data for x in xs]
            out.append([_neuron(n, xs, xdata, wdata, act) for n, wdata, act in neurons])
        xss = out
    if model.output_activation == "softmax":
        xss = [nn._softmax(out) for out in xss]
    return [out[0] if len(out) == 1 else out for out in xss]


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

_ACTIVATIONS: dict[str, Callable[[Value], Value] | None] = {}
_saved: dict[tuple[Any, str], Any] = {}
_installed = False


def _patches() -> dict[tuple[Any, str], Any]:
    methods: dict[str, Any] = {
        "__add__": _binary("__add__", "+"),
        "__radd__": _binary("__radd__", "+", reflected=True),
        "__mul__": _binary("__mul__", "*"),
        "__rmul__": _binary("__rmul__", "*", reflected=True),
        "__truediv__": _binary("__truediv__", "/"),
        "__pow__": _binary("__pow__", "**"),
        "__rpow__": _binary("__rpow__", "**", reflected=True),
        **{op: _unary(op) for op in ("exp", "log", "tanh", "sigmoid", "relu")},
        "parents": property(_parents, doc=_parents.__doc__),
        "local_grads": property(_local_grads, doc=_local_grads.__doc__),
        "backward": backward,
    }
    patches: dict[tuple[Any, str], Any] = {(Value, k): v for k, v in methods.items()}
    patches[(engine, "_make")] = make
    patches[(nn.Layer, "_forward")] = _layer_forward
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
