"""The Value engine: scalar reverse-mode automatic differentiation.

A :class:`Value` wraps one number. Every op on Values makes a new node that remembers
its parents (the operands) and its local derivatives d(node)/d(parent), taken from the
rule table (:mod:`micrograd_like.rules`). :meth:`Value.backward` visits the nodes from
the output back to the inputs and applies the chain rule at each one.

Read it in this order: :class:`Value`, :func:`make_node` (a node from the rule table),
:meth:`Value._backward` (one node's chain-rule step), :func:`topological_order` and
:meth:`Value.backward`. The rest of the file is the ops themselves and the helpers
around them.

>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> c = a * b + a          # c = ab + a = -6 + 2 = -4
>>> c.backward()           # dc/da = b + 1 = -2, dc/db = a = 2
>>> c.data, a.grad, b.grad
(-4.0, -2.0, 2.0)

This is the plain path. Unless ``MICROGRAD_LIKE_REFERENCE=1`` is set before import,
:mod:`micrograd_like.fast` swaps in faster versions of the node makers and of
``backward()``, which give the same numbers bit for bit.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Union, cast, overload

from micrograd_like import modes
from micrograd_like.checks import real
from micrograd_like.modes import AnomalyError, detect_anomaly, is_grad_enabled, no_grad
from micrograd_like.rules import RULES, Rule

__all__ = [
    "RULES",
    "AnomalyError",
    "Rule",
    "Value",
    "add_op",
    "affine",
    "detect_anomaly",
    "dot",
    "gradients",
    "is_grad_enabled",
    "log_softmax",
    "logsumexp",
    "make_node",
    "no_grad",
    "remove_op",
    "topological_order",
    "vsum",
]

Operand = Union["Value", int, float]


def _unary(op: str, doc: str) -> Callable[[Value], Value]:
    """The method ``x.<op>()``: the node op(x)."""

    def method(self: Value) -> Value:
        return make_node(op, (self,))

    method.__name__, method.__qualname__, method.__doc__ = op, f"Value.{op}", doc
    return method


class Value:
    """A number that remembers how it was computed, so it can be differentiated.

    ``Value(data, _children=(), _op="", label="")``, as in micrograd. ``.data`` is the
    number; ``.grad`` is d(output)/d(this) after :meth:`backward` (0.0 before).

    >>> x = Value(3.0, label="x")
    >>> y = x**2 + 1          # y = 9 + 1 = 10
    >>> y.backward()          # dy/dx = 2x = 6
    >>> y
    Value(data=10.0, grad=1.0)
    >>> x
    Value(data=3.0, grad=6.0, label='x')
    """

    __slots__ = ("data", "grad", "label", "_op", "_parents", "_local_grads", "_own_backward", "__weakref__")  # fmt: skip

    def __init__(
        self, data: float, _children: Iterable[Value] = (), _op: str = "", label: str = ""
    ) -> None:
        self.data = real(data, "Value data")
        self.grad: Any = 0.0  # a Value after backward(create_graph=True)
        self.label = label
        self._op = _op
        self._parents: Any = _checked_children(_children)  # fast.py packs it differently
        self._local_grads: Any = None  # no rule: user code assigns this node's _backward
        self._own_backward: Callable[[], None] | None = None
        _check_names(_op, label)

    def _step(self, local_grads: Sequence[Any] | None = None) -> None:
        """One step of the chain rule: pass this node's gradient on to its parents.

        The local derivatives are the rule table's, unless given (as Values, for a
        gradient that is differentiated again). A gradient of 0 passes nothing on.
        """
        if self.grad == 0.0:  # 0 * local adds nothing (and 0 * inf is not NaN)
            return
        for parent, local in zip(self.parents, local_grads or self.local_grads):
            parent.grad += local * self.grad

    @property
    def _backward(self) -> Callable[[], None]:
        """This node's step of the chain rule (micrograd's name): :meth:`_step`, unless
        user code assigned a function of its own (``out._backward = fn``), as in micrograd."""
        own = getattr(self, "_own_backward", None)
        return self._step if own is None else own

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        if not callable(fn):
            raise TypeError(f"_backward must be a function, got {type(fn).__name__}")
        self._own_backward = fn

    def backward(self, create_graph: bool = False, prune: bool = False) -> None:
        """Fill ``.grad`` of every node this one depends on with d(self)/d(node).

        Gradients are *added*: a node used twice gets both contributions (``b = a + a``
        gives ``a.grad == 2``), and leaves (inputs and parameters) keep adding across
        calls, as in PyTorch: call ``zero_grad()`` between training steps. Intermediate
        nodes hold the gradient of the latest call. With ``create_graph=True`` every
        ``.grad`` is a Value that can be differentiated again. ``prune`` is kept for
        compatibility and changes nothing: this walk visits every node, and the fast
        path's walk skips only what leaves every ``.grad`` as this one does.
        """
        _check_flags(create_graph, prune)
        order = topological_order(self)
        for v in order:
            v.grad = 0.0  # intermediate nodes: this call's gradient only
        self.grad += 1.0  # d(self)/d(self)
        anomaly = modes.current().anomaly
        for v in reversed(order):  # children before parents
            if create_graph:
                v._step(RULES[v.op].local(v, v.parents))  # local derivatives as Values
            else:
                v._backward()
            if anomaly is not None:
                modes.check_backward(anomaly, v)

    # -- the graph, by public names ----------------------------------------------------

    @property
    def op(self) -> str:
        """Name of the op that made this node (a key of RULES), or "" for a leaf."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was computed from, in order."""
        return self._parents  # a tuple on this path

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """d(self)/d(parent) for each parent, as the rule table gave them.

        Empty for a node made by user code (``Value(x, (a,), "sin")``): its own
        ``_backward`` passes the gradient on.
        """
        return self._local_grads or ()

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of this node's children (its operands)."""
        return set(self.parents)

    # -- the ops: each makes one node from the rule table; -, neg and number / Value
    #    are composed of them

    def __add__(self, other: Operand) -> Value:
        return _binary("+", self, other)

    def __radd__(self, other: Operand) -> Value:
        return _binary("+", other, self)

    def __mul__(self, other: Operand) -> Value:
        return _binary("*", self, other)

    def __rmul__(self, other: Operand) -> Value:
        return _binary("*", other, self)

    def __truediv__(self, other: Operand) -> Value:
        return _binary("/", self, other)

    def __rtruediv__(self, other: Operand) -> Value:  # other * self**-1, as PyTorch has it
        o = _lift(other)
        return NotImplemented if o is None else o * self**-1.0

    def __pow__(self, other: Operand) -> Value:
        return _binary("**", self, other)

    def __rpow__(self, other: Operand) -> Value:
        return _binary("**", other, self)

    def __neg__(self) -> Value:  # -self = self * -1
        return self * -1.0

    def __sub__(self, other: Operand) -> Value:  # self - other = self + (-other)
        o = _lift(other)
        return NotImplemented if o is None else self + (-o)

    def __rsub__(self, other: Operand) -> Value:  # other - self = other + (-self)
        o = _lift(other)
        return NotImplemented if o is None else o + (-self)

    exp = _unary("exp", "e**x. Raises OverflowError naming the operand past x ~ 709.78.")
    log = _unary("log", "ln x. Raises ValueError naming the operand when x <= 0.")
    tanh = _unary("tanh", "tanh x; never overflows: Value(1000).tanh() is 1.0, grad 0.")
    sigmoid = _unary("sigmoid", "1 / (1 + e**-x); never overflows: Value(-1000) gives 0.0.")
    relu = _unary("relu", "max(0, x); its derivative at 0 is taken as 0, as in PyTorch.")

    def leaky_relu(self, alpha: Operand = 0.01) -> Value:
        """x if x > 0 else alpha * x. ``alpha`` may be a Value (a learnable slope)."""
        if isinstance(alpha, Value):
            k = alpha
        elif isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
            raise TypeError(
                f"leaky_relu alpha must be a number or a Value, got {type(alpha).__name__}"
            )
        else:
            k = Value(real(alpha, "leaky_relu alpha"))
        return make_node("leaky_relu", (self, k))

    # -- comparisons (by data), identity, printing ---------------------------------------

    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other)

    # == and hash() are object's, by identity, as in micrograd: Values go in sets and dicts

    def __float__(self) -> float:
        return float(self.data)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def detach(self) -> Value:
        """A new leaf with the same data and no history: gradients stop here."""
        return Value(self.data, label=self.label)


