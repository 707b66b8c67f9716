"""Small seeded datasets to train on, in pure Python (no numpy).

Every generator returns ``(X, y)``: ``X`` a list of samples, each a list of floats, and
``y`` a list with one label per sample, an int class index 0..k-1 (classification) or a
float (regression). The same ``seed`` always gives the same data; each generator uses
its own ``random.Random(seed)`` and never touches the global ``random`` state.

>>> X, y = make_moons(4, noise=0.0, seed=0)
>>> len(X), len(X[0]), sorted(y)
(4, 2, [0, 0, 1, 1])
"""

from __future__ import annotations

import inspect
import math
import numbers
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from micrograd_like.checks import integer
from micrograd_like.checks import non_negative as _non_negative
from micrograd_like.checks import random_generator as _rng
from micrograd_like.checks import real as _as_float

__all__ = [
    "DATASETS",
    "Dataset",
    "load_digits",
    "make_blobs",
    "make_circles",
    "make_gaussians",
    "make_line",
    "make_moons",
    "make_multi_gaussian",
    "make_plane",
    "make_spiral",
    "make_xor",
    "one_hot",
    "signed_labels",
    "train_test_split",
]

Seed = int | random.Random | None
T = TypeVar("T")
U = TypeVar("U")


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _int(x: object, what: str, minimum: int) -> int:
    return integer(x, what, minimum=minimum)


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    """n evenly spaced numbers from start to stop (numpy's linspace)."""
    if n <= 1:
        return [start] * n
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def _shuffled(
    rng: random.Random, X: list[list[float]], y: list[T]
) -> tuple[list[list[float]], list[T]]:
    order = list(range(len(X)))
    rng.shuffle(order)
    return [X[i] for i in order], [y[i] for i in order]


def _jitter(rng: random.Random, X: list[list[float]], noise: float) -> list[list[float]]:
    """Add Gaussian noise with standard deviation ``noise`` to every coordinate."""
    if noise == 0.0:
        return X
    return [[v + rng.gauss(0.0, noise) for v in row] for row in X]


# --------------------------------------------------------------------------------------
# Classification in 2-D
# --------------------------------------------------------------------------------------


def make_moons(
    n_samples: int = 100, noise: float = 0.1, seed: Seed = 0
) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles (scikit-learn's construction), labels 0 and 1.

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t), t in [0, pi]; then
    Gaussian noise of standard deviation ``noise`` on each coordinate.

    >>> X, y = make_moons(2, noise=0.0)
    >>> sorted(zip(y, X))                 # t = 0 for both: (1, 0) and (0, 0.5)
    [(0, [1.0, 0.0]), (1, [0.0, 0.5])]
    """
    n = _int(n_samples, "n_samples", 1)
    sd = _non_negative(noise, "noise")
    rng = _rng(seed)
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    X += [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    y = [0] * n_out + [1] * n_in
    X, y = _shuffled(rng, X, y)
    return _jitter(rng, X, sd), y


def make_circles(
    n_samples: int = 100, noise: float = 0.05, factor: float = 0.5, seed: Seed = 0
) -> tuple[list[list[float]], list[int]]:
    """A circle of radius 1 (class 0) around a circle of radius ``factor`` (class 1).

    >>> X, y = make_circles(4, noise=0.0, factor=0.5)
    >>> sorted((label, [round(v, 6) for v in p]) for label, p in zip(y, X))[:2]
    [(0, [-1.0, 0.0]), (0, [1.0, 0.0])]
    """
    n = _int(n_samples, "n_samples", 1)
    sd = _non_negative(noise, "noise")
    f = _as_float(factor, "factor")
    if not 0.0 < f < 1.0:
        raise ValueError(f"factor must be between 0 and 1 (exclusive), got {f!r}")
    rng = _rng(seed)
    n_out = n // 2
    n_in = n - n_out
    X = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_out, False)]
    X += [[f * math.cos(t), f * math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_in, False)]
    y = [0] * n_out + [1] * n_in
    X, y = _shuffled(rng, X, y)
    return _jitter(rng, X, sd), y


def make_xor(
    n_samples: int = 100, noise: float = 0.1, seed: Seed = 0
) -> tuple[list[list[float]], list[int]]:
    """Points uniform in the square [-1, 1]^2; label 1 when x1 and x2 have different signs.

    The label is decided before the noise is added, so noisy points can cross an axis.
    No straight line separates the classes: it needs a hidden layer.

    >>> X, y = make_xor(200, noise=0.0, seed=1)
    >>> all(label == int((a > 0) != (b > 0)) for (a, b), label in zip(X, y))
    True
    """
    n = _int(n_samples, "n_samples", 1)
    sd = _non_negative(noise, "noise")
    rng = _rng(seed)
    X = [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in range(n)]
    y = [int((a > 0.0) != (b > 0.0)) for a, b in X]
    return _jitter(rng, X, sd), y


def _split_evenly(n: int, k: int) -> list[int]:
    """n samples over k groups: sizes n // k, the first n % k groups one more."""
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def make_spiral(
    n_samples: int = 300, classes: int = 3, noise: float = 0.2, seed: Seed = 0
) -> tuple[list[list[float]], list[int]]:
    """``classes`` interleaved spiral arms (the cs231n dataset), labels 0..classes-1.

    Arm j: radius r from 0 to 1, angle t from 4j to 4(j+1) radians plus Gaussian noise
    of standard deviation ``noise`` (on the angle); the point is (r sin t, r cos t).

    >>> X, y = make_spiral(6, classes=3, noise=0.0)
    >>> sorted(y)
    [0, 0, 1, 1, 2, 2]
    """
    k = _int(classes, "classes", 1)
    n = _int(n_samples, "n_samples", k)
    sd = _non_negative(noise, "noise")
    rng = _rng(seed)
    X: list[list[float]] = []
    y: list[int] = []
    for j, size in enumerate(_split_evenly(n, k)):
        for r, t in zip(_linspace(0.0, 1.0, size), _linspace(4.0 * j, 4.0 * (j + 1), size)):
            t += rng.gauss(0.0, sd) if sd else 0.0
            X.append([r * math.sin(t), r * math.cos(t)])
            y.append(j)
    return _shuffled(rng, X, y)


