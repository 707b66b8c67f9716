"""Bounds for tests of things that must finish at once: counted in work, not in seconds.

A test's verdict must not depend on the machine's speed: the same code passes on a
quiet laptop and on a class server with every core busy. So "refused at once" is
checked by counting what the code did, which is the same on every machine:

* :func:`line_budget` counts the lines of Python run inside a block, and stops the block
  as soon as it has run more than it may (an endless loop is stopped, not waited for);
* :func:`counting_reads` counts the bytes read from files with ``os.read``.

:func:`no_hang` remains for what no count can see, such as a call blocked in the
kernel (``open`` on a FIFO): a bound of :data:`HANG` seconds, which no honest run comes
near on a busy machine. Speed itself is measured by the scripts in ``benchmarks/``.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest

HANG = 60.0
"""Seconds after which a block counts as hung: far beyond any honest run, even when
eight other jobs share two cores (such runs take a few seconds at most)."""


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
