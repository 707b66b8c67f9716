"""Checking the arguments users hand us: one home for the argument checks.

Each check returns the cleaned value or raises a TypeError (wrong kind of thing) or a
ValueError (right kind, bad value) whose message names the argument.

>>> real(3, "lr")
3.0
>>> positive(-1, "lr")
Traceback (most recent call last):
ValueError: lr must be > 0, got -1.0
>>> integer(0, "epochs", minimum=1)
Traceback (most recent call last):
ValueError: epochs must be >= 1, got 0
>>> choice("gelu", ("relu", "tanh"), "activation")
Traceback (most recent call last):
ValueError: unknown activation 'gelu'; valid: relu, tanh
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterable
from typing import Any

__all__ = [
    "boolean",
    "children",
    "choice",
    "fraction",
    "integer",
    "layer_sizes",
    "names",
    "non_empty",
    "non_negative",
    "positive",
    "random_generator",
    "real",
    "size",
    "weight_generator",
]


def real(x: object, what: str, *, expected: str = "a real number (int or float)") -> float:
    """``x`` as a finite float, or a TypeError/ValueError that names ``what``.

    A bool is refused: it is almost always a mistake where a number is meant.
    ``expected`` words the TypeError ("x must be <expected>, got str: 'a'").
    """
    if type(x) is float:
        f = x
    elif isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be {expected}, got {type(x).__name__}: {x!r}")
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


def positive(x: object, what: str) -> float:
    """``x`` as a finite float > 0, or an error that names ``what``."""
    f = real(x, what)
    if f <= 0.0:
        raise ValueError(f"{what} must be > 0, got {f!r}")
    return f


def non_negative(x: object, what: str) -> float:
    """``x`` as a finite float >= 0, or an error that names ``what``."""
    f = real(x, what)
    if f < 0.0:
        raise ValueError(f"{what} must be >= 0, got {f!r}")
    return f


def fraction(x: object, what: str) -> float:
    """``x`` as a float in [0, 1), such as a share of the data or Adam's beta."""
    f = real(x, what)
    if not 0.0 <= f < 1.0:
        raise ValueError(f"{what} must be in [0, 1), got {f!r}")
    return f


def between(x: object, what: str, low: float, high: float) -> float:
    """``x`` as a float in [low, high], such as a slider's value.

    >>> between(0.25, "noise", 0.0, 0.5)
    0.25
    """
    f = real(x, what, expected="a number")
    if not low <= f <= high:
        raise ValueError(f"{what} must be in [{low}, {high}], got {f!r}")
    return f