def make_node(op: str, parents: tuple[Value, ...]) -> Value:
    """The node ``op(parents)``: its value and its local derivatives, from the rule table.

    Every op makes its node here. ``parents`` must be Values already; the ops check and
    lift their operands first.

    >>> n = make_node("*", (Value(2.0), Value(-3.0)))   # d(ab)/da = b, d(ab)/db = a
    >>> n.data, n.op, n.local_grads
    (-6.0, '*', (-3.0, 2.0))
    """
    rule = RULES[op]
    inputs = [p.data for p in parents]
    node = _result(rule.run(inputs))
    mode = modes.current()
    if mode.grad:  # inside no_grad() the result is a leaf
        node._op, node._parents = op, parents
        node._local_grads = tuple(rule.local(node.data, inputs))
    if mode.anomaly is not None:
        modes.check_forward(mode.anomaly, node, op, inputs)
    return node


def topological_order(root: Value, leaves: bool = False) -> list[Value]:
    """The non-leaf nodes that ``root`` depends on, each after all of its parents.

    Iterative depth-first search, so a chain of a million nodes is fine. Leaves are not
    listed, as they have nothing to pass a gradient on to, unless ``leaves=True`` (the
    pictures draw every node).

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
            for p in reversed(v.parents):  # right to left, so the left one is listed first
                if (p._parents or leaves) and p not in visited:
                    stack.append((p, False))
    return order


# --------------------------------------------------------------------------------------
# Making Values
# --------------------------------------------------------------------------------------


def _result(data: float) -> Value:
    """A new node holding an op's result (not checked: inf is a result, not bad input)."""
    v = Value.__new__(Value)
    v.data, v.grad, v.label, v._op, v._parents, v._local_grads = data, 0.0, "", "", (), None
    v._own_backward = None
    return v


