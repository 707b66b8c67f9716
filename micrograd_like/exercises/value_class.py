"""``check_value_class``: our worked examples, run on a Value class written by a learner
(notebook 09), naming the op whose code is wrong.

The checker works in three passes, each example in a guarded worker
(:mod:`~micrograd_like.exercises.sandbox`):

1. the class itself: ``cls(2.0)`` has a ``.data`` of 2 and a ``.grad`` of 0 that can be
   set. If not, nothing else can be judged.
2. each op's own step, alone (:data:`~micrograd_like.exercises.worked_examples.STEPS`):
   its ``_backward`` is called directly, with an incoming gradient other than 1 and
   operands that already hold a gradient. An example that fails only because it used
   another op that failed (``-a`` is ``a * -1``) is *not judged*, and names that op.
3. ``backward()`` on graphs built from ops that passed. A wrong gradient there is
   ``backward``'s mistake, and its hint says which: no seed, the wrong order, a shared
   node visited twice.
"""

from __future__ import annotations

import inspect
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from micrograd_like.exercises.probe import (
    OPS,
    OPTIONAL_OPS,
    Calls,
    is_stub,
    local_step,
    node_types,
    operands_of,
    read_number,
    record_ops,
    unreached,
)
from micrograd_like.exercises.report import (
    FAILED,
    MISSING,
    NOT_JUDGED,
    PASSED,
    WARNING,
    CheckOutcome,
    ValueClassReport,
    same,
)
from micrograd_like.exercises.sandbox import OUTPUT_LIMIT, TIMEOUT, Run, describe_error, run_guarded
from micrograd_like.exercises.worked_examples import (
    DEEP_GRAPH,
    GRAPHS,
    HINTS,
    README_GRAPH,
    START,
    STEPS,
    Graph,
    Step,
    Variant,
)

__all__ = ["CheckOutcome", "ValueClassReport", "check_value_class"]

_WRAP = "wrap plain numbers: other = other if isinstance(other, Value) else Value(other)"


@dataclass
class _Result:
    """An outcome while the checker still decides whom to blame."""

    op: str
    example: str
    status: str
    expected: dict[str, float] = field(default_factory=dict)
    actual: dict[str, float | None] = field(default_factory=dict)
    note: str = ""
    used: list[str] = field(default_factory=list)  # the ops the example called

    def outcome(self) -> CheckOutcome:
        return CheckOutcome(
            self.op, self.example, self.status, self.expected, self.actual, self.note
        )


def _depth() -> int:
    return min(sys.getrecursionlimit(), 10_000) + 500


# --------------------------------------------------------------------------------------
# What runs in the worker: plain data comes back
# --------------------------------------------------------------------------------------


def _basics(cls: type) -> dict[str, Any]:
    a = cls(2.0)
    try:
        data, grad = read_number(a, "data"), read_number(a, "grad")
    except TypeError as why:  # our own words: no .data, or not a number
        return {"problem": f"v = {cls.__name__}(2.0): {why}"}
    a.grad = 0.5
    return {"data": data, "grad": grad, "set": read_number(a, "grad")}


def _run_step(cls: type, step: Step) -> dict[str, Any]:
    calls = Calls()
    phase = "computing it"
    with record_ops(cls, calls):
        try:
            values = [cls(x) for _, x in step.inputs]
            made = step.make(*values)
            outs = made if isinstance(made, tuple) else (made,)
            wrong = [type(o).__name__ for o in outs if not isinstance(o, node_types(cls))]
            if wrong:
                return {"wrong_type": wrong[0], "used": calls.used}
            data = [read_number(o, "data") for o in outs]
            attr = operands_of(outs[0], cls)
            lost = []
            if attr is not None:
                missed = {id(v) for o in outs for v in unreached(o, attr, values)}
                lost = [name for (name, _), v in zip(step.inputs, values) if id(v) in missed]
            route = (
                "step" if all(callable(getattr(o, "_backward", None)) for o in outs) else "backward"
            )
            if route == "step":
                for v, s in zip(values, START):
                    v.grad = s
                for o, g in zip(outs, step.incoming):
                    o.grad = g
                phase = "its _backward"
                local_step(outs, values, attr)
            elif len(outs) == 1:
                phase = "backward()"
                outs[0].backward()
            else:
                return {"route": route, "used": calls.used}
            phase = "reading .grad"
            grads = [read_number(v, "grad") for v in values]
        except Exception as error:
            return {"error": describe_error(error, cls), "phase": phase,
                    "used": calls.used, "lacked": calls.lacked}  # fmt: skip
    return {"data": data, "grads": grads, "route": route, "lost": lost, "attr": attr,
            "used": calls.used, "lacked": calls.lacked}  # fmt: skip


