"""Looking inside a learner's Value class without knowing how it was written.

* :func:`record_ops` notes which of the class's ops an example calls (so an example that
  fails because ``-a`` uses a broken ``*`` can say "needs ``__mul__``"), and which ops it
  needed but the class lacks (``10 - a`` calls ``__radd__``);
* :func:`operands_of` finds where a node keeps the nodes it was made from (``_prev`` in
  the lecture, ``_children``, ``children``, ...);
* :func:`local_step` runs one op's own chain-rule step: the ``_backward`` of every node
  the op made, and nothing else;
* :func:`read_number` reads ``.data`` or ``.grad`` as a float, or says why it cannot.
"""

from __future__ import annotations

import dis
import functools
import inspect
import numbers
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from micrograd_like.exercises.sandbox import progress

__all__ = [
    "OPS",
    "OPTIONAL_OPS",
    "Calls",
    "is_stub",
    "local_step",
    "node_types",
    "operands_of",
    "read_number",
    "record_ops",
    "unreached",
]

OPS = (
    "__add__", "__radd__", "__mul__", "__rmul__", "__neg__", "__sub__", "__rsub__",
    "__pow__", "__truediv__", "__rtruediv__", "tanh", "exp", "relu",
)  # fmt: skip
"""The ops of the lecture's class, in the order the report lists them."""

OPTIONAL_OPS = ("log", "sigmoid")
"""Ops checked only when the class has them: never reported as missing."""

# A binary op the class lacks behaves exactly as before when it returns NotImplemented:
# Python then raises the same TypeError. So a stand-in can note that it was needed.
_BINARY = {
    "__add__", "__radd__", "__mul__", "__rmul__", "__sub__", "__rsub__", "__pow__",
    "__truediv__", "__rtruediv__",
}  # fmt: skip
_KNOWN_OPERANDS = (
    "_prev", "_children", "children", "_parents", "parents", "prev", "_prev_nodes",
    "_inputs", "inputs", "_creator", "_child_nodes", "_previous", "parent", "_parent",
)  # fmt: skip
_MAX_STEP_NODES = 10_000


class Calls:
    """The ops an example called (in order, once each) and the ops it lacked."""

    def __init__(self) -> None:
        self.used: list[str] = []
        self.lacked: list[str] = []

    def note(self, name: str, lacked: bool = False) -> None:
        names = self.lacked if lacked else self.used
        if name not in names:
            names.append(name)
            if not lacked:
                progress(name)  # known to the checker even if the example never ends


def is_stub(fn: object) -> bool:
    """Whether ``fn`` is a placeholder whose body is only ``pass``, ``...`` or a docstring.

    >>> def later(self): pass
    >>> is_stub(later), is_stub(lambda self: self)
    (True, False)
    """
    if not inspect.isfunction(fn):
        return False
    steps = [
        (i.opname, i.argval) for i in dis.get_instructions(fn) if i.opname not in ("RESUME", "NOP")
    ]
    return steps in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def _wrapped(raw: Callable[..., Any], name: str, calls: Calls) -> Callable[..., Any]:
    @functools.wraps(raw)
    def op(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.note(name)
        return raw(self, *args, **kwargs)

    return op


def _stand_in(cls: type, name: str, calls: Calls) -> Callable[..., Any] | None:
    if name in _BINARY:

        def binary(self: Any, other: Any) -> Any:
            calls.note(name, lacked=True)
            return NotImplemented

        return binary
    if name == "__neg__":

        def negate(self: Any) -> Any:
            calls.note(name, lacked=True)
            raise TypeError(f"bad operand type for unary -: '{cls.__name__}'")

        return negate
    return None  # a method such as tanh: its absence shows as an AttributeError


def node_types(cls: type) -> tuple[type, ...]:
    """``cls`` and the classes it inherits from (but ``object``): a subclass that fixes
    one op makes the other nodes with its parent's ops, as nodes of the parent class."""
    return tuple(c for c in cls.__mro__ if c is not object) or (cls,)


@contextmanager
def record_ops(cls: type, calls: Calls) -> Iterator[None]:
    """Within the block, every op of ``cls`` and of its parents (and ``backward``) notes
    its calls in ``calls``; binary ops the class lacks note that they were needed. The
    classes are restored afterwards."""
    saved: list[tuple[type, str, Any]] = []
    absent = object()
    classes = node_types(cls)

    def replace(owner: type, name: str, replacement: Callable[..., Any]) -> None:
        try:
            old = owner.__dict__.get(name, absent)
            setattr(owner, name, replacement)
            saved.append((owner, name, old))
        except (TypeError, AttributeError):  # a class that refuses new attributes
            pass

    for name in (*OPS, *OPTIONAL_OPS, "backward"):
        found = False
        for owner in classes:
            raw = owner.__dict__.get(name)
            if raw is None:
                continue
            found = True
            if inspect.isfunction(raw):
                replace(owner, name, _wrapped(raw, name, calls))
        stand_in = None if found else _stand_in(cls, name, calls)
        if stand_in is not None:
            replace(classes[-1], name, stand_in)
    try:
        yield
    finally:
        for owner, name, old in reversed(saved):
            if old is absent:
                delattr(owner, name)
            else:
                setattr(owner, name, old)


def read_number(node: object, attr: str) -> float:
    """``node.data`` or ``node.grad`` as a float; a TypeError saying why not otherwise.

    A grad that is itself a Value counts as its number.
    """
    if not hasattr(node, attr):
        raise TypeError(f"its objects have no .{attr}")
    x = getattr(node, attr)
    if not isinstance(x, numbers.Real):  # (a numpy float has a .data of its own)
        x = getattr(x, "data", x)
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f".{attr} is {type(x).__name__}, not a number")
    return float(x)


