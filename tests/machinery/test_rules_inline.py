"""A row's inline expressions (the fast path pastes them into its node makers) give the
row's own numbers, bit for bit, and are nothing but expressions over the row's names."""

from __future__ import annotations

import ast
import struct
from operator import mul
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd_like import fast
from micrograd_like.rules import BUILT_IN, RULES, add_in_order

INLINED = sorted(name for name in BUILT_IN if RULES[name].inline is not None)
ALLOWED = {"a", "b", "out", "w", "x", "add_in_order", "map", "mul"}  # names an expression may use


def bits(x: Any) -> Any:
    if isinstance(x, float):
        return struct.pack("<d", x)
    return tuple(bits(v) for v in x)


def evaluate(expression: str, **names: Any) -> Any:
    code = compile(ast.Expression(ast.parse(expression, mode="eval").body), "<inline>", "eval")
    return eval(code, {"add_in_order": add_in_order, "map": map, "mul": mul}, names)  # noqa: S307


def test_the_inlined_rows_are_the_hot_ones() -> None:
    assert INLINED == ["*", "+", "/", "affine", "exp", "log", "relu", "sigmoid", "tanh"]


@pytest.mark.parametrize("name", INLINED)
def test_an_inline_expression_uses_only_the_row_s_names(name: str) -> None:
    inline = RULES[name].inline
    assert inline is not None
    for text in (inline.forward, inline.partials):
        if text is not None:
            tree = ast.parse(text, mode="eval")  # one expression: no statement can hide there
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert used <= ALLOWED, used - ALLOWED
            assert not any(isinstance(n, (ast.Attribute, ast.Lambda)) for n in ast.walk(tree))


@pytest.mark.parametrize("name", INLINED)
def test_every_name_an_inline_expression_uses_is_defined_where_the_code_is_made(
    name: str,
) -> None:
    # the layer's maker pastes the affine and relu rows; the ops' methods every other one
    # (and relu's too)
    import builtins

    inline = RULES[name].inline
    assert inline is not None
    modules = {"affine": [fast.layers], "relu": [fast.layers, fast.nodes]}.get(name, [fast.nodes])
    for text in (inline.forward, inline.partials):
        if text is not None:
            used = {n.id for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)}
            for module in modules:
                missing = {u for u in used - {"a", "b", "out", "w", "x"} if u not in vars(module)}
                assert not {u for u in missing if u not in vars(builtins)}, (module, missing)


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(a=finite, b=finite)
def test_binary_inline_expressions_give_the_row_s_numbers(a: float, b: float) -> None:
    for name in ("+", "*", "/"):
        rule = RULES[name]
        if name == "/" and b == 0.0:
            continue
        out = rule.run([a, b])
        inline = rule.inline
        assert inline is not None
        if inline.forward is not None:
            assert bits([evaluate(inline.forward, a=a, b=b)]) == bits([out])
        if inline.partials is not None:
            got = evaluate(inline.partials, a=a, b=b, out=out)
            assert bits(got) == bits(rule.local(out, [a, b]))


@settings(max_examples=300, deadline=None)
@given(a=st.floats(-700, 700, allow_nan=False))
def test_unary_inline_expressions_give_the_row_s_numbers(a: float) -> None:
    for name in ("exp", "log", "relu", "sigmoid", "tanh"):
        if name == "log" and a <= 0.0:
            continue
        rule = RULES[name]
        out = rule.run([a])
        inline = rule.inline
        assert inline is not None
        if inline.forward is not None:
            assert bits([evaluate(inline.forward, a=a)]) == bits([out])
        if inline.partials is not None:
            assert bits(evaluate(inline.partials, a=a, out=out)) == bits(rule.local(out, [a]))


@settings(max_examples=200, deadline=None)
@given(wxb=st.lists(finite, min_size=1, max_size=8), b=finite)
def test_the_affine_inline_forward_is_the_row_s(wxb: list[float], b: float) -> None:
    w, x = wxb, [v * 0.5 - 1.0 for v in wxb]
    inline = RULES["affine"].inline
    assert inline is not None and inline.forward is not None
    got = evaluate(inline.forward, w=w, x=x, b=b)
    assert bits([got]) == bits([RULES["affine"].run([*w, *x, b])])


def test_the_affine_views_read_as_the_row_s_partials() -> None:
    # w = (2, -1), x = (0.5, 3), b = 0.25: parents w1 w2 x1 x2 b, partials x1 x2 w1 w2 1
    from micrograd_like.engine import Value

    ws, xs, bias = (Value(2.0), Value(-1.0)), (Value(0.5), Value(3.0)), Value(0.25)
    neuron = (ws, (2.0, -1.0), bias, False)
    inputs = (xs, [0.5, 3.0])
    parents = object.__new__(fast.AffineParents)
    parents.neuron, parents.inputs = neuron, inputs
    local = object.__new__(fast.AffineLocals)
    local.neuron, local.inputs = neuron, inputs
    data = [2.0, -1.0, 0.5, 3.0, 0.25]
    assert tuple(parents) == (*ws, *xs, bias)
    assert bits(local) == bits(RULES["affine"].local(RULES["affine"].run(data), data))


def test_the_fast_path_generates_code_only_from_its_templates_and_the_built_in_rows() -> None:
    # exec runs in fast/nodes.py alone, on text made from constants of the fast path's
    # own and the rows' inline expressions checked above; a row added by add_op is
    # called, never pasted.
    source = open(fast.nodes.__file__, encoding="utf-8").read()
    tree = ast.parse(source)
    calls = [
        n for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in ("exec", "compile")
    ]  # fmt: skip
    assert len(calls) == 2  # exec(compile(source, ...)) in generate, once
    generators = [
        n
        for module in (fast.nodes, fast.layers)
        for n in ast.walk(ast.parse(open(module.__file__, encoding="utf-8").read()))
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "generate"
    ]
    assert len(generators) == 3  # the binary and unary methods, and the layer's nodes