def _run_graph(cls: type, graph: Graph, variant: Variant) -> dict[str, Any]:
    calls = Calls()
    with record_ops(cls, calls):
        try:
            if graph.inputs:
                values = [cls(x) for _, x in graph.inputs]
                extra = (_depth(),) if graph.deep else ()
                out = variant.make(*values, *extra)
            else:
                out, *values = variant.make(cls)
            hidden = "backward" in getattr(out, "__dict__", {})
            out.backward()
            data = read_number(out, "data")
            try:
                seed: float | None = read_number(out, "grad")
            except TypeError:
                seed = None
            grads = [read_number(v, "grad") for v in values]
        except RecursionError:
            return {"recursion": True, "used": calls.used}
        except Exception as error:
            return {"error": describe_error(error, cls), "used": calls.used}
    return {"data": data, "seed": seed, "grads": grads, "hidden": hidden, "used": calls.used}


# --------------------------------------------------------------------------------------
# Hints: the mistake that fits the numbers
# --------------------------------------------------------------------------------------


def step_mistakes(
    step: Step, start: Sequence[float], incoming: Sequence[float], j: int
) -> list[tuple[str, list[float]]]:
    """The classic mistakes of an op's step, each with the gradient(s) it gives operand
    ``j``: the op's own mistakes first, then those of any ``_backward``."""
    local = [row[j] for row in step.local]
    a, s = step.inputs[j][1], start[j]
    added = sum(g * d for g, d in zip(incoming, local))
    # one input used twice by a binary op: with `=`, only one of its two shares is left
    halves = (
        [added / 2]
        if len(step.inputs) == 1 and "used twice" in step.text and len(incoming) == 1
        else []
    )
    fits: list[tuple[str, list[float]]] = []
    if step.op == "tanh":
        fits.append(
            (
                "precedence: 1 - t**2 * out.grad is 1 - (t**2 * out.grad). Write "
                "(1 - t**2) * out.grad",
                [s + sum(1 - (1 - d) * g for g, d in zip(incoming, local))],
            )
        )
        fits.append(
            (
                "t is tanh of the input: the output's data (out.data), not the input's self.data",
                [s + sum(g * (1 - a * a) for g in incoming)],
            )
        )
    if step.op == "exp":
        fits.append(
            (
                "exp's local derivative is e**a, the output's data (out.data), not the input's "
                "self.data",
                [s + sum(g * a for g in incoming)],
            )
        )
    fits += [
        ("`=` instead of `+=` in _backward: the gradient the operand already had from its "
         "other uses was overwritten. Gradients add up: self.grad += ...",
         [added, incoming[0] * local[0], incoming[-1] * local[-1], *halves]),
        ("multiply the local derivative by out.grad, the gradient arriving from the output "
         "(it is not always 1)", [s + sum(local)]),
        ("check the sign of the local derivative", [s - added]),
        ("the output's _backward did nothing: attach the closure to the output, "
         "out._backward = _backward (not self._backward)", [s]),
    ]  # fmt: skip
    return fits


def _step_hint(
    step: Step, start: Sequence[float], incoming: Sequence[float], got: float, j: int
) -> str:
    """The known mistake whose number is ``got`` for operand ``j``, or the op's hint."""
    for hint, numbers in step_mistakes(step, start, incoming, j):
        if any(same(got, n) for n in numbers):
            return hint
    return HINTS.get(step.op, "")


def _error_note(error: dict[str, str], phase: str = "") -> str:
    where = f" ({error['where']})" if error.get("where") else ""
    note = f"{phase + ' ' if phase else ''}raised {error['type']}: {error['message']}{where}"
    if error["type"] == "AttributeError" and re.search(
        r"'(int|float)' object has no attribute", error["message"]
    ):
        note += f". Hint: {_WRAP}"
    return note