def _nodes(value: object, cls: type, allow_empty: bool) -> bool:
    if not isinstance(value, (set, frozenset, tuple, list)):
        return False
    if not value:
        return allow_empty
    return all(isinstance(x, node_types(cls)) for x in value)


def operands_of(node: object, cls: type) -> str | None:
    """The name of the attribute in which ``node`` keeps its operands, or None.

    The usual names come first (an empty container counts: a bug worth reporting);
    then any attribute holding a non-empty collection of ``cls`` objects.
    """
    for name in _KNOWN_OPERANDS:
        try:
            value = getattr(node, name)
        except Exception:
            continue
        if _nodes(value, cls, allow_empty=True):
            return name
    attrs: dict[str, Any] = dict(getattr(node, "__dict__", {}))
    for slot in getattr(type(node), "__slots__", ()):
        if isinstance(slot, str) and hasattr(node, slot):
            attrs.setdefault(slot, getattr(node, slot))
    for name in sorted(attrs):
        if _nodes(attrs[name], cls, allow_empty=False):
            return name
    return None


def _walk(outs: Iterable[Any], attr: str | None, stop: set[int]) -> list[Any]:
    """The nodes reachable from ``outs`` without passing a node of ``stop``, operands
    before the nodes made from them (an iterative depth-first post-order)."""
    order: list[Any] = []
    seen: set[int] = set()
    for out in outs:
        stack: list[tuple[Any, bool]] = [(out, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen or id(node) in stop:
                continue
            seen.add(id(node))
            if len(seen) > _MAX_STEP_NODES:
                raise RuntimeError(f"one op made more than {_MAX_STEP_NODES} nodes")
            stack.append((node, True))
            if attr is not None:
                stack.extend((child, False) for child in getattr(node, attr))
    return order


def unreached(out: Any, attr: str, targets: Iterable[Any]) -> list[Any]:
    """The nodes of ``targets`` that the graph below ``out`` does not contain."""
    found = {id(n) for n in _walk([out], attr, set())}
    return [t for t in targets if id(t) not in found]


def local_step(outs: Iterable[Any], operands: Iterable[Any], attr: str | None) -> None:
    """Call ``_backward()`` on each node between ``outs`` and ``operands``, outputs
    first: the op's own step of the chain rule, whatever number of nodes it is made of.

    Without a known operand attribute only the outputs' own ``_backward`` runs.
    """
    stop = {id(x) for x in operands}
    for node in reversed(_walk(list(outs), attr, stop)):
        if attr is not None and not getattr(node, attr):
            continue  # a constant the op made: a leaf, nothing to pass on
        node._backward()