def make_blobs(
    n_samples: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    n_features: int = 2,
    cluster_std: float = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: Seed = 0,
) -> tuple[list[list[float]], list[int]]:
    """Gaussian blobs: class j is centre j plus noise of standard deviation cluster_std.

    ``centers`` is a number of blobs (their centres drawn uniformly in ``center_box``
    along each of ``n_features`` axes), or a list of centre points.

    >>> X, y = make_blobs(4, centers=[[0.0, 0.0], [5.0, 5.0]], cluster_std=0.0)
    >>> sorted(zip(y, X))
    [(0, [0.0, 0.0]), (0, [0.0, 0.0]), (1, [5.0, 5.0]), (1, [5.0, 5.0])]
    """
    n = _int(n_samples, "n_samples", 1)
    sd = _non_negative(cluster_std, "cluster_std")
    rng = _rng(seed)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = _int(centers, "centers", 1)
        d = _int(n_features, "n_features", 1)
        if not isinstance(center_box, (tuple, list)) or len(center_box) != 2:
            raise TypeError(f"center_box must be a pair (low, high), got {center_box!r}")
        low = _as_float(center_box[0], "center_box[0]")
        high = _as_float(center_box[1], "center_box[1]")
        if not low < high:
            raise ValueError(f"center_box must have low < high, got {center_box!r}")
        points = [[rng.uniform(low, high) for _ in range(d)] for _ in range(k)]
    elif isinstance(centers, (list, tuple)) and centers:
        points = []
        for j, c in enumerate(centers):
            if not isinstance(c, (list, tuple)) or not c:
                raise TypeError(f"centers[{j}] must be a non-empty list of numbers, got {c!r}")
            points.append([_as_float(v, f"centers[{j}][{i}]") for i, v in enumerate(c)])
            if len(points[j]) != len(points[0]):
                raise ValueError(
                    f"centers[{j}] has {len(points[j])} coordinates, centers[0] has "
                    f"{len(points[0])}; all centres need the same number"
                )
    else:
        raise TypeError(f"centers must be an int or a non-empty list of points, got {centers!r}")
    X: list[list[float]] = []
    y: list[int] = []
    for j, size in enumerate(_split_evenly(n, len(points))):
        for _ in range(size):
            X.append([c + (rng.gauss(0.0, sd) if sd else 0.0) for c in points[j]])
            y.append(j)
    return _shuffled(rng, X, y)


