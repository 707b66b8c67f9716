"""Running a learner's code without trusting it: a time limit, captured output, and an
exception turned into one sentence that names the learner's own line.

:func:`run_guarded` calls a function in a *worker process* forked from this one, so a
class defined in a notebook cell is there as it is here, with no pickling. The parent
waits at most ``timeout`` seconds and then kills the worker: an endless loop in a
learner's ``backward()`` costs that long, and the rest of the report still comes. The
worker's output goes into a buffer that keeps the first :data:`OUTPUT_LIMIT` characters
and counts the rest, and its memory is capped, so printing in ``__add__`` or a runaway
list cannot flood or exhaust the machine. Whatever the learner's code does to its class
in the worker stays in the worker.

Where ``os.fork`` is missing (Windows) or unsafe (macOS, whose system libraries do not
survive a fork), the call runs in this process instead, under a trace function that counts
opcodes and raises once the time is up (which makes it several times slower): an
endless Python loop still stops, and output is still
captured and cut, but a hang inside one C call (``2 ** 10 ** 10``) cannot be
interrupted, and what the call changes is not undone by this module.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import linecache
import os
import pickle
import select
import signal
import sys
import sysconfig
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

__all__ = [
    "OUTPUT_LIMIT", "TIMEOUT", "CappedText", "Run", "describe_error", "progress", "run_guarded",
]  # fmt: skip

TIMEOUT = 5.0
"""Seconds one guarded call may take, by default."""

OUTPUT_LIMIT = 2000
"""Characters of a learner's output that are kept; the rest is only counted."""

_MEMORY_HEADROOM = 1 << 30  # a worker may grow by 1 GiB past what it started with
_CHECKER = Path(__file__).resolve().parent  # frames in here are ours, not the learner's
_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


class CappedText(io.TextIOBase):
    """A text stream that keeps the first ``limit`` characters written and counts all.

    >>> out = CappedText(5)
    >>> print("hello world", file=out)
    >>> out.text(), out.total
    ('hello', 12)
    """

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        self.limit = limit
        self.total = 0
        self._kept: list[str] = []
        self._size = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        s = str(s)
        room = self.limit - self._size
        if room > 0:
            self._kept.append(s[:room])
            self._size += min(room, len(s))
        self.total += len(s)
        return len(s)

    def text(self) -> str:
        return "".join(self._kept)


@dataclass
class Run:
    """What one guarded call gave: its value, or the error, time-out or crash instead."""

    value: Any = None
    error: dict[str, str] | None = None  # describe_error's fields
    timed_out: bool = False
    crashed: str = ""  # the worker died without answering: how
    output: str = ""
    output_total: int = 0
    progress: list[str] = field(default_factory=list)  # what the call said with progress()

    @property
    def ok(self) -> bool:
        return self.error is None and not self.timed_out and not self.crashed


def _learner_frame(tb: TracebackType | None) -> tuple[FrameType, int] | None:
    """The innermost frame of the traceback that is neither this checker nor the stdlib."""
    found = None
    for frame, lineno in traceback.walk_tb(tb):
        name = frame.f_code.co_filename
        if name.startswith("<frozen"):
            continue
        path = Path(name)
        if path.is_absolute():
            resolved = path.resolve()
            if resolved.is_relative_to(_CHECKER) or resolved.is_relative_to(_STDLIB):
                continue
        found = (frame, lineno)
    return found


def _where(tb: TracebackType | None) -> str:
    found = _learner_frame(tb)
    if found is None:
        return ""
    frame, lineno = found
    code = frame.f_code
    line = linecache.getline(code.co_filename, lineno, frame.f_globals).strip()
    place = f"line {lineno}"
    filename = Path(code.co_filename)
    if filename.is_file() and "ipykernel" not in str(filename):  # a notebook cell has no file
        place = f"{filename.name}:{lineno}"
    function = "" if code.co_name == "<module>" else f"in {code.co_name}, "
    return f"{function}{place}: {line}" if line else f"{function}{place}"


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_error(
    error: BaseException, owner: type | tuple[type, ...] | None = None
) -> dict[str, str]:
    """An exception as plain words: its type, its message, and the learner's line.

    ``missing`` names the attribute when an object of ``owner`` lacks it (an op the
    class has not written yet).
    """
    try:
        message = str(error)
    except Exception:  # a learner's exception whose __str__ raises
        message = "(its message could not be read)"
    info = {
        "type": type(error).__name__,
        "message": _short(message),
        "where": _where(error.__traceback__),
    }
    if isinstance(error, AttributeError) and owner is not None:
        obj, name = getattr(error, "obj", None), getattr(error, "name", None)
        if isinstance(obj, owner) and name:
            info["missing"] = str(name)
    return info


_SINK: list[Callable[[str], None]] = []  # where progress() sends its words, during a call


def progress(message: str) -> None:
    """Note ``message`` so that it survives the call: a call that runs out of time still
    tells the parent how far it got (which op it had entered, say)."""
    if _SINK:
        _SINK[-1](message)


class _OutOfTime(BaseException):
    """Raised into the learner's code when an in-process call runs past its time."""


