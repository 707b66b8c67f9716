"""check_value_class on the lecture's class and on its one-line mutations: every correct
class passes, every buggy one fails naming the op (or backward) whose code is wrong, and
no other."""

from __future__ import annotations

import math

import pytest
from lecture_value import LECTURE, lecture_class, mutant

from micrograd_like import Value
from micrograd_like.exercises import check_value_class
from micrograd_like.exercises.report import ValueClassReport


def _ops(report: ValueClassReport, status: str) -> set[str]:
    return {o.op for o in report.outcomes if o.status == status}


def _notes(report: ValueClassReport) -> str:
    return "\n".join(o.note for o in report.failed)


# --------------------------------------------------------------------------------------
# Classes that are right
# --------------------------------------------------------------------------------------


def test_the_lecture_class_passes_with_a_depth_warning():
    report = check_value_class(lecture_class())
    assert report, str(report)
    assert report.failed == [] and report.missing == [] and report.not_judged == []
    assert [o.op for o in report.warnings] == ["backward"]
    assert "RecursionError" in str(report)
    # the lecture's neuron: o = tanh(0.8813...) = 1/sqrt 2, do/dn = 0.5, so
    # x1.grad = w1 * 0.5 = -1.5, w1.grad = x1 * 0.5 = 1, x2.grad = 0.5, w2.grad = 0
    neuron = next(o for o in report.outcomes if "neuron" in o.example)
    assert neuron.status == "passed"
    assert neuron.actual["out.data"] == pytest.approx(1 / math.sqrt(2), abs=1e-15)
    assert (neuron.actual["x1.grad"], neuron.actual["w1.grad"]) == pytest.approx((-1.5, 1.0))
    assert (neuron.actual["x2.grad"], neuron.actual["w2.grad"]) == pytest.approx((0.5, 0.0))


def test_an_op_step_is_checked_with_an_incoming_gradient_and_a_head_start():
    report = check_value_class(lecture_class())
    # c = a * b at (2, -3) with c.grad = 1.5 and a.grad = 0.5 before:
    # a.grad = 0.5 + 1.5 * b = 0.5 - 4.5 = -4, b.grad = -0.25 + 1.5 * a = 2.75
    step = next(o for o in report.outcomes if o.example.startswith("c = a * b at"))
    assert (step.actual["a.grad"], step.actual["b.grad"]) == (-4.0, 2.75)


def test_our_value_and_an_iterative_sort_pass_without_warnings():
    iterative = LECTURE.replace(
        """        build_topo(self)
""",
        """        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev)
""",
    )
    for cls in (Value, lecture_class(iterative)):
        report = check_value_class(cls)
        assert report and not report.warnings and not report.missing, str(report)


def test_micrograd_itself_passes_with_tanh_and_exp_missing():
    from micrograd.engine import Value as MicrogradValue  # the dev extra installs micrograd

    report = check_value_class(MicrogradValue)
    assert report, str(report)
    assert _ops(report, "missing") == {"tanh", "exp", "backward"}  # the neuron needs tanh
    assert not report.failed


def test_ops_not_written_yet_are_missing_not_failed():
    first_cells = (
        LECTURE[: LECTURE.index("    def __pow__")] + LECTURE[LECTURE.index("    def backward") :]
    )
    report = check_value_class(lecture_class(first_cells))
    assert report, str(report)  # nothing failed, and backward passed on + and *
    assert {"__add__", "__mul__", "backward"} <= _ops(report, "passed")
    assert {"tanh", "__sub__", "__pow__", "exp", "relu"} <= _ops(report, "missing")


def test_a_placeholder_op_is_missing_and_so_is_what_uses_it():
    report = check_value_class(mutant("return self * -1", "pass", within="def __neg__"))
    assert not report.failed, str(report)
    assert "__neg__" in _ops(report, "missing")
    # a - b is a + (-b): it needs __neg__; a - 3 is a + (-3), with Python's own minus
    sub = {o.example.split(" at")[0]: o for o in report.outcomes if o.op == "__sub__"}
    assert sub["c = a - b"].status == "missing" and "needs __neg__" in sub["c = a - b"].note
    assert sub["c = a - 3 (a plain number)"].status == "passed"


# --------------------------------------------------------------------------------------
# One-line mutations: each is named, and nothing else is
# --------------------------------------------------------------------------------------