# --------------------------------------------------------------------------------------
# Regression
# --------------------------------------------------------------------------------------


def make_line(
    n_samples: int = 100,
    slope: float = 3.0,
    intercept: float = -1.0,
    noise: float = 0.1,
    seed: Seed = 0,
    x_range: tuple[float, float] = (-1.0, 1.0),
) -> tuple[list[list[float]], list[float]]:
    """Linear regression data: y = slope * x + intercept + Gaussian noise, x uniform in x_range.

    ``X`` holds one-feature samples ``[x]``; ``y`` holds floats.

    >>> X, y = make_line(3, noise=0.0)
    >>> all(abs(t - (3 * x - 1)) < 1e-12 for [x], t in zip(X, y))
    True
    """
    n = _int(n_samples, "n_samples", 1)
    a = _as_float(slope, "slope")
    b = _as_float(intercept, "intercept")
    sd = _non_negative(noise, "noise")
    if not isinstance(x_range, (tuple, list)) or len(x_range) != 2:
        raise TypeError(f"x_range must be a pair (low, high), got {x_range!r}")
    low, high = _as_float(x_range[0], "x_range[0]"), _as_float(x_range[1], "x_range[1]")
    if not low < high:
        raise ValueError(f"x_range must have low < high, got {x_range!r}")
    rng = _rng(seed)
    xs = [rng.uniform(low, high) for _ in range(n)]
    y = [a * x + b + (rng.gauss(0.0, sd) if sd else 0.0) for x in xs]
    return [[x] for x in xs], y


def _uniform_square(rng: random.Random, n: int) -> list[list[float]]:
    return [[rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0)] for _ in range(n)]


def _targets_at_jittered_points(
    rng: random.Random, X: list[list[float]], noise: float, target: Callable[[float, float], float]
) -> list[float]:
    """``target`` at each point moved by Gaussian noise of sd ``noise`` (TF Playground's way
    of making its regression data noisy: the inputs stay, the targets move)."""
    return [target(*(_jitter(rng, [p], noise)[0])) for p in X]


def make_plane(
    n_samples: int = 200, noise: float = 0.0, seed: Seed = 0
) -> tuple[list[list[float]], list[float]]:
    """A tilted plane (TF Playground's "plane"): y = (x1 + x2) / 2 over the square [-1, 1]^2.

    Two-feature regression with targets in [-1, 1]; with ``noise``, each target is the
    plane's height at the point moved by Gaussian noise of that standard deviation.

    >>> X, y = make_plane(3)
    >>> all(t == (a + b) / 2 for (a, b), t in zip(X, y))
    True
    """
    n = _int(n_samples, "n_samples", 1)
    sd = _non_negative(noise, "noise")
    rng = _rng(seed)
    X = _uniform_square(rng, n)
    return X, _targets_at_jittered_points(rng, X, sd, lambda a, b: (a + b) / 2)


_BUMPS = (
    (-2 / 3, 5 / 12, 1.0),
    (0.0, 5 / 12, -1.0),
    (2 / 3, 5 / 12, 1.0),
    (-2 / 3, -5 / 12, -1.0),
    (0.0, -5 / 12, 1.0),
    (2 / 3, -5 / 12, -1.0),
)
# make_multi_gaussian's six bumps: (centre x1, centre x2, height)


def _bumps(a: float, b: float) -> float:
    """The strongest of the six bumps at (a, b): height * max(0, 1 - 3 * distance)."""
    best = 0.0
    for cx, cy, height in _BUMPS:
        value = height * max(0.0, 1.0 - 3.0 * math.hypot(a - cx, b - cy))
        if abs(value) > abs(best):
            best = value
    return best


