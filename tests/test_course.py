"""The course as a whole, read as a teacher would: the solutions' answers pass their checks
in any reasonable form, no notebook prints a gradient check that disagrees with itself,
every idea of the article has a checked exercise, the article's loose claims are flagged,
and every concept is defined before it is used.

(Each notebook is also run top to bottom by ``make test``, through nbmake.)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbclient
import nbformat
import numpy as np
import pytest

from micrograd_like import Value
from micrograd_like.exercises import check as the_check
from micrograd_like.exercises.verdict import _round_sig

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COURSE = sorted(NOTEBOOKS.glob("0[1-8]_*.ipynb"))  # 09 builds the engine; it has no check


def _cells(path: Path) -> list[dict[str, Any]]:
    return [
        {"type": c["cell_type"], "id": c["id"], "source": "".join(c["source"])}
        for c in json.loads(path.read_text())["cells"]
    ]


def _notebook(number: str) -> Path:
    (path,) = NOTEBOOKS.glob(f"{number}_*.ipynb")
    return path


# --------------------------------------------------------------------------------------
# The worked solutions, checked again with numpy numbers and rounded to 3 figures
# --------------------------------------------------------------------------------------

# checks whose answer is a model, a History or a function: no number to write otherwise
RUN_CHECKS = {"straight_line_on_moons", "one_hidden_neuron", "retuned_sgd", "training_loop"}
NAME_CHECKS = {"features_and_labels"}


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float, Value)) and not isinstance(x, bool)


def _number_of(x: Any) -> float:
    return float(x.data) if isinstance(x, Value) else float(x)


def as_numpy(answer: Any) -> Any:
    """The answer as numpy would give it: numbers as numpy scalars, lists as arrays."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        return np.int64(answer)
    if _is_number(answer):
        return np.float64(_number_of(answer))
    if isinstance(answer, list) and answer and all(_is_number(x) for x in answer):
        return np.array([_number_of(x) for x in answer])
    if isinstance(answer, list) and answer and all(isinstance(r, list) for r in answer):
        return np.array([[_number_of(x) for x in row] for row in answer])
    if isinstance(answer, tuple):
        return tuple(as_numpy(x) for x in answer)
    return answer


def to_3_figures(answer: Any) -> Any:
    """The answer as a learner would copy it by hand: every number to 3 significant figures."""
    if _is_number(answer):
        return _round_sig(_number_of(answer), 3)
    if isinstance(answer, (list, tuple)):
        return type(answer)(to_3_figures(x) for x in answer)
    return answer


