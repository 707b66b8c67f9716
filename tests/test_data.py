"""Toy datasets: shapes, geometry, reproducibility, argument checks."""

from __future__ import annotations

import math
import random
import sys

import pytest

from micrograd_like import data
from micrograd_like.data import (
    load_digits,
    make_blobs,
    make_circles,
    make_line,
    make_moons,
    make_multi_gaussian,
    make_plane,
    make_spiral,
    make_xor,
    one_hot,
    signed_labels,
    train_test_split,
)

CLASSIFIERS = {
    "moons": (lambda **kw: make_moons(**kw), {0, 1}),
    "circles": (lambda **kw: make_circles(**kw), {0, 1}),
    "xor": (lambda **kw: make_xor(**kw), {0, 1}),
    "spiral": (lambda **kw: make_spiral(**kw), {0, 1, 2}),
    "blobs": (lambda **kw: make_blobs(**kw), {0, 1, 2}),
}


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_classification_sets_have_the_promised_shape(name):
    make, labels = CLASSIFIERS[name]
    X, y = make(n_samples=60, seed=3)
    assert len(X) == len(y) == 60
    assert all(type(row) is list and len(row) == 2 for row in X)
    assert all(type(v) is float and math.isfinite(v) for row in X for v in row)
    assert all(type(t) is int for t in y)
    assert set(y) == labels


@pytest.mark.parametrize("name", sorted(CLASSIFIERS))
def test_same_seed_same_data_and_global_random_untouched(name):
    make, _ = CLASSIFIERS[name]
    random.seed(1234)
    before = random.getstate()
    a = make(n_samples=30, seed=7)
    b = make(n_samples=30, seed=7)
    c = make(n_samples=30, seed=8)
    assert random.getstate() == before
    assert a == b
    assert a != c
    # an injected Random is used as is
    assert make(n_samples=30, seed=random.Random(7)) == a


def test_moons_lie_on_two_half_circles_without_noise():
    # class 0: (cos t, sin t), radius 1 around (0, 0), upper half
    # class 1: (1 - cos t, 0.5 - sin t), radius 1 around (1, 0.5), lower half
    X, y = make_moons(50, noise=0.0)
    for (a, b), t in zip(X, y):
        cx, cy = (0.0, 0.0) if t == 0 else (1.0, 0.5)
        assert math.hypot(a - cx, b - cy) == pytest.approx(1.0)
        assert (b >= -1e-12) if t == 0 else (b <= 0.5 + 1e-12)
    assert y.count(0) == 25 and y.count(1) == 25


def test_moons_odd_count_puts_the_extra_point_in_class_1():
    # scikit-learn's rule: n_out = n // 2, n_in = n - n_out
    _, y = make_moons(7, noise=0.0)
    assert (y.count(0), y.count(1)) == (3, 4)
    X, y = make_moons(1, noise=0.0)
    assert y == [1] and X == [[0.0, 0.5]]  # 1 - cos 0, 0.5 - sin 0


def test_circles_radii():
    X, y = make_circles(40, noise=0.0, factor=0.3)
    for (a, b), t in zip(X, y):
        assert math.hypot(a, b) == pytest.approx(1.0 if t == 0 else 0.3)


def test_xor_labels_follow_the_quadrant():
    X, y = make_xor(100, noise=0.0)
    assert all(t == int((a > 0) != (b > 0)) for (a, b), t in zip(X, y))
    assert all(-1 <= v <= 1 for row in X for v in row)


def test_spiral_arms_and_class_sizes():
    # 10 samples over 3 classes: 4, 3, 3; radii from 0 to 1 on each arm
    X, y = make_spiral(10, classes=3, noise=0.0)
    assert [y.count(k) for k in range(3)] == [4, 3, 3]
    radii = sorted(math.hypot(a, b) for (a, b), t in zip(X, y) if t == 0)
    assert radii == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    with pytest.raises(ValueError, match="n_samples must be >= 3"):
        make_spiral(2, classes=3)