def _is_int(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def integer(x: object, what: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``x`` as an int (a bool or a float is refused), within the bounds given.

    >>> integer(3, "epochs", minimum=1)
    3
    >>> integer(0, "precision", minimum=1, maximum=17)
    Traceback (most recent call last):
    ValueError: precision must be between 1 and 17, got 0
    """
    if not _is_int(x):
        raise TypeError(f"{what} must be an int, got {type(x).__name__}: {x!r}")
    n = int(x)  # type: ignore[call-overload]
    if minimum is not None and maximum is not None and not minimum <= n <= maximum:
        raise ValueError(f"{what} must be between {minimum} and {maximum}, got {n}")
    if minimum is not None and n < minimum:
        raise ValueError(f"{what} must be >= {minimum}, got {n}")
    return n


def size(x: object, what: str) -> int:
    """``x`` as a positive int, a size such as a layer's number of neurons.

    >>> size(16, "nout")
    16
    """
    if not _is_int(x):
        raise TypeError(f"{what} must be a positive int, got {type(x).__name__}: {x!r}")
    if x <= 0:  # type: ignore[operator]
        raise ValueError(f"{what} must be a positive int, got {x!r}")
    return int(x)  # type: ignore[call-overload]


def boolean(x: object, what: str) -> bool:
    """``x`` if it is True or False (not 0, 1 or None)."""
    if not isinstance(x, bool):
        raise TypeError(f"{what} must be a bool, got {type(x).__name__}: {x!r}")
    return x


def choice(x: object, valid: Iterable[str], what: str) -> str:
    """``x`` if it is one of the names ``valid``, else an error listing them."""
    names = list(valid)
    if not isinstance(x, str):
        raise TypeError(f"{what} must be a str, one of {names}, got {type(x).__name__}")
    if x not in names:
        raise ValueError(f"unknown {what} {x!r}; valid: {', '.join(names)}")
    return x


def non_empty(xs: object, what: str) -> list[Any]:
    """``xs`` (a list, tuple or other iterable, not a str or a dict) as a non-empty list."""
    if isinstance(xs, (str, bytes, dict)) or not isinstance(xs, Iterable):
        raise TypeError(f"{what} must be a list, got {type(xs).__name__}")
    out = list(xs)
    if not out:
        raise ValueError(f"{what} needs at least one value, got an empty sequence")
    return out


def random_generator(seed: object, what: str = "seed") -> random.Random:
    """A private random generator: from an int seed (None: unseeded), or ``seed`` itself
    when it is a ``random.Random``."""
    if isinstance(seed, random.Random):
        return seed
    if seed is not None and not _is_int(seed):
        raise TypeError(
            f"{what} must be an int, a random.Random or None, got {type(seed).__name__}: {seed!r}"
        )
    return random.Random(None if seed is None else int(seed))  # type: ignore[call-overload]


def weight_generator(rng: random.Random | None, seed: int | None) -> random.Random:
    """Where to draw weights from: ``rng``, ``Random(seed)``, or the ``random`` module.

    Without ``seed`` or ``rng`` the draws come from the ``random`` module's global
    generator, as in micrograd, so ``random.seed(1337)`` before building a model makes
    the same model every time.
    """
    if rng is not None and seed is not None:
        raise ValueError("give either seed or rng, not both")
    if rng is not None:
        if not isinstance(rng, random.Random):
            raise TypeError(f"rng must be a random.Random instance, got {type(rng).__name__}")
        return rng
    if seed is None:
        return random._inst  # the generator behind random.seed()
    return random.Random(integer(seed, "seed"))


def children(xs: object, kind: type) -> tuple[Any, ...]:
    """A node's ``_children`` as a tuple of ``kind`` (Values), or a TypeError naming the
    first that is not one.

    >>> children([], object)
    ()
    >>> children("ab", object)
    Traceback (most recent call last):
    TypeError: Value _children must be a tuple of Values, got str: 'ab' (a label goes in label=...)
    """
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Iterable):
        raise TypeError(
            f"Value _children must be a tuple of Values, got {type(xs).__name__}: "
            f"{xs!r} (a label goes in label=...)"
        )
    out = tuple(xs)
    for i, c in enumerate(out):
        if not isinstance(c, kind):
            raise TypeError(f"Value _children[{i}] must be a Value, got {type(c).__name__}")
    return out


def names(op: object, label: object) -> None:
    """Refuse a node's ``_op`` or ``label`` that is not a str."""
    if not isinstance(op, str):
        raise TypeError(f"Value _op must be a str, got {type(op).__name__}: {op!r}")
    if not isinstance(label, str):
        raise TypeError(f"Value label must be a str, got {type(label).__name__}: {label!r}")


def layer_sizes(
    value: object, what: str, *, most_layers: int | None = None, most_neurons: int | None = None
) -> tuple[int, ...]:
    """Hidden-layer sizes from ``(8, 8)``, ``[16]`` or the text ``"16, 16"`` (``""``,
    ``"none"`` or ``()``: no hidden layer), each checked, within the limits given.

    >>> layer_sizes("16,16", "hidden"), layer_sizes([3], "hidden"), layer_sizes("none", "hidden")
    ((16, 16), (3,), ())
    >>> layer_sizes("8, x", "hidden")
    Traceback (most recent call last):
    ValueError: hidden must be layer sizes like '16, 16' (or 'none'), got '8, x'
    """
    if isinstance(value, str):
        words: list[Any] = [w for w in value.replace(",", " ").split() if w]
        if value.strip().lower() == "none":
            words = []
        if any(not w.isdigit() for w in words):
            raise ValueError(f"{what} must be layer sizes like '16, 16' (or 'none'), got {value!r}")
        words = [int(w) for w in words]
    elif isinstance(value, (list, tuple)):
        words = list(value)
    else:
        raise TypeError(f"{what} must be a list like (8, 8) or the text '8, 8', got {value!r}")
    if most_layers is not None and len(words) > most_layers:
        raise ValueError(f"at most {most_layers} hidden layers, got {len(words)}")
    if most_neurons is None:
        return tuple(size(w, f"each {what} layer size") for w in words)
    return tuple(
        integer(w, f"each {what} layer size", minimum=1, maximum=most_neurons) for w in words
    )
