"""Switching between the fast path and the plain one, for the tests of the machinery."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from micrograd_like import fast


@contextmanager
def path(fast_path: bool) -> Iterator[None]:
    """Run a block on the fast path or on the plain one, then put things back."""
    was = fast.installed()
    if fast_path:
        fast.install()
    else:
        fast.uninstall()
    try:
        yield
    finally:
        if was:
            fast.install()
        else:
            fast.uninstall()
