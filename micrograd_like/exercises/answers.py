"""The check of every exercise of the course notebooks: ``check.<exercise>(answer)``.

Each returns a :class:`~micrograd_like.exercises.verdict.Verdict`, truthy only when the
answer is right, with a hint aimed at the likely mistake when it is not. No hint states
the answer or its sign: a hint names the mistake and where to look. The checks live by
topic: :mod:`~micrograd_like.exercises.gradients` (notebooks 01 and 08),
:mod:`~micrograd_like.exercises.neurons` (02 and 07),
:mod:`~micrograd_like.exercises.training` (03 to 06), those answered with names in
:mod:`~micrograd_like.exercises.choices`, and those answered with a trained model or a
function in :mod:`~micrograd_like.exercises.runs`.

>>> bool(check.chain_rule(6.0)), bool(check.mse_value(1.67)), bool(check.two_steps(2.0))
(True, True, False)
"""

from __future__ import annotations

from micrograd_like.exercises.choices import ChoiceChecks
from micrograd_like.exercises.gradients import GradientChecks
from micrograd_like.exercises.neurons import NeuronChecks
from micrograd_like.exercises.runs import RunChecks
from micrograd_like.exercises.training import TrainingChecks
from micrograd_like.exercises.verdict import Verdict

__all__ = ["Checks", "Verdict", "check"]


class Checks(GradientChecks, NeuronChecks, TrainingChecks, ChoiceChecks, RunChecks):
    """The check of every exercise in the course, one method per exercise.

    Each takes your answer (``None`` until you have one) and returns a :class:`Verdict`.
    """


check = Checks()
