"""A bound on how long a block may run, for tests of things that once hung."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


class TookTooLong(BaseException):
    """Raised by :func:`deadline` (a BaseException, so no ``except Exception`` hides it)."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block if it runs longer than ``seconds`` (even a blocking open).

    POSIX only; elsewhere the block runs with no limit.
    """
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
