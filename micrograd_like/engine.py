"""The Value engine: scalar reverse-mode automatic differentiation.

A :class:`Value` wraps one float. Every operation on Values records a node of a graph.
A node keeps

* ``_op``    - the op's name, a key of :data:`RULES` (``""`` for a leaf);
* ``_edges`` - ``(d1, ..., dn, None, p1, ..., pn)``: the local partial derivatives
  di = d(node)/d(pi), worked out from the rule table when the node is made, then its
  parents pi (the operands of the op, in order). :attr:`Value.local_grads` and
  :attr:`Value.parents` are its two halves. One container per node, not two, keeps
  a ``*`` node under 200 bytes; the ``None`` between the halves is where the loops
  over either half stop.

:meth:`Value.backward` walks the graph once, from the output back to the leaves, and
applies the chain rule, ``parent.grad += local * node.grad``. That one line is the only
place the chain rule lives.

>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> c = a * b + a          # c = ab + a = -6 + 2 = -4
>>> c.backward()           # dc/da = b + 1 = -2, dc/db = a = 2
>>> c.data, a.grad, b.grad
(-4.0, -2.0, 2.0)
"""

from __future__ import annotations

import math
import numbers
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import add, mul
from typing import Any, Union, overload

__all__ = [
    "RULES",
    "AnomalyError",
    "Rule",
    "Value",
    "affine",
    "detect_anomaly",
    "dot",
    "gradients",
    "is_grad_enabled",
    "log_softmax",
    "logsumexp",
    "no_grad",
    "topological_order",
    "vsum",
]

Operand = Union["Value", int, float]


# --------------------------------------------------------------------------------------
# Forward functions with the numerical care the rule table needs
# --------------------------------------------------------------------------------------


def _exp(a: float) -> float:
    """e**a; raises OverflowError naming the operand past a ~ 709.78."""
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp overflow: exp({a!r}) is larger than the largest float (~1.8e308); "
            "exp overflows for operands above about 709.78"
        ) from None


def _log(a: float) -> float:
    """ln a; raises ValueError naming the operand when a <= 0."""
    if a <= 0.0:
        raise ValueError(f"log of a non-positive number: log({a!r}); log needs an operand > 0")
    return math.log(a)


def _pow(a: float, b: float) -> float:
    """a**b over the reals; raises a clear error where that has no real value."""
    if a == 0.0 and b < 0.0:
        raise ZeroDivisionError(f"pow: 0.0 ** {b!r} is undefined (division by zero)")
    if a < 0.0 and not float(b).is_integer():
        raise ValueError(
            f"pow: negative base {a!r} with non-integer exponent {b!r} has no real value"
        )
    try:
        return float(a**b)
    except OverflowError:
        raise OverflowError(
            f"pow overflow: {a!r} ** {b!r} is larger than the largest float"
        ) from None