def _backward_hint(want: Sequence[float], got: Sequence[float], seed: float | None) -> str:
    """The backward() mistake that fits: the graphs' numbers are all positive, so a
    gradient counted twice is too large and one passed on too early too small."""
    if seed is None or seed == 0:
        return (
            "the output's own grad is still 0 after backward(): set self.grad = 1.0 "
            "(d out / d out = 1) before calling the _backward of each node"
        )
    if not same(seed, 1.0):
        return f"after backward() the output's grad is {seed:g}, not 1: set it to 1.0, once"
    if all(w >= 0 for w in want):
        if any(g > w and not same(g, w) for g, w in zip(got, want)):
            return (
                "some gradients are too large: a node's _backward ran more than once. Keep "
                "a visited set, so that each node enters the topological order once"
            )
        if any(g < w and not same(g, w) for g, w in zip(got, want)):
            return (
                "some gradients are too small: a node passed its gradient on before all of "
                "it had arrived. Call each node's _backward after every node that uses it, "
                "in reverse topological order: for node in reversed(topo)"
            )
    return (
        "each op's own step is right, so the walk is wrong: seed self.grad = 1.0, visit "
        "each node once, and call the _backward of each node after every node that uses it"
    )


# --------------------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------------------


def _outputs(text: str) -> list[str]:
    return re.findall(r"(\w+) = ", text) or ["out"]


