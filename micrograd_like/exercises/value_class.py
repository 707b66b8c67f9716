"""``check_value_class``: our worked examples, run on a Value class written by a learner
(notebook 09)."""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from micrograd_like.examples import readme_expression

__all__ = ["CheckOutcome", "ValueClassReport", "check_value_class"]


# --------------------------------------------------------------------------------------
# check_value_class: our worked examples, run on a Value class written by a learner
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOutcome:
    """One worked example run on a learner's class.

    ``status`` is "passed", "failed", "missing" (an op the class lacks) or "warning".
    """

    op: str
    example: str
    status: str
    expected: dict[str, float]
    actual: dict[str, float | None]
    note: str = ""

    def line(self) -> str:
        pairs = []
        for key, want in self.expected.items():
            got = self.actual.get(key)
            if self.status == "failed" and (got is None or not _same(got, want)):
                shown = "-" if got is None else f"{got:.10g}"
                pairs.append(f"{key}: expected {want:.10g}, got {shown}")
            elif self.status == "passed":
                pairs.append(f"{key} = {want:.10g}")
        detail = "; ".join(pairs)
        if self.note:
            detail = f"{detail}. {self.note}" if detail else self.note
        return f"  {self.status:<8} {self.op:<12} {self.example:<36} {detail}"


@dataclass
class ValueClassReport:
    """What :func:`check_value_class` found: truthy when no check failed."""

    name: str
    outcomes: list[CheckOutcome] = field(default_factory=list)

    def _with(self, status: str) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def passed(self) -> list[CheckOutcome]:
        return self._with("passed")

    @property
    def failed(self) -> list[CheckOutcome]:
        return self._with("failed")

    @property
    def missing(self) -> list[CheckOutcome]:
        return self._with("missing")

    @property
    def warnings(self) -> list[CheckOutcome]:
        return self._with("warning")

    def __bool__(self) -> bool:
        return not self.failed

    def __str__(self) -> str:
        counts = (
            ", ".join(f"{len(self._with(s))} {s}" for s in ("passed", "failed", "missing"))
            + f", {len(self.warnings)} warning(s)"
        )
        head = f"check_value_class({self.name}): {counts}"
        if self.failed:
            head += " -- failing ops: " + ", ".join(dict.fromkeys(o.op for o in self.failed))
        return "\n".join([head, *(o.line() for o in self.outcomes)])

    __repr__ = __str__


def _same(got: float, want: float) -> bool:
    return math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)


def _read(v: object, attr: str) -> float:
    """``v.data`` or ``v.grad`` as a float; a TypeError naming the attribute otherwise."""
    if not hasattr(v, attr):
        raise TypeError(f"its objects have no .{attr}")
    x = getattr(v, attr)
    x = getattr(x, "data", x)  # a grad that is itself a Value counts as its number
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f".{attr} is {type(x).__name__}, not a number")
    return float(x)


@dataclass(frozen=True)
class _Example:
    op: str
    example: str
    needs: tuple[str, ...]
    run: Callable[[Any], dict[str, object]]  # cls -> {"a.grad": a, ...}: what to read
    expected: dict[str, float]
    hint: str


def _reads(**values: object) -> dict[str, object]:
    return values


def _ex_add(V: Any) -> dict[str, object]:
    a, b = V(2.0), V(-3.0)
    c = a + b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_mul(V: Any) -> dict[str, object]:
    a, b = V(2.0), V(-3.0)
    c = a * b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_add_twice(V: Any) -> dict[str, object]:
    a = V(3.0)
    b = a + a
    c = b + b
    c.backward()
    return {"c": c, "a": a}


def _ex_mul_self(V: Any) -> dict[str, object]:
    x = V(3.0)
    y = x * x
    y.backward()
    return {"y": y, "x": x}


def _ex_add_number(V: Any) -> dict[str, object]:
    a = V(3.0)
    c = a + 1
    c.backward()
    return {"c": c, "a": a}


def _ex_radd(V: Any) -> dict[str, object]:
    a = V(3.0)
    c = 1 + a
    c.backward()
    return {"c": c, "a": a}