def _sigmoid(a: float) -> float:
    """1 / (1 + e**-a), computed so that it never overflows."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)  # a < 0, so e is in (0, 1): no overflow
    return e / (1.0 + e)


def _logsumexp(xs: list[float]) -> float:
    """ln(e**x1 + ... + e**xn), shifted by max(x) so that it never overflows."""
    m = max(xs)
    return m + math.log(math.fsum([math.exp(x - m) for x in xs]))


def _softmax_weights(xs: list[Any]) -> list[Any]:
    """e**(xi - m) / sum_j e**(xj - m), m = max(x): the softmax of x, from shifted inputs.

    Shifting first keeps ties of huge logits exact: softmax(1e16, 1e16) = (1/2, 1/2),
    where e**(x - logsumexp(x)) would round to (1, 1). Runs on floats and on Values.
    """
    m = max(x.data if isinstance(x, Value) else x for x in xs)  # a constant: it cancels
    es = [_e(x - m) for x in xs]
    total = math.fsum(es) if all(type(e) is float for e in es) else vsum(es)
    return [e / total for e in es]


def _log_softmax(txs: list[float]) -> float:
    """t - logsumexp(x) for [t, x1..xn], as (t - m) - ln(sum_j e**(xj - m)), m = max(x)."""
    xs = txs[1:]
    m = max(xs)
    return (txs[0] - m) - math.log(math.fsum([math.exp(x - m) for x in xs]))


def _log_softmax_partials(out: Any, txs: list[Any]) -> list[Any]:
    """d/dt = 1 and d/dxj = -softmax(x)j."""
    return [1.0, *[-w for w in _softmax_weights(txs[1:])]]


def _e(x: Any) -> Any:
    """e**x of a float or of a Value (rules run on both; see ``backward``)."""
    return x.exp() if isinstance(x, Value) else math.exp(x)


def _ln(x: Any) -> Any:
    """Natural log of a float or of a Value (rules run on both; see ``backward``)."""
    return x.log() if isinstance(x, Value) else math.log(x)


def _pow_partials(out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """d(a**b)/da = b * a**(b-1) and d(a**b)/db = a**b * ln a.

    At a = 0 with b < 1 the first is infinite (+inf, its limit from the right), and it
    is 0 when b = 0. The second exists only for a > 0; elsewhere it is taken as 0.
    """
    if a == 0.0 and b < 1.0:  # only floats reach here: a Value never equals 0.0
        da: Any = 0.0 if b == 0.0 else math.inf
    else:
        da = b * a ** (b - 1.0)
    db = out * _ln(a) if a > 0.0 else 0.0
    return da, db


# The fused n-ary primitives take ONE list of inputs (no argument unpacking: a neuron's
# affine node has 2n + 1 of them). The layouts are [w1..wn, x1..xn] and [w1..wn, x1..xn, b].


def _dot(wx: list[Any]) -> Any:
    """w . x = w1*x1 + ... + wn*xn."""
    n = len(wx) >> 1
    return sum(map(mul, wx, wx[n:]))  # map stops where wx[n:] does


def _dot_partials(out: Any, wx: list[Any]) -> list[Any]:
    """d(w.x)/dwi = xi and d(w.x)/dxi = wi: the two halves swapped."""
    n = len(wx) >> 1
    return wx[n:] + wx[:n]


def _affine(wxb: list[Any]) -> Any:
    """w . x + b."""
    n = len(wxb) >> 1
    return sum(map(mul, wxb, wxb[n:-1]), wxb[-1])  # map stops where wxb[n:-1] does


def _affine_partials(out: Any, wxb: list[Any]) -> list[Any]:
    """d/dwi = xi, d/dxi = wi, d/db = 1."""
    n = len(wxb) >> 1
    local = wxb[n:-1]
    local += wxb[:n]
    local.append(1.0)
    return local


# --------------------------------------------------------------------------------------
# The rule table: every primitive's forward and its local partial derivatives, side by
# side. ``partials(out, *inputs)`` uses only arithmetic on the output and the inputs, so
# the same rule runs on floats (the fast path) and on Values (``create_graph=True``).
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One primitive: ``forward(*inputs) -> out`` and ``partials(out, *inputs)``.

    An ``nary`` rule takes its inputs as one list instead: ``forward(inputs)``,
    ``partials(out, inputs)``. :meth:`run` and :meth:`local` call either kind.
    """

    forward: Callable[..., Any]
    partials: Callable[..., Sequence[Any]]
    nary: bool = False

    def run(self, inputs: Sequence[Any]) -> Any:
        """The op's output for these inputs."""
        return self.forward(list(inputs)) if self.nary else self.forward(*inputs)

    def local(self, out: Any, inputs: Sequence[Any]) -> Sequence[Any]:
        """d out / d input, one per input."""
        return self.partials(out, list(inputs)) if self.nary else self.partials(out, *inputs)


_ONE_ONE, _ONE, _ZERO, _ONE_ZERO = (1.0, 1.0), (1.0,), (0.0,), (1.0, 0.0)  # shared, not per node

