"""Switching between the fast path and the plain one, for the tests of the machinery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from micrograd_like import fast


@contextmanager
def path(fast_path: bool) -> Iterator[None]:
    """Run a block on the fast path or on the plain one, then put things back."""
    with fast.enabled(fast_path):
        yield


@contextmanager
def full_walk() -> Iterator[None]:
    """The fast path with pruning off: it walks every node, as the plain path does."""
    fast.walk.PRUNE = False
    try:
        yield
    finally:
        fast.walk.PRUNE = True
