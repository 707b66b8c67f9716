"""The Value engine: scalar reverse-mode automatic differentiation.

A :class:`Value` wraps one number. Every op on Values makes a new node that remembers
its parents (the operands, ``_parents``) and its local derivatives d(node)/d(parent)
(``_local_grads``), taken from the rule table (:mod:`micrograd_like.rules`) when the
node is made. :meth:`Value.backward` visits the nodes from the output back to the
inputs and applies the chain rule at each one.

Read it in this order: :class:`Value`, :meth:`Value._step` (one node's chain-rule step,
micrograd's ``_backward``), :meth:`Value.backward`, :func:`make_node` (a node from the
rule table) and :func:`topological_order`. This is the plain path, written to be read;
:mod:`micrograd_like.fast` (on unless ``MICROGRAD_LIKE_REFERENCE=1``) makes and walks
the same nodes faster.

>>> a, b = Value(2.0), Value(-3.0)
>>> c = a * b + a          # c = ab + a = -6 + 2 = -4
>>> c.backward()           # dc/da = b + 1 = -2, dc/db = a = 2
>>> c.data, a.grad, b.grad
(-4.0, -2.0, 2.0)
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, Union

from micrograd_like import modes
from micrograd_like.checks import boolean, children, names, real
from micrograd_like.modes import AnomalyError, detect_anomaly, is_grad_enabled, no_grad
from micrograd_like.rules import RULES, Rule, partials_as_values

__all__ = [
    "RULES",
    "AnomalyError",
    "Rule",
    "Value",
    "assign",
    "data_writes",
    "detect_anomaly",
    "is_grad_enabled",
    "lift",
    "make_node",
    "no_grad",
    "topological_order",
]

Operand = Union["Value", int, float]
_LEAF: tuple[Value, ...] = ()  # a leaf's parents: none


class Value:
    """A number that remembers how it was computed, so it can be differentiated.

    ``Value(data, _children=(), _op="", label="")``, as in micrograd. ``.data`` is the
    number; ``.grad`` is d(output)/d(this) after :meth:`backward` (0.0 before). Like
    micrograd's, a Value takes attributes of your own (``p.m = 0.0``).

    >>> x = Value(3.0, label="x")
    >>> y = x**2 + 1          # y = 9 + 1 = 10
    >>> y.backward()          # dy/dx = 2x = 6
    >>> y
    Value(data=10.0, grad=1.0)
    >>> x
    Value(data=3.0, grad=6.0, label='x')
    """

    __slots__ = ("_data", "grad", "_op", "_parents", "_local_grads", "__dict__", "__weakref__")
    _parents: Sequence[Value]
    _local_grads: Sequence[Any] | None

    label: str = ""  # a name for pictures, kept (in __dict__) only when given

    def __init__(
        self, data: float, _children: Iterable[Value] = _LEAF, _op: str = "", label: str = ""
    ) -> None:
        self._data = real(data, "Value data")
        self.grad: Any = 0.0  # a Value after backward(create_graph=True)
        self._op, self._parents, self._local_grads = "", _LEAF, _LEAF  # a leaf: no derivatives
        if _children is not _LEAF or _op != "" or label != "":  # made by user code, or named
            names(_op, label)
            self._op, self._parents = _op, children(_children, Value)
            self._local_grads = None if self._parents else ()  # None: no rule; see local_grads
            if label:
                self.label = label

    # -- the chain rule ------------------------------------------------------------------

    def _step(self, local_grads: Sequence[Any] | None = None) -> None:
        """One step of the chain rule: pass this node's gradient on to its parents.

        ``parent.grad += d(self)/d(parent) * self.grad`` for each parent: the only place
        the chain rule is written. The local derivatives are the node's own, unless
        given (as Values, for a gradient that is differentiated again). A gradient of
        0 passes nothing on.
        """
        if self.grad == 0.0:  # 0 * local adds nothing (and 0 * inf is not NaN)
            return
        for parent, local in zip(self._parents, local_grads or self._local_grads or ()):
            parent.grad += local * self.grad

    @property
    def _backward(self) -> Callable[[], None]:
        """This node's step of the chain rule, by micrograd's name: :meth:`_step`, or the
        function user code assigned, as in micrograd (``out._backward = fn``)."""
        own = vars(self).get("_backward") if self._local_grads is None else None
        return self._step if own is None else own

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        if not callable(fn):
            raise TypeError(f"_backward must be a function, got {type(fn).__name__}")
        vars(self)["_backward"] = fn
        self._local_grads = None  # its step is fn now: the rule's derivatives no longer apply

    def backward(self, create_graph: bool = False, prune: object = None) -> None:
        """Fill ``.grad`` of every node this one depends on with d(self)/d(node).

        Gradients are *added*: a node used twice gets both contributions (``b = a + a``
        gives ``a.grad == 2``), and leaves (inputs and parameters) keep adding across
        calls, as in PyTorch: call ``zero_grad()`` between training steps. Intermediate
        nodes hold the gradient of the latest call. With ``create_graph=True`` every
        ``.grad`` is a Value that can be differentiated again.
        """
        boolean(create_graph, "create_graph")
        if prune is not None:
            message = "backward(prune=...) is deprecated and changes nothing: the fast path prunes"
            warnings.warn(message, DeprecationWarning, stacklevel=2)
        order = topological_order(self)
        for v in order:
            v.grad = 0.0  # intermediate nodes: this call's gradient only
        self.grad += 1.0  # d(self)/d(self)
        anomaly = modes.current().anomaly
        for v in reversed(order):  # children before parents
            if create_graph:
                v._step(partials_as_values(v))
            else:
                v._backward()
            if anomaly is not None:
                modes.check_backward(anomaly, v)

    # -- the graph, by public names ------------------------------------------------------

    def _set_data(self, x: float) -> None:
        self._data = x
        _writes[0] += 1  # counted: see data_writes()

    data = property(attrgetter("_data"), _set_data, doc="The number this node holds.")

    @property
    def op(self) -> str:
        """Name of the op that made this node (a key of RULES), or "" for a leaf."""
        return self._op

    @property
    def parents(self) -> Sequence[Value]:
        """The operands this node was computed from, in order."""
        return self._parents

    @property
    def local_grads(self) -> Sequence[Any]:
        """d(self)/d(parent) for each parent, as the rule table gave them. Empty for a leaf,
        and for a node whose step is user code (``_local_grads`` is None there: its own
        ``_backward``, assigned by that code, passes the gradient on)."""
        return self._local_grads or ()

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of this node's children (its operands)."""
        return set(self._parents)

    # -- the ops: one node each, from the rule table; -, neg, number / Value are composed

    def __add__(self, other: Operand) -> Value:
        """self + other, one node (rule "+"): d(a+b)/da = 1, d(a+b)/db = 1."""
        return _binary("+", self, other)

    def __radd__(self, other: Operand) -> Value:
        """other + self, one node (rule "+"): d(a+b)/da = 1, d(a+b)/db = 1."""
        return _binary("+", other, self)

    def __mul__(self, other: Operand) -> Value:
        """self * other, one node (rule "*"): d(a*b)/da = b, d(a*b)/db = a."""
        return _binary("*", self, other)

    def __rmul__(self, other: Operand) -> Value:
        """other * self, one node (rule "*"): d(a*b)/da = b, d(a*b)/db = a."""
        return _binary("*", other, self)

    def __truediv__(self, other: Operand) -> Value:
        """self / other, one node (rule "/"): d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b."""
        return _binary("/", self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        """other / self = other * self**-1, as PyTorch computes it: two nodes."""
        o = lift(other)
        return NotImplemented if o is None else o * self**-1.0

    def __pow__(self, other: Operand) -> Value:
        """self ** other, one node (rule "**"): d(a**b)/da = b*a**(b-1), d(a**b)/db = a**b * ln(a)."""
        return _binary("**", self, other)

    def __rpow__(self, other: Operand) -> Value:
        """other ** self, one node (rule "**"): d(a**b)/da = b*a**(b-1), d(a**b)/db = a**b * ln(a)."""
        return _binary("**", other, self)

    def __neg__(self) -> Value:
        """-self = self * -1: d(-a)/da = -1."""
        return self * -1.0

    def __sub__(self, other: Operand) -> Value:
        """self - other = self + (-other): d/da = 1, d/db = -1."""
        o = lift(other)
        return NotImplemented if o is None else self + (-o)

    def __rsub__(self, other: Operand) -> Value:
        """other - self = other + (-self): d/da = 1, d/db = -1."""
        o = lift(other)
        return NotImplemented if o is None else o + (-self)

    def exp(self) -> Value:
        """e**x (rule "exp"): d(exp(a))/da = exp(a). OverflowError naming x past x ~ 709.78."""
        return make_node("exp", (self,))

    def log(self) -> Value:
        """ln x (rule "log"): d(log(a))/da = 1/a. ValueError naming x when x <= 0."""
        return make_node("log", (self,))

    def tanh(self) -> Value:
        """tanh x (rule "tanh"): d(tanh(a))/da = 1 - tanh(a)**2. Never overflows."""
        return make_node("tanh", (self,))

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x) (rule "sigmoid"): d(sigmoid(a))/da = sigmoid(a) * (1 - sigmoid(a))."""
        return make_node("sigmoid", (self,))

    def relu(self) -> Value:
        """max(0, x) (rule "relu"): d(relu(a))/da = 1 if a > 0 else 0 (0 at 0, as in PyTorch)."""
        return make_node("relu", (self,))

    def leaky_relu(self, alpha: Operand = 0.01) -> Value:
        """x if x > 0 else alpha * x (rule "leaky_relu"); ``alpha`` may be a learnable Value:
        d(leaky_relu(a, k))/da = 1 if a > 0 else k, d/dk = 0 if a > 0 else a."""
        if not isinstance(alpha, Value):
            alpha = Value(real(alpha, "leaky_relu alpha", expected="a number or a Value"))
        return make_node("leaky_relu", (self, alpha))

    # -- comparisons (by data; == and hash() by identity, as in micrograd), printing -----

    def __lt__(self, other: Operand) -> bool:
        return self._data < _data(other)

    def __le__(self, other: Operand) -> bool:
        return self._data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        return self._data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        return self._data >= _data(other)

    def __float__(self) -> float:
        return float(self._data)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def detach(self) -> Value:
        """A new leaf with the same data and no history: gradients stop here."""
        return Value(self.data, label=self.label)


def make_node(op: str, parents: tuple[Value, ...]) -> Value:
    """The node ``op(parents)``: its value and its local derivatives, from the rule table.

    Every op makes its node here, from Values its op checked and lifted first. Inside
    ``no_grad()`` the result is a leaf.

    >>> n = make_node("*", (Value(2.0), Value(-3.0)))   # d(ab)/da = b, d(ab)/db = a
    >>> n.data, n.op, n.local_grads
    (-6.0, '*', (-3.0, 2.0))
    """
    rule = RULES[op]
    inputs = [p._data for p in parents]  # each parent's number (.data reads this slot)
    out = rule.run(inputs)
    node = _leaf(out)
    mode = modes.current()
    if mode.grad:
        node._op, node._parents, node._local_grads = op, parents, tuple(rule.local(out, inputs))
    if mode.anomaly is not None:
        modes.check_forward(mode.anomaly, node, op, inputs)
    return node


def topological_order(root: Value, leaves: bool = False) -> list[Value]:
    """The non-leaf nodes that ``root`` depends on, each after all of its parents.

    Iterative depth-first search, so a chain of a million nodes is fine. Leaves, with nothing
    to pass a gradient on to, are listed only with ``leaves=True`` (pictures draw them).

    >>> a = Value(1.0); b = a * 2; c = b + a
    >>> [v.op for v in topological_order(c)]
    ['*', '+']
    >>> [v.op or "leaf" for v in topological_order(c, leaves=True)]
    ['leaf', 'leaf', '*', '+']
    """
    order: list[Value] = []
    visited: set[Value] = set()
    stack = [(root, False)] if root._parents or leaves else []  # a leaf has no parents
    while stack:
        v, parents_listed = stack.pop()
        if parents_listed:
            order.append(v)
        elif v not in visited:
            visited.add(v)
            stack.append((v, True))  # listed once every parent is
            # right to left, so the left one is listed first; leaves left out (at C speed)
            for p in reversed(v._parents) if leaves else filter(_parents, reversed(v._parents)):
                if p not in visited:
                    stack.append((p, False))
    return order


# -- helpers of the ops and of backward() ----------------------------------------------


def _leaf(data: float) -> Value:
    """A new leaf holding an op's result (not checked: inf is a result, not bad input)."""
    v = object.__new__(Value)
    v._data, v.grad, v._op, v._parents, v._local_grads = data, 0.0, "", (), ()
    return v


