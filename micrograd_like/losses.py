"""Loss functions: one number that says how wrong the model is, to be minimised.

Every loss takes either ONE sample or a LIST of samples and returns one Value: for a
list, the mean over the samples (PyTorch's ``reduction="mean"``). Whether you passed
one sample or many is read from the target: a number (or, for the classification
losses, an int class index) is one sample; a list is a batch.

==================================== ========================== ============================
loss                                 model output               target
==================================== ========================== ============================
``mse``                              any number(s)              number(s)
``binary_cross_entropy``             probability p in [0, 1]    0 or 1 (any y in [0, 1])
``binary_cross_entropy_with_logits`` a score (logit) z          0 or 1 (any y in [0, 1])
``cross_entropy``                    one logit per class        class index 0..k-1
``cross_entropy_from_probs``         one probability per class  class index 0..k-1
``hinge``                            a score s                  -1 or +1
``multiclass_hinge``                 one score per class        class index 0..k-1
==================================== ========================== ============================

``mse``, ``hinge``, ``cross_entropy`` and ``l2`` are each ONE node for a whole batch, a
fused row of the rule table (:mod:`micrograd_like.rules`) whose constants (targets,
labels, class indices) are constant leaves; the others build each sample's term and
take the mean as one ``dot`` node. Either way a batch of 1000 costs a few nodes, not
thousands.

>>> round(mse([Value(1.0), Value(3.0)], [0.0, 0.0]).data, 6)   # (1 + 9) / 2
5.0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from micrograd_like import engine
from micrograd_like.checks import real as _real
from micrograd_like.engine import Value
from micrograd_like.functional import affine, as_value, dot

__all__ = [
    "LOSSES",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_from_probs",
    "get_loss",
    "hinge",
    "l2",
    "mse",
    "multiclass_hinge",
]

LOG_CLAMP = -100.0
"""Logs of probabilities are clamped at -100, as PyTorch's BCELoss does: ln p >= -100."""

_TINY = math.exp(LOG_CLAMP)  # below this probability, ln p < -100: the clamp applies


# --------------------------------------------------------------------------------------
# Reading inputs: one sample or a batch, Values or numbers
# --------------------------------------------------------------------------------------


def _is_seq(x: object, where: str) -> bool:
    """True for a list/tuple (or array-like) of samples; False for one number or Value.

    A dict is neither (its ``[i]`` looks keys up): a TypeError that names ``where``.
    """
    if isinstance(x, (list, tuple)):
        return True
    if isinstance(x, (Value, str, bytes, numbers.Number)):
        return False
    if isinstance(x, Mapping):
        raise TypeError(
            f"{where} must be a number or a list, got {type(x).__name__}; "
            "a dict is not a batch: pass a list of samples"
        )
    return hasattr(x, "__len__") and hasattr(x, "__getitem__")


def _all_values(xs: list[Any]) -> bool:
    """True when every item is a Value: the case the losses check at C speed."""
    return {*map(type, xs)} == {Value}


def _value(x: object, where: str) -> Value:
    """A model output as a Value (plain numbers become constant leaves)."""
    return as_value(x, f"{where} must be")


def _number(x: object, where: str) -> float:
    """A target as a finite float; bool, str, NaN and inf are refused."""
    if x.__class__ is float and math.isfinite(x):
        return x
    return _real(x, where)


def _class_index(t: object, n_classes: int, where: str) -> int:
    """A target class index: an int in 0..n_classes-1 (bool and float refused)."""
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise TypeError(f"{where} must be an int class index, got {type(t).__name__}: {t!r}")
    i = int(t)
    if not 0 <= i < n_classes:
        raise ValueError(
            f"{where} = {i} is out of range for {n_classes} classes "
            f"(valid class indices: 0..{n_classes - 1})"
        )
    return i


