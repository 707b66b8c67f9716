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

Its parts: :mod:`~micrograd_like.fast.nodes` makes nodes, :mod:`~micrograd_like.fast.layers`
makes a layer's, :mod:`~micrograd_like.fast.walk` walks them; this module puts them in
place and takes them out.

What it replaces, and why that is faster
----------------------------------------

* **The ops' methods** (``+ * / **``, their reflections, ``exp log tanh sigmoid relu``)
  and :func:`engine.make_node <micrograd_like.engine.make_node>` are generated at import
  from the rows of :data:`~micrograd_like.rules.RULES`. A row's :class:`~micrograd_like.
  rules.Inline` expressions are pasted in, so ``a * b`` makes its node in one call, with
  no ``make_node``, ``Rule.run`` or lambda in between. Each keeps the engine method's
  name and docstring; tracebacks and debuggers show its generated source.
* **Fresh nodes.** A node is made with ``.grad`` set to the current era's own 0.0
  (``nodes.ERA[0]``, a float told apart by identity) when every parent that is not a leaf
  is fresh too, and with a plain 0.0 otherwise. The era changes when a walk begins and
  at every chain-rule step of the plain path (``Value._step``), so a fresh node and all
  that lies behind it have been neither walked nor written since they were made.
* **Visit marks.** The walk marks a node by putting a mark in its ``.grad`` slot
  (compared by identity), so it needs no visited set, and it zeroes the intermediate
  gradients as it goes. A lock keeps two fast walks from running at once; a walk that
  fails half way puts every mark back to 0.0.
  The test that pushes a parent is written out three times in :func:`walk.walk
  <micrograd_like.fast.walk.walk>`: for a node of two parents, of one, and in the loop
  for any other number, so the common nodes cost no loop. The three copies are the same
  test on ``ps[j]`` and ``ds[j]``, and the property tests walk all three.
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

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from micrograd_like import engine, nn
from micrograd_like.engine import Value
from micrograd_like.fast import layers, walk
from micrograd_like.fast.layers import AffineLocals, AffineParents
from micrograd_like.fast.nodes import make_node, method, new_era

__all__ = ["AffineLocals", "AffineParents", "enabled", "install", "installed", "uninstall"]

_saved: dict[tuple[Any, str], Any] = {}
_installed = False


def _patches() -> dict[tuple[Any, str], Any]:
    """What the fast path puts in place: (owner, attribute name) -> the fast version."""
    ops = {"__add__": "+", "__mul__": "*", "__truediv__": "/", "__pow__": "**"}
    methods: dict[str, Any] = {name: method(name, op) for name, op in ops.items()}
    reflected = {"__radd__": "+", "__rmul__": "*", "__rpow__": "**"}
    methods.update({name: method(name, op, reflected=True) for name, op in reflected.items()})
    methods.update({op: method(op, op) for op in ("exp", "log", "tanh", "sigmoid", "relu")})
    methods.update(backward=walk.backward, _step=walk.step)
    patches: dict[tuple[Any, str], Any] = {(Value, k): v for k, v in methods.items()}
    patches[(engine, "make_node")] = make_node
    patches[(nn.Layer, "_forward")] = layers.layer_forward
    patches[(nn.Layer, "_forward_batch")] = layers.layer_forward_batch
    patches[(nn.MLP, "__call__")] = layers.mlp_call
    patches[(nn.MLP, "forward_batch")] = layers.mlp_forward_batch
    return patches


_PATCHES = _patches()


def install() -> None:
    """Put the fast path in place (``micrograd_like`` does this on import)."""
    global _installed
    with walk.WALK_LOCK:  # no fast walk is under way while the methods change
        if _installed:
            return
        for (owner, name), fast in _PATCHES.items():
            _saved[(owner, name)] = (
                owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
            )
            setattr(owner, name, fast)
        new_era()  # gradients written on the plain path are never trusted as fresh
        _installed = True


def uninstall() -> None:
    """Go back to the plain path. Every node made so far stays valid on it."""
    global _installed
    with walk.WALK_LOCK:
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