def make_multi_gaussian(
    n_samples: int = 200, noise: float = 0.0, seed: Seed = 0
) -> tuple[list[list[float]], list[float]]:
    """Six bumps of height +1 and -1 in two rows (TF Playground's "multi gaussian").

    Points uniform in [-1, 1]^2; the bumps are centred at x1 = -2/3, 0, 2/3 and
    x2 = 5/12 (heights +1, -1, +1) and x2 = -5/12 (heights -1, +1, -1). The target is
    the strongest bump there, ``height * max(0, 1 - 3 d)`` at distance d from its centre
    (0 a third away), so targets are in [-1, 1]. ``noise`` moves the point where
    the target is read, as in :func:`make_plane`.

    >>> _bumps(-2 / 3, 5 / 12), _bumps(0.0, 5 / 12 + 1 / 6), _bumps(1.0, 1.0)
    (1.0, -0.5, 0.0)
    """
    n = _int(n_samples, "n_samples", 1)
    sd = _non_negative(noise, "noise")
    rng = _rng(seed)
    X = _uniform_square(rng, n)
    return X, _targets_at_jittered_points(rng, X, sd, _bumps)


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _labels(y: object, where: str) -> Iterable[Any]:
    """``y`` if it is a list-like of labels, else a TypeError naming ``y``."""
    if isinstance(y, (str, bytes, Mapping)) or not isinstance(y, Iterable):
        raise TypeError(f"{where}: y must be a list of labels, got {type(y).__name__}")
    return y


def train_test_split(
    X: Sequence[T], y: Sequence[U], test_size: float = 0.2, seed: Seed = 0
) -> tuple[list[T], list[T], list[U], list[U]]:
    """Shuffle, then split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size`` is a fraction in (0, 1) (the test set gets ceil(test_size * n)
    samples) or an int number of test samples.

    >>> Xtr, Xte, ytr, yte = train_test_split(list(range(10)), list(range(10)), 0.2)
    >>> len(Xtr), len(Xte), sorted(Xtr + Xte) == list(range(10)), Xte == yte
    (8, 2, True, True)
    """
    try:
        n, ny = len(X), len(y)
    except TypeError:
        raise TypeError("X and y must be sequences (lists) of samples") from None
    if n != ny:
        raise ValueError(f"X has {n} samples but y has {ny}; they must be the same length")
    if n < 2:
        raise ValueError(f"train_test_split needs at least 2 samples, got {n}")
    if isinstance(test_size, bool):
        raise TypeError("test_size must be a fraction (float) or a count (int), got bool")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
        if not 1 <= n_test <= n - 1:
            raise ValueError(f"test_size as a count must be in 1..{n - 1}, got {n_test}")
    else:
        frac = _as_float(test_size, "test_size")
        if not 0.0 < frac < 1.0:
            raise ValueError(f"test_size as a fraction must be in (0, 1), got {frac!r}")
        n_test = min(max(math.ceil(frac * n), 1), n - 1)
    order = list(range(n))
    _rng(seed).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def signed_labels(y: Sequence[Any]) -> list[int]:
    """0/1 labels as -1/+1 (what the hinge loss wants): y -> 2y - 1.

    >>> signed_labels([0, 1, 1])
    [-1, 1, 1]
    """
    out = []
    for i, t in enumerate(_labels(y, "signed_labels")):
        if isinstance(t, bool) or t not in (0, 1):
            raise ValueError(f"signed_labels: y[{i}] must be 0 or 1, got {t!r}")
        out.append(2 * int(t) - 1)
    return out