RULES: dict[str, Rule] = {
    # op              forward(a, ...)                          d out / d input, one per input
    "+":          Rule(add,                                       lambda out, a, b: _ONE_ONE),
    "*":          Rule(mul,                                       lambda out, a, b: (b, a)),
    "**":         Rule(_pow,                                      _pow_partials),
    "exp":        Rule(_exp,                                      lambda out, a: (out,)),
    "log":        Rule(_log,                                      lambda out, a: (1.0 / a,)),
    "tanh":       Rule(math.tanh,                                 lambda out, a: (1.0 - out * out,)),
    "sigmoid":    Rule(_sigmoid,                                  lambda out, a: (out * (1.0 - out),)),
    "relu":       Rule(lambda a: a if a > 0.0 else 0.0,           lambda out, a: _ONE if a > 0.0 else _ZERO),
    "leaky_relu": Rule(lambda a, k: a if a > 0.0 else k * a,      lambda out, a, k: _ONE_ZERO if a > 0.0 else (k, a)),
    # n-ary, fused: one node however many inputs, which come as one list xs
    "sum":        Rule(sum,                                       lambda out, xs: (1.0,) * len(xs),          nary=True),
    "dot":        Rule(_dot,                                      _dot_partials,                             nary=True),
    "affine":     Rule(_affine,                                   _affine_partials,                          nary=True),
    # d lse / d xi = softmax(x)i; both rows shift by max(x), so logits of any size work
    "logsumexp":  Rule(_logsumexp,                                lambda out, xs: _softmax_weights(xs),      nary=True),
    # log_softmax(x)i as ONE node: inputs [xi, x1..xn], out = xi - logsumexp(x)
    "log_softmax": Rule(_log_softmax,                             _log_softmax_partials,                     nary=True),
}  # fmt: skip
"""The primitives. Everything else (``-``, ``/``, the losses, softmax) is composed."""


# --------------------------------------------------------------------------------------
# Recording on and off
# --------------------------------------------------------------------------------------

_grad_enabled = True
_anomaly: _AnomalyMode | None = None
_plain = True  # recording, no anomaly checks: the fast path every op takes


def _update_plain() -> None:
    global _plain
    _plain = _grad_enabled and _anomaly is None