def _guarded(call: Callable[[], Any], owner: type | tuple[type, ...] | None) -> Run:
    try:
        return Run(value=call())
    except _OutOfTime:
        return Run(timed_out=True)
    except RecursionError as error:  # its traceback is too long to be worth walking
        return Run(error={"type": "RecursionError", "message": _short(str(error)), "where": ""})
    except BaseException as error:  # the learner's code: anything, even SystemExit
        if isinstance(error, KeyboardInterrupt) and os.getpid() == _PARENT[0]:
            raise
        return Run(error=describe_error(error, owner))


_PARENT = [os.getpid()]  # the process that imported this module: its Ctrl-C is the user's


def fork_is_usable() -> bool:
    """Whether a worker can be forked: POSIX with ``os.fork``, but not macOS."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def run_guarded(
    call: Callable[[], Any],
    timeout: float = TIMEOUT,
    owner: type | tuple[type, ...] | None = None,
    isolate: bool | None = None,
) -> Run:
    """``call()`` with a time limit and captured output; never raises its errors.

    ``isolate`` picks a forked worker (True) or this process (False); by default a
    worker wherever :func:`fork_is_usable`.

    >>> run_guarded(lambda: 6 * 7).value
    42
    >>> run_guarded(lambda: 1 / 0).error["type"]
    'ZeroDivisionError'
    """
    if isolate is None:
        isolate = fork_is_usable()
    if isolate:
        return _run_forked(call, timeout, owner)
    return _run_inline(call, timeout, owner)


# --------------------------------------------------------------------------------------
# In a forked worker
# --------------------------------------------------------------------------------------


def _cap_memory() -> None:
    try:
        import resource

        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + _MEMORY_HEADROOM
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or limit < soft:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):  # no /proc or no resource module: uncapped
        pass


def _send(fd: int, tag: bytes, data: bytes) -> None:
    view = memoryview(tag + len(data).to_bytes(4, "big") + data)
    while view:
        view = view[os.write(fd, view) :]


def _messages(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (tag, data) messages of a stream that _send wrote; a torn last one is dropped."""
    at = 0
    while at + 5 <= len(data):
        size = int.from_bytes(data[at + 1 : at + 5], "big")
        if at + 5 + size > len(data):
            return
        yield data[at : at + 1], data[at + 5 : at + 5 + size]
        at += 5 + size


def _worker(call: Callable[[], Any], owner: type | tuple[type, ...] | None, write_end: int) -> None:
    """The child's whole life: run the call, send the Run back, exit without cleanup."""
    try:
        faulthandler.disable()  # a crash here is reported by the parent, not dumped
        _SINK.append(lambda message: _send(write_end, b"P", message.encode()))
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # output written straight to a file descriptor is dropped
            os.dup2(devnull, fd)
        out = CappedText()
        sys.stdout = sys.stderr = out
        sys.stdin = io.StringIO("")  # input() gives EOFError instead of waiting
        _cap_memory()
        run = _guarded(call, owner)
        run.output, run.output_total = out.text(), out.total
        try:
            payload = pickle.dumps(run)
        except Exception as error:  # a value that cannot travel back
            payload = pickle.dumps(Run(crashed=f"its result could not be sent back ({error})"))
        _send(write_end, b"R", payload)
    finally:
        os._exit(0)


def _run_forked(
    call: Callable[[], Any], timeout: float, owner: type | tuple[type, ...] | None
) -> Run:
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12 warns on fork in a process with threads (a Jupyter kernel has some).
        # The worker only runs Python code of the class and of the examples, after
        # replacing the streams that those threads serve.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _worker(call, owner, write_end)
    os.close(write_end)
    chunks: list[bytes] = []
    timed_out = False
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out or sys.exc_info()[0] is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    said, result = [], None
    for tag, data in _messages(b"".join(chunks)):
        if tag == b"P":
            said.append(data.decode())
        else:
            result = data
    if timed_out:
        return Run(timed_out=True, progress=said)
    try:
        run = pickle.loads(result) if result is not None else None
        assert isinstance(run, Run)
        return run
    except Exception:
        return Run(crashed=_death(status), progress=said)


def _death(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        if number == signal.SIGSEGV:
            return f"the worker process crashed ({name}): Python's C stack overflowed"
        return f"the worker process was killed ({name})"
    return f"the worker process exited with status {os.WEXITSTATUS(status)} without answering"


# --------------------------------------------------------------------------------------
# In this process (no fork)
# --------------------------------------------------------------------------------------


def _run_inline(
    call: Callable[[], Any], timeout: float, owner: type | tuple[type, ...] | None
) -> Run:
    deadline = time.monotonic() + timeout
    ticks = [0]

    def on_step(frame: FrameType, event: str, arg: object) -> Any:
        ticks[0] += 1
        if ticks[0] % 256 == 0 and time.monotonic() > deadline:
            raise _OutOfTime
        return on_step

    def on_call(frame: FrameType, event: str, arg: object) -> Any:
        frame.f_trace_opcodes = True  # `while True: pass` is one line: count opcodes
        return on_step

    out = CappedText()
    said: list[str] = []
    previous = sys.gettrace()
    _SINK.append(said.append)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        sys.settrace(on_call)
        try:
            run = _guarded(call, owner)
        finally:
            sys.settrace(previous)
            _SINK.pop()
    run.output, run.output_total, run.progress = out.text(), out.total, said
    return run
