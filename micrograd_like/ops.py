"""Ops of your own, as rows of the rule table: :func:`add_op` and :func:`remove_op`.

An op added here is a row of :data:`micrograd_like.rules.RULES` like the built-in ones,
and a method of :class:`~micrograd_like.engine.Value`, so it gets ``backward()``,
gradient checks, ``explain``, pictures and second derivatives on both paths.

>>> import math
>>> sin = add_op("sin", math.sin, lambda out, a: (cos(a),), "d(sin(a))/da = cos(a)")
>>> cos = add_op("cos", math.cos, lambda out, a: (-sin(a),), "d(cos(a))/da = -sin(a)")
>>> from micrograd_like.engine import Value
>>> x = Value(0.0); y = x.sin(); y.backward()   # d(sin x)/dx = cos 0 = 1
>>> y.data, x.grad
(0.0, 1.0)
>>> remove_op("sin"); remove_op("cos")
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from micrograd_like import engine
from micrograd_like.engine import Value
from micrograd_like.rules import BUILT_IN, RULES, Rule

__all__ = ["add_op", "remove_op"]

_added: set[str] = set()


def add_op(
    name: str,
    forward: Callable[..., float],
    partials: Callable[..., Sequence[Any]],
    formula: str = "",
) -> Callable[..., Any]:
    """Add ``name`` to the rule table and to Value as a method; return it as a function.

    ``forward(a, ...)`` computes the op on numbers; ``partials(out, a, ...)`` returns its
    local derivatives, one per input, each a number or a Value. The returned function
    works on numbers (giving a number) and on Values (giving a node), so a rule can use
    it in its own partials, and second derivatives work.

    The name must be new: neither a rule of the table (``"affine"``, or an op added
    before: :func:`remove_op` it first) nor an attribute of Value.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"op name must be a Python identifier, got {name!r}")
    if not callable(forward) or not callable(partials):
        raise TypeError("add_op needs a forward function and a partials function")
    if name in RULES:
        again = " (remove_op it first to define it anew)" if name in _added else ""
        raise ValueError(f"{name!r} is already a rule of the table{again}; choose another name")
    if hasattr(Value, name):
        raise ValueError(f"Value already has an attribute {name!r}; choose another op name")
    arity = len(inspect.signature(partials).parameters) - 1
    if arity < 1:
        raise ValueError(
            "partials must take (out, a, ...): the output, then one argument per input"
        )
    RULES[name] = Rule(forward, _checked(partials, name, arity), formula)
    _added.add(name)

    def method(self: Value, *others: Any) -> Value:
        operands = (self, *others)
        if len(operands) != arity:
            raise TypeError(f"{name} takes {arity} operand(s), got {len(operands)}")
        return engine.make_node(name, _as_values(operands, name))

    method.__name__, method.__qualname__ = name, f"Value.{name}"
    method.__doc__ = formula or f"the op {name!r} of the rule table"
    setattr(Value, name, method)

    def op(*args: Any) -> Any:
        if any(isinstance(a, Value) for a in args):
            first, *rest = _as_values(args, name)
            return method(first, *rest)
        return forward(*args)

    op.__name__, op.__doc__ = name, method.__doc__
    return op


def remove_op(name: str) -> None:
    """Take an op that :func:`add_op` added out of the rule table and off Value.

    The built-in rows stay: every model needs ``affine``, ``+`` and the others.
    """
    if name in BUILT_IN:
        raise ValueError(f"{name!r} is a built-in rule of the table; it cannot be removed")
    if name not in _added:
        raise ValueError(f"{name!r} was not added by add_op")
    _added.discard(name)
    del RULES[name]
    delattr(Value, name)


def _checked(
    partials: Callable[..., Sequence[Any]], name: str, arity: int
) -> Callable[..., Sequence[Any]]:
    """``partials``, refusing an answer of the wrong count or kind with an error that
    names the op (a wrong count would otherwise drop a gradient silently)."""

    def checked(out: Any, *inputs: Any) -> Sequence[Any]:
        local = partials(out, *inputs)
        if not isinstance(local, (tuple, list)):
            raise TypeError(
                f"the partials of op {name!r} must return a tuple of {arity} derivative(s), "
                f"got {type(local).__name__}: {local!r}"
            )
        if len(local) != arity:
            raise ValueError(
                f"the partials of op {name!r} returned {len(local)} derivative(s) for its "
                f"{arity} input(s); return one per input"
            )
        for i, d in enumerate(local):
            if isinstance(d, bool) or not isinstance(d, (numbers.Real, Value)):
                raise TypeError(
                    f"the partials of op {name!r} returned a {type(d).__name__} as "
                    f"derivative #{i}: {d!r}; each must be a number or a Value"
                )
        return local

    checked.__name__ = getattr(partials, "__name__", "partials")
    return checked


def _as_values(args: Sequence[Any], name: str) -> tuple[Value, ...]:
    out = []
    for i, a in enumerate(args):
        if isinstance(a, Value):
            out.append(a)
        elif isinstance(a, bool) or not isinstance(a, numbers.Real):
            raise TypeError(
                f"{name} operand {i} must be a Value or a number, got {type(a).__name__}"
            )
        else:
            out.append(Value(float(a)))
    return tuple(out)