def is_grad_enabled() -> bool:
    """True unless inside :func:`no_grad`."""
    return _grad_enabled


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, ops compute values but record no graph (for updates, eval).

    >>> w = Value(1.0)
    >>> with no_grad():
    ...     v = w * 3.0
    >>> v.data, v.parents
    (3.0, ())
    """
    global _grad_enabled
    previous = _grad_enabled
    _grad_enabled = False
    _update_plain()
    try:
        yield
    finally:
        _grad_enabled = previous
        _update_plain()


class AnomalyError(FloatingPointError):
    """Inside :func:`detect_anomaly`, an op produced NaN or inf."""


class _AnomalyMode:
    """Where each node was made, so a bad gradient can point back at a line of code."""

    def __init__(self) -> None:
        self.origins: dict[Value, str] = {}


def _user_site() -> str:
    """file:line of the innermost caller outside this package."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Stop at the first op whose result or gradient is NaN or inf, and say where.

    PyTorch's anomaly mode, for scalars. Slower: use it to debug, not to train.

    >>> with detect_anomaly():  # doctest: +ELLIPSIS
    ...     y = Value(1e308) * 10.0
    Traceback (most recent call last):
    micrograd_like.engine.AnomalyError: op '*' gave inf in forward from operands (1e+308, 10.0), at ...
    """
    global _anomaly
    previous = _anomaly
    _anomaly = _AnomalyMode()
    _update_plain()
    try:
        yield
    finally:
        _anomaly = previous
        _update_plain()


def _record(
    node: Value,
    op: str,
    parents: Sequence[Value],
    local: Callable[[float, Sequence[float]], Sequence[Any]],
    args: Sequence[float],
) -> None:
    """The slow path of making a node: inside no_grad() or detect_anomaly()."""
    if _anomaly is not None and not math.isfinite(node.data):
        operands = ", ".join(repr(a) for a in args)
        raise AnomalyError(
            f"op {op!r} gave {node.data!r} in forward from operands ({operands}), at {_user_site()}"
        )
    if not _grad_enabled:
        node._op, node._edges = "", ()
        return
    node._op, node._edges = op, (*local(node.data, args), None, *parents)
    if _anomaly is not None:
        _anomaly.origins[node] = _user_site()


def _check_backward(v: Value) -> None:
    """Inside detect_anomaly(): raise if v's backward step left a parent's grad non-finite."""
    for i, p in enumerate(v.parents):
        if not math.isfinite(p.grad):
            assert _anomaly is not None
            where = _anomaly.origins.get(v, "<made before detect_anomaly()>")
            operands = ", ".join(repr(q.data) for q in v.parents)
            raise AnomalyError(
                f"op {v._op!r} gave gradient {p.grad!r} in backward to its operand #{i} "
                f"(operands ({operands}), local derivative {v.local_grads[i]!r}, upstream "
                f"gradient {v.grad!r}); the node was made at {where}"
            )


# --------------------------------------------------------------------------------------
# Checking what users hand us
# --------------------------------------------------------------------------------------


def _as_float(x: object, what: str) -> float:
    """``x`` as a finite float, or a TypeError/ValueError that names ``what``."""
    if type(x) is float:
        f = x
    elif isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(
            f"{what} must be a real number (int or float), got {type(x).__name__}: {x!r}"
        )
    else:
        try:
            f = float(x)
        except OverflowError:
            raise ValueError(
                f"{what} must be a finite number, got an int too large for a float"
            ) from None
    if not math.isfinite(f):
        raise ValueError(f"{what} must be a finite number, got {f!r}")
    return f


def _positive(x: object, what: str) -> float:
    """``x`` as a finite float > 0, or an error that names ``what``."""
    f = _as_float(x, what)
    if f <= 0.0:
        raise ValueError(f"{what} must be > 0, got {f!r}")
    return f


def _non_negative(x: object, what: str) -> float:
    """``x`` as a finite float >= 0, or an error that names ``what``."""
    f = _as_float(x, what)
    if f < 0.0:
        raise ValueError(f"{what} must be >= 0, got {f!r}")
    return f


_new = object.__new__


def _lift(x: object) -> Value | None:
    """A Value for an operand: itself, a new constant leaf, or None when not a number."""
    if isinstance(x, Value):
        return x
    if x.__class__ is float and math.isfinite(x):  # the common constant, without ABC checks
        return _leaf(x)
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        return None  # the operator returns NotImplemented; Python names the type
    return _leaf(_as_float(x, "operand"))


def _leaf(data: float, label: str = "") -> Value:
    """A leaf holding ``data``, already checked (``Value.__init__`` without the checks)."""
    v = _new(Value)
    v.data, v.grad, v.label, v._op, v._edges = data, 0.0, label, "", ()
    return v


# --------------------------------------------------------------------------------------
# Value
# --------------------------------------------------------------------------------------


def _nary(op: str, parents: Sequence[Value], args: list[float] | None = None) -> Value:
    """Make the node ``op(parents)`` of an n-ary rule: its value and its local partials.

    ``args``, when given, must be ``[p.data for p in parents]`` (a layer reads its
    inputs' data once for all its neurons).
    """
    rule = RULES[op]
    forward = rule.forward
    partials = rule.partials
    if args is None:
        args = [p.data for p in parents]
    out = forward(args)
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    if _plain:
        node._op = op
        node._edges = [*partials(out, args), None, *parents]
    else:
        _record(node, op, parents, rule.local, args)
    return node


def _unary_op(op: str, doc: str) -> Callable[[Value], Value]:
    """The method ``x.<op>()``: it makes the node ``op(x)`` from ``RULES[op]``.

    Every unary node is made here, inline, as one call: this is every activation's
    hot path (``Value.relu``, ``Value.exp``, ...).
    """

    def method(self: Value) -> Value:
        rule = RULES[op]
        forward = rule.forward  # a plain load: calling rule.forward() directly is slower
        x = self.data
        out = forward(x)
        node = _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        if _plain:
            node._op = op
            partials = rule.partials
            (d,) = partials(out, x)
            node._edges = (d, None, self)
        else:
            _record(node, op, (self,), rule.local, (x,))
        return node

    method.__name__, method.__qualname__, method.__doc__ = op, f"Value.{op}", doc
    return method


def _binary_op(
    name: str, op: str, doc: str, reflected: bool = False
) -> Callable[[Value, Any], Value]:
    """The method ``self <op> other``: it makes the node ``op(self, other)`` from
    ``RULES[op]`` (``op(other, self)`` when ``reflected``, for ``__radd__`` and friends).

    A number ``other`` becomes a constant leaf; anything else gives NotImplemented, so
    Python raises its usual TypeError naming both types. Every binary node is made
    here, inline, as one call: this is every + and *'s hot path.
    """

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
        rule = RULES[op]
        forward = rule.forward  # a plain load: calling rule.forward() directly is slower
        x = a.data
        y = b.data
        out = forward(x, y)
        node = _new(Value)
        node.data = out
        node.grad = 0.0
        node.label = ""
        if _plain:
            node._op = op
            partials = rule.partials
            da, db = partials(out, x, y)
            node._edges = (da, db, None, a, b)
        else:
            _record(node, op, (a, b), rule.local, (x, y))
        return node

    method.__name__, method.__qualname__, method.__doc__ = name, f"Value.{name}", doc
    return method


class Value:
    """A scalar that remembers how it was computed, so it can be differentiated.

    ``Value(data, label="")``: ``.data`` is the number, ``.grad`` is d(output)/d(this)
    after :meth:`backward` (0.0 before). Equality and hashing are by identity, as in
    micrograd, so Values can be kept in sets and dicts; ``<``, ``>``, ``<=`` and ``>=``
    compare ``.data``.

    Bad numbers are refused where they enter: ``Value("3")`` and ``Value(True)`` raise
    TypeError (a bool is almost always a mistake for a number here), ``Value(nan)`` and
    ``Value(inf)`` raise ValueError.

    >>> x = Value(3.0, label="x")
    >>> y = x**2 + 1          # y = 9 + 1 = 10
    >>> y.backward()          # dy/dx = 2x = 6
    >>> y
    Value(data=10.0, grad=1.0)
    >>> x
    Value(data=3.0, grad=6.0, label='x')
    """

    __slots__ = ("data", "grad", "label", "_op", "_edges")

    data: float
    grad: Any  # a float; a Value after backward(create_graph=True)
    label: str
    _op: str
    _edges: Sequence[Any]  # (d1, .., dn, None, p1, .., pn); a list for an n-ary node

    def __init__(self, data: float, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")
        self.data = _as_float(data, "Value data")
        self.grad = 0.0
        self.label = label
        self._op = ""
        self._edges = ()

    # -- the graph, by public names --------------------------------------------------

    @property
    def op(self) -> str:
        """Name of the op that made this node (a key of RULES), or "" for a leaf."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The operands this node was computed from, in order."""
        e = self._edges
        return tuple(e[(len(e) >> 1) + 1 :])

    _prev = parents  # micrograd's name, read by its trace_graph notebook

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """d(self)/d(parent) for each parent, as the rule table gave them."""
        e = self._edges
        return tuple(e[: len(e) >> 1])

    # -- arithmetic -----------------------------------------------------------------

    # Each method makes one node from the rule table (see _binary_op and _unary_op).
    __add__ = _binary_op("__add__", "+", "self + other")
    __radd__ = _binary_op("__radd__", "+", "other + self", reflected=True)
    __mul__ = _binary_op("__mul__", "*", "self * other")
    __rmul__ = _binary_op("__rmul__", "*", "other * self", reflected=True)
    __pow__ = _binary_op("__pow__", "**", "self ** other (d/d other = out * ln self)")
    __rpow__ = _binary_op("__rpow__", "**", "other ** self", reflected=True)
    _leaky_relu = _binary_op("_leaky_relu", "leaky_relu", "leaky_relu with a Value slope")

    def __neg__(self) -> Value:  # -self = self * -1
        return self * -1.0

    def __sub__(self, other: Operand) -> Value:  # self - other = self + (-other)
        o = _lift(other)
        return NotImplemented if o is None else self + (-o)

    def __rsub__(self, other: Operand) -> Value:  # other - self
        o = _lift(other)
        return NotImplemented if o is None else o + (-self)

    def __truediv__(self, other: Operand) -> Value:  # self / other = self * other**-1
        o = _lift(other)
        if o is None:
            return NotImplemented
        if o.data == 0.0:
            raise ZeroDivisionError(f"division by zero: {self!r} / {o!r}")
        return self * o**-1.0

    def __rtruediv__(self, other: Operand) -> Value:  # other / self
        o = _lift(other)
        return NotImplemented if o is None else o / self

    # -- functions ------------------------------------------------------------------

    exp = _unary_op("exp", "e**x. Raises OverflowError naming the operand past x ~ 709.78.")
    log = _unary_op("log", "ln x. Raises ValueError naming the operand when x <= 0.")
    tanh = _unary_op("tanh", "tanh x; never overflows: Value(1000).tanh() is 1.0, grad 0.")
    sigmoid = _unary_op("sigmoid", "1 / (1 + e**-x); never overflows: Value(-1000) gives 0.0.")
    relu = _unary_op("relu", "max(0, x); its derivative at 0 is taken as 0, as in PyTorch.")

    def leaky_relu(self, alpha: Operand = 0.01) -> Value:
        """x if x > 0 else alpha * x. ``alpha`` may be a Value (a learnable slope)."""
        if isinstance(alpha, Value):
            k = alpha
        elif isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
            raise TypeError(
                f"leaky_relu alpha must be a number or a Value, got {type(alpha).__name__}"
            )
        else:
            k = _leaf(_as_float(alpha, "leaky_relu alpha"))
        return self._leaky_relu(k)

    # -- comparisons (by data) and identity ------------------------------------------

    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other)

    __eq__ = object.__eq__  # identity, as in micrograd
    __hash__ = object.__hash__

    def __float__(self) -> float:
        return float(self.data)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- graph utilities --------------------------------------------------------------

    def detach(self) -> Value:
        """A new leaf with the same data and no history: gradients stop here."""
        return _leaf(self.data, self.label)

    def backward(self, create_graph: bool = False, prune: bool = False) -> None:
        """Fill ``.grad`` of every node this one depends on with d(self)/d(node).

        The walk is iterative, so graphs of any depth work. Gradients are *added*:
        a node used twice gets both contributions (``b = a + a`` gives ``a.grad == 2``).

        Calling it again adds again into the leaves (inputs and parameters), exactly
        as PyTorch does: call ``zero_grad()`` (or set ``.grad = 0``) between training
        steps. Intermediate nodes always show the gradient of the latest call.

        With ``create_graph=True`` every ``.grad`` becomes a Value with a graph of
        its own, so a gradient can be differentiated again (second derivatives).

        ``prune=True`` is for training loops, which read only the leaves' gradients:
        the walk does not go behind a local derivative of 0 (a ReLU that is off, a
        hinge whose margin is met), as no gradient can pass there. The leaves get the
        same gradients, up to rounding in the last bits (the same terms may be added in
        another order; and a 0 * inf is skipped rather than made NaN). Intermediate
        nodes behind such a zero are not visited and keep the ``.grad`` they had.
        ``fit`` uses it.
        """
        if create_graph is not False and create_graph is not True:
            raise TypeError(f"create_graph must be a bool, got {type(create_graph).__name__}")
        if prune is not False and prune is not True:
            raise TypeError(f"prune must be a bool, got {type(prune).__name__}")
        if create_graph:
            if prune:  # d/dx (x*y) at y = 0 is 0, but d2/dxdy is 1: nothing may be skipped
                raise ValueError("prune=True cannot be combined with create_graph=True")
            _backward_create_graph(self, topological_order(self))
            return
        order = _walk(self, prune)  # every node in order now has grad 0.0: this call's only
        self.grad += 1.0
        checking = _anomaly is not None
        for v in reversed(order):
            g = v.grad
            if g != 0.0:  # a zero gradient adds nothing: dead ReLUs and met margins cost no work
                e = v._edges  # (d1, .., dn, None, p1, .., pn): an index, not zip()
                i = len(e) >> 1
                for d in e:
                    if d is None:
                        break
                    i += 1
                    e[i].grad += d * g
                if checking:
                    _check_backward(v)


