"""The rule table's ops: each built-in operator's help shows its rule, and ops of your own
(add_op) cannot replace a built-in one and must give the partials they promise."""

from __future__ import annotations

import math
from typing import Any

import pytest

from micrograd_like.engine import RULES, Value
from micrograd_like.ops import add_op, remove_op

# --------------------------------------------------------------------------------------
# The built-in ops say their rules
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, op",
    [("__add__", "+"), ("__radd__", "+"), ("__mul__", "*"), ("__rmul__", "*"),
     ("__truediv__", "/"), ("__pow__", "**"), ("__rpow__", "**"), ("exp", "exp"),
     ("log", "log"), ("tanh", "tanh"), ("sigmoid", "sigmoid"), ("relu", "relu"),
     ("leaky_relu", "leaky_relu")],
)  # fmt: skip
def test_help_on_an_operator_shows_its_rule_s_formula(method: str, op: str) -> None:
    # help(Value.__mul__) reads "self * other, one node (rule "*"): d(a*b)/da = b, ..."
    doc = getattr(Value, method).__doc__
    assert f'rule "{op}"' in doc
    formula = RULES[op].formula.split(",")[0]  # the first input's derivative, as written
    assert formula.replace(" ", "") in doc.replace(" ", "").replace("\n", "")


# --------------------------------------------------------------------------------------
# Ops of your own: add_op refuses what it must not replace, and checks what it is given
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["affine", "sum", "dot", "logsumexp", "log_softmax", "tanh"])
def test_add_op_refuses_the_name_of_a_built_in_rule(name: str) -> None:
    with pytest.raises(ValueError, match=f"'{name}' is already a rule of the table"):
        add_op(name, math.sin, lambda out, a: (math.cos(a),))
    assert RULES[name].formula  # untouched: every MLP still has its affine row


def test_remove_op_refuses_a_built_in_rule_and_the_table_refuses_to_lose_one() -> None:
    with pytest.raises(ValueError, match="'affine' is a built-in rule"):
        remove_op("affine")
    with pytest.raises(ValueError, match="cannot be replaced"):
        RULES["affine"] = RULES["+"]
    with pytest.raises(ValueError, match="cannot be removed"):
        del RULES["affine"]


def test_an_op_added_twice_must_be_removed_first() -> None:
    add_op("twice", lambda a: 2 * a, lambda out, a: (2.0,))
    try:
        with pytest.raises(ValueError, match="remove_op it first"):
            add_op("twice", lambda a: 2 * a, lambda out, a: (2.0,))
    finally:
        remove_op("twice")


@pytest.mark.parametrize("fast_path", [True, False])
@pytest.mark.parametrize(
    "partials, error, message",
    [
        (lambda out, a: (), ValueError, r"returned 0 derivative\(s\) for its 1 input"),
        (lambda out, a: (1.0, 2.0), ValueError, r"returned 2 derivative\(s\) for its 1 input"),
        (lambda out, a: 1.0, TypeError, r"must return a tuple of 1 derivative"),
        (lambda out, a: ("x",), TypeError, r"returned a str as derivative #0"),
    ],
)
def test_partials_of_the_wrong_count_or_kind_name_the_op_on_both_paths(
    fast_path: bool, partials: Any, error: type, message: str
) -> None:
    from micrograd_like import fast

    add_op("bad", math.sin, partials)
    try:
        with fast.enabled(fast_path), pytest.raises(error, match=f"op 'bad' {message}|{message}"):
            Value(0.5).bad()
    finally:
        remove_op("bad")