def _ex_rmul(V: Any) -> dict[str, object]:
    a = V(3.0)
    c = 2 * a
    c.backward()
    return {"c": c, "a": a}


def _ex_neuron(V: Any) -> dict[str, object]:
    x1, x2 = V(2.0), V(0.0)
    w1, w2 = V(-3.0), V(1.0)
    b = V(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    return {"o": o, "x1": x1, "w1": w1, "x2": x2, "w2": w2}


def _ex_diamond(V: Any) -> dict[str, object]:
    x = V(2.0)
    y = x * V(3.0)
    z = x + y
    out = z * y
    out.backward()
    return {"out": out, "y": y, "x": x}


def _ex_neg(V: Any) -> dict[str, object]:
    a = V(5.0)
    c = -a
    c.backward()
    return {"c": c, "a": a}


def _ex_sub(V: Any) -> dict[str, object]:
    a, b = V(5.0), V(2.0)
    c = a - b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_rsub(V: Any) -> dict[str, object]:
    a = V(4.0)
    c = 10 - a
    c.backward()
    return {"c": c, "a": a}


def _ex_pow(V: Any) -> dict[str, object]:
    a = V(2.0)
    c = a**3
    c.backward()
    return {"c": c, "a": a}


def _ex_truediv(V: Any) -> dict[str, object]:
    a, b = V(3.0), V(4.0)
    c = a / b
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_rtruediv(V: Any) -> dict[str, object]:
    a = V(4.0)
    c = 1 / a
    c.backward()
    return {"c": c, "a": a}


def _ex_exp(V: Any) -> dict[str, object]:
    a = V(1.0)
    c = a.exp()
    c.backward()
    return {"c": c, "a": a}


def _ex_relu(V: Any) -> dict[str, object]:
    a, b = V(-2.0), V(3.0)
    c = a.relu() + b.relu()
    c.backward()
    return {"c": c, "a": a, "b": b}


def _ex_readme(V: Any) -> dict[str, object]:
    g, a, b = readme_expression(V)
    g.backward()
    return {"g": g, "a": a, "b": b}


E = math.e
_EXAMPLES: list[_Example] = [
    # a + b at a = 2, b = -3: -1; each operand's local derivative is 1
    _Example("__add__", "c = a + b", ("__add__",), _ex_add,
             {"c.data": -1.0, "a.grad": 1.0, "b.grad": 1.0},
             "each operand of + gets the output's gradient times 1"),
    # a * b: -6; dc/da = b = -3, dc/db = a = 2
    _Example("__mul__", "c = a * b", ("__mul__",), _ex_mul,
             {"c.data": -6.0, "a.grad": -3.0, "b.grad": 2.0},
             "each factor of * gets the OTHER factor's data times the output's gradient"),
    # b = a + a = 6, c = b + b = 12 = 4a: dc/da = 4
    _Example("__add__", "b = a + a; c = b + b (a reused)", ("__add__",), _ex_add_twice,
             {"c.data": 12.0, "a.grad": 4.0},
             "a reused value's contributions must add up: grad += ..., never grad = ..."),
    # y = x * x at 3: each factor contributes 3, dy/dx = 6
    _Example("__mul__", "y = x * x (x reused)", ("__mul__",), _ex_mul_self,
             {"y.data": 9.0, "x.grad": 6.0},
             "self and other are the same node: both contributions must be added (+=)"),
    # a + 1 at 3: 4; da = 1
    _Example("__add__", "c = a + 1 (a plain number)", ("__add__",), _ex_add_number,
             {"c.data": 4.0, "a.grad": 1.0},
             "wrap a plain number in a Value: other = other if isinstance(other, Value) "
             "else Value(other)"),
    _Example("__radd__", "c = 1 + a", ("__add__", "__radd__"), _ex_radd,
             {"c.data": 4.0, "a.grad": 1.0}, "1 + a is a + 1: __radd__ can return self + other"),
    # 2 * a at 3: 6, dc/da = 2
    _Example("__rmul__", "c = 2 * a", ("__mul__", "__rmul__"), _ex_rmul,
             {"c.data": 6.0, "a.grad": 2.0}, "2 * a is a * 2: __rmul__ can return self * other"),
    # the lecture's neuron: n = 2*(-3) + 0*1 + 6.88137... = 0.88137..., o = tanh n = 1/sqrt 2
    # do/dn = 1 - o^2 = 0.5; x1.grad = w1 * 0.5 = -1.5, w1.grad = x1 * 0.5 = 1,
    # x2.grad = w2 * 0.5 = 0.5, w2.grad = x2 * 0.5 = 0
    _Example("tanh", "the lecture's neuron, o = tanh(n)", ("__add__", "__mul__", "tanh"),
             _ex_neuron,
             {"o.data": 0.7071067811865476, "x1.grad": -1.5, "w1.grad": 1.0,
              "x2.grad": 0.5, "w2.grad": 0.0},
             "tanh's local derivative is 1 - t**2, with t = tanh(n), the output's data"),
    # y = 3x = 6, z = x + y = 8, out = z y = 48 = 12 x^2: d out/dx = 24 x = 48;
    # d out/dy = z + y = 14 (directly, and through z)
    _Example("backward", "out = (x + y) * y, y = 3x (order)", ("__add__", "__mul__"),
             _ex_diamond,
             {"out.data": 48.0, "y.grad": 14.0, "x.grad": 48.0},
             "y is used twice: both uses must be added (+=), and backward must finish "
             "y's gradient (topological order) before passing it on to x"),
    _Example("__neg__", "c = -a", ("__neg__",), _ex_neg,
             {"c.data": -5.0, "a.grad": -1.0}, "-a is a * -1"),
    # 5 - 2 = 3: dc/da = 1, dc/db = -1
    _Example("__sub__", "c = a - b", ("__sub__",), _ex_sub,
             {"c.data": 3.0, "a.grad": 1.0, "b.grad": -1.0}, "a - b is a + (-b)"),
    # 10 - a at 4: 6, dc/da = -1
    _Example("__rsub__", "c = 10 - a", ("__rsub__",), _ex_rsub,
             {"c.data": 6.0, "a.grad": -1.0},
             "in 10 - a Python calls a.__rsub__(10): return other + (-self), not self - other"),
    # a^3 at 2: 8, 3a^2 = 12
    _Example("__pow__", "c = a ** 3", ("__pow__",), _ex_pow,
             {"c.data": 8.0, "a.grad": 12.0}, "d(a**k)/da = k * a**(k - 1)"),
    # 3 / 4 = 0.75: 1/b = 0.25, -a/b^2 = -3/16 = -0.1875
    _Example("__truediv__", "c = a / b", ("__truediv__",), _ex_truediv,
             {"c.data": 0.75, "a.grad": 0.25, "b.grad": -0.1875},
             "a / b is a * b**-1"),
    # 1 / 4 = 0.25: -1/a^2 = -0.0625
    _Example("__rtruediv__", "c = 1 / a", ("__rtruediv__",), _ex_rtruediv,
             {"c.data": 0.25, "a.grad": -0.0625},
             "in 1 / a Python calls a.__rtruediv__(1): return other * self**-1"),
    # e^1, derivative e^1
    _Example("exp", "c = a.exp()", ("exp",), _ex_exp,
             {"c.data": E, "a.grad": E}, "exp's local derivative is its own output"),
    # relu(-2) + relu(3) = 3: gradient 0 below 0, 1 above
    _Example("relu", "c = relu(-2) + relu(3)", ("relu", "__add__"), _ex_relu,
             {"c.data": 3.0, "a.grad": 0.0, "b.grad": 1.0},
             "relu's local derivative is 1 where the output is positive, else 0"),
    # micrograd's README expression; the numbers are PyTorch's in float64 (test_engine.py)
    _Example("all", "micrograd's README expression",
             ("__add__", "__mul__", "__pow__", "relu", "__neg__", "__sub__", "__radd__",
              "__rmul__", "__truediv__", "__rtruediv__"), _ex_readme,
             {"g.data": 24.70408163265306, "a.grad": 138.83381924198252,
              "b.grad": 645.5772594752186},
             "the ops above it each pass on their own; look at the first that failed"),
]  # fmt: skip


def _missing(cls: type, needs: Sequence[str]) -> list[str]:
    return [op for op in ("backward", *needs) if not callable(getattr(cls, op, None))]


def _run(ex: _Example, cls: type) -> CheckOutcome:
    absent = _missing(cls, ex.needs)
    if absent:
        return CheckOutcome(
            ex.op, ex.example, "missing", ex.expected, {}, "needs " + ", ".join(absent)
        )
    try:
        nodes = ex.run(cls)
    except NotImplementedError as error:
        return CheckOutcome(
            ex.op, ex.example, "missing", ex.expected, {}, f"NotImplementedError {error}".strip()
        )
    except Exception as error:  # the learner's code: report anything it raises
        note = f"raised {type(error).__name__}: {error}"
        return CheckOutcome(ex.op, ex.example, "failed", ex.expected, {}, note)
    actual: dict[str, float | None] = {}
    for key in ex.expected:
        name, attr = key.split(".")
        try:
            actual[key] = _read(nodes[name], attr)
        except TypeError as error:
            return CheckOutcome(ex.op, ex.example, "failed", ex.expected, actual, str(error))
    ok = all(_same(actual[k], want) for k, want in ex.expected.items())  # type: ignore[arg-type]
    if ok:
        return CheckOutcome(ex.op, ex.example, "passed", ex.expected, actual)
    return CheckOutcome(ex.op, ex.example, "failed", ex.expected, actual, "Hint: " + ex.hint)


def _deep_chain(cls: type) -> CheckOutcome:
    """backward through a chain deeper than Python's recursion limit."""
    depth = sys.getrecursionlimit() + 500
    example = f"a chain {depth} nodes deep"
    # y = x + 1 + 1 + ... + 1 (depth times, the same node `one`): dy/dx = 1, dy/done = depth
    expected = {"y.data": float(depth + 1), "x.grad": 1.0, "one.grad": float(depth)}
    if _missing(cls, ("__add__",)):
        return CheckOutcome("backward", example, "missing", expected, {}, "needs __add__")
    x, one = cls(1.0), cls(1.0)
    y = x
    for _ in range(depth):
        y = y + one
    try:
        y.backward()
    except RecursionError:
        note = (
            "RecursionError: a recursive topological sort stops at Python's recursion "
            "limit. Right on small graphs; an iterative sort (a stack) has no limit."
        )
        return CheckOutcome("backward", example, "warning", expected, {}, note)
    except Exception as error:
        note = f"raised {type(error).__name__}: {error}"
        return CheckOutcome("backward", example, "failed", expected, {}, note)
    nodes = {"y": y, "x": x, "one": one}
    actual = {k: _read(nodes[k.split(".")[0]], k.split(".")[1]) for k in expected}
    ok = all(_same(actual[k], want) for k, want in expected.items())
    if ok:
        return CheckOutcome("backward", example, "passed", expected, dict(actual))
    return CheckOutcome(
        "backward", example, "failed", expected, dict(actual), "Hint: gradients must add up"
    )


def check_value_class(cls: type) -> ValueClassReport:
    """Run the course's worked examples on a home-made Value class.

    The class needs ``cls(number)``, ``.data``, ``.grad`` and ``.backward()``. Each op it
    does not define yet is reported as missing, not failed. The report is truthy when no
    example failed; a recursive sort that dies on a deep graph is only a warning.

    >>> from micrograd_like import Value
    >>> report = check_value_class(Value)
    >>> bool(report), len(report.failed), len(report.missing)
    (True, 0, 0)
    """
    if not isinstance(cls, type):
        raise TypeError(
            f"check_value_class expects the class itself (e.g. MyValue), got "
            f"{type(cls).__name__} {cls!r}"
        )
    report = ValueClassReport(cls.__name__)
    for ex in _EXAMPLES:
        report.outcomes.append(_run(ex, cls))
    report.outcomes.append(_deep_chain(cls))
    return report
