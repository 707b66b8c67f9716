"""How the pictures name a graph's nodes: parameters, labels, short sub-expressions.

:func:`name_nodes` names every node of a graph once: a parameter of ``model`` by its
place (``L1.N2.w3``: layer 1, neuron 2, weight 3), else its label, else the short
expression it computes (``a*b``, ``tanh(n)``) up to 12 characters, else ``t1``, ``t2``...
which the legend spells out. Unlabelled leaves used by several ops are the inputs ``x1``,
``x2``...; an unlabelled leaf that one op uses once is a constant (the ``2`` of ``a * 2``).
:func:`~micrograd_like.viz.draw_dot` and :func:`~micrograd_like.viz.steps.explain` both
use it, so the words and the picture call a node by the same name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from micrograd_like.engine import Value, topological_order

__all__ = [
    "Names",
    "display_names",
    "graph_nodes",
    "name_nodes",
    "natural_key",
    "short_parameter_name",
]

SHORT_NAME = 12
"""The longest sub-expression shown as a node's name; longer ones get a name ``t1``..."""


def graph_nodes(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, leaves included, each listed after its parents.

    >>> a = Value(1.0); b = a * 2; c = b + a
    >>> [v.op or "leaf" for v in graph_nodes(c)]
    ['leaf', 'leaf', '*', '+']
    """
    return topological_order(root, leaves=True)


def natural_key(text: str) -> list[Any]:
    """Sort key that orders the numbers in names by value: ``N2`` before ``N10``.

    >>> sorted(["N10", "N2", "N1"], key=natural_key)
    ['N1', 'N2', 'N10']
    """
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def short_parameter_name(dotted: str) -> str:
    """A parameter's dotted name, 1-based and short: ``layers.0.neurons.3.w.2`` -> ``L1.N4.w3``.

    >>> short_parameter_name("layers.1.neurons.0.b"), short_parameter_name("w.0")
    ('L2.N1.b', 'w1')
    """
    parts = dotted.split(".")
    out: list[str] = []
    i = 0
    while i < len(parts):
        word = parts[i]
        if i + 1 < len(parts) and parts[i + 1].isdigit():
            prefix = {"layers": "L", "neurons": "N"}.get(word, word)
            out.append(f"{prefix}{int(parts[i + 1]) + 1}")
            i += 2
        else:
            out.append(word)
            i += 1
    return ".".join(out)


def parameter_names(model: Any) -> dict[Value, str]:
    if model is None:
        return {}
    named = getattr(model, "named_parameters", None)
    if not callable(named):
        raise TypeError(
            f"model must have named_parameters() (an MLP or Module), got {type(model).__name__}"
        )
    return {p: short_parameter_name(name) for name, p in named()}


# Operator precedence of a name inside a bigger expression: parenthesise lower ones.
_ADD, _MUL, _NEG, _POW, _ATOM = 1, 2, 3, 4, 5
ATOM_NAME = re.compile(r"[\w.]+")


@dataclass
class Names:
    """How :func:`draw_dot` and ``explain()`` name the nodes of one graph.

    ``names[v]`` is v's name; ``constants`` the leaves (and constant sub-expressions)
    drawn inside their op's node; ``legend`` the short names (``t1``) and what they stand
    for; ``inputs`` the unlabelled leaves named ``x1``, ``x2``...
    """

    names: dict[Value, str]
    constants: set[Value]
    legend: dict[str, str] = field(default_factory=dict)
    inputs: list[Value] = field(default_factory=list)


def _constants(nodes: Sequence[Value], params: Mapping[Value, str]) -> set[Value]:
    """The unlabelled leaves one op uses once, and unlabelled ops of constants only.

    ``a * 2`` makes the leaf 2, ``f / 2`` the node ``2**-1``: both are constants. Leaves
    that meet a parameter of the model in an op (its inputs) are never constants, and an
    op whose operands would all be constants keeps them as boxes.
    """
    if not nodes:
        return set()
    root = nodes[-1]
    uses: Counter[Value] = Counter(p for v in nodes for p in v.parents)
    # what a model's parameters are combined with is the model's input, not a constant
    inputs = {p for v in nodes if any(q in params for q in v.parents) for p in v.parents}
    found: set[Value] = set()
    for v in nodes:
        if v is root or v.label or v in params or v in inputs:
            continue
        if not v.parents:
            if uses[v] == 1:
                found.add(v)
        elif all(p in found for p in v.parents):
            found.add(v)
    for v in reversed(nodes):  # from the root down, so that a given-back op gets its own
        if v.parents and v not in found and all(p in found for p in v.parents):
            found.difference_update(v.parents)
    return found


def _precedence(name: str) -> int:
    """How tightly a given name binds: ``a`` and ``w1*x1`` need no brackets in ``w1*x1 + b``."""
    if ATOM_NAME.fullmatch(name):
        return _ATOM
    if re.fullmatch(r"[\w.]+(\*[\w.]+)+", name):
        return _MUL
    return 0


def _number(x: float) -> str:
    """A constant as it is written in an expression: 2.0 -> '2', 1/3 -> '0.3333'."""
    return f"{x:.4g}"


def _operand(text: str, prec: int, need: int) -> str:
    return text if prec >= need else f"({text})"


def _is_reciprocal(v: Value, names: dict[Value, str]) -> bool:
    """Is ``v`` an unlabelled ``x**-1``?"""
    return v.op == "**" and not v.label and names[v.parents[1]] == "-1" and not v.parents[1].parents


def _formula(v: Value, names: dict[Value, str], prec: dict[Value, int]) -> tuple[str, int]:
    """The expression ``v`` computes from its parents' names, and its precedence."""
    ps = v.parents
    if v.op == "+" and len(ps) == 2:
        a, b = ps
        left = _operand(names[a], prec[a], _ADD)
        if prec[b] == _NEG and names[b].startswith("-"):  # a + (-b) reads a - b
            return f"{left} - {_operand(names[b][1:], _NEG, _MUL)}", _ADD
        return f"{left} + {_operand(names[b], prec[b], _MUL)}", _ADD
    if v.op == "*" and len(ps) == 2:
        for x, k in ((ps[0], ps[1]), (ps[1], ps[0])):
            if not k.parents and k.data == -1.0 and names[k] == "-1":
                return "-" + _operand(names[x], prec[x], _POW), _NEG
        a, b = ps
        if _is_reciprocal(b, names):  # a * b**-1 is how the engine writes a / b
            base = b.parents[0]
            return (
                f"{_operand(names[a], prec[a], _MUL)}/{_operand(names[base], prec[base], _NEG)}",
                _MUL,
            )
        return f"{_operand(names[a], prec[a], _MUL)}*{_operand(names[b], prec[b], _NEG)}", _MUL
    if v.op == "/" and len(ps) == 2:
        a, b = ps
        return f"{_operand(names[a], prec[a], _MUL)}/{_operand(names[b], prec[b], _NEG)}", _MUL
    if v.op == "**" and len(ps) == 2:
        a, b = ps
        return f"{_operand(names[a], prec[a], _ATOM)}**{_operand(names[b], prec[b], _NEG)}", _POW
    return f"{v.op}({', '.join(names[p] for p in ps)})", _ATOM


def name_nodes(
    nodes: Iterable[Value],
    model: Any = None,
    show_constants: bool = False,
    given: Mapping[Value, str] | None = None,
) -> Names:
    """Name every node of a graph (``nodes`` as :func:`graph_nodes` lists them).

    ``given`` names some nodes outright (a collapsed view names a neuron's output by the
    neuron, ``L2.N3``); the others follow the rules of the module's opening comment.

    >>> a = Value(2.0, label="a"); b = Value(3.0, label="b")
    >>> nodes = graph_nodes(((a * b + 1) * (a + b)).tanh())
    >>> n = name_nodes(nodes)
    >>> [n.names[v] for v in nodes][2:]
    ['a*b', '1', 'a*b + 1', 'a + b', 't1', 'y']
    >>> n.legend       # the short names, and the unlabelled output y, spelled out
    {'t1': '(a*b + 1)*(a + b)', 'y': 'tanh(t1)'}
    """
    order = list(nodes)
    params = parameter_names(model)
    constant_like = _constants(order, params)
    constants = set() if show_constants else constant_like
    fixed = dict(given or {})
    taken = {v.label for v in order if v.label} | set(params.values()) | set(fixed.values())
    names: dict[Value, str] = {}
    prec: dict[Value, int] = {}
    result = Names(names, constants)
    counters = {"x": 0, "t": 0, "out": 0}

    def fresh(letter: str) -> str:
        while True:
            counters[letter] += 1
            name = f"{letter}{counters[letter]}"
            if name not in taken:
                taken.add(name)
                return name

    for v in order:
        if v in fixed or v in params or v.label:
            names[v] = fixed.get(v) or params.get(v) or v.label
            prec[v] = _precedence(names[v])
        elif v in constants or (not v.parents and v in constant_like):
            names[v], prec[v] = _number(v.data), _NEG if v.data < 0 else _ATOM
        elif not v.parents:
            names[v], prec[v] = fresh("x"), _ATOM
            result.inputs.append(v)
        elif v is order[-1]:  # an unlabelled output: y, as in y = f(x1, x2)
            names[v], prec[v] = ("y" if "y" not in taken else fresh("out")), _ATOM
            taken.add(names[v])
            result.legend[names[v]] = _formula(v, names, prec)[0]
        else:
            text, p = _formula(v, names, prec)
            if len(text) <= SHORT_NAME:
                names[v], prec[v] = text, p
            else:
                names[v], prec[v] = fresh("t"), _ATOM
                result.legend[names[v]] = text
    return result


def display_names(nodes: Iterable[Value], model: Any = None) -> dict[Value, str]:
    """The name each node is shown by, in draw_dot and explain (see :func:`name_nodes`)."""
    return name_nodes(nodes, model).names


def format_number(x: Any, precision: int) -> str:
    return f"{float(x):.{precision}g}"