def _data(x: Operand) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"cannot compare a Value with {type(x).__name__}: {x!r}")
    return float(x)


def topological_order(root: Value) -> list[Value]:
    """The non-leaf nodes that ``root`` depends on, each after all of its parents.

    Iterative depth-first search, so a chain of a million nodes is fine. Leaves are not
    listed: they have nothing to pass a gradient on to.

    >>> a = Value(1.0); b = a * 2; c = b + a
    >>> [v.op for v in topological_order(c)]
    ['*', '+']
    """
    saved: list[tuple[Value, Any]] = []
    try:
        return _walk(root, False, saved)
    finally:
        for v, g in saved:  # the walk marks nodes in .grad; put every grad back
            v.grad = g


def _walk(root: Value, prune: bool, saved: list[tuple[Value, Any]] | None = None) -> list[Value]:
    """topological_order, marking each listed node by setting its ``.grad`` to 0.0.

    Depth-first from ``root`` with an explicit stack. A node's ``.grad`` slot is its
    visit mark, so no visited-set is needed and ``backward()`` gets its zeroing free:

    * first pop: mark the node busy, push it back, then push its unlisted parents;
    * second pop (still busy, so every parent is listed by now): list it, and set its
      grad to ``done``, a 0.0 made for this walk (``is`` tells it from any other 0.0).

    In a DAG a busy node is never anybody's parent while it is busy, so a node is
    listed once. ``prune`` leaves out the parents behind a local derivative of 0 (and
    so everything only they lead to). ``saved`` (if given) gets (node, old grad) for
    every node marked. If the walk is interrupted, no node is left busy: its grad
    becomes 0.0.
    """
    order: list[Value] = []
    if not root._edges:
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
                if saved is not None:
                    saved.append((v, g))
                v.grad = busy
                push(v)
                # parents are pushed right to left, so they are visited left to right
                e = v._edges  # (d1, .., dn, None, p1, .., pn)
                if prune:
                    i = len(e) >> 1
                    for p in reversed(e):
                        if p is None:
                            break
                        i -= 1
                        if e[i] and p._edges and p.grad is not done:
                            push(p)
                else:
                    for p in reversed(e):
                        if p is None:
                            break
                        if p._edges and p.grad is not done:
                            push(p)
    except BaseException:
        for u in (v, *stack):
            if u.grad is busy:
                u.grad = 0.0
        raise
    return order


