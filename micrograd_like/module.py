"""What every model shares: parameters found by name, state dicts, and the check of an
input vector where it enters a model.

:class:`Module` is the base class of :class:`~micrograd_like.nn.Neuron`,
:class:`~micrograd_like.nn.Layer` and :class:`~micrograd_like.nn.MLP`, and of a model of
your own: any public attribute that holds a Value, a Module or a list of them is a
parameter, named by its dotted path, as in PyTorch.

>>> class Line(Module):            # y = w*x + b
...     def __init__(self) -> None:
...         self.w, self.b = Value(2.0), Value(1.0)
>>> line = Line()
>>> line.state_dict()
{'w': 2.0, 'b': 1.0}
>>> line.load_state_dict({"w": 3.0, "b": 0.5})
LoadResult(missing_keys=[], unexpected_keys=[])
>>> line.w.data
3.0
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from operator import attrgetter
from typing import Any, NamedTuple

from micrograd_like.checks import real
from micrograd_like.engine import Value

__all__ = ["LoadResult", "Module", "check_inputs", "finite", "plural"]


# --------------------------------------------------------------------------------------
# Checking a model's input
# --------------------------------------------------------------------------------------


def finite(x: object, what: str) -> float:
    """``x`` as a finite float: a model input or a weight."""
    return real(x, what, expected="a number")


_ONLY_VALUES = frozenset((Value,))
_ONLY_FLOATS = frozenset((float,))
_get_data = attrgetter("_data")  # .data's slot, read at C speed
_isfinite = math.isfinite


def check_inputs(x: object, nin: int, who: str) -> Sequence[Value]:
    """Check an input vector once, where it enters a model, and lift numbers to Values.

    A list (or tuple) of exactly ``nin`` finite Values is returned as is, and one of
    ``nin`` finite floats is lifted to Values. Anything else is checked element by
    element, to name the first bad one: numbers become constant leaves, a bool or a
    non-number is a TypeError naming its type, nan/inf a ValueError. A single number or
    Value is accepted when ``nin == 1``.
    """
    if x.__class__ is list or x.__class__ is tuple:
        xs: Sequence[Any] = x
        if len(xs) == nin:
            types = {*map(type, xs)}
            if types == _ONLY_VALUES and all(map(_isfinite, map(_get_data, xs))):
                return xs
            if types == _ONLY_FLOATS and all(map(_isfinite, xs)):
                return list(map(Value, xs))
    elif isinstance(x, (Value, numbers.Number)):
        xs = (x,)
    elif isinstance(x, (str, bytes, Mapping, AbstractSet)) or not isinstance(x, Iterable):
        raise TypeError(
            f"{who} input must be a list of {nin} numbers or Values, got {type(x).__name__}"
        )
    else:
        xs = tuple(x)
    if len(xs) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(xs)}")
    out: list[Value] = []
    for i, xi in enumerate(xs):
        if isinstance(xi, Value):
            if not math.isfinite(xi.data):
                raise ValueError(f"{who} input x[{i}] must be finite, got {xi!r}")
            out.append(xi)
        else:
            out.append(Value(finite(xi, f"{who} input x[{i}]")))
    return out


def plural(n: int, word: str) -> str:
    """``1 parameter``, ``3 parameters``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --------------------------------------------------------------------------------------
# Module
# --------------------------------------------------------------------------------------


class LoadResult(NamedTuple):
    """What :meth:`Module.load_state_dict` did not match (empty lists when strict)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def _name_list(names: Iterable[object], limit: int = 10) -> str:
    """``'a', 'b', ... and 3 more``: a short, readable list of keys for error messages."""
    items = [repr(n) for n in names]
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} ... and {len(items) - limit} more"


class Module:
    """Base class of everything with parameters: a Neuron, a Layer, an MLP, yours.

    Parameters are found by name: a public attribute holding a Value, a Module, or a
    list of them. Names are dotted paths, as in PyTorch: ``layers.0.neurons.3.w.1``.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, Value) for every parameter, each Value once, in a fixed order."""
        out: list[tuple[str, Value]] = []
        seen: set[int] = set()
        for name, attr in vars(self).items():
            if not name.startswith("_"):
                _collect(name, attr, out, seen)
        return out

    def parameters(self) -> list[Value]:
        """Every parameter (a leaf Value the optimizer updates), in named order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (call it before each ``backward()``)."""
        for p in self.parameters():
            p.grad = 0.0

    def num_parameters(self) -> int:
        """How many numbers the model learns."""
        return len(self.parameters())

    def state_dict(self) -> dict[str, float]:
        """{dotted name: parameter value}, a plain-float snapshot of the weights.

        >>> from micrograd_like.nn import Neuron
        >>> n = Neuron(2, seed=0)
        >>> list(n.state_dict())
        ['w.0', 'w.1', 'b']
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float], strict: bool = True) -> LoadResult:
        """Copy parameter values from ``state`` ({name: number}) into the model.

        Everything is checked first; on any error the model is left exactly as it was.
        With ``strict=True`` (default), missing and unexpected names are an error that
        lists them; with ``strict=False`` the names present in both are loaded and the
        others are returned in a :class:`LoadResult`. Values must be finite real
        numbers (a bool, a string, nan or inf is refused).
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"state must be a dict of name -> number, got {type(state).__name__}")
        if not isinstance(strict, bool):
            raise TypeError(f"strict must be a bool, got {type(strict).__name__}")
        params = self.named_parameters()
        names = {name for name, _ in params}
        missing = [name for name, _ in params if name not in state]
        unexpected = [k if isinstance(k, str) else repr(k) for k in state if k not in names]
        if strict and (missing or unexpected):
            parts = []
            if missing:
                parts.append(f"missing keys: {_name_list(missing)}")
            if unexpected:
                parts.append(f"unexpected keys: {_name_list(unexpected)}")
            raise ValueError(f"load_state_dict of {type(self).__name__} failed, {'; '.join(parts)}")
        new = [(p, finite(state[name], f"state[{name!r}]")) for name, p in params if name in state]
        for p, f in new:  # every check passed: now change the model
            p.data = f
        return LoadResult(missing, unexpected)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({plural(self.num_parameters(), 'parameter')})"


def _collect(prefix: str, obj: object, out: list[tuple[str, Value]], seen: set[int]) -> None:
    if isinstance(obj, Value):
        if id(obj) not in seen:
            seen.add(id(obj))
            out.append((prefix, obj))
    elif isinstance(obj, Module):
        for name, p in obj.named_parameters():
            if id(p) not in seen:
                seen.add(id(p))
                out.append((f"{prefix}.{name}", p))
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            _collect(f"{prefix}.{i}", item, out, seen)