_writes = [0]  # see data_writes
_parents = attrgetter("_parents")  # a node's parents; none, so falsy, for a leaf


def data_writes() -> int:
    """How many times any Value's ``.data`` has been written since import (making a Value
    is not a write): a cache of numbers read from Values is good while it stays put."""
    return _writes[0]


def assign(values: Iterable[Value], xs: Iterable[float]) -> None:
    """Write each number into its Value's ``.data``: one write in :func:`data_writes`."""
    for v, x in zip(values, xs):
        v._data = x
    _writes[0] += 1


def lift(x: object) -> Value | None:
    """An operand as a Value: itself, a new constant leaf, or None when not a number.

    >>> lift(2).data, lift("2")
    (2.0, None)
    """
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None  # the operator returns NotImplemented; Python names the type
    return _leaf(real(x, "operand"))


def _binary(op: str, a: object, b: object) -> Value:
    """The node ``a <op> b``; a number operand becomes a constant leaf."""
    x, y = lift(a), lift(b)
    if x is None or y is None:
        return NotImplemented
    return make_node(op, (x, y))


def _data(other: object) -> float:
    """The number a Value is compared with."""
    if isinstance(other, Value):
        return other._data
    if isinstance(other, bool) or not isinstance(other, (int, float)):
        raise TypeError(f"cannot compare a Value with {type(other).__name__}: {other!r}")
    return float(other)