_BUSY = object()  # the mark of a node whose parents _walk is still listing


def _chain_rule(root: Value, order: list[Value], create_graph: bool) -> dict[Value, Any]:
    """d(root)/d(node) for every node reachable from root, in a dict; no ``.grad`` touched.

    With ``create_graph`` the local derivatives are re-made from the rule table on Values
    (``partials(out, *parents)``), so every gradient is a Value with a graph of its own.
    """
    adjoint: dict[Value, Any] = {root: 1.0}
    for v in reversed(order):
        g = adjoint.get(v, 0.0)
        if isinstance(g, float) and g == 0.0:
            continue
        parents = v.parents
        local = RULES[v._op].local(v, parents) if create_graph else v.local_grads
        for p, d in zip(parents, local):
            contribution = d * g
            previous = adjoint.get(p)
            adjoint[p] = contribution if previous is None else previous + contribution
    return adjoint


def _backward_create_graph(root: Value, order: list[Value]) -> None:
    """backward() whose gradients are Values that can be differentiated again."""
    adjoint = _chain_rule(root, order, create_graph=True)
    for v in order:
        v.grad = adjoint.get(v, 0.0)
    leaves = {p for v in order for p in v.parents if not p._edges} if order else {root}
    for leaf in leaves:
        g = adjoint.get(leaf, 0.0)
        leaf.grad = g if isinstance(leaf.grad, float) and leaf.grad == 0.0 else leaf.grad + g


