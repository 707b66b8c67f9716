"""The rule table: every primitive op's forward and its local derivatives, side by side.

Each row of :data:`RULES` is one op. ``forward(a, b, ...)`` computes the op's value;
``partials(out, a, b, ...)`` gives the local derivative d(out)/d(input) for each input,
and may use the output ``out`` where that is cheaper (``exp``: d(e**a)/da = out).
``formula`` is the same rule written out for people (docs, :func:`explain`, pictures).

This table is the only place a derivative is written. The partials use plain arithmetic,
so the same row runs on floats (an ordinary backward pass) and on Values (a backward
pass whose gradients can be differentiated again). Where a rule must branch, it branches
on the number (:func:`number`), never on ``==`` of a Value (which compares identity;
``<`` and ``>`` compare numbers, on floats and Values alike).

>>> rule = RULES["*"]
>>> rule.formula
'd(a*b)/da = b, d(a*b)/db = a'
>>> out = rule.run([2.0, -3.0]); out, rule.local(out, [2.0, -3.0])
(-6.0, (-3.0, 2.0))

An n-ary row (``nary=True``) takes its inputs as one list: a neuron's ``affine`` node
has 2n + 1 of them.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial, reduce
from operator import add, mul
from typing import Any, NamedTuple

__all__ = [
    "BUILT_IN",
    "RULES",
    "Inline",
    "Rule",
    "RuleTable",
    "add_in_order",
    "number",
    "partials_as_values",
]


class Inline(NamedTuple):
    """A row's forward and partials again, as Python expressions on plain floats.

    The fast path (:mod:`micrograd_like.fast`) pastes them into the node makers it
    generates from the table, so that ``a * b`` costs no function call. The names are
    the row's: ``a``, ``b`` for the inputs and ``out`` for the output (``affine``:
    ``w``, ``x``, the lists of weights' and inputs' data, and ``b``, the bias's). A part
    left as None is called from the row instead. ``tests/machinery/test_rules_inline.py``
    checks that every expression gives the row's numbers, bit for bit.
    """

    forward: str | None = None
    partials: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One primitive: ``forward(*inputs) -> out`` and ``partials(out, *inputs)``.

    An ``nary`` rule takes its inputs as one list instead: ``forward(inputs)``,
    ``partials(out, inputs)``. :meth:`run` and :meth:`local` call either kind.
    ``inline`` is the same rule as expressions, for the fast path (see :class:`Inline`).
    """

    forward: Callable[..., Any]
    partials: Callable[..., Sequence[Any]]
    formula: str = ""
    nary: bool = False
    inline: Inline | None = None

    def run(self, inputs: Sequence[Any]) -> Any:
        """The op's output for these inputs (an n-ary rule reads them as one list)."""
        if self.nary:
            return self.forward(inputs if inputs.__class__ is list else list(inputs))
        return self.forward(*inputs)

    def local(self, out: Any, inputs: Sequence[Any]) -> Sequence[Any]:
        """d out / d input, one per input."""
        if self.nary:
            return self.partials(out, inputs if inputs.__class__ is list else list(inputs))
        return self.partials(out, *inputs)


def number(x: Any) -> float:
    """The number behind an input: ``x`` itself for a float, ``x.data`` for a Value."""
    return x if isinstance(x, (int, float)) else x.data


def _e(x: Any) -> Any:
    """e**x of a float or of a Value."""
    return math.exp(x) if isinstance(x, (int, float)) else x.exp()


def _ln(x: Any) -> Any:
    """ln x of a float or of a Value."""
    return math.log(x) if isinstance(x, (int, float)) else x.log()


# --------------------------------------------------------------------------------------
# Forwards with the numerical care the table needs
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


def _div(a: float, b: float) -> float:
    """a / b; raises ZeroDivisionError naming both operands when b = 0."""
    if b == 0.0:
        raise ZeroDivisionError(f"division by zero: {a!r} / {b!r}")
    return a / b