class Recorder:
    """Stands in for ``check`` while the solutions run: records every call, then answers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        def call(*args: Any) -> Any:
            self.calls.append((name, args))
            return getattr(the_check, name)(*args)

        return call


@pytest.fixture(scope="module")
def solution_calls() -> list[tuple[str, tuple[Any, ...]]]:
    """Run solutions.ipynb, with every check call recorded."""
    recorder = Recorder()
    namespace: dict[str, Any] = {"__name__": "solutions"}
    for cell in _cells(NOTEBOOKS / "solutions.ipynb"):
        if cell["type"] == "code":
            exec(compile(cell["source"], f"solutions.ipynb#{cell['id']}", "exec"), namespace)
            if namespace.get("check") is the_check:
                namespace["check"] = recorder
    return recorder.calls


def test_the_solutions_call_every_check(solution_calls: list[tuple[str, tuple[Any, ...]]]):
    methods = {n for n in dir(the_check) if not n.startswith("_")}
    assert {name for name, _ in solution_calls} == methods


def test_every_solution_is_right_as_numpy_numbers_and_to_3_figures(
    solution_calls: list[tuple[str, tuple[Any, ...]]],
):
    checked = set()
    for name, args in solution_calls:
        if name in RUN_CHECKS | NAME_CHECKS:
            continue
        fn = getattr(the_check, name)
        as_given, in_numpy, by_hand = (
            fn(*args),
            fn(*map(as_numpy, args)),
            fn(*map(to_3_figures, args)),
        )
        assert as_given, (name, args, str(as_given))
        assert in_numpy, (name, [as_numpy(a) for a in args], str(in_numpy))
        assert by_hand, (name, [to_3_figures(a) for a in args], str(by_hand))
        checked.add(name)
    methods = {n for n in dir(the_check) if not n.startswith("_")}
    assert checked == methods - RUN_CHECKS - NAME_CHECKS


def test_the_two_forms_are_what_they_say():
    # the answers of 2.4 and 4.2, as the solutions give them, in each form
    assert as_numpy((16, 64)) == (16, 64) and type(as_numpy((16, 64))[0]) is np.int64
    assert type(as_numpy(2 / 3)) is np.float64 and to_3_figures(2 / 3) == 0.667
    assert to_3_figures([[2.0, 5.0]]) == [[2.0, 5.0]] and to_3_figures(3 * math.e) == 8.15
    assert as_numpy([Value(0.25), 0.25, 0.5]).tolist() == [0.25, 0.25, 0.5]


# --------------------------------------------------------------------------------------
# No notebook prints a gradient check that disagrees with itself
# --------------------------------------------------------------------------------------

NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)"
PAIR = re.compile(rf"backward:?\s+{NUMBER}.*?finite differences?:?\s+{NUMBER}", re.I)


def printed_pairs(text: str) -> Iterator[tuple[float, float]]:
    """Every (backward, finite difference) pair printed on one line of ``text``."""
    for line in text.splitlines():
        for backward, numeric in PAIR.findall(line):
            yield float(backward), float(numeric)


def _disagree(backward: float, numeric: float) -> bool:
    return not math.isclose(backward, numeric, rel_tol=1e-5, abs_tol=1e-6)


def test_a_disagreeing_pair_is_found():
    # what notebook 01 once printed, after an earlier cell had reused the name b
    line = "dL/db: backward +0.500000   finite difference +4.500000"
    assert [_disagree(*p) for p in printed_pairs(line)] == [True]
    assert list(printed_pairs("backward: 0.918217  finite differences: 0.9182170000001")) == [
        (0.918217, 0.9182170000001)
    ]


def _prints_a_pair(source: str) -> bool:
    return "print" in source and "backward" in source and "finite difference" in source


@pytest.mark.parametrize(
    "path",
    [p for p in COURSE if any(_prints_a_pair(c["source"]) for c in _cells(p))],
    ids=lambda p: p.name,
)
def test_every_printed_backward_and_finite_difference_pair_agrees(path: Path):
    nb = nbformat.read(str(path), as_version=4)
    last = max(i for i, c in enumerate(nb.cells) if _prints_a_pair(c.source))
    nb.cells = nb.cells[: last + 1]  # run the notebook as far as its last pair
    nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    pairs, verdicts = [], []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                pairs += [(cell.id, *p) for p in printed_pairs(output["text"])]
                verdicts += re.findall(r"all gradients agree: (\w+)", output["text"])
    assert pairs, f"{path.name} prints no pair to compare"
    assert [p for p in pairs if _disagree(p[1], p[2])] == []
    assert set(verdicts) <= {"True"}


# --------------------------------------------------------------------------------------
# Every idea of the article has an exercise that checks it
# --------------------------------------------------------------------------------------

# the article's ideas, in its own order, each with the checks of the exercises on it
ARTICLE_IDEAS: list[tuple[str, set[str]]] = [
    ("input, hidden and output layers", {"digit_parameters"}),
    ("vectors, tensors, their components and shapes", {"layer_shapes"}),
    ("grayscale images as input vectors", {"pixel_index"}),
    ("regression: a linear output", {"mse_bias_grad", "one_hidden_neuron"}),
    ("features and labels", {"features_and_labels"}),
    (
        "a neuron: weights, a bias, the dot product plus bias",
        {"neuron_output", "neuron_weight_grad"},
    ),
    ("dense layers", {"layer_shapes"}),
    ("a layer as a linear transformation", {"collapsed_layer", "straight_line_on_moons"}),
    ("activation functions: linear, sigmoid", {"sigmoid"}),
    (
        "classification: a sigmoid for two classes, softmax for several",
        {"softmax_probs", "softmax_temperature", "cross_entropy_grad"},
    ),
    ("choosing the output layer and the loss", {"output_and_loss"}),
    ("the loss (or cost)", {"hinge_loss", "mse_value"}),
    ("gradients and backpropagation", {"chain_rule", "used_twice"}),
    ("gradient descent, and training as a loop", {"sgd_step", "training_loop"}),
    (
        "the learning rate, optimizers and other hyperparameters",
        {"two_steps", "stability_threshold"},
    ),
    ("the learning rate, optimizers and other hyperparameters", {"retuned_sgd"}),
]
BEYOND_THE_ARTICLE = {"second_derivative", "newton_step"}  # notebook 08, optional
EXERCISE = re.compile(r"^### Exercise (\d+)\.(\d+)\b", re.M)


def exercises() -> dict[str, str]:
    """Every exercise's number ("2.3") and the check of its check cell."""
    found: dict[str, str] = {}
    for path in COURSE:
        number, current = int(path.name[:2]), None
        for cell in _cells(path):
            heading = EXERCISE.search(cell["source"]) if cell["type"] == "markdown" else None
            if heading:
                assert int(heading.group(1)) == number, f"{path.name}: {heading.group(0)}"
                current = f"{heading.group(1)}.{heading.group(2)}"
            elif cell["type"] == "code" and current:
                (name,) = set(re.findall(r"\bcheck\.(\w+)\(", cell["source"]))
                found[current] = name
                current = None
    return found


def test_exercises_are_numbered_in_order_in_each_notebook():
    numbers = list(exercises())
    for path in COURSE:
        mine = [n for n in numbers if n.startswith(f"{int(path.name[:2])}.")]
        assert mine == [f"{int(path.name[:2])}.{k}" for k in range(1, len(mine) + 1)], mine