def _checked_children(children: Iterable[Value]) -> tuple[Value, ...]:
    if isinstance(children, (str, bytes)) or not isinstance(children, Iterable):
        raise TypeError(
            f"Value _children must be a tuple of Values, got {type(children).__name__}: "
            f"{children!r} (a label goes in label=...)"
        )
    out = tuple(children)
    for i, c in enumerate(out):
        if not isinstance(c, Value):
            raise TypeError(f"Value _children[{i}] must be a Value, got {type(c).__name__}")
    return out


def _check_names(op: object, label: object) -> None:
    if not isinstance(op, str):
        raise TypeError(f"Value _op must be a str, got {type(op).__name__}: {op!r}")
    if not isinstance(label, str):
        raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")


def _check_flags(create_graph: object, prune: object) -> None:
    if create_graph is not False and create_graph is not True:
        raise TypeError(f"create_graph must be a bool, got {type(create_graph).__name__}")
    if prune is not False and prune is not True:
        raise TypeError(f"prune must be a bool, got {type(prune).__name__}")
    if create_graph and prune:  # d/dx (x*y) at y = 0 is 0, but d2/dxdy is 1
        raise ValueError("prune=True cannot be combined with create_graph=True")


def _lift(x: object) -> Value | None:
    """An operand as a Value: itself, a new constant leaf, or None when not a number."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None  # the operator returns NotImplemented; Python names the type
    return _result(real(x, "operand"))


def _binary(op: str, a: object, b: object) -> Value:
    """The node ``a <op> b``; a number operand becomes a constant leaf."""
    x, y = _lift(a), _lift(b)
    if x is None or y is None:
        return NotImplemented
    return make_node(op, (x, y))


def _values(xs: Iterable[Operand], what: str) -> tuple[Value, ...]:
    """The operands of an n-ary op as Values (numbers become constant leaves)."""
    if not isinstance(xs, (list, tuple)) and (
        isinstance(xs, (Value, str, bytes, dict)) or not isinstance(xs, Iterable)
    ):
        raise TypeError(f"{what} must be a list of Values or numbers, got {type(xs).__name__}")
    vs = tuple(xs)
    if set(map(type, vs)) <= {Value}:  # the common case: Values already, nothing to lift
        return cast("tuple[Value, ...]", vs)
    out = []
    for i, x in enumerate(vs):
        v = _lift(x)
        if v is None:
            raise TypeError(
                f"{what}[{i}] must be a Value or a number, got {type(x).__name__}: {x!r}"
            )
        out.append(v)
    return tuple(out)


def _data(other: object) -> float:
    """The number a Value is compared with."""
    if isinstance(other, Value):
        return other.data
    if isinstance(other, bool) or not isinstance(other, (int, float)):
        raise TypeError(f"cannot compare a Value with {type(other).__name__}: {other!r}")
    return float(other)


# --------------------------------------------------------------------------------------
# Adding an op of your own, as a row of the rule table
# --------------------------------------------------------------------------------------


def add_op(
    name: str,
    forward: Callable[..., float],
    partials: Callable[..., Sequence[Any]],
    formula: str = "",
) -> Callable[..., Any]:
    """Add ``name`` to the rule table and to Value as a method; return it as a function.

    ``forward(a, ...)`` computes the op on numbers; ``partials(out, a, ...)`` returns its
    local derivatives, one per input. The returned function works on numbers (giving a
    number) and on Values (giving a node), so a rule can use it in its own partials, and
    second derivatives work. The new op gets gradient checks, ``explain`` and pictures
    like any other.

    >>> import math
    >>> sin = add_op("sin", math.sin, lambda out, a: (cos(a),), "d(sin(a))/da = cos(a)")
    >>> cos = add_op("cos", math.cos, lambda out, a: (-sin(a),), "d(cos(a))/da = -sin(a)")
    >>> x = Value(0.0); y = x.sin(); y.backward()   # d(sin x)/dx = cos 0 = 1
    >>> y.data, x.grad
    (0.0, 1.0)
    >>> remove_op("sin"); remove_op("cos")
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"op name must be a Python identifier, got {name!r}")
    if not callable(forward) or not callable(partials):
        raise TypeError("add_op needs a forward function and a partials function")
    if hasattr(Value, name) and name not in _added:
        raise ValueError(f"Value already has an attribute {name!r}; choose another op name")
    arity = len(inspect.signature(partials).parameters) - 1
    if arity < 1:
        raise ValueError(
            "partials must take (out, a, ...): the output, then one argument per input"
        )
    RULES[name] = Rule(forward, partials, formula)
    _added.add(name)

    def method(self: Value, *others: Operand) -> Value:
        operands = (self, *others)
        if len(operands) != arity:
            raise TypeError(f"{name} takes {arity} operand(s), got {len(operands)}")
        return make_node(name, _values(operands, f"{name} operands"))

    method.__name__, method.__qualname__ = name, f"Value.{name}"
    method.__doc__ = formula or f"the op {name!r} of the rule table"
    setattr(Value, name, method)

    def op(*args: Any) -> Any:
        if any(isinstance(a, Value) for a in args):
            first, *rest = _values(args, f"{name} operands")
            return method(first, *rest)
        return forward(*args)

    op.__name__, op.__doc__ = name, method.__doc__
    return op


