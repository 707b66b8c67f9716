"""Bounds for tests of things that must finish at once: counted in work, not in seconds.

A test's verdict must not depend on the machine's speed: the same code passes on a
quiet laptop and on a class server with every core busy. So "refused at once" is
checked by counting what the code did, which is the same on every machine:

* :func:`line_budget` counts the lines of Python run inside a block, and stops the block
  as soon as it has run more than it may (an endless loop is stopped, not waited for);
* :func:`counting_reads` counts the bytes read from files with ``os.read``;
* :func:`wait_for` waits for a condition (a thread's or a browser's), and gives up only
  when the work it waits on (epochs trained, say) has not moved for :data:`HANG` s.

:func:`no_hang` remains for what no count can see, such as a call blocked in the
kernel (``open`` on a FIFO): a bound of :data:`HANG` seconds, which no honest run comes
near on a busy machine. Speed itself is measured by the scripts in ``benchmarks/``.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

import pytest

HANG = 120.0
"""Seconds after which a block counts as hung: far beyond any honest run, even when
eight other jobs share two cores (the blocks bounded so take a few seconds at most)."""


T = TypeVar("T")


class TookTooLong(BaseException):
    """Raised inside a block that ran past its bound (a BaseException, so that no
    ``except Exception`` in the code under test swallows it)."""


@contextmanager
def no_hang(what: str, seconds: float = HANG) -> Iterator[None]:
    """Fail the test, saying ``what`` hung, if the block is still running after
    ``seconds`` (:data:`HANG` by default; never less than 30 s). It interrupts even a
    blocking system call. POSIX only; elsewhere the block runs with no bound."""
    if seconds < 30.0:
        raise ValueError(f"a bound against a hang must be 30 s or more, got {seconds}")
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise TookTooLong(f"{what}: still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except TookTooLong as stuck:
        pytest.fail(str(stuck))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Count:
    """What a block did: ``n`` (lines run or bytes read, by the helper that made it)."""

    def __init__(self) -> None:
        self.n = 0


@contextmanager
def line_budget(lines: int, what: str) -> Iterator[Count]:
    """Run the block with a budget of ``lines`` lines of Python (any module's).

    The count is stopped at the first line over the budget and the test fails, saying
    how much ``what`` ran; C code (a ``sum`` over ``range``) is not counted, so for a
    block that could block or loop in C, use :func:`no_hang` as well.

    >>> with line_budget(100, "a short loop") as ran:
    ...     total = sum([i for i in range(10)])
    >>> ran.n < 100
    True
    """
    ran = Count()
    previous = sys.gettrace()

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            ran.n += 1
            if ran.n > lines:
                raise TookTooLong(f"{what}: ran more than {lines:,} lines of Python")
        return on_line

    sys.settrace(on_line)
    try:
        yield ran
    except TookTooLong as busy:
        pytest.fail(str(busy))
    finally:
        sys.settrace(previous)


@contextmanager
def counting_reads() -> Iterator[Count]:
    """Count the bytes that ``os.read`` returns inside the block (any file).

    >>> import tempfile
    >>> with tempfile.TemporaryFile() as f:
    ...     _ = f.write(b"abc")
    ...     _ = f.seek(0)
    ...     with counting_reads() as read:
    ...         _ = os.read(f.fileno(), 2)
    >>> read.n
    2
    """
    got = Count()
    real = os.read

    def read(fd: int, n: int) -> bytes:
        data = real(fd, n)
        got.n += len(data)
        return data

    os.read = read  # type: ignore[assignment]
    try:
        yield got
    finally:
        os.read = real


def wait_for(
    condition: Callable[[], T],
    what: str | Callable[[], str],
    progress: Callable[[], object] | None = None,
    seconds: float = HANG,
) -> T:
    """Poll ``condition()`` until it is true, and return its value.

    Fail the test, saying ``what`` was waited for (or what ``what()`` says, such as
    what the last look saw), when ``progress()`` (the work done so far: epochs trained,
    frames shown) has not changed for ``seconds``; without ``progress``, after
    ``seconds`` in all. So a slow machine takes longer, and only a run that stopped
    moving fails.

    >>> ticks = iter(range(100))
    >>> wait_for(lambda: next(ticks) >= 3, "three ticks")
    True
    """
    if seconds < 30.0:
        raise ValueError(f"a bound against a hang must be 30 s or more, got {seconds}")
    seen = progress() if progress is not None else None
    moved = time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        if progress is not None:
            now = progress()
            if now != seen:
                seen, moved = now, time.monotonic()
        if time.monotonic() - moved > seconds:
            said = what() if callable(what) else what
            if progress is None:
                pytest.fail(f"{said}: not within {seconds:g} s")
            pytest.fail(f"{said}: not reached, and nothing moved for {seconds:g} s (at {seen!r})")
        time.sleep(0.05)