def test_every_idea_of_the_article_has_a_checked_exercise():
    checks = set(exercises().values())
    for idea, names in ARTICLE_IDEAS:
        assert names <= checks, (idea, names - checks)
    covered = set().union(*(names for _, names in ARTICLE_IDEAS))
    assert checks - covered == BEYOND_THE_ARTICLE  # and no exercise outside the article's


def test_the_course_map_names_the_exercise_of_every_idea():
    (table,) = [c["source"] for c in _cells(_notebook("01")) if c["id"] == "course-map"]
    rows = [r.split("|")[1:4] for r in table.splitlines() if r.startswith("| ")][1:]
    by_number = exercises()
    mapped: dict[str, set[str]] = {}
    for idea, _, numbers in rows:
        found = re.findall(r"\d+\.\d+", numbers)
        assert found and all(n in by_number for n in found), (idea, numbers)
        mapped[idea.strip()] = {by_number[n] for n in found}
    for idea, names in ARTICLE_IDEAS:
        rows_of_idea = [checks for text, checks in mapped.items() if idea in text]
        assert rows_of_idea, f"the map has no row for {idea!r}"
        assert any(names <= checks for checks in rows_of_idea), (idea, rows_of_idea)


# --------------------------------------------------------------------------------------
# The article's loose claims, flagged where they come up
# --------------------------------------------------------------------------------------

LOOSE_CLAIMS = {
    "01": "the gradient is the change",
    "02": "a matrix always rotates a vector",
    "05": "classification models don't use activation functions",
    "06": "the optimizer adapts the learning rate",
}


def test_each_loose_claim_of_the_article_has_a_box_saying_what_is_true():
    boxes = {}
    for path in COURSE:
        for cell in _cells(path):
            text = cell["source"].lstrip()
            if text.startswith("> **Where the article is loose"):
                claim = re.match(r'> \*\*Where the article is loose: "(.+?)"', text)
                assert claim, f"{path.name}: a box without its claim"
                assert path.name[:2] not in boxes, f"{path.name}: two boxes"
                boxes[path.name[:2]] = claim.group(1)
                assert len(text) > 400, f"{path.name}: the box should say what is true"
    assert set(boxes) == set(LOOSE_CLAIMS)
    for number, claim in LOOSE_CLAIMS.items():
        assert boxes[number].startswith(claim), (number, boxes[number])


# --------------------------------------------------------------------------------------
# Notebook 08 is optional; references are to real notebooks
# --------------------------------------------------------------------------------------


def test_notebook_08_is_marked_optional_everywhere_it_is_named():
    title = _cells(_notebook("08"))[0]["source"].splitlines()[0]
    assert title.endswith("(optional)")
    assert "**optional**" in _cells(_notebook("01"))[0]["source"]
    nav = (ROOT / "mkdocs.yml").read_text()
    assert re.search(r"8\. .*\(optional\): course/08_newton\.ipynb", nav)
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"`08_newton` \(optional\)", readme)


def test_every_reference_to_a_notebook_names_one_that_exists():
    numbers = {p.name[:2] for p in NOTEBOOKS.glob("0*.ipynb")}
    for path in COURSE:
        for cell in _cells(path):
            text = cell["source"]
            assert not re.search(r"notebook on \w+", text, re.I), (path.name, cell["id"])
            for n in re.findall(r"\bnotebooks? (\d\d)\b", text):
                assert n in numbers, (path.name, cell["id"], n)


# --------------------------------------------------------------------------------------
# Concepts before use
# --------------------------------------------------------------------------------------

# a term, the notebook that defines it (in bold), and how it may be written
DEFINED_IN = {
    "logit": ("03", r"logits?"),
    "test set": ("03", r"test (?:set|data|loss)"),
    "overfitting": ("03", r"overfit\w*"),
    "mini-batch": ("05", r"mini-batch(?:es)?"),
    "Adam": ("04", r"Adam"),
    "one-hot": ("05", r"one-hot"),
    "validation set": ("06", r"validation (?:set|data)"),
    "Hessian": ("08", r"Hessian"),
    "eigenvalue": ("08", r"eigenvalues?"),
}


@pytest.mark.parametrize("term", DEFINED_IN, ids=list(DEFINED_IN))
def test_a_term_is_defined_where_it_is_first_used(term: str):
    """The first cell of prose that uses the term (an overview of what is coming aside)
    defines it, in bold, and is in the notebook that teaches it."""
    number, pattern = DEFINED_IN[term]
    word = re.compile(rf"\b{pattern}\b", re.I)
    for path in COURSE:
        prose = [c for c in _cells(path) if c["type"] == "markdown" and c["id"] != "course-map"]
        if path.name.startswith(number):
            prose = prose[1:]  # the notebook's opening lists what it will define
        uses = [c for c in prose if word.search(c["source"])]
        if not uses:
            continue
        assert path.name.startswith(number), f"{term!r} is used in {path.name} before {number}"
        bold = re.search(rf"\*\*(?:[\w-]+ )?{pattern}\*\*", uses[0]["source"], re.I)
        assert bold, f"{term!r} is first used in {path.name}, cell {uses[0]['id']}, undefined"
        return
    pytest.fail(f"{term!r} is never used")
