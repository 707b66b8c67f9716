"""The checker's machinery: the guarded worker, the op recorder, the graph walk, and the
hints' mistakes, which must be told apart at every worked example."""

from __future__ import annotations

import pytest

from micrograd_like.exercises.probe import Calls, is_stub, operands_of, read_number, record_ops
from micrograd_like.exercises.report import ValueClassReport, same
from micrograd_like.exercises.sandbox import CappedText, fork_is_usable, progress, run_guarded
from micrograd_like.exercises.value_class import step_mistakes
from micrograd_like.exercises.worked_examples import START, STEPS

WAYS = [False, True] if fork_is_usable() else [False]


@pytest.mark.parametrize("isolate", WAYS, ids=lambda w: "worker" if w else "inline")
def test_a_guarded_call_gives_its_value_its_error_or_its_time_out(isolate: bool):
    assert run_guarded(lambda: {"x": [1.5]}, isolate=isolate).value == {"x": [1.5]}
    error = run_guarded(lambda: {}["nope"], isolate=isolate).error
    assert error is not None and error["type"] == "KeyError" and "nope" in error["where"]

    def endless() -> None:
        progress("entered")
        while True:
            pass

    stuck = run_guarded(endless, timeout=0.5, isolate=isolate)
    assert stuck.timed_out and stuck.progress == ["entered"]


@pytest.mark.parametrize("isolate", WAYS, ids=lambda w: "worker" if w else "inline")
def test_output_is_captured_and_cut(isolate: bool, capsys: pytest.CaptureFixture[str]):
    run = run_guarded(lambda: print("x" * 5000), isolate=isolate)
    assert run.output == "x" * 2000 and run.output_total == 5001
    assert capsys.readouterr().out == ""


def test_capped_text_keeps_the_first_characters_and_counts_all():
    out = CappedText(3)
    out.write("ab")
    out.write("cdef")
    assert (out.text(), out.total) == ("abc", 6)


def test_the_recorder_notes_ops_and_the_ones_a_class_lacks_then_restores_it():
    class V:
        def __init__(self, data):
            self.data = data

        def __add__(self, other):
            return V(self.data + getattr(other, "data", other))

        def __neg__(self):
            return V(-self.data)

    before = dict(vars(V))
    calls = Calls()
    with record_ops(V, calls):
        assert (V(1) + V(2)).data == 3
        with pytest.raises(TypeError):
            10 - V(4)  # needs __rsub__, which V lacks: the same TypeError as without
    assert calls.used == ["__add__"] and calls.lacked == ["__rsub__"]
    assert dict(vars(V)) == before


def test_operands_are_found_under_any_name():
    class V:
        def __init__(self, data, kids=()):
            self.data, self.kids = data, list(kids)

    a, b = V(1), V(2)
    assert operands_of(V(3, (a, b)), V) == "kids"
    assert operands_of(V(3), V) is None


def test_stubs_and_numbers():
    def later(self):
        """Write me."""

    assert is_stub(later) and not is_stub(lambda self: None if self else 1)

    class N:
        data = True
        grad = 2

    with pytest.raises(TypeError, match="bool, not a number"):
        read_number(N(), "data")
    assert read_number(N(), "grad") == 2.0


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"{s.op}: {s.describe()}")
def test_each_classic_mistake_gives_a_number_of_its_own(step):
    # so that a wrong gradient names one mistake: none equals the right one or another's
    for j in range(len(step.inputs)):
        if all(row[j] == 0 for row in step.local):
            continue  # a zero derivative cannot show how it was computed
        right = step.expected_grads(START, step.incoming)[j]
        seen: list[float] = []
        for _, numbers in step_mistakes(step, START, step.incoming, j):
            for n in numbers:
                assert not same(n, right)
                assert not any(same(n, m) for m in seen)
            seen.extend(numbers)


def test_every_incoming_gradient_differs_from_1_and_every_op_has_a_reused_input():
    assert all(g != 1.0 for step in STEPS for g in step.incoming)
    assert {s.op for s in STEPS} == {s.op for s in STEPS if "used twice" in s.text}
    # and plain numbers on either side of each binary op
    numbers = {s.op for s in STEPS if "plain number" in s.text or s.text[5].isdigit()}
    assert {"__add__", "__radd__", "__mul__", "__rmul__", "__sub__", "__rsub__",
            "__truediv__", "__rtruediv__"} <= numbers  # fmt: skip


def test_a_report_survives_the_trip_through_json():
    from micrograd_like import Value
    from micrograd_like.exercises import check_value_class

    report = check_value_class(Value)
    again = ValueClassReport.from_dict(report.to_dict())
    assert str(again) == str(report) and bool(again) == bool(report)
    assert "<table>" in report._repr_html_()