def _pairs(loss: str, pred: Any, target: Any) -> tuple[list[Any], list[Any], Sequence[str]]:
    """Split (pred, target) into per-sample lists, and an index suffix ("[i]") for each."""
    if _is_seq(target, f"{loss} target"):
        if not _is_seq(pred, f"{loss} pred"):
            raise ValueError(
                f"{loss}: target is a list of {len(target)} samples but pred is a single "
                f"{type(pred).__name__}; pass one prediction per target"
            )
        if len(pred) != len(target):
            raise ValueError(
                f"{loss}: pred has {len(pred)} samples but target has {len(target)}; "
                "they must be the same length"
            )
        if len(target) == 0:
            raise ValueError(f"{loss}: got an empty batch (no samples)")
        return list(pred), list(target), _Suffixes(len(target))
    return [pred], [target], [""]


class _Suffixes(Sequence[str]):
    """ "[0]", "[1]", ...: each sample's index as error messages write it, made on demand."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.n))]
        if not -self.n <= i < self.n:
            raise IndexError(i)
        return f"[{i % self.n}]"


def _mean_of(terms: list[Value], scale: float = 1.0) -> Value:
    """scale * (t_1 + ... + t_n) / n as ONE node (a dot with constant weights)."""
    if len(terms) == 1 and scale == 1.0:
        return terms[0]
    w = scale / len(terms)
    return dot(terms, [w] * len(terms))


def _clamped_log(p: Value) -> Value:
    """ln p, clamped below at -100 (a constant there, so its gradient is 0)."""
    if p.data > _TINY:
        return p.log()
    return Value(LOG_CLAMP)


def _log1p(u: Value) -> Value:
    """ln(1 + u) for u > -1, to full precision even where 1 + u rounds (u = 1e-13).

    ``(1 + u).log()`` loses the digits of u that the float w = 1 + u cannot hold. The
    classic repair (Goldberg, "What every computer scientist should know about
    floating-point arithmetic", 1991): w - 1 is exactly the part of u that w kept, so
    ln(w) * u / (w - 1) puts the lost digits back; where w rounds to 1, ln(1 + u) = u to
    the last digit. Built from primitives, so its gradient is 1 / (1 + u) up to rounding.

    >>> _log1p(Value(1e-13)).data           # (1 + 1e-13).log() gives 9.992e-14
    9.9999999999995e-14
    """
    w = u + 1.0
    if w.data == 1.0:
        return u
    return w.log() * (u / (w - 1.0))


def _clamped_log1m(p: Value) -> Value:
    """ln(1 - p) for p in [0, 1], to full precision near p = 0; -100 at p = 1 (the clamp)."""
    if p.data < 1.0:  # then 1 - p >= 2**-53 and ln(1 - p) > -37: no clamp needed
        return _log1p(p * -1.0)
    return Value(LOG_CLAMP)


def _scalar_pred(x: Any, where: str) -> Value:
    if _is_seq(x, where):
        raise ValueError(
            f"{where} is a list of {len(x)} values, but this loss expects one number per "
            "sample (a model with a single output)"
        )
    return _value(x, where)


# --------------------------------------------------------------------------------------
# Regression
# --------------------------------------------------------------------------------------


def mse(pred: Any, target: Any) -> Value:
    """Mean squared error: mean_i (pred_i - target_i)**2.

    ``pred`` and ``target`` are a number each, or lists of the same shape (lists of
    numbers, or lists of lists for several outputs); the mean is over every entry.

    >>> p = Value(3.0); loss = mse(p, 1.0); loss.backward()   # (3-1)**2 = 4; d/dp = 2(3-1)
    >>> loss.data, p.grad
    (4.0, 4.0)
    """
    preds: list[Value] = []
    targets: list[Value] = []
    # a depth-first walk over the nested lists with a stack of our own, not recursion, so
    # a target nested thousands of lists deep gives a loss or a clear error, never a
    # RecursionError. Each entry is (pred, target, at), at the index path: "[2][0]".
    stack: list[tuple[Any, Any, str]] = [(pred, target, "")]
    while stack:
        p, t, at = stack.pop()
        if _is_seq(t, f"mse target{at}"):
            p_seq = _is_seq(p, f"mse pred{at}")
            if not p_seq or len(p) != len(t):
                got = f"{len(p)} values" if p_seq else f"a single {type(p).__name__}"
                raise ValueError(f"mse: target{at} has {len(t)} values but pred{at} has {got}")
            stack.extend((p[i], t[i], f"{at}[{i}]") for i in reversed(range(len(t))))
            continue
        if _is_seq(p, f"mse pred{at}"):
            raise ValueError(
                f"mse: target{at} is a single number but pred{at} is a list of {len(p)} values"
            )
        preds.append(_value(p, f"mse pred{at}"))
        targets.append(Value(_number(t, f"mse target{at}")))
    if not preds:
        raise ValueError("mse: got an empty batch (no samples)")
    return engine.make_node("mse", (*targets, *preds))  # one node: the rule "mse"


# --------------------------------------------------------------------------------------
# Binary classification
# --------------------------------------------------------------------------------------


def binary_cross_entropy(prob: Any, target: Any) -> Value:
    """-mean_i [y_i ln p_i + (1 - y_i) ln(1 - p_i)], each log clamped at -100 (PyTorch).

    ``prob`` is a probability (the output of a sigmoid), ``target`` is 0 or 1 (any y in
    [0, 1] is allowed). The clamp keeps the loss finite when p is exactly 0 or 1.

    >>> p = Value(0.8); loss = binary_cross_entropy(p, 1); loss.backward()
    >>> round(loss.data, 6), round(p.grad, 6)          # -ln 0.8; d/dp = -1/p = -1.25
    (0.223144, -1.25)
    """
    preds, targets, suffixes = _pairs("binary_cross_entropy", prob, target)
    terms: list[Value] = []
    for p_raw, t, i in zip(preds, targets, suffixes):
        y = _number(t, f"binary_cross_entropy target{i}")
        if not 0.0 <= y <= 1.0:
            raise ValueError(f"binary_cross_entropy target{i} must be in [0, 1], got {y!r}")
        p = _scalar_pred(p_raw, f"binary_cross_entropy prob{i}")
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"binary_cross_entropy prob{i} must be in [0, 1], got {p.data!r}; "
                "use binary_cross_entropy_with_logits for raw scores"
            )
        if y == 1.0:
            terms.append(_clamped_log(p))
        elif y == 0.0:
            terms.append(_clamped_log1m(p))
        else:
            log_p, log_q = _clamped_log(p), _clamped_log1m(p)
            terms.append(dot((log_p, log_q), (y, 1.0 - y)))
    return _mean_of(terms, -1.0)


def binary_cross_entropy_with_logits(logit: Any, target: Any) -> Value:
    """mean_i [softplus(z_i) - y_i z_i], with softplus(z) = ln(1 + e**z).

    Equal to ``binary_cross_entropy(sigmoid(z), y)`` but stable for any z: no sigmoid
    saturates to exactly 0 or 1, and nothing overflows. Each term is computed as
    max(z, 0) - y z + ln(1 + e**-|z|) (the stable softplus, with :func:`_log1p`), so a
    confident right answer keeps its tiny loss: z = 36, y = 1 gives 2.3195e-16, not 0.

    >>> z = Value(0.0); loss = binary_cross_entropy_with_logits(z, 1); loss.backward()
    >>> round(loss.data, 6), z.grad              # ln 2 - 0; d/dz = sigmoid(0) - 1 = -0.5
    (0.693147, -0.5)
    """
    preds, targets, suffixes = _pairs("binary_cross_entropy_with_logits", logit, target)
    n = len(preds)
    tails: list[Value] = []
    logits: list[Value] = []
    weights: list[float] = [1.0 / n] * n
    for z_raw, t, i in zip(preds, targets, suffixes):
        y = _number(t, f"binary_cross_entropy_with_logits target{i}")
        if not 0.0 <= y <= 1.0:
            raise ValueError(
                f"binary_cross_entropy_with_logits target{i} must be in [0, 1], got {y!r}"
            )
        z = _scalar_pred(z_raw, f"binary_cross_entropy_with_logits logit{i}")
        if z.data >= 0.0:  # max(z, 0) - y z = (1 - y) z, and e**-|z| = e**-z
            tails.append(_log1p((z * -1.0).exp()))
            weights.append((1.0 - y) / n)
        else:  # max(z, 0) - y z = -y z, and e**-|z| = e**z
            tails.append(_log1p(z.exp()))
            weights.append(-y / n)
        logits.append(z)
    # (1/n) sum ln(1 + e**-|z_i|) + (1/n) sum (max(z_i, 0) - y_i z_i), as one node
    return dot(tails + logits, weights)


def hinge(score: Any, label: Any) -> Value:
    """Max-margin (SVM) loss: mean_i max(0, 1 - y_i s_i), labels y_i = -1 or +1.

    Zero once a sample is on the right side with margin 1 (y s >= 1).

    >>> s = Value(0.25); loss = hinge(s, 1); loss.backward()   # 1 - 0.25; d/ds = -y = -1
    >>> loss.data, s.grad
    (0.75, -1.0)
    """
    preds, targets, suffixes = _pairs("hinge", score, label)
    if _all_values(preds) and {*map(type, targets)} <= {int, float} and {*targets} <= {1, -1}:
        labels = list(map(Value, map(float, targets)))  # the everyday batch: checked at once
        return engine.make_node("hinge", (*labels, *preds))
    scores: list[Value] = []
    labels = []
    for s_raw, t, i in zip(preds, targets, suffixes):
        y = _number(t, f"hinge label{i}")
        if y != 1.0 and y != -1.0:
            raise ValueError(
                f"hinge label{i} must be -1 or +1, got {t!r} "
                "(turn 0/1 labels into -1/+1 with data.signed_labels)"
            )
        scores.append(_scalar_pred(s_raw, f"hinge score{i}"))
        labels.append(Value(y))
    return engine.make_node("hinge", (*labels, *scores))  # one node: the rule "hinge"


# --------------------------------------------------------------------------------------
# Multiclass classification
# --------------------------------------------------------------------------------------


def _class_pairs(loss: str, outputs: Any, target: Any) -> tuple[list[list[Value]], list[int]]:
    """Per-sample output lists (as Values) and class indices, checked."""
    batch = _is_seq(target, f"{loss} target")
    if batch:
        samples, targets, suffixes = _pairs(loss, outputs, target)
    else:
        samples, targets, suffixes = [outputs], [target], [""]
    rows: list[list[Value]] = []
    indices: list[int] = []
    for i, (row, t, suffix) in enumerate(zip(samples, targets, suffixes)):
        where = f"{loss}: outputs[{i}]" if batch else f"{loss}: outputs"
        if not _is_seq(row, where):
            error = ValueError if isinstance(row, (Value, numbers.Number)) else TypeError
            raise error(
                f"{where} must be a list of per-class scores, got a single {type(row).__name__}"
            )
        if len(row) == 0:
            raise ValueError(f"{where} is empty; it needs one score per class")
        indices.append(_class_index(t, len(row), f"{loss} target{suffix}"))
        rows.append([_value(x, f"{where}[{j}]") for j, x in enumerate(row)])
    return rows, indices


def cross_entropy(logits: Any, target: Any) -> Value:
    """-ln softmax(z)_y = logsumexp(z) - z_y, averaged over samples. Takes raw logits.

    ONE node for the whole batch (the rule "cross_entropy"), each sample's log-softmax
    shifted by its largest logit, so exact even for huge logits.

    For a model whose output layer already applies softmax, use
    :func:`cross_entropy_from_probs` (applying softmax twice is a classic bug).

    >>> z = [Value(0.0), Value(0.0)]; loss = cross_entropy(z, 0); loss.backward()
    >>> round(loss.data, 6), [g.grad for g in z]   # ln 2; softmax - onehot = (-1/2, 1/2)
    (0.693147, [-0.5, 0.5])
    """
    rows, indices = _class_pairs("cross_entropy", logits, target)
    k = len(rows[0])
    if any(len(row) != k for row in rows):
        raise ValueError(
            f"cross_entropy: every sample needs the same number of classes, got "
            f"{sorted({len(row) for row in rows})}"
        )
    constants = [Value(float(k)), *(Value(float(y)) for y in indices)]
    return engine.make_node("cross_entropy", (*constants, *(z for row in rows for z in row)))


def cross_entropy_from_probs(probs: Any, target: Any) -> Value:
    """-mean_i ln p_i[y_i] (log clamped at -100), for outputs that are already probabilities.

    >>> p = [Value(0.25), Value(0.75)]; loss = cross_entropy_from_probs(p, 1)
    >>> round(loss.data, 6)                      # -ln 0.75
    0.287682
    """
    rows, indices = _class_pairs("cross_entropy_from_probs", probs, target)
    terms: list[Value] = []
    for i, (row, y) in enumerate(zip(rows, indices)):
        p = row[y]
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(
                f"cross_entropy_from_probs: probability for sample {i}, class {y} must be in "
                f"[0, 1], got {p.data!r}; use cross_entropy for raw logits"
            )
        terms.append(_clamped_log(p))
    return _mean_of(terms, -1.0)


def multiclass_hinge(scores: Any, target: Any, margin: float = 1.0) -> Value:
    """Multiclass SVM loss (Weston-Watkins, as in cs231n): mean_i sum_{j != y_i}
    max(0, s_j - s_{y_i} + margin).

    >>> s = [Value(3.0), Value(2.5), Value(-1.0)]     # correct class 0
    >>> multiclass_hinge(s, 0).data                  # max(0, 2.5-3+1) + max(0, -1-3+1)
    0.5
    """
    m = _real(margin, "multiclass_hinge margin")
    if m < 0.0:
        raise ValueError(f"multiclass_hinge margin must be >= 0, got {m!r}")
    rows, indices = _class_pairs("multiclass_hinge", scores, target)
    terms: list[Value] = []
    for row, y in zip(rows, indices):
        s_y = row[y]
        for j, s_j in enumerate(row):
            if j != y:
                terms.append(affine((s_j, s_y), (1.0, -1.0), m).relu())
    if not terms:  # one class only: nothing to confuse it with
        return Value(0.0)
    n = len(rows)
    return dot(terms, [1.0 / n] * len(terms))  # sum over classes, mean over samples


# --------------------------------------------------------------------------------------
# Regularisation
# --------------------------------------------------------------------------------------


def l2(parameters: Any, alpha: float = 1e-4) -> Value:
    """L2 penalty alpha * sum_k p_k**2 ("weight decay"), one node (the rule "l2").

    >>> w = [Value(1.0), Value(-2.0)]; r = l2(w, alpha=0.5); r.backward()
    >>> r.data, [p.grad for p in w]                # 0.5 * (1 + 4); d/dp = 2 * 0.5 * p
    (2.5, [1.0, -2.0])
    """
    a = _real(alpha, "l2 alpha")
    if a < 0.0:
        raise ValueError(f"l2 alpha must be >= 0, got {a!r}")
    try:
        ps = list(parameters)
    except TypeError:
        raise TypeError(
            f"l2 parameters must be an iterable of Values, got {type(parameters).__name__}"
        ) from None
    for i, p in enumerate([] if _all_values(ps) else ps):
        if not isinstance(p, Value):
            raise TypeError(f"l2 parameters[{i}] must be a Value, got {type(p).__name__}: {p!r}")
    if not ps:
        raise ValueError("l2 parameters is empty; there is nothing to regularise")
    return engine.make_node("l2", (Value(a), *ps))  # one node: the rule "l2"


# --------------------------------------------------------------------------------------
# Looking losses up by name
# --------------------------------------------------------------------------------------

LossFn = Callable[[Any, Any], Value]

LOSSES: dict[str, LossFn] = {
    "mse": mse,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
    "cross_entropy_from_probs": cross_entropy_from_probs,
    "hinge": hinge,
    "multiclass_hinge": multiclass_hinge,
}
"""Every loss by its name (the CLI and ``fit(loss="...")`` look names up here)."""

_ALIASES = {"bce": "binary_cross_entropy", "bce_with_logits": "binary_cross_entropy_with_logits"}


def get_loss(name: str) -> LossFn:
    """The loss function called ``name`` (also "bce" and "bce_with_logits").

    >>> get_loss("mse") is mse
    True
    """
    if not isinstance(name, str):
        raise TypeError(f"loss name must be a str, got {type(name).__name__}: {name!r}")
    key = _ALIASES.get(name, name)
    if key not in LOSSES:
        valid = ", ".join(sorted([*LOSSES, *_ALIASES]))
        raise ValueError(f"unknown loss {name!r}; valid names: {valid}")
    return LOSSES[key]
