"""The checks of the exercises answered with names: which columns are features, which
output layer and loss suit a task.

A name is read without regard to case or surrounding spaces, and the library's own
aliases count (``"bce"`` for ``"binary_cross_entropy"``).

>>> bool(ChoiceChecks().output_and_loss(
...     (1, "linear", "mse"), (1, "sigmoid", "bce"), (10, "softmax", "cross_entropy")))
True
"""

from __future__ import annotations

from collections.abc import Sequence

from micrograd_like.exercises.verdict import (
    Verdict,
    as_number,
    not_answered,
    right,
    wrong,
)

__all__ = ["ChoiceChecks"]

# 03: a table of flats to let; the model predicts the rent from the other columns
FLAT_COLUMNS = ("area", "rooms", "floor", "distance", "rent")
FLAT_LABEL = "rent"

OUTPUT_ACTIVATIONS = ("linear", "sigmoid", "tanh", "softmax")
LOSS_ALIASES = {
    "bce": "binary_cross_entropy",
    "bce_with_logits": "binary_cross_entropy_with_logits",
}
LOSS_NAMES = (
    "mse",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "cross_entropy_from_probs",
    "hinge",
    "multiclass_hinge",
)
CLASS_LOSSES = set(LOSS_NAMES) - {"mse"}

# 05: the three tasks, and every output layer and loss that suits each:
# (number of outputs, output activation, loss)
TASKS = {
    "temperature": "tomorrow's temperature in degrees (a number)",
    "spam": "spam or not (two classes)",
    "digit": "which of the 10 digits (ten classes)",
}
SUITS: dict[str, set[tuple[int, str, str]]] = {
    "temperature": {(1, "linear", "mse")},
    "spam": {
        (1, "sigmoid", "binary_cross_entropy"),
        (1, "linear", "binary_cross_entropy_with_logits"),
        (1, "linear", "hinge"),
        (2, "softmax", "cross_entropy"),
        (2, "softmax", "cross_entropy_from_probs"),
        (2, "linear", "cross_entropy"),
        (2, "linear", "multiclass_hinge"),
    },
    "digit": {
        (10, "softmax", "cross_entropy"),
        (10, "softmax", "cross_entropy_from_probs"),
        (10, "linear", "cross_entropy"),
        (10, "linear", "multiclass_hinge"),
    },
}
_CLASSES = {"spam": 2, "digit": 10}


def _name(x: object) -> str | None:
    return x.strip().lower() if isinstance(x, str) else None


def _names(answer: object) -> list[str] | str:
    if isinstance(answer, str):
        return [answer.strip().lower()]
    if not isinstance(answer, (Sequence, set, frozenset)):
        return f"give a list of column names, got {type(answer).__name__}"
    out = []
    for a in answer:
        name = _name(a)
        if name is None:
            return f"column names are strings such as 'area', got {a!r}"
        out.append(name)
    return out


def _choice(task: str, answer: object) -> tuple[int, str, str] | str:
    """(outputs, activation, loss) read from the answer, or what is wrong with its form."""
    if isinstance(answer, str) or not isinstance(answer, Sequence) or len(answer) != 3:
        return (
            f"{task}: give three things, (number of outputs, output activation, loss), "
            "such as (1, 'linear', 'mse')"
        )
    n, activation, loss = answer
    count = as_number(n)
    if isinstance(count, str) or not count.is_integer() or count < 1:
        return f"{task}: the number of outputs is a whole number, got {n!r}"
    act, lossname = _name(activation), _name(loss)
    if act not in OUTPUT_ACTIVATIONS:
        return f"{task}: {activation!r} is not an output activation: one of {OUTPUT_ACTIVATIONS}"
    lossname = LOSS_ALIASES.get(lossname or "", lossname)
    if lossname not in LOSS_NAMES:
        return f"{task}: {loss!r} is not a loss of the library: one of {LOSS_NAMES}"
    return int(count), act, lossname