_added: set[str] = set()


def remove_op(name: str) -> None:
    """Take an op that :func:`add_op` added out of the rule table and off Value."""
    if name not in _added:
        raise ValueError(f"{name!r} was not added by add_op")
    _added.discard(name)
    del RULES[name]
    delattr(Value, name)


# --------------------------------------------------------------------------------------
# Gradients without touching .grad
# --------------------------------------------------------------------------------------


def gradients(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """d(output)/d(x) for each x in ``inputs``, leaving every ``.grad`` as it was.

    Like ``torch.autograd.grad``. With ``create_graph=True`` each gradient is a Value
    (or 0.0 where output does not depend on x) that can be differentiated again.

    >>> x = Value(3.0)
    >>> y = x**3                               # dy/dx = 3x**2 = 27, d2y/dx2 = 6x = 18
    >>> (dy,) = gradients(y, [x], create_graph=True)
    >>> dy.data, gradients(dy, [x])[0]
    (27.0, 18.0)
    """
    if not isinstance(output, Value):
        raise TypeError(f"output must be a Value, got {type(output).__name__}")
    if isinstance(inputs, Value) or not isinstance(inputs, (list, tuple)):
        raise TypeError(f"inputs must be a list of Values, got {type(inputs).__name__}")
    _check_flags(create_graph, False)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"inputs[{i}] must be a Value, got {type(x).__name__}")
    order = topological_order(output)
    nodes = {output, *order, *(p for v in order for p in v.parents)}
    saved = [(v, v.grad) for v in nodes]
    try:
        for v in nodes:
            v.grad = 0.0
        output.backward(create_graph=create_graph)
        return [x.grad if x in nodes else 0.0 for x in inputs]
    finally:
        for v, g in saved:
            v.grad = g


# --------------------------------------------------------------------------------------
# Fused n-ary ops: one node however many inputs
# --------------------------------------------------------------------------------------