def test_blobs_with_given_centers_and_no_spread():
    X, y = make_blobs(6, centers=[[1.0, 2.0, 3.0], [-1.0, 0.0, 0.5]], cluster_std=0.0)
    assert all(row == ([1.0, 2.0, 3.0] if t == 0 else [-1.0, 0.0, 0.5]) for row, t in zip(X, y))
    X, y = make_blobs(9, centers=3, n_features=4, center_box=(0.0, 1.0))
    assert len(X[0]) == 4 and set(y) == {0, 1, 2}
    with pytest.raises(ValueError, match=r"centers\[1\] has 1 coordinates"):
        make_blobs(4, centers=[[0.0, 0.0], [1.0]])
    with pytest.raises(ValueError, match="center_box must have low < high"):
        make_blobs(4, center_box=(1.0, 1.0))


def test_line_is_exact_without_noise_and_noisy_with_it():
    X, y = make_line(20, slope=3.0, intercept=-1.0, noise=0.0)
    assert all(t == pytest.approx(3 * x - 1) for [x], t in zip(X, y))
    assert all(type(t) is float for t in y)
    X, y = make_line(2000, noise=0.5, seed=1, x_range=(0.0, 2.0))
    residuals = [t - (3 * x - 1) for [x], t in zip(X, y)]
    mean = sum(residuals) / len(residuals)
    sd = math.sqrt(sum((r - mean) ** 2 for r in residuals) / len(residuals))
    assert abs(mean) < 0.05 and sd == pytest.approx(0.5, rel=0.1)
    assert all(0.0 <= x <= 2.0 for [x] in X)


def test_plane_is_the_mean_of_the_two_inputs_and_noise_moves_where_it_is_read():
    X, y = make_plane(50, seed=2)
    assert all(-1.0 <= v <= 1.0 for row in X for v in row)
    assert all(t == (a + b) / 2 for (a, b), t in zip(X, y))  # (x1 + x2) / 2, exactly
    X, y = make_plane(2000, noise=0.2, seed=2)
    # the target at the point moved by (e1, e2): (x1 + x2)/2 + (e1 + e2)/2, whose
    # noise has sd sqrt(0.2**2 + 0.2**2) / 2 = 0.1414
    residuals = [t - (a + b) / 2 for (a, b), t in zip(X, y)]
    sd = math.sqrt(sum(r * r for r in residuals) / len(residuals))
    assert sd == pytest.approx(0.2 * math.sqrt(2) / 2, rel=0.1)
    assert make_plane(10, seed=5) == make_plane(10, seed=5) != make_plane(10, seed=6)


