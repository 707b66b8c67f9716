"""``micrograd-like check`` and :func:`grade`: files of every kind, and the limits."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from lecture_value import LECTURE

from micrograd_like.cli import main
from micrograd_like.exercises import grade
from micrograd_like.exercises.autograder import parse_target


def _notebook(path: Path, *cells: str) -> Path:
    notebook = {
        "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path.write_text(json.dumps(notebook))
    return path


def test_a_notebook_is_run_cell_by_cell_magics_aside(tmp_path: Path):
    my_value = LECTURE.replace("Value", "MyValue")
    overwriting = (
        "class Overwriting(MyValue):\n"
        "    def __add__(self, other):\n"
        "        return MyValue.__add__(self, other)\n"
    )
    path = _notebook(tmp_path / "lab.ipynb", "%matplotlib inline\n!pip list", my_value,
                     "print('trying'); 1 / 0", overwriting)  # fmt: skip
    (result,) = grade([path]).files
    assert result.ok and result.class_name == "MyValue", result.first_mistake()
    assert result.notes == ["lab.ipynb, cell 3 raised ZeroDivisionError: division by zero "
                            "(line 1: print('trying'); 1 / 0)"]  # fmt: skip
    assert "trying" in result.output


def test_name_picks_the_class_and_is_checked(tmp_path: Path):
    path = tmp_path / "two.py"
    path.write_text(
        LECTURE
        + "\n\nclass Other(Value):\n    pass\n\n\nclass Alone:\n    def backward(self): pass\n"
    )
    assert grade([f"{path}:Other"]).files[0].class_name == "Other"
    assert parse_target(f"{path}:Other") == (path, "Other")
    (nothing,) = grade([f"{path}:Nope"]).files
    assert nothing.problem == "two.py defines no Nope" and not nothing.ok
    several = tmp_path / "several.py"
    several.write_text(
        "class A:\n    def backward(self): pass\n\nclass B:\n    def backward(self): pass\n"
    )
    problem = grade([several]).files[0].problem
    assert (
        problem
        == "several.py has several classes with a backward() (A, B): choose one as several.py:NAME"
    )


def test_a_file_that_never_ends_is_stopped_at_the_time_limit(tmp_path: Path):
    path = tmp_path / "forever.py"
    path.write_text(LECTURE + "\nwhile True:\n    pass\n")
    (result,) = grade([path], time_limit=5).files
    assert result.problem == "did not finish within 5 s (the time limit)"


def test_a_file_that_eats_memory_is_stopped_at_the_memory_limit(tmp_path: Path):
    path = tmp_path / "greedy.py"
    path.write_text(LECTURE + "\nhoard = [0.0] * (1 << 33)\n")
    (result,) = grade([path], memory_mb=1024).files
    assert result.problem == "ran out of memory (the limit is 1024 MB)"


def test_the_report_shows_as_a_table_and_as_junit(tmp_path: Path):
    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(LECTURE)
    bad.write_text(
        LECTURE.replace("self.grad += (1 - t**2) * out.grad", "self.grad += 1 - t**2 * out.grad")
    )
    report = grade([tmp_path])
    assert not report and [f.ok for f in report.files] == [False, True]  # bad.py, good.py
    html = report._repr_html_()
    assert html.startswith("<table>") and "bad.py:Value" in html and "precedence" in html
    table = report.table()
    assert "tanh: precedence: 1 - t**2 * out.grad is" in table
    root = ET.fromstring(report.junit())
    assert root.get("tests") == str(sum(len(f.report.outcomes) for f in report.files))  # type: ignore[union-attr]
    assert {c.get("classname") for c in root.iter("testcase") if c.find("failure") is not None} == {
        "bad.py:Value.tanh"
    }


def test_require_fails_a_file_that_lacks_an_op(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "no_tanh.py"
    start, end = LECTURE.index("    def tanh"), LECTURE.index("    def exp")
    path.write_text(LECTURE[:start] + LECTURE[end:])
    assert main(["check", str(path)]) == 0
    assert main(["check", str(path), "--require", "tanh,exp"]) == 1
    assert "required but missing: tanh" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, words",
    [(["nope.py"], "nope.py: no such file"),
     (["README.md"], "README.md: expected a .py or .ipynb file"),
     (["x.py", "--time-limit", "0"], "--time-limit must be a positive number"),
     (["x.py", "--require", "cosh"], "unknown op(s) to require: cosh")],
)  # fmt: skip
def test_bad_arguments_are_one_line_and_exit_code_2(
    args, words, tmp_path: Path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.py").write_text(LECTURE)
    (tmp_path / "README.md").write_text("")
    assert main(["check", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("micrograd-like: error: ") and words in err and err.count("\n") == 1
