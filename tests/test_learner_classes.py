"""check_value_class and ``micrograd-like check`` on learners' own Value classes.

``tests/learners/`` holds thirteen of them, written in the styles of public micrograd
re-implementations (see its README: reconstructions, not copies); micrograd itself is
the fourteenth. Every correct class passes, and every buggy one fails naming exactly the
ops whose code is wrong.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_like.cli import main
from micrograd_like.exercises import check_value_class
from micrograd_like.exercises.autograder import choose_class, load

LEARNERS = Path(__file__).resolve().parent / "learners"

# file -> the ops that must fail (empty: the class is right)
EXPECTED: dict[str, set[str]] = {
    "lecture_end_of_video.py": set(),
    "numpy_sigmoid_log.py": set(),
    "typed_tuple_prev.py": set(),
    "children_attribute.py": set(),
    "creator_and_prints.py": set(),
    "tuple_prev_no_radd.py": set(),
    # = for += in ** and in log (/ uses ** and is not judged)
    "scalar_assigns_in_pow_and_log.py": {"__pow__", "log"},
    # exp assigns its grad and returns nothing
    "exp_without_return.py": {"exp"},
    # a + 2 and a * 4: 'int' object has no attribute 'data'
    "no_number_wrapping.py": {"__add__", "__mul__"},
    # = for += in +, * and tanh, and no wrapping
    "assigns_before_the_fix.py": {"__add__", "__mul__", "tanh"},
    # self.backward = lambda: None in __init__ hides the method
    "backward_attribute_hides_method.py": {"backward"},
    # 2 / a computed as a / 2
    "rtruediv_the_wrong_way_round.py": {"__rtruediv__"},
    # __sub__ forgets `return output`; __radd__ is `other + self`, which recurses forever
    "sub_without_return.py": {"__sub__", "__radd__"},
}


def test_every_learner_file_has_an_expectation():
    assert sorted(p.name for p in LEARNERS.glob("*.py")) == sorted(EXPECTED)
    assert len(EXPECTED) + 1 >= 10  # and micrograd's own class


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_learners_class_is_judged_as_it_deserves(name: str, capsys: pytest.CaptureFixture[str]):
    path = LEARNERS / name
    namespace, _ = load(path)  # a file's own errors (creator_and_prints ends with one) are noted
    report = check_value_class(choose_class(namespace, None, path))
    assert set(report.failing_ops) == EXPECTED[name], str(report)
    assert bool(report) == (not EXPECTED[name]), str(report)
    assert not report.not_judged or report.failed  # nothing is left unjudged without a cause


def test_a_class_that_prints_has_its_output_captured_and_cut(capsys: pytest.CaptureFixture[str]):
    path = LEARNERS / "creator_and_prints.py"
    namespace, notes = load(path)
    assert notes and "TypeError" in notes[0] and "b = 2*a" in notes[0]
    capsys.readouterr()
    report = check_value_class(choose_class(namespace, None, path))
    assert capsys.readouterr().out == ""  # backward() prints every node: none of it here
    assert 0 < len(report.output) <= 2000 and report.output_total == len(report.output)
    assert "your class printed" in str(report)


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "micrograd_like", "check", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_the_autograder_grades_a_folder_in_one_command(tmp_path: Path):
    junit = tmp_path / "report.xml"
    done = _check(str(LEARNERS), "--junit", str(junit))
    assert done.returncode == 1, done.stderr  # some files fail
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["file", "passed", "failed", "missing", "first", "mistake"]
    rows = {line.split(":")[0]: line for line in lines[1 : 1 + len(EXPECTED)]}
    assert sorted(rows) == sorted(EXPECTED)
    for name, wrong in EXPECTED.items():
        first = rows[name].split(None, 4)[-1]
        if wrong:
            assert first.split(":")[0] in wrong, rows[name]
        else:
            assert first == "-", rows[name]
    assert lines[1 + len(EXPECTED)] == f"{len(EXPECTED)} file(s): 6 passed, 7 failed"
    suites = ET.parse(junit).getroot()
    assert int(suites.get("failures", "0")) > 0
    by_file = {s.get("name", "").split(":")[0]: s for s in suites.iter("testsuite")}
    assert sorted(by_file) == sorted(EXPECTED)
    failures = by_file["rtruediv_the_wrong_way_round.py"].findall("testcase/failure/..")
    assert {case.get("classname", "").rsplit(".", 1)[-1] for case in failures} == {"__rtruediv__"}


def test_the_autograder_exits_0_when_every_file_passes(capsys: pytest.CaptureFixture[str]):
    good = [str(LEARNERS / name) for name, wrong in EXPECTED.items() if not wrong][:2]
    assert main(["check", *good]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "2 file(s): 2 passed, 0 failed"