def _what_is_wrong(task: str, n: int, act: str, loss: str) -> str:
    """The hint for an output layer and loss that do not suit the task."""
    if task == "temperature":
        if n != 1:
            return "the temperature is one number: one output neuron."
        if act != "linear":
            return (
                f"a {act} output can't give most temperatures: it squashes every output "
                "into a range. A number to predict needs an output that can be any number."
            )
        return "a temperature is not a class: judge a number by how far off it is."
    k = _CLASSES[task]
    if act == "softmax" and n == 1:
        return f"{task}: the softmax of a single output is always 1, whatever the input."
    if loss == "mse":
        return (
            f"{task}: mse measures how far apart two numbers are; a class is judged by the "
            "probability (or score) the model gives the right one."
        )
    if loss in ("binary_cross_entropy", "binary_cross_entropy_with_logits", "hinge"):
        if k > 2:
            return f"{task}: that loss is for two classes; here there are {k}."
        if n != 1:
            return f"{task}: {loss} reads ONE output, the score (or probability) of class 1."
        if loss == "binary_cross_entropy":
            return f"{task}: binary_cross_entropy needs a probability: a sigmoid output."
        if loss == "binary_cross_entropy_with_logits":
            return (
                f"{task}: ..._with_logits applies the sigmoid itself, so the output should "
                "be linear (a logit): with a sigmoid output it would be applied twice."
            )
        return f"{task}: the hinge loss reads a raw score: a linear output."
    # cross_entropy, cross_entropy_from_probs, multiclass_hinge: one output per class
    if n != k:
        return f"{task}: {loss} wants one output per class: {k} classes."
    if act == "sigmoid" or act == "tanh":
        return (
            f"{task}: a {act} on each output scores each class on its own; softmax makes "
            "the outputs probabilities that share 1 between the classes."
        )
    if loss == "cross_entropy_from_probs":
        return f"{task}: cross_entropy_from_probs needs probabilities: a softmax output."
    return f"{task}: multiclass_hinge reads raw scores: a linear output."


class ChoiceChecks:
    """The exercises answered with names."""

    def features_and_labels(self, features: object, label: object) -> Verdict:
        """03: in the table of flats (area, rooms, floor, distance, rent), the features
        and the label for a model that predicts the rent.

        >>> bool(ChoiceChecks().features_and_labels(["area", "rooms", "floor", "distance"], "rent"))
        True
        """
        name = "features_and_labels"
        if features is None or label is None:
            return not_answered(name, "your list of feature columns and your label column")
        fs = _names(features)
        if isinstance(fs, str):
            return wrong(name, fs)
        labels = _names(label)
        if isinstance(labels, str):
            return wrong(name, labels)
        if len(labels) != 1:
            return wrong(name, "the label is ONE column: the one the model must predict.")
        unknown = [c for c in [*fs, *labels] if c not in FLAT_COLUMNS]
        if unknown:
            return wrong(name, f"{unknown[0]!r} is not a column: they are {FLAT_COLUMNS}.")
        (lab,) = labels
        if lab != FLAT_LABEL:
            return wrong(
                name,
                f"the label is the answer we want the model to give; {lab!r} is something "
                "it is told. What should the model predict?",
            )
        if FLAT_LABEL in fs:
            return wrong(
                name,
                "the label can't be a feature too: the model would be handed the answer "
                "it is asked for.",
            )
        missing = set(FLAT_COLUMNS) - {FLAT_LABEL} - set(fs)
        if missing:
            return wrong(
                name,
                f"{len(missing)} column(s) the model could read are left out: every "
                "input column is a feature.",
            )
        return right(
            name,
            "the features are what the model reads (its input vector, 4 numbers per "
            "flat); the label is the right answer it is trained towards.",
        )

    def output_and_loss(self, temperature: object, spam: object, digit: object) -> Verdict:
        """05: for each task, (number of outputs, output activation, loss)."""
        name = "output_and_loss"
        answers = {"temperature": temperature, "spam": spam, "digit": digit}
        if any(a is None for a in answers.values()):
            return not_answered(
                name, "an (outputs, activation, loss) triple for each of the three tasks"
            )
        for task, answer in answers.items():
            choice = _choice(task, answer)
            if isinstance(choice, str):
                return wrong(name, choice)
            if choice not in SUITS[task]:
                return wrong(name, _what_is_wrong(task, *choice))
        return right(
            name,
            "a number: a linear output and mse; two classes: one score (sigmoid and binary "
            "cross-entropy, or a logit); k classes: k outputs, softmax and cross-entropy.",
        )
