"""Exercises that check themselves, for the course notebooks.

Each notebook ends a section with an exercise and a check cell::

    from micrograd_like.exercises import check

    my_answer = None               # replace None with your answer
    check.neuron_output(my_answer)

A check returns a :class:`Verdict`. It is truthy only when the answer is right. When it
is wrong, its message gives a hint aimed at the likely mistake (a forgotten bias, a sign,
a missing chain-rule term) and never the answer. ``None`` means "not answered yet": the
check says so and raises nothing, so a notebook with its placeholders still runs.

>>> check.neuron_output(None)
not answered yet: replace None with your number for a = tanh(w . x + b)
>>> bool(check.neuron_output(0.3))
False

:func:`check_value_class` runs our worked examples (the hand-derived numbers of the test
suite) on a ``Value`` class you wrote yourself, as in notebook 09, and names the op whose
code is wrong. :func:`grade` (the ``micrograd-like check`` command) does the same for a
teacher, on learners' files, each in a process of its own.
"""

from micrograd_like.exercises.answers import Verdict, check
from micrograd_like.exercises.autograder import GradeReport, grade
from micrograd_like.exercises.value_class import (
    CheckOutcome,
    ValueClassReport,
    check_value_class,
)

__all__ = [
    "CheckOutcome",
    "GradeReport",
    "ValueClassReport",
    "Verdict",
    "check",
    "check_value_class",
    "grade",
]
