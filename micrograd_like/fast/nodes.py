"""How the fast path makes a node: the ops' methods and ``make_node``, generated from the
rule table, and the era that tells a fresh node (the contract: :mod:`micrograd_like.fast`).

A node is made with ``.grad`` set to the era's own 0.0 (``ERA[0]``, told apart by
identity) when every parent that is not a leaf is fresh too, and a plain 0.0 otherwise.

>>> from micrograd_like.engine import Value
>>> a, b = Value(2.0), Value(-3.0)
>>> (a * b).grad is ERA[0], ((a * b) * 2.0).grad is ERA[0]
(True, True)
"""

from __future__ import annotations

import functools
import linecache
import math
from collections.abc import Callable
from typing import Any

from micrograd_like import engine, modes
from micrograd_like.engine import Value
from micrograd_like.modes import RECORDING
from micrograd_like.rules import RULES

__all__ = ["ERA", "generate", "make_node", "method", "new_era"]

_new = object.__new__
_current = modes.current
_switched = modes.BLOCKS_OPEN  # [0] while no thread is inside no_grad() or detect_anomaly()
_plain_make = engine.make_node
_LEAF = ()  # a leaf's _local_grads: it has no local derivatives (the empty tuple is one object)

ERA = [float(0)]
"""``ERA[0]`` is the 0.0 that nodes made in this era start with. It is a list's item, not
a global of its own, so that a new era does not change any module's globals: their
lookups stay cached."""


def new_era() -> None:
    """Start a new era: no node made so far is fresh any more."""
    ERA[0] = float(0)


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
        s = ERA[0]
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
        s = ERA[0]
        if self.grad is not s and self._local_grads is not _LEAF:
            s = 0.0
        node.grad = s
        node._op = {op!r}
        node._parents = (self,)
        node._local_grads = {partials}
        return node
    return {name}
"""


def generate(template: str, title: str, scope: dict[str, Any], **fields: str) -> Callable[..., Any]:
    """Compile ``template`` filled with ``fields``, its names looked up in ``scope`` (a
    module's globals); its source is kept for tracebacks."""
    source = template.format(**fields)
    filename = f"<micrograd_like.fast: {title}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(source, filename, "exec"), scope, namespace)
    return namespace["maker"]


def method(name: str, op: str, reflected: bool = False) -> Callable[..., Value]:
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
        maker = generate(_UNARY, f"Value.{name}, from RULES[{op!r}]", globals(), **fields)
    else:
        fields["operands"] = "other, self" if reflected else "self, other"
        maker = generate(_BINARY, f"Value.{name}, from RULES[{op!r}]", globals(), **fields)
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
    s = ERA[0]
    for p in parents:
        if p.grad is not s and p._local_grads is not _LEAF:
            s = 0.0
            break
    node.grad = s
    node._op = op
    node._parents = parents
    node._local_grads = tuple(local)
    return node