def vsum(values: Iterable[Operand]) -> Value:
    """x1 + x2 + ... + xn as ONE node (Python's ``sum`` would make n nodes).

    >>> xs = [Value(1.0), Value(2.0), Value(3.0)]
    >>> s = vsum(xs); s.backward()          # ds/dxi = 1 for every i
    >>> s.data, [x.grad for x in xs]
    (6.0, [1.0, 1.0, 1.0])
    """
    vs = _values(values, "vsum values")
    if not vs:
        raise ValueError("vsum needs at least one value, got an empty sequence")
    return make_node("sum", vs)


def dot(ws: Sequence[Operand], xs: Sequence[Operand]) -> Value:
    """w1*x1 + ... + wn*xn as ONE node: d/dwi = xi and d/dxi = wi.

    >>> w = [Value(0.5), Value(-1.0)]; x = [Value(2.0), Value(1.0)]
    >>> d = dot(w, x); d.backward()         # 0.5*2 - 1*1 = 0
    >>> d.data, w[0].grad, x[1].grad
    (0.0, 2.0, -1.0)
    """
    w, x = _paired(ws, xs, "dot")
    return make_node("dot", w + x)


def affine(ws: Sequence[Operand], xs: Sequence[Operand], b: Operand) -> Value:
    """w1*x1 + ... + wn*xn + b as ONE node: a neuron before its activation.

    >>> w = [Value(0.5), Value(-1.0)]; x = [2.0, 1.0]; b = Value(0.25)
    >>> z = affine(w, x, b); z.backward()   # 1 - 1 + 0.25; dz/dw1 = x1 = 2, dz/db = 1
    >>> z.data, w[0].grad, b.grad
    (0.25, 2.0, 1.0)
    """
    w, x = _paired(ws, xs, "affine")
    (bias,) = _values((b,), "affine bias")
    return make_node("affine", w + x + (bias,))


def logsumexp(values: Iterable[Operand]) -> Value:
    """ln(e**x1 + ... + e**xn) as ONE node, stable for large inputs.

    Its gradient is the softmax: d/dxi = e**xi / sum_j e**xj.

    >>> xs = [Value(0.0), Value(0.0)]
    >>> s = logsumexp(xs); s.backward()     # ln(1 + 1) = ln 2; each softmax weight is 1/2
    >>> round(s.data, 6), [x.grad for x in xs]
    (0.693147, [0.5, 0.5])
    >>> logsumexp([Value(1000.0), Value(1000.0)]).data   # no overflow: 1000 + ln 2
    1000.6931471805599
    """
    vs = _values(values, "logsumexp values")
    if not vs:
        raise ValueError("logsumexp needs at least one value, got an empty sequence")
    return make_node("logsumexp", vs)


@overload
def log_softmax(values: Iterable[Operand], index: None = None) -> list[Value]: ...
@overload
def log_softmax(values: Iterable[Operand], index: int) -> Value: ...


def log_softmax(values: Iterable[Operand], index: int | None = None) -> list[Value] | Value:
    """log_softmax(x)i = xi - logsumexp(x), each ONE node, exact even for huge logits.

    The derivatives: d/dxi = 1 - softmax(x)i, d/dxj = -softmax(x)j for j != i. With
    ``index``, only that output (a cross-entropy needs one).

    >>> xs = [Value(0.0), Value(0.0)]
    >>> [round(v.data, 6) for v in log_softmax(xs)]   # ln(1/2) each
    [-0.693147, -0.693147]
    >>> import math
    >>> [v.data for v in log_softmax([Value(1e308), Value(1e308)])] == [-math.log(2)] * 2
    True
    """
    vs = _values(values, "log_softmax values")
    if not vs:
        raise ValueError("log_softmax needs at least one value, got an empty sequence")
    if index is None:
        return [make_node("log_softmax", (x, *vs)) for x in vs]
    if isinstance(index, bool) or not isinstance(index, int) or not -len(vs) <= index < len(vs):
        raise ValueError(f"log_softmax index must be an int in [0, {len(vs)}), got {index!r}")
    return make_node("log_softmax", (vs[index], *vs))


def _paired(
    ws: Sequence[Operand], xs: Sequence[Operand], what: str
) -> tuple[tuple[Value, ...], tuple[Value, ...]]:
    w = _values(ws, f"{what} ws")
    x = _values(xs, f"{what} xs")
    if len(w) != len(x):
        raise ValueError(f"{what} needs sequences of equal length, got {len(w)} and {len(x)}")
    if not w:
        raise ValueError(f"{what} needs at least one pair, got empty sequences")
    return w, x
