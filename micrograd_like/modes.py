"""Grad mode and anomaly mode: whether ops record a graph, and whether they are checked.

Both modes belong to the running thread (and, under asyncio, to the running task), as
PyTorch's grad mode does: a ``no_grad()`` block in one thread never changes what another
thread records. They live in one :class:`contextvars.ContextVar`, whose value is a
:class:`Mode`. :data:`RECORDING` is the everyday mode: record, check nothing.

>>> from micrograd_like.engine import Value
>>> w = Value(2.0)
>>> with no_grad():
...     v = w * 3.0          # computed, but no graph: v is a leaf
>>> v.data, v.parents, is_grad_enabled()
(6.0, (), True)
"""

from __future__ import annotations

import functools
import inspect
import math
import os
import sys
import threading
import weakref
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeVar

__all__ = [
    "RECORDING",
    "AnomalyError",
    "Mode",
    "current",
    "detect_anomaly",
    "enable_grad",
    "is_anomaly_enabled",
    "is_grad_enabled",
    "no_grad",
]

F = TypeVar("F", bound=Callable[..., Any])


class AnomalyError(FloatingPointError):
    """Inside :func:`detect_anomaly`, an op produced NaN or inf."""


class Anomaly:
    """Where each live node was made, so a bad gradient can point back at a line of code.

    Nodes are held weakly: a graph made and dropped inside the block is freed as usual.
    """

    def __init__(self) -> None:
        self.origins: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


class Mode(NamedTuple):
    """What ops do right now: record a graph (``grad``), and check each result (``anomaly``)."""

    grad: bool
    anomaly: Anomaly | None


RECORDING = Mode(True, None)
"""The everyday mode: ops record a graph and nothing is checked."""

_mode: ContextVar[Mode] = ContextVar("micrograd_like_mode", default=RECORDING)
current = _mode.get
"""The mode of the running thread or task."""

BLOCKS_OPEN = [0]
"""``BLOCKS_OPEN[0]``: how many mode blocks are open, in all threads. While it is 0, every thread is in
:data:`RECORDING`, so the fast path's node makers need not ask :func:`current`."""
_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """True unless inside :func:`no_grad` (in this thread or task)."""
    return _mode.get().grad


def is_anomaly_enabled() -> bool:
    """True inside :func:`detect_anomaly` (in this thread or task)."""
    return _mode.get().anomaly is not None


class _ModeSwitch:
    """A context manager that sets the mode for its block, and a decorator that does the
    same for every call of a function, or for every step of a generator."""

    def _enter(self, mode: Mode) -> Mode:
        raise NotImplementedError

    def __enter__(self) -> None:
        with _lock:
            BLOCKS_OPEN[0] += 1
        self._tokens = [*getattr(self, "_tokens", []), _mode.set(self._enter(_mode.get()))]

    def __exit__(self, *exc: object) -> None:
        _mode.reset(self._tokens.pop())
        with _lock:
            BLOCKS_OPEN[0] -= 1

    def __call__(self, fn: F) -> F:
        fresh = type(self)  # one switch per call: calls may overlap in threads

        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def generator(*args: Any, **kwargs: Any) -> Any:
                gen = fn(*args, **kwargs)
                try:
                    with fresh():
                        item = gen.send(None)
                    while True:
                        try:
                            sent = yield item
                        except GeneratorExit:
                            with fresh():
                                gen.close()
                            raise
                        except BaseException as exc:
                            with fresh():
                                item = gen.throw(exc)
                        else:
                            with fresh():
                                item = gen.send(sent)
                except StopIteration as stop:
                    return stop.value

            return generator  # type: ignore[return-value]

        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> Any:
            with fresh():
                return fn(*args, **kwargs)

        return call  # type: ignore[return-value]


class no_grad(_ModeSwitch):  # noqa: N801 - a context manager, named like PyTorch's
    """Inside this block, ops compute values but record no graph (for updates, eval).

    Use it as ``with no_grad():`` or as a decorator ``@no_grad()``, on a function or a
    generator function. It applies to the running thread (or asyncio task) only.

    >>> from micrograd_like.engine import Value
    >>> @no_grad()
    ... def doubled(v):
    ...     return v * 2.0
    >>> doubled(Value(1.5)).parents
    ()
    """

    def _enter(self, mode: Mode) -> Mode:
        return mode._replace(grad=False)


class enable_grad(_ModeSwitch):  # noqa: N801
    """Record a graph inside this block, even within :func:`no_grad`."""

    def _enter(self, mode: Mode) -> Mode:
        return mode._replace(grad=True)


class detect_anomaly(_ModeSwitch):  # noqa: N801
    """Stop at the first op whose result or gradient is NaN or inf, and say where.

    PyTorch's anomaly mode, for scalars. Slower: use it to debug, not to train.

    >>> from micrograd_like.engine import Value
    >>> with detect_anomaly():  # doctest: +ELLIPSIS
    ...     y = Value(1e308) * 10.0
    Traceback (most recent call last):
    micrograd_like.modes.AnomalyError: op '*' gave inf in forward from operands (1e+308, 10.0), at ...
    """

    def _enter(self, mode: Mode) -> Mode:
        return mode._replace(anomaly=Anomaly())


def user_site() -> str:
    """file:line of the innermost caller outside this package (and its generated code)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame = sys._getframe(1)
    while frame is not None and (
        frame.f_code.co_filename.startswith("<micrograd_like.")
        or os.path.abspath(frame.f_code.co_filename).startswith(package)
    ):
        frame = frame.f_back  # type: ignore[assignment]
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"


def check_forward(anomaly: Anomaly, node: Any, op: str, inputs: list[float]) -> None:
    """Inside detect_anomaly(): raise if ``node`` is NaN or inf, else remember where it was made."""
    if not math.isfinite(node.data):
        operands = ", ".join(repr(a) for a in inputs)
        raise AnomalyError(
            f"op {op!r} gave {node.data!r} in forward from operands ({operands}), at {user_site()}"
        )
    anomaly.origins[node] = user_site()


def check_backward(anomaly: Anomaly, node: Any) -> None:
    """Inside detect_anomaly(): raise if node's backward step left a parent's grad NaN or inf."""
    for i, p in enumerate(node.parents):
        g = p.grad if isinstance(p.grad, float) else p.grad.data
        if not math.isfinite(g):
            where = anomaly.origins.get(node, "<made before detect_anomaly()>")
            operands = ", ".join(repr(q.data) for q in node.parents)
            local = node.local_grads[i] if node.local_grads else "set by its _backward"
            raise AnomalyError(
                f"op {node.op!r} gave gradient {p.grad!r} in backward to its operand #{i} "
                f"(operands ({operands}), local derivative {local!r}, upstream "
                f"gradient {node.grad!r}); the node was made at {where}"
            )
