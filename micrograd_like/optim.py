"""Optimizers: turn gradients into parameter updates. And learning-rate schedules.

After ``loss.backward()`` every parameter p holds dL/dp in ``p.grad``. Gradient descent
moves each parameter a little downhill:

    p <- p - lr * dL/dp

:class:`SGD` and :class:`Adam` follow PyTorch's update equations exactly (same numbers,
step by step). An update changes ``p.data`` (a float) in place and records no graph.

The usual loop::

    opt = SGD(model.parameters(), lr=0.1)
    for k in range(100):
        loss = ...            # forward
        opt.zero_grad()       # grads add up, so clear last step's first
        loss.backward()
        opt.step()

>>> w = Value(1.0); opt = SGD([w], lr=0.1)
>>> w.grad = 2.0; opt.step()          # 1 - 0.1 * 2
>>> w.data
0.8
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from math import isfinite
from typing import Any

from micrograd_like.checks import boolean, fraction, integer
from micrograd_like.checks import non_negative as _non_negative
from micrograd_like.checks import positive as _positive
from micrograd_like.checks import real as _as_float
from micrograd_like.engine import Value, assign

__all__ = [
    "StepRefused",
    "SGD",
    "Adam",
    "CosineDecay",
    "LinearDecay",
    "Optimizer",
    "Schedule",
    "StepDecay",
]


def _grads(params: list[Value]) -> list[float]:
    """Every p.grad as a float (a grad is a Value after ``backward(create_graph=True)``)."""
    grads = [p.grad for p in params]
    if {*map(type, grads)} != {float}:
        grads = [float(g) for g in grads]
    return grads


class StepRefused(FloatingPointError):
    """An update would have made a parameter NaN or infinite; nothing was changed."""


def _commit(opt: Optimizer, new: list[Any]) -> None:
    """Write the new parameter values, all or none: refuse if any is NaN or infinite."""
    # The quick test: a sum of floats is finite only if every term is (an inf or a NaN
    # survives any sum). Anything else (Values, or a sum that overflowed) is checked one
    # by one.
    total = sum(new) if new[0].__class__ is float else None
    if total.__class__ is not float or not isfinite(total):
        if {*map(type, new)} != {float}:  # grads that are Values (create_graph=True)
            new = [float(x) for x in new]
        if not all(map(isfinite, new)):
            i = next(i for i, x in enumerate(new) if not isfinite(x))
            raise StepRefused(
                f"{type(opt).__name__} step would set parameter {i} to {new[i]!r} "
                f"(lr={opt.lr!r}); no parameter was changed"
            )
    assign(opt.params, new)  # every .data at once: one write, as far as caches can tell


class Optimizer:
    """Base class: holds the parameters and the learning rate; subclasses define ``step``.

    ``params`` is an iterable of Values (e.g. ``model.parameters()``); it must be
    non-empty and hold each Value once. ``lr`` must be > 0; assigning ``opt.lr`` later
    (a schedule does) accepts any value >= 0.
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        if isinstance(params, Value):
            raise TypeError(f"{name} params must be an iterable of Values, got a single Value")
        try:
            ps = list(params)
        except TypeError:
            raise TypeError(
                f"{name} params must be an iterable of Values, got {type(params).__name__}"
            ) from None
        if not ps:
            raise ValueError(f"{name} params is empty: there are no parameters to optimize")
        seen: set[Value] = set()
        for i, p in enumerate(ps):
            if not isinstance(p, Value):
                raise TypeError(
                    f"{name} params[{i}] must be a Value, got {type(p).__name__}: {p!r}"
                )
            if p in seen:
                raise ValueError(f"{name} params[{i}] appears more than once in params")
            seen.add(p)
        self.params: list[Value] = ps
        self._lr = _positive(lr, "lr")
        self.steps = 0
        """How many times ``step()`` has run (Adam's t)."""

    @property
    def lr(self) -> float:
        """The learning rate used by the next ``step()``."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _non_negative(value, "lr")

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0 (gradients add up across ``backward`` calls)."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter from its ``.grad``."""
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    def hyperparameters(self) -> dict[str, Any]:
        """The settings, by name (what ``state_dict()['hyperparameters']`` holds)."""
        return {"lr": self._lr}

    def state_dict(self) -> dict[str, Any]:
        """A copy of the optimizer's settings and running state, as plain numbers/lists."""
        return {
            "type": type(self).__name__,
            "hyperparameters": self.hyperparameters(),
            "steps": self.steps,
            "state": self._state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (for the same parameter list).

        All or nothing: everything is checked first, so on an error nothing changes.
        """
        if not isinstance(state, dict):
            raise TypeError(f"state must be a dict from state_dict(), got {type(state).__name__}")
        kind = state.get("type")
        if kind != type(self).__name__:
            raise ValueError(f"state is for a {kind!r} optimizer, not {type(self).__name__!r}")
        for key in ("hyperparameters", "state"):
            if not isinstance(state.get(key, {}), dict):
                raise TypeError(f"state[{key!r}] must be a dict, got {type(state[key]).__name__}")
        settings = self._check_hyperparameters(state.get("hyperparameters", {}))
        steps = integer(state.get("steps", 0), "state steps", minimum=0)
        buffers = self._check_state(state.get("state", {}))
        # every check passed: now change the optimizer
        for key, value in settings.items():
            setattr(self, "_lr" if key == "lr" else key, value)
        self.steps = steps
        for key, value in buffers.items():
            setattr(self, key, value)

    # -- subclass hooks ------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        return {}

    def _check_state(self, state: dict[str, Any]) -> dict[str, Any]:
        """The running state of ``state_dict()['state']``, checked: attribute -> value."""
        return {}

    def _check_hyperparameters(self, hyperparameters: dict[str, Any]) -> dict[str, Any]:
        """The settings of ``state_dict()['hyperparameters']``, checked: name -> value."""
        return {
            key: _positive(value, "lr") if key == "lr" else self._check_hyperparameter(key, value)
            for key, value in hyperparameters.items()
        }

    def _check_hyperparameter(self, key: str, value: Any) -> Any:
        raise ValueError(f"{type(self).__name__} has no hyperparameter {key!r}")

    def _buffer(self, state: dict[str, Any], key: str) -> list[float] | None:
        buf = state.get(key)
        if buf is None:
            return None
        if not isinstance(buf, (list, tuple)) or len(buf) != len(self.params):
            raise ValueError(
                f"state {key!r} must be a list of {len(self.params)} numbers "
                f"(one per parameter), got {buf!r:.60}"
            )
        return [_as_float(x, f"state {key}[{i}]") for i, x in enumerate(buf)]

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({len(self.params)} params, {hp})"


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum and weight decay (PyTorch's).

    Per parameter p with gradient g, at each step::

        g   = g + weight_decay * p
        buf = g                          (first step)
        buf = momentum * buf + g         (later steps)
        g   = g + momentum * buf   if nesterov else   buf
        p   = p - lr * g

    With ``momentum=0`` this is plain ``p -= lr * grad``.

    >>> w = Value(1.0); opt = SGD([w], lr=0.1, momentum=0.9)
    >>> w.grad = 1.0; opt.step(); round(w.data, 6)     # buf = 1; 1 - 0.1*1
    0.9
    >>> w.grad = 1.0; opt.step(); round(w.data, 6)     # buf = 0.9*1 + 1 = 1.9; 0.9 - 0.19
    0.71
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _non_negative(momentum, "momentum")
        self.weight_decay = _non_negative(weight_decay, "weight_decay")
        if boolean(nesterov, "nesterov") and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = nesterov
        self._buf: list[float] | None = None  # momentum buffers, made on the first step

    def step(self) -> None:
        """One update of every parameter (see the class docstring for the equations).

        All or nothing: if any new value would be NaN or infinite, raises
        :class:`StepRefused` and changes no parameter and no buffer.
        """
        lr, mu, wd = self._lr, self.momentum, self.weight_decay
        params = self.params
        if mu == 0.0 and wd == 0.0:  # plain gradient descent: p = p - lr * grad
            _commit(self, [p._data - lr * p.grad for p in params])  # _data: .data's slot
            self.steps += 1
            return
        g = _grads(params)
        if wd != 0.0:
            g = [gi + wd * p._data for p, gi in zip(params, g)]
        buf = None
        if mu != 0.0:
            buf = g if self._buf is None else [mu * b + gi for b, gi in zip(self._buf, g)]
            g = [gi + mu * b for gi, b in zip(g, buf)] if self.nesterov else buf
        _commit(self, [p._data - lr * gi for p, gi in zip(params, g)])
        if buf is not None:
            self._buf = buf
        self.steps += 1

    def hyperparameters(self) -> dict[str, Any]:
        return {
            "lr": self._lr,
            "momentum": self.momentum,
            "weight_decay": self.weight_decay,
            "nesterov": self.nesterov,
        }

    def _check_hyperparameters(self, hyperparameters: dict[str, Any]) -> dict[str, Any]:
        settings = super()._check_hyperparameters(hyperparameters)
        if settings.get("nesterov", self.nesterov) and not settings.get("momentum", self.momentum):
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        return settings

    def _check_hyperparameter(self, key: str, value: Any) -> Any:
        if key in ("momentum", "weight_decay"):
            return _non_negative(value, key)
        if key == "nesterov":
            return boolean(value, "nesterov")
        return super()._check_hyperparameter(key, value)

    def _state(self) -> dict[str, Any]:
        return {"momentum_buffer": None if self._buf is None else list(self._buf)}

    def _check_state(self, state: dict[str, Any]) -> dict[str, Any]:
        return {"_buf": self._buffer(state, "momentum_buffer")}


class Adam(Optimizer):
    """Adam (Kingma & Ba), with PyTorch's equations. At step t = 1, 2, ...::

        g    = g + weight_decay * p
        m    = beta1 * m + (1 - beta1) * g          (running mean of gradients)
        v    = beta2 * v + (1 - beta2) * g**2       (running mean of squared gradients)
        mhat = m / (1 - beta1**t)                   (bias corrections: m, v start at 0)
        vhat = v / (1 - beta2**t)
        p    = p - lr * mhat / (sqrt(vhat) + eps)

    The first step moves every parameter by about lr, whatever the gradient's size.

    >>> w = Value(1.0); opt = Adam([w], lr=0.1)
    >>> w.grad = 5.0; opt.step(); round(w.data, 6)   # mhat = 5, vhat = 25: 1 - 0.1*5/5
    0.9
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.betas = self._check_betas(betas)
        self.eps = _positive(eps, "eps")
        self.weight_decay = _non_negative(weight_decay, "weight_decay")
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    @staticmethod
    def _check_betas(betas: Any) -> tuple[float, float]:
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        beta1, beta2 = (fraction(b, f"betas[{i}]") for i, b in enumerate(betas))
        return beta1, beta2

    def step(self) -> None:
        """One update of every parameter (see the class docstring for the equations).

        All or nothing: if any new value would be NaN or infinite, raises
        :class:`StepRefused` and changes no parameter and no running average.
        """
        t = self.steps + 1
        b1, b2 = self.betas
        lr, eps, wd = self._lr, self.eps, self.weight_decay
        step_size = lr / (1.0 - b1**t)
        bc2_sqrt = math.sqrt(1.0 - b2**t)
        params = self.params
        g = _grads(params)
        if wd != 0.0:
            g = [gi + wd * p._data for p, gi in zip(params, g)]
        m = [b1 * mi + (1.0 - b1) * gi for mi, gi in zip(self._m, g)]
        v = [b2 * vi + (1.0 - b2) * gi * gi for vi, gi in zip(self._v, g)]
        sqrt = math.sqrt
        new = [
            p._data - step_size * mi / (sqrt(vi) / bc2_sqrt + eps)
            for p, mi, vi in zip(params, m, v)
        ]
        _commit(self, new)
        self._m, self._v = m, v
        self.steps = t

    def hyperparameters(self) -> dict[str, Any]:
        return {
            "lr": self._lr,
            "betas": self.betas,
            "eps": self.eps,
            "weight_decay": self.weight_decay,
        }

    def _check_hyperparameter(self, key: str, value: Any) -> Any:
        if key == "betas":
            return self._check_betas(value)
        if key == "eps":
            return _positive(value, "eps")
        if key == "weight_decay":
            return _non_negative(value, "weight_decay")
        return super()._check_hyperparameter(key, value)

    def _state(self) -> dict[str, Any]:
        return {"exp_avg": list(self._m), "exp_avg_sq": list(self._v)}

    def _check_state(self, state: dict[str, Any]) -> dict[str, Any]:
        m = self._buffer(state, "exp_avg")
        v = self._buffer(state, "exp_avg_sq")
        zeros = [0.0] * len(self.params)
        return {"_m": zeros if m is None else m, "_v": list(zeros) if v is None else v}


# --------------------------------------------------------------------------------------
# Learning-rate schedules: callables epoch -> lr
# --------------------------------------------------------------------------------------


class Schedule:
    """A learning-rate schedule: ``schedule(k)`` is the lr for step (or epoch) k = 0, 1, ...

    ``fit(..., schedule=s)`` sets ``optimizer.lr = s(epoch)`` at the start of each
    epoch. In a hand-written loop, do the same before ``opt.step()``. Any plain
    function ``k -> lr`` works wherever a Schedule does.
    """

    def __call__(self, k: int) -> float:
        raise NotImplementedError

    @staticmethod
    def _k(k: object) -> int:
        return integer(k, "schedule step k", minimum=0)


def _steps(steps: object) -> int:
    return integer(steps, "steps", minimum=1)


class LinearDecay(Schedule):
    """lr(k) = start + (end - start) * min(k, steps) / steps: a straight line, then flat.

    micrograd's demo uses ``LinearDecay(1.0, 0.1, 100)``, i.e. lr = 1.0 - 0.9 * k / 100.

    >>> s = LinearDecay(1.0, 0.1, 100)
    >>> s(0), round(s(50), 6), round(s(100), 6), round(s(500), 6)
    (1.0, 0.55, 0.1, 0.1)
    """

    def __init__(self, start: float, end: float, steps: int) -> None:
        self.start = _positive(start, "start")
        self.end = _non_negative(end, "end")
        self.steps = _steps(steps)

    def __call__(self, k: int) -> float:
        k = min(self._k(k), self.steps)
        return self.start + (self.end - self.start) * k / self.steps

    def __repr__(self) -> str:
        return f"LinearDecay(start={self.start!r}, end={self.end!r}, steps={self.steps!r})"


class StepDecay(Schedule):
    """lr(k) = start * gamma ** (k // step_size): multiply by gamma every step_size steps.

    ``gamma`` is in (0, 1]: a decay never raises the rate (``gamma = 2`` would double it
    every step_size steps, past any float within a few thousand). However large k is,
    the rate only falls towards 0.

    >>> s = StepDecay(1.0, step_size=10, gamma=0.5)
    >>> s(0), s(9), s(10), s(25)
    (1.0, 1.0, 0.5, 0.25)
    """

    def __init__(self, start: float, step_size: int, gamma: float = 0.1) -> None:
        self.start = _positive(start, "start")
        self.step_size = integer(step_size, "step_size", minimum=1)
        self.gamma = _positive(gamma, "gamma")
        if self.gamma > 1.0:
            raise ValueError(
                f"gamma must be in (0, 1], got {gamma!r}: StepDecay multiplies the rate by "
                "gamma every step_size steps, so gamma > 1 would grow it without bound"
            )

    def __call__(self, k: int) -> float:
        decays = self._k(k) // self.step_size
        # gamma <= 1, so past 2**62 decays the rate is what it is at 2**62 (0.0 or start);
        # the cap keeps a huge k from overflowing the float conversion of the exponent
        return self.start * self.gamma ** min(decays, 1 << 62)

    def __repr__(self) -> str:
        return (
            f"StepDecay(start={self.start!r}, step_size={self.step_size!r}, gamma={self.gamma!r})"
        )


class CosineDecay(Schedule):
    """lr(k) = end + (start - end) * (1 + cos(pi * min(k, steps) / steps)) / 2.

    Starts at ``start``, falls slowly, then fast, then slowly again to ``end`` at k = steps.

    >>> s = CosineDecay(1.0, 0.0, 100)
    >>> s(0), round(s(50), 6), s(100)          # cos 0 = 1, cos(pi/2) = 0, cos(pi) = -1
    (1.0, 0.5, 0.0)
    """

    def __init__(self, start: float, end: float = 0.0, steps: int = 100) -> None:
        self.start = _positive(start, "start")
        self.end = _non_negative(end, "end")
        self.steps = _steps(steps)

    def __call__(self, k: int) -> float:
        k = min(self._k(k), self.steps)
        return self.end + (self.start - self.end) * (1.0 + math.cos(math.pi * k / self.steps)) / 2

    def __repr__(self) -> str:
        return f"CosineDecay(start={self.start!r}, end={self.end!r}, steps={self.steps!r})"
