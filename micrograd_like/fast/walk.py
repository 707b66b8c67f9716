"""How the fast path walks a graph backward: visit marks in the ``.grad`` slots, and
exact pruning behind a local derivative of 0 (the contract: :mod:`micrograd_like.fast`).

>>> from micrograd_like.engine import Value
>>> x = Value(-1.0)
>>> h = x * 3.0
>>> out = h.relu() + x          # the ReLU is off: its local derivative is 0
>>> h in walk(out)              # and h, fresh behind that 0, is not walked
False
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from micrograd_like import modes
from micrograd_like.engine import Value
from micrograd_like.fast.layers import AffineLocals
from micrograd_like.fast.nodes import ERA, new_era

__all__ = ["PRUNE", "WALK_LOCK", "backward", "step", "walk"]

PRUNE = True
"""Whether ``backward()`` prunes (exactly). False walks everything, as the plain path
does; the tests compare the two."""

WALK_LOCK = threading.RLock()
"""Held by a fast walk, and by a switch of path, so that one waits for the other."""

_current = modes.current
_switched = modes.BLOCKS_OPEN  # [0] while no thread is inside no_grad() or detect_anomaly()
_LEAF = ()  # a leaf's _local_grads: it has no local derivatives (the empty tuple is one object)
_plain_step = Value._step
_plain_backward = Value.backward


def backward(self: Value, create_graph: bool = False, prune: object = None) -> None:
    """Value.backward with visit marks and exact pruning (see the module's docstring)."""
    if create_graph is not False or prune is not None or (_switched[0] and _current().anomaly):
        return _plain_backward(self, create_graph, prune)
    with WALK_LOCK:
        order = walk(self)  # every node in order now has grad 0.0
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


_BUSY = object()  # the mark of a node whose parents walk() is still listing
_NEVER = object()  # the era a walk compares with when PRUNE is off: no grad is it


def walk(root: Value) -> list[Value]:
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
    era: Any = ERA[0] if PRUNE else _NEVER
    new_era()  # nodes walked now are not fresh for the next walk
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


def step(self: Value, local_grads: Sequence[Any] | None = None) -> None:
    """Value._step, after starting a new era: a gradient it writes is never trusted as fresh."""
    new_era()
    _plain_step(self, local_grads)