def _sigmoid(a: float) -> float:
    """1 / (1 + e**-a), computed so that it never overflows."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)  # a < 0, so e is in (0, 1): no overflow
    return e / (1.0 + e)


def _pow_partials(out: Any, a: Any, b: Any) -> tuple[Any, Any]:
    """d(a**b)/da = b * a**(b-1) and d(a**b)/db = a**b * ln a.

    At a = 0 with b < 1 the first is +inf, its limit from the right (0 when b = 0). At
    b = 0 it is 0 for any a; as a number that is written 0.0, since b * a**(b-1) could
    overflow to 0 * inf for a tiny a, but a Value keeps the formula, whose own derivative
    (a**(b-1), for a second derivative) is not 0. Where a**(b-1) alone overflows
    although a**b does not, it is computed from the output as b * out / a. The second
    partial exists only for a > 0; elsewhere it is taken as 0.
    """
    x, y = number(a), number(b)
    if x == 0.0 and y < 1.0:
        da: Any = 0.0 if y == 0.0 else math.inf
    elif y == 0.0 and isinstance(b, (int, float)):
        da = 0.0
    else:
        try:
            da = b * a ** (b - 1.0)
        except OverflowError:
            da = b * out / a
    db = out * _ln(a) if x > 0.0 else 0.0
    return da, db


def _logsumexp(xs: list[float]) -> float:
    """ln(e**x1 + ... + e**xn), shifted by max(x) so that it never overflows."""
    m = max(xs)
    return m + math.log(math.fsum([math.exp(x - m) for x in xs]))


def softmax_weights(xs: Sequence[Any]) -> list[Any]:
    """e**(xi - m) / sum_j e**(xj - m), m = max(x): the softmax, on floats or Values.

    Shifting first keeps ties of huge logits exact: softmax(1e16, 1e16) = (1/2, 1/2),
    where e**(x - logsumexp(x)) would round to (1, 1).
    """
    m = max(number(x) for x in xs)  # a constant: it cancels
    es = [_e(x - m) for x in xs]
    if all(isinstance(e, float) for e in es):
        total: Any = math.fsum(es)
    else:
        total = es[0]
        for e in es[1:]:
            total = total + e
    return [e / total for e in es]


def _log_softmax(txs: list[float]) -> float:
    """t - logsumexp(x) for [t, x1..xn], as (t - m) - ln(sum_j e**(xj - m)), m = max(x)."""
    xs = txs[1:]
    m = max(xs)
    return (txs[0] - m) - math.log(math.fsum([math.exp(x - m) for x in xs]))


# The n-ary rows take ONE list of inputs. Their layouts are [w1..wn, x1..xn] for dot
# and [w1..wn, x1..xn, b] for affine.

# dot and affine add their terms one at a time, left to right, as micrograd's
# `sum(wi*xi ..., b)` over Values does, so a neuron gives micrograd's number to the last
# bit. Up to CPython 3.11 the builtin sum() of floats does exactly that, fastest; from
# 3.12 it compensates its rounding (Neumaier) and can differ in the last bit, so there
# the terms are added with reduce(add, ...).
add_in_order: Callable[..., Any] = sum if sys.version_info < (3, 12) else partial(reduce, add)
"""``add_in_order(terms, start)``: start + t1 + t2 + ..., added left to right."""


def _dot(wx: list[Any]) -> Any:
    """w . x = w1*x1 + ... + wn*xn."""
    n = len(wx) >> 1
    return add_in_order(map(mul, wx, wx[n:]), 0)  # map stops where wx[n:] does


def _affine(wxb: list[Any]) -> Any:
    """w . x + b."""
    n = len(wxb) >> 1
    return add_in_order(map(mul, wxb, wxb[n:-1]), wxb[-1])  # map stops where wxb[n:-1] does


def _affine_partials(out: Any, wxb: list[Any]) -> list[Any]:
    """d/dwi = xi, d/dxi = wi, d/db = 1."""
    n = len(wxb) >> 1
    local = wxb[n:-1]  # a new list: the input is left as it was
    local += wxb[:n]
    local.append(1.0)
    return local


# The fused losses: ONE node for a whole batch. Their constants (the labels, targets,
# class indices) are their first inputs, as constant leaves; a loss's mean is each term
# times 1/n, added left to right (the same numbers as a dot with weights 1/n).


def _mean(terms: Any, n: int) -> Any:
    """(t1 + ... + tn) / n, as t1 * (1/n) + ... + tn * (1/n), left to right."""
    return add_in_order(map(mul, terms, [1.0 / n] * n), 0.0)


def _hinge(ys: list[Any]) -> Any:
    """mean_i max(0, 1 - y_i s_i) for [y1..yn, s1..sn]."""
    n = len(ys) >> 1
    return _mean([max(0.0, 1.0 - y * s) for y, s in zip(ys, ys[n:])], n)


def _hinge_partials(out: Any, ys: list[Any]) -> list[Any]:
    """d/ds_i = -y_i / n and d/dy_i = -s_i / n where 1 - y_i s_i > 0, else 0."""
    n = len(ys) >> 1
    w = 1.0 / n
    on = [number(y) * number(s) < 1.0 for y, s in zip(ys, ys[n:])]
    dys = [-s * w if m else 0.0 for s, m in zip(ys[n:], on)]
    return dys + [-y * w if m else 0.0 for y, m in zip(ys, on)]


def _mse(ts: list[Any]) -> Any:
    """mean_i (p_i - t_i)**2 for [t1..tn, p1..pn]."""
    n = len(ts) >> 1
    diffs = [p - t for t, p in zip(ts, ts[n:])]
    return add_in_order(map(mul, diffs, diffs), 0.0) * (1.0 / n)


def _mse_partials(out: Any, ts: list[Any]) -> list[Any]:
    """d/dp_i = 2 (p_i - t_i) / n and d/dt_i = -2 (p_i - t_i) / n."""
    n = len(ts) >> 1
    w = 1.0 / n
    dps = [(p - t) * w * 2.0 for t, p in zip(ts, ts[n:])]
    return [d * -1.0 for d in dps] + dps


def _l2(aps: list[Any]) -> Any:
    """a * (p1**2 + ... + pn**2) for [a, p1..pn]."""
    return add_in_order(map(mul, aps[1:], aps[1:]), 0.0) * aps[0]


def _l2_partials(out: Any, aps: list[Any]) -> list[Any]:
    """d/dp_k = 2 a p_k, d/da = p1**2 + ... + pn**2."""
    a = aps[0]
    return [add_in_order(map(mul, aps[1:], aps[1:]), 0.0), *[a * 2.0 * p for p in aps[1:]]]


def _cross_entropy_layout(kts: list[Any]) -> tuple[int, int]:
    """(n samples, k classes) of [k, t1..tn, z11..z1k, ..., zn1..znk]."""
    k = int(number(kts[0]))
    return (len(kts) - 1) // (k + 1), k


def _cross_entropy(kts: list[Any]) -> Any:
    """mean_i (logsumexp(z_i) - z_i[t_i]), each -log softmax computed shifted by max(z_i)."""
    n, k = _cross_entropy_layout(kts)
    zs = kts[1 + n :]
    picked = [
        _log_softmax([zs[i * k + int(number(t))], *zs[i * k : (i + 1) * k]])
        for i, t in enumerate(kts[1 : 1 + n])
    ]
    return add_in_order(map(mul, picked, [-1.0 / n] * n), 0.0)


def _cross_entropy_partials(out: Any, kts: list[Any]) -> list[Any]:
    """d/dz_ij = (softmax(z_i)_j - [j = t_i]) / n; the class indices and k get 0."""
    n, k = _cross_entropy_layout(kts)
    zs = kts[1 + n :]
    local: list[Any] = [0.0] * (1 + n)
    for i, t in enumerate(kts[1 : 1 + n]):
        y = int(number(t))
        local += [
            (p - 1.0 if j == y else p) * (1.0 / n)
            for j, p in enumerate(softmax_weights(zs[i * k : (i + 1) * k]))
        ]
    return local


class RuleTable(dict[str, Rule]):
    """The table: a dict of name -> :class:`Rule` whose built-in rows cannot be replaced
    or removed (the fast path's node makers are generated from them at import). Rows of
    your own come and go with :func:`micrograd_like.ops.add_op` and ``remove_op``."""

    def __setitem__(self, name: str, rule: Rule) -> None:
        _refuse_built_in(name, "replaced")
        if not isinstance(rule, Rule):
            raise TypeError(f"a row of the rule table must be a Rule, got {type(rule).__name__}")
        super().__setitem__(name, rule)

    def __delitem__(self, name: str) -> None:
        _refuse_built_in(name, "removed")
        super().__delitem__(name)

    def _refused(self, *args: object, **kwargs: object) -> None:
        raise TypeError("change the rule table one row at a time: table[name] = rule")

    update = setdefault = pop = popitem = clear = __ior__ = _refused  # type: ignore[assignment]


def _refuse_built_in(name: str, what: str) -> None:
    if name in BUILT_IN:
        raise ValueError(
            f"the built-in rule {name!r} cannot be {what}: add an op of your own with "
            "micrograd_like.ops.add_op instead"
        )


BUILT_IN: frozenset[str] = frozenset()  # filled in once the built-in rows are in place

RULES: RuleTable = RuleTable({
    # op           forward(a, ...)                       partials(out, a, ...): one per input
    "+":          Rule(add,                              lambda out, a, b: (1.0, 1.0),
                       "d(a+b)/da = 1, d(a+b)/db = 1",
                       inline=Inline("a + b", "(1.0, 1.0)")),
    "*":          Rule(mul,                              lambda out, a, b: (b, a),
                       "d(a*b)/da = b, d(a*b)/db = a",
                       inline=Inline("a * b", "(b, a)")),
    "/":          Rule(_div,                             lambda out, a, b: (1.0 / b, -out / b),
                       "d(a/b)/da = 1/b, d(a/b)/db = -(a/b)/b",
                       inline=Inline(None, "(1.0 / b, -out / b)")),
    "**":         Rule(_pow,                             _pow_partials,
                       "d(a**b)/da = b*a**(b-1), d(a**b)/db = a**b * ln(a)"),
    "exp":        Rule(_exp,                             lambda out, a: (out,),
                       "d(exp(a))/da = exp(a)",
                       inline=Inline(None, "(out,)")),
    "log":        Rule(_log,                             lambda out, a: (1.0 / a,),
                       "d(log(a))/da = 1/a",
                       inline=Inline(None, "(1.0 / a,)")),
    "tanh":       Rule(math.tanh,                        lambda out, a: (1.0 - out * out,),
                       "d(tanh(a))/da = 1 - tanh(a)**2",
                       inline=Inline(None, "(1.0 - out * out,)")),
    "sigmoid":    Rule(_sigmoid,                         lambda out, a: (out * (1.0 - out),),
                       "d(sigmoid(a))/da = sigmoid(a) * (1 - sigmoid(a))",
                       inline=Inline(None, "(out * (1.0 - out),)")),
    "relu":       Rule(lambda a: a if a > 0.0 else 0.0,  lambda out, a: (1.0,) if a > 0.0 else (0.0,),
                       "d(relu(a))/da = 1 if a > 0 else 0",
                       inline=Inline("a if a > 0.0 else 0.0", "(1.0,) if a > 0.0 else (0.0,)")),
    "leaky_relu": Rule(lambda a, k: a if a > 0.0 else k * a,
                       lambda out, a, k: (1.0, 0.0) if a > 0.0 else (k, a),
                       "d(leaky_relu(a, k))/da = 1 if a > 0 else k, d/dk = 0 if a > 0 else a"),
    # n-ary, fused: one node however many inputs
    "sum":        Rule(sum,                              lambda out, xs: (1.0,) * len(xs),
                       "d(x1+...+xn)/dxi = 1", nary=True),
    "dot":        Rule(_dot,                             lambda out, wx: wx[len(wx) >> 1 :] + wx[: len(wx) >> 1],
                       "d(w.x)/dwi = xi, d(w.x)/dxi = wi", nary=True),
    "affine":     Rule(_affine,                          _affine_partials,
                       "d(w.x+b)/dwi = xi, d(w.x+b)/dxi = wi, d(w.x+b)/db = 1", nary=True,
                       inline=Inline("add_in_order(map(mul, w, x), b)")),
    "logsumexp":  Rule(_logsumexp,                       lambda out, xs: softmax_weights(xs),
                       "d(logsumexp(x))/dxi = softmax(x)i", nary=True),
    # log_softmax(x)_t as ONE node: inputs [xt, x1..xn], out = xt - logsumexp(x)
    "log_softmax": Rule(_log_softmax,                    lambda out, txs: [1.0, *[-w for w in softmax_weights(txs[1:])]],
                       "d(log_softmax(x)t)/dxt = 1 (as the first input), d/dxj = -softmax(x)j", nary=True),
    # the fused losses over a batch: constants first ([y.., s..], [t.., p..], [a, p..], [k, t.., z..])
    "hinge":      Rule(_hinge,                           _hinge_partials,
                       "d(mean max(0, 1 - y s))/ds_i = -y_i/n where y_i s_i < 1, else 0", nary=True),
    "mse":        Rule(_mse,                             _mse_partials,
                       "d(mean (p - t)**2)/dp_i = 2 (p_i - t_i)/n", nary=True),
    "l2":         Rule(_l2,                              _l2_partials,
                       "d(a * sum p**2)/dp_k = 2 a p_k, d/da = sum p**2", nary=True),
    "cross_entropy": Rule(_cross_entropy,                _cross_entropy_partials,
                       "d(mean -log softmax(z)_t)/dz_ij = (softmax(z_i)_j - [j = t_i])/n", nary=True),
})  # fmt: skip
"""The primitives. Everything else (``-``, the losses, softmax) is composed of them."""

BUILT_IN = frozenset(RULES)
"""The rows this module defines; :func:`micrograd_like.ops.add_op` adds others beside them."""


def partials_as_values(node: Any) -> Sequence[Any]:
    """A node's local derivatives as Values, from its rule, for ``create_graph=True``: the
    rule's partials run on the parents themselves, so they can be differentiated again.

    Where the gradient arriving at the node is 0, an infinite derivative gives 0, as in
    ``backward()`` (0 * inf passes nothing on). A node made by user code with its own
    ``_backward`` has no rule to run: that is a ValueError that says what to do.
    """
    if node._local_grads is None:
        if "_backward" in vars(node):
            raise ValueError(
                f"create_graph=True cannot differentiate the op {node.op!r}: its node's own "
                "_backward is a function the engine cannot see inside; add the op with "
                "micrograd_like.ops.add_op(name, forward, partials) so its derivative is a rule"
            )
        return ()  # made by user code with no _backward: it passes nothing on
    rule = RULES.get(node.op)
    if rule is None:  # its op was removed since the node was made
        raise ValueError(f"create_graph=True needs the rule of the op {node.op!r}, which is gone")
    local = rule.local(node, node._parents)
    if number(node.grad) == 0.0:
        local = [d if math.isfinite(number(d)) else 0.0 for d in local]
    return local