def one_hot(y: Sequence[int], num_classes: int | None = None) -> list[list[float]]:
    """Class indices as one-hot rows: 2 of 3 classes -> [0.0, 0.0, 1.0].

    >>> one_hot([0, 2], num_classes=3)
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    labels = [_int(t, f"y[{i}]", 0) for i, t in enumerate(_labels(y, "one_hot"))]
    k = (
        (max(labels) + 1 if labels else 0)
        if num_classes is None
        else _int(num_classes, "num_classes", 1)
    )
    rows = []
    for i, t in enumerate(labels):
        if t >= k:
            raise ValueError(f"y[{i}] = {t} is out of range for num_classes={k}")
        row = [0.0] * k
        row[t] = 1.0
        rows.append(row)
    return rows


def load_digits() -> tuple[list[list[float]], list[int]]:
    """scikit-learn's 8x8 handwritten digits: 1797 samples of 64 pixels in [0, 1], labels 0..9.

    Each image is flattened row by row to 64 floats, pixel / 16 (the raw values are
    0..16). Needs scikit-learn: ``pip install 'micrograd-like[notebooks]'``.
    """
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as exc:
        raise ImportError(
            "load_digits needs scikit-learn; install it with "
            "pip install 'micrograd-like[notebooks]'"
        ) from exc
    digits = _sk_load_digits()
    X = [[float(v) / 16.0 for v in row] for row in digits.data.tolist()]
    y = [int(t) for t in digits.target.tolist()]
    return X, y


def make_gaussians(
    n_samples: int = 200, noise: float = 0.0, seed: Seed = 0
) -> tuple[list[list[float]], list[int]]:
    """Two round Gaussian clusters (TF Playground's): class 0 at (-0.5, -0.5), class 1 at
    (0.5, 0.5), each of standard deviation 0.15 + ``noise``.

    >>> X, y = make_gaussians(4, seed=0)
    >>> sorted(y), all((a + b < 0) == (label == 0) for (a, b), label in zip(X, y))
    ([0, 0, 1, 1], True)
    """
    spread = 0.15 + _non_negative(noise, "noise")
    return make_blobs(n_samples, centers=[[-0.5, -0.5], [0.5, 0.5]], cluster_std=spread, seed=seed)


def _two_spirals(
    n_samples: int = 200, noise: float = 0.2, seed: Seed = 0
) -> tuple[list[list[float]], list[int]]:
    """:func:`make_spiral` with two arms, labels 0 and 1 (TF Playground's spiral)."""
    return make_spiral(n_samples, classes=2, noise=noise, seed=seed)


def _digits(n_samples: int = 1797, seed: Seed = 0) -> tuple[list[list[float]], list[int]]:
    """The first ``n_samples`` of :func:`load_digits` (a fixed set: ``seed`` is unused)."""
    X, y = load_digits()
    n = integer(n_samples, "n_samples", minimum=1)
    return X[:n], y[:n]


@dataclass(frozen=True)
class Dataset:
    """One dataset of :data:`DATASETS`: how to make it, its kind of problem, in one line.

    ``task`` is ``"binary"`` (labels 0 and 1), ``"multiclass"`` (labels 0..k-1) or
    ``"regression"`` (a float target); ``inputs`` is the length of each sample. Call it
    as ``dataset(n_samples, seed=seed)``, and ``noise=`` where the data has noise.

    >>> DATASETS["xor"].task, DATASETS["xor"].inputs
    ('binary', 2)
    """

    make: Callable[..., tuple[list[list[float]], list[Any]]]
    task: str
    inputs: int
    about: str

    @property
    def has_noise(self) -> bool:
        """Whether ``make`` takes a ``noise`` (the digits and the blobs do not)."""
        return "noise" in inspect.signature(self.make).parameters

    def __call__(
        self, n_samples: int, *, seed: Seed = 0, noise: float | None = None
    ) -> tuple[list[list[float]], list[Any]]:
        if noise is None:
            return self.make(n_samples, seed=seed)
        if not self.has_noise:
            raise TypeError(f"{self.make.__name__} has no noise to set (noise={noise!r})")
        return self.make(n_samples, noise=noise, seed=seed)


DATASETS: dict[str, Dataset] = {
    "moons": Dataset(make_moons, "binary", 2, "two interleaving half circles (micrograd's demo)"),
    "circles": Dataset(make_circles, "binary", 2, "a circle inside a circle"),
    "xor": Dataset(make_xor, "binary", 2, "label 1 where x1 and x2 have different signs"),
    "gaussians": Dataset(make_gaussians, "binary", 2, "two round clusters (TF Playground's)"),
    "two_spirals": Dataset(_two_spirals, "binary", 2, "two spiral arms (TF Playground's)"),
    "spiral": Dataset(make_spiral, "multiclass", 2, "three interleaved spiral arms (cs231n)"),
    "blobs": Dataset(make_blobs, "multiclass", 2, "three Gaussian blobs"),
    "line": Dataset(make_line, "regression", 1, "y = 3x - 1 + noise (linear regression)"),
    "plane": Dataset(
        make_plane, "regression", 2, "a tilted plane, y = (x1 + x2) / 2 (TF Playground's)"
    ),
    "multi_gaussian": Dataset(
        make_multi_gaussian, "regression", 2, "six bumps of height +1 and -1 (TF Playground's)"
    ),
    "digits": Dataset(
        _digits, "multiclass", 64, "8x8 handwritten digits (scikit-learn), 64 inputs, 10 classes"
    ),
}
"""Every dataset by name, each made as ``DATASETS[name](n_samples, seed=seed)``: the one
table the command line's ``train --dataset`` and the Playground's buttons read.

>>> X, y = DATASETS["moons"](4, seed=0)
>>> len(X), sorted(set(y))
(4, [0, 1])
"""
