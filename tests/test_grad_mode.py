"""Grad mode belongs to whoever entered it: ``no_grad()`` in one thread or asyncio task
leaves every other thread and task recording, and ``@no_grad()`` on a generator covers
the generator's whole body (each step it resumes).
"""

from __future__ import annotations

import asyncio
import threading

from bounds import HANG

from micrograd_like.engine import Value
from micrograd_like.modes import is_grad_enabled, no_grad


def test_no_grad_in_another_thread_does_not_stop_this_thread_recording() -> None:
    # w*w at w = 3: d/dw = 2w = 6, though another thread sits inside no_grad() meanwhile
    inside, done = threading.Event(), threading.Event()

    def other() -> None:
        with no_grad():
            inside.set()
            done.wait(HANG)

    t = threading.Thread(target=other)
    t.start()
    try:
        assert inside.wait(HANG)
        w = Value(3.0)
        (w * w).backward()
        assert w.grad == 6.0 and is_grad_enabled()
    finally:
        done.set()
        t.join()


def test_threads_entering_and_leaving_no_grad_interleaved_leave_grad_mode_on() -> None:
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a() -> None:
        with no_grad():
            a_in.set()
            b_in.wait(HANG)
        a_out.set()

    def b() -> None:
        a_in.wait(HANG)
        with no_grad():
            b_in.set()
            a_out.wait(HANG)  # a leaves while b is still inside

    threads = [threading.Thread(target=f) for f in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert is_grad_enabled()
    assert (Value(2.0) * 3.0).parents != ()


def test_no_grad_in_one_asyncio_task_does_not_reach_another() -> None:
    async def quiet(started: asyncio.Event, finish: asyncio.Event) -> None:
        with no_grad():
            started.set()
            await finish.wait()

    async def main() -> tuple[Value, ...]:
        started, finish = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(quiet(started, finish))
        await started.wait()
        recorded = (Value(2.0) * 3.0).parents  # this task is not inside no_grad()
        finish.set()
        await task
        return recorded

    recorded: list[tuple[Value, ...]] = []  # a thread of its own: no event loop runs there yet
    t = threading.Thread(target=lambda: recorded.append(asyncio.run(main())))
    t.start()
    t.join(HANG)
    assert len(recorded[0]) == 2


def test_no_grad_as_a_decorator_covers_a_generators_body() -> None:
    @no_grad()
    def doubled(values: list[Value]):  # type: ignore[no-untyped-def]
        for v in values:
            yield v * 2.0

    out = list(doubled([Value(1.0), Value(2.0)]))
    assert [v.data for v in out] == [2.0, 4.0]
    assert all(v.parents == () for v in out)
    assert is_grad_enabled()
