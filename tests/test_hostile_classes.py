"""Classes that fight back: none makes check_value_class raise, hang past its time
limit, or print more than its cut."""

from __future__ import annotations

import math

import pytest
from lecture_value import LECTURE, lecture_class, mutant

from micrograd_like.exercises import check_value_class
from micrograd_like.exercises.sandbox import OUTPUT_LIMIT, fork_is_usable

Lecture = lecture_class()


class RaisingInit(Lecture):
    def __init__(self, *args, **kwargs):
        raise ValueError("no values today")


AddReturnsNone = mutant("return out", "pass", "def __add__")


class NoData:
    def __init__(self, value, _children=()):
        self.value, self.grad, self._prev = value, 0.0, set(_children)
        self._backward = lambda: None

    def backward(self):
        pass


class GradRaises(Lecture):
    @property
    def grad(self):
        raise RuntimeError("grad is not for reading")

    @grad.setter
    def grad(self, value):
        pass


# the rest are the lecture's class with one line changed, so that every node they make
# is of their own class
WRAP = "other = other if isinstance(other, Value) else Value(other)"
LoopingBackward = mutant("build_topo(self)", "while True: pass", "def backward")
LoopingAdd = mutant(WRAP, "while True: pass", "def __add__")
Chatty = mutant(WRAP, WRAP + '; print("adding", self.data, other.data, "x" * 1000)', "def __add__")
ExitsInTanh = mutant('out = Value(t, (self,), "tanh")', "raise SystemExit(3)")
GreedyExp = mutant(
    'out = Value(math.exp(self.data), (self,), "exp")', "out = [0.0] * (1 << 40)"
)  # far more memory than a worker may take
Crashes = mutant(
    'out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")',
    "import ctypes; ctypes.string_at(0)",  # reads address 0: SIGSEGV
)
UnhashableNodes = lecture_class(
    LECTURE.replace(
        "    def __rmul__(self, other):",
        "    def __eq__(self, other):  # without __hash__: set(_children) raises\n"
        "        return self.data == getattr(other, 'data', other)\n\n"
        "    def __rmul__(self, other):",
    )
)


class DataIsText(Lecture):
    def __init__(self, data, *args, **kwargs):
        super().__init__(str(data), *args, **kwargs)


def test_a_constructor_that_raises_is_one_failure_naming_its_line():
    report = check_value_class(RaisingInit)
    assert not report and report.failing_ops == ["__init__"]
    (failed,) = report.failed
    assert "ValueError: no values today" in failed.note
    assert 'raise ValueError("no values today")' in failed.note  # the learner's line


@pytest.mark.parametrize(
    "cls, words",
    [(NoData, "no .data"), (GradRaises, "RuntimeError: grad is not for reading"),
     (DataIsText, ".data is str, not a number")],
    ids=["no .data", ".grad raises", ".data is text"],
)  # fmt: skip
def test_a_class_without_numbers_to_read_is_one_failure(cls, words):
    report = check_value_class(cls)
    assert report.failing_ops == ["__init__"] and words in report.failed[0].note, str(report)


def test_an_add_that_returns_none_is_named():
    report = check_value_class(AddReturnsNone)
    assert report.failing_ops == ["__add__"], str(report)
    assert "returned None" in report.failed[0].note and "return out" in report.failed[0].note


def test_an_endless_backward_costs_its_time_limit_and_the_report_still_comes():
    report = check_value_class(LoopingBackward, timeout=1.5)
    assert report.failing_ops == ["backward"]
    assert "did not finish within 1.5 s" in report.failed[0].note
    assert "__add__" in {o.op for o in report.passed}  # the ops were judged
    later = [o for o in report.outcomes if o.op == "backward"][1:]
    assert later and {o.status for o in later} == {"not judged"}


def test_an_endless_op_is_stopped_and_named():
    report = check_value_class(LoopingAdd, timeout=1.5)
    assert report.failing_ops == ["__add__"], str(report)


def test_printing_is_captured_and_cut():
    report = check_value_class(Chatty)
    assert report, str(report)
    assert len(report.output) == OUTPUT_LIMIT < report.output_total
    assert len(str(report)) < 30_000


def test_sys_exit_in_an_op_is_a_failure_of_that_op():
    report = check_value_class(ExitsInTanh)
    assert report.failing_ops == ["tanh"] and "SystemExit" in report.failed[0].note


@pytest.mark.skipif(not fork_is_usable(), reason="the memory cap is the worker's")
def test_an_op_that_eats_memory_is_stopped_and_named():
    report = check_value_class(GreedyExp)
    assert report.failing_ops == ["exp"] and "MemoryError" in report.failed[0].note


def test_unhashable_nodes_do_not_break_the_report():
    report = check_value_class(UnhashableNodes)
    assert not report and "unhashable" in report.failed[0].note


@pytest.mark.skipif(not fork_is_usable(), reason="a crash can only be survived in a worker")
def test_a_crash_in_the_worker_is_a_failure_not_a_dead_kernel():
    report = check_value_class(Crashes)
    assert report.failing_ops == ["relu"] and "crashed" in report.failed[0].note


def test_without_a_worker_the_limits_hold_in_this_process():
    # where fork is unusable, a trace function stops Python code that runs too long
    report = check_value_class(LoopingBackward, timeout=1.5, isolate=False)
    assert report.failing_ops == ["backward"] and "did not finish" in report.failed[0].note
    chatty = check_value_class(Chatty, isolate=False)
    assert chatty and len(chatty.output) == OUTPUT_LIMIT < chatty.output_total
    # and the class is as it was: the checker's recorders and stand-ins are gone
    before = dict(vars(NoRsub))
    check_value_class(NoRsub, isolate=False)
    assert dict(vars(NoRsub)) == before and "__rsub__" not in vars(NoRsub)
    assert math.isclose((NoRsub(1.0) + 2).data, 3.0)


NoRsub = mutant("def __rsub__(self, other):", "def rsub_later(self, other):")