def test_multi_gaussian_has_six_bumps_of_alternating_sign():
    # a bump's height at distance d from its centre is h * max(0, 1 - 3d): 1 at the centre
    # (-2/3, 5/12), -0.5 a sixth above the centre (0, 5/12) of the -1 bump, 0 far away
    X, y = make_multi_gaussian(400, seed=1)
    assert all(-1.0 <= t <= 1.0 for t in y) and min(y) < -0.8 and max(y) > 0.8
    assert all(type(t) is float for t in y)
    upper_left = [t for (a, b), t in zip(X, y) if math.hypot(a + 2 / 3, b - 5 / 12) < 0.2]
    upper_middle = [t for (a, b), t in zip(X, y) if math.hypot(a, b - 5 / 12) < 0.2]
    assert upper_left and all(t > 0.39 for t in upper_left)  # 1 - 3 * 0.2 = 0.4
    assert upper_middle and all(t < -0.39 for t in upper_middle)
    assert data.DATASETS["multi_gaussian"].make is make_multi_gaussian
    assert data.DATASETS["plane"].make is make_plane


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: make_moons(0), ValueError, "n_samples must be >= 1, got 0"),
        (lambda: make_moons(-5), ValueError, "n_samples must be >= 1"),
        (lambda: make_moons(10.0), TypeError, "n_samples must be an int, got float"),
        (lambda: make_moons(True), TypeError, "n_samples must be an int, got bool"),
        (lambda: make_moons(10, noise=-0.1), ValueError, "noise must be >= 0"),
        (lambda: make_moons(10, noise=math.nan), ValueError, "noise must be a finite number"),
        (lambda: make_moons(10, seed="a"), TypeError, "seed must be an int"),
        (lambda: make_circles(10, factor=1.0), ValueError, "factor must be between 0 and 1"),
        (lambda: make_spiral(10, classes=0), ValueError, "classes must be >= 1"),
        (lambda: make_blobs(10, cluster_std=-1.0), ValueError, "cluster_std must be >= 0"),
        (lambda: make_blobs(10, centers="3"), TypeError, "centers must be an int or"),
        (lambda: make_line(10, slope=math.inf), ValueError, "slope must be a finite number"),
        (lambda: make_line(10, x_range=(1.0, 0.0)), ValueError, "x_range must have low < high"),
        (lambda: make_xor(10, noise=True), TypeError, "noise must be a real number"),
        (lambda: make_plane(0), ValueError, "n_samples must be >= 1, got 0"),
        (lambda: make_multi_gaussian(10, noise=-1.0), ValueError, "noise must be >= 0"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


# --------------------------------------------------------------------------------------
# train_test_split and label helpers
# --------------------------------------------------------------------------------------


def test_train_test_split_keeps_pairs_together():
    X = [[float(i)] for i in range(10)]
    y = list(range(10))
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, seed=1)
    assert (len(Xtr), len(Xte)) == (7, 3)  # ceil(0.3 * 10)
    assert sorted(ytr + yte) == y
    assert all(row == [float(t)] for row, t in zip(Xtr + Xte, ytr + yte))
    assert train_test_split(X, y, test_size=0.3, seed=1) == (Xtr, Xte, ytr, yte)
    assert train_test_split(X, y, test_size=2)[1].__len__() == 2


def test_train_test_split_errors():
    with pytest.raises(ValueError, match="X has 3 samples but y has 2"):
        train_test_split([[1.0], [2.0], [3.0]], [0, 1])
    with pytest.raises(ValueError, match="at least 2 samples"):
        train_test_split([[1.0]], [0])
    with pytest.raises(ValueError, match=r"test_size as a fraction must be in \(0, 1\)"):
        train_test_split([[1.0], [2.0]], [0, 1], test_size=1.5)
    with pytest.raises(ValueError, match=r"test_size as a count must be in 1..1"):
        train_test_split([[1.0], [2.0]], [0, 1], test_size=2)
    with pytest.raises(TypeError, match="got bool"):
        train_test_split([[1.0], [2.0]], [0, 1], test_size=True)


def test_signed_labels_and_one_hot():
    # 0/1 -> -1/+1 for the hinge loss; class indices -> one-hot rows for mse
    assert signed_labels([0, 1, 1, 0]) == [-1, 1, 1, -1]
    with pytest.raises(ValueError, match=r"y\[1\] must be 0 or 1, got 2"):
        signed_labels([0, 2])
    with pytest.raises(ValueError, match=r"y\[0\] must be 0 or 1, got True"):
        signed_labels([True])
    assert one_hot([1, 0]) == [[0.0, 1.0], [1.0, 0.0]]
    assert one_hot([1], num_classes=3) == [[0.0, 1.0, 0.0]]
    with pytest.raises(ValueError, match="out of range for num_classes=2"):
        one_hot([2], num_classes=2)


# --------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------


def test_load_digits_is_scaled_and_flattened():
    pytest.importorskip("sklearn")
    X, y = load_digits()
    assert len(X) == len(y) == 1797
    assert all(len(row) == 64 for row in X)
    assert min(min(row) for row in X) == 0.0 and max(max(row) for row in X) == 1.0  # /16
    assert set(y) == set(range(10)) and all(type(t) is int for t in y)
    assert all(type(v) is float for v in X[0])


def test_load_digits_without_sklearn_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # import now fails
    with pytest.raises(ImportError, match=r"pip install 'micrograd-like\[notebooks\]'"):
        data.load_digits()