class _Checker:
    def __init__(self, cls: type, timeout: float, isolate: bool | None) -> None:
        self.cls, self.timeout, self.isolate = cls, timeout, isolate
        self.results: list[_Result] = []
        self.output: list[str] = []
        self.output_total = 0
        self.stuck: set[str] = set()  # ops (and backward) that did not finish once

    def run(self, call: Any) -> Run:
        run = run_guarded(call, self.timeout, node_types(self.cls), self.isolate)
        room = OUTPUT_LIMIT - sum(map(len, self.output))
        if room > 0 and run.output:
            self.output.append(run.output[:room])
        self.output_total += run.output_total
        return run

    def trouble(self, run: Run, op: str) -> str:
        """Why a run gave no answer, or ''."""
        if run.timed_out:
            self.stuck.add(op)
            return (
                f"did not finish within {self.timeout:g} s: an endless loop? (the other "
                f"examples of {op} were not run)"
            )
        if run.crashed:
            return run.crashed
        if run.error:
            return _error_note(run.error)
        return ""

    # ---- 1. the class itself ----------------------------------------------------------

    def basics(self) -> bool:
        example = "v = Value(2.0): its .data and .grad"
        run = self.run(lambda: _basics(self.cls))
        note = self.trouble(run, "__init__")
        if not note:
            got = run.value
            if "problem" in got:
                note = got["problem"]
            elif not same(got["data"], 2.0):
                note = f"v.data is {got['data']:g}, not 2.0: store the number as self.data"
            elif got["grad"] != 0:
                note = f"a new value's grad should start at 0, not {got['grad']:g}"
            elif not same(got["set"], 0.5):
                note = "setting v.grad = 0.5 did not change v.grad"
        if note:
            self.results.append(_Result("__init__", example, FAILED, note=note + ". Nothing "
                                        "else can be judged until this works"))  # fmt: skip
            return False
        return True

    # ---- 2. each op's own step --------------------------------------------------------

    def steps(self) -> None:
        for step in STEPS:
            raw = inspect.getattr_static(self.cls, step.op, None)
            if raw is None and step.op in OPTIONAL_OPS:
                continue
            self.results.append(self.step(step, raw))

    def step(self, step: Step, raw: object) -> _Result:
        names = _outputs(step.text)
        result = _Result(step.op, step.describe(), MISSING)
        if raw is None:
            result.note = f"the class has no {step.op} yet"
            return result
        if is_stub(raw):
            result.note = f"{step.op} is a placeholder (its body is only pass)"
            return result
        if step.op in self.stuck:
            result.status, result.note = (
                NOT_JUDGED,
                f"an earlier example of {step.op} did not finish",
            )
            return result
        run = self.run(lambda: _run_step(self.cls, step))
        result.status = FAILED
        result.used = list(run.progress)  # the ops it had entered, even if it never ended
        result.note = self.trouble(run, step.op)
        if result.note:
            return result
        got = run.value
        result.used = got.get("used", [])
        stubs = [
            u
            for u in result.used
            if u != step.op and is_stub(inspect.getattr_static(self.cls, u, None))
        ]
        if stubs:
            result.status, result.note = MISSING, "needs " + ", ".join(stubs) + " (a placeholder)"
            return result
        if "route" in got and "grads" not in got:
            result.status, result.note = NOT_JUDGED, "needs _backward on each output"
            return result
        error = got.get("error")
        if error:
            lacking = [n for n in got.get("lacked", []) if n != step.op]
            if error.get("missing") in (*OPS, *OPTIONAL_OPS):
                lacking.append(error["missing"])
            if error["type"] == "NotImplementedError":
                result.status, result.note = (
                    MISSING,
                    f"NotImplementedError {error['message']}".strip(),
                )
            elif lacking:
                result.status, result.note = MISSING, "needs " + ", ".join(dict.fromkeys(lacking))
            else:
                result.note = _error_note(error, got["phase"])
            return result
        if "wrong_type" in got:
            returned = "None" if got["wrong_type"] == "NoneType" else f"a {got['wrong_type']}"
            result.note = (
                f"{step.text.split(' (')[0]} returned {returned}, not a {self.cls.__name__} "
                f"object: end {step.op} with `return out`"
            )
            return result
        by_backward = got["route"] == "backward"
        start = (0.0, 0.0) if by_backward else START
        incoming = (1.0,) if by_backward else step.incoming
        want_grads = step.expected_grads(start, incoming)
        inputs = [name for name, _ in step.inputs]
        result.expected = {f"{n}.data": d for n, d in zip(names, step.data)}
        result.expected |= {f"{n}.grad": g for n, g in zip(inputs, want_grads)}
        result.actual = {f"{n}.data": d for n, d in zip(names, got["data"])}
        result.actual |= {f"{n}.grad": g for n, g in zip(inputs, got["grads"])}
        seeded = ", ".join(f"{n}.grad = {g:g}" for n, g in zip(names, incoming))
        seeded += "; " + ", ".join(f"{n}.grad = {g:g}" for n, g in zip(inputs, start)) + " before"
        how = (
            " (judged through backward(): its outputs have no _backward)"
            if by_backward
            else f" (the step ran with {seeded})"
        )
        if not all(same(g, w) for g, w in zip(got["data"], step.data)):
            result.note = f"the value itself is wrong. Hint: {HINTS[step.op]}{how}"
        elif got["lost"]:
            result.note = (
                f"the output does not keep {', '.join(got['lost'])} in .{got['attr']}: "
                "backward() would never reach it. Pass every operand as a child"
            )
        else:
            for j, (g, w) in enumerate(zip(got["grads"], want_grads)):
                if not same(g, w):
                    hint = _step_hint(step, start, incoming, g, j)
                    result.note = f"Hint: {hint}{how}"
                    return result
            result.status, result.note = PASSED, how.strip(" ()") if by_backward else ""
        return result

    # ---- blame: an example that used a failed op is not judged ------------------------

    def blame(self) -> None:
        bad = {r.op for r in self.results if r.status == FAILED}
        open_ = [r for r in self.results if r.status == FAILED]
        confirmed: set[str] = set()
        changed = True
        while changed:
            changed = False
            for r in list(open_):
                others = [u for u in r.used if u != r.op and u in bad]
                guilty = [u for u in others if u in confirmed]
                if not others:
                    confirmed.add(r.op)
                elif guilty:
                    how = "did not finish" if all(u in self.stuck for u in guilty) else "failed"
                    r.status, r.note = NOT_JUDGED, f"needs {', '.join(guilty)}, which {how}"
                else:
                    continue
                open_.remove(r)
                changed = True

    def op_status(self, op: str) -> str:
        statuses = {r.status for r in self.results if r.op == op}
        for status in (FAILED, NOT_JUDGED, MISSING):
            if status in statuses:
                return status
        return PASSED if statuses else MISSING

    # ---- 3. backward() on graphs of ops that passed -----------------------------------

    def graphs(self) -> None:
        raw = inspect.getattr_static(self.cls, "backward", None)
        for graph in (*GRAPHS, README_GRAPH, DEEP_GRAPH):
            result = _Result("backward", graph.example, MISSING)
            if raw is None or is_stub(raw):
                result.note = "the class has no backward() yet"
            elif "backward" in self.stuck:
                result.status, result.note = NOT_JUDGED, "an earlier backward() did not finish"
            else:
                self.graph(graph, result)
            self.results.append(result)

    def graph(self, graph: Graph, result: _Result) -> None:
        variant = next(
            (v for v in graph.variants if all(self.op_status(op) == PASSED for op in v.ops)), None
        )
        if variant is None:
            needs = [op for op in graph.variants[0].ops if self.op_status(op) != PASSED]
            broken = [op for op in needs if self.op_status(op) != MISSING]
            result.status = NOT_JUDGED if broken else MISSING
            result.note = "needs " + ", ".join(broken or needs)
            return
        run = self.run(lambda: _run_graph(self.cls, graph, variant))
        result.status = FAILED
        result.note = self.trouble(run, "backward")
        if result.note:
            if run.timed_out:
                result.note += (
                    ". Hint: backward() never returned. A walk with no visited set revisits "
                    "shared nodes again and again; a while loop may never end"
                )
            return
        got = run.value
        result.used = [u for u in got.get("used", []) if u != "backward"]
        failed_ops = [u for u in result.used if self.op_status(u) in (FAILED, NOT_JUDGED)]
        if failed_ops:
            result.status, result.note = NOT_JUDGED, "needs " + ", ".join(failed_ops)
            return
        names = graph.names()
        want = list(variant.grads)
        want_data = variant.data
        if graph.deep:
            depth = _depth()
            want_data = float(depth + 1) if variant.ops == ("__add__",) else 1.0
            want = [1.0, float(depth)]
            result.example = f"a chain {depth} nodes deep"
        result.expected = {"out.data": want_data} | {f"{n}.grad": w for n, w in zip(names, want)}
        if got.get("recursion"):
            if graph.deep:
                result.status, result.note = (
                    WARNING,
                    (
                        "RecursionError: a recursive topological sort stops at Python's recursion "
                        "limit. Right on small graphs; an iterative sort (a stack) has no limit"
                    ),
                )
            else:
                result.note = "RecursionError on a graph of a few nodes: does the walk stop at nodes it has visited?"
            return
        if "error" in got:
            result.note = _error_note(got["error"], "backward()")
            return
        result.actual = {"out.data": got["data"]} | {
            f"{n}.grad": g for n, g in zip(names, got["grads"])
        }
        ok = same(got["data"], want_data) and all(same(g, w) for g, w in zip(got["grads"], want))
        if ok:
            result.status, result.note = PASSED, ""
        elif got["hidden"]:
            result.note = (
                "Hint: __init__ sets self.backward, which hides the backward() method: the "
                "call did nothing. Name the per-node function _backward"
            )
        else:
            result.note = "Hint: " + _backward_hint(want, got["grads"], got["seed"])

    def report(self) -> ValueClassReport:
        if self.basics():
            self.steps()
            self.blame()
            self.graphs()
        report = ValueClassReport(self.cls.__name__, [r.outcome() for r in self.results])
        report.output, report.output_total = "".join(self.output), self.output_total
        return report


def check_value_class(
    cls: type, timeout: float = TIMEOUT, isolate: bool | None = None
) -> ValueClassReport:
    """Run the course's worked examples on a home-made Value class.

    The class needs ``cls(number)``, ``.data`` and ``.grad``; each node an op makes needs
    ``_backward``, and the class ``backward()``. Every example runs in a worker process,
    at most ``timeout`` seconds (see :mod:`~micrograd_like.exercises.sandbox`; ``isolate``
    chooses the worker or this process). Nothing the class does makes this raise: an
    exception in it becomes a failed example naming its type and the line.

    An op the class does not define yet is *missing*, not failed. The report is truthy
    when no example failed and ``backward()`` passed; a recursive sort that dies on a deep
    graph is only a warning.

    >>> from micrograd_like import Value
    >>> report = check_value_class(Value)
    >>> bool(report), len(report.failed), len(report.missing)
    (True, 0, 0)
    """
    if not isinstance(cls, type):
        raise TypeError(
            f"check_value_class expects the class itself (e.g. MyValue), got "
            f"{type(cls).__name__} {cls!r}"
        )
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return _Checker(cls, float(timeout), isolate).report()
