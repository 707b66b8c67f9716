"""Comparing with PyTorch in float64: one function for every test that does.

:func:`agrees_with_torch` runs the same function on our Values and on a float64 tensor,
backpropagates both, and asserts that the values and every input's gradient agree. It
skips the test where torch is not installed (``make test WITH_TORCH=1`` installs it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from micrograd_like.engine import Value


def agrees_with_torch(
    ours: Callable[[list[Value]], Value],
    theirs: Callable[[Any], Any],
    xs: Sequence[float],
    rel: float = 1e-12,
    abs: float = 1e-14,  # noqa: A002 - pytest.approx's own name
) -> None:
    """``ours(values)`` and ``theirs(tensor)`` at ``xs``: the same value and gradients.

    ``theirs`` gets one float64 tensor of all the inputs (index it, ``t[0]``, for one).
    """
    torch = pytest.importorskip("torch", reason="torch is not installed: `make test WITH_TORCH=1`")
    vs = [Value(x) for x in xs]
    out = ours(vs)
    out.backward()
    t = torch.tensor(list(xs), dtype=torch.float64, requires_grad=True)
    ref = theirs(t)
    ref.backward()
    where = f"{getattr(theirs, '__name__', theirs)} at {list(xs)}"
    assert out.data == pytest.approx(ref.item(), rel=rel, abs=abs), where
    assert [v.grad for v in vs] == pytest.approx(t.grad.tolist(), rel=rel, abs=abs), where