# (id, the line, the mutated line, within the method, the ops that must fail, hint words)
MUTATIONS = [
    ("tanh precedence", "self.grad += (1 - t**2) * out.grad",
     "self.grad += 1 - t**2 * out.grad", "", {"tanh"}, "precedence"),
    ("tanh of the input", "self.grad += (1 - t**2) * out.grad",
     "self.grad += (1 - self.data**2) * out.grad", "", {"tanh"}, "out.data"),
    ("exp assigns", "self.grad += out.data * out.grad",
     "self.grad = out.data * out.grad", "", {"exp"}, "+="),
    ("exp of the input", "self.grad += out.data * out.grad",
     "self.grad += self.data * out.grad", "", {"exp"}, "out.data"),
    ("exp rounds its input", "out = Value(math.exp(self.data), (self,), \"exp\")",
     "out = Value(math.exp(round(self.data)), (self,), \"exp\")", "", {"exp"}, "wrong"),
    ("exp forgets return", "return out", "pass", "def exp", {"exp"}, "return out"),
    ("relu assigns", "self.grad += (out.data > 0) * out.grad",
     "self.grad = (out.data > 0) * out.grad", "", {"relu"}, "+="),
    ("add assigns", "self.grad += 1.0 * out.grad", "self.grad = 1.0 * out.grad",
     "def __add__", {"__add__"}, "+="),
    ("mul assigns", "self.grad += other.data * out.grad", "self.grad = other.data * out.grad",
     "def __mul__", {"__mul__"}, "+="),
    ("mul uses its own factor", "self.grad += other.data * out.grad",
     "self.grad += self.data * out.grad", "def __mul__", {"__mul__"}, "OTHER"),
    ("mul does not wrap numbers", "other = other if isinstance(other, Value) else Value(other)",
     "pass", "def __mul__", {"__mul__"}, "wrap plain numbers"),
    ("closure on self", "out._backward = _backward", "self._backward = _backward",
     "def __add__", {"__add__"}, "out._backward = _backward"),
    ("operand not kept", 'out = Value(self.data + other.data, (self, other), "+")',
     'out = Value(self.data + other.data, (self,), "+")', "", {"__add__"}, "never reach"),
    ("pow forgets out.grad", "self.grad += other * self.data ** (other - 1) * out.grad",
     "self.grad += other * self.data ** (other - 1)", "", {"__pow__"}, "out.grad"),
    ("truediv", "return self * other**-1", "return self * other", "def __truediv__",
     {"__truediv__"}, "b**-1"),
    ("rsub the wrong way round", "return other + (-self)", "return self - other",
     "def __rsub__", {"__rsub__"}, "__rsub__(10)"),
    ("no seed", "self.grad = 1.0", "pass", "def backward", {"backward"}, "self.grad = 1.0"),
    ("not reversed", "for node in reversed(topo):", "for node in topo:", "",
     {"backward"}, "reversed(topo)"),
    ("shared nodes revisited", "if v not in visited:", "if True:", "", {"backward"}, "visited"),
]  # fmt: skip


@pytest.mark.parametrize(
    "old, new, within, wrong, words", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_a_one_line_mistake_is_named_and_nothing_else(old, new, within, wrong, words):
    report = check_value_class(mutant(old, new, within))
    assert not report
    assert set(report.failing_ops) == wrong, str(report)
    assert words in _notes(report), str(report)
    assert f"failing: {', '.join(report.failing_ops)}" in str(report).splitlines()[0]
    if "backward" not in wrong:
        # backward() is judged on graphs of ops that passed, and passes there
        assert "backward" in _ops(report, "passed"), str(report)


def test_a_mul_that_does_not_wrap_numbers_leaves_what_uses_it_not_judged():
    report = check_value_class(
        mutant("other = other if isinstance(other, Value) else Value(other)", "pass", "def __mul__")
    )
    for op in ("__rmul__", "__neg__", "__sub__"):
        statuses = {o.status for o in report.outcomes if o.op == op}
        assert "failed" not in statuses, str(report)
    assert any("needs __mul__" in o.note for o in report.not_judged)
    # the learner's own line, and the exception's type
    failed = report.failed[0].note
    assert "AttributeError" in failed and "out = Value(self.data * other.data" in failed


def test_a_missing_radd_is_missing_and_blames_nothing():
    report = check_value_class(mutant("def __radd__(self, other):", "def radd_later(self, other):"))
    assert report and not report.failed, str(report)
    assert "__radd__" in _ops(report, "missing")
    rsub = next(o for o in report.outcomes if o.op == "__rsub__")
    assert rsub.status == "missing" and "needs __radd__" in rsub.note
    assert next(o for o in report.outcomes if o.op == "__rtruediv__").status == "passed"


def test_a_mul_that_assigns_is_not_blamed_on_backward():
    report = check_value_class(
        mutant(
            "self.grad += other.data * out.grad", "self.grad = other.data * out.grad", "def __mul__"
        )
    )
    backward = [o for o in report.outcomes if o.op == "backward"]
    assert "failed" not in {o.status for o in backward}
    assert any("needs __mul__" in o.note for o in backward if o.status == "not judged")


def test_a_class_with_no_backward_is_never_truthy():
    report = check_value_class(mutant("def backward(self):", "def backward_later(self):"))
    assert not report and not report.failed
    assert _ops(report, "missing") == {"backward"}
    assert "__add__" in _ops(report, "passed")  # its ops are judged all the same
    assert "backward() was not judged" in str(report).splitlines()[0]


def test_depth_first_order_with_a_visited_set_is_caught():
    source = LECTURE.replace(
        """        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
""",
        """        self.grad = 1.0
        stack, seen = [self], {self}
        while stack:
            v = stack.pop()
            v._backward()
            for child in sorted(v._prev, key=lambda c: -c.data):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
""",
    )
    report = check_value_class(lecture_class(source))
    assert report.failing_ops == ["backward"], str(report)
    # out = (x + y) * y with y = x t at x = 2, t = 3: x.grad must be 48; passing y on
    # before z's share arrives gives y.grad 8 and x.grad 8 * 3 + 6 = 30
    shared = next(o for o in report.failed if "used twice" in o.example)
    assert shared.actual["x.grad"] == 30.0 and "too small" in shared.note


def test_check_value_class_wants_a_class_and_a_time():
    with pytest.raises(TypeError, match="the class itself"):
        check_value_class(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        check_value_class(Value, timeout=0)