def gradients(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """d(output)/d(x) for each x in ``inputs``, without touching any ``.grad``.

    Like ``torch.autograd.grad``. With ``create_graph=True`` each gradient is a Value
    (or a float where it is a constant) whose graph can be differentiated again.

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
    if create_graph is not False and create_graph is not True:
        raise TypeError(f"create_graph must be a bool, got {type(create_graph).__name__}")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"inputs[{i}] must be a Value, got {type(x).__name__}")
    adjoint = _chain_rule(output, topological_order(output), create_graph)
    return [adjoint.get(x, 0.0) for x in inputs]


# --------------------------------------------------------------------------------------
# Fused n-ary primitives
# --------------------------------------------------------------------------------------


_JUST_VALUE = frozenset({Value})


def _values(xs: Iterable[Operand], what: str) -> tuple[Value, ...]:
    """The operands of a fused primitive as Values (numbers become constant leaves)."""
    if xs.__class__ is not list and xs.__class__ is not tuple:
        if isinstance(xs, (Value, str, bytes, dict)) or not isinstance(xs, Iterable):
            raise TypeError(f"{what} must be a list of Values or numbers, got {type(xs).__name__}")
    elif {*map(type, xs)} == _JUST_VALUE:  # the common case, checked at C speed
        return tuple(xs)
    out = []
    for i, x in enumerate(xs):
        v = _lift(x)
        if v is None:
            raise TypeError(
                f"{what}[{i}] must be a Value or a number, got {type(x).__name__}: {x!r}"
            )
        out.append(v)
    return tuple(out)


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
    return _nary("sum", vs)


def dot(ws: Sequence[Operand], xs: Sequence[Operand]) -> Value:
    """w1*x1 + ... + wn*xn as ONE node: d/dwi = xi and d/dxi = wi.

    >>> w = [Value(0.5), Value(-1.0)]; x = [Value(2.0), Value(1.0)]
    >>> d = dot(w, x); d.backward()         # 0.5*2 - 1*1 = 0
    >>> d.data, w[0].grad, x[1].grad
    (0.0, 2.0, -1.0)
    """
    w, x = _paired(ws, xs, "dot")
    return _nary("dot", w + x)


def affine(ws: Sequence[Operand], xs: Sequence[Operand], b: Operand) -> Value:
    """w1*x1 + ... + wn*xn + b as ONE node: a neuron before its activation.

    >>> w = [Value(0.5), Value(-1.0)]; x = [2.0, 1.0]; b = Value(0.25)
    >>> z = affine(w, x, b); z.backward()   # 1 - 1 + 0.25; dz/dw1 = x1 = 2, dz/db = 1
    >>> z.data, w[0].grad, b.grad
    (0.25, 2.0, 1.0)
    """
    w, x = _paired(ws, xs, "affine")
    (bias,) = _values((b,), "affine bias")
    return _nary("affine", w + x + (bias,))


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
    return _nary("logsumexp", vs)


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
    >>> [v.data for v in log_softmax([Value(1e308), Value(1e308)])] == [-math.log(2)] * 2
    True
    """
    vs = _values(values, "log_softmax values")
    if not vs:
        raise ValueError("log_softmax needs at least one value, got an empty sequence")
    if index is None:
        return [_nary("log_softmax", (x, *vs)) for x in vs]
    if isinstance(index, bool) or not isinstance(index, int) or not -len(vs) <= index < len(vs):
        raise ValueError(f"log_softmax index must be an int in [0, {len(vs)}), got {index!r}")
    return _nary("log_softmax", (vs[index], *vs))


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
